"""Word list numbering as text: '• ' for bullets, '1. ', 'a) ', 'iv. ' for numbered items.

Word stores only a format per list level and counts at display time, so the counting is redone
here, paragraph by paragraph in body order, as Word does it."""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


MAX_LETTERED = 9_999  # past this a letter or roman label would be kilobytes long: decimal instead


def format_number(fmt: str, n: int) -> str:
    if not 0 < n <= MAX_LETTERED:  # a crafted start value must not make every label a megabyte
        return str(n)
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class ListCounter:
    def __init__(self, formats: dict, style_numbering: dict):
        self.formats = formats  # numId -> {ilvl: (numFmt, lvlText, start)}
        self.style_numbering = style_numbering  # styleId -> (numId, ilvl)
        self.counts: dict[str, list[int]] = {}

    def prefix(self, p) -> str:
        num_id, ilvl = self._numbering_of(p)
        if num_id is None or num_id == "0":
            return ""
        levels = self.formats.get(num_id, {})
        fmt, text, start = levels.get(ilvl, ("bullet", "", 1))
        if fmt == "bullet" or fmt == "none":
            return "• " if fmt == "bullet" else ""
        counts = self.counts.setdefault(num_id, [0] * 9)
        ilvl = max(0, min(ilvl, 8))
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        label = text or f"%{ilvl + 1}."
        for level in range(9):
            token = f"%{level + 1}"
            if token in label:
                lvl_fmt, _, lvl_start = levels.get(level, ("decimal", "", 1))
                label = label.replace(token, format_number(lvl_fmt, counts[level] or lvl_start))
        return label + " "

    def _numbering_of(self, p) -> tuple[str | None, int]:
        ppr = p.find(_w("pPr"))
        if ppr is None:
            return None, 0
        num_pr = ppr.find(_w("numPr"))
        if num_pr is not None:
            num_id = num_pr.find(_w("numId"))
            ilvl = num_pr.find(_w("ilvl"))
            return (num_id.get(_w("val")) if num_id is not None else None,
                    _int(ilvl.get(_w("val")) if ilvl is not None else "0"))
        style = ppr.find(_w("pStyle"))
        if style is not None:
            return self.style_numbering.get(style.get(_w("val")), (None, 0))
        return None, 0


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
