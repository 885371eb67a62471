"""Counting a project the window opens before this computer has counted it, off the window's thread.

A project received from a colleague (or whose saved counts were deleted) has no saved counts
(store/counts_cache.py): counting its codings takes seconds at 400,000 codings. The window does
not wait for that. `BackgroundCounts.start` asks the store whether the counts can be read at once;
if not, it marks them pending and counts on a thread of its own over a read-only connection
(store/counts_parts.py: short statements, the work in SQL with the GIL released). Meanwhile every
view that shows a count says "counting…" (never a stale or zero number as if it were counted),
and whatever else reads a count gets it straight from the tables. When the count is done the store
adopts it — or names the parts that the user's own changes since may have made wrong, which are
counted again, until a count ends with nothing changed — and `ready` tells the views to show it.

Closing the project (or the window) calls the count off: its statement is interrupted and its
result, should it still arrive, is dropped.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from npmdesk.store import counts_cache, counts_parts

log = logging.getLogger("npmdesk")
IN_PLACE_AFTER = 3  # counts of changed parts, after which the parts changed again are counted in place


def _lower_priority() -> None:
    """The counting thread yields the CPU to the window's (measured on a busy 2-core machine, load
    3-4: the window's longest wait between turns of its loop, p95 of 15 opens, 56 -> 29 ms; the
    count ~10 % longer). Linux only: there a thread id names one thread to setpriority; elsewhere
    the same call would name a process."""
    if sys.platform.startswith("linux") and hasattr(os, "setpriority"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass


class _Job:
    """One run of counts_parts.count_parts on its own thread."""

    def __init__(self, project, token: int, source, counted=None, documents=None, cases=None,
                 before_part: Callable[[str, int], None] | None = None, rounds: int = 0):
        self.project, self.token, self.source = project, token, source
        self.counted, self.documents, self.cases = counted, documents, cases
        self.rounds = rounds  # counts of changed parts before this one
        self.before_part = before_part
        self.cancelled = threading.Event()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def run(self):
        try:
            conn = counts_parts.connect(self.source)
            with self._lock:
                if self.cancelled.is_set():
                    conn.close()
                    return None
                self._conn = conn
            try:
                return counts_parts.count_parts(conn, self.counted, self.documents, self.cases,
                                                cancelled=self.cancelled.is_set, before_part=self.before_part)
            finally:
                with self._lock:
                    self._conn = None
                conn.close()
        except counts_parts.Cancelled:
            return None
        except (sqlite3.Error, OSError) as e:
            if self.cancelled.is_set():
                return None  # interrupted by cancel()
            return e

    def cancel(self) -> None:
        self.cancelled.set()
        with self._lock:
            if self._conn is not None:
                self._conn.interrupt()  # the statement running now stops at once (thread-safe)


class BackgroundCounts(QObject):
    """Signal `ready()`: the counts pending are counted; views read and show them now.
    `pending`: a count runs (views show "counting…")."""

    ready = Signal()
    _finished = Signal(object, object)  # (job, Counted | exception | None), from the counting thread

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pending = False
        self.took: float | None = None  # seconds the last count took, start to ready (benchmarks, log)
        self._began = 0.0
        self._job: _Job | None = None
        # Tests (and scripts rendering the pending state) hold the count here: called on the
        # counting thread before each part is read, with ("documents" | "cases", part number).
        self.before_part: Callable[[str, int], None] | None = None
        self._finished.connect(self._done, Qt.ConnectionType.QueuedConnection)

    def start(self, project) -> bool:
        """The project was opened (or another program changed it): count it in the background
        unless its counts can be read at once. True if a count is now pending."""
        self.stop()
        if project is None or counts_cache.counts_ready(project) or counts_cache.quick_to_count(project):
            return False
        source = counts_cache.background_source(project)
        if source is None:
            return False  # only its own connection sees its data: the first read counts, as before
        token = counts_cache.begin_background(project)
        self.pending = True
        self._began = time.perf_counter()
        self._launch(_Job(project, token, source, before_part=self.before_part))
        return True

    def stop(self, wait: float = 0.5) -> None:
        """Call the count off (the project closes): no result of it is used after this."""
        job, self._job = self._job, None
        if job is not None:
            job.cancel()
            if job.thread is not None:
                job.thread.join(wait)  # interrupted, it ends within a statement; a held test gate is left
            counts_cache.end_background(job.project, job.token)
        self.pending = False

    def _launch(self, job: _Job) -> None:
        self._job = job
        job.thread = threading.Thread(target=self._run, args=(job,), name="npmdesk-counts", daemon=True)
        job.thread.start()

    def _run(self, job: _Job) -> None:  # on the counting thread
        _lower_priority()
        result = job.run()
        if job.cancelled.is_set():
            return
        try:
            self._finished.emit(job, result)  # queued to the window's thread
        except RuntimeError:
            pass  # the window is gone

    def _done(self, job: _Job, result) -> None:
        if job is not self._job:
            return  # called off, or superseded
        if not isinstance(result, counts_parts.Counted):
            if result is not None:
                log.warning("counting %s in the background failed (%s); counting it here", job.source, result)
            self._give_up(job)
            return
        try:
            # Parts changed again while they were counted again, more than once: coding goes on
            # faster than that; the few parts left are counted in place (tens of ms), once.
            took = counts_cache.take(job.project, job.token, result, in_place=job.rounds >= IN_PLACE_AFTER)
        except sqlite3.Error as e:
            log.warning("the background count of %s could not be taken (%s)", job.source, e)
            self._give_up(job)
            return
        if took.stale:
            self._give_up(job)
        elif took.later:  # inside a write transaction: once it is over
            QTimer.singleShot(10, lambda: self._done(job, result))
        elif took.afresh:
            self._launch(_Job(job.project, job.token, job.source, before_part=job.before_part))
        elif not took.adopted:
            self._launch(_Job(job.project, job.token, job.source, result, took.documents, took.cases,
                              before_part=job.before_part, rounds=job.rounds + 1))
        else:
            self._job = None
            self.pending = False
            self.took = time.perf_counter() - self._began
            log.info("%s counted in the background in %.2f s", job.source, self.took)
            self.ready.emit()

    def _give_up(self, job: _Job) -> None:
        """No count from here: the views read the counts again, which counts them in place."""
        self._job = None
        counts_cache.end_background(job.project, job.token)
        self.pending = False
        self.ready.emit()
