"""One user action, one transaction: the write path every change to a project takes."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager

import sqlite_utils

from npmdesk.core.errors import ProjectBusyError, ProjectReadOnlyError
from npmdesk.store.database import now


class Transactions:
    """`with self.write(action, **detail):` — one user action, one transaction, one audit row."""

    db: sqlite_utils.Database
    coder_id: int | None

    def __init__(self) -> None:
        self._depth = 0

    @contextmanager
    def write(self, action: str | None = None, **detail):
        conn = self.db.conn
        if self._depth:
            self._depth += 1
            try:
                yield conn
                if action:
                    self._audit(conn, action, detail)
            finally:
                self._depth -= 1
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            _raise_read_only(e)
            raise ProjectBusyError(f"the project is busy in another program ({e})") from e
        self._depth = 1
        try:
            yield conn
            if action:
                self._audit(conn, action, detail)
            conn.execute("COMMIT")  # durable (synchronous=FULL) before the caller reports success
        except BaseException as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.OperationalError):
                _raise_read_only(e)
            raise
        finally:
            self._depth = 0

    def _audit(self, conn: sqlite3.Connection, action: str, detail: dict) -> None:
        conn.execute(
            "INSERT INTO audit(at, coder_id, action, detail) VALUES (?, ?, ?, ?)",
            (now(), self.coder_id, action, json.dumps(detail, ensure_ascii=False, default=str)),
        )


def _raise_read_only(e: sqlite3.OperationalError) -> None:
    if "readonly" in str(e) or "read-only" in str(e):
        raise ProjectReadOnlyError("the project file is read-only: nothing can be saved to it (check the "
                                   "file's permissions, or save a copy and open that)") from e
