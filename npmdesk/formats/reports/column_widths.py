"""Table column widths from their content, for the Word reports: each column at least its longest
word (a header word never breaks), the rest shared by how much text a column holds."""

from __future__ import annotations

from collections.abc import Sequence

# A run is (text, props); props keys: b, i, color ("rrggbb"), shd ("rrggbb"), sz (half-points).
Run = tuple[str, dict]


class Indented(list):
    """Runs of one cell paragraph indented by `level` steps: a wrapped sub-code name keeps its indent."""

    def __init__(self, runs: list[Run], level: int = 0):
        super().__init__(runs)
        self.level = level


Cell = str | list[str | list[Run]]  # a string, or paragraphs (each a string, runs or Indented runs)
INDENT_TWIPS = 220  # one tree level inside a table cell
NUMBER_HEADER_SCALE = 0.9  # headers of number columns a size smaller: "Participants" over "12" needs less room


def _paras_text(cell: Cell) -> list[str]:
    if isinstance(cell, str):
        return cell.split("\n")
    return [line for p in cell for line in (p if isinstance(p, str) else "".join(t for t, _ in p)).split("\n")]


def _bold_ems(word: str) -> float:
    """The width of a bold word in ems, at least 0.66 a character; capitals ~0.82 (N, M, W are
    nearly an em wide in DejaVu Sans Bold, the fallback for Calibri)."""
    return max(len(word) * 0.66, sum(0.82 if c.isupper() else 0.66 for c in word))


def natural_widths(header: list[str], rows: Sequence[Sequence[Cell]], em: int,
                   small_header_from: int | None = None) -> tuple[list[int], list[int]]:
    """(least, wanted) width of each column in twips: the least fits its longest word (a header
    word never breaks), the wanted one its typical line (up to a cap)."""
    char = em * 0.55  # an average character of Calibri/Carlito, in twips
    pad = 240  # cell margins
    mins, wants = [], []
    for i, h in enumerate(header):
        lines = [line for r in rows for line in _paras_text(r[i])]
        words = [w for line in lines for w in line.split()] + h.split()
        indent = max((p.level for r in rows if isinstance(r[i], list) for p in r[i] if isinstance(p, Indented)),
                     default=0) * INDENT_TWIPS
        longest_word = max((len(w) for w in words), default=1)
        head_word = max((_bold_ems(w) for w in h.replace("\n", " ").split(" ") if w), default=0.66)  # not at U+00A0
        # A bold header word in a wide fallback font (DejaVu Sans where Calibri is missing) takes
        # ~0.66 em a character, capitals more: it must never break ("Participa/nts", "NPM-/1").
        head_em = em * NUMBER_HEADER_SCALE if small_header_from is not None and i >= small_header_from else em
        mins.append(int(max(head_word * head_em, min(longest_word, 18) * char)) + pad + indent)
        lengths = sorted(len(line) for line in lines) or [0]
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0  # the 90th percentile, not the outlier
        wants.append(int(max(min(typical, 60) * char + pad + indent, mins[-1])))
    return mins, wants


def content_widths(header: list[str], rows: Sequence[Sequence[Cell]], total: int, em: int,
                   fixed: dict[int, float] | None = None, small_header_from: int | None = None) -> list[int]:
    """Column widths in twips, by content: each column at least its longest word (header words
    never break), number-like columns no wider than that, and the width left shared among the
    text columns by how much text they hold (up to a cap, so one long cell does not starve the rest)."""
    mins, wants = natural_widths(header, rows, em, small_header_from)
    fixed = fixed or {}
    cols = [0] * len(header)
    for i, share in fixed.items():
        cols[i] = int(total * share)
    free = [i for i in range(len(header)) if i not in fixed]
    room = total - sum(cols)
    if sum(wants[i] for i in free) <= room:  # everything fits on one line: spread the slack over text
        extra = room - sum(wants[i] for i in free)
        text_cols = [i for i in free if wants[i] > mins[i]] or free
        weight = sum(wants[i] for i in text_cols) or 1
        for i in free:
            cols[i] = int(wants[i] + (extra * wants[i] / weight if i in text_cols else 0))
    else:
        base = sum(mins[i] for i in free)
        spare = max(room - base, 0)
        growth = sum(wants[i] - mins[i] for i in free) or 1
        for i in free:
            cols[i] = int(mins[i] + spare * (wants[i] - mins[i]) / growth)
        if base > room:  # too many columns even at their minimum: shrink all alike
            cols = [int(c * room / sum(cols)) for c in cols]
    return cols
