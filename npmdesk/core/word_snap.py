"""Snapping a mouse selection to words the way a reader sees them (pure; the viewer calls it).

A *word* is a run of letters, digits, combining marks and emoji (with their modifiers, variation
selectors and zero-width joiners), where hyphens and apostrophes between two word characters stay
inside the word ("second-years", "we're", "l’école") and so do "." and "," between two digits
("3.5", "1,000"). Offsets are code points of a Python str; direction (RTL) plays no part, since a
selection is a range of logical offsets.

`snap_to_words(text, start, end)`:
- a selection that lies inside one word is kept as it is (coding part of a word is deliberate);
- otherwise a cut word at either end is taken whole;
- spaces and stray punctuation are left out at both ends (": And a clearer…" → "And a clearer…",
  "…sideways —" → "…sideways"); an opening quote or bracket touching the first word is kept, and
  so are closing quotes, brackets and sentence-ending marks touching the last word ("it.", "no!”");
- a grapheme is never cut (a combining mark or an emoji modifier goes with its base).
"""

from __future__ import annotations

import unicodedata

JOINERS = frozenset("-\u2010\u2011'\u2019\u02bc")  # hyphen, hyphen, non-breaking hyphen, apostrophes
DIGIT_JOINERS = frozenset(".,")
OPENERS = frozenset("\"'“‘«‹([{¿¡")
CLOSERS_END = frozenset(".!?…\"'”’»›)]}")
ZWJ = "\u200d"


def is_word_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LNM" or cat in ("So", "Sk", "Sc") or ch == ZWJ


def _is_extender(ch: str) -> bool:
    """A character that belongs to the grapheme before it (never the start of a word)."""
    cat = unicodedata.category(ch)
    return cat[0] == "M" or ch == ZWJ or "\U0001f3fb" <= ch <= "\U0001f3ff" or "\ufe00" <= ch <= "\ufe0f"


def _inner(text: str, i: int) -> bool:
    """Is text[i] a joiner that sits inside a word (between two word characters)?"""
    ch = text[i]
    if 0 < i < len(text) - 1:
        before, after = text[i - 1], text[i + 1]
        if ch in JOINERS:
            return is_word_char(before) and is_word_char(after)
        if ch in DIGIT_JOINERS:
            return before.isdigit() and after.isdigit()
    return False


def in_word(text: str, i: int) -> bool:
    """Is the character at offset i part of a word?"""
    return 0 <= i < len(text) and (is_word_char(text[i]) or _inner(text, i))


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    n = len(text)
    start, end = max(0, min(start, end)), min(n, max(start, end))
    if start >= end:
        return start, start
    # Keep whole graphemes first: a cut just before a combining mark moves past it.
    while start > 0 and start < n and _is_extender(text[start]):
        start -= 1
    while end < n and _is_extender(text[end]):
        end += 1
    inside_one_word = all(in_word(text, i) for i in range(start, end))
    if inside_one_word:
        return start, end
    # Take a cut word whole.
    while start > 0 and in_word(text, start) and in_word(text, start - 1):
        start -= 1
    while end < n and in_word(text, end - 1) and in_word(text, end):
        end += 1
    # Leave out what is not words at both ends, except quotes and marks touching a word.
    while start < end and not in_word(text, start):
        if text[start] in OPENERS and start + 1 < end and in_word(text, start + 1):
            break
        start += 1
    while end > start and not in_word(text, end - 1):
        k = end - 1
        while k > start and text[k - 1] in CLOSERS_END and not in_word(text, k - 1):
            k -= 1
        # text[k:end] is a run of closing marks; keep it only if it touches a word.
        if text[end - 1] in CLOSERS_END and k > start and in_word(text, k - 1):
            break
        end -= 1
    if start >= end:
        return start, start
    return start, end
