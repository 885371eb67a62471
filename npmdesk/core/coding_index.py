"""Which codings touch which paragraph: the index that keeps highlighting proportional to the screen.

Built once per opened document (O(codings)); a change of codings is applied as a diff that names
the blocks whose look changed, so the viewer re-highlights only those. Pure Python (no Qt), so it
is cheap to test and to benchmark.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import compress, islice, repeat
from operator import itemgetter, le, lt
from typing import NamedTuple

from npmdesk.core.gc_pause import gc_paused
from npmdesk.core.offsets import Utf16Map
from npmdesk.core.paragraphs import LINE_BREAK
from npmdesk.core.positions import TextPositions
from npmdesk.core.text_edits import SpanMap, span_map


class Span(NamedTuple):
    """One coding as the viewer needs it (a tuple: 50,000 are made per heavy transcript opened)."""

    coding_id: int
    code_id: int
    start: int  # code points
    end: int


_make_span = partial(tuple.__new__, Span)  # Span from a 4-tuple without a Python call per coding


class SpanColumns:
    """A document's codings as parallel lists in document order (by start, then end): what the
    viewer needs, read without making an object per coding (store: `Project.coding_spans`).
    `coder_ids` may be a function that reads them: only a view that hides some coders' codings
    needs them, and reading them costs a visit to every coding's row."""

    __slots__ = ("ids", "code_ids", "starts", "ends", "_coders")

    def __init__(self, ids: Sequence[int], code_ids: Sequence[int], starts: Sequence[int], ends: Sequence[int],
                 coder_ids: Sequence[int] | Callable[[], Sequence[int]]):
        self.ids, self.code_ids, self.starts, self.ends = ids, code_ids, starts, ends
        self._coders = coder_ids

    @property
    def coder_ids(self) -> Sequence[int]:
        if callable(self._coders):
            self._coders = self._coders()
        return self._coders

    @classmethod
    def of(cls, codings: Iterable) -> SpanColumns:
        """From store Codings (or anything with id, code_id, start, end and coder_id)."""
        rows = list(codings)
        return cls([c.id for c in rows], [c.code_id for c in rows], [c.start for c in rows],
                   [c.end for c in rows], [c.coder_id for c in rows])

    def __len__(self) -> int:
        return len(self.ids)

    def without_coders(self, hidden) -> SpanColumns:
        """The codings of every coder but these (View > Show codings by coder)."""
        keep = [k for k, coder in enumerate(self.coder_ids) if coder not in hidden]
        return SpanColumns(*([col[k] for k in keep] for col in (self.ids, self.code_ids, self.starts, self.ends,
                                                                 self.coder_ids)))

    def spans(self) -> Iterator[Span]:
        return map(_make_span, zip(self.ids, self.code_ids, self.starts, self.ends))


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def positions_for(text: str) -> TextPositions:
    """The same TextPositions as `TextPositions(text)`, found with two regular-expression scans
    (C speed) instead of a Python loop over every character: a heavy transcript is opened, and
    every edit re-measured, in about a millisecond."""
    astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
    return _positions(len(text), astral, [0] + [m.end() for m in LINE_BREAK.finditer(text)])


def positions_after_edit(old: TextPositions, text: str, start: int, old_end: int, new_end: int) -> TextPositions:
    """`positions_for(text)`, where `text` is the text `old` measured with [start, old_end)
    replaced by what is now [start, new_end): only the replacement is scanned, the line breaks
    and astral characters on either side are kept (after it, moved by the change in length), so
    a typed character costs the number of paragraphs, not a scan of the whole transcript."""
    delta = new_end - old_end
    was = old.map.astral_positions
    astral = was[:bisect_left(was, start)] + [m.start() for m in _ASTRAL.finditer(text, start, new_end)] \
        + [a + delta for a in was[bisect_left(was, old_end):]]
    starts = old.block_starts
    # A block starting inside (start, old_end] began after a break the edit replaced.
    return _positions(len(text), astral, starts[:bisect_right(starts, start)]
                      + [m.end() for m in LINE_BREAK.finditer(text, start, new_end)]
                      + [b + delta for b in starts[bisect_right(starts, old_end):]])


