"""Disk full and other refusals of the operating system, said in plain words with what to do.

SQLite says 'database or disk is full' and Python says 'OSError: [Errno 28]'; a researcher needs to
hear which disk, that nothing was lost (every change is one transaction: a change that could not
be written was rolled back whole) and what to do next. `translate(exc, path)` turns such an error
into an NpmdeskError (None if it is not one of them); the CLI prints it, the window shows it.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from npmdesk.core.errors import DamagedProjectError, DiskFullError, NpmdeskError, StorageError

# SQLite primary result codes (the low byte of sqlite_errorcode)
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 8, 10, 11, 13, 14, 26

NOTHING_LOST = ("nothing was lost: the change that could not be written was undone whole, "
                "the project is as it was before it")


def _where(path) -> str:
    if path is None:
        return "the project"
    path = Path(path)
    try:
        folder = path.resolve().parent
    except OSError:
        folder = path.parent
    return str(folder)


def translate(exc: BaseException, path: str | Path | None = None) -> NpmdeskError | None:
    """The plain-words NpmdeskError for a storage failure, or None if `exc` is not one."""
    if isinstance(exc, NpmdeskError):
        return exc
    where = _where(path)
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        text = str(exc)
        if code == SQLITE_FULL or "database or disk is full" in text:
            return DiskFullError(f"the disk holding {where} (or the system's temporary folder) is full; "
                                 f"{NOTHING_LOST}. Free some space and try again")
        if code == SQLITE_READONLY or "readonly database" in text:
            return StorageError(f"{path or 'the project'} cannot be written (the file, its folder or the disk "
                                "is read-only); nothing was lost. Check the file's permissions, or save a copy "
                                "and work on that")
        if code == SQLITE_IOERR or "disk I/O error" in text:
            return StorageError(f"the disk holding {where} reported a read or write error; {NOTHING_LOST}. "
                                "Check that the disk is still there (a USB stick pulled out, a network drive "
                                "gone away) and try again")
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text:
            return DamagedProjectError(f"{path or 'the project'}: the project file is damaged ({text}); "
                                       f"`npmdesk repair PROJECT --out NEW.npmdesk` rebuilds a clean copy from the "
                                       "data it can read, and `npmdesk backups PROJECT` lists its backups")
        return None
    if isinstance(exc, OSError):
        target = exc.filename or path
        where = _where(target) if target else where
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or getattr(exc, "winerror", None) == 112:
            return DiskFullError(f"the disk holding {where} is full; nothing was lost (the project is unchanged). "
                                 "Free some space and try again")
        if exc.errno == errno.EROFS:
            return StorageError(f"{where} is on a read-only disk; nothing was written there. Choose another "
                                "folder, or make the disk writable")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return StorageError(f"npmdesk is not allowed to write {target or where} (permission denied); nothing "
                                "was lost. Check the file's and folder's permissions, or choose another folder")
        return None
    return None
