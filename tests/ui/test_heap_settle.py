"""Full garbage collections run at quiet moments, and what they freeze is collected at the next."""

from __future__ import annotations

import gc
import weakref

from npmdesk.ui import heap_settle
from tests.ui.conftest import open_window


class _Cycle:
    def __init__(self):
        self.me = self


def test_a_quiet_window_settles_the_heap_and_frees_later_garbage_at_the_next_settle(qtbot, study, monkeypatch):
    monkeypatch.setattr(heap_settle, "QUIET_MS", 50)
    window = open_window(qtbot, study)
    heap = window.heap
    qtbot.waitUntil(lambda: heap.settles >= 1, timeout=5000)
    assert gc.get_freeze_count() > 0, "what the loaded window holds is left out of later passes"
    held = _Cycle()
    gone = weakref.ref(held)
    heap.settle()  # `held` is frozen now
    del held
    gc.collect()
    assert gone() is not None, "a frozen cycle waits for the next settle"
    heap.loaded()
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)
    window.close()
    assert gc.get_freeze_count() == 0, "a closed window hands everything back to the collector"


def test_work_settles_only_after_a_while_without_one(qtbot, study, monkeypatch):
    monkeypatch.setattr(heap_settle, "QUIET_MS", 50)
    window = open_window(qtbot, study)
    heap = window.heap
    qtbot.waitUntil(lambda: heap.settles >= 1, timeout=5000)
    settles = heap.settles
    heap.worked()  # just settled: a step does not ask for another
    qtbot.wait(200)
    assert heap.settles == settles
    monkeypatch.setattr(heap_settle, "WORK_SECONDS", 0.0)
    heap.worked()
    qtbot.waitUntil(lambda: heap.settles == settles + 1, timeout=5000)
    window.close()
