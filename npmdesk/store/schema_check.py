"""What a project of a given format must contain, and the check that it contains exactly that.

A project file carries its own schema, and SQLite runs whatever triggers and views it finds there:
a planted `AFTER INSERT ON coders BEGIN DELETE FROM codings; END` would delete every coding the
first time a new coder writes. So every open (read-only or not) compares the file's sqlite_master
(tables, indexes, triggers, views: names, owning table and whitespace-normalised SQL) with the
schema npmdesk itself creates for that `user_version`, before any write. Only sqlite_master is read
(a few pages), never a table or a view, so a hostile view cannot make the check hang.

The expected schema is built once per format, by running schema.sql (and the migrations after it)
in an in-memory database and reading that sqlite_master back — so it is SQLite's own normalised
text, exactly as create_file and migrate leave it.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache

from npmdesk.core.errors import UnexpectedSchemaError

# Tables SQLite itself may add to any database (ANALYZE statistics, AUTOINCREMENT counters); they
# hold numbers for the query planner, never code.
SQLITE_INTERNAL = frozenset({"sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4", "sqlite_sequence"})

# Index definitions that earlier builds of format 1 shipped (before covering columns were added):
# a project made by them is still a genuine format-1 project. Indexes hold no code.
ACCEPTED_VARIANTS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {
        "codings_by_document": ("CREATE INDEX codings_by_document ON codings(document_id, start, end)",),
        "turns_by_document": ("CREATE INDEX turns_by_document ON turns(document_id, start)",),
        "codings_by_code": ("CREATE INDEX codings_by_code ON codings(code_id, document_id, start)",),
    },
}
ACCEPTED_VARIANTS[2] = ACCEPTED_VARIANTS[1]  # the migration to 2 keeps a format-1 file's early indexes
# The migration to 3 makes codings_by_document anew; the other two early indexes stay as they were.
ACCEPTED_VARIANTS[3] = {k: v for k, v in ACCEPTED_VARIANTS[2].items() if k != "codings_by_document"}


@dataclass(frozen=True)
class SchemaObject:
    type: str  # table, index, trigger, view
    name: str
    tbl_name: str
    sql: str  # normalised; '' for SQLite's automatic indexes and for virtual tables' shadow tables


def normalise(sql: str | None) -> str:
    return " ".join((sql or "").split())


def read_schema(conn: sqlite3.Connection, schema: str = "main") -> dict[str, SchemaObject]:
    """The objects of a database's sqlite_master (reads only that table)."""
    rows = conn.execute(f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master").fetchall()
    objects = {name: SchemaObject(kind, name, tbl, normalise(sql)) for kind, name, tbl, sql in rows}
    # A virtual table's shadow tables (FTS5's _data, _idx, _docsize, _config) are written by the
    # module, whose exact SQL varies between SQLite versions: compare them by name and type only.
    virtual = [o.name for o in objects.values()
               if o.type == "table" and o.sql.upper().startswith("CREATE VIRTUAL TABLE")]
    for name, obj in list(objects.items()):
        if obj.type == "table" and any(name.startswith(v + "_") for v in virtual):
            objects[name] = SchemaObject(obj.type, name, obj.tbl_name, "")
    return objects


@cache
def expected_schema(version: int, base_sql: str, base_version: int, migrations: tuple) -> dict[str, SchemaObject]:
    """sqlite_master as schema.sql (format `base_version`) plus the migrations up to `version` make it."""
    from npmdesk.store.database import _split_sql

    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in _split_sql(base_sql):
            mem.execute(statement)
        for target, sql in migrations:
            if base_version < target <= version:
                for statement in _split_sql(sql):
                    mem.execute(statement)
        return read_schema(mem)
    finally:
        mem.close()


def schema_sql_version(sql: str) -> int:
    """The format schema.sql describes, from its first line ('-- npmdesk project schema, version N.')."""
    match = re.search(r"schema, version (\d+)", sql[:200])
    return int(match.group(1)) if match else 1


def differences(found: dict[str, SchemaObject], expected: dict[str, SchemaObject],
                variants: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Plain-words list of what is unknown, missing or changed (empty: the schema is as expected)."""
    variants = variants or {}
    out: list[str] = []
    for name, obj in sorted(found.items()):
        if name in SQLITE_INTERNAL and obj.type == "table":
            continue
        want = expected.get(name)
        if want is None:
            out.append(f"unknown {obj.type} {name!r}" + (f" on {obj.tbl_name!r}" if obj.tbl_name != name else ""))
        elif (obj.type, obj.tbl_name) != (want.type, want.tbl_name):
            out.append(f"{name!r} is a {obj.type} on {obj.tbl_name!r}, expected a {want.type} on {want.tbl_name!r}")
        elif obj.sql != want.sql and obj.sql not in {normalise(v) for v in variants.get(name, ())}:
            out.append(f"{obj.type} {name!r} is defined differently")
    for name, want in sorted(expected.items()):
        if name not in found:
            out.append(f"missing {want.type} {name!r}")
    return out


def verify_schema(conn: sqlite3.Connection, path, version: int) -> None:
    """Raise UnexpectedSchemaError unless the project's schema is exactly what `version` must contain."""
    from npmdesk.store import database

    base_sql = database._schema_sql()
    base_version = schema_sql_version(base_sql)
    if version < base_version:  # an older format: its schema.sql is kept as schema_vN.sql
        base_sql, base_version = database._schema_sql(f"schema_v{version}.sql"), version
    expected = expected_schema(version, base_sql, base_version, tuple(sorted(database.MIGRATIONS.items())))
    problems = differences(read_schema(conn), expected, ACCEPTED_VARIANTS.get(version))
    if problems:
        shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more" if len(problems) > 6 else "")
        raise UnexpectedSchemaError(
            f"{path}: refused — its structure is not that of an npmdesk project of format {version} "
            f"({shown}). Nothing was changed. Something other than npmdesk has altered this file; "
            f"`npmdesk repair {path} --out NEW.npmdesk` rebuilds a clean copy from the data it can read")
