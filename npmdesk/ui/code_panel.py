"""The code tree dock: a type-to-filter box over the tree, drag-and-drop, the quick-code bar.

The view never changes the store: it emits requests (apply, create, move, merge, rename, delete)
that the window turns into undoable commands. Drops are decoded here and then reported to Qt as
ignored, because Qt's own row move would copy and delete the rows and lose their identity.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSignalBlocker, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLineEdit, QTreeView, QVBoxLayout, QWidget,
)

from npmdesk.ui import mime as mimes
from npmdesk.ui.code_tree_model import CodeTreeModel
from npmdesk.ui.quick_codes import QuickCodeBar

EDGE = 0.25  # top/bottom share of a row that means "drop between rows" rather than "onto"


class CodeTreeView(QTreeView):
    """Signals: codeDropped(source id, target id or None, position or None, merge?),
    spanDropped(code id, document id, start, end), activatedCode(code id)."""

    codeDropped = Signal(int, object, object, bool)
    spanDropped = Signal(int, int, int, int)
    activatedCode = Signal(int)
    deleteRequested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("codeTree")
        self.setAccessibleName("Code tree")
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.clicked.connect(lambda i: self._activate(i))

    # Ids through the filter proxy -------------------------------------------------------------------

    def source_model(self) -> CodeTreeModel:
        m = self.model()
        return cast(CodeTreeModel, m.sourceModel() if isinstance(m, QSortFilterProxyModel) else m)

    def id_at(self, index: QModelIndex) -> int | None:
        m = self.model()
        if isinstance(m, QSortFilterProxyModel):
            index = m.mapToSource(index)
        return self.source_model().code_id(index)

    def view_index(self, code_id: int | None) -> QModelIndex:
        src = self.source_model().index_of(code_id)
        m = self.model()
        return m.mapFromSource(src) if isinstance(m, QSortFilterProxyModel) else src

    def current_code(self) -> int | None:
        return self.id_at(self.currentIndex())

    def select_code(self, code_id: int | None) -> None:
        idx = self.view_index(code_id)
        if idx.isValid():
            self.setCurrentIndex(idx)
            self.scrollTo(idx)

    def _activate(self, index: QModelIndex) -> None:
        cid = self.id_at(index)
        if cid is not None:
            self.activatedCode.emit(cid)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self._activate(self.currentIndex())
            return
        if event.key() == Qt.Key.Key_Delete and self.current_code() is not None:
            self.deleteRequested.emit(self.current_code())
            return
        super().keyPressEvent(event)

    # Drag and drop ------------------------------------------------------------------------------------

    def _accepts(self, mime) -> bool:
        return mime.hasFormat(mimes.CODES_MIME) or mime.hasFormat(mimes.SPAN_MIME)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._accepts(event.mimeData()):
            super().dragEnterEvent(event)
            event.acceptProposedAction()
        else:
            event.ignore()  # files go on to the window (import)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if not self._accepts(event.mimeData()):
            event.ignore()
            return
        super().dragMoveEvent(event)
        target, _ = self.drop_target(event.position().toPoint())
        if event.mimeData().hasFormat(mimes.SPAN_MIME) and target is None:
            event.ignore()
        else:
            event.acceptProposedAction()

    def drop_target(self, pos) -> tuple[int | None, str]:
        """(code id under pos or None, 'on' | 'above' | 'below' | 'empty')."""
        index = self.indexAt(pos)
        if not index.isValid():
            return None, "empty"
        rect = self.visualRect(index)
        y = pos.y() - rect.top()
        if y < rect.height() * EDGE:
            where = "above"
        elif y > rect.height() * (1 - EDGE):
            where = "below"
        else:
            where = "on"
        return self.id_at(index), where

    def dropEvent(self, event) -> None:  # noqa: N802
        mime = event.mimeData()
        target, where = self.drop_target(event.position().toPoint())
        span = mimes.get_span(mime)
        if span is not None:
            if target is not None:
                self.spanDropped.emit(target, *span)
        else:
            merge = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            model = self.source_model()
            for source in mimes.get_codes(mime):
                if where == "on" or merge:
                    if target is not None and target != source:
                        self.codeDropped.emit(source, target, None, merge)
                elif where == "empty":
                    self.codeDropped.emit(source, None, None, False)
                elif target == source:
                    continue  # dropped on the edge of its own row: it is already there
                else:
                    parent = model.codes[target].parent_id
                    siblings = [c for c in model.children.get(parent, []) if c != source]
                    pos = siblings.index(target) + (1 if where == "below" else 0)
                    self.codeDropped.emit(source, parent, pos, False)
        # Report Ignore: the move happened as a command; Qt must not copy or remove rows itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        self.stopAutoScroll()
        self.setState(QAbstractItemView.State.NoState)
        self.viewport().update()


class CodePanel(QWidget):
    """Filter box, tree and the quick-code bar (keys 1–9). `createRequested(name)`: Enter on a filter text
    that names no code."""

    createRequested = Signal(str)

    def __init__(self, parent=None, catalog=None):
        super().__init__(parent)
        self.model = CodeTreeModel(catalog, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("codeFilter")
        self.filter.setPlaceholderText("Filter codes — or type a new code name and press Enter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter codes")
        self.tree = CodeTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setIndentation(14)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Count columns are sized to their numbers when the tree is loaded (fit_count_columns), not
        # on each coding: ResizeToContents would re-measure every row every time.
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        self._widest = {1: 0, 2: 0, 3: 0}  # px: each count column's widest text ("0" added)
        self._unfiltered: list[int] | None = None  # the branches open before the filter opened them all
        self.fit_count_columns()
        self.quick_bar = QuickCodeBar(self)  # number keys 1–9 (ui/quick_codes.py fills it)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.quick_bar)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self._filter_enter)
        self.filter.installEventFilter(self)

    def fit_count_columns(self) -> None:
        """Narrow count columns leave the names room: as wide as the widest count (with room for
        one more digit as coding goes on), never narrower than the heading."""
        metrics = self.tree.fontMetrics()
        m = self.model
        for col in (1, 2, 3):
            texts = [m.headerData(col, Qt.Orientation.Horizontal)]
            texts += [m.data(m.index_of(cid, col)) or "" for cid in m.codes]
            self._widest[col] = max(metrics.horizontalAdvance(t + "0") for t in texts)
            self.tree.header().resizeSection(col, self._widest[col] + 14)

    def _widen_for(self, code_ids) -> None:
        """Some rows show new counts: a column widens only if one of them is wider than the
        widest so far (the next full fit, at a reload, may narrow it again)."""
        metrics = self.tree.fontMetrics()
        m = self.model
        for col in (1, 2, 3):
            widest = max((metrics.horizontalAdvance((m.data(m.index_of(cid, col)) or "") + "0")
                          for cid in code_ids), default=0)
            if widest > self._widest[col]:
                self._widest[col] = widest
                self.tree.header().resizeSection(col, widest + 14)

    def set_counting(self, counting: bool) -> None:
        """The project's counts are being counted (ui/background_counts.py): every count cell
        says "counting…" until `counts_ready`."""
        if counting != self.model.counting:
            self.model.set_counting(counting)
            self.fit_count_columns()

    def counts_ready(self) -> None:
        """The count is in (the window has put it in the catalog's counts; its codes are as shown):
        the numbers replace "counting…"."""
        self.model.set_counting(False)
        self.fit_count_columns()

    def on_project_changed(self, project, changes) -> None:
        """Follow one step: the tree when codes changed (the window has refreshed the catalog),
        else just the counts of the codes it touched and their ancestors."""
        if project is None:
            return
        if changes.everything or changes.codes:
            self._follow_catalog()
        elif changes.recounts():
            if changes.counted_codes is None:
                self.reload(project)
            else:
                self._widen_for(self.model.recount(project, set(changes.counted_codes)))

    def reload(self, project, counted: set[int] | None = None) -> None:
        """Reload the tree; with `counted`, only those codes' (and their ancestors') counts changed."""
        if counted is not None and self.model.codes:
            self._widen_for(self.model.recount(project, counted))
            return
        self._follow_catalog(lambda before_reset: self.model.load(project, before_reset))

    def _follow_catalog(self, show=None) -> None:
        """Show the catalog as it is now, keeping what the user had open and selected. A few codes
        added, removed or moved go in and out row by row (the current code and the open branches
        stay as they are, and nothing is selected again: the excerpts shown need no refresh); a
        large change resets the tree, then opens and selects again what was open and selected."""
        current = self.tree.current_code()
        if current is not None and current not in self.model.catalog.codes:
            # The current code goes: as a reset would, leave no current code rather than let Qt
            # make a neighbour current (and list its excerpts) in the middle of the step.
            self.tree.selectionModel().reset()
            current = None
        before = set(self.model.codes)
        kept: list[int] = []
        shown = (show or self.model.shown)(lambda: kept.extend(self._expanded_ids()))
        if shown.reset:
            self._reopen(before, kept, current)
            self.fit_count_columns()
            return
        for parent in shown.grown:  # a code put in a branch is shown there, as a fresh load shows it
            if parent is not None:
                self.tree.setExpanded(self.tree.view_index(parent), True)
        for cid in shown.added:
            if self.model.children.get(cid):
                self.tree.setExpanded(self.tree.view_index(cid), True)
        if shown.changed or shown.added:
            self._widen_for(shown.changed | shown.added)

    def _reopen(self, before: set[int], expanded: list[int], current: int | None) -> None:
        """After a reset: the branches that were open (all on a first load, and codes new since
        open as on a load), and the current code again, without telling the window the current
        code changed (it did not)."""
        if not before:
            self.tree.expandAll()
        else:
            for cid in expanded:
                self.tree.setExpanded(self.tree.view_index(cid), True)
            for cid in self.model.codes:
                if cid not in before and self.model.children.get(cid):
                    self.tree.setExpanded(self.tree.view_index(cid), True)
        idx = self.tree.view_index(current)
        if idx.isValid():
            selection = self.tree.selectionModel()
            with QSignalBlocker(selection):
                selection.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
            self.tree.viewport().update()
            self.tree.scrollTo(idx)

    def _expanded_ids(self) -> list[int]:
        return [cid for cid in self.model.codes if self.tree.isExpanded(self.tree.view_index(cid))]

    def _filter_changed(self, text: str) -> None:
        """Filtering opens every branch; clearing the filter opens again just what was open before
        (the rows it hid come back closed otherwise)."""
        if text.strip() and self._unfiltered is None:
            self._unfiltered = self._expanded_ids()
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        elif self._unfiltered is not None:
            was, self._unfiltered = set(self._unfiltered), None
            for cid in self.model.codes:
                idx = self.tree.view_index(cid)
                if self.tree.isExpanded(idx) != (cid in was):
                    self.tree.setExpanded(idx, cid in was)

    def matching_code(self, text: str) -> int | None:
        name = text.strip().casefold()
        for cid, code in self.model.codes.items():
            if code.name.casefold() == name or code.path.casefold() == name:
                return cid
        return None

    def _filter_enter(self) -> None:
        text = self.filter.text().strip()
        if not text:
            return
        cid = self.matching_code(text)
        self.filter.clear()
        if cid is not None:
            self.tree.select_code(cid)
            self.tree.activatedCode.emit(cid)
        else:
            self.createRequested.emit(text)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.filter and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self.tree.setFocus()
                if not self.tree.currentIndex().isValid():
                    self.tree.setCurrentIndex(self.proxy.index(0, 0))
                return True
            if event.key() == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
        return super().eventFilter(obj, event)
