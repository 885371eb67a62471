"""Which unit a REFI-QDA file counts text positions in, and exact conversion to npmdesk offsets.

The standard counts Unicode code points from 0 in the plain-text file (so CRLF is two). Real files
disagree: NVivo for Windows counts UTF-16 code units (an emoji is two, CRLF two); ATLAS.ti counts
CRLF as one. On plain ASCII with LF endings all of these agree; on text with CRLF or characters
outside the BMP they differ, and only one of them puts every selection's boundaries where a person
would have put them. So the `origin` attribute is only a hint: each candidate is scored on the
selections themselves (the selected text when a tool stores it as the selection's name, broken
CRLF pairs or surrogate pairs, boundaries inside words) and the best one wins.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from npmdesk.core.offsets import Utf16Map, normalise_newlines

CODEPOINTS = "codepoints"
UTF16 = "utf16"
CODEPOINTS_LF = "codepoints-crlf-as-one"
UTF16_LF = "utf16-crlf-as-one"
UNITS = (CODEPOINTS, UTF16, CODEPOINTS_LF, UTF16_LF)
LABELS = {
    CODEPOINTS: "Unicode code points (the REFI-QDA standard)",
    UTF16: "UTF-16 code units with CRLF as two (as NVivo for Windows writes)",
    CODEPOINTS_LF: "code points with CRLF as one (as ATLAS.ti writes)",
    UTF16_LF: "UTF-16 code units with CRLF as one",
}

_WS = re.compile(r"\s+")
_ELLIPSIS = ("...", "…")


def unit_hint(origin: str | None) -> str:
    """The unit the exporting program is known to use, from Project/@origin."""
    o = (origin or "").lower()
    if o.startswith("npmdesk"):
        return CODEPOINTS
    if "nvivo" in o and "mac" not in o:
        return UTF16
    if "atlas" in o:
        return CODEPOINTS_LF
    return CODEPOINTS


class PositionMapper:
    """Converts positions in one source's raw plain text to offsets into its stored (LF) text."""

    def __init__(self, raw: str):
        self.raw = raw
        self.text = normalise_newlines(raw)
        # Index of every CR that starts a CRLF pair: each one before a position shifts it by one.
        self._crlf = [m.start() for m in re.finditer("\r\n", raw)] if "\r" in raw else []
        self._raw16 = Utf16Map(raw)
        self._text16 = Utf16Map(self.text) if self._crlf else self._raw16

    @property
    def ambiguous(self) -> bool:
        """True when the candidate units can disagree on this text."""
        return bool(self._crlf) or self._raw16.length_u16 != self._raw16.length

    def convert(self, unit: str, pos: int) -> tuple[int, bool] | None:
        """(offset into the stored text, clean) or None if out of range. Not clean: the position
        falls between CR and LF or inside a surrogate pair (it is rounded down)."""
        clean = True
        if unit in (UTF16, UTF16_LF):
            table = self._raw16 if unit == UTF16 else self._text16
            if not 0 <= pos <= table.length_u16:
                return None
            cp = table.to_codepoint(pos)
            clean = table.to_utf16(cp) == pos
        else:
            cp = pos
        if unit in (CODEPOINTS_LF, UTF16_LF):
            return (cp, clean) if 0 <= cp <= len(self.text) else None
        if not 0 <= cp <= len(self.raw):
            return None
        k = bisect_left(self._crlf, cp)  # CRLF pairs whose CR lies before cp
        if k and self._crlf[k - 1] == cp - 1:
            clean = False  # between CR and LF
        return cp - k, clean

    def span(self, unit: str, start: int, end: int) -> tuple[int, int] | None:
        """A clean, non-empty [start, end) in stored-text offsets, or None."""
        a, b = self.convert(unit, start), self.convert(unit, end)
        if a is None or b is None or not (a[1] and b[1]) or b[0] <= a[0]:
            return None
        return a[0], b[0]


@dataclass(frozen=True)
class UnitChoice:
    unit: str
    evidence: str

    @property
    def label(self) -> str:
        return LABELS[self.unit]


def choose_unit(mapper: PositionMapper, selections: list[tuple[int, int, str]], origin: str | None) -> UnitChoice:
    """Pick the unit whose reading of (start, end, name) selections lines up best with the text."""
    hint = unit_hint(origin)
    if not mapper.ambiguous or not selections:
        why = "every unit agrees on this text" if not mapper.ambiguous else "no selections to check"
        return UnitChoice(hint if mapper.ambiguous else CODEPOINTS, why)
    if (origin or "").lower().startswith("npmdesk"):
        return UnitChoice(CODEPOINTS, "written by npmdesk, which counts code points as the standard says")
    readings = {unit: tuple(mapper.span(unit, s, e) for s, e, _ in selections) for unit in UNITS}
    # Boundaries inside words happen in real coding too, so another unit must beat the hint on
    # them by a clear margin; matching names and intact spans count first and without a margin.
    margin = max(2, len(selections) // 5)
    best, best_key, best_score = None, None, None
    for unit in (hint, *UNITS):  # the hint first: it wins every tie
        spans = readings[unit]
        named = sum(_name_matches(mapper.text, sp, name) for sp, (_, _, name) in zip(spans, selections))
        intact = sum(sp is not None for sp in spans)
        sensible = sum(_sensible(mapper.text, sp) for sp in spans if sp is not None)
        key = (named, intact, sensible - (0 if unit == hint else margin))
        if best_key is None or key > best_key:
            best, best_key, best_score = unit, key, (named, intact, sensible)
    assert best is not None and best_score is not None  # the loop ran: UNITS is never empty
    named, intact, sensible = best_score
    n = len(selections)
    evidence = (f"{named} of {n} selection names match the text, {intact} of {n} selections "
                f"are intact, {sensible} of {2 * n} boundaries fall between words")
    return UnitChoice(best, evidence)


def _name_matches(text: str, span, name: str) -> bool:
    """Some tools store the selected text (or its start) as the selection's name."""
    if span is None:
        return False
    want = _WS.sub(" ", name or "").strip()
    for e in _ELLIPSIS:
        want = want.removesuffix(e).rstrip()
    if len(want) < 4:
        return False
    got = _WS.sub(" ", text[span[0]:span[1]]).strip()
    return got == want or got.startswith(want)


def _sensible(text: str, span) -> int:
    """How many of the span's two ends do not cut through a word."""
    start, end = span
    ok = int(start == 0 or not (text[start - 1].isalnum() and text[start].isalnum()))
    ok += int(end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum()))
    return ok
