"""The matrix view: code x participant / document / attribute value / document kind, or code
co-occurrence, as a heat map. Double-click a cell for its excerpts; export as CSV."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.model import Matrix, split_path
from npmdesk.formats.reports.matrix_csv import format_cell, write_matrix_csv
from npmdesk.ui.analysis.common import ask_save_path, heat_color, text_color_on

AXES = (("Codes", "codes"), ("Participants", "participants"), ("Documents", "documents"),
        ("Interview / focus group", "kinds"))
MEASURES = (("Codings", "codings"), ("Participants", "participants"), ("Coverage", "coverage"))


class MatrixModel(QAbstractTableModel):
    """Read-only table over a `Matrix`; BackgroundRole paints the heat map."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix: Matrix | None = None
        self.heat = True
        self._max = 0.0

    def set_matrix(self, matrix: Matrix | None) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self._max = max((v for row in matrix.cells for v in row), default=0.0) if matrix else 0.0
        self.endResetModel()

    def set_heat(self, on: bool) -> None:
        self.heat = on
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.matrix is None else len(self.matrix.row_labels)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.matrix is None else len(self.matrix.col_labels)

    def _diagonal(self, index) -> bool:
        m = self.matrix
        assert m is not None  # asked only for cells that exist
        return m.measure == "co-occurrence" and m.row_ids[index.row()] == m.col_ids[index.column()]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.matrix is None:
            return None
        value = self.matrix.cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if self._diagonal(index):
                return "—"
            if self.matrix.measure == "coverage":
                return f"{value * 100:.1f} %" if value else ""
            return str(int(value)) if value else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and self.heat:
            bg = None if self._diagonal(index) else heat_color(value, self._max)
            return bg if role == Qt.ItemDataRole.BackgroundRole else text_color_on(bg)
        if role == Qt.ItemDataRole.ToolTipRole:
            m = self.matrix
            return (f"{m.row_labels[index.row()]} × {m.col_labels[index.column()]}: "
                    f"{format_cell(m, value)} ({m.measure}). Double-click for the excerpts.")
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.matrix is None:
            return None
        horizontal = orientation == Qt.Orientation.Horizontal
        labels = self.matrix.col_labels if horizontal else self.matrix.row_labels
        if section >= len(labels):
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return labels[section]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if horizontal and self.matrix.col_kind == "codes":  # full paths would make columns far too wide
            return split_path(labels[section])[-1]
        return labels[section]


class MatrixView(QWidget):
    """Pick the axes and the measure; the table follows. `cell_excerpts_requested(ExcerptFilter)`
    fires on double-click; `error(str)` when the store refuses a combination."""

    cell_excerpts_requested = Signal(object)
    error = Signal(str)

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.setObjectName("matrixView")
        self.project = project
        self.rows = QComboBox(objectName="matrixRows")
        self.cols = QComboBox(objectName="matrixCols")
        self.measure = QComboBox(objectName="matrixMeasure")
        for label, key in MEASURES:
            self.measure.addItem(label, key)
        self.themes = QCheckBox("Count sub-codes under their themes", objectName="matrixThemes")
        self.heat = QCheckBox("Heat map", objectName="matrixHeat", checked=True)
        self.export = QPushButton("Export CSV…", objectName="matrixExportCsv")
        self.status = QLabel(objectName="matrixStatus")
        self.table = QTableView(objectName="matrixTable")
        self.model = MatrixModel(self)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._open_cell)
        top = QHBoxLayout()
        for text, w in (("Rows", self.rows), ("Columns", self.cols), ("Measure", self.measure)):
            label = QLabel(text)
            label.setBuddy(w)
            top.addWidget(label)
            top.addWidget(w)
        top.addWidget(self.themes)
        top.addWidget(self.heat)
        top.addStretch(1)
        top.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._fill_axes()
        self.rows.setCurrentIndex(0)
        self.cols.setCurrentIndex(1)
        for combo in (self.rows, self.cols, self.measure):
            combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.themes.toggled.connect(lambda *_: self.refresh())
        self.heat.toggled.connect(self.model.set_heat)
        self.export.clicked.connect(lambda: self.export_csv())
        self.refresh()

    def _fill_axes(self) -> None:
        attrs = [a.name for a in self.project.attributes()] if self.project else []
        for combo in (self.rows, self.cols):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for label, key in AXES:
                combo.addItem(label, key)
            for name in attrs:
                combo.addItem(f"Attribute: {name}", f"attribute:{name}")
            i = combo.findData(current)
            if i >= 0:
                combo.setCurrentIndex(i)
            combo.blockSignals(False)

    def set_axes(self, rows: str, cols: str, measure: str = "codings") -> None:
        for combo, key in ((self.rows, rows), (self.cols, cols), (self.measure, measure)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(key)))
            combo.blockSignals(False)
        self.refresh()

    coder_ids: tuple[int, ...] | None = None  # only these coders' codings (View > Show codings by coder)

    def set_project(self, project) -> None:
        self.project = project
        self._fill_axes()
        self.refresh()

    def refresh(self) -> None:
        if self.project is None:
            self.model.set_matrix(None)
            return
        try:
            m = self.project.matrix(self.rows.currentData(), self.cols.currentData(), self.measure.currentData(),
                                    aggregate=self.themes.isChecked(), coder_ids=self.coder_ids)
        except NpmdeskError as e:
            self.model.set_matrix(None)
            self.status.setText(str(e))
            self.error.emit(str(e))
            return
        self.model.set_matrix(m)
        note = " Codes × codes counts overlapping codings in the same document (touching ones do not count)." \
            if m.measure == "co-occurrence" else ""
        self.status.setText(f"{m.title}: {len(m.row_labels)} × {len(m.col_labels)}.{note} "
                            "Double-click a cell for its excerpts.")

    def _open_cell(self, index) -> None:
        m = self.model.matrix
        if m is None or not index.isValid():
            return
        flt = self.project.matrix_cell_filter(m, index.row(), index.column(), aggregate=self.themes.isChecked(),
                                              coder_ids=self.coder_ids)
        self.cell_excerpts_requested.emit(flt)

    def export_csv(self, path: str | None = None) -> str | None:
        m = self.model.matrix
        if m is None:
            return None
        path = path or ask_save_path(self, "Export matrix as CSV", f"{m.row_kind}-x-{m.col_kind}.csv".replace(":", "-"),
                                     "CSV files (*.csv)")
        if not path:
            return None
        try:
            write_matrix_csv(m, path)
        except NpmdeskError as e:
            self.error.emit(str(e))
            return None
        self.status.setText(f"Exported to {path}")
        return path
