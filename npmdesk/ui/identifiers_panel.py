"""Edit > Find identifiers…: likely identifiers across the project, and what exports do with each.

The list shows each term the finder reports (participants, speaker labels, capitalised names,
e-mail addresses, phone numbers, dates, URLs, and every term of the pseudonym table) with its kind,
count, mark and a snippet of context. Select rows and mark them: Replace (with the text or
category label in the replacement box — "[hospital]", "[town]", "[name]"…), Keep or Ignore; or
type a replacement straight into the Replacement column. Terms the finder does not see (a
programme's name, a tribe) are added with "Add term". Participant attributes can be marked
identifying (de-identified exports leave them out). Every change is one undoable step through
MainWindow.run; the list follows undo and redo.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from npmdesk.core.identifiers import KINDS

CATEGORIES = ("[name]", "[participant]", "[hospital]", "[town]", "[school]", "[programme]", "[organisation]",
              "[place]", "[date]", "[e-mail]", "[phone]", "[URL]", "[tribe]", "[redacted]")
SUGGESTED = {"participant": "[participant]", "speaker": "[name]", "name": "[name]", "email": "[e-mail]",
             "phone": "[phone]", "date": "[date]", "url": "[URL]", "term": "[redacted]"}
COLUMNS = ("Term", "Kind", "Count", "Mark", "Replacement", "Context")
TERM, KIND, COUNT, MARK, REPLACEMENT, CONTEXT = range(6)


@dataclass
class Row:
    term: str
    kind: str
    count: int | None  # None: a table term the last scan did not see
    contexts: list[tuple[str, str]]
    action: str = ""  # '', keep, replace, ignore
    replacement: str = ""


class IdentifiersModel(QAbstractTableModel):
    def __init__(self, panel: IdentifiersPanel):
        super().__init__(panel)
        self.panel = panel
        self.rows: list[Row] = []

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index):
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == REPLACEMENT:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == TERM:
                return r.term
            if c == KIND:
                return r.kind
            if c == COUNT:
                return "" if r.count is None else r.count
            if c == MARK:
                return r.action or "—"
            if c == REPLACEMENT:
                return r.replacement if r.action == "replace" else ""
            if c == CONTEXT:
                return f"{r.contexts[0][0]}: {r.contexts[0][1]}" if r.contexts else ""
        if role == Qt.ItemDataRole.EditRole and c == REPLACEMENT:
            return r.replacement or SUGGESTED.get(r.kind, "[redacted]")
        if role == Qt.ItemDataRole.ToolTipRole and c == CONTEXT and r.contexts:
            return "\n\n".join(f"{d}: {s}" for d, s in r.contexts)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return -1 if c == COUNT and r.count is None else (r.count if c == COUNT else
                                                               str(self.data(index)).casefold())
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != REPLACEMENT:
            return False
        text = " ".join(str(value).split())
        if not text:
            return False
        return self.panel.mark([self.rows[index.row()].term], "replace", text)


class _Filter(QSortFilterProxyModel):
    def __init__(self, panel: IdentifiersPanel):
        super().__init__(panel)
        self.panel = panel
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        r = self.panel.model.rows[source_row]
        p = self.panel
        if r.action == "ignore" and not p.show_ignored.isChecked():
            return False
        kind = p.kind.currentData()
        if kind and r.kind != kind:
            return False
        needle = p.filter.text().strip().casefold()
        return not needle or needle in r.term.casefold() or any(needle in s.casefold() for _, s in r.contexts)


class IdentifiersPanel(QDialog):
    """Non-modal: it stays open beside the transcript while the user works down the list."""

    def __init__(self, w):
        super().__init__(w)
        self.w = w
        self.setObjectName("identifiersPanel")
        self.setWindowTitle("Find identifiers")
        self.setModal(False)
        self.resize(1100, 620)
        self.model = IdentifiersModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self._scan_documents = 0
        self._scan_words = 0
        self._scan_seconds = 0.0
        self._found: list[Row] = []

        top = QHBoxLayout()
        self.filter = QLineEdit(objectName="identifiersFilter")
        self.filter.setPlaceholderText("Filter terms and context…")
        self.filter.setClearButtonEnabled(True)
        self.kind = QComboBox(objectName="identifiersKind")
        self.kind.addItem("All kinds", "")
        for k in KINDS:
            self.kind.addItem(k, k)
        self.show_ignored = QCheckBox("Show i&gnored", objectName="identifiersShowIgnored")
        self.refresh_button = QPushButton("Sc&an again", objectName="identifiersRescan")
        self.refresh_button.setToolTip("Search every transcript again (F5)")
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter)
        top.addWidget(filter_label)
        top.addWidget(self.filter, 1)
        top.addWidget(self.kind)
        top.addWidget(self.show_ignored)
        top.addWidget(self.refresh_button)

        self.table = QTableView(objectName="identifiersTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COUNT, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        head = self.table.horizontalHeader()
        for col, width in ((TERM, 200), (KIND, 90), (COUNT, 60), (MARK, 70), (REPLACEMENT, 130)):
            head.resizeSection(col, width)
        head.setSectionResizeMode(CONTEXT, QHeaderView.ResizeMode.Stretch)

        marks = QHBoxLayout()
        self.replacement = QComboBox(objectName="identifiersReplacement")
        self.replacement.setEditable(True)
        self.replacement.addItems(CATEGORIES)
        self.replacement.setCurrentText("")
        self.replacement.lineEdit().setPlaceholderText("pseudonym or category, e.g. [hospital]")
        self.replace_button = QPushButton("&Replace", objectName="identifiersReplaceButton")
        self.keep_button = QPushButton("&Keep", objectName="identifiersKeepButton")
        self.ignore_button = QPushButton("&Ignore", objectName="identifiersIgnoreButton")
        self.clear_button = QPushButton("Clea&r mark", objectName="identifiersClearButton")
        with_label = QLabel("Replace &with:")
        with_label.setBuddy(self.replacement)
        marks.addWidget(with_label)
        marks.addWidget(self.replacement, 1)
        for b in (self.replace_button, self.keep_button, self.ignore_button, self.clear_button):
            marks.addWidget(b)

        add = QHBoxLayout()
        self.new_term = QLineEdit(objectName="identifiersNewTerm")
        self.new_term.setPlaceholderText("a name the list misses: a programme, a hospital, a town…")
        self.add_button = QPushButton("A&dd term", objectName="identifiersAddButton")
        add_label = QLabel("Add &term:")
        add_label.setBuddy(self.new_term)
        add.addWidget(add_label)
        add.addWidget(self.new_term, 1)
        add.addWidget(self.add_button)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(top)
        lv.addWidget(self.table, 1)
        lv.addLayout(marks)
        lv.addLayout(add)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        attrs_label = QLabel("Identifying &attributes\n(left out of de-identified exports):")
        self.attributes = QListWidget(objectName="identifyingAttributes")
        attrs_label.setBuddy(self.attributes)
        rv.addWidget(attrs_label)
        rv.addWidget(self.attributes, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self.status = QLabel(objectName="identifiersStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        self.filter.textChanged.connect(lambda _: self._refilter())
        self.kind.currentIndexChanged.connect(lambda _: self._refilter())
        self.show_ignored.toggled.connect(lambda _: self._refilter())
        self.refresh_button.clicked.connect(self.scan)
        QShortcut(QKeySequence("F5"), self, self.scan)
        self.replace_button.clicked.connect(self._replace_selected)
        self.replacement.lineEdit().returnPressed.connect(self._replace_selected)
        self.keep_button.clicked.connect(lambda: self.mark(self.selected_terms(), "keep"))
        self.ignore_button.clicked.connect(lambda: self.mark(self.selected_terms(), "ignore"))
        self.clear_button.clicked.connect(self._clear_selected)
        self.add_button.clicked.connect(self._add_term)
        self.new_term.returnPressed.connect(self._add_term)
        self.attributes.itemChanged.connect(self._attribute_toggled)
        self.table.selectionModel().currentRowChanged.connect(self._suggest)
        w.projectChanged.connect(self._project_changed)
        self.scan()

    # Reading -------------------------------------------------------------------------------------

    def scan(self) -> None:
        """Search every transcript (streamed) and show what was found, with the table's marks."""
        project = self.w.project
        if project is None:
            return
        t0 = time.perf_counter()
        found, finder = project.find_identifiers()
        self._scan_seconds = time.perf_counter() - t0
        self._scan_documents, self._scan_words = finder.documents, finder.words
        self._found = [Row(i.term, i.kind, i.count, i.contexts) for i in found]
        self._reload_marks()

    def _reload_marks(self) -> None:
        project = self.w.project
        if project is None:
            return
        table = {p.term.casefold(): p for p in project.pseudonyms()}
        seen = set()
        rows = []
        for r in self._found:
            key = " ".join(r.term.split()).casefold()
            seen.add(key)
            p = table.get(key)
            rows.append(Row(r.term, r.kind, r.count, r.contexts, p.action if p else "", p.replacement if p else ""))
        for key, p in table.items():
            if key not in seen:
                rows.append(Row(p.term, "term", None, [], p.action, p.replacement))
        selected = set(self.selected_terms())
        self.model.beginResetModel()
        self.model.rows = rows
        self.model.endResetModel()
        self._reselect(selected)
        self._fill_attributes()
        self._update_status()

    def _reselect(self, terms: set[str]) -> None:
        if not terms:
            return
        sel = self.table.selectionModel()
        for r in range(self.proxy.rowCount()):
            idx = self.proxy.index(r, TERM)
            if idx.data() in terms:
                sel.select(idx, sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def _fill_attributes(self) -> None:
        project = self.w.project
        self.attributes.blockSignals(True)
        self.attributes.clear()
        identifying = project.identifying_attributes()
        for a in project.attributes():
            item = QListWidgetItem(a.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if a.name in identifying else Qt.CheckState.Unchecked)
            self.attributes.addItem(item)
        if not self.attributes.count():
            item = QListWidgetItem("(no participant attributes yet)")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.attributes.addItem(item)
        self.attributes.blockSignals(False)

    def _update_status(self) -> None:
        rows = self.model.rows
        replaced = sum(r.action == "replace" for r in rows)
        unmarked = sum(not r.action for r in rows)
        self.status.setText(
            f"{len(rows)} terms ({unmarked} not yet marked, {replaced} replaced in de-identified exports) · "
            f"{self._scan_documents} documents, {self._scan_words:,} words searched in {self._scan_seconds:.1f} s · "
            "exports are de-identified with the “De-identified” box in File > Export report…")

    def _refilter(self) -> None:
        if hasattr(self.proxy, "beginFilterChange"):  # Qt 6.9+
            self.proxy.beginFilterChange()
            self.proxy.endFilterChange()
        else:
            self.proxy.invalidateFilter()

    def selected_terms(self) -> list[str]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        current = self.table.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        return [self.proxy.index(r, TERM).data() for r in sorted(rows)]

    def _suggest(self, current, _previous=None) -> None:
        if not current.isValid() or self.replacement.lineEdit().hasFocus():
            return
        r = self.model.rows[self.proxy.mapToSource(current).row()]
        self.replacement.setCurrentText(r.replacement if r.action == "replace" else SUGGESTED.get(r.kind, ""))

    # Changing ------------------------------------------------------------------------------------

    def mark(self, terms: list[str], action: str, replacement: str = "") -> bool:
        """Mark terms keep / replace / ignore: one undoable step for all of them."""
        project = self.w.project
        if project is None or not terms:
            return False
        kinds = {r.term: r.kind for r in self.model.rows}

        def op() -> None:
            for t in terms:
                project.set_pseudonym(t, action, replacement, "user" if kinds.get(t) == "term" else "found")

        what = terms[0] if len(terms) == 1 else f"{len(terms)} terms"
        label = {"replace": f"Replace {what} with {replacement}", "keep": f"Keep {what}",
                 "ignore": f"Ignore {what}"}[action]
        return self.w.run(label, op).ok

    def _replace_selected(self) -> None:
        text = " ".join(self.replacement.currentText().split())
        terms = self.selected_terms()
        if not terms:
            self.status.setText("Select the terms to replace first (arrow keys, Shift for more).")
            return
        if not text:
            kinds = {r.term: r.kind for r in self.model.rows}
            text = SUGGESTED.get(kinds.get(terms[0], ""), "[redacted]")
        self.mark(terms, "replace", text)

    def _clear_selected(self) -> None:
        project = self.w.project
        table = {p.term.casefold() for p in project.pseudonyms()} if project else set()
        terms = [t for t in self.selected_terms() if t.casefold() in table]
        if not terms:
            return

        def op() -> None:
            for t in terms:
                project.remove_pseudonym(t)

        self.w.run(f"Clear the mark of {terms[0] if len(terms) == 1 else f'{len(terms)} terms'}", op)

    def _add_term(self) -> None:
        term = " ".join(self.new_term.text().split())
        if not term:
            return
        replacement = " ".join(self.replacement.currentText().split()) or "[redacted]"
        if self.w.run(f"Add term {term}",
                      lambda: self.w.project.set_pseudonym(term, "replace", replacement, "user")).ok:
            self.new_term.clear()

    def _attribute_toggled(self, item: QListWidgetItem) -> None:
        name = item.text()
        flag = item.checkState() == Qt.CheckState.Checked
        ok = self.w.run(f"{'Mark' if flag else 'Unmark'} {name} identifying",
                        lambda: self.w.project.set_attribute_identifying(name, flag)).ok
        if not ok:
            self._fill_attributes()

    def _project_changed(self, changes) -> None:
        if self.w.project is None:
            self.close()
            return
        if changes.everything or changes.document_list or changes.texts:
            self.scan()
        elif changes.meta or changes.cases:
            self._reload_marks()


def show_identifiers(w) -> IdentifiersPanel:
    panel = getattr(w, "identifiers_panel", None)
    if panel is None or panel.w.project is None:
        panel = w.identifiers_panel = IdentifiersPanel(w)
    else:
        panel.scan()
    panel.show()
    panel.raise_()
    panel.activateWindow()
    panel.table.setFocus()
    return panel


def install_identifiers(w) -> None:
    """Edit > Find identifiers… (Ctrl+Shift+D)."""
    w.identifiers_panel = None
    w.menus["Edit"].addSeparator()
    w.actions["find_identifiers"] = w.add_action("Edit", "Find &identifiers…", lambda: show_identifiers(w),
                                                 "Ctrl+Shift+D")
