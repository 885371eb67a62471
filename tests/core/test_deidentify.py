"""Pseudonym rules: whole words, any case, any script; the longer term wins; spans are code points."""

import pytest
from hypothesis import given, strategies as st

from npmdesk.core.deidentify import Deidentifier, Rule, apply, deidentify_text, find_replacements


def test_whole_words_any_case_and_longest_wins():
    rules = [Rule("Mercy", "[hospital]"), Rule("Mercy Hospital", "[hospital]"), Rule("Ann", "P-01")]
    text = "Ann went to Mercy Hospital. Annual leave at mercy; Joanne and ANN."
    spans = find_replacements(text, rules)
    assert [text[s:e] for s, e, _ in spans] == ["Ann", "Mercy Hospital", "mercy", "ANN"]
    assert apply(text, spans) == "P-01 went to [hospital]. Annual leave at [hospital]; Joanne and P-01."


def test_a_longer_match_starting_later_beats_a_shorter_earlier_one():
    rules = [Rule("John Smith", "[name]"), Rule("Smith Memorial Hospital", "[hospital]")]
    assert deidentify_text("John Smith Memorial Hospital", rules) == "John [hospital]"


def test_whitespace_inside_a_term_matches_any_run_and_line_breaks():
    assert deidentify_text("at St  Mary's\nHospital.", [Rule("St Mary's Hospital", "[hospital]")]) == \
        "at [hospital]."


def test_unicode_word_boundaries_and_code_point_offsets():
    text = "😀 José met Zoë; Zoëlle stayed. مرحبا سلمى, e\u0301tude"
    rules = [Rule("zoë", "P-2"), Rule("josé", "P-1"), Rule("سلمى", "P-3")]
    spans = find_replacements(text, rules)
    assert [text[s:e] for s, e, _ in spans] == ["José", "Zoë", "سلمى"]
    assert spans[0][0] == 2  # the emoji is one code point
    assert deidentify_text(text, rules) == "😀 P-1 met P-2; Zoëlle stayed. مرحبا P-3, e\u0301tude"


def test_no_rules_or_no_match_leaves_the_text_alone():
    assert find_replacements("anything", []) == []
    assert Deidentifier([])("Ann") == "Ann"
    assert not Deidentifier([])
    assert find_replacements("Annual", [Rule("Ann", "x")]) == []


def test_apply_refuses_overlapping_spans():
    with pytest.raises(ValueError):
        apply("abcdef", [(0, 3, "x"), (2, 4, "y")])


@given(st.lists(st.sampled_from(["Ann", "Bo", "Ann Lee", "Lee", "ж", "Zoë"]), min_size=1, max_size=4),
       st.lists(st.sampled_from(["Ann", "Lee", "Bo", " ", ".", "Annie", "zoë", "ЖЖ", "ж", "\n", "😀"]),
                max_size=30))
def test_spans_are_sorted_disjoint_whole_words(terms, pieces):
    text = "".join(pieces)
    rules = [Rule(t, f"<{i}>") for i, t in enumerate(terms)]
    spans = find_replacements(text, rules)
    folded = {" ".join(t.split()).casefold() for t in terms}
    last = 0
    for s, e, _ in spans:
        assert last <= s < e <= len(text)
        assert " ".join(text[s:e].split()).casefold() in folded
        assert not (s > 0 and text[s - 1].isalnum()) and not (e < len(text) and text[e].isalnum())
        last = e
    out = apply(text, spans)
    assert len(out) == len(text) + sum(len(r) - (e - s) for s, e, r in spans)