def _positions(length: int, astral: list[int], block_starts: list[int]) -> TextPositions:
    """TextPositions from a text's length, its astral characters and its blocks' starts."""
    umap = Utf16Map.__new__(Utf16Map)
    umap._astral_cp = astral
    umap._astral_ends_u16 = [cp + k + 2 for k, cp in enumerate(astral)]
    umap.length = length
    umap.length_u16 = length + len(astral)
    p = TextPositions.__new__(TextPositions)
    p.map = umap
    p.length = length
    p.block_starts = block_starts
    p.block_starts_u16 = [b + bisect_left(astral, b) for b in block_starts] if astral else list(block_starts)
    return p


def _blocks_of_any(starts: list[int], ids, cs, ends) -> dict[int, list[int]]:
    """The codings on each paragraph (`starts`: the paragraphs' first code points), in the
    columns' order: a walk along the codings, a bisect where one jumps ahead or back."""
    n_blocks = len(starts)
    by_block: dict[int, list[int]] = {}
    get = by_block.get
    block, lo, hi = 0, 0, (starts[1] if n_blocks > 1 else 1 << 62)
    for cid, start, end in zip(ids, cs, ends):
        if not lo <= start < hi:
            block = bisect_right(starts, start) - 1
            lo = starts[block]
            hi = starts[block + 1] if block + 1 < n_blocks else 1 << 62
        last = end - 1 if end > start else start
        if last < hi:
            held = get(block)
            if held is None:
                by_block[block] = [cid]
            else:
                held.append(cid)
            continue
        for b in range(block, bisect_right(starts, last)):
            held = get(b)
            if held is None:
                by_block[b] = [cid]
            else:
                held.append(cid)
    return by_block


def _blocks_of_sorted(starts: list[int], ids, cs, ends) -> dict[int, list[int]]:
    """`_blocks_of_any` for codings sorted by start (none before 0), in list operations: the
    codings starting in a paragraph are one slice of the columns (found by bisect), and those of
    them that reach past it are picked out with `compress`, paragraph after paragraph, until
    none reaches further. The lists come out in the same order (a paragraph's codings that began
    before it, in column order, then its own)."""
    n_blocks = len(starts)
    n = len(cs)
    cuts = [bisect_left(cs, b) for b in starts]
    cuts.append(n)
    by_block: dict[int, list[int]] = {}
    get = by_block.get
    for block in range(n_blocks):
        i, j = cuts[block], cuts[block + 1]
        if i == j:
            continue
        own = ids[i:j]
        held = get(block)
        if held is None:
            by_block[block] = list(own)
        else:
            held.extend(own)
        if block + 1 == n_blocks:
            break
        # A coding's last character is end - 1 (its start when empty): past the paragraph, it
        # goes on into the next one when end > the next paragraph's start.
        reach = ends[i:j]
        b = block + 1
        flags = list(map(lt, repeat(starts[b]), reach))
        while any(flags):
            own = list(compress(own, flags))
            reach = list(compress(reach, flags))
            held = get(b)
            if held is None:
                by_block[b] = own
            else:
                held.extend(own)
            b += 1
            if b == n_blocks:
                break
            flags = list(map(lt, repeat(starts[b]), reach))
    return by_block


