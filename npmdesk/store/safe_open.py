"""Before SQLite sees a project file: refuse what is not a regular file, move foreign side files
aside, and roll back a hot journal only over a kept copy.

SQLite trusts the files beside a database: it applies a `-wal` whenever one exists (whatever the
database's own journal mode) and rolls a `-journal` back into the database on first read, without
any way to tell whether the journal belongs to this file. npmdesk keeps projects in rollback-journal
mode, so:

- a `-wal` or `-shm` beside a project is never npmdesk's: it is renamed aside (kept, named in a
  notice), never applied;
- a hot `-journal` (an unfinished change after a crash) is first checked against the project's
  header (page size, size before the change, change counter: a journal from another project or
  from a later state of a restored backup does not match), then rolled back into a *copy*; the
  copy must pass the schema, integrity and foreign-key checks before the journal is rolled back
  into the project itself. The project as found and the journal are kept beside it. If anything fails, the project
  is left byte for byte as found, the journal is moved aside, and the open is refused with a
  message that names the kept file.
- a FIFO, a device or a folder named like a project is refused at once (opening a FIFO would block).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import stat
import struct
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from npmdesk.core.errors import (
    HotJournalError,
    ProjectBusyError,
    ProjectOpenError,
    UnsafeFileError,
)

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
SQLITE_READONLY_ROLLBACK = 776  # a read-only connection met a hot journal
HEADER_SIZE = 100


@dataclass
class OpenReport:
    """What the safe-open steps found: the header bytes, and notices for the user."""

    header: bytes
    notices: list[str] = field(default_factory=list)
    rolled_back: bool = False  # a hot journal was rolled back (the full checks have run)


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while os.path.lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_header(path: Path) -> bytes:
    """The first 100 bytes of a regular file; anything else is refused without blocking."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ProjectOpenError(f"{path}: no such project file") from None
    except OSError as e:
        raise ProjectOpenError(f"{path}: cannot be read ({e.strerror})") from e
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeFileError(f"{path}: is a folder, not a project file")
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(f"{path}: is {_kind(st.st_mode)}, not a project file; npmdesk opens only "
                              "ordinary files")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise ProjectOpenError(f"{path}: cannot be read ({e.strerror})") from e
    try:
        again = os.fstat(fd)
        if not stat.S_ISREG(again.st_mode):  # swapped for something else since the stat above
            raise UnsafeFileError(f"{path}: is {_kind(again.st_mode)}, not a project file")
        return os.read(fd, HEADER_SIZE)
    except OSError as e:
        raise ProjectOpenError(f"{path}: cannot be read ({e.strerror})") from e
    finally:
        os.close(fd)


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def move_aside(side: Path, label: str) -> Path:
    """Rename a side file out of SQLite's sight (same folder, timestamped); return its new path."""
    target = _unique(side.with_name(f"{side.name}.{label}-{_stamp()}"))
    try:
        os.rename(side, target)
    except OSError as e:
        raise UnsafeFileError(
            f"{side}: this side file must not be applied to the project, and it cannot be moved "
            f"aside ({e.strerror}); move it out of the folder yourself, then open the project again") from e
    return target


def move_foreign_side_files(path: Path) -> list[str]:
    """-wal and -shm are never npmdesk's own (it uses the rollback journal): rename them aside."""
    notices = []
    for suffix in ("-wal", "-shm"):
        side = side_file(path, suffix)
        if os.path.lexists(side):
            kept = move_aside(side, "moved-aside")
            notices.append(f"{side.name} was found beside the project and was not applied to it (npmdesk "
                           f"never writes one); it was moved aside to {kept}")
    return notices


