"""Opening, creating and migrating the project file.

Before SQLite opens a project, its header is read (not SQLite, another program's, a format npmdesk
does not know: refused without SQLite touching it), the files beside it are dealt with
(store/safe_open.py) and its schema is compared with what its format must contain
(store/schema_check.py). Only then may anything be written, so a file npmdesk refuses is never
modified.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import sqlite_utils

from npmdesk.core.errors import (
    BadInputError,
    DamagedProjectError,
    NewerVersionError,
    NotAProjectError,
    NotSQLiteError,
    ProjectBusyError,
    ProjectOpenError,
    UnknownVersionError,
)
from npmdesk.paths import backups_dir
from npmdesk.store import safe_open, schema_check

log = logging.getLogger("npmdesk")

APPLICATION_ID = 0x4E504D44  # "NPMD"
SCHEMA_VERSION = 3
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000



def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_guid() -> str:
    return str(uuid.uuid4())


def _schema_sql(name: str = "schema.sql") -> str:
    return resources.files("npmdesk.store").joinpath(name).read_text(encoding="utf-8")


# Forward migrations: version reached -> SQL run to reach it from the one before. A new project is
# schema.sql (format 1) plus every migration, so a new file and an upgraded one have the same schema.
MIGRATIONS: dict[int, str] = {2: _schema_sql("migration_v2.sql"), 3: _schema_sql("migration_v3.sql")}


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def inspect_header(path: Path, header: bytes) -> tuple[int, int]:
    """(application_id, user_version) from the file's first 100 bytes, or a ProjectOpenError.

    Identity and version are read from the header bytes, so refusals never need SQLite to touch
    the file (an SQLite connection may roll back a journal, which is a write)."""
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise NotSQLiteError(f"{path}: not an npmdesk project (the file is not an SQLite database)")
    version = int.from_bytes(header[60:64], "big")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotAProjectError(f"{path}: not an npmdesk project (an SQLite database from another program)")
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"{path}: made by a newer npmdesk (project format {version}, this version reads "
            f"up to {SCHEMA_VERSION}); update npmdesk to open it"
        )
    if version < 1:
        known = "format 1" if SCHEMA_VERSION == 1 else f"formats 1 to {SCHEMA_VERSION}"
        raise UnknownVersionError(
            f"{path}: refused — it says project format {version}, which no npmdesk writes ({known}); the file "
            f"was not changed. It may be unfinished or altered by another program: "
            f"`npmdesk repair {path} --out NEW.npmdesk` rebuilds a clean copy from the data it can read")
    return app_id, version


def _damaged(path: Path, e: sqlite3.DatabaseError) -> ProjectOpenError | ProjectBusyError:
    if "locked" in str(e) or "busy" in str(e):
        return ProjectBusyError(f"{path}: another program is writing to this project")
    return DamagedProjectError(f"{path}: the project file is damaged ({e}); `npmdesk repair {path} --out "
                               "NEW.npmdesk` rebuilds a clean copy from the data it can read, and "
                               f"`npmdesk backups {path}` lists its backups")


def create_file(path: Path, name: str) -> None:
    if path.exists():
        raise ProjectOpenError(f"{path}: a file of that name already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".creating")
    tmp.unlink(missing_ok=True)
    conn = _connect(tmp)
    try:
        conn.execute("BEGIN")
        for statement in _split_sql(_schema_sql()):  # executescript() would commit midway
            conn.execute(statement)
        for target in range(schema_check.schema_sql_version(_schema_sql()) + 1, SCHEMA_VERSION + 1):
            for statement in _split_sql(MIGRATIONS[target]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)",
            [("name", name), ("created", now()), ("guid", new_guid())],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    tmp.replace(path)  # the project appears whole or not at all


def _split_sql(script: str) -> list[str]:
    """Split a schema script into statements (trigger bodies contain ';')."""
    statements: list[str] = []
    buf: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("--")):
            continue
        buf.append(line)
        candidate = "\n".join(buf)
        if stripped.endswith(";") and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            buf = []
    if buf and "\n".join(buf).strip():
        statements.append("\n".join(buf))
    return statements


def backup_copy(conn: sqlite3.Connection, source: Path, reason: str) -> Path:
    """Copy the live database (SQLite backup API) into the backups folder; return the copy's path."""
    folder = backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{source.stem}-{stamp}-{reason}{source.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{source.stem}-{stamp}-{reason}-{n}{source.suffix}"
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def migrate(conn: sqlite3.Connection, path: Path, version: int) -> Path | None:
    """Bring a project up to SCHEMA_VERSION in one transaction, after a backup copy."""
    if version >= SCHEMA_VERSION:
        return None
    backup = backup_copy(conn, path, f"before-v{SCHEMA_VERSION}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _split_sql(MIGRATIONS[target]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as e:
        conn.execute("ROLLBACK")
        raise ProjectOpenError(
            f"{path}: could not be upgraded to project format {SCHEMA_VERSION} ({e}); it is unchanged, "
            f"and a backup copy is at {backup}") from e
    return backup


def open_connection(path: Path, read_only: bool = False) -> sqlite_utils.Database:
    """Inspect, then open (read-write unless asked otherwise), verify the schema, migrate if
    needed, and return a sqlite-utils Database.

    Before SQLite sees the file, store/safe_open.py refuses what is not a regular project file,
    moves a foreign -wal/-shm aside and rolls a hot journal back only over a checked copy. Then
    the schema is compared with what the file's format must contain (store/schema_check.py;
    only sqlite_master is read) before anything is written. The full integrity check is not run
    on every open (it reads the whole file): only after a rollback, and in `npmdesk check`.
    Notices for the user (side files moved aside, a rollback) are in `db.open_notices`.

    `read_only=True` opens with SQLite's mode=ro: nothing this connection does can change the
    file's bytes (no migration, no journal mode change). A project of an earlier format is then
    read from an upgraded copy in memory: the file itself is upgraded only when opened for writing."""
    path = Path(path)
    report = safe_open.prepare(path)
    _, version = inspect_header(path, report.header)
    try:
        if read_only and 2 in report.header[18:20]:
            # Another program switched the file to WAL mode. Reading it with mode=ro would make SQLite
            # create a -wal and -shm beside it; immutable reads the file alone (a -wal is never applied).
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
        else:
            conn = _connect(path, readonly=read_only)
    except sqlite3.DatabaseError as e:
        raise _damaged(path, e) from e
    try:
        schema_check.verify_schema(conn, path, version)  # before any write: no foreign trigger ever fires
        if read_only and version < SCHEMA_VERSION:
            conn = _upgraded_in_memory(conn, version)
        conn.execute("PRAGMA foreign_keys = ON")
        # The row journal (store/journal.py) sees the rows an INSERT OR REPLACE deletes only when
        # delete triggers fire for them; sqlite-utils turns this on too, but undo depends on it.
        conn.execute("PRAGMA recursive_triggers = ON")
        # SQLite's default 2 MiB page cache is smaller than the codings and their indexes at study
        # scale (100,000 codings): matrices and counts then re-read pages from the OS on every pass.
        conn.execute("PRAGMA cache_size = -32768")  # KiB: at most 32 MiB, filled only as pages are read
        if not read_only:
            # The rollback journal keeps a project one file that can be copied and e-mailed.
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn, path, version)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise _damaged(path, e) from e
    except BaseException:
        conn.close()
        raise
    db = sqlite_utils.Database(conn, execute_plugins=False)
    db.open_notices = list(report.notices)  # type: ignore[attr-defined]  # read by Project (what was moved aside)
    for notice in report.notices:
        log.info("%s: %s", path, notice)
    return db


def _upgraded_in_memory(conn: sqlite3.Connection, version: int) -> sqlite3.Connection:
    """A copy of an earlier-format project in memory, migrated, for reading it without writing it."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.backup(mem)
        mem.execute("BEGIN")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _split_sql(MIGRATIONS[target]):
                mem.execute(statement)
        mem.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        mem.execute("COMMIT")
    except BaseException:
        mem.close()
        raise
    finally:
        conn.close()
    return mem


def is_writable(path: Path) -> bool:
    """Whether npmdesk may write the project: the file and its folder (for the journal) writable."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind a connection's main database (None for an in-memory one)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    return None


def save_copy(conn: sqlite3.Connection, target: Path, replace_project: bool = False) -> None:
    """'Save a copy…': a consistent snapshot of the live project through the backup API.

    Never over the open project itself; over another existing project only when `replace_project`
    says the user chose to replace it."""
    from npmdesk.store.output_paths import check_output_path

    target = Path(target)
    source = database_file(conn)
    check_output_path(target, [source] if source else [], replace_project=replace_project)
    if not target.parent.is_dir():
        raise BadInputError(target, "the folder to save the copy in does not exist")
    tmp = target.with_name(target.name + ".partial")
    try:
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(str(tmp))
        try:
            conn.backup(dest)
        finally:
            dest.close()
        tmp.replace(target)
    except (OSError, sqlite3.Error) as e:
        tmp.unlink(missing_ok=True)
        from npmdesk.store.storage_errors import translate

        raise translate(e, target) or BadInputError(target, f"the copy could not be written ({e})") from e
