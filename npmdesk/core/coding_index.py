"""Which codings touch which paragraph: the index that keeps highlighting proportional to the screen.

Built once per opened document (O(codings)); a change of codings is applied as a diff that names
the blocks whose look changed, so the viewer re-highlights only those. Pure Python (no Qt), so it
is cheap to test and to benchmark.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple

from npmdesk.core.gc_pause import gc_paused
from npmdesk.core.positions import TextPositions


class Span(NamedTuple):
    """One coding as the viewer needs it (a tuple: 50,000 are made per heavy transcript opened)."""

    coding_id: int
    code_id: int
    start: int  # code points
    end: int


class CodingIndex:
    def __init__(self, positions: TextPositions):
        self.positions = positions
        self.spans: dict[int, Span] = {}
        self.by_block: dict[int, list[int]] = {}
        self._entries_cache: dict[int, list[tuple[int, int, int, int]]] = {}

    # Building and diffing -----------------------------------------------------------------------

    def _blocks(self, span: Span) -> range:
        first = self.positions.block_of(span.start)
        last = self.positions.block_of(max(span.start, span.end - 1))
        return range(first, last + 1)

    def _add(self, span: Span, touched: set[int]) -> None:
        self.spans[span.coding_id] = span
        for b in self._blocks(span):
            self.by_block.setdefault(b, []).append(span.coding_id)
            touched.add(b)

    def _remove(self, coding_id: int, touched: set[int]) -> None:
        span = self.spans.pop(coding_id)
        for b in self._blocks(span):
            ids = self.by_block.get(b)
            if ids is not None:
                ids.remove(coding_id)
                if not ids:
                    del self.by_block[b]
            touched.add(b)

    def update(self, spans) -> set[int]:
        """Make the index hold exactly `spans`; return the blocks whose codings changed."""
        if not self.spans:
            with gc_paused():  # the caller's generator makes a Span per coding as this runs
                return self._build(spans)
        new = {s.coding_id: s for s in spans}
        touched: set[int] = set()
        for cid in [c for c, s in self.spans.items() if new.get(c) != s]:
            self._remove(cid, touched)
        for cid, s in new.items():
            if cid not in self.spans:
                self._add(s, touched)
        for b in touched:
            self._entries_cache.pop(b, None)
        return touched

    def _build(self, spans) -> set[int]:
        """Fill an empty index: one pass, the block lookups inlined (a heavy transcript's 50,000
        codings in one tenth of the per-span path's time)."""
        starts = self.positions.block_starts
        by_block = self.by_block
        spans_by_id = self.spans
        for s in spans:
            cid, _code, start, end = s
            spans_by_id[cid] = s
            first = bisect_right(starts, start) - 1
            last = bisect_right(starts, end - 1 if end > start else start) - 1
            for b in range(first, last + 1):
                ids = by_block.get(b)
                if ids is None:
                    by_block[b] = [cid]
                else:
                    ids.append(cid)
        self._entries_cache.clear()
        return set(by_block)

    def apply_delta(self, added=(), removed=()) -> set[int]:
        """Add and remove single codings (what one command changed); return the touched blocks."""
        touched: set[int] = set()
        for cid in removed:
            if cid in self.spans:
                self._remove(cid, touched)
        for span in added:
            if span.coding_id in self.spans:
                self._remove(span.coding_id, touched)
            self._add(span, touched)
        for b in touched:
            self._entries_cache.pop(b, None)
        return touched

    def blocks_of_codes(self, code_ids: set[int]) -> set[int]:
        out: set[int] = set()
        for s in self.spans.values():
            if s.code_id in code_ids:
                out.update(self._blocks(s))
        return out

    # Queries ------------------------------------------------------------------------------------

    def entries(self, block: int) -> list[tuple[int, int, int, int]]:
        """(start, end, code_id, coding_id) of the codings on a block, in UTF-16 units from the
        block's start, clipped to the block."""
        cached = self._entries_cache.get(block)
        if cached is not None:
            return cached
        ids = self.by_block.get(block)
        if not ids:
            return []
        p = self.positions
        b_start, b_end = p.block_span(block)
        spans = self.spans
        out = []
        # Characters outside the BMP count two in Qt; most paragraphs have none, and then a
        # position in the block is its code point offset from the block's start.
        astral = p.map.astral_positions
        k0 = bisect_left(astral, b_start)
        local = astral[k0:bisect_left(astral, b_end, k0)] if astral else ()
        # A coding that only covers the line break still marks the paragraph (stripe) but has no
        # characters to colour here.
        if not local:
            for cid in ids:
                _, code, start, end = spans[cid]
                a = (start if start > b_start else b_start) - b_start
                z = (end if end < b_end else b_end) - b_start
                out.append((a, z if z > a else a, code, cid))
        else:
            for cid in ids:
                _, code, start, end = spans[cid]
                a = start if start > b_start else b_start
                z = end if end < b_end else b_end
                if z < a:
                    z = a
                out.append((a - b_start + bisect_left(local, a), z - b_start + bisect_left(local, z), code, cid))
        out.sort()
        self._entries_cache[block] = out
        return out

    def codes_on_block(self, block: int) -> list[int]:
        return sorted({self.spans[c].code_id for c in self.by_block.get(block, ())})

    def codings_at(self, cp: int) -> list[Span]:
        """Codings covering the character at code point `cp`, shortest (innermost) first."""
        block = self.positions.block_of(cp)
        hits = [self.spans[c] for c in self.by_block.get(block, ()) if self.spans[c].start <= cp < self.spans[c].end]
        return sorted(hits, key=lambda s: (s.end - s.start, s.coding_id))


def boundary_events(entries) -> list[tuple[int, int, int]]:
    """A block's codings as sorted (position, +1 starts / -1 ends, code id) events, for a sweep."""
    events = []
    for a, b, code, _ in entries:
        if b > a:
            events.append((a, 1, code))
            events.append((b, -1, code))
    events.sort()
    return events


def segments(entries: list[tuple[int, int, int, int]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """Cut a block's overlapping codings into runs: (start, end, code ids covering the run).

    A sweep over the sorted boundaries: O(k log k) for k codings on the block."""
    events = boundary_events(entries)
    if not events:
        return []
    active: dict[int, int] = {}
    out: list[tuple[int, int, tuple[int, ...]]] = []
    prev = None
    i, n = 0, len(events)
    while i < n:
        pos = events[i][0]
        if prev is not None and pos > prev and active:
            codes = tuple(sorted(active))
            if out and out[-1][1] == prev and out[-1][2] == codes:
                out[-1] = (out[-1][0], pos, codes)
            else:
                out.append((prev, pos, codes))
        while i < n and events[i][0] == pos:
            _, delta, code = events[i]
            count = active.get(code, 0) + delta
            if count:
                active[code] = count
            else:
                del active[code]
            i += 1
        prev = pos
    return out
