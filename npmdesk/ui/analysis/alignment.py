"""The alignment view: framework elements (rows) x aligned themes (columns). Each aligned cell
shows how many excerpts and participants lie behind it and the exemplar quotes chosen for it;
double-click shows that cell's excerpts. "Edit definition…" (F2, or double-click an element's
row header) rewords the element's definition and names where the framework's definitions come
from (the competency table prints both), one undoable step through the window's run()."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QStyledItemDelegate, QTableView, QVBoxLayout,
                               QWidget)

from npmdesk.core.model import ExcerptFilter
from npmdesk.core.quotes import Citation, QuoteContext, cite
from npmdesk.core.wording import plural
from npmdesk.store.frameworks import AlignmentTable
from npmdesk.store.report_settings import report_style, set_element_definition, set_report_style
from npmdesk.ui.analysis.common import heat_color, text_color_on

QUOTE_CHARS = 110
QUOTES_SHOWN = 2


def _shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _citation(cell, quote) -> str:
    """Who the quote is credited to, as the reports cite it: '(NPM-1)', '(Interviewer, Interview 1)'."""
    a = cell.credited.get(quote.coding_id)
    if a is None:
        return f"({quote.participant or quote.document})"
    return cite(a, Citation(), QuoteContext({}, {}, ())).replace("\u2011", "-").replace("\u00a0", " ")


def _is_participant_quote(cell, quote) -> bool:
    a = cell.credited.get(quote.coding_id)
    return a is None or a.is_participant_quote


def _warning(cell, quote) -> str:
    a = cell.credited.get(quote.coding_id)
    return (a.warning() if a is not None else None) or ""


class AlignmentModel(QAbstractTableModel):
    """Rows: the framework's elements; columns: its aligned themes, then "All aligned themes"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: AlignmentTable | None = None
        self._max = 0
        self.run = None  # the window's run(text, operation), set by the Analysis menu

    def set_table(self, table: AlignmentTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._max = max((c.excerpts for c in table.cells.values()), default=0) if table else 0
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.table is None else len(self.table.framework.elements)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.table is None else len(self.table.themes) + 1

    def element(self, row: int):
        assert self.table is not None  # asked only for rows that exist
        return self.table.framework.elements[row]

    def is_total(self, column: int) -> bool:
        assert self.table is not None  # asked only for columns that exist
        return column == len(self.table.themes)

    def cell(self, index):
        if self.is_total(index.column()):
            return None
        return self.table.cells.get((self.element(index.row()).id, self.table.themes[index.column()].id))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.table is None:
            return None
        el = self.element(index.row())
        if self.is_total(index.column()):
            n, people = self.table.element_totals.get(el.id, (0, 0))
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{plural(n, 'excerpt')}\n{plural(people, 'participant')}" if n else "—"
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor("#eef1f4")
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{el.name}: all aligned themes together, each excerpt counted once."
            return None
        cell = self.cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            lines = [f"{plural(cell.excerpts, 'excerpt')} · {plural(cell.participants, 'participant')}"]
            for quote in cell.exemplars[:QUOTES_SHOWN]:
                mark = "" if _is_participant_quote(cell, quote) else "⚠ "
                lines.append(f"{mark}“{_shorten(quote.text)}” {_citation(cell, quote)}")
            if len(cell.exemplars) > QUOTES_SHOWN:
                lines.append(f"+ {len(cell.exemplars) - QUOTES_SHOWN} more quotes")
            return "\n".join(lines)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            # Aligned but empty cells still show as aligned (a pale tint), not as blank.
            bg = heat_color(cell.excerpts, self._max) or QColor("#f4f8f8")
            return bg if role == Qt.ItemDataRole.BackgroundRole else text_color_on(bg)
        if role == Qt.ItemDataRole.ToolTipRole:
            quotes = "\n".join(f"• “{_shorten(q.text, 300)}” {_citation(cell, q)}"
                               + ("" if _is_participant_quote(cell, q) else f" — {_warning(cell, q)}")
                               for q in cell.exemplars)
            return (f"{el.name} ← {self.table.themes[index.column()].path}\n"
                    f"Rationale: {cell.rationale or '(none written)'}\n{quotes}").strip()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.table is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            el = self.element(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return el.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return el.description
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "All aligned themes" if self.is_total(section) else self.table.themes[section].path
        if role == Qt.ItemDataRole.ToolTipRole and not self.is_total(section):
            return self.table.themes[section].description or None
        return None

    def excerpt_filter(self, index) -> ExcerptFilter | None:
        """The excerpts behind a cell: the theme with its sub-codes (or all the element's themes)."""
        if self.table is None or not index.isValid():
            return None
        el = self.element(index.row())
        if self.is_total(index.column()):
            themes = tuple(t.id for t in self.table.themes if (el.id, t.id) in self.table.cells)
            return ExcerptFilter(code_ids=themes, with_descendants=True) if themes else None
        cell = self.cell(index)
        return ExcerptFilter(code_ids=(cell.code_id,), with_descendants=True) if cell else None


class _WrapDelegate(QStyledItemDelegate):
    """Cells hold several lines (counts, then quotes): wrap them within the column width."""

    def initStyleOption(self, option, index):  # noqa: N802
        super().initStyleOption(option, index)
        option.features |= option.ViewItemFeature.WrapText

    def sizeHint(self, option, index):  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(min(hint.width(), 260), hint.height())


class ElementDefinitionDialog(QDialog):
    """The wording of one element's definition, and the source of the framework's definitions."""

    def __init__(self, parent, element_name: str, definition: str, source: str, citation: str):
        super().__init__(parent)
        self.setObjectName("elementDefinitionDialog")
        self.setWindowTitle(f"Definition of {element_name}")
        self.definition = QPlainTextEdit(definition)
        self.definition.setObjectName("elementDefinition")
        self.definition.setTabChangesFocus(True)
        self.source = QLineEdit(source)
        self.source.setObjectName("definitionSource")
        self.source.setPlaceholderText("e.g. adapted from ACGME Common Program Requirements")
        self.citation = QLineEdit(citation)
        self.citation.setObjectName("definitionCitation")
        self.citation.setPlaceholderText("e.g. ACGME, 2023")
        form = QFormLayout()
        label = QLabel("&Definition:")
        label.setBuddy(self.definition)
        form.addRow(label, self.definition)
        form.addRow("Definitions &source (the whole framework):", self.source)
        form.addRow("&Citation:", self.citation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("elementDefinitionButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)


class AlignmentView(QWidget):
    cell_excerpts_requested = Signal(object)

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.setObjectName("alignmentView")
        self.project = project
        self.framework = QComboBox(objectName="alignmentFramework")
        self.status = QLabel(objectName="alignmentStatus")
        self.status.setWordWrap(True)
        self.table = QTableView(objectName="alignmentTable")
        self.model = AlignmentModel(self)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setItemDelegate(_WrapDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(150)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setMaximumWidth(260)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._open_cell)
        self.table.verticalHeader().sectionDoubleClicked.connect(self.edit_definition)
        self.edit_button = QPushButton("&Edit definition…", objectName="alignmentEditDefinition")
        self.edit_button.setToolTip("Reword the selected element's definition (F2)")
        self.edit_button.clicked.connect(lambda: self.edit_definition())
        edit = QAction("Edit definition", self, objectName="alignmentEditDefinitionAction")
        edit.setShortcut(QKeySequence(Qt.Key.Key_F2))
        edit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        edit.triggered.connect(lambda: self.edit_definition())
        self.addAction(edit)
        self.dialog: ElementDefinitionDialog | None = None  # while open (tests drive it)
        top = QHBoxLayout()
        label = QLabel("Framework")
        label.setBuddy(self.framework)
        top.addWidget(label)
        top.addWidget(self.framework, 1)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.framework.currentIndexChanged.connect(lambda *_: self._show())
        self.refresh()

    def set_project(self, project) -> None:
        self.project = project
        self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.table.resizeRowsToContents()  # wrapped quotes need taller rows when columns narrow

    def refresh(self) -> None:
        current = self.framework.currentData()
        self.framework.blockSignals(True)
        self.framework.clear()
        for fw in (self.project.frameworks() if self.project else []):
            self.framework.addItem(fw.name, fw.id)
        i = self.framework.findData(current)
        self.framework.setCurrentIndex(i if i >= 0 else 0)
        self.framework.blockSignals(False)
        self._show()

    def select_framework(self, framework_id: int) -> None:
        self.framework.setCurrentIndex(max(0, self.framework.findData(framework_id)))

    def _show(self) -> None:
        fid = self.framework.currentData()
        if self.project is None or fid is None:
            self.model.set_table(None)
            self.status.setText("No framework yet: add ACGME, CanMEDS or your own from the Analysis menu.")
            return
        table = self.project.alignment_table(fid)
        self.model.set_table(table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(table.themes), QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        if not table.themes:
            self.status.setText("No theme is aligned with this framework yet: link themes to its elements first.")
        else:
            others = sum(1 for c in table.cells.values() for q in c.exemplars if not _is_participant_quote(c, q))
            self.status.setText(f"{len(table.themes)} aligned theme(s). Counts include sub-codes; participants are "
                                "those whose words are coded. Hover for the rationale, double-click for the excerpts."
                                + (f" \u26a0 {others} exemplar quote(s) are not a participant's own words: the "
                                   "competency table leaves them out." if others else ""))

    def edit_definition(self, row: int | None = None) -> bool:
        """Edit the definition of the element in `row` (default: the current row); True if saved."""
        table = self.model.table
        run = self.model.run
        if table is None or self.project is None or run is None or not table.framework.elements:
            return False
        if row is None:
            row = max(self.table.currentIndex().row(), 0)
        element = table.framework.elements[row]
        framework = table.framework
        style = report_style(self.project)
        entry = style.definition_sources.get(framework.name) or {}
        entry = dict(entry) if isinstance(entry, dict) else {"label": str(entry)}
        self.dialog = dialog = ElementDefinitionDialog(self, element.name, element.description,
                                                       entry.get("label", ""), entry.get("citation", ""))
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            definition = dialog.definition.toPlainText().strip()
            source, citation = dialog.source.text().strip(), dialog.citation.text().strip()
        finally:
            self.dialog = None
            dialog.deleteLater()
        new_entry = {**entry, "label": source, "citation": citation}
        if not new_entry["citation"]:
            new_entry.pop("citation")
        project = self.project

        def change() -> None:
            if definition != element.description.strip():
                set_element_definition(project, element.id, definition)
            if new_entry != entry:
                set_report_style(project, style.with_changes(
                    definition_sources={**style.definition_sources, framework.name: new_entry}))

        outcome = run(f"Definition of {element.name}", change)
        self.refresh()
        return bool(outcome.ok)

    def _open_cell(self, index) -> None:
        flt = self.model.excerpt_filter(index)
        if flt is not None:
            self.cell_excerpts_requested.emit(flt)
