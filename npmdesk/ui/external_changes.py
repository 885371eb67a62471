"""Noticing changes another program made to the open project (the command line, a colleague's
second window): every view reloads. The undo history stays: each step undoes by row identity and
refuses, saying so, rather than touch what the other program wrote (store/journal.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

POLL_MS = 2000


class ExternalChangeWatcher(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> bool:
        w = self.window
        if w.project is None or not w.project.changed_elsewhere():
            return False
        w.reload_all()
        w.statusBar().showMessage("The project was changed by another program; every view was reloaded.", 10000)
        return True
