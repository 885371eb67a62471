"""The undo stack's one kind of step: a store operation, done once and then replayed by journal.

The first redo runs the operation as one transaction (Project.perform); undo reverts exactly the
rows it wrote (Project.revert, which refuses rather than lose another writer's work) and a later
redo reverts the undo. No step keeps its own idea of how to undo itself, so every edit the
window makes is undone the same, exact way. Views learn what changed from the window's
`projectChanged(Changes)` signal, fired for every committed transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QUndoCommand

from npmdesk.core.errors import NpmdeskError
from npmdesk.store.journal import Step

MEMO_BURST = 1  # QUndoCommand.id(): consecutive edits of one memo merge into one step


@dataclass
class Outcome:
    """What `window.run` reports: whether the store did it, and the operation's value."""

    ok: bool
    value: Any = None


class StoreStep(QUndoCommand):
    def __init__(self, window, text: str, operation: Callable[[], Any], merge_key: object = None,
                 on_error: Callable[[BaseException], None] | None = None):
        super().__init__(text)
        self.window = window
        self.on_error = on_error or window.report_error
        self.operation = operation
        self.merge_key = merge_key
        self.step: Step | None = None  # what the operation wrote (replayed backwards by undo)
        self.inverse: Step | None = None  # what the last undo wrote (replayed backwards by redo)
        self.outcome = Outcome(False)

    @property
    def project(self):
        return self.window.project

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return MEMO_BURST if self.merge_key is not None else -1

    def mergeWith(self, other) -> bool:  # noqa: N802
        """One memo typed in bursts is one undo step: the journals simply follow each other."""
        if not isinstance(other, StoreStep) or other.merge_key != self.merge_key or self.step is None \
                or other.step is None:
            return False
        self.step = Step(self.step.entries + other.step.entries, self.step.changes | other.step.changes)
        return True

    def redo(self) -> None:
        with self.window.own_writes():
            self._redo()

    def undo(self) -> None:
        with self.window.own_writes():
            self._undo()

    def _redo(self) -> None:
        try:
            if self.step is None:
                value, self.step = self.project.perform(self.operation)
                self.outcome = Outcome(True, value)
                if not self.step.undoable:
                    self.setObsolete(True)  # done, but too large to keep: the window clears the history
                    self.window.cannot_undo(self.text())
            else:
                self._before_replay()
                self.step = self.project.revert(self.inverse, f"redo {self.text()}")
        except (NpmdeskError, sqlite3.Error) as e:  # refused: nothing changed, so no step to keep
            self.setObsolete(True)
            self.on_error(e)

    def _undo(self) -> None:
        try:
            self._before_replay()
            self.inverse = self.project.revert(self.step, self.text())
        except (NpmdeskError, sqlite3.Error) as e:
            self.setObsolete(True)  # Qt drops a step made obsolete in undo(); the project is unchanged
            self.window.report_error(e)

    def _before_replay(self) -> None:
        # Another program wrote since: show its work first, then undo by identity (store/journal.py).
        if self.project.changed_elsewhere():
            self.window.reload_all()
