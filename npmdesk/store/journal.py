"""The row journal: every row a step inserts, deletes or updates, so that undo is exact.

Temporary triggers (they live in the connection's temp schema, never in the project file) write
each row change of the project's tables into a temp table while a transaction runs. When the
transaction commits, its entries become a `Step`: the Changes the views need are derived from them,
and undo replays their inverses in reverse order — deleting only the rows the step inserted,
re-inserting only the rows it deleted and setting back only the values it updated. Each inverse
first checks that the row is still exactly as the step left it; if another program changed or
used it meanwhile, the undo is refused as a whole and nothing is lost. The inverse's own entries
are the redo.

A shift (every coding or turn of a document after an edit moved by one amount) is journalled as
ONE entry, not one per row: the ids it moved, the amount, and a digest of those rows as the step
left them. Its inverse checks the digest (so another writer's change is still refused) and shifts
the same ids back, itself as one entry. The digest is taken after the commit, off the edit's way
to the screen (`seal`: the window asks once the edit is shown, and every write seals what is
pending before it begins); a shift that another program's commit got to first is never sealed,
and its undo is refused. Rows of the shift that a later entry of its transaction writes again (a
parked row's final place, a later shift) are checked by those entries and left out of its digest.
The per-row triggers stay quiet while a shift runs (they read temp.npm_shifting, which the counts
cache watches too: a shift moves no count).

A document's text edited is journalled as what changed (its start, the text removed, the text put
in, and a digest of the whole text as the step left it), not as the whole text before and after:
the undo history of a morning's typing stays small. Its inverse checks the digest and puts the
removed text back.

Not journalled: the audit trail (history is not undone), coders (a coder row may outlive an
undone step harmlessly) and the full-text index (its own triggers follow document_texts).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from array import array
from itertools import accumulate
from dataclasses import dataclass

from npmdesk.core.changes import Changes
from npmdesk.core.errors import NpmdeskError
from npmdesk.core.text_edits import diff_edit

TABLE = "npmdesk_journal"
_UNJOURNALLED = {"audit", "coders", "sqlite_sequence", "sqlite_stat1"}
# Columns too large to copy on insert; undo of an insert needs only the row's identity, and the
# redo gets the whole row back from the undo's own delete.
_HEAVY = {"document_texts": ("text",)}
# While a shift runs this temp table holds one row (table, document): row triggers stay quiet.
SHIFTING = "npm_shifting"
# An edit parks the codings it maps at PARKED and beyond while it rewrites them (store/text_edits.py);
# a shift leaves parked rows alone (their own update puts them in place). A shift that meets a
# unique span midway parks its rows at _PARK, further still, and moves them back.
PARKED = 1 << 40
_PARK = 1 << 42
# A step bigger than this is done but cannot be undone (its journal would not fit in memory well).
MAX_UNDO_ROWS = 2_000_000


class UndoConflictError(NpmdeskError):
    """The rows a step wrote were changed or used by someone else since; nothing was undone."""


class Seal:
    """A shift's rows and the digest of them as its step left them, filled in after the commit
    (see the module docstring); None if it could not be taken. Once sealed, the ids are kept
    packed (sorted, as differences, compressed: a few bytes a row, where a list of Python ints
    held ~36): a morning's typing in a heavily coded transcript keeps its undo history small."""

    __slots__ = ("table", "_ids", "_exclude", "_checked", "digest")

    def __init__(self, table: str, ids: list[int], exclude: frozenset[int]):
        self.table = table
        self._ids: list[int] | bytes = ids  # as the shift returned them until sealed, then packed
        self._exclude: frozenset[int] | None = exclude  # rows a later entry of the step writes again
        self._checked: bytes | None = None  # the digest's rows, packed, where not all of them
        self.digest: str | None = None

    def ids(self) -> list[int]:
        return self._ids if isinstance(self._ids, list) else _unpack(self._ids)

    def checked_ids(self) -> list[int]:
        """The rows the digest covers: the shift's rows but those a later entry writes again."""
        if self._checked is not None:
            return _unpack(self._checked)
        ids = sorted(self.ids())
        return ids if not self._exclude else [i for i in ids if i not in self._exclude]

    def seal(self, digest_of) -> None:
        checked = self.checked_ids()
        self.digest = None if digest_of is None else digest_of(self.table, json.dumps(checked))
        ids = sorted(self.ids())
        if len(checked) != len(ids):
            self._checked = _pack(checked)
        self._ids, self._exclude = _pack(ids), None

    def __repr__(self) -> str:
        return f"Seal({self.table}, {len(self.ids())} rows, {self.digest})"


