"""The passage around a span that a reader would call its sentence or its paragraph.

Used to "spread" a search hit to its enclosing unit before coding it, and to show context before
and after an excerpt. Pure functions over the document text; offsets are code points, [start, end).

A paragraph is a line (paragraphs.LINE_BREAK), without surrounding whitespace. A sentence ends after
".", "!", "?" or "…" (with any closing quotes or brackets) followed by whitespace, or at the end of its
paragraph; a sentence never crosses a paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from npmdesk.core.paragraphs import LINE_BREAK, Paragraphs

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _line(text: str, offset: int) -> tuple[int, int]:
    a = offset
    while a > 0 and not LINE_BREAK.match(text[a - 1]):
        a -= 1
    b = offset
    while b < len(text) and not LINE_BREAK.match(text[b]):
        b += 1
    return a, b


def paragraph_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraphs [start, end) touches, from the first one's start to the last one's end."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    a, _ = _line(text, start)
    _, b = _line(text, max(start, end - 1) if end > start else start)
    s, e = _strip(text, a, b)
    return (s, e) if e > s else (start, end)


def _sentences(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The sentences of text[a:b] (one paragraph), stripped."""
    out, begin = [], a
    for m in _SENTENCE_END.finditer(text, a, b):
        out.append(_strip(text, begin, m.end()))
        begin = m.end()
    if begin < b:
        out.append(_strip(text, begin, b))
    return [s for s in out if s[1] > s[0]]


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of the sentence [start, end) begins in to the end of the one it ends in."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    last = max(start, end - 1) if end > start else start
    pa, _ = _line(text, start)
    _, pb = _line(text, last)
    s, e = start, end
    for a, b in _sentences(text, pa, pb):
        if a <= start < b or (start < a and s == start):
            s = min(s, a)
        if a <= last < b:
            e = max(e, b)
    return s, max(s, e)


def context_before(text: str, start: int, unit: str) -> tuple[int, int]:
    """The sentence or paragraph ("sentence" / "paragraph") just before `start`: [a, start)."""
    if start <= 0:
        return 0, 0
    if unit == "paragraph":
        a, _ = _line(text, start)
        if not text[a:start].strip():  # the passage starts its paragraph: the previous one
            prev = a - 1
            while prev > 0 and not text[prev - 1:prev].strip():
                prev -= 1
            if prev <= 0:
                return 0, 0
            a, _ = _line(text, prev - 1)
        return a, start
    a, _ = _line(text, start)
    sentences = [s for s in _sentences(text, a, start) if s[1] <= start]
    if not sentences:
        return context_before(text, a, "sentence") if a > 0 else (0, 0)
    return sentences[-1][0], start


def context_after(text: str, end: int, unit: str) -> tuple[int, int]:
    """The sentence or paragraph just after `end`: [end, b)."""
    n = len(text)
    if end >= n:
        return n, n
    if unit == "paragraph":
        _, b = _line(text, end)
        if not text[end:b].strip():
            nxt = b
            while nxt < n and not text[nxt].strip():
                nxt += 1
            if nxt >= n:
                return end, end
            _, b = _line(text, nxt)
        return end, b
    _, b = _line(text, end)
    sentences = _sentences(text, end, b)
    if not sentences:  # the passage ends its paragraph: the next paragraph's first sentence
        nxt = b
        while nxt < n and not text[nxt].strip():
            nxt += 1
        if nxt >= n:
            return end, end
        _, nb = _line(text, nxt)
        following = _sentences(text, nxt, nb)
        return end, following[0][1] if following else nb
    return end, sentences[0][1]


CONTEXT_UNITS = ("none", "paragraph", "turn")


class ExcerptContext:
    """The one rule for the context shown around an excerpt (the retrieval page and the coded-excerpts
    report both use it): "none"; "paragraph", the rest of its paragraph(s) and the paragraph each
    side (blank lines skipped); or "turn", the rest of its speaker turn(s) (paragraphs where the
    document has no turns). `turns` are the document's (start, end) spans, sorted by start. Lines
    and turns are found by bisection, never by scanning."""

    def __init__(self, text: str, turns: list[tuple[int, int]] | None = None, numbers: Paragraphs | None = None):
        self.text = text
        self._numbers = numbers
        self._turns = turns or []
        self._starts = [t[0] for t in self._turns]

    @property
    def numbers(self) -> Paragraphs:
        if self._numbers is None:
            self._numbers = Paragraphs(self.text)
        return self._numbers

    def span(self, start: int, end: int, unit: str) -> tuple[int, int]:
        """[a, b) around the passage [start, end): the context is text[a:start] and text[end:b]."""
        if unit not in CONTEXT_UNITS:
            raise ValueError(f"unknown context {unit!r} (use {', '.join(CONTEXT_UNITS)})")
        if unit == "none":
            return start, end
        if unit == "turn" and self._turns:
            first = self._turns[max(0, bisect_right(self._starts, start) - 1)]
            last = self._turns[max(0, bisect_right(self._starts, max(start, end - 1)) - 1)]
            return min(first[0], start), max(last[1], end)
        numbers = self.numbers
        first_line, last_line = numbers.line_of(start), numbers.line_of(max(start, end - 1))
        before, after = first_line - 1, last_line + 1  # the nearest lines with text each side
        while before >= 0 and not numbers.filled[before]:
            before -= 1
        while after < len(numbers.filled) and not numbers.filled[after]:
            after += 1
        a = numbers.span(before)[0] if before >= 0 else numbers.span(first_line)[0]
        b = numbers.span(after)[1] if after < len(numbers.filled) else numbers.span(last_line)[1]
        return min(a, start), max(b, end)

    def around(self, start: int, end: int, unit: str) -> tuple[str, str]:
        """The text before and after the passage under `unit`."""
        a, b = self.span(start, end, unit)
        return self.text[a:start], self.text[end:b]
