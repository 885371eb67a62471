"""Where the viewer's margin draws each code's stripe: columns reused as MAXQDA reuses them.

The margin measures, for every coding on screen, the vertical extent of the lines it covers (in
pixels, but nothing here cares about the unit); this module turns those extents into columns,
labels and a density count. Pure Python, so the layout rules are unit-tested without a display.

A *key* is what gets one stripe: a code id, or a (code id, coder id) pair when stripes are drawn
per coder. Two keys share a column only when none of their runs come near each other vertically,
so every stripe keeps room for its label at its top.
"""

from __future__ import annotations

from bisect import bisect_right
from math import ceil, floor
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

Interval = tuple[float, float]


class StripeRun(NamedTuple):
    """One drawn stripe: a key's merged extent in one column, and the room left for its label."""

    key: Hashable
    column: int
    top: float
    bottom: float
    label_top: float  # where the label starts (the run's top, or the screen's top for a run above it)
    label_room: float  # how far down the label may run before the next label in its column (0: none)


class StripeLayout(NamedTuple):
    columns: int
    column_of: dict  # key -> column
    runs: list[StripeRun]


def merge_runs(intervals: Iterable[tuple[Hashable, float, float]]) -> dict[Hashable, list[Interval]]:
    """Per key, the union of its (top, bottom) intervals, sorted; overlapping or touching ones merge."""
    by_key: dict[Hashable, list[Interval]] = {}
    for key, top, bottom in intervals:
        by_key.setdefault(key, []).append((top, max(top, bottom)))
    out: dict[Hashable, list[Interval]] = {}
    for key, items in by_key.items():
        items.sort()
        merged: list[list[float]] = []
        for top, bottom in items:
            if merged and top <= merged[-1][1]:
                if bottom > merged[-1][1]:
                    merged[-1][1] = bottom
            else:
                merged.append([top, bottom])
        out[key] = [(a, b) for a, b in merged]
    return out


def _overlaps(spans: list[Interval], starts: list[float], top: float, bottom: float) -> bool:
    """Does (top, bottom) overlap any of the column's sorted, disjoint `spans`?"""
    i = bisect_right(starts, top) - 1
    if i >= 0 and spans[i][1] > top:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < bottom


def assign_columns(runs: Mapping[Hashable, list[Interval]], order: Sequence[Hashable],
                   min_extent: float = 0.0, resolution: float | None = None) -> dict[Hashable, int]:
    """Give each key a column: keys are placed in `order` (keys missing from it go last, by their
    first run), each in the lowest column where none of its runs overlap another key's.

    A run claims at least `min_extent` below its top, so a short stripe still has room for its
    label before the next key's stripe in the same column. With a `resolution` (the screen's
    pixel) the claims are rounded outwards to it and compared as bit masks: a thousand codings on
    a screen are placed in a few milliseconds."""
    rank = {k: i for i, k in enumerate(order)}
    keys = sorted(runs, key=lambda k: (rank.get(k, len(rank)), runs[k][0][0] if runs[k] else 0.0))
    claims_of = {k: [(top, max(bottom, top + min_extent)) for top, bottom in runs[k]] for k in keys}
    out: dict[Hashable, int] = {}
    if resolution is not None:
        base = min((a for claims in claims_of.values() for a, _ in claims), default=0.0)
        masks: list[int] = []
        for key in keys:
            mask = 0
            for a, b in claims_of[key]:
                lo = floor((a - base) / resolution)
                hi = max(lo + 1, ceil((b - base) / resolution))
                mask |= ((1 << (hi - lo)) - 1) << lo
            col = next((i for i, m in enumerate(masks) if not m & mask), len(masks))
            if col == len(masks):
                masks.append(mask)
            else:
                masks[col] |= mask
            out[key] = col
        return out
    columns: list[tuple[list[Interval], list[float]]] = []  # per column: disjoint spans and their starts
    for key in keys:
        claims = claims_of[key]
        col = next((i for i, (spans, starts) in enumerate(columns)
                    if not any(_overlaps(spans, starts, a, b) for a, b in claims)), len(columns))
        if col == len(columns):
            columns.append(([], []))
        spans, starts = columns[col]
        for a, b in claims:  # a key's own claims may overlap each other: merge as they go in
            i = bisect_right(starts, a)
            if i > 0 and spans[i - 1][1] >= a:
                i -= 1
                a = spans[i][0]
                b = max(b, spans[i][1])
                del spans[i], starts[i]
            while i < len(spans) and spans[i][0] <= b:
                b = max(b, spans[i][1])
                del spans[i], starts[i]
            spans.insert(i, (a, b))
            starts.insert(i, a)
        out[key] = col
    return out


