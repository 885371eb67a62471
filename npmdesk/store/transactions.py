"""One user action, one transaction: the write path every change to a project takes.

`with self.write(action, **detail):` opens (or joins) the transaction. The outermost one records
the coder on first use, journals every row it writes (store/journal.py) and, once committed,
leaves what it did in `last_step`: a Step whose Changes every view reads and whose entries undo
replays. `perform(fn)` runs several mutators as one step; `revert(step)` undoes one exactly.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlite_utils

from npmdesk.core.errors import ProjectBusyError, ProjectReadOnlyError
from npmdesk.store.backups import daily_backup_if_due
from npmdesk.store.base import StoreBase, new_id
from npmdesk.store.database import new_guid, now
from npmdesk.core.changes import Changes
from npmdesk.store.journal import EMPTY_STEP, MAX_UNDO_ROWS, Journal, Step, UndoConflictError

T = TypeVar("T")


class Transactions(StoreBase):
    db: sqlite_utils.Database
    read_only: bool
    coder_name: str

    def __init__(self) -> None:
        self._depth = 0
        self._in_step = False  # inside perform()
        self._step_open = False  # perform()'s transaction has begun
        self._coder_new = False
        self._coder_id: int | None = None
        self._journal: Journal | None = None
        self._unjournalled: str | None = None  # why this transaction is not undoable (unjournalled())
        self._sealed_at: int | None = None  # PRAGMA data_version after our last commit (seal_pending)
        self.last_step: Step = EMPTY_STEP
        # Called with each committed Step (the window listens, so that no write goes unseen).
        self.listeners: list[Callable[[Step], None]] = []

    def _start_journal(self) -> None:
        if not self.read_only:
            self._journal = Journal(self.db.conn)

    @property
    def coder_id(self) -> int | None:
        """This coder's id; None until their first change records them (a read never writes)."""
        if self._coder_id is None and self._depth:
            self._coder_id = self._record_coder(self.db.conn)
            self._coder_new = True  # forgotten again if this transaction rolls back
        return self._coder_id

    def _record_coder(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT id FROM coders WHERE name = ?", (self.coder_name,)).fetchone()
        if row:
            return row[0]
        cid = new_id(conn.execute("INSERT INTO coders(name, guid, created) VALUES (?,?,?)",
                                  (self.coder_name, new_guid(), now())))
        self._audit(conn, "add coder", {"name": self.coder_name}, cid)
        return cid

    @contextmanager
    def write(self, action: str | None = None, **detail):
        conn = self.db.conn
        if self._depth or self._step_open:  # inside a transaction already: join it
            self._depth += 1
            try:
                yield conn
                if action:
                    self._audit(conn, action, detail)
            finally:
                self._depth -= 1
            return
        self._begin(conn)
        self._depth = 1
        if self._in_step:
            # perform(): the step's transaction opened at its first write (so reading and parsing
            # before it hold no lock) and ends with perform, which commits or rolls back.
            self._step_open = True
            try:
                yield conn
                if action:
                    self._audit(conn, action, detail)
            finally:
                self._depth = 0
            return
        try:
            yield conn
            if action:
                self._audit(conn, action, detail)
            step = self._commit(conn)
        except BaseException as e:
            self._rollback(conn, e)
            raise
        finally:
            self._depth = 0
        self._announce(step)

    @contextmanager
    def unjournalled(self, why: str):
        """Inside a write: the rows written here are not journalled, so the step is done but cannot
        be undone (the window says so and starts its undo history again). For bulk steps whose
        journal would cost as much as the work itself (a merge of 100,000 codings); take a backup
        first."""
        if not self._depth:
            raise RuntimeError("unjournalled() runs inside a write")
        self._unjournalled = why
        journal = self._journal
        if journal is None:
            yield
            return
        journal.suspend()
        try:
            yield
        finally:
            journal.resume()

    def _begin(self, conn: sqlite3.Connection) -> None:
        if self.read_only:
            raise ProjectReadOnlyError(f"{getattr(self, 'path', 'the project')} is open read-only: nothing can "
                                       "be saved to it (check the file's permissions, or save a copy and open that)")
        daily_backup_if_due(conn, getattr(self, "path", None))  # first change of the day: store/backups.py
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            _raise_read_only(e)
            raise ProjectBusyError(f"the project is busy in another program ({e})") from e
        self._coder_new = False
        self._unjournalled = None
        if self._journal is not None:
            self._seal(conn)
            self._journal.clear()

    def _commit(self, conn: sqlite3.Connection) -> Step:
        """COMMIT (durable: synchronous=FULL) and return the Step the transaction made."""
        journal = self._journal
        if self._unjournalled is not None:
            if journal is not None:
                journal.clear()
            step = Step((), Changes.all() | Changes(undoable=False, note=self._unjournalled))
        elif journal is not None and journal.pending() > MAX_UNDO_ROWS:
            journal.clear()  # too large to keep for undo: done, and every view reloads
            step = Step((), Changes.all() | Changes(undoable=False, note="too large to undo"))
        else:
            entries = journal.take() if journal is not None else ()
            step = Step(entries, journal.changes_of(entries) if journal is not None else EMPTY_STEP.changes)
        if journal is not None and journal.unsealed:
            # Read while the write lock is held: a writer waiting on it could commit right after
            # ours, and its commit must not pass for ours (our own commit leaves the value as is).
            self._sealed_at = conn.execute("PRAGMA data_version").fetchone()[0]
        conn.execute("COMMIT")
        self._coder_new = False
        self._unjournalled = None
        return step

    def seal_pending(self) -> None:
        """Seal the shifts of the last step now (journal.py), outside the step's own time: the
        window calls this once an edit is on screen. One read transaction holds the version
        checked and the rows digested, so it never waits behind another program's write (if the
        file cannot be read now, the next write seals them first)."""
        journal = self._journal
        if journal is None or not journal.unsealed or self._depth or self._in_step:
            return
        conn = self.db.conn
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # the read snapshot starts here
            self._seal(conn)
        except sqlite3.OperationalError:
            pass
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def _seal(self, conn: sqlite3.Connection) -> None:
        journal = self._journal
        if journal is not None and journal.unsealed:
            journal.seal(conn.execute("PRAGMA data_version").fetchone()[0] == self._sealed_at)

    def _rollback(self, conn: sqlite3.Connection, error: BaseException | None = None) -> None:
        self._unjournalled = None
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if self._coder_new:  # the coder row went with the transaction
            self._coder_id, self._coder_new = None, False
        if isinstance(error, sqlite3.OperationalError):
            _raise_read_only(error)

    def _announce(self, step: Step) -> None:
        # The data_version seen by changed_elsewhere() does not move for our own commits.
        self.last_step = step
        if step.entries or not step.changes.undoable:
            for listener in list(self.listeners):
                listener(step)

    def perform(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, Step]:
        """Run mutators as one step (one transaction, opened at the first write); returns their
        value and the Step. A step that wrote nothing is rolled back and leaves no trace."""
        if self._depth or self._in_step:
            raise RuntimeError("perform() starts a step; it cannot run inside another one")
        conn = self.db.conn
        self._in_step = True
        try:
            value = operation(*args, **kwargs)
            if not self._step_open:
                step = EMPTY_STEP
            elif self._journal is not None and not self._journal.pending() and self._unjournalled is None:
                self._rollback(conn)  # nothing the project holds changed: no audit row, no coder row
                step = EMPTY_STEP
            else:
                step = self._commit(conn)
        except BaseException as e:
            if self._step_open:
                self._rollback(conn, e)
            raise
        finally:
            self._in_step = self._step_open = False
        self._announce(step)
        return value, step

    def revert(self, step: Step, label: str = "") -> Step:
        """Undo a step exactly (see store/journal.py); returns the step that redoes it.

        Raises UndoConflictError, leaving the project unchanged, if its rows changed since."""
        if self._journal is None:
            raise ProjectReadOnlyError("the project is open read-only: nothing can be undone")
        journal = self._journal
        try:
            with self.write("undo", step=label) as c:
                c.execute("PRAGMA defer_foreign_keys = ON")  # rows come back in any order
                journal.revert(step.entries)
        except sqlite3.IntegrityError as e:  # a deferred reference failed at commit
            raise UndoConflictError("Undo was refused: it would break a reference to work added since "
                                    f"by another program or window ({e}). Nothing was undone.") from e
        return self.last_step

    def _audit(self, conn: sqlite3.Connection, action: str, detail: dict, coder_id: int | None = None) -> None:
        conn.execute(
            "INSERT INTO audit(at, coder_id, action, detail) VALUES (?, ?, ?, ?)",
            (now(), coder_id if coder_id is not None else self.coder_id,
             action, json.dumps(detail, ensure_ascii=False, default=str)),
        )


def _raise_read_only(e: sqlite3.OperationalError) -> None:
    if "readonly" in str(e) or "read-only" in str(e):
        raise ProjectReadOnlyError("the project file is read-only: nothing can be saved to it (check the "
                                   "file's permissions, or save a copy and open that)") from e
