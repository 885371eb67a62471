"""Colours codings and emphasises speaker labels, one paragraph at a time.

QSyntaxHighlighter only touches formats (never the document or its undo stack) and is asked for a
block only when that block must be re-laid out, so cost follows what changes, not the document
size. Overlapping codings are blended (and darkened a little per extra layer) so that two codes on
the same words look different from either alone; the margin stripes say exactly which codes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

from npmdesk.core.coding_index import CodingIndex, segments


def blend(colors: list[tuple[int, int, int]]) -> QColor:
    n = len(colors)
    r = g = b = 0
    for cr, cg, cb in colors:
        r += cr
        g += cg
        b += cb
    shade = 0.88 ** (n - 1) / n
    return QColor(int(r * shade), int(g * shade), int(b * shade))


class FormatCache:
    """Blended formats by combination of codes; kept by the viewer across documents, because
    building a QTextCharFormat costs more than colouring a whole paragraph with a cached one."""

    def __init__(self):
        self.rgb: dict[int, tuple[int, int, int]] = {}
        self.formats: dict[tuple[int, ...], QTextCharFormat] = {}

    def set_colors(self, colors: dict[int, str]) -> set[int]:
        """Take new code colours; return the codes whose colour changed."""
        rgb = {}
        for cid, c in colors.items():
            q = QColor(c)
            rgb[cid] = (q.red(), q.green(), q.blue())
        changed = {c for c in set(rgb) | set(self.rgb) if rgb.get(c) != self.rgb.get(c)}
        if changed:
            self.formats = {k: f for k, f in self.formats.items() if not changed.intersection(k)}
        self.rgb = rgb
        return changed

    def get(self, codes: tuple[int, ...]) -> QTextCharFormat:
        fmt = self.formats.get(codes)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend([self.rgb.get(c, (204, 204, 204)) for c in codes]))
            # Code colours are light: dark text stays readable on them in light and dark themes.
            fmt.setForeground(QColor("#111111"))
            if len(codes) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(QColor("#333333"))
            self.formats[codes] = fmt
        return fmt


class CodingHighlighter(QSyntaxHighlighter):
    def __init__(self, document, index: CodingIndex, cache: FormatCache, labels: dict[int, tuple[int, int]]):
        super().__init__(document)
        self.index = index
        self.cache = cache
        self.labels = labels  # block -> (start, end) of the speaker label, UTF-16 units in the block
        # Blocks whose codings are not coloured yet (a heavy transcript is coloured where it is
        # shown first, then the rest a few paragraphs at a time; see TranscriptView).
        self.pending: set[int] = set()
        self._label_format = QTextCharFormat()
        self._label_format.setFontWeight(QFont.Weight.Bold)

    @property
    def colors(self) -> dict[int, QColor]:
        return {cid: QColor(*rgb) for cid, rgb in self.cache.rgb.items()}

    def color(self, code_id: int) -> QColor:
        return QColor(*self.cache.rgb.get(code_id, (153, 153, 153)))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock().blockNumber()
        label = self.labels.get(block)
        if label is not None:
            self.setFormat(label[0], label[1] - label[0], self._label_format)
        if block in self.pending:
            return
        for a, b, codes in segments(self.index.entries(block)):
            fmt = self.cache.get(codes)
            if label is not None and a < label[1]:
                # Keep the label bold where a coding covers it.
                bold = QTextCharFormat(fmt)
                bold.setFontWeight(QFont.Weight.Bold)
                cut = min(b, label[1])
                self.setFormat(a, cut - a, bold)
                if cut < b:
                    self.setFormat(cut, b - cut, fmt)
            else:
                self.setFormat(a, b - a, fmt)

    def complete(self, blocks) -> None:
        """Colour these blocks now if they were still waiting."""
        todo = self.pending.intersection(blocks)
        if todo:
            self.pending -= todo
            self.rehighlight_blocks(todo)

    def rehighlight_blocks(self, blocks) -> None:
        doc = self.document()
        for n in sorted(blocks):
            block = doc.findBlockByNumber(n)
            if block.isValid():
                self.rehighlightBlock(block)
