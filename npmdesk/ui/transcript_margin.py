"""The viewer's left margin: paragraph numbers and one coloured stripe per code (as MAXQDA draws).

Paints only the blocks between the first visible one and the bottom of the viewport.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

STRIPE = 5
MAX_STRIPES = 8


class TranscriptMargin(QWidget):
    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.setObjectName("transcriptMargin")

    def stripes_width(self) -> int:
        return MAX_STRIPES * STRIPE + 6

    def numbers_width(self) -> int:
        digits = len(str(max(1, len(self.view.paragraph_numbers))))
        return self.fontMetrics().horizontalAdvance("9") * (digits + 1) + 4

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.numbers_width() + self.stripes_width(), 0)

    def visible_blocks(self):
        """(block number, top, bottom) for each block on screen."""
        view = self.view
        block = view.firstVisibleBlock()
        offset = view.contentOffset()
        height = view.viewport().height()
        while block.isValid():
            geo = view.blockBoundingGeometry(block).translated(offset)
            if geo.top() > height:
                break
            if block.isVisible():
                yield block.blockNumber(), int(geo.top()), int(geo.bottom())
            block = block.next()

    def paintEvent(self, event) -> None:  # noqa: N802
        view = self.view
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(event.rect(), pal.window())
        blocks = list(self.visible_blocks())
        index = view.index
        order = view.code_order
        codes_by_block = {n: index.codes_on_block(n) for n, _, _ in blocks} if index else {}
        on_screen = sorted({c for cs in codes_by_block.values() for c in cs}, key=lambda c: order.get(c, c))
        column = {c: i for i, c in enumerate(on_screen[:MAX_STRIPES])}
        x0 = self.numbers_width()
        number_color = pal.placeholderText().color()
        painter.setPen(number_color)
        fm_h = self.fontMetrics().height()
        for n, top, bottom in blocks:
            painter.setPen(number_color)
            number = view.paragraph_numbers.get(n)
            if number is not None:
                painter.drawText(QRect(0, top, x0 - 6, fm_h), Qt.AlignmentFlag.AlignRight, str(number))
            codes = codes_by_block.get(n, ())
            for c in codes:
                col = column.get(c)
                if col is None:
                    continue
                painter.fillRect(QRect(x0 + col * STRIPE, top, STRIPE - 1, max(1, bottom - top)),
                                 view.formats_color(c))
            if len(codes) > len([c for c in codes if c in column]):
                painter.setPen(pal.text().color())
                painter.drawText(QRect(x0, top, self.stripes_width(), fm_h), Qt.AlignmentFlag.AlignRight, "+")
        painter.end()
