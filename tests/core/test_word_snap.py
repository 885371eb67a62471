"""The reader's word snap (core/word_snap.py): whole words, no stray punctuation, whole graphemes."""

from __future__ import annotations

import pytest

from npmdesk.core.word_snap import snap_to_words


def snapped(text: str, sub: str, trim_left: int = 0, trim_right: int = 0) -> str:
    """Select `sub` (shortened by trim_left/right characters inside) and return what is kept."""
    at = text.index(sub)
    a, b = snap_to_words(text, at + trim_left, at + len(sub) - trim_right)
    return text[a:b]


@pytest.mark.parametrize("text, sub, left, right, expected", [
    ("The second-years were there.", "second-years were", 3, 0, "second-years were"),
    ("The second-years were there.", "The second-y", 0, 0, "The second-years"),
    ("I said we're fine here", "said we", 0, 0, "said we're"),
    ("Well, l’école is near", "Well, l’é", 0, 0, "Well, l’école"),
    ("It was: And a clearer view", ": And a clearer", 0, 0, "And a clearer"),
    ("it went sideways — and then", "it went sideways —", 0, 0, "it went sideways"),
    ("it went sideways, and then", "went sideways, ", 0, 0, "went sideways"),
    ("Teaching it consolidated it. Then", "Teaching it consolidated it.", 0, 0,
     "Teaching it consolidated it."),
    ("She said “We can do it” and left", "“We can do it” ", 0, 0, "“We can do it”"),
    ("Costs 3.5 or 1,000 units", "sts 3.5 or 1,0", 0, 0, "Costs 3.5 or 1,000"),
    ("  spaces around  ", "  spaces around  ", 0, 0, "spaces around"),
])
def test_reader_words(text, sub, left, right, expected):
    assert snapped(text, sub, left, right) == expected


def test_inside_one_word_is_kept():
    text = "mentorship matters"
    assert snap_to_words(text, 0, 6) == (0, 6)  # "mentor": a deliberate part of a word
    assert snap_to_words(text, 3, 8) == (3, 8)


def test_only_punctuation_gives_nothing():
    text = "yes — no"
    a, b = snap_to_words(text, 3, 6)
    assert a == b


def test_emoji_with_modifiers_and_joiners_stay_whole():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # a ZWJ sequence
    thumbs = "\U0001f44d\U0001f3fd"  # emoji + skin tone
    text = f"we {family} laughed {thumbs} ok"
    at = text.index(family)
    a, b = snap_to_words(text, 0, at + 1)  # cut inside the sequence
    assert text[a:b] == f"we {family}"
    at = text.index(thumbs)
    a, b = snap_to_words(text, at - 4, at + 1)  # cut between the emoji and its modifier
    assert text[a:b] == f"laughed {thumbs}"


def test_combining_marks_are_never_cut():
    text = "cafe\u0301 au lait"  # é as e + combining acute
    a, b = snap_to_words(text, 0, 4)  # ends between e and its accent
    assert text[a:b] == "cafe\u0301"
    a, b = snap_to_words(text, 2, 8)
    assert text[a:b] == "cafe\u0301 au"


def test_rtl_words():
    hebrew = "אמרה: שָׁלוֹם לכולם —"
    at = hebrew.index("שָׁלוֹם")
    a, b = snap_to_words(hebrew, at - 2, len(hebrew))
    assert hebrew[a:b] == "שָׁלוֹם לכולם"
    arabic = "قالت مَرحَبًا بالجميع."
    at = arabic.index("مَرحَبًا")
    a, b = snap_to_words(arabic, at + 2, len(arabic))
    assert arabic[a:b] == "مَرحَبًا بالجميع."


def test_reversed_and_out_of_range():
    text = "one two three"
    assert snap_to_words(text, 9, 2) == (0, 13)
    assert snap_to_words(text, -5, 100) == (0, 13)