def layout_stripes(intervals: Iterable[tuple[Hashable, float, float]], order: Sequence[Hashable],
                   view_top: float, view_bottom: float, min_extent: float = 0.0,
                   resolution: float | None = None) -> StripeLayout:
    """Columns and labelled runs for the codings on screen: `intervals` are (key, top, bottom)."""
    runs = merge_runs(intervals)
    column_of = assign_columns(runs, order, min_extent, resolution)
    by_column: dict[int, list[tuple[float, float, Hashable]]] = {}
    for key, items in runs.items():
        for top, bottom in items:
            by_column.setdefault(column_of[key], []).append((top, bottom, key))
    out: list[StripeRun] = []
    for col, placed in by_column.items():
        placed.sort(key=lambda t: (t[0], t[1]))
        # A run that follows its own key's run closely is not labelled again: the label above says it.
        labelled = [i == 0 or placed[i - 1][2] != key or top - placed[i - 1][1] >= min_extent
                    for i, (top, _bottom, key) in enumerate(placed)]
        nxt = view_bottom
        rooms = [0.0] * len(placed)
        for i in range(len(placed) - 1, -1, -1):
            top = placed[i][0]
            if labelled[i]:
                rooms[i] = max(0.0, min(nxt, view_bottom) - max(top, view_top))
                nxt = top
        for i, (top, bottom, key) in enumerate(placed):
            out.append(StripeRun(key, col, top, bottom, max(top, view_top), rooms[i]))
    out.sort(key=lambda r: (r.column, r.top))
    return StripeLayout(max(column_of.values(), default=-1) + 1, column_of, out)


def columns_needed(intervals: Iterable[tuple[Hashable, float, float]], order: Sequence[Hashable],
                   min_extent: float, cap: int) -> int:
    """How many columns a whole document needs (at most `cap`), from coarse extents (paragraphs)."""
    runs = merge_runs(intervals)
    if len(runs) <= 1:
        return len(runs)
    return min(cap, max(assign_columns(runs, order, min_extent).values()) + 1)


def stripe_width(columns: int, area: float, lane: float, widths: Sequence[int] = (5, 4, 3)) -> int:
    """The widest stripe (from `widths`) at which `columns` columns of stripe + label lane fit in
    `area`; the narrowest when none does (the margin then scrolls sideways)."""
    for w in widths:
        if columns * (w + lane) <= area:
            return w
    return widths[-1]


def density(lines: Sequence[Interval], runs: Mapping[Hashable, list[Interval]]) -> list[int]:
    """For each screen line (top, bottom), how many keys have a run covering part of it."""
    counts = [0] * len(lines)
    tops = [t for t, _ in lines]
    for items in runs.values():
        seen: set[int] = set()
        for top, bottom in items:
            i = max(0, bisect_right(tops, top) - 1)
            while i < len(lines) and lines[i][0] < bottom:
                if lines[i][1] > top and i not in seen:
                    seen.add(i)
                    counts[i] += 1
                i += 1
    return counts


def coder_initials(names: Mapping[int, str]) -> dict[int, str]:
    """Short, distinct labels for coders: "Ana Lopez" -> "AL", "ana" -> "An"; clashes get more letters."""

    def initials(name: str, n: int) -> str:
        words = name.replace("_", " ").replace("-", " ").replace(".", " ").split()
        if not words:
            return "?"
        head = words[0][: n + (1 if len(words) == 1 else 0)]
        return head[:1].upper() + head[1:] + "".join(w[0].upper() for w in words[1:3])

    out: dict[int, str] = {}
    for n in (1, 2, 3):
        out = {cid: initials(name, n) for cid, name in names.items()}
        if len(set(out.values())) == len(out):
            return out
    # Still clashing (two coders of one name): number them.
    seen: dict[str, int] = {}
    for cid in sorted(out):
        label = out[cid]
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            out[cid] = f"{label}{seen[label]}"
    return out
