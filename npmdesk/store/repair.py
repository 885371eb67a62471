"""`npmdesk repair PROJECT --out NEW`: a clean project rebuilt from the data a refused one still holds.

A project refused for its schema (a planted trigger, a view in place of a table, a missing index),
for an unknown format number, or for damage, keeps most of its rows. Repair creates a NEW file with
npmdesk's own schema and copies the rows of every table npmdesk knows, column by column, from a
private copy of the source (the source itself is only read, never opened by SQLite for writing,
and no side file beside it is applied). Nothing of the source's own triggers, views or extra
tables is carried over, and none of them runs: rows are only SELECTed from real tables. Rows that
cannot be read, break a constraint or point to rows that are gone are left out and counted.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from npmdesk.core.errors import NewerVersionError, NotAProjectError, NpmdeskError, ProjectOpenError
from npmdesk.store import database, safe_open, schema_check

CHUNK = 2000


@dataclass
class RepairReport:
    source: str
    out: str
    copied: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    not_copied: list[str] = field(default_factory=list)  # the source's objects npmdesk does not know
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"source": self.source, "out": self.out, "copied": self.copied, "left_out": self.left_out,
                "not_copied": self.not_copied, "notes": self.notes}


def _expected_tables() -> list[str]:
    base = database._schema_sql()
    expected = schema_check.expected_schema(database.SCHEMA_VERSION, base, schema_check.schema_sql_version(base),
                                            tuple(sorted(database.MIGRATIONS.items())))
    virtual = [o.name for o in expected.values() if o.sql.upper().startswith("CREATE VIRTUAL TABLE")]
    return [o.name for o in expected.values()
            if o.type == "table" and o.name not in virtual and not any(o.name.startswith(v + "_") for v in virtual)]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _rows(src: sqlite3.Connection, table: str, columns: list[str], rowid: bool, report: RepairReport):
    """Yield the readable rows of a table; unreadable stretches are skipped and counted."""
    cols = ", ".join(f'"{c}"' for c in columns)
    if not rowid:
        try:
            yield from src.execute(f'SELECT {cols} FROM "{table}"').fetchall()
        except sqlite3.DatabaseError as e:
            report.notes.append(f"{table}: could not be read ({e})")
        return
    last, misses = -(2 ** 63), 0
    while True:
        try:
            chunk = src.execute(f'SELECT rowid, {cols} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK}',
                                (last,)).fetchall()
        except sqlite3.DatabaseError as e:
            misses += 1
            if misses > 64 or last == -(2 ** 63):
                report.notes.append(f"{table}: rows after id {last} could not be read ({e})")
                return
            last += CHUNK * (2 ** min(misses, 20))  # step over the unreadable stretch
            continue
        if not chunk:
            return
        for row in chunk:
            yield row[1:]
        last = chunk[-1][0]


def _drop_dangling(conn: sqlite3.Connection, table: str) -> int:
    removed = 0
    for _id, _seq, parent, column, parent_column, _upd, on_delete, _match in conn.execute(
            f'PRAGMA foreign_key_list("{table}")').fetchall():
        missing = (f'"{column}" IS NOT NULL AND "{column}" NOT IN '
                   f'(SELECT "{parent_column or "id"}" FROM "{parent}")')
        if on_delete == "SET NULL":
            conn.execute(f'UPDATE "{table}" SET "{column}" = NULL WHERE {missing}')
        else:
            removed += conn.execute(f'DELETE FROM "{table}" WHERE {missing}').rowcount
    return removed


def repair(source: str | Path, out: str | Path) -> RepairReport:
    from npmdesk.store.output_paths import check_output_path

    source, out = Path(source), Path(out)
    header = safe_open.read_header(source)
    if not header.startswith(database.SQLITE_HEADER) or len(header) < 100:
        raise ProjectOpenError(f"{source}: not an SQLite database: there is nothing npmdesk can read from it")
    if int.from_bytes(header[68:72], "big") != database.APPLICATION_ID:
        raise NotAProjectError(f"{source}: not an npmdesk project (an SQLite database from another program)")
    version = int.from_bytes(header[60:64], "big")
    if version > database.SCHEMA_VERSION:
        raise NewerVersionError(f"{source}: made by a newer npmdesk (project format {version}); update npmdesk")
    check_output_path(out, [source])
    if os.path.lexists(out):
        raise NpmdeskError(f"{out}: already exists; repair writes a NEW file (choose a new name)")
    if not out.parent.is_dir():
        raise NpmdeskError(f"{out}: the folder to write the repaired copy in does not exist")
    report = RepairReport(str(source), str(out))
    work = out.with_name(f".{out.name}.source-copy")
    partial = out.with_name(f".{out.name}.repairing")
    try:
        shutil.copyfile(source, work)  # the source alone: no journal or -wal beside the copy
        partial.unlink(missing_ok=True)
        _rebuild(work, partial, report)
        if os.path.lexists(out):
            raise NpmdeskError(f"{out}: appeared while repairing; nothing was written over it")
        os.replace(partial, out)
    except (OSError, sqlite3.Error) as e:
        from npmdesk.store.storage_errors import translate

        raise translate(e, out) or NpmdeskError(f"{out}: the repaired copy could not be written ({e})") from e
    finally:
        for f in (work, safe_open.side_file(work, "-journal"), partial, safe_open.side_file(partial, "-journal")):
            f.unlink(missing_ok=True)
    return report


def _rebuild(work: Path, partial: Path, report: RepairReport) -> None:
    src = sqlite3.connect(str(work), isolation_level=None)
    dest = sqlite3.connect(str(partial), isolation_level=None)
    try:
        src.execute("PRAGMA writable_schema = ON")  # read past schema entries that do not parse
        src.execute("PRAGMA query_only = ON")
        try:
            found = {name: kind for kind, name in src.execute("SELECT type, name FROM sqlite_master")}
        except sqlite3.DatabaseError as e:
            raise ProjectOpenError(f"{report.source}: even its list of tables cannot be read ({e}); nothing can "
                                   "be rebuilt from it — `npmdesk backups` lists its backups") from e
        known = _expected_tables()
        base = database._schema_sql()
        expected = schema_check.expected_schema(database.SCHEMA_VERSION, base, schema_check.schema_sql_version(base),
                                                tuple(sorted(database.MIGRATIONS.items())))
        report.not_copied = sorted(f"{kind} {name}" for name, kind in found.items()
                                   if name not in expected and name not in schema_check.SQLITE_INTERNAL
                                   and not name.startswith("sqlite_autoindex"))
        dest.execute("BEGIN")
        for statement in database._split_sql(base):
            dest.execute(statement)
        for target, sql in sorted(database.MIGRATIONS.items()):
            if schema_check.schema_sql_version(base) < target:
                for statement in database._split_sql(sql):
                    dest.execute(statement)
        dest.execute(f"PRAGMA application_id = {database.APPLICATION_ID}")
        dest.execute(f"PRAGMA user_version = {database.SCHEMA_VERSION}")
        for table in known:
            if found.get(table) != "table":
                if table in found:
                    report.notes.append(f"{table}: is a {found[table]} in the source, not a table; not read")
                else:
                    report.notes.append(f"{table}: missing from the source")
                continue
            try:
                src_cols = _columns(src, table)
            except sqlite3.DatabaseError as e:
                report.notes.append(f"{table}: could not be read ({e})")
                continue
            cols = [c for c in _columns(dest, table) if c in src_cols]
            rowid = "WITHOUT ROWID" not in (expected[table].sql.upper())
            insert = (f'INSERT OR IGNORE INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                      f'VALUES ({", ".join("?" * len(cols))})')
            copied = seen = 0
            for row in _rows(src, table, cols, rowid, report):
                seen += 1
                copied += dest.execute(insert, row).rowcount
            report.copied[table] = copied
            if seen - copied:
                report.left_out[table] = seen - copied
        # Rows whose references are gone (their rows unreadable or never there) are left out too.
        while True:
            removed = {t: _drop_dangling(dest, t) for t in known}
            removed = {t: n for t, n in removed.items() if n}
            if not removed:
                break
            for t, n in removed.items():
                report.left_out[t] = report.left_out.get(t, 0) + n
                report.copied[t] = report.copied.get(t, 0) - n
        meta = dict(dest.execute("SELECT key, value FROM meta").fetchall())
        if "guid" not in meta:
            dest.execute("INSERT INTO meta(key, value) VALUES ('guid', ?)", (database.new_guid(),))
        if "name" not in meta:
            dest.execute("INSERT INTO meta(key, value) VALUES ('name', ?)", (Path(report.source).stem,))
        if "created" not in meta:
            dest.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (database.now(),))
        dest.execute("INSERT INTO document_texts_fts(document_texts_fts) VALUES ('rebuild')")
        dest.execute("COMMIT")
        integrity = [r[0] for r in dest.execute("PRAGMA integrity_check")]
        if integrity != ["ok"] or dest.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise ProjectOpenError(f"{report.out}: the rebuilt copy did not pass the checks ({integrity[:3]})")
    finally:
        src.close()
        dest.close()