def _pack(sorted_ids: list[int]) -> bytes:
    deltas = array("q", (b - a for a, b in zip([0, *sorted_ids], sorted_ids)))
    return zlib.compress(deltas.tobytes(), 1)


def _unpack(packed: bytes) -> list[int]:
    deltas = array("q")
    deltas.frombytes(zlib.decompress(packed))
    return list(accumulate(deltas))


@dataclass(frozen=True)
class Entry:
    """One row change: an insert has `new`, a delete `old`, an update both."""

    table: str
    # "i" insert, "d" delete, "u" update, "s" shift: old = (document, delta, Seal: its ids and digest),
    # "t" a document's text edited: old = (document, start, removed text, inserted text, digest)
    op: str
    old: tuple | None
    new: tuple | None
    refs: tuple | None = None  # identities of the rows `old` refers to, one per foreign key (see Journal)

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
    """The temp journal of one read-write connection.

    One temp table holds every entry: the table, the operation, the row before and after in
    untyped columns (so integers, reals, text and blobs come back exactly as they were) and, for a
    row before, the identity of each row it refers to (a parent's guid, or its whole row where it
    has none): SQLite may give a deleted parent's id to a new row, and undo must not attach a
    restored row to someone else's code, document or participant."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.columns: dict[str, tuple[str, ...]] = {}
        self.keys: dict[str, tuple[str, ...]] = {}
        self.refs: dict[str, tuple[tuple[str, str, str], ...]] = {}  # (column, parent, parent column)
        virtual = [r[0] for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
        for (name,) in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name"):
            if name in _UNJOURNALLED or name.startswith("sqlite_") or name in virtual \
                    or any(name.startswith(v + "_") for v in virtual):
                continue
            info = conn.execute(f'PRAGMA main.table_info("{name}")').fetchall()
            self.columns[name] = tuple(r[1] for r in info)
            self.keys[name] = tuple(r[1] for r in sorted(info, key=lambda r: r[5]) if r[5])
            self.refs[name] = tuple((r[3], r[2], r[4] or "id") for r in
                                    conn.execute(f'PRAGMA main.foreign_key_list("{name}")').fetchall())
        parents = {parent for refs in self.refs.values() for _col, parent, _pcol in refs}
        self._fingerprint_sql = {parent: self._fingerprint(parent) for parent in parents}
        self._positions = {t: {c: k for k, c in enumerate(cols)} for t, cols in self.columns.items()}
        self.width = max(len(c) for c in self.columns.values())
        self.ref_width = max(len(r) for r in self.refs.values())
        olds = ", ".join(f"o{k}" for k in range(self.width))
        news = ", ".join(f"n{k}" for k in range(self.width))
        refs_cols = ", ".join(f"r{k}" for k in range(self.ref_width))
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TABLE} (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
                     f"op TEXT NOT NULL, {refs_cols}, {olds}, {news})")
        ensure_shifting(conn)
        self._triggers: list[tuple[str, str]] = []
        self._suspended = False
        self.unsealed: list[Seal] = []  # shifts committed and not yet sealed (see seal())
        for name, cols in self.columns.items():
            heavy = _HEAVY.get(name, ())
            o_cols = ", ".join(f"o{k}" for k in range(len(cols)))
            n_cols = ", ".join(f"n{k}" for k in range(len(cols)))
            new_light = ", ".join("NULL" if c in heavy else f'NEW."{c}"' for c in cols)
            new_all = ", ".join(f'NEW."{c}"' for c in cols)
            old_all = ", ".join(f'OLD."{c}"' for c in cols)
            r_cols, refs_sql = self._refs_sql(name)
            for op, when, columns, values in (
                    ("i", "INSERT", n_cols, new_light),
                    ("d", "DELETE", f"{r_cols}{o_cols}", f"{refs_sql}{old_all}"),
                    ("u", "UPDATE", f"{r_cols}{o_cols}, {n_cols}", f"{refs_sql}{old_all}, {new_all}")):
                quiet = f" WHEN NOT EXISTS (SELECT 1 FROM temp.{SHIFTING})" if op == "u" else ""
                self._triggers.append((
                    f"npmdesk_journal_{name}_{op}",
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "npmdesk_journal_{name}_{op}" AFTER {when} ON main."{name}"'
                    f"{quiet} BEGIN INSERT INTO {TABLE}(tbl, op, {columns}) VALUES ('{name}', '{op}', {values}); END"))
        self.resume()

    def suspend(self) -> None:
        """Stop journalling (a bulk step that will not be undoable: a large merge). Dropping the
        temp triggers is part of the transaction, so a rollback brings them back as well."""
        self._suspended = True
        for name, _sql in self._triggers:
            self.conn.execute(f'DROP TRIGGER IF EXISTS temp."{name}"')

    def resume(self) -> None:
        try:
            for _name, sql in self._triggers:
                self.conn.execute(sql)
        finally:  # if this fails, the write rolls back, which brings them back all the same
            self._suspended = False

    def recording(self, table: str) -> bool:
        """Whether updates of `table` are journalled now (not inside unjournalled()). The triggers
        are only ever dropped between suspend() and the resume() that unjournalled() always runs
        after it (a rollback then restores them as they were: present), so a flag says it without
        reading the temp schema's hundred-odd triggers (three times a keystroke)."""
        return not self._suspended

    def shift(self, table: str, document_id: int, from_start: int, delta: int) -> list[int]:
        """Shift the rows of `table` (codings, turns) of a document starting at or after
        `from_start` by `delta`, journalled as one entry; returns their ids."""
        ids = shift_rows(self.conn, table, document_id, SHIFTED, (from_start, PARKED), delta)
        self._record_shift(table, document_id, delta, ids)
        return ids

    def _record_shift(self, table: str, document_id: int, delta: int, ids: list[int]) -> None:
        if not ids or not self.recording(table):
            return
        self.conn.execute(f"INSERT INTO temp.{TABLE}(tbl, op, o0, o1, o2) VALUES (?, 's', ?, ?, ?)",
                          (table, document_id, delta, json.dumps(ids)))

    def write_text(self, document_id: int, old: str, new: str) -> None:
        """Set a document's text from `old` to `new`, journalled as one text entry (where they
        differ, and a digest of `new`) written here, rather than by the row trigger, which would
        copy both whole texts into the journal for take() to compare (a typed character in a
        150,000-character transcript: 300 kB copied and read back per keystroke)."""
        recording = self.recording("document_texts")
        self.conn.execute(f"INSERT INTO temp.{SHIFTING}(tbl, document_id) VALUES ('document_texts', ?)",
                          (document_id,))  # the row trigger stays quiet
        try:
            self.conn.execute("UPDATE main.document_texts SET text = ? WHERE document_id = ?", (new, document_id))
        finally:
            self.conn.execute(f"DELETE FROM temp.{SHIFTING}")
        if recording:
            e = _text_entry("document_texts", document_id, old, new)
            self.conn.execute(f"INSERT INTO temp.{TABLE}(tbl, op, o0, o1, o2, o3, o4) VALUES (?, 't', ?, ?, ?, ?, ?)",
                              (e.table, *e.before))

    def seal(self, valid: bool) -> None:
        """Take the digests of the shifts committed since the last seal, from the rows as they are
        now; `valid` is False when another program has committed since (they stay unsealed)."""
        pending, self.unsealed = self.unsealed, []
        for seal in pending:
            seal.seal(self._digest if valid else None)

    def _digest(self, table: str, ids_json: str) -> str:
        """A digest of the rows `ids_json` names, in id order, every column with its type (JSON
        keeps integers, reals and text apart; quote() where a row holds a blob, which JSON cannot):
        equal only if each row is exactly as it was."""
        cols = ", ".join(f'"{c}"' for c in self.columns[table])
        sql = ("SELECT count(*) || ':' || ifnull(group_concat(r, ';'), '') FROM (SELECT {row} AS r FROM "
               f'main."{table}" WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id)')
        try:
            text = self.conn.execute(sql.format(row=f"json_array({cols})"), (ids_json,)).fetchone()[0]
        except sqlite3.OperationalError:  # a blob
            quoted = " || ',' || ".join(f'quote("{c}")' for c in self.columns[table])
            text = "q" + self.conn.execute(sql.format(row=quoted), (ids_json,)).fetchone()[0]
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _revert_shift(self, e: Entry) -> None:
        document_id, delta, seal = e.before
        if seal.digest is None:
            raise UndoConflictError(_conflict(e.table, "another program or window wrote to the project before "
                                                       "this step was sealed"))
        if self._digest(e.table, json.dumps(seal.checked_ids())) != seal.digest:
            raise UndoConflictError(_conflict(e.table, "another program or window has changed or removed what "
                                                       "this step wrote"))
        ids = seal.ids()
        ids_json = json.dumps(ids)
        moved = shift_rows(self.conn, e.table, document_id, "id IN (SELECT value FROM json_each(?))", (ids_json,),
                           -delta)
        if len(moved) != len(ids):
            raise UndoConflictError(_conflict(e.table, "another program or window has changed or removed what "
                                                       "this step wrote"))
        self._record_shift(e.table, document_id, -delta, ids)

    def _revert_text(self, e: Entry) -> None:
        document_id, start, removed, inserted, digest = e.before
        row = self.conn.execute("SELECT text FROM main.document_texts WHERE document_id = ?",
                                (document_id,)).fetchone()
        if row is None or _sha256(row[0]) != digest:
            raise UndoConflictError(_conflict(e.table, "another program or window has changed or removed what "
                                                       "this step wrote"))
        text = row[0]
        self.write_text(document_id, text, text[:start] + removed + text[start + len(inserted):])

    def _fingerprint(self, parent: str) -> str:
        """SQL for what identifies a parent row beyond its id: its guid, else its natural key (the
        columns of a UNIQUE constraint), else its whole row."""
        cols = [r[1] for r in self.conn.execute(f'PRAGMA main.table_info("{parent}")').fetchall()]
        if "guid" in cols:
            return "guid"
        for _seq, index, unique, origin, _partial in self.conn.execute(f'PRAGMA main.index_list("{parent}")'):
            if unique and origin == "u":
                key = [r[2] for r in self.conn.execute(f'PRAGMA main.index_info("{index}")')]
                return "json_array(" + ", ".join(f'"{c}"' for c in key) + ")"
        return "json_array(" + ", ".join(f'"{c}"' for c in cols) + ")"

    def _refs_sql(self, table: str) -> tuple[str, str]:
        """The journal columns and trigger values for the identities of the rows OLD refers to."""
        refs = self.refs[table]
        cols = "".join(f"r{k}, " for k in range(len(refs)))
        values = "".join(f'(SELECT {self._fingerprint_sql[parent]} FROM main."{parent}" WHERE "{pcol}" = OLD."{col}"), '
                         for col, parent, pcol in refs)
        return cols, values

    def clear(self) -> None:
        self.conn.execute(f"DELETE FROM temp.{TABLE}")

    def pending(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM temp.{TABLE}").fetchone()[0]

    def take(self) -> tuple[Entry, ...]:
        """The entries written since the last take, in order; the journal is emptied."""
        w, rw = self.width, self.ref_width
        rows = self.conn.execute(f"SELECT * FROM temp.{TABLE} ORDER BY seq").fetchall()
        self.clear()
        out = []
        o0, n0 = 3 + rw, 3 + rw + w
        # A shift's digest covers the rows no later entry of this transaction writes again (a
        # parked row's final place, a later shift): at its turn in an undo, those are as it left them.
        later: dict[str, set] = {}
        seals: dict[int, Seal] = {}
        for k in range(len(rows) - 1, -1, -1):
            r = rows[k]
            if r[1] not in ("codings", "turns"):
                continue
            written = later.setdefault(r[1], set())
            if r[2] == "s":
                ids = json.loads(r[o0 + 2])
                seals[k] = Seal(r[1], ids, frozenset(written.intersection(ids)))  # parsed once
                written.update(ids)
            else:
                written.update(v for v in (r[o0], r[n0]) if v is not None)
        for k, r in enumerate(rows):
            table, op = r[1], r[2]
            if op == "s":
                seal = seals[k]
                self.unsealed.append(seal)
                out.append(Entry(table, op, (r[o0], r[o0 + 1], seal), None))
                continue
            if op == "t":  # written by write_text: (document, start, removed, inserted, digest)
                out.append(Entry(table, op, tuple(r[o0:o0 + 5]), None))
                continue
            if op == "u" and table == "document_texts":
                at = self._positions[table]
                out.append(_text_entry(table, r[o0 + at["document_id"]], r[o0 + at["text"]], r[n0 + at["text"]]))
                continue
            n = len(self.columns[table])
            old = tuple(r[o0:o0 + n]) if op != "i" else None
            new = tuple(r[n0:n0 + n]) if op != "d" else None
            if old is not None and new is not None:  # an update: its unchanged values held once
                new = tuple(a if a == b and type(a) is type(b) else b for a, b in zip(old, new))
            refs = tuple(r[3:3 + len(self.refs[table])]) if op != "i" else None
            out.append(Entry(table, op, old, new, refs))
        return tuple(out)

    # Undo ------------------------------------------------------------------------------------------

    def revert(self, entries: tuple[Entry, ...]) -> None:
        """Write the inverse of `entries`, newest first, inside the caller's transaction.

        Raises UndoConflictError (the caller rolls back) when a row is no longer as the step left
        it, a row it refers to has been replaced, a row to put back collides with one written
        since, or the inverse touches any row the step did not (a cascade into another writer's
        rows). Runs of entries on one table are replayed together (executemany)."""
        before = self.pending()
        backwards = list(reversed(entries))
        start = 0
        while start < len(backwards):
            first = backwards[start]
            end = start
            while end < len(backwards) and (backwards[end].table, backwards[end].op) == (first.table, first.op):
                end += 1
            self._revert_run(first.table, first.op, backwards[start:end])
            start = end
        # With every row back, each restored row must refer to the very rows it referred to.
        # A parent row the step itself wrote (a speaker a relabel renamed) was checked by its own
        # inverse, exactly; its identity may differ from what a row referring to it recorded.
        restored: dict[str, list[Entry]] = {}
        own: dict[str, set] = {}
        for e in entries:
            if e.op in ("d", "u") and self.refs.get(e.table):
                restored.setdefault(e.table, []).append(e)
            if e.op in "iud" and "id" in self._positions.get(e.table, {}):
                at = self._positions[e.table]["id"]
                own.setdefault(e.table, set()).update(r[at] for r in (e.old, e.new) if r is not None)
        for table, rows in restored.items():
            self._check_refs(table, rows, own)
        if self.pending() - before != len(entries):
            raise UndoConflictError(_conflict(
                "", "undoing it would also remove work another program or window added since"))

    def _revert_run(self, table: str, op: str, run: list[Entry]) -> None:
        cols = self.columns.get(table)
        if cols is None:
            raise UndoConflictError(f"the project's table {table!r} is no longer there")
        where = self._where(table)
        try:
            if op == "s":
                for e in run:
                    self._revert_shift(e)
                return
            if op == "t":
                for e in run:
                    self._revert_text(e)
                return
            if op == "i":
                cur = self.conn.executemany(f'DELETE FROM main."{table}" WHERE {where}',
                                            [self._match_params(table, e.after) for e in run])
            elif op == "d":
                cur = self.conn.executemany(
                    f'INSERT INTO main."{table}"({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})',
                    [e.before for e in run])
            else:
                # SET only what the update changed, so untouched indexes are not rewritten; rows
                # that changed the same columns go together.
                done = 0
                for changed, rows in _by_changed_columns(run):
                    sets = ", ".join(f'"{cols[k]}" = ?' for k in changed)
                    done += self.conn.executemany(
                        f'UPDATE main."{table}" SET {sets} WHERE {where}',
                        [(*(e.before[k] for k in changed), *self._match_params(table, e.after)) for e in rows]).rowcount
                if done != len(run):
                    raise UndoConflictError(_conflict(table, "another program or window has changed or removed "
                                                             "what this step wrote"))
                return
        except sqlite3.IntegrityError as exc:
            raise UndoConflictError(_conflict(table, "putting it back would clash with a change made since by "
                                                     "another program or window")) from exc
        if cur.rowcount != len(run):
            raise UndoConflictError(_conflict(table, "another program or window has changed or removed what "
                                                     "this step wrote"))

    def _check_refs(self, table: str, run: list[Entry], own: dict[str, set] | None = None) -> None:
        """Every row a restored row refers to must still be the very row it referred to then
        (but for the rows `own`, by table, that this undo wrote itself)."""
        refs = self.refs[table]
        if not refs:
            return
        index = self._positions[table]
        for position, (col, parent, pcol) in enumerate(refs):
            wanted: dict = {}
            written = (own or {}).get(parent, set()) if pcol == "id" else set()
            for e in run:
                value = e.before[index[col]]
                if value is not None and e.refs is not None and value not in written:
                    wanted[value] = e.refs[position]
            if not wanted:
                continue
            found = dict(self.conn.execute(
                f'SELECT "{pcol}", {self._fingerprint_sql[parent]} FROM main."{parent}" '
                f'WHERE "{pcol}" IN (SELECT value FROM json_each(?))', (json.dumps(list(wanted)),)).fetchall())
            for value, fingerprint in wanted.items():
                if fingerprint is not None and found.get(value) != fingerprint:
                    raise UndoConflictError(_conflict(
                        table, f"what it refers to ({parent.replace('_', ' ')}) was removed or replaced since"))

    def _where(self, table: str) -> str:
        """WHERE clause matching a row exactly as journalled (heavy columns by identity only)."""
        heavy = _HEAVY.get(table, ())
        keys = self.keys[table]
        return " AND ".join(f'"{c}" = ?' if c in keys else f'"{c}" IS ?'
                            for c in self.columns[table] if c not in heavy)

    def _match_params(self, table: str, row: tuple) -> list:
        heavy = _HEAVY.get(table, ())
        return [v for c, v in zip(self.columns[table], row) if c not in heavy]

    # Changes ---------------------------------------------------------------------------------------

    def changes_of(self, entries: tuple[Entry, ...], *, undoable: bool = True) -> Changes:
        """The Changes record that a list of entries amounts to (see core/changes.py)."""
        sets: dict[str, set[int]] = {k: set() for k in (
            "codes", "codings_added", "codings_removed", "codings_changed", "counted", "recounted", "documents",
            "texts", "turns_moved", "turns", "media")}
        shifts: list[tuple[int, list[int]]] = []  # (document, codings) of each codings shift
        text_entries: dict[int, int] = {}  # document -> text updates in the step
        flags: dict[str, bool] = dict(document_list=False, memos=False, cases=False, frameworks=False, meta=False,
                                      everything=False)
        coding_ids: set[int] = set()
        coding_codes: dict[int, set[int]] = {}  # coding -> its code(s) before and after
        case_links: dict[tuple[int, int], int] = {}  # (coding, case) -> links added less removed
        col = self._column_index
        for e in entries:
            t = e.table
            if e.op == "s":  # a shift: those rows moved, no count changed (core/changes.py)
                sets["documents"].add(e.before[0])
                if t == "turns":
                    sets["turns"].add(e.before[0])
                if t == "codings":  # not in coding_ids: their codes are unknown here, so a change of
                    # who they speak for (coding_cases) makes every code's count suspect
                    ids = e.before[2].ids()
                    sets["codings_changed"].update(ids)
                    shifts.append((e.before[0], ids))
                continue
            rows = [r for r in (e.old, e.new) if r is not None]
            if t == "codings":
                cid = rows[0][col(t, "id")]
                coding_ids.add(cid)
                sets[{"i": "codings_added", "d": "codings_removed", "u": "codings_changed"}[e.op]].add(cid)
                codes_of = {r[col(t, "code_id")] for r in rows}
                coding_codes.setdefault(cid, set()).update(codes_of)
                sets["counted"].update(codes_of)
                if e.op != "u" or len(codes_of) > 1 or len({r[col(t, "document_id")] for r in rows}) > 1:
                    sets["recounted"].update(codes_of)  # a count changes; a new span alone changes none
                for r in rows:
                    sets["documents"].add(r[col(t, "document_id")])
            elif t == "coding_cases":  # net of a link taken away and put back (a span rewritten)
                for link, sign in ((e.old, -1), (e.new, 1)):
                    if link is not None:
                        pair = (link[col(t, "coding_id")], link[col(t, "case_id")])
                        case_links[pair] = case_links.get(pair, 0) + sign
            elif t == "codes":
                for r in rows:
                    sets["codes"].add(r[col(t, "id")])
                    sets["counted"].add(r[col(t, "id")])
                    sets["recounted"].add(r[col(t, "id")])
            elif t in ("documents", "document_texts"):
                key = "id" if t == "documents" else "document_id"
                sets["documents"].update(r[col(t, key)] for r in rows)
                if t == "document_texts":
                    sets["texts"].update(r[col(t, key)] for r in rows)
                    text_entries[rows[0][col(t, key)]] = text_entries.get(rows[0][col(t, key)], 0) + 1
                # An edit's new length and word count come with `texts`; the list itself (names,
                # order, kinds, cases) is the same.
                if e.op in ("i", "d") or t == "documents" and e.op == "u" and any(
                        e.before[k] != e.after[k] for k in range(len(e.before)) if k not in self._sized(t)):
                    flags["document_list"] = True
            elif t == "document_versions":  # an edit's version row: that document changed
                sets["documents"].update(r[col(t, "document_id")] for r in rows)
            elif t == "media":
                sets["documents"].update(r[col(t, "document_id")] for r in rows)
                sets["media"].update(r[col(t, "document_id")] for r in rows)
            elif t in ("speakers", "turns"):
                sets["documents"].update(r[col(t, "document_id")] for r in rows)
                sets["turns"].update(r[col(t, "document_id")] for r in rows)
                if t == "turns" and (e.op != "u" or any(e.before[col(t, c)] != e.after[col(t, c)]
                                                        for c in ("start", "speaker_id"))):
                    # a turn begun elsewhere than a shift put it: a speaker label may come or go
                    sets["turns_moved"].update(r[col(t, "document_id")] for r in rows)
                flags["cases"] = flags["cases"] or t == "speakers"
            elif t == "memos":
                flags["memos"] = True
            elif t in ("cases", "attributes", "case_attributes"):
                flags["cases"] = True
            elif t in ("frameworks", "framework_elements", "alignments", "element_exemplars", "chart_cells"):
                flags["frameworks"] = True
            elif t in ("meta", "pseudonyms", "code_keys"):  # settings: number-key pins are one
                flags["meta"] = True
            else:
                flags["everything"] = True
        cased_codings = {coding for (coding, _case), n in case_links.items() if n}
        counted: frozenset[int] | None = frozenset(sets["counted"])
        recounted: frozenset[int] | None = None
        if cased_codings - coding_ids:
            counted = None  # who a coding speaks for changed: participant counts of any code
        else:  # a coding now speaking for other participants: its code's participant count
            recounted = frozenset(sets["recounted"].union(*(coding_codes[c] for c in cased_codings)))
        codings_added = sets["codings_added"] - sets["codings_removed"]
        codings_removed = sets["codings_removed"] - sets["codings_added"]
        changed = sets["codings_changed"] | (sets["codings_added"] & sets["codings_removed"])
        return Changes(codes=frozenset(sets["codes"]), codings_added=frozenset(codings_added),
                       codings_removed=frozenset(codings_removed), codings_changed=frozenset(changed - codings_added
                                                                                             - codings_removed),
                       # Only a step with one text update per document says which codings merely
                       # shifted (several, as in the undo of merged typing, move them by different
                       # amounts: a view reads them all again).
                       shifted=frozenset(cid for doc, ids in shifts if text_entries.get(doc, 0) <= 1
                                         for cid in ids) - coding_ids - codings_removed,
                       turns_moved=frozenset(sets["turns_moved"]), turns=frozenset(sets["turns"]),
                       media=frozenset(sets["media"]),
                       texts=frozenset(sets["texts"]),
                       counted_codes=counted, recounted=recounted, documents=frozenset(sets["documents"]),
                       undoable=undoable,
                       document_list=flags["document_list"], memos=flags["memos"], cases=flags["cases"],
                       frameworks=flags["frameworks"], meta=flags["meta"], everything=flags["everything"])

    def _sized(self, table: str) -> tuple[int, ...]:
        """The columns of `documents` a text edit rewrites with the text (length, words)."""
        return (self._column_index(table, "length"), self._column_index(table, "words"))

    def _column_index(self, table: str, column: str) -> int:
        return self._positions[table][column]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _text_entry(table: str, document_id: int, old: str, new: str) -> Entry:
    """A text update kept as what it changed, not as two copies of the whole text (a typed
    character in a 150,000-character transcript: a few bytes instead of 300 kB per keystroke
    held by the undo history), with a digest of the text it left for undo's check."""
    edit = diff_edit(old, new) or (0, 0, "")
    start, old_end, inserted = edit
    return Entry(table, "t", (document_id, start, old[start:old_end], inserted, _sha256(new)), None)


SHIFTED = "start >= ? AND start < ?"  # a shift's rows: from the edit's end on, parked ones left out


def ensure_shifting(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SHIFTING}(tbl TEXT NOT NULL, document_id INTEGER NOT NULL)")


def shift_rows(conn: sqlite3.Connection, table: str, document_id: int, where: str, params: tuple,
               delta: int) -> list[int]:
    """`UPDATE table SET start += delta, end += delta` for a document's rows matching `where`, with
    the row triggers quiet (temp.npm_shifting says a shift runs); returns the ids moved. SQLite
    checks a unique span row by row, so a shift can meet a row that has not moved yet (spans
    exactly `delta` apart): then the rows are parked past any offset and moved back."""
    ensure_shifting(conn)
    conn.execute(f"INSERT INTO temp.{SHIFTING}(tbl, document_id) VALUES (?, ?)", (table, document_id))
    try:
        sql = (f'UPDATE main."{table}" SET start = start + ?, end = end + ? '
               f"WHERE document_id = ? AND {where} RETURNING id")
        try:
            return [r[0] for r in conn.execute(sql, (delta, delta, document_id, *params)).fetchall()]
        except sqlite3.IntegrityError:  # the statement is undone as a whole; the transaction goes on
            parked = json.dumps([r[0] for r in conn.execute(sql, (_PARK + delta, _PARK + delta, document_id,
                                                                   *params)).fetchall()])
            return [r[0] for r in conn.execute(
                f'UPDATE main."{table}" SET start = start - ?, end = end - ? '
                "WHERE id IN (SELECT value FROM json_each(?)) RETURNING id", (_PARK, _PARK, parked)).fetchall()]
    finally:
        conn.execute(f"DELETE FROM temp.{SHIFTING}")


def _by_changed_columns(run: list[Entry]) -> list[tuple[tuple[int, ...], list[Entry]]]:
    """Consecutive entries that changed the same columns, in order: a row updated twice in one
    step (an edit moves a turn's end, then gives it another speaker) is put back in reverse order,
    each update matching the row as the one after it left it."""
    groups: list[tuple[tuple[int, ...], list[Entry]]] = []
    for e in run:
        changed = tuple(k for k, (a, b) in enumerate(zip(e.before, e.after)) if a is not b and a != b
                        or type(a) is not type(b)) or tuple(range(len(e.before)))
        if groups and groups[-1][0] == changed:
            groups[-1][1].append(e)
        else:
            groups.append((changed, [e]))
    return groups


def _conflict(table: str, why: str) -> str:
    what = f" (in {table.replace('_', ' ')})" if table else ""
    return f"Undo was refused: {why}{what}. Nothing was undone; the project is as it was."
