"""Code points <-> UTF-16 units: the one conversion between npmdesk offsets and Qt positions.

npmdesk stores offsets as Python str indices (code points). Qt counts UTF-16 code units, so every
character outside the Basic Multilingual Plane (emoji, some CJK) counts two there. The map keeps
the sorted positions of those characters and answers each conversion with one bisect, so a
million-character transcript converts in O(log n) instead of being rescanned.
"""

from bisect import bisect_left, bisect_right


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF: the stored form every offset refers to."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Utf16Map:
    __slots__ = ("_astral_cp", "_astral_ends_u16", "length", "length_u16")

    def __init__(self, text: str):
        astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._astral_cp = astral
        # UTF-16 index just past each astral character's surrogate pair.
        self._astral_ends_u16 = [cp + k + 2 for k, cp in enumerate(astral)]
        self.length = len(text)
        self.length_u16 = len(text) + len(astral)

    @property
    def astral_positions(self) -> list[int]:
        """Sorted code point offsets of the characters that count two in UTF-16 (do not modify)."""
        return self._astral_cp

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code point index `cp` (0 <= cp <= len(text))."""
        if not 0 <= cp <= self.length:
            raise IndexError(f"code point offset {cp} outside 0..{self.length}")
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code point index of UTF-16 position `u16`.

        A position inside a surrogate pair (which Qt never yields from a cursor) rounds down to
        the start of that character.
        """
        if not 0 <= u16 <= self.length_u16:
            raise IndexError(f"UTF-16 offset {u16} outside 0..{self.length_u16}")
        before = bisect_right(self._astral_ends_u16, u16)
        cp = u16 - before
        if before < len(self._astral_cp) and self._astral_cp[before] < cp:
            cp = self._astral_cp[before]  # inside a surrogate pair
        return cp

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)

    def span_to_codepoints(self, start: int, end: int) -> tuple[int, int]:
        return self.to_codepoint(start), self.to_codepoint(end)
