"""Pause Python's cyclic garbage collector while many acyclic objects are made at once.

Reading a heavy transcript makes ~100,000 small objects (rows, codings, spans). Every 700
allocations the collector runs, and the older generations are walked again and again as the
list grows: with 50,000 codings that was about half the cost of opening the transcript. Rows,
codings and spans hold no reference cycles, so nothing is lost by collecting after the batch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested use is fine); reference counting goes on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
