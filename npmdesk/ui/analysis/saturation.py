"""The saturation chart: bars of new codes per transcript in interview order, with the running
total of distinct codes as a line. Drawn with QPainter (no chart library) and exportable as PNG."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from npmdesk.core.saturation import guest_saturation
from npmdesk.core.model import ExcerptFilter
from npmdesk.ui.analysis.common import ask_save_path

BAR = QColor("#2a9d8f")
LINE = QColor("#e76f51")
AXIS = QColor("#444444")
GRID = QColor("#e3e3e3")


def _nice_step(maximum: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if maximum / step <= 8:
            return step
    return max(1, maximum // 8)


class SaturationChart(QWidget):
    """Paints a list of SaturationPoint. Click a bar: `document_clicked(document_id)`."""

    document_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("saturationChart")
        self.points: list = []
        self.setMinimumSize(420, 120)  # readable at 120 px; taller would push a 768-px laptop off screen
        self._bars: list[tuple[QRectF, int]] = []

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(720, 360)

    def set_points(self, points) -> None:
        self.points = list(points)
        self.setToolTip("")
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def paint(self, p: QPainter, area: QRectF) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(area, QColor("white"))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        p.setFont(font)
        fm = p.fontMetrics()
        self._bars = []
        if not self.points:
            p.setPen(AXIS)
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "No transcripts yet.")
            return
        top_total = max(pt.total_codes for pt in self.points) or 1
        step = _nice_step(top_total)
        y_max = ((top_total + step - 1) // step) * step
        left = area.left() + fm.horizontalAdvance(str(y_max)) + 44
        right = area.right() - 16
        top = area.top() + 34
        bottom = area.bottom() - fm.height() * 2 - 24
        plot = QRectF(QPointF(left, top), QPointF(right, bottom))
        p.setPen(AXIS)
        p.drawText(QRectF(area.left(), area.top() + 6, area.width(), fm.height() + 4), Qt.AlignmentFlag.AlignHCenter,
                   "New codes per transcript (bars) and distinct codes so far (line)")

        def y_of(v: float) -> float:
            return plot.bottom() - plot.height() * v / y_max

        for v in range(0, y_max + 1, step):
            y = y_of(v)
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(AXIS)
            p.drawText(QRectF(area.left(), y - fm.height() / 2, left - area.left() - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(v))
        n = len(self.points)
        slot = plot.width() / n
        bar_w = max(1.0, slot * 0.6)
        label_every = max(1, int(fm.horizontalAdvance("00") * 1.6 / slot) + 1)
        line = []
        for i, pt in enumerate(self.points):
            cx = plot.left() + slot * (i + 0.5)
            rect = QRectF(cx - bar_w / 2, y_of(pt.new_codes), bar_w, plot.bottom() - y_of(pt.new_codes))
            p.fillRect(rect, BAR)
            self._bars.append((QRectF(cx - slot / 2, plot.top(), slot, plot.height()), i))
            line.append(QPointF(cx, y_of(pt.total_codes)))
            if i % label_every == 0:
                p.setPen(AXIS)
                p.drawText(QRectF(cx - slot * label_every / 2, plot.bottom() + 4, slot * label_every, fm.height()),
                           Qt.AlignmentFlag.AlignHCenter, str(i + 1))
        p.setPen(QPen(LINE, 2))
        for a, b in zip(line, line[1:]):
            p.drawLine(a, b)
        p.setBrush(LINE)
        for pt in line if n <= 60 else ():
            p.drawEllipse(pt, 3, 3)
        p.setPen(QPen(AXIS, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 8, plot.width(), fm.height() + 4),
                   Qt.AlignmentFlag.AlignHCenter, "Transcripts in interview order")

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pt = self._point_at(event.position())
        self.setToolTip("" if pt is None else
                        f"{pt.position}. {pt.document}: {pt.new_codes} new, {pt.total_codes} so far"
                        + (f"\nNew: {', '.join(pt.new_code_paths[:12])}" if pt.new_code_paths else ""))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pt = self._point_at(event.position())
        if pt is not None:
            self.document_clicked.emit(pt.document_id)

    def _point_at(self, pos):
        for rect, i in self._bars:
            if rect.contains(pos):
                return self.points[i]
        return None

    def to_image(self, size: QSize | None = None) -> QImage:
        size = size or QSize(1200, 600)
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        return image


class SaturationView(QWidget):
    """The chart with a summary line and "Export PNG…". Clicking a bar asks for the excerpts of the
    codes that were new in that transcript (`cell_excerpts_requested(ExcerptFilter)`)."""

    cell_excerpts_requested = Signal(object)

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.setObjectName("saturationView")
        self.project = project
        self.chart = SaturationChart(self)
        self.summary = QLabel(objectName="saturationSummary")
        self.summary.setWordWrap(True)
        self.export = QPushButton("Export PNG…", objectName="saturationExportPng")
        self.export.clicked.connect(lambda: self.export_png())
        self.chart.document_clicked.connect(self._open_document)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.chart, 1)
        self.refresh()

    def set_project(self, project) -> None:
        self.project = project
        self.refresh()

    def refresh(self) -> None:
        points = self.project.saturation() if self.project else []
        self.chart.set_points(points)
        if not points:
            self.summary.setText("No transcripts yet.")
            return
        last_new = max((i for i, pt in enumerate(points) if pt.new_codes), default=-1)
        tail = len(points) - 1 - last_new
        rule = guest_saturation([pt.new_codes for pt in points])
        self.summary.setText(
            f"{points[-1].total_codes} codes over {len(points)} transcripts. "
            + (f"The last {tail} transcript(s) added no new code." if last_new >= 0 and tail else
               "The last transcript still added new codes." if last_new >= 0 else "Nothing coded yet.")
            + " Order follows the document list (interview order). " + rule.statement())
        self.summary.setToolTip(rule.rule())

    def _open_document(self, doc_id: int) -> None:
        point = next((pt for pt in self.chart.points if pt.document_id == doc_id), None)
        if point is None or not point.new_codes:
            return
        ids = tuple(c.id for c in self.project.codes() if c.path in set(point.new_code_paths))
        self.cell_excerpts_requested.emit(ExcerptFilter(code_ids=ids, document_ids=(doc_id,)))

    def export_png(self, path: str | None = None) -> str | None:
        path = path or ask_save_path(self, "Export saturation chart", "saturation.png", "PNG images (*.png)")
        if not path:
            return None
        if not self.chart.to_image().save(path, "PNG"):
            self.summary.setText(f"Could not write {path}")
            return None
        return path
