"""The one place where npmdesk offsets (code points) meet Qt positions (UTF-16 units).

A QPlainTextEdit filled with `setPlainText(text)` from the stored, LF-normalised text has one block
per line and counts every character outside the BMP as two positions. Everything in ui/ that turns
a cursor into a span, or a span into a cursor, goes through `TextPositions`.
"""

from __future__ import annotations

from bisect import bisect_right

from npmdesk.core.offsets import Utf16Map
from npmdesk.core.paragraphs import LINE_BREAK  # Qt's block breaks: LF and U+2029


class TextPositions:
    """Code point <-> Qt position conversion and block (paragraph) lookup for one document text."""

    __slots__ = ("map", "block_starts", "block_starts_u16", "length")

    def __init__(self, text: str):
        self.map = Utf16Map(text)
        self.length = len(text)
        self.block_starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
        self.block_starts_u16 = [self.map.to_utf16(s) for s in self.block_starts]

    def to_qt(self, cp: int) -> int:
        return self.map.to_utf16(cp)

    def to_cp(self, qt: int) -> int:
        return self.map.to_codepoint(qt)

    def span_from_qt(self, a: int, b: int) -> tuple[int, int]:
        """A Qt selection (anchor, position in any order) as a code-point span [start, end)."""
        lo, hi = (a, b) if a <= b else (b, a)
        return self.to_cp(lo), self.to_cp(hi)

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.map.span_to_utf16(start, end)

    @property
    def block_count(self) -> int:
        return len(self.block_starts)

    def block_of(self, cp: int) -> int:
        """The block (0-based paragraph number) that holds code point `cp`."""
        return bisect_right(self.block_starts, cp) - 1

    def block_span(self, block: int) -> tuple[int, int]:
        """[start, end) of a block's text in code points, without its line break."""
        start = self.block_starts[block]
        end = self.block_starts[block + 1] - 1 if block + 1 < len(self.block_starts) else self.length
        return start, end
