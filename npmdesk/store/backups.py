"""Rolling backups: a copy of each project at the first change of a day, and restoring one.

`daily_backup_if_due(conn, path)` is called by the write path (store/transactions.py) before the
first change of a session; it copies the project as it is (SQLite's backup API: consistent while
the project is open) into the user data dir, unless today's copy exists: a small project at once,
a big one in a background thread with its own read-only connection, off the gesture's path. Per project file the last
KEEP_DAYS daily copies are kept, and the newest copy of each of the KEEP_WEEKS weeks before them;
so a project takes at most KEEP_DAYS + KEEP_WEEKS (11) times its own size in backups.

Backups are kept per project *file* (a folder named after the file and a hash of its full path),
so that they can be listed and restored even when the project itself no longer opens.
A restore always writes a NEW file; it never writes over the project or any other project.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from npmdesk.core.errors import NotFoundError, NpmdeskError, ProjectOpenError
from npmdesk.core.wording import quoted
from npmdesk.paths import backups_dir

KEEP_DAYS = 7
KEEP_WEEKS = 4
log = logging.getLogger("npmdesk")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<day>\d{4}-\d{2}-\d{2})\.npmdesk$")
_checked: dict[str, date] = {}  # project file -> the day its backup was last found or made
_running: dict[str, threading.Thread] = {}  # project file -> its copy in the background
_lock = threading.Lock()
SYNC_BYTES = 2 * 2**20  # copied in place below this (~10-20 ms); in the background above it
STEP_PAGES = 256  # pages per step of a background copy (1 MiB at 4 KiB pages)
MAX_RESTARTS = 50


@dataclass(frozen=True)
class Backup:
    path: Path
    day: date
    size: int
    made: datetime

    def to_json(self) -> dict:
        return {"path": str(self.path), "day": self.day.isoformat(), "size": self.size,
                "made": self.made.isoformat(timespec="seconds")}


def _key(path: Path) -> str:
    return os.path.normcase(str(Path(path).resolve()))


def _safe_stem(path: Path) -> str:
    return re.sub(r"[^\w.-]+", "_", Path(path).stem)[:60] or "project"


def project_folder(path: str | Path) -> Path:
    """Where the backups of this project file live (one folder per file, by its full path)."""
    path = Path(path)
    stem = _safe_stem(path)
    digest = hashlib.sha256(_key(path).encode("utf-8")).hexdigest()[:10]
    return backups_dir() / "daily" / f"{stem}-{digest}"


def list_backups(path: str | Path) -> list[Backup]:
    """This project's daily backups, newest first (works whether or not the project opens)."""
    folder = project_folder(path)
    out = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m or not entry.is_file():
            continue
        try:
            day = date.fromisoformat(m.group("day"))
            st = entry.stat()
        except (ValueError, OSError):
            continue
        out.append(Backup(Path(entry.path), day, st.st_size, datetime.fromtimestamp(st.st_mtime)))
    return sorted(out, key=lambda b: (b.day, b.made), reverse=True)


def daily_backup_if_due(conn: sqlite3.Connection, path: str | Path | None, today: date | None = None) -> Path | None:
    """Make today's copy of the project in its backups folder if there is none yet.

    Cheap when not due (a dict lookup after the first call of the day). A project small enough to
    copy within a frame (SYNC_BYTES) is copied here and now, through `conn`, so the copy is exactly
    the state before the day's first change; the copy is returned. A bigger one is copied in the
    background (`_copy_in_background`) and None is returned at once: the day's first write does
    not wait 1-2 s for a copy of a 100 MB project. A backup that cannot be written (disk full, no
    permission) is logged and skipped: it never stops the user's change."""
    if path is None:
        return None
    path = Path(path)
    today = today or date.today()
    key = _key(path)
    if _checked.get(key) == today:
        return None
    folder = project_folder(path)
    target = folder / f"{_safe_stem(path)}-{today.isoformat()}.npmdesk"
    if target.exists():
        _checked[key] = today
        return None
    with _lock:
        running = _running.get(key)
    if running is not None and running.is_alive():
        if running.name == str(target):
            return None  # today's copy is being made
        running.join()  # yesterday's copy is still going (a session across midnight): let it end
    try:
        small = path.stat().st_size <= SYNC_BYTES
    except OSError:
        small = True
    if small:
        if _write_copy(lambda dest: conn.backup(dest), path, target, today):
            _checked[key] = today
            return target
        return None
    thread = threading.Thread(target=_copy_in_background, args=(path, target, today, key), name=str(target),
                              daemon=True)
    with _lock:
        _running[key] = thread
    thread.start()
    return None


def wait_for_backups(timeout: float | None = None) -> None:
    """Let the copies in the background finish (tests, benchmarks, and a clean exit)."""
    with _lock:
        threads = list(_running.values())
    for t in threads:
        t.join(timeout)


