"""Snapshots of part of the code tree, so that undo can put back a deleted or merged code exactly.

`snapshot_codes(ids)` records the rows of every code (the tree is small) plus, for the named codes,
their subtrees and parents, every coding, coding memo, code memo, alignment, chart summary and
exemplar choice that hangs on them. `restore_codes(snapshot)` returns those rows to the recorded
state in one transaction, keeping ids and guids, so a redo can repeat the original operation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSnapshot:
    code_ids: tuple[int, ...]  # the affected codes (subtrees and parents of those named)
    tables: dict  # table name -> (column names, rows)


# (table, column that names a code or coding, which of the two)
_CODE_TABLES = (("codings", "code_id"), ("memos", "code_id"), ("alignments", "code_id"), ("chart_cells", "code_id"))
_CODING_TABLES = (("coding_cases", "coding_id"), ("memos", "coding_id"), ("element_exemplars", "coding_id"))


class SnapshotsMixin:
    def snapshot_codes(self, code_ids) -> CodeSnapshot:
        affected: set[int] = set()
        for cid in code_ids:
            affected.update(self.code_descendants(cid))
            parent = self.db.execute("SELECT parent_id FROM codes WHERE id = ?", (cid,)).fetchone()
            if parent and parent[0] is not None:
                affected.add(parent[0])
        ids = tuple(sorted(affected))
        marks = ",".join("?" * len(ids))
        tables = {"codes": self._rows("SELECT * FROM codes", ())}
        for table, column in _CODE_TABLES:
            tables[f"{table}.{column}"] = self._rows(f"SELECT * FROM {table} WHERE {column} IN ({marks})", ids)
        coding_ids = tuple(r[0] for r in tables["codings.code_id"][1])
        for table, column in _CODING_TABLES:
            tables[f"{table}.{column}"] = self._coding_rows(table, column, coding_ids)
        return CodeSnapshot(ids, tables)

    def restore_codes(self, snap: CodeSnapshot) -> None:
        """Put the snapshot's codes, codings and what hangs on them back as they were."""
        with self.write("restore codes", codes=list(snap.code_ids)) as c:
            c.execute("PRAGMA defer_foreign_keys = ON")  # parents and children come back in any order
            ids = snap.code_ids
            marks = ",".join("?" * len(ids))
            # Codings of the affected codes now: whatever the operation moved or created goes.
            c.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", ids)
            for table, column in _CODE_TABLES[1:]:
                c.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", ids)
            columns, rows = snap.tables["codes"]
            id_at = columns.index("id")
            present = {r[0] for r in c.execute("SELECT id FROM codes")}
            # Names are unique among siblings: park the codes being moved back under a unique
            # temporary name first so that no intermediate state clashes.
            for row in rows:
                if row[id_at] in present:
                    c.execute("UPDATE codes SET name = ? WHERE id = ?", (f"~restoring {row[id_at]}~", row[id_at]))
            set_list = ", ".join(f"{col} = ?" for col in columns if col != "id")
            for row in rows:
                values = [v for col, v in zip(columns, row) if col != "id"]
                if row[id_at] in present:
                    c.execute(f"UPDATE codes SET {set_list} WHERE id = ?", (*values, row[id_at]))
                else:
                    c.execute(f"INSERT INTO codes({', '.join(columns)}) VALUES ({','.join('?' * len(row))})", row)
            for key in ("codings.code_id", *(f"{t}.{col}" for t, col in _CODE_TABLES[1:]),
                        *(f"{t}.{col}" for t, col in _CODING_TABLES)):
                table = key.split(".")[0]
                cols, data = snap.tables[key]
                if data:
                    c.executemany(f"INSERT OR REPLACE INTO {table}({', '.join(cols)}) "
                                  f"VALUES ({','.join('?' * len(cols))})", data)
            # What the restored rows pointed to may have gone since (a participant, a framework,
            # a document deleted outside the undo history): those rows cannot come back.
            for table in ("codings", "memos", "alignments", "chart_cells", "coding_cases", "element_exemplars"):
                _drop_dangling(c, table)

    def _rows(self, sql: str, params) -> tuple[list[str], list[tuple]]:
        cur = self.db.execute(sql, params)
        return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]

    def _coding_rows(self, table: str, column: str, coding_ids: tuple[int, ...]):
        columns, rows = self._rows(f"SELECT * FROM {table} WHERE 0", ())
        out: list[tuple] = []
        for i in range(0, len(coding_ids), 500):  # stay under SQLite's parameter limit
            chunk = coding_ids[i:i + 500]
            out += self._rows(f"SELECT * FROM {table} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)[1]
        return columns, out


def _drop_dangling(c, table: str) -> None:
    """Delete (or, for ON DELETE SET NULL, clear) references to rows that no longer exist."""
    for _id, _seq, parent, column, parent_column, _upd, on_delete, _match in c.execute(
            f"PRAGMA foreign_key_list({table})").fetchall():
        missing = (f"{column} IS NOT NULL AND {column} NOT IN "
                   f"(SELECT {parent_column or 'id'} FROM {parent})")
        if on_delete == "SET NULL":
            c.execute(f"UPDATE {table} SET {column} = NULL WHERE {missing}")
        else:
            c.execute(f"DELETE FROM {table} WHERE {missing}")
