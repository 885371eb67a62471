"""Paragraph numbers as the researcher sees them: each line that has text is a paragraph, blank
separator lines are not counted. The viewer's margin and every report's "¶ 12–14" use this one
numbering, so a source line in Word points at what the window shows."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

# The one line-break rule: LF, and U+2029 where a transcript has one. Qt starts a new block at both
# (U+2028 stays inside a line), so the viewer's blocks, paragraph numbers, speaker labels and
# `npmdesk show` all split the text here.
LINE_BREAK = re.compile("[\n\u2029]")


class Paragraphs:
    def __init__(self, text: str):
        self.breaks: list[int] = [m.start() for m in LINE_BREAK.finditer(text)]
        self.length = len(text)
        starts = [0] + [b + 1 for b in self.breaks]
        ends = self.breaks + [len(text)]
        self.filled = [bool(text[a:b].strip()) for a, b in zip(starts, ends)]
        self.upto: list[int] = []  # paragraphs among lines 0..i
        n = 0
        for filled in self.filled:
            n += filled
            self.upto.append(n)

    def line_of(self, offset: int) -> int:
        return bisect_left(self.breaks, offset)

    def span(self, line: int) -> tuple[int, int]:
        """[start, end) of a line, without its break."""
        start = self.breaks[line - 1] + 1 if line else 0
        return start, self.breaks[line] if line < len(self.breaks) else self.length

    def numbered(self) -> Iterator[tuple[int, int, int]]:
        """(paragraph number, start, end) of every line that has text, in order."""
        for line, filled in enumerate(self.filled):
            if filled:
                yield (self.upto[line], *self.span(line))

    def number(self, line: int) -> int | None:
        """The paragraph number of a line, or None for a blank line."""
        return self.upto[line] if self.filled[line] else None

    def range(self, start: int, end: int) -> tuple[int, int]:
        """First and last paragraph of [start, end): a passage starting on a blank line counts
        from the next paragraph; one ending on a blank line (or its break) at the one before."""
        first_line = self.line_of(start)
        last_line = self.line_of(max(start, end - 1))
        first = self.upto[first_line] + (0 if self.filled[first_line] else 1)
        last = max(self.upto[last_line], 1)
        total = self.upto[-1] if self.upto else 1
        first = min(max(first, 1), max(total, 1))
        return first, max(first, last)
