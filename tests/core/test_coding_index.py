"""The coding index: a fresh build, a diff and a delta agree, and entries are exact UTF-16 offsets."""

from __future__ import annotations

import random

from npmdesk.core.coding_index import CodingIndex, Span
from npmdesk.core.positions import TextPositions

TEXT = ("Interviewer: How was it? 😀\nP1: Fine, the café 🩺 was busy 👩🏽‍⚕️ today.\n\n"
        "P1: 学习很重要, I said.\nInterviewer: And then?\nP1: Nothing more 😀😀.")


def reference_entries(positions: TextPositions, spans: list[Span], block: int):
    b_start, b_end = positions.block_span(block)
    base = positions.to_qt(b_start)
    out = []
    for s in spans:
        if positions.block_of(s.start) <= block <= positions.block_of(max(s.start, s.end - 1)):
            a, z = max(s.start, b_start), min(s.end, b_end)
            out.append((positions.to_qt(a) - base, positions.to_qt(max(a, z)) - base, s.code_id, s.coding_id))
    return sorted(out)


def random_spans(n: int, seed: int) -> list[Span]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        a = rnd.randrange(len(TEXT) - 1)
        out.append(Span(i + 1, rnd.randrange(1, 6), a, rnd.randrange(a + 1, min(len(TEXT), a + 60) + 1)))
    return out


def test_entries_match_the_utf16_reference_on_every_block():
    positions = TextPositions(TEXT)
    spans = random_spans(300, 1)
    index = CodingIndex(positions)
    assert index.update(spans) == {b for s in spans for b in index._blocks(s)}
    for block in range(positions.block_count):
        assert index.entries(block) == reference_entries(positions, spans, block)


def test_a_fresh_build_a_diff_and_deltas_agree():
    positions = TextPositions(TEXT)
    first, second = random_spans(200, 2), random_spans(150, 3)
    built = CodingIndex(positions)
    built.update(second)
    diffed = CodingIndex(positions)
    diffed.update(first)
    touched = diffed.update(second)
    assert diffed.spans == built.spans
    assert {b: sorted(v) for b, v in diffed.by_block.items()} == {b: sorted(v) for b, v in built.by_block.items()}
    assert touched  # the blocks that changed are named
    for block in range(positions.block_count):
        assert diffed.entries(block) == built.entries(block)
    # Removing every coding one delta at a time leaves an empty index.
    diffed.apply_delta(removed=[s.coding_id for s in second])
    assert diffed.spans == {} and diffed.by_block == {}
    assert all(diffed.entries(b) == [] for b in range(positions.block_count))


def test_a_span_on_only_a_line_break_marks_the_paragraph_without_characters():
    positions = TextPositions(TEXT)
    nl = TEXT.index("\n")
    index = CodingIndex(positions)
    index.update([Span(1, 1, nl, nl + 1)])
    assert index.entries(0) == [(positions.to_qt(nl), positions.to_qt(nl), 1, 1)]
