"""Extended grapheme clusters (what a reader sees as one character), after Unicode UAX #29.

Some tools count REFI-QDA positions in user-perceived characters: an emoji with a skin tone, a
family emoji joined by ZWJ, a flag, 'e' + combining acute, CRLF are each one. Python's str counts
code points, so the import needs the cluster boundaries to convert such positions exactly.

The rules implemented are GB3-GB13 and GB999 of UAX #29 (CRLF, controls, Hangul syllables,
Extend and ZWJ, SpacingMark, emoji ZWJ sequences, regional-indicator pairs). Properties come from
`unicodedata` (general categories) plus the fixed code point ranges of Hangul jamo, regional
indicators, emoji modifiers and Extended_Pictographic (the emoji blocks, as listed in
emoji-data.txt, merged into ranges). Prepend (GB9b) and the Indic conjunct rule (GB9c) are not
applied: neither changes a boundary in the scripts transcripts are written in here, and a
position that lands differently is still detected as not fitting.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress
from bisect import bisect_left

_OTHER, _CR, _LF, _CONTROL, _EXTEND, _ZWJ, _RI, _SPACING, _L, _V, _T, _LV, _LVT, _PICT = range(14)

# Extended_Pictographic, merged into ranges (emoji-data.txt, Unicode 15).
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
    (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA), (0x231A, 0x231B), (0x2328, 0x2328),
    (0x2388, 0x2388), (0x23CF, 0x23CF), (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2),
    (0x25AA, 0x25AB), (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2605),
    (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712), (0x2714, 0x2714),
    (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721), (0x2728, 0x2728), (0x2733, 0x2734),
    (0x2744, 0x2744), (0x2747, 0x2747), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755),
    (0x2757, 0x2757), (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0),
    (0x27BF, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
    (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
    (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F),
    (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D),
    (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F), (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F),
    (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)
_PICT_STARTS = [a for a, _ in _PICTOGRAPHIC]


def _is_pictographic(cp: int) -> bool:
    i = bisect_left(_PICT_STARTS, cp + 1) - 1
    return i >= 0 and _PICTOGRAPHIC[i][0] <= cp <= _PICTOGRAPHIC[i][1]


def _category(ch: str) -> int:
    cp = ord(ch)
    if cp < 0x80:  # the common case, without a table look-up
        if ch == "\r":
            return _CR
        if ch == "\n":
            return _LF
        return _CONTROL if cp < 0x20 or cp == 0x7F else _OTHER
    if cp == 0x200D:
        return _ZWJ
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return _RI
    if 0x1F3FB <= cp <= 0x1F3FF or cp == 0x200C or 0xE0020 <= cp <= 0xE007F:
        return _EXTEND  # emoji modifiers, ZWNJ, emoji tag characters
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return _L
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return _V
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return _T
    if 0xAC00 <= cp <= 0xD7A3:
        return _LV if (cp - 0xAC00) % 28 == 0 else _LVT
    if _is_pictographic(cp):
        return _PICT
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me"):
        return _EXTEND
    if cat == "Mc":
        return _SPACING
    if cat in ("Cc", "Zl", "Zp", "Cs") or (cat == "Cf" and cp not in (0x200C, 0x200D)):
        return _CONTROL
    return _OTHER


def _joins(prev: int, cur: int, pict_zwj: bool, ri_odd: bool) -> bool:
    """No break between two characters of these categories (GB3-GB13)."""
    if prev == _CR and cur == _LF:
        return True  # GB3
    if prev in (_CR, _LF, _CONTROL) or cur in (_CR, _LF, _CONTROL):
        return False  # GB4, GB5
    if prev == _L and cur in (_L, _V, _LV, _LVT):
        return True  # GB6
    if prev in (_LV, _V) and cur in (_V, _T):
        return True  # GB7
    if prev in (_LVT, _T) and cur == _T:
        return True  # GB8
    if cur in (_EXTEND, _ZWJ, _SPACING):
        return True  # GB9, GB9a
    if prev == _ZWJ and cur == _PICT and pict_zwj:
        return True  # GB11
    return prev == _RI and cur == _RI and ri_odd  # GB12, GB13


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def grapheme_starts(text: str) -> list[int]:
    """The code point offset where each grapheme cluster starts, then len(text): cluster k is
    text[starts[k]:starts[k + 1]].

    Between two ASCII characters there is always a boundary except inside CRLF, and an ASCII
    character never joins what precedes it, so the rules run only over the runs of other
    characters (each with the character before it): a transcript of a million characters with
    accents and emoji takes a fraction of a second."""
    if not text:
        return [0]
    joined = {m.start() + 1 for m in re.finditer("\r\n", text)}  # GB3
    for m in _NOT_ASCII.finditer(text):
        a, b = m.span()
        first = max(a - 1, 0)
        joined.update(_joined_in(text, first, b))
    keep = bytearray(b"\x01") * len(text)
    for i in joined:
        keep[i] = 0
    starts = list(compress(range(len(text)), keep))
    starts.append(len(text))
    return starts


def _joined_in(text: str, first: int, stop: int) -> list[int]:
    """Indices in (first, stop) that do not start a cluster; text[first] is ASCII or the text's
    first character, so no state carries in from before it."""
    out = []
    prev = _category(text[first])
    in_pict = prev == _PICT  # inside Extended_Pictographic Extend* (for GB11)
    pict_zwj = False  # ... and the ZWJ just seen follows such a run
    ri_run = 1 if prev == _RI else 0
    for i in range(first + 1, stop):
        cur = _category(text[i])
        if _joins(prev, cur, pict_zwj, ri_run % 2 == 1):
            out.append(i)
        pict_zwj = cur == _ZWJ and in_pict
        if cur == _PICT:
            in_pict = True
        elif cur not in (_EXTEND, _ZWJ):
            in_pict = False
        ri_run = ri_run + 1 if cur == _RI else 0
        prev = cur
    return out


def graphemes(text: str) -> list[str]:
    """The text split into extended grapheme clusters."""
    s = grapheme_starts(text)
    return [text[a:b] for a, b in zip(s, s[1:])]
