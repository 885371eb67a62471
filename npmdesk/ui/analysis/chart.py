"""The Framework Method chart: participants (rows) x themes (columns), each cell the researcher's
summary, edited in place and saved when the edit is committed. Double-click edits (as in any
table), so the excerpts behind a cell open with Ctrl+Enter or the "Excerpts of this cell" button."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QPushButton,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.model import ExcerptFilter


class ChartModel(QAbstractTableModel):
    error = Signal(str)

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.project = project
        # How a summary is saved: the window's run(text, operation) (one undoable step), set by the
        # analysis docks; without a window, straight to the store.
        self.run = None
        self.cases: list = []
        self.themes: list = []
        self.cells: dict = {}

    def reload(self) -> None:
        self.beginResetModel()
        if self.project is None:
            self.cases, self.themes, self.cells = [], [], {}
        else:
            codes = {c.id: c for c in self.project.codes()}
            self.themes = [codes[i] for i in self.project.code_children(None)]
            self.cases = self.project.cases()
            self.cells = self.project.chart_cells(tuple(t.id for t in self.themes))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.themes)

    def key(self, index) -> tuple[int, int]:
        return self.cases[index.row()].id, self.themes[index.column()].id

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.project is not None and self.project.read_only:
            return super().flags(index)
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        cell = self.cells.get(self.key(index))
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            count = f"[{cell.excerpts} excerpt{'s' if cell.excerpts != 1 else ''}]"
            return f"{cell.summary}\n{count}" if cell.summary else count
        if role == Qt.ItemDataRole.EditRole:
            return cell.summary
        if role == Qt.ItemDataRole.ForegroundRole and not cell.summary:
            return QColor("#7a7a7a")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        case_id, code_id = self.key(index)
        text = str(value or "")
        project = self.project
        if self.run is not None:
            if not self.run("Edit chart summary", lambda: project.set_chart_summary(case_id, code_id, text),
                            on_error=lambda e: self.error.emit(str(e))).ok:
                return False
        else:
            try:
                project.set_chart_summary(case_id, code_id, text)  # durable before the cell shows it
            except NpmdeskError as e:
                self.error.emit(str(e))
                return False
        old = self.cells[(case_id, code_id)]
        self.cells[(case_id, code_id)] = type(old)(case_id, code_id, text if text.strip() else "", old.excerpts)
        self.dataChanged.emit(index, index)
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.themes[section].name if section < len(self.themes) else None
        return self.cases[section].name if section < len(self.cases) else None


class _SummaryDelegate(QStyledItemDelegate):
    """A multi-line editor; Enter inserts a line break, leaving the cell (or Tab) commits."""

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = QPlainTextEdit(parent)
        editor.setObjectName("chartSummaryEditor")
        editor.setTabChangesFocus(True)
        return editor

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def initStyleOption(self, option, index):  # noqa: N802
        super().initStyleOption(option, index)
        option.features |= option.ViewItemFeature.WrapText


class FrameworkChartView(QWidget):
    cell_excerpts_requested = Signal(object)
    error = Signal(str)

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.setObjectName("frameworkChartView")
        self.model = ChartModel(project, self)
        self.model.error.connect(self.error)
        self.table = QTableView(objectName="frameworkChartTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(_SummaryDelegate(self.table))
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.horizontalHeader().setDefaultSectionSize(220)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.show_excerpts = QPushButton("Excerpts of this cell", objectName="chartShowExcerpts")
        self.show_excerpts.clicked.connect(self.open_current)
        QShortcut(QKeySequence("Ctrl+Return"), self.table, activated=self.open_current)
        hint = QLabel("Participants × top-level themes. Type in a cell to write its summary (saved when you leave "
                      "the cell); Ctrl+Enter shows the excerpts behind it.")
        hint.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.show_excerpts)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.refresh()

    @property
    def project(self):
        return self.model.project

    def set_project(self, project) -> None:
        self.model.project = project
        self.refresh()

    def refresh(self) -> None:
        self.model.reload()
        self.table.resizeRowsToContents()

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            case_id, code_id = self.model.key(index)
            self.cell_excerpts_requested.emit(ExcerptFilter(code_ids=(code_id,), with_descendants=True,
                                                            case_ids=(case_id,)))
