"""The edit arithmetic: new text, and every span moved by the rule that keeps the coded words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npmdesk.core.text_edits import EditError, apply_edits, check_edits, diff_edit, inverse_edits

# Emoji (non-BMP), combining marks, right-to-left script, text that came from CRLF (stored as LF).
ALPHABET = list("ab \n") + ["😀", "👩‍⚕️"[0], "e\u0301"[1], "م", "ر", "ח", "\u200f", "é", "‍"]
texts = st.lists(st.sampled_from(ALPHABET), min_size=0, max_size=40).map("".join)


@st.composite
def text_edits_spans(draw):
    text = draw(texts)
    n = len(text)
    points = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    edits = [(a, b, draw(texts.filter(lambda t: len(t) < 6))) for a, b in zip(points[::2], points[1::2])]
    spans = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)).filter(lambda p: p[0] < p[1]),
                          max_size=8))
    return text, edits, spans


def _word(c: str) -> bool:
    return c.isalnum()


def expected_text(text, edits, s, e):
    """What a span must read after the batch, computed character by character: its own surviving
    characters, plus each replacement that replaced some of them (or sits strictly inside it),
    plus new text at its edge that continues its first or last word (the last such edit before
    it, the first after it)."""
    edits = [(a, b, r) for a, b, r in edits if a != b or r]  # as check_edits: empty ones do nothing
    out = []
    at = s
    before = [(a, b, r) for a, b, r in edits if a <= s]  # the last edit beginning at or before it
    if before and before[-1][1] == s and before[-1][2] and s < len(text) and _word(text[s]) \
            and _word(before[-1][2][-1]):
        out.append(before[-1][2])
    tail = ""
    for a, b, r in edits:
        if b <= s and not (a == b and s < a):
            continue
        if a >= e:
            if a == e and r and e > 0 and _word(text[e - 1]) and _word(r[0]):
                tail = r
            break
        out.append(text[at:max(at, a)] if a > at else "")
        if a < b or s < a < e:  # a replacement over coded characters, or an insertion inside
            if max(a, s) < min(b, e) or s < a < e:
                out.append(r)
        at = max(at, b)
    out.append(text[at:e] if at < e else "")
    return "".join(out) + tail


@settings(max_examples=400, deadline=None)
@given(text_edits_spans())
def test_every_span_reads_what_the_arithmetic_predicts(case):
    text, edits, spans = case
    new, mapping = apply_edits(text, edits)
    for s, e in spans:
        moved = mapping.span(s, e)
        # Stable by position: two insertions at one offset keep their given order, as apply_edits does.
        want = expected_text(text, sorted(edits, key=lambda x: x[:2]), s, e)
        if moved is None:
            assert want == ""
        else:
            assert new[moved[0]:moved[1]] == want
            assert 0 <= moved[0] < moved[1] <= len(new)


def test_two_insertions_at_one_offset_keep_their_order():
    new, mapping = apply_edits("ab", [(1, 1, "z"), (1, 1, "c")])
    assert new == "azcb" and new[slice(*mapping.span(0, 2))] == "azcb"
    assert expected_text("ab", [(1, 1, "z"), (1, 1, "c")], 0, 2) == "azcb"


@settings(max_examples=300, deadline=None)
@given(text_edits_spans())
def test_inverse_restores_the_text_exactly(case):
    text, edits, _spans = case
    new, _mapping = apply_edits(text, edits)
    back, _ = apply_edits(new, inverse_edits(text, edits))
    assert back == text
    assert back.encode("utf-8") == text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_diff_edit_turns_one_text_into_the_other(old, new):
    edit = diff_edit(old, new)
    if edit is None:
        assert old == new
    else:
        assert apply_edits(old, [edit])[0] == new


def test_the_rule_before_after_overlapping_deleted():
    text = "one two three four five"
    # replace "three" (8:13) with "3"
    new, m = apply_edits(text, [(8, 13, "3")])
    assert new == "one two 3 four five"
    assert m.span(0, 3) == (0, 3)  # before: unchanged
    assert new[slice(*m.span(14, 18))] == "four"  # after: shifted
    assert new[slice(*m.span(4, 13))] == "two 3"  # overlapping: grown/shrunk, keeps its words
    assert new[slice(*m.span(10, 18))] == "3 four"
    assert new[slice(*m.span(8, 13))] == "3"  # the replaced word itself follows
    _new, m2 = apply_edits(text, [(7, 13, "")])
    assert m2.span(8, 13) is None  # all its text deleted: removed


def test_insertions_at_a_span_edge_stay_outside_unless_they_continue_its_word():
    new, m = apply_edits("abc def", [(4, 4, "- ")])
    assert new[slice(*m.span(4, 7))] == "def"  # at its start: the span shifts
    new, m = apply_edits("abc def", [(3, 3, ", ")])
    assert new[slice(*m.span(0, 3))] == "abc"  # at its end: the span stays
    new, m = apply_edits("abc def", [(1, 1, "Z")])
    assert new[slice(*m.span(0, 3))] == "aZbc"  # inside: it grows
    # A letter typed onto the coded word's end or in front of its first: part of the word.
    new, m = apply_edits("the valley and", [(10, 10, "s")])
    assert new[slice(*m.span(4, 10))] == "valleys"
    new, m = apply_edits("the alley and", [(4, 4, "v")])
    assert new[slice(*m.span(4, 9))] == "valley"
    # A typo fixed at the coding's end, as typed: Backspace, then the letters.
    text = "to the valley. Everybody"
    new, m = apply_edits(text, [(12, 13, "")])  # "valley" -> "valle"
    span = m.span(7, 13)
    new2, m2 = apply_edits(new, [(span[1], span[1], "ies")])
    assert new2[slice(*m2.span(*span))] == "valleies"
    # Typing over a selection that ends the coding: the words typed on stay whole.
    new, m = apply_edits(text, [(7, 24, "h")])
    span = m.span(0, 13)
    new2, m2 = apply_edits(new, [(span[1], span[1], "ills")])
    new3, m3 = apply_edits(new2, [(m2.span(*span)[1], m2.span(*span)[1], ". Everyone")])
    assert new3[slice(*m3.span(*m2.span(*span)))] == "to the hills"


@pytest.mark.parametrize("edits, message", [
    ([(5, 2, "")], "outside"), ([(0, 99, "")], "outside"), ([(-1, 2, "")], "outside"),
    ([(0, 4, ""), (3, 5, "")], "overlaps"),
])
def test_bad_batches_are_refused_clearly(edits, message):
    with pytest.raises(EditError, match=message):
        check_edits(10, edits)
