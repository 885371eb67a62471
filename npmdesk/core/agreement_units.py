"""From coders' spans of one code in one document to an agreement Table, per unit of analysis.

* character: each character of the document is a unit, coded or not by each coder;
* segment (two coders): each passage a coder coded is a unit. A passage of A and one of B are the
  same unit when they overlap by at least `overlap` of the characters either covers (shared
  characters / characters in either: MAXQDA's rule); passages are paired one to one, best overlap
  first. Every unit was coded by someone, so "neither" is 0 by construction;
* document: the document is one unit, coded when the coder applied the code anywhere in it.

Also the passages where two coders differ (`differences`): overlapping spans of both coders are
grouped into one passage; a passage only A coded, only B coded, or both with different extent.
"""

from __future__ import annotations

from dataclasses import dataclass

from npmdesk.core.agreement import Table

UNITS = ("character", "segment", "document")
NEITHER_MEANS = {
    "character": "characters of the compared documents that neither coder coded with the code",
    "segment": "none: every unit is a passage one of the coders coded, so 'neither' is 0",
    "document": "compared documents in which neither coder applied the code",
}

Span = tuple[int, int]


def merged(spans) -> list[Span]:
    """Sorted, disjoint union of spans (touching spans join: [0, 5) + [5, 9) = [0, 9))."""
    out: list[list[int]] = []
    if len(spans) == 1:
        return [tuple(spans[0])]
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def character_table(per_coder: list[list[Span]], length: int) -> Table:
    """hist[k]: characters coded by exactly k coders; yes[i]: characters coder i coded."""
    m = len(per_coder)
    unions = [merged(spans) for spans in per_coder]
    if m == 2:
        a, b = unions
        size_a, size_b = sum(e - s for s, e in a), sum(e - s for s, e in b)
        both = _intersection(a, b)
        return Table.two(both, size_a - both, size_b - both, length - size_a - size_b + both)
    yes = tuple(sum(e - s for s, e in u) for u in unions)
    events: list[tuple[int, int]] = []
    for u in unions:
        for s, e in u:
            events.append((s, 1))
            events.append((e, -1))
    events.sort()
    hist = [0] * (m + 1)
    active, last = 0, 0
    for pos, delta in events:
        if active:
            hist[active] += pos - last
        active += delta
        last = pos
    hist[0] = length - sum(hist[1:])
    return Table(tuple(hist), yes)


def _intersection(a: list[Span], b: list[Span]) -> int:
    """Characters in both of two sorted, disjoint span lists (two pointers)."""
    i = j = n = 0
    while i < len(a) and j < len(b):
        s = a[i][0] if a[i][0] > b[j][0] else b[j][0]
        e = a[i][1] if a[i][1] < b[j][1] else b[j][1]
        if e > s:
            n += e - s
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return n


def document_table(per_coder: list[list[Span]]) -> Table:
    yes = tuple(1 if spans else 0 for spans in per_coder)
    hist = [0] * (len(per_coder) + 1)
    hist[sum(yes)] = 1
    return Table(tuple(hist), yes)


def overlap_share(a: Span, b: Span) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def segment_pairs(a_spans: list[Span], b_spans: list[Span], overlap: float) -> list[tuple[Span, Span]]:
    """One-to-one pairs of A's and B's passages overlapping by at least `overlap`, best first."""
    a_list, b_list = sorted(set(a_spans)), sorted(set(b_spans))
    candidates = []
    for i, a in enumerate(a_list):
        for j, b in enumerate(b_list):
            if b[0] >= a[1]:
                break
            share = overlap_share(a, b)
            if share > 0 and share >= overlap - 1e-12:
                candidates.append((-share, i, j))
    candidates.sort()
    used_a, used_b, pairs = set(), set(), []
    for _share, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a_list[i], b_list[j]))
    return pairs


def segment_table(a_spans: list[Span], b_spans: list[Span], overlap: float) -> Table:
    both = len(segment_pairs(a_spans, b_spans, overlap))
    return Table.two(both, len(set(a_spans)) - both, len(set(b_spans)) - both, 0)


def unit_table(unit: str, per_coder: list[list[Span]], length: int, overlap: float = 0.8) -> Table:
    if unit == "character":
        return character_table(per_coder, length)
    if unit == "document":
        return document_table(per_coder)
    if unit == "segment":
        if len(per_coder) != 2:
            raise ValueError("segment agreement compares two coders")
        return segment_table(per_coder[0], per_coder[1], overlap)
    raise ValueError(f"unknown unit {unit!r} (use {', '.join(UNITS)})")


def untouched_table(unit: str, coders: int, length: int) -> Table:
    """The table of a document in which no coder applied the code."""
    hist = [0] * (coders + 1)
    if unit == "character":
        hist[0] = length
    elif unit == "document":
        hist[0] = 1
    return Table(tuple(hist), (0,) * coders)


@dataclass(frozen=True)
class Difference:
    """One passage where two coders differ on one code."""

    start: int
    end: int
    kind: str  # "only_a", "only_b", "boundaries"
    a_spans: tuple[Span, ...]
    b_spans: tuple[Span, ...]


def passages(a_spans, b_spans) -> list[tuple[int, int, tuple[Span, ...], tuple[Span, ...]]]:
    """Every group of overlapping spans of either coder, as (start, end, a spans, b spans)."""
    tagged = sorted([(s, e, 0) for s, e in set(a_spans)] + [(s, e, 1) for s, e in set(b_spans)])
    groups: list[list] = []
    for s, e, who in tagged:
        if groups and s < groups[-1][1]:
            g = groups[-1]
            g[1] = max(g[1], e)
        else:
            g = [s, e, [], []]
            groups.append(g)
        g[2 + who].append((s, e))
    return [(g[0], g[1], tuple(g[2]), tuple(g[3])) for g in groups]


def differences(a_spans: list[Span], b_spans: list[Span]) -> tuple[list[Difference], list[tuple]]:
    """(the passages where the coders differ, the passages where they agree exactly)."""
    diff, same = [], []
    for start, end, a, b in passages(a_spans, b_spans):
        if not b:
            diff.append(Difference(start, end, "only_a", a, b))
        elif not a:
            diff.append(Difference(start, end, "only_b", a, b))
        elif merged(a) != merged(b):
            diff.append(Difference(start, end, "boundaries", a, b))
        else:
            same.append((start, end, a, b))
    return diff, same
