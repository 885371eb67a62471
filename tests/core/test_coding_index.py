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


def _same(a: CodingIndex, b: CodingIndex) -> None:
    assert a.spans == b.spans
    assert {k: sorted(v) for k, v in a.by_block.items() if v} == {k: sorted(v) for k, v in b.by_block.items() if v}
    for block in range(b.positions.block_count):
        assert a.entries(block) == b.entries(block)


def test_positions_for_is_text_positions():
    from npmdesk.core.coding_index import positions_for

    for text in (TEXT, "", "ascii only\nlines\n", "😀\n\n😀x\u2029y", TEXT * 3):
        fast, ref = positions_for(text), TextPositions(text)
        assert (fast.block_starts, fast.block_starts_u16, fast.length) == (ref.block_starts, ref.block_starts_u16,
                                                                          ref.length)
        assert fast.map.astral_positions == ref.map.astral_positions
        assert [fast.to_qt(i) for i in range(len(text) + 1)] == [ref.to_qt(i) for i in range(len(text) + 1)]
        assert fast.map.length_u16 == ref.map.length_u16


def test_fill_from_columns_is_a_fresh_build_sorted_or_not():
    from npmdesk.core.coding_index import SpanColumns

    positions = TextPositions(TEXT)
    spans = random_spans(300, 5)
    for order in (sorted(spans, key=lambda s: (s.start, s.end)), spans):
        cols = SpanColumns([s.coding_id for s in order], [s.code_id for s in order], [s.start for s in order],
                           [s.end for s in order], [1] * len(order))
        filled, built = CodingIndex(positions), CodingIndex(positions)
        assert filled.fill(cols) == built.update(order)
        _same(filled, built)


def test_sorted_columns_are_cut_into_the_same_paragraph_lists_in_the_same_order():
    """fill's list-operation path for sorted columns (_blocks_of_sorted) lists each paragraph's
    codings exactly as the walk does, order included: empty codings, line breaks only, codings
    running past the text, across many paragraphs, empty paragraphs."""
    from npmdesk.core.coding_index import _blocks_of_any, _blocks_of_sorted, positions_for

    rnd = random.Random(12)
    for _ in range(400):
        text = "".join(rnd.choice(("ab ", "😀", "\n", "\n\n", "\u2029", "word ")) for _ in range(rnd.randrange(1, 80)))
        rows = []
        for cid in range(rnd.randrange(0, 80)):
            a = rnd.randrange(0, len(text) + 3)
            rows.append((a, a + rnd.choice((0, 1, 2, 5, 40, 400)), cid + 1))
        rows.sort()
        starts = positions_for(text).block_starts
        ids, cs, ends = [r[2] for r in rows], [r[0] for r in rows], [r[1] for r in rows]
        walked, cut = _blocks_of_any(starts, ids, cs, ends), _blocks_of_sorted(starts, ids, cs, ends)
        assert list(cut.items()) == list(walked.items()), (text, rows)


def test_a_text_edit_moves_the_index_as_a_fresh_build_of_the_moved_codings():
    from npmdesk.core.coding_index import positions_for
    from npmdesk.core.text_edits import apply_edits

    rnd = random.Random(9)
    for _ in range(200):
        spans = random_spans(80, rnd.randrange(1000))
        a = rnd.randrange(len(TEXT))
        b = min(len(TEXT), a + rnd.choice((0, 1, 3, 30)))
        new_text, mapping = apply_edits(TEXT, [(a, b, rnd.choice(("", "x", "😀\n", "\n\nab")))])
        moved = CodingIndex(TextPositions(TEXT))
        moved.update(spans)
        for block in range(moved.positions.block_count):
            moved.entries(block)  # the cache is kept where the edit did not reach
        new = positions_for(new_text)
        new_end = a + (len(new_text) - len(TEXT)) + (b - a)
        touched = moved.apply_text_edit(new, a, b, new_end, mapping)
        assert touched == set(range(new.block_of(a), new.block_of(new_end) + 1))
        expected = []
        for s in spans:
            m = mapping.span(s.start, s.end)
            if m is not None:
                expected.append(Span(s.coding_id, s.code_id, *m))
        fresh = CodingIndex(new)
        fresh.update(expected)
        _same(moved, fresh)


def test_sync_from_columns_is_a_diff():
    from npmdesk.core.coding_index import SpanColumns

    positions = TextPositions(TEXT)
    first, second = random_spans(200, 7), random_spans(150, 8)
    second = second[:100] + [s._replace(start=max(0, s.start - 1)) for s in second[100:]]
    synced, built = CodingIndex(positions), CodingIndex(positions)
    synced.update(first)
    cols = SpanColumns([s.coding_id for s in second], [s.code_id for s in second], [s.start for s in second],
                       [s.end for s in second], [1] * len(second))
    assert synced.sync(cols)
    built.update(second)
    _same(synced, built)
    assert synced.sync(cols) == set()  # nothing left to change


