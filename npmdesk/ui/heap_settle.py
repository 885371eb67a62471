"""Keep the cyclic garbage collector's full passes off the path of a gesture.

A full collection walks every object the open project and transcript keep (24 ms with a
5,000-coding transcript open, more on larger projects), and Python starts one after so many
allocations, wherever they happen: some keystroke or click pays for it at random, which is the
p95 of every gesture. So, once the window has been quiet for a moment after a project or a
transcript was loaded (or after a while of work), the collector runs once there and what survives
is frozen (`gc.freeze`: left out of later passes, still freed as usual when its last reference
goes). The next settle unfreezes it first, so anything that became cyclic garbage since is
collected then; what gestures make and drop in between is collected by the young generations.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

QUIET_MS = 1500  # the window has been idle this long: settle now
WORK_SECONDS = 120.0  # after this long without a settle, the next quiet moment settles too


class HeapSettler(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUIET_MS)
        self._timer.timeout.connect(self.settle)
        self._last = time.monotonic()
        self.settles = 0  # how many have run (tests and benchmarks read it)

    def loaded(self) -> None:
        """A project or transcript was loaded: settle at the next quiet moment."""
        self._timer.start()

    def worked(self) -> None:
        """A step was committed: settle at the next quiet moment if none has run for a while; a
        step in the meantime moves that moment on."""
        if self._timer.isActive() or time.monotonic() - self._last > WORK_SECONDS:
            self._timer.start()

    def settle(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last = time.monotonic()
        self.settles += 1

    def release(self) -> None:
        """The window closes: hand everything back to the collector."""
        self._timer.stop()
        gc.unfreeze()
