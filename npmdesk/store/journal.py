"""The row journal: every row a step inserts, deletes or updates, so that undo is exact.

Temporary triggers (they live in the connection's temp schema, never in the project file) write
each row change of the project's tables into a temp table while a transaction runs. When the
transaction commits, its entries become a `Step`: the Changes the views need are derived from them,
and undo replays their inverses in reverse order — deleting only the rows the step inserted,
re-inserting only the rows it deleted and setting back only the values it updated. Each inverse
first checks that the row is still exactly as the step left it; if another program changed or
used it meanwhile, the undo is refused as a whole and nothing is lost. The inverse's own entries
are the redo.

Not journalled: the audit trail (history is not undone), coders (a coder row may outlive an
undone step harmlessly) and the full-text index (its own triggers follow document_texts).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from npmdesk.core.changes import Changes
from npmdesk.core.errors import NpmdeskError

TABLE = "npmdesk_journal"
_UNJOURNALLED = {"audit", "coders", "sqlite_sequence", "sqlite_stat1"}
# Columns too large to copy on insert; undo of an insert needs only the row's identity, and the
# redo gets the whole row back from the undo's own delete.
_HEAVY = {"document_texts": ("text",)}
# A step bigger than this is done but cannot be undone (its journal would not fit in memory well).
MAX_UNDO_ROWS = 2_000_000


class UndoConflictError(NpmdeskError):
    """The rows a step wrote were changed or used by someone else since; nothing was undone."""


@dataclass(frozen=True)
class Entry:
    """One row change: an insert has `new`, a delete `old`, an update both."""

    table: str
    op: str  # "i" insert, "d" delete, "u" update
    old: tuple | None
    new: tuple | None

    @property
    def before(self) -> tuple:
        assert self.old is not None, "an insert has no row before it"
        return self.old

    @property
    def after(self) -> tuple:
        assert self.new is not None, "a delete has no row after it"
        return self.new


@dataclass(frozen=True)
class Step:
    """What one committed transaction wrote: its row entries and the Changes they amount to."""

    entries: tuple[Entry, ...]
    changes: Changes

    @property
    def undoable(self) -> bool:
        return self.changes.undoable and len(self.entries) <= MAX_UNDO_ROWS


EMPTY_STEP = Step((), Changes())


class Journal:
    """The temp journal of one read-write connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.columns: dict[str, tuple[str, ...]] = {}
        self.keys: dict[str, tuple[str, ...]] = {}
        virtual = [r[0] for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
        for (name,) in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name"):
            if name in _UNJOURNALLED or name.startswith("sqlite_") or name in virtual \
                    or any(name.startswith(v + "_") for v in virtual):
                continue
            info = conn.execute(f'PRAGMA main.table_info("{name}")').fetchall()
            self.columns[name] = tuple(r[1] for r in info)
            pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            self.keys[name] = tuple(pk)
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TABLE} (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
                     "op TEXT NOT NULL, old TEXT, new TEXT)")
        for name, cols in self.columns.items():
            heavy = _HEAVY.get(name, ())
            new_light = ", ".join("NULL" if c in heavy else f'NEW."{c}"' for c in cols)
            new_all = ", ".join(f'NEW."{c}"' for c in cols)
            old_all = ", ".join(f'OLD."{c}"' for c in cols)
            for op, when, values in (
                    ("i", "INSERT", f"NULL, json_array({new_light})"),
                    ("d", "DELETE", f"json_array({old_all}), NULL"),
                    ("u", "UPDATE", f"json_array({old_all}), json_array({new_all})")):
                conn.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "npmdesk_journal_{name}_{op}" AFTER {when} ON main."{name}" '
                    f"BEGIN INSERT INTO {TABLE}(tbl, op, old, new) VALUES ('{name}', '{op}', {values}); END")

    def clear(self) -> None:
        self.conn.execute(f"DELETE FROM temp.{TABLE}")

    def pending(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM temp.{TABLE}").fetchone()[0]

    def take(self) -> tuple[Entry, ...]:
        """The entries written since the last take, in order; the journal is emptied."""
        rows = self.conn.execute(f"SELECT tbl, op, old, new FROM temp.{TABLE} ORDER BY seq").fetchall()
        self.clear()
        return tuple(Entry(t, op, tuple(json.loads(o)) if o is not None else None,
                           tuple(json.loads(n)) if n is not None else None) for t, op, o, n in rows)

    # Undo ------------------------------------------------------------------------------------------

    def revert(self, entries: tuple[Entry, ...]) -> None:
        """Write the inverse of `entries`, newest first, inside the caller's transaction.

        Raises UndoConflictError (the caller rolls back) when a row is no longer as the step left
        it, a row to put back collides with one written since, or the inverse touches any row the
        step did not (a cascade into another writer's rows)."""
        before = self.pending()
        for e in reversed(entries):
            cols = self.columns.get(e.table)
            if cols is None:
                raise UndoConflictError(f"the project's table {e.table!r} is no longer there")
            try:
                if e.op == "i":
                    where, params = self._match(e.table, e.after)
                    n = self.conn.execute(f'DELETE FROM main."{e.table}" WHERE {where}', params).rowcount
                elif e.op == "d":
                    n = self.conn.execute(
                        f'INSERT INTO main."{e.table}"({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})',
                        e.before).rowcount
                else:
                    where, params = self._match(e.table, e.after)
                    sets = ", ".join(f'"{c}" = ?' for c in cols)
                    n = self.conn.execute(f'UPDATE main."{e.table}" SET {sets} WHERE {where}',
                                          (*e.before, *params)).rowcount
            except sqlite3.IntegrityError as exc:
                raise UndoConflictError(_conflict(e.table, "putting it back would clash with a change made since by another program or window")) from exc
            if n != 1:
                raise UndoConflictError(_conflict(e.table, "another program or window has changed or removed what this step wrote"))
        if self.pending() - before != len(entries):
            raise UndoConflictError(_conflict("", "undoing it would also remove work another program or window added since"))

    def _match(self, table: str, row: tuple) -> tuple[str, list]:
        """WHERE clause matching a row exactly as journalled (heavy columns by identity only)."""
        heavy = _HEAVY.get(table, ())
        keys = self.keys[table]
        parts, params = [], []
        for col, value in zip(self.columns[table], row):
            if col in heavy:
                continue
            parts.append(f'"{col}" = ?' if col in keys and value is not None else f'"{col}" IS ?')
            params.append(value)
        return " AND ".join(parts), params

    # Changes ---------------------------------------------------------------------------------------

    def changes_of(self, entries: tuple[Entry, ...], *, undoable: bool = True) -> Changes:
        """The Changes record that a list of entries amounts to (see core/changes.py)."""
        sets: dict[str, set[int]] = {k: set() for k in (
            "codes", "codings_added", "codings_removed", "codings_changed", "counted", "documents")}
        flags: dict[str, bool] = dict(document_list=False, memos=False, cases=False, frameworks=False, meta=False,
                                      everything=False)
        coding_ids: set[int] = set()
        cased_codings: set[int] = set()
        col = self._column_index
        for e in entries:
            rows = [r for r in (e.old, e.new) if r is not None]
            t = e.table
            if t == "codings":
                cid = rows[0][col(t, "id")]
                coding_ids.add(cid)
                sets[{"i": "codings_added", "d": "codings_removed", "u": "codings_changed"}[e.op]].add(cid)
                for r in rows:
                    sets["counted"].add(r[col(t, "code_id")])
                    sets["documents"].add(r[col(t, "document_id")])
            elif t == "coding_cases":
                cased_codings.add(rows[0][col(t, "coding_id")])
            elif t == "codes":
                for r in rows:
                    sets["codes"].add(r[col(t, "id")])
                    sets["counted"].add(r[col(t, "id")])
            elif t in ("documents", "document_texts"):
                flags["document_list"] = True
                key = "id" if t == "documents" else "document_id"
                sets["documents"].update(r[col(t, key)] for r in rows)
            elif t in ("speakers", "turns"):
                sets["documents"].update(r[col(t, "document_id")] for r in rows)
                flags["cases"] = flags["cases"] or t == "speakers"
            elif t == "memos":
                flags["memos"] = True
            elif t in ("cases", "attributes", "case_attributes"):
                flags["cases"] = True
            elif t in ("frameworks", "framework_elements", "alignments", "element_exemplars", "chart_cells"):
                flags["frameworks"] = True
            elif t == "meta":
                flags["meta"] = True
            else:
                flags["everything"] = True
        counted: frozenset[int] | None = frozenset(sets["counted"])
        if cased_codings - coding_ids:
            counted = None  # who a coding speaks for changed: participant counts of any code
        codings_added = sets["codings_added"] - sets["codings_removed"]
        codings_removed = sets["codings_removed"] - sets["codings_added"]
        changed = sets["codings_changed"] | (sets["codings_added"] & sets["codings_removed"])
        return Changes(codes=frozenset(sets["codes"]), codings_added=frozenset(codings_added),
                       codings_removed=frozenset(codings_removed), codings_changed=frozenset(changed - codings_added
                                                                                             - codings_removed),
                       counted_codes=counted, documents=frozenset(sets["documents"]), undoable=undoable,
                       document_list=flags["document_list"], memos=flags["memos"], cases=flags["cases"],
                       frameworks=flags["frameworks"], meta=flags["meta"], everything=flags["everything"])

    def _column_index(self, table: str, column: str) -> int:
        return self.columns[table].index(column)


def _conflict(table: str, why: str) -> str:
    what = f" (in {table.replace('_', ' ')})" if table else ""
    return f"Undo was refused: {why}{what}. Nothing was undone; the project is as it was."