def _columns(spans):
    from npmdesk.core.coding_index import SpanColumns

    return SpanColumns([s.coding_id for s in spans], [s.code_id for s in spans], [s.start for s in spans],
                       [s.end for s in spans], [1] * len(spans))


def _recounted(index: CodingIndex) -> dict[int, int]:
    out: dict[int, int] = {}
    for s in index.spans.values():
        out[s.code_id] = out.get(s.code_id, 0) + 1
    return out


def test_codings_per_code_are_kept_by_every_change_and_the_version_moves_with_them():
    """code_count (what the margin asks after every coding) is kept, not recounted: after fill,
    update, sync, sync_window, apply_delta and apply_text_edit it is a fresh count's, and the
    version changes with every change of the held codings and with nothing else."""
    from npmdesk.core.coding_index import positions_for
    from npmdesk.core.text_edits import apply_edits

    rnd = random.Random(11)
    for trial in range(60):
        index = CodingIndex(positions_for(TEXT))
        spans = random_spans(120, trial)
        if trial % 2:
            index.fill(_columns(sorted(spans, key=lambda s: (s.start, s.end))))
        else:
            index.update(spans)
        if trial % 3:
            assert index.code_count() == len(_recounted(index))  # counted from here on
        text = TEXT
        for _step in range(8):
            version = index.version
            op = rnd.randrange(5)
            held = list(index.spans.values())
            if op == 0 and held:  # one command's delta: some removed, some added or moved
                gone = [s.coding_id for s in rnd.sample(held, min(len(held), rnd.randrange(4)))]
                added = [Span(1000 + rnd.randrange(50), rnd.randrange(1, 9), a, a + rnd.randrange(1, 30))
                         for a in (rnd.randrange(len(text) - 31) for _ in range(rnd.randrange(4)))]
                index.apply_delta(added, gone)
                changed = bool(gone or added)
            elif op == 1:  # a diff against other codings
                new = random_spans(rnd.randrange(20, 120), rnd.randrange(1000))
                new = [s for s in new if s.end <= len(text)]
                changed = bool(index.sync(_columns(new))) or dict(index.spans) != {}
            elif op == 2:  # the same codings again: nothing changes
                index.sync(_columns(sorted(held, key=lambda s: (s.start, s.end))))
                changed = False
            elif op == 3:  # a window of the text synced with its stored codings (here: fewer codes)
                lo = rnd.randrange(len(text))
                hi = min(len(text), lo + 40)
                inside = [s._replace(code_id=s.code_id % 3 + 1) for s in held if s.end >= lo and s.start <= hi]
                index.sync_window(lo, hi, _columns(inside[: len(inside) // 2]))
                changed = bool(inside)
            else:  # an edit of the text: codings inside a deleted stretch go
                a = rnd.randrange(len(text))
                b = min(len(text), a + rnd.choice((0, 1, 30, 80))) if len(text) > 120 else a
                new_text, _mapping = apply_edits(text, [(a, b, rnd.choice(("", "x", "\n")) or "abc" * (a == b))])
                new_end = a + (len(new_text) - len(text)) + (b - a)
                index.apply_text_edit(positions_for(new_text), a, b, new_end)
                text = new_text
                changed = True
            assert index.code_count() == len(_recounted(index))
            assert index.code_counts() == _recounted(index)
            asked = {rnd.randrange(1, 10), 99}  # (99: a code no coding has, as a code just made)
            assert index.blocks_of_codes(asked) == {b for s in index.spans.values() if s.code_id in asked
                                                    for b in index._blocks(s)}
            if not changed:
                assert index.version == version
            elif op != 1:
                assert index.version != version
    # Removing everything leaves no code.
    index.apply_delta(removed=list(index.spans))
    assert index.code_count() == 0 and index.code_counts() == {}


def test_positions_after_an_edit_are_those_of_the_edited_text_measured_afresh():
    """The viewer measures an edited text incrementally (only the replacement is scanned): for
    random edits with line breaks, paragraph separators, emoji and combining marks at and around
    the edges, the result equals a fresh measurement, block by block and astral by astral."""
    import random

    from npmdesk.core.coding_index import positions_after_edit, positions_for

    rng = random.Random(5)
    alphabet = ["a", "b", " ", "\n", "\u2029", "😀", "é", "e\u0301", "𝄞", "\n\n"]
    text = "".join(rng.choice(alphabet) for _ in range(300))
    positions = positions_for(text)
    for _ in range(2000):
        start = rng.randrange(0, len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 2, 5, 30]))
        middle = "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 1, 2, 6])))
        new_text = text[:start] + middle + text[end:]
        got = positions_after_edit(positions, new_text, start, end, start + len(middle))
        want = positions_for(new_text)
        assert (got.block_starts, got.block_starts_u16, got.length, got.map.astral_positions,
                got.map._astral_ends_u16, got.map.length_u16) == (
            want.block_starts, want.block_starts_u16, want.length, want.map.astral_positions,
            want.map._astral_ends_u16, want.map.length_u16), (start, end, middle)
        text, positions = new_text, got
