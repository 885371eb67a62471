"""The undo stack's one kind of step: a store operation, done once and then replayed by journal.

The first redo runs the operation as one transaction (Project.perform); undo reverts exactly the
rows it wrote (Project.revert, which refuses rather than lose another writer's work) and a later
redo reverts the undo. No step keeps its own idea of how to undo itself, so every edit the
window makes is undone the same, exact way. Views learn what changed from the window's
`projectChanged(Changes)` signal, fired for every committed transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QUndoCommand

from npmdesk.core.errors import NpmdeskError
from npmdesk.store.journal import EMPTY_STEP, Step

MEMO_BURST = 1  # QUndoCommand.id(): consecutive edits of one memo merge into one step


@dataclass
class Outcome:
    """What `window.run` reports: whether the store did it, and the operation's value."""

    ok: bool
    value: Any = None


class StoreStep(QUndoCommand):
    """A step the store has already done (window.run performs it first, so a refusal never costs
    the redo history); the first redo, which QUndoStack.push calls, does nothing."""

    def __init__(self, window, text: str, step: Step, merge_key: object = None):
        super().__init__(text)
        self.window = window
        self.merge_key = merge_key
        self.step = step  # what the operation wrote (replayed backwards by undo)
        self.inverse: Step | None = None  # what the last undo wrote (replayed backwards by redo)
        self._fresh = True

    @property
    def project(self):
        return self.window.project

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return MEMO_BURST if self.merge_key is not None else -1

    def mergeWith(self, other) -> bool:  # noqa: N802
        """One memo typed in bursts is one undo step: the journals simply follow each other."""
        if not isinstance(other, StoreStep) or other.merge_key != self.merge_key:
            return False
        self.step = Step(self.step.entries + other.step.entries, self.step.changes | other.step.changes)
        # Qt deletes the merged command, but its Python side can outlive it (PySide keeps the
        # wrapper): it must not keep a copy of the journal too (a burst of typing held every
        # keystroke's entries twice).
        other.step = EMPTY_STEP
        return True

    def redo(self) -> None:
        if self._fresh:
            self._fresh = False
            return
        with self.window.own_writes():
            try:
                self._before_replay()
                assert self.inverse is not None
                self.step = self.project.revert(self.inverse, f"redo {self.text()}")
            except (NpmdeskError, sqlite3.Error) as e:
                self.setObsolete(True)  # the project is unchanged; later redos depended on this one
                self.window.drop_redo_history()
                self.window.report_error(NpmdeskError(_as_redo(str(e))))

    def undo(self) -> None:
        with self.window.own_writes():
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


class DropRedoHistory(QUndoCommand):
    """Pushed to end the redo history: QUndoStack.push drops the commands after the current one,
    and this one, obsolete once redone, is not kept."""

    def redo(self) -> None:
        self.setObsolete(True)


def _as_redo(message: str) -> str:
    return message.replace("Undo was refused", "Redo was refused").replace("Nothing was undone", "Nothing was redone")
