"""Colours codings and emphasises speaker labels, one paragraph at a time.

QSyntaxHighlighter only touches formats (never the document or its undo stack) and is asked for a
block only when that block must be re-laid out, so cost follows what changes, not the document
size. Overlapping codings are blended (and darkened a little per extra layer) so that two codes on
the same words look different from either alone; the margin stripes say exactly which codes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

from npmdesk.ui.coding_index import CodingIndex, segments


def blend(colors: list[QColor]) -> QColor:
    r = sum(c.red() for c in colors) / len(colors)
    g = sum(c.green() for c in colors) / len(colors)
    b = sum(c.blue() for c in colors) / len(colors)
    shade = 0.88 ** (len(colors) - 1)
    return QColor(int(r * shade), int(g * shade), int(b * shade))


class CodingHighlighter(QSyntaxHighlighter):
    def __init__(self, document, index: CodingIndex, colors: dict[int, str], labels: dict[int, tuple[int, int]]):
        super().__init__(document)
        self.index = index
        self.labels = labels  # block -> (start, end) of the speaker label, UTF-16 units in the block
        self._formats: dict[tuple[int, ...], QTextCharFormat] = {}
        self._label_format = QTextCharFormat()
        self._label_format.setFontWeight(QFont.Weight.Bold)
        self.colors: dict[int, QColor] = {}
        self.set_colors(colors)

    def set_colors(self, colors: dict[int, str]) -> None:
        self.colors = {cid: QColor(c) for cid, c in colors.items()}
        self._formats.clear()

    def _format(self, codes: tuple[int, ...]) -> QTextCharFormat:
        fmt = self._formats.get(codes)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend([self.colors.get(c, QColor("#cccccc")) for c in codes]))
            # Code colours are light: dark text stays readable on them in light and dark themes.
            fmt.setForeground(QColor("#111111"))
            if len(codes) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(QColor("#333333"))
            self._formats[codes] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock().blockNumber()
        label = self.labels.get(block)
        if label is not None:
            self.setFormat(label[0], label[1] - label[0], self._label_format)
        for a, b, codes in segments(self.index.entries(block)):
            fmt = self._format(codes)
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

    def rehighlight_blocks(self, blocks) -> None:
        doc = self.document()
        for n in sorted(blocks):
            block = doc.findBlockByNumber(n)
            if block.isValid():
                self.rehighlightBlock(block)