class CodingIndex:
    def __init__(self, positions: TextPositions):
        self.positions = positions
        self.spans: dict[int, Span] = {}
        self.by_block: dict[int, list[int]] = {}
        self._entries_cache: dict[int, list[tuple[int, int, int, int]]] = {}
        # Held codings per code, kept from the first `code_count()` on by every change (None until
        # then: an opened transcript does not pay for it), and a number that changes with every
        # change of the held codings (what a view caches against).
        self._code_counts: dict[int, int] | None = None
        self.version = 0

    # Building and diffing -----------------------------------------------------------------------

    def _blocks(self, span: Span) -> range:
        first = self.positions.block_of(span.start)
        last = self.positions.block_of(max(span.start, span.end - 1))
        return range(first, last + 1)

    def _add(self, span: Span, touched: set[int]) -> None:
        self.spans[span.coding_id] = span
        self.version += 1
        counts = self._code_counts
        if counts is not None:
            counts[span.code_id] = counts.get(span.code_id, 0) + 1
        for b in self._blocks(span):
            self.by_block.setdefault(b, []).append(span.coding_id)
            touched.add(b)

    def _remove(self, coding_id: int, touched: set[int]) -> None:
        span = self.spans.pop(coding_id)
        self.version += 1
        self._uncount(span.code_id)
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
        self._code_counts = None
        self.version += 1
        return set(by_block)

    def fill(self, columns: SpanColumns) -> set[int]:
        """Fill an empty index from a document's codings in document order (SpanColumns): the
        Span objects are made in C, and a heavily coded document's paragraph lists are cut from
        the sorted columns (`_blocks_of_sorted`); otherwise (or for unsorted input) each coding's
        first paragraph is found by walking the paragraphs along with the starts (a bisect where
        a coding jumps ahead or back). Returns the blocks that have codings."""
        if self.spans:
            return self.update(columns.spans())
        starts = self.positions.block_starts
        with gc_paused():
            self.spans = dict(zip(columns.ids, columns.spans()))
            cs = columns.starts
            # Cutting costs a few list operations per paragraph, the walk some per coding: cut
            # when paragraphs hold many codings (sorted columns, as the store gives them).
            if len(cs) >= 8 * len(starts) and cs[0] >= 0 and all(map(le, cs, islice(cs, 1, None))):
                by_block = _blocks_of_sorted(starts, columns.ids, cs, columns.ends)
            else:
                by_block = _blocks_of_any(starts, columns.ids, cs, columns.ends)
        self.by_block = by_block
        self._entries_cache.clear()
        self._code_counts = None
        self.version += 1
        return set(by_block)

    def sync(self, columns: SpanColumns) -> set[int]:
        """Make the index hold exactly these codings (as `update`), comparing the columns with
        the held spans directly: after an edit, when nearly all are already where they should
        be, no Span is made for the ones that are."""
        if not self.spans:
            return self.fill(columns)
        spans = self.spans
        get = spans.get
        changed: list[Span] = []
        for cid, code, start, end in zip(columns.ids, columns.code_ids, columns.starts, columns.ends):
            held = get(cid)
            if held is None or held[2] != start or held[3] != end or held[1] != code:
                changed.append(_make_span((cid, code, start, end)))
        gone: list[int] = []
        if len(spans) + sum(1 for c in changed if c.coding_id not in spans) != len(columns.ids):
            gone = list(spans.keys() - set(columns.ids))
        if not changed and not gone:
            return set()
        return self.apply_delta(changed, gone)

    def apply_text_edit(self, new_positions: TextPositions, start: int, old_end: int, new_end: int,
                        mapping: SpanMap | None = None) -> set[int]:
        """The document's text had [start, old_end) replaced by new text ending at `new_end`
        (code points): move every coding by the edit rule (core/text_edits.py) and renumber the
        paragraphs after the edit, in place, keeping what is known of the paragraphs the edit
        did not touch. Returns the (new) blocks the edit touched. The caller then diffs against
        the stored codings (`update`), which names any coding the store moved otherwise."""
        old = self.positions
        if mapping is None:  # without the texts: no edit joins a span (core/text_edits.py)
            mapping = span_map([(start, old_end, "\0" * (new_end - start))])
        # Spans touching the edit's edges are mapped too when its text may join them.
        edge_before = start - 1 if mapping.joins_before and mapping.joins_before[0] else start
        edge_after = old_end if mapping.joins_after and mapping.joins_after[0] else old_end - 1
        delta = new_end - old_end
        b0, b1 = old.block_of(start), old.block_of(old_end)
        nb1 = new_positions.block_of(new_end)
        shift = nb1 - b1
        near: set[int] = set()
        by_block: dict[int, list[int]] = {}
        for b, ids in self.by_block.items():
            if b < b0:
                by_block[b] = ids
            elif b > b1:
                by_block[b + shift] = ids
            else:
                near.update(ids)
        cache = self._entries_cache
        self._entries_cache = {(b if b < b0 else b + shift): v for b, v in cache.items() if b < b0 or b > b1}
        spans = self.spans
        with gc_paused():
            moved: dict[int, Span | None] = {}
            for cid, span in spans.items():
                _c, code, s, e = span
                if s > edge_after:
                    moved[cid] = _make_span((cid, code, s + delta, e + delta))
                elif e > edge_before:  # reaches into the edit (or joins it: core/text_edits.py)
                    m = mapping.span(s, e)
                    if m is None:
                        moved[cid] = None
                    elif m != (s, e):
                        moved[cid] = _make_span((cid, code, m[0], m[1]))
            self.version += 1
            for cid, changed in moved.items():
                if changed is None:
                    self._uncount(spans.pop(cid).code_id)
                else:
                    spans[cid] = changed
        self.by_block = by_block
        self.positions = new_positions
        touched = set(range(b0, nb1 + 1))
        starts = new_positions.block_starts
        for cid in near:
            kept = spans.get(cid)
            if kept is None:
                continue
            first = bisect_right(starts, kept.start) - 1
            last = bisect_right(starts, max(kept.start, kept.end - 1)) - 1
            for b in range(max(first, b0), min(last, nb1) + 1):
                by_block.setdefault(b, []).append(cid)
        return touched

    def sync_window(self, lo: int, hi: int, columns: SpanColumns) -> set[int]:
        """Make the held codings with end >= lo and start <= hi exactly `columns` (the stored
        codings of that window, Project.coding_spans(window=...)); the rest are left as they are.
        Such a coding covers a character of [lo - 1, hi], so it is listed on one of those
        paragraphs. Returns the touched blocks."""
        p = self.positions
        spans, by_block = self.spans, self.by_block
        held: set[int] = set()
        for b in range(p.block_of(max(lo - 1, 0)), p.block_of(max(min(hi, p.length - 1), 0)) + 1):
            for cid in by_block.get(b, ()):
                s = spans[cid]
                if s.end >= lo and s.start <= hi:
                    held.add(cid)
        changed = []
        for cid, code, start, end in zip(columns.ids, columns.code_ids, columns.starts, columns.ends):
            have = spans.get(cid)
            if have is None or have[1] != code or have[2] != start or have[3] != end:
                changed.append(_make_span((cid, code, start, end)))
        gone = held.difference(columns.ids)
        if not changed and not gone:
            return set()
        return self.apply_delta(changed, gone)

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

    def _uncount(self, code_id: int) -> None:
        counts = self._code_counts
        if counts is not None:
            left = counts.get(code_id, 0) - 1
            if left > 0:
                counts[code_id] = left
            else:
                counts.pop(code_id, None)

    def code_count(self) -> int:
        """How many distinct codes the held codings have: counted once (at C speed), then kept
        by every change, so asking after each coding costs nothing."""
        if self._code_counts is None:
            self._code_counts = dict(Counter(map(itemgetter(1), self.spans.values())))
        return len(self._code_counts)

    def code_counts(self) -> dict[int, int]:
        """Held codings per code id (a copy)."""
        self.code_count()
        assert self._code_counts is not None
        return dict(self._code_counts)

    def blocks_of_codes(self, code_ids: set[int]) -> set[int]:
        """The blocks showing codings of these codes; none for codes with no coding held (a code
        just made, as in-vivo coding makes one), without a walk over every coding."""
        self.code_count()
        assert self._code_counts is not None
        code_ids = {c for c in code_ids if c in self._code_counts}
        out: set[int] = set()
        if not code_ids:
            return out
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
