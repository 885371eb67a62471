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

from npmdesk.core.graphemes import grapheme_starts
from npmdesk.core.offsets import Utf16Map, normalise_newlines

CODEPOINTS = "codepoints"
UTF16 = "utf16"
CODEPOINTS_LF = "codepoints-crlf1"
UTF16_LF = "utf16-crlf1"
GRAPHEMES = "graphemes"
UNITS = (CODEPOINTS, UTF16, CODEPOINTS_LF, UTF16_LF, GRAPHEMES)
LABELS = {
    CODEPOINTS: "Unicode code points (the REFI-QDA standard)",
    UTF16: "UTF-16 code units with CRLF as two (as NVivo for Windows writes)",
    CODEPOINTS_LF: "code points with CRLF as one (as ATLAS.ti writes)",
    UTF16_LF: "UTF-16 code units with CRLF as one",
    GRAPHEMES: "grapheme clusters (user-perceived characters: an emoji with skin tone, CRLF, é are one each)",
}

_WS = re.compile(r"\s+")
_ELLIPSIS = ("...", "…")


def unit_hint(origin: str | None) -> str:
    """The unit the exporting program is known to use, from Project/@origin."""
    o = (origin or "").lower()
    if o.startswith("npmdesk"):
        # npmdesk names the convention it wrote for a target tool: "npmdesk 1.2; positions=utf16".
        m = re.search(r"positions=([a-z0-9-]+)", o)
        return m.group(1) if m and m.group(1) in UNITS else CODEPOINTS
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
        self._clusters: list[int] | None = None  # grapheme starts in the stored text, when first asked

    @property
    def ambiguous(self) -> bool:
        """True when the candidate units can disagree on this text."""
        return bool(self._crlf) or self._raw16.length_u16 != self._raw16.length or self._has_clusters()

    def _has_clusters(self) -> bool:
        """True when some grapheme cluster is longer than one code point (CRLF aside)."""
        return not self.text.isascii() and len(self.graphemes) - 1 != len(self.text)

    @property
    def graphemes(self) -> list[int]:
        if self._clusters is None:
            self._clusters = grapheme_starts(self.text)
        return self._clusters

    def convert(self, unit: str, pos: int) -> tuple[int, bool] | None:
        """(offset into the stored text, clean) or None if out of range. Not clean: the position
        falls between CR and LF or inside a surrogate pair (it is rounded down)."""
        clean = True
        if unit == GRAPHEMES:  # CRLF is one cluster, as LF is: counted on the stored text
            starts = self.graphemes
            return (starts[pos], True) if 0 <= pos < len(starts) else None
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
    warning: str = ""  # non-empty when the evidence is weak or mixed: the reading may be wrong
    alternatives: tuple[str, ...] = ()  # other units that read the selections differently

    @property
    def label(self) -> str:
        return LABELS[self.unit]


