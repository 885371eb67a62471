"""Half-open character intervals [start, end): merging, complement and intersection size.

Coverage (characters coded / characters) must count a character once however many codings or
turns cover it, so every measure works on merged, sorted, disjoint interval lists.
"""

from __future__ import annotations

Intervals = list[tuple[int, int]]


def merge(spans) -> Intervals:
    """Sorted, disjoint intervals covering exactly the characters of `spans`.

    Touching intervals ([0, 5) and [5, 9)) merge: together they cover 9 characters."""
    out: Intervals = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def size(merged: Intervals) -> int:
    return sum(end - start for start, end in merged)


def complement(merged: Intervals, length: int) -> Intervals:
    """The characters of [0, length) outside the merged intervals."""
    out: Intervals = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append((pos, min(start, length)))
        pos = max(pos, end)
    if pos < length:
        out.append((pos, length))
    return [(s, e) for s, e in out if e > s]


def union(a: Intervals, b: Intervals) -> Intervals:
    return merge([*a, *b])


def overlap_size(a: Intervals, b: Intervals) -> int:
    """Characters in both merged lists (one linear sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            total += end - start
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total