def _journal_state(path: Path) -> str:
    """'none', 'odd' (not a regular file: moved aside), 'cold' or 'hot' (SQLite would roll it back)."""
    journal = side_file(path, "-journal")
    try:
        st = os.lstat(journal)
    except FileNotFoundError:
        return "none"
    if not stat.S_ISREG(st.st_mode):
        return "odd"
    if st.st_size == 0:
        return "cold"
    # Ask SQLite itself: a read-only connection reports SQLITE_READONLY_ROLLBACK for a hot journal
    # (and only then: another program's live transaction holds a lock and is not 'hot').
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error:
        return "cold"
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as e:
        if getattr(e, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK:
            return "hot"
        if "locked" in str(e) or "busy" in str(e):
            raise ProjectBusyError(f"{path}: another program is writing to this project") from e
        return "cold"  # other trouble is for the checks that follow to report
    except sqlite3.DatabaseError:
        return "cold"
    finally:
        conn.close()
    return "cold"


def _u32(data: bytes, at: int) -> int:
    return struct.unpack(">I", data[at:at + 4])[0]


def journal_page_one(journal: Path, page_size: int) -> tuple[dict, bytes | None]:
    """The journal's header fields and, if it holds one, its copy of page 1 (None if not)."""
    size = journal.stat().st_size
    with open(journal, "rb") as f:
        head = f.read(28)
        if len(head) < 28 or not head.startswith(JOURNAL_MAGIC):
            return {}, None
        info = {"records": _u32(head, 8), "original_pages": _u32(head, 16), "sector": _u32(head, 20),
                "page_size": _u32(head, 24)}
        if info["page_size"] != page_size:
            return info, None
        sector = info["sector"] if 32 <= info["sector"] <= 65536 else 512
        pos, record = 0, page_size + 8
        while pos + 28 <= size:
            f.seek(pos)
            seg = f.read(28)
            if not seg.startswith(JOURNAL_MAGIC):
                break
            n = _u32(seg, 8)
            at = pos + sector
            if n in (0, 0xFFFFFFFF):
                n = max(0, (size - at) // record)
            for _ in range(n):
                if at + record > size:
                    break
                f.seek(at)
                pgno = _u32(f.read(4), 0)
                if pgno == 1:
                    return info, f.read(page_size)
                at += record
            pos = -(-at // sector) * sector
    return info, None


def journal_mismatch(header: bytes, journal: Path) -> str | None:
    """Why this journal cannot be this project's (None if it plausibly is)."""
    from npmdesk.store.database import APPLICATION_ID

    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    info, page_one = journal_page_one(journal, page_size)
    if not info:
        return None  # not a journal SQLite would play back (it discards it)
    if info["page_size"] != page_size:
        return (f"was written for a database with {info['page_size']}-byte pages (this project has "
                f"{page_size}-byte pages)")
    before = page_one[:HEADER_SIZE] if page_one else header
    if int.from_bytes(before[68:72], "big") != APPLICATION_ID:
        return "was written for a database that is not an npmdesk project"
    if before[92:96] == before[24:28] and _u32(before, 28) != info["original_pages"]:
        return (f"describes a database of {info['original_pages']} pages before the change, where this "
                f"project had {_u32(before, 28)}")
    if page_one is not None:
        journal_counter, counter = _u32(page_one, 24), _u32(header, 24)
        if counter not in (journal_counter, (journal_counter + 1) & 0xFFFFFFFF):
            return (f"belongs to another state of the file (it undoes change {journal_counter + 1}; this "
                    f"project is at change {counter}) — e.g. a journal left from before a backup was "
                    "restored, or from another project")
    return None


def _read_guid(path: Path, immutable: bool) -> str | None:
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'guid'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _refuse(path: Path, journal: Path, why: str, kept: Path | None = None) -> HotJournalError:
    if kept is None:
        try:
            kept = move_aside(journal, "kept")
        except UnsafeFileError:
            kept = journal
    return HotJournalError(
        f"{path}: refused — an unfinished change was found (its journal {journal.name}), but {why}. The project "
        f"was left exactly as it was found, and the journal was moved aside to {kept}. Check the project with "
        f"`npmdesk check {path}` before working on it; `npmdesk backups {path}` lists its backups")


def _forget_earlier_rollbacks(path: Path) -> None:
    """Only the latest successful rollback's kept pair stays beside the project (they were checked
    sound); kept files of a refused journal are never deleted."""
    name = glob.escape(path.name)
    for pattern in (f"{name}.before-rollback-*", f"{name}-journal.rolled-back-*"):
        for old in path.parent.glob(pattern):
            try:
                old.unlink()
            except OSError:
                pass


def roll_back_hot_journal(path: Path, header: bytes) -> str:
    """Roll the hot journal back into a copy, check the copy, and only then roll it back in place.

    Returns a notice naming the kept files; raises HotJournalError (project untouched) otherwise."""
    from npmdesk.store.database import APPLICATION_ID, SCHEMA_VERSION
    from npmdesk.store.schema_check import verify_schema

    journal = side_file(path, "-journal")
    reason = journal_mismatch(header, journal)
    if reason:
        raise _refuse(path, journal, f"the journal {reason}, so rolling it back would write another file's "
                                     "pages into this project")
    stamp = _stamp()
    work = path.with_name(f".{path.name}.rollback-{stamp}")
    work_journal = side_file(work, "-journal")
    try:
        shutil.copyfile(path, work)
        shutil.copyfile(journal, work_journal)
        shutil.copymode(path, work)
    except OSError as e:
        for f in (work, work_journal):
            f.unlink(missing_ok=True)
        raise HotJournalError(
            f"{path}: has an unfinished change (its journal {journal.name}) that must be rolled back, but no "
            f"copy could be made in its folder ({e.strerror}); nothing was changed. Copy the project and "
            f"{journal.name} together into a folder you can write, and open it there") from e
    guid_before = _read_guid(path, immutable=True)
    try:
        conn = sqlite3.connect(str(work), isolation_level=None)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # SQLite rolls the journal back here
            if os.path.exists(work_journal) and os.path.getsize(work_journal) > 0:
                raise sqlite3.DatabaseError("SQLite did not roll the journal back")
            rolled = read_header(work)
            app_id, version = int.from_bytes(rolled[68:72], "big"), int.from_bytes(rolled[60:64], "big")
            if app_id != APPLICATION_ID or not 1 <= version <= SCHEMA_VERSION:
                raise sqlite3.DatabaseError("the rolled-back file is not an npmdesk project")
            verify_schema(conn, path, version)
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
            if integrity != ["ok"]:
                raise sqlite3.DatabaseError("integrity check: " + "; ".join(integrity[:3]))
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise sqlite3.DatabaseError("broken references between its tables")
            guid_after = conn.execute("SELECT value FROM meta WHERE key = 'guid'").fetchone()
        finally:
            conn.close()
        if guid_before and guid_after and guid_after[0] != guid_before:
            raise sqlite3.DatabaseError("the journal carries another project's identity")
    except (sqlite3.Error, ProjectOpenError) as e:
        for f in (work, work_journal):
            f.unlink(missing_ok=True)
        raise _refuse(path, journal, f"the result of rolling it back failed the checks ({e})") from None
    work.unlink(missing_ok=True)
    work_journal.unlink(missing_ok=True)
    # The copy rolled back soundly: keep the project and its journal as found, then let SQLite roll
    # the same journal back in place (the same bytes, under SQLite's own locks). In place, not by
    # renaming the copy over it: another program that has the project open keeps writing to the
    # same file, and nothing it writes can go to a file that is no longer the project.
    _forget_earlier_rollbacks(path)
    kept_project = _unique(path.with_name(f"{path.name}.before-rollback-{stamp}"))
    kept_journal = _unique(journal.with_name(f"{journal.name}.rolled-back-{stamp}"))
    try:
        shutil.copyfile(path, kept_project)
        shutil.copyfile(journal, kept_journal)
        conn = sqlite3.connect(str(path), isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA schema_version").fetchone()  # SQLite rolls the journal back here
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as e:
        for f in (kept_project, kept_journal):
            f.unlink(missing_ok=True)
        raise HotJournalError(f"{path}: an unfinished change could not be rolled back ({e}); the project and "
                              f"{journal.name} are as they were found") from e
    return (f"an unfinished change (left by a crash or a power cut) was rolled back, after the result passed "
            f"the schema, integrity and reference checks on a copy; the project as found was kept as "
            f"{kept_project} and its journal as {kept_journal}")


def prepare(path: Path) -> OpenReport:
    """Every step before SQLite may open `path`: the header of what it will open, and notices.

    Refusals that need only the header (not SQLite, another program's, a format npmdesk does not
    know) come first, so a refused file and the files beside it are left exactly as they were."""
    from npmdesk.store.database import inspect_header

    header = read_header(path)
    inspect_header(path, header)
    report = OpenReport(header)
    report.notices += move_foreign_side_files(path)
    state = _journal_state(path)
    if state == "odd":
        kept = move_aside(side_file(path, "-journal"), "moved-aside")
        report.notices.append(f"{path.name}-journal beside the project was not a regular file; it was moved "
                              f"aside to {kept}")
    elif state == "hot":
        report.notices.append(roll_back_hot_journal(path, header))
        report.header = read_header(path)
        report.rolled_back = True
    return report