def choose_unit(mapper: PositionMapper, selections: list[tuple[int, int, str]], origin: str | None,
                forced: str | None = None) -> UnitChoice:
    """Pick the unit whose reading of (start, end, name) selections lines up best with the text.

    `forced` (the user's choice) is taken as given; its evidence is still measured and said."""
    hint = unit_hint(origin)
    if not selections:
        return UnitChoice(forced or hint, "no selections to check")
    if not mapper.ambiguous:
        why = "every unit agrees on this text"
        unit = forced or CODEPOINTS
        return UnitChoice(unit, why if not forced else f"chosen by you; {why}")
    readings = {unit: tuple(mapper.span(unit, s, e) for s, e, _ in selections) for unit in UNITS}
    scores = {unit: _score(mapper.text, readings[unit], selections) for unit in UNITS}
    n = len(selections)
    if forced:
        return UnitChoice(forced, "chosen by you; " + _evidence(scores[forced], n),
                          alternatives=tuple(u for u in UNITS if readings[u] != readings[forced]))
    if origin and origin.lower().startswith("npmdesk"):
        return UnitChoice(hint, "written by npmdesk, which names the convention it wrote")
    # Boundaries inside words happen in real coding too, so another unit must beat the hint on
    # them by a clear margin; matching names and intact spans count first and without a margin.
    margin = max(2, n // 5)
    best, best_key = hint, None
    for unit in (hint, *UNITS):  # the hint first: it wins every tie
        named, intact, sensible = scores[unit]
        key = (named, intact, sensible - (0 if unit == hint else margin))
        if best_key is None or key > best_key:
            best, best_key = unit, key
    named, intact, sensible = scores[best]
    others = tuple(u for u in UNITS if readings[u] != readings[best])
    warning = _warning(best, scores, readings, n, origin, hint)
    return UnitChoice(best, _evidence(scores[best], n), warning, others)


def _score(text: str, spans, selections) -> tuple[int, int, int]:
    named = sum(_name_matches(text, sp, name) for sp, (_, _, name) in zip(spans, selections))
    intact = sum(sp is not None for sp in spans)
    sensible = sum(_sensible(text, sp) for sp in spans if sp is not None)
    return named, intact, sensible


def _evidence(score: tuple[int, int, int], n: int) -> str:
    named, intact, sensible = score
    return (f"{named} of {n} selection names match the text, {intact} of {n} selections "
            f"are intact, {sensible} of {2 * n} boundaries fall between words")


def _warning(best: str, scores, readings, n: int, origin: str | None, hint: str) -> str:
    """Why the chosen reading may be wrong, or '' when the evidence is clear."""
    named, intact, sensible = scores[best]
    differing = [u for u in UNITS if readings[u] != readings[best]]
    if not differing:
        return ""
    problems = []
    if intact < n:
        problems.append(f"{n - intact} of {n} selections do not fit the text when read so")
    if sensible < 2 * intact * 3 // 4:
        problems.append(f"only {sensible} of {2 * intact} boundaries fall between words (no counting convention "
                        "fits well: positions may count a byte-order mark or use a convention npmdesk does not know)")
    rivals = [u for u in differing if scores[u][:2] == (named, intact) and abs(scores[u][2] - sensible) <= 1]
    if rivals:
        problems.append("as well read as " + " or ".join(LABELS[u] for u in rivals))
    if n < 3 and not named and not _names_a_tool(origin):
        problems.append(f"only {n} selection(s) to judge by and the file names no tool whose convention is known")
    if not problems:
        return ""
    return (f"positions read as {LABELS[best]}, but the evidence is weak: " + "; ".join(problems)
            + f" ({_evidence(scores[best], n)}). Check a few codings, or choose with --positions "
            + "|".join(UNITS))


def _names_a_tool(origin: str | None) -> bool:
    o = (origin or "").lower()
    return any(t in o for t in ("nvivo", "atlas", "maxqda", "qualcoder", "quirkos", "taguette", "qc ", "npmdesk",
                                "dedoose", "transana", "f4analyse"))


def preview(mapper: PositionMapper, selections: list[tuple[int, int, str]], units=UNITS, limit: int = 3,
            width: int = 60) -> dict[str, list[str]]:
    """For each unit, the text of the first few selections whose reading differs between units
    (or the first few at all), so a person can see which convention puts them on sensible text."""
    picks = [i for i, (s, e, _) in enumerate(selections)
             if len({mapper.span(u, s, e) for u in units}) > 1][:limit] or list(range(min(limit, len(selections))))
    out: dict[str, list[str]] = {}
    for unit in units:
        shown = []
        for i in picks:
            s, e, _ = selections[i]
            span = mapper.span(unit, s, e)
            if span is None:
                shown.append(f"{s}-{e}: (does not fit the text)")
                continue
            a, b = span
            got = " ".join(mapper.text[a:b].split())
            if len(got) > width:
                got = got[: width - 1] + "…"
            shown.append(f"{s}-{e}: “{got}”")
        out[unit] = shown
    return out


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
