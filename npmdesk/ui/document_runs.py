"""Every paragraph's coloured runs from one pass over a document's codings sorted by start.

`FormatCache.block_runs` colours one paragraph from the codings listed on it: each coding on the
paragraph becomes two events, the events are sorted and swept. A heavy transcript lists most
codings on two or more paragraphs (50,000 codings make 83,000 entries on 330 paragraphs), so
colouring it paragraph by paragraph sweeps every long coding again on each paragraph it crosses.

Here the document is swept once. A character's colour depends only on which *codes* cover it (two
codings of one code colour like one), so each code's codings are first joined into the disjoint
stretches that code covers (one walk along the codings in start order), then those stretches'
starts and ends are swept in order, keeping the blend as running sums, and the runs are cut at
paragraph ends. The runs and formats are exactly those of `block_runs` (the same key per
character, the same format objects); tests/ui/test_document_runs.py compares them paragraph by
paragraph.

The pass is a generator that stops every few thousand codings or events, so the viewer can spread
it over background steps that each fit a frame (ui/transcript_view.py).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from itertools import islice
from operator import itemgetter, le

from PySide6.QtGui import QColor, QTextCharFormat

from npmdesk.core.coding_index import CodingIndex
from npmdesk.core.positions import TextPositions
from npmdesk.ui.highlighter import _DEEPEST, _SHADE, FormatCache, _format

Runs = list[tuple[int, int, QTextCharFormat]]
CHUNK = 3000  # codings (or events) between two stops of the pass

_SHIFT = 32  # an event: position << 32 | local code << 1 | (1 for a start)


def document_runs(cache: FormatCache, code_ids: Sequence[int], starts: Sequence[int], ends: Sequence[int],
                  positions: TextPositions, chunk: int = CHUNK) -> Iterator[list[tuple[int, Runs]]]:
    """Yield, every `chunk` codings or events, the paragraphs finished since the last yield as
    (block, runs) with runs as `FormatCache.block_runs` gives them (UTF-16 units from the block's
    start); every block of `positions` is named once, in order, those without codings with []."""
    length = positions.length
    n = len(starts)
    order: Sequence[int] | None = None
    if n > 1 and not _sorted(starts):
        order = sorted(range(n), key=starts.__getitem__)
    # 1. Each code's codings joined into the stretches it covers (disjoint, not touching; clipped
    # to the text as they are made, which is the same as clipping each coding first). An empty
    # coding colours nothing: within a stretch it changes nothing, and it never opens one.
    rgb_of, grey = cache.rgb, (204, 204, 204)
    colour: list[tuple[int, int, int]] = []  # by local code number
    held: dict[int, list[int]] = {}  # code -> [start, end, local number] of its open stretch
    get = held.get
    events: list[int] = []
    add = events.append

    def close(s: int, e: int, k: int) -> None:
        if s < 0:
            s = 0
        if e > length:
            e = length
        if e > s:
            add((s << _SHIFT) | (k << 1) | 1)
            add((e << _SHIFT) | (k << 1))

    rows = zip(code_ids, starts, ends) if order is None else ((code_ids[k], starts[k], ends[k]) for k in order)
    for _ in range(0, n, chunk):
        for code, s, e in islice(rows, chunk):
            h = get(code)
            if h is None:
                if e > s:
                    held[code] = [s, e, len(colour)]
                    colour.append(rgb_of.get(code, grey))
            elif s <= h[1]:
                if e > h[1]:
                    h[1] = e
            elif e > s:
                close(*h)
                h[0] = s
                h[1] = e
        yield []
    for h in held.values():
        close(*h)
    events.sort()
    yield []

    # 2. One sweep over the stretches' ends: the blend kept as running sums, a run closed where
    # any code starts or stops (merged with the one before when its colour is the same), and cut
    # at each paragraph's end.
    block_starts = positions.block_starts
    n_blocks = len(block_starts)
    astral = positions.map.astral_positions
    by_colour, quantum = cache._by_colour, FormatCache.QUANTUM
    scale = [(shade, quantum if k > 1 else 1) for k, shade in enumerate(_SHADE)]
    tabled = len(scale)
    deltas: list[tuple[int, int, int, int]] = []  # by the event's low bits: 2k an end, 2k + 1 a start
    for cr, cg, cb in colour:
        deltas.append((-cr, -cg, -cb, -1))
        deltas.append((cr, cg, cb, 1))
    low = (1 << _SHIFT) - 1
    done: list[tuple[int, Runs]] = []
    block = 0  # the paragraph being filled, its text [b_start, b_end), its runs (code points)
    b_start, b_end = positions.block_span(0)
    runs: list[tuple[int, int, QTextCharFormat]] = []
    run_a = run_z = -1  # the open run (not in `runs` yet) and its colour
    run_key: tuple | None = None
    run_fmt: QTextCharFormat | None = None
    r = g = bl = active = 0
    prev = 0
    for first in range(0, len(events), chunk):
        for ev in events[first:first + chunk]:
            pos = ev >> _SHIFT
            if pos != prev:
                if active:  # [prev, pos) is coloured
                    if active < tabled:
                        shade, q = scale[active]
                    else:
                        shade, q = _DEEPEST / active, quantum
                    key = (int(r * shade) // q, int(g * shade) // q, int(bl * shade) // q, active > 1)
                    x = prev
                    while True:
                        if x >= b_end and block + 1 < n_blocks:  # past this paragraph's text
                            if run_fmt is not None:
                                runs.append((run_a, run_z, run_fmt))
                                run_fmt, run_key, run_z = None, None, -1
                            nxt = max(block + 1, bisect_right(block_starts, x) - 1)
                            _finish(done, block, b_start, b_end, runs, nxt, astral)
                            block, runs = nxt, []
                            b_start, b_end = positions.block_span(block)
                            if x < b_start:
                                x = b_start
                        z = pos if pos < b_end else b_end
                        if z > x:
                            if x == run_z and key == run_key:
                                run_z = z
                            else:
                                if run_fmt is not None:
                                    runs.append((run_a, run_z, run_fmt))
                                run_fmt = by_colour.get(key)
                                if run_fmt is None:
                                    run_fmt = by_colour[key] = _format(QColor(key[0] * q, key[1] * q, key[2] * q),
                                                                       active > 1)
                                run_a, run_z, run_key = x, z, key
                        if pos <= b_end or block + 1 >= n_blocks:
                            break
                        x = b_end
                prev = pos
            dr, dg, db, dn = deltas[ev & low]
            r += dr
            g += dg
            bl += db
            active += dn
        yield done
        done = []
    if run_fmt is not None:
        runs.append((run_a, run_z, run_fmt))
    _finish(done, block, b_start, b_end, runs, n_blocks, astral)
    yield done


def _finish(done: list[tuple[int, Runs]], block: int, b_start: int, b_end: int, runs: Runs, upto: int,
            astral: list[int]) -> None:
    """Close a paragraph (its runs to UTF-16 units from its start) and name the empty ones after it,
    up to `upto`."""
    k0 = bisect_left(astral, b_start) if runs and astral else 0
    if runs and k0 < len(astral) and astral[k0] < b_end:  # characters outside the BMP count two
        base = b_start + k0
        done.append((block, [(a + bisect_left(astral, a, k0) - base, z + bisect_left(astral, z, k0) - base, f)
                             for a, z, f in runs]))
    else:
        done.append((block, [(a - b_start, z - b_start, f) for a, z, f in runs]))
    done.extend((b, []) for b in range(block + 1, upto))


def window_runs(cache: FormatCache, index: CodingIndex, first: int, last: int) -> dict[int, Runs]:
    """The runs of blocks first..last (what is on screen) in one pass over the codings the index
    lists on them, clipped to them: the same runs as `block_runs` gives each, at the cost of one
    sweep of those codings instead of one per block (a heavy page of five paragraphs: each long
    coding is listed on two or three of them)."""
    positions = index.positions
    lo = positions.block_starts[first]
    hi = positions.block_span(last)[1]
    by_block, spans = index.by_block, index.spans
    ids: set[int] = set()
    for b in range(first, last + 1):
        ids.update(by_block.get(b, ()))
    held = sorted((spans[c] for c in ids), key=itemgetter(2))
    out: dict[int, Runs] = {}
    for done in document_runs(cache, [s[1] for s in held], [s[2] if s[2] > lo else lo for s in held],
                              [s[3] if s[3] < hi else hi for s in held], positions, chunk=1 << 30):
        out.update((b, runs) for b, runs in done if first <= b <= last)
    return out


def _sorted(values: Sequence[int]) -> bool:
    return all(map(le, values, islice(values, 1, None)))