def _copy_in_background(path: Path, target: Path, today: date, key: str) -> None:
    """Copy the project through a read-only connection of its own, STEP_PAGES pages at a time.

    Each step holds a shared lock for about a millisecond, so a commit of the window waits at most
    that long (its busy timeout covers it). SQLite restarts the copy when another connection
    commits between steps, so what is written is always one consistent state of the project: the
    state when the copy last started. After MAX_RESTARTS (someone writing without pause) the copy
    is given up, logged, and tried again at a later write."""
    restarts = [0, None]

    def progress(_status, remaining, _total):
        if restarts[1] is not None and remaining > restarts[1]:
            restarts[0] += 1
            if restarts[0] > MAX_RESTARTS:
                raise sqlite3.OperationalError(f"the project changed {MAX_RESTARTS} times during the copy")
        restarts[1] = remaining

    def copy(dest):
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        try:
            source.execute("PRAGMA busy_timeout = 2000")
            source.backup(dest, pages=STEP_PAGES, progress=progress, sleep=0.005)
        finally:
            source.close()

    try:
        if _write_copy(copy, path, target, today):
            _checked[key] = today
    except Exception as e:  # a background copy never takes the app down
        log.warning("%s: the daily backup failed (%s)", path, e)


def _write_copy(copy, path: Path, target: Path, today: date) -> bool:
    """Write a copy to `target` by way of a .partial file (a copy is complete or absent)."""
    folder = target.parent
    tmp = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "source.txt"
        if not source.exists():
            source.write_text(f"{Path(path).resolve()}\n", encoding="utf-8")
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(str(tmp))
        try:
            copy(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
        prune(path, today)
    except (OSError, sqlite3.Error) as e:
        log.warning("%s: the daily backup could not be written to %s (%s)", path, folder, e)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True


def kept(backups: list[Backup], keep_days: int = KEEP_DAYS, keep_weeks: int = KEEP_WEEKS) -> list[Backup]:
    """Which backups the rolling scheme keeps: the newest `keep_days` days, then the newest copy of
    each of the `keep_weeks` weeks before them."""
    ordered = sorted(backups, key=lambda b: (b.day, b.made), reverse=True)
    keep = ordered[:keep_days]
    weeks_seen = {tuple(b.day.isocalendar())[:2] for b in keep}
    weeks: list[tuple] = []
    for b in ordered[keep_days:]:
        week = tuple(b.day.isocalendar())[:2]
        if week in weeks_seen or len(weeks) >= keep_weeks:
            continue
        weeks_seen.add(week)
        weeks.append(week)
        keep.append(b)
    return keep


def prune(path: str | Path, today: date | None = None) -> list[Path]:
    """Delete the backups the rolling scheme no longer keeps; return what was deleted."""
    backups = list_backups(path)
    keep = {b.path for b in kept(backups)}
    gone = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
                gone.append(b.path)
            except OSError as e:
                log.warning("could not delete the old backup %s (%s)", b.path, e)
    return gone


def find_backup(project: str | Path, which: str | Path) -> Path:
    """A backup by its path, its file name or its day (YYYY-MM-DD) among the project's backups."""
    candidate = Path(which)
    if candidate.is_file():
        return candidate
    for b in list_backups(project):
        if str(which) in (b.path.name, b.day.isoformat()):
            return b.path
    raise NotFoundError(f"no backup {quoted(str(which))} of {project}; `npmdesk backups {project}` lists them")


def restore(project: str | Path, which: str | Path, out: str | Path) -> Path:
    """Write the chosen backup of `project` to the NEW file `out` (never over a project or any file)."""
    from npmdesk.store import database
    from npmdesk.store.output_paths import check_output_path

    project, out = Path(project), Path(out)
    source = find_backup(project, which)
    check_output_path(out, [project, source])
    if os.path.lexists(out):
        raise NpmdeskError(f"{out}: already exists; a restore writes a new file (choose a new name), so that "
                           "nothing is ever written over")
    if not out.parent.is_dir():
        raise NpmdeskError(f"{out}: the folder to restore into does not exist")
    try:
        db = database.open_connection(source, read_only=True)  # the backup passes the same checks as a project
    except ProjectOpenError as e:
        raise ProjectOpenError(f"the backup cannot be restored: {e}") from e
    tmp = out.with_name(f".{out.name}.restoring")
    try:
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(str(tmp))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
        if os.path.lexists(out):
            raise NpmdeskError(f"{out}: appeared while restoring; nothing was written over it")
        os.replace(tmp, out)
    except (OSError, sqlite3.Error) as e:
        tmp.unlink(missing_ok=True)
        from npmdesk.store.storage_errors import translate

        raise translate(e, out) or NpmdeskError(f"{out}: the restore could not be written ({e})") from e
    finally:
        db.conn.close()
    return out
