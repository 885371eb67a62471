"""The bottom panel: the excerpts of the selected code, or search hits, with their context.

Long lists are paged: the panel shows the first page and asks its source for the next one when the
reader scrolls near the end, so the first screen of a theme with 100,000 excerpts costs one page.
After a change the window hands it just the excerpts a step touched (`apply_delta`): rows go in at
their place in the list's order, or wait for a later page if they sort after what is loaded.

Double-click (or Enter) on a row asks the window to jump to that passage in the viewer. "Read as
document" opens the code's excerpts in full as a page (ui/retrieval_view.py). A Time column
(hh:mm:ss, when the passage's speaker turn has a time in the recording) shows once a row has one.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from itertools import islice

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QMenu, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from npmdesk.core.model import split_path
from npmdesk.core.timecode import format_hms

SPAN_ROLE = Qt.ItemDataRole.UserRole + 2
CODING_ROLE = Qt.ItemDataRole.UserRole + 3
_READ_TIP = "Read these excerpts in full, with context, filters, print and export (Ctrl+Shift+R)"
_UNREADABLE_TIP = ("Read as document reads a code's excerpts: select the code in the code tree (an analysis "
                   "cell's list is not one code's)")
PAGE = 40  # rows read at a time: more than a screen, a few milliseconds to read and show
_DARK = QBrush(QColor("#111111"))
TIME_COLUMN = 5


class ExcerptsPanel(QWidget):
    """Signals: jumpTo(document id, start, end), searchRequested(query, whole project?),
    withSubcodesChanged(bool) (also when the document group changes: the list is filtered afresh)."""

    jumpTo = Signal(int, int, int)
    searchRequested = Signal(str, bool)
    withSubcodesChanged = Signal(bool)
    # (coding id, code id, global position): the window offers exemplar choices there.
    excerptMenuRequested = Signal(int, int, object)
    # "hit", "sentence", "paragraph" or "turn": code every hit (or its enclosing unit) with a code.
    codeHitsRequested = Signal(str)
    # "Read as document": the shown code's excerpts in full, in the retrieval view.
    readRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Search words or \"a phrase\" and press Enter")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.scope = QComboBox(self)
        self.scope.setObjectName("searchScope")
        self.scope.addItems(["This document", "Whole project"])
        self.scope.setAccessibleName("Search scope")
        self.subcodes = QCheckBox("Include sub-codes", self)
        self.subcodes.setObjectName("includeSubcodes")
        self.subcodes.setChecked(True)
        # Document groups (REFI-QDA sets, `npmdesk groups`): a code's excerpts in some documents only.
        self.group = QComboBox(self)
        self.group.setObjectName("excerptsDocumentGroup")
        self.group.setAccessibleName("Documents shown")
        self.group.setToolTip("Show excerpts from the documents of one group only")
        self.group.addItem("All documents", None)
        self.group.setVisible(False)
        self.title = QLabel(self)
        self.title.setObjectName("excerptsTitle")
        self.read = QPushButton("Read as &document", self)
        self.read.setObjectName("readAsDocument")
        self.read.setToolTip(_READ_TIP)
        self.read.clicked.connect(self.readRequested)
        self.view = QTreeWidget(self)
        self.view.setObjectName("excerptsView")
        self.view.setAccessibleName("Coded excerpts and search results")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHeaderLabels(["Passage", "Code", "Document", "Participant", "Speaker", "Time"])
        header = self.view.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(col, 130)
        header.setSectionResizeMode(TIME_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setColumnHidden(TIME_COLUMN, True)  # shown once a row has a time
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.read)
        top.addWidget(self.subcodes)
        top.addWidget(self.group)
        top.addWidget(self.search, 1)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.itemActivated.connect(self._activated)
        self.view.itemDoubleClicked.connect(self._activated)
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.search.returnPressed.connect(self._search)
        self.subcodes.toggled.connect(self.withSubcodesChanged)
        self.group.currentIndexChanged.connect(lambda _: self.withSubcodesChanged.emit(self.subcodes.isChecked()))
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.hit_actions: dict[str, QAction] = {}
        for unit, text in (("hit", "&Code all hits with…"), ("sentence", "Spread to &sentence and code with…"),
                           ("paragraph", "Spread to &paragraph and code with…"),
                           ("turn", "Spread to speaker &turn and code with…")):
            action = QAction(text, self)
            action.setObjectName(f"codeHits_{unit}")
            action.triggered.connect(lambda _=False, u=unit: self.codeHitsRequested.emit(u))
            self.hit_actions[unit] = action
        self.hit_actions["hit"].setShortcut("Ctrl+Shift+H")
        self.hit_actions["hit"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.hit_actions["hit"])
        self._reset()
        self.title.setText("Select a code to see its excerpts.")

    def set_groups(self, groups: list[tuple[int, str]]) -> None:
        """The project's document groups; the box shows only when there are some."""
        current = self.group.currentData()
        if [(self.group.itemData(i), self.group.itemText(i)) for i in range(1, self.group.count())] == groups:
            return
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("All documents", None)
        for gid, name in groups:
            self.group.addItem(f"Group: {name}", gid)
        at = self.group.findData(current)
        self.group.setCurrentIndex(at if at >= 0 else 0)
        self.group.blockSignals(False)
        self.group.setVisible(bool(groups))

    def document_group(self) -> int | None:
        return self.group.currentData()

    def _reset(self) -> None:
        self.view.clear()
        self._fetch = None  # (offset, limit) -> excerpts, for the rows after those shown
        self._hits = None  # an iterator of search hits not shown yet
        self._total: int | None = 0
        # The total is not known yet (the project's counts are being made, ui/background_counts.py):
        # pages are read until one comes short, and the title says "counting…" until then.
        self._counting = False
        self._readable = True
        self._heading = ""
        self._key = None
        self._keys: list = []  # the shown excerpts' sort keys, in row order
        self._by_coding: dict[int, QTreeWidgetItem] = {}
        self._names: dict[str, str] = {}  # code path -> its last part, once per code
        self.showing_search = False
        self.view.setColumnHidden(TIME_COLUMN, True)
        if hasattr(self, "read"):
            self.read.setEnabled(False)

    # What is shown ---------------------------------------------------------------------------------

    @property
    def loaded(self) -> int:
        return self.view.topLevelItemCount()

    @property
    def total(self) -> int | None:
        """How many rows the list has in all (None: a search still being read)."""
        return self._total

    def has_more(self) -> bool:
        return self._hits is not None or (self._fetch is not None and (
            self._counting or self._total is not None and self.loaded < self._total))

    def shown_codings(self) -> set[int]:
        return set(self._by_coding)

    def focus_search(self, whole_project: bool) -> None:
        self.scope.setCurrentIndex(1 if whole_project else 0)
        self.search.setFocus()
        self.search.selectAll()

    def _search(self) -> None:
        if self.search.text().strip():
            self.searchRequested.emit(self.search.text(), self.scope.currentIndex() == 1)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        span = item.data(0, SPAN_ROLE)
        if span:
            self.jumpTo.emit(*span)

    def _scope_changed(self, _index: int) -> None:
        """A different scope is a different search: run it again if one is shown."""
        if self.showing_search and self.search.text().strip():
            self._search()

    def hits_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("searchHitsMenu")
        for action in self.hit_actions.values():
            action.setEnabled(self.loaded > 0)
            menu.addAction(action)
        return menu

    def _menu(self, pos) -> None:
        item = self.view.itemAt(pos)
        if self.showing_search:
            self.hits_menu().exec(self.view.viewport().mapToGlobal(pos))
            return
        coding = item.data(0, CODING_ROLE) if item is not None else None
        if coding:
            self.excerptMenuRequested.emit(coding[0], coding[1], self.view.viewport().mapToGlobal(pos))

    # Excerpts ----------------------------------------------------------------------------------------

    def show_excerpts(self, title: str, excerpts) -> None:
        """A list of excerpts already read (a matrix cell's): shown a page at a time all the same."""
        excerpts = list(excerpts)
        self.show_paged(title, len(excerpts), lambda offset, limit: excerpts[offset:offset + limit])

    def show_paged(self, title: str, total: int | None, fetch, key=None, loaded: int = 0,
                   readable: bool = True) -> None:
        """`total` excerpts, read by `fetch(offset, limit)` as the reader scrolls. `key(excerpt)`
        gives the list's sort order (for `apply_delta`); `loaded` rows are read at once (a reload
        that keeps what the reader had scrolled to). A `total` of None: not counted yet
        (`set_total` gives it, or the last page). Not `readable`: a list that "Read as document"
        cannot show (an analysis cell's: the reading window reads a code's excerpts)."""
        scroll = self.view.verticalScrollBar().value() if loaded else 0
        self._reset()
        self._fetch, self._total, self._heading, self._key = fetch, total, title, key
        self._counting = total is None
        self._readable = readable
        self.read.setToolTip(_READ_TIP if readable else _UNREADABLE_TIP)
        self._more(max(PAGE, loaded))
        if scroll:
            self.view.verticalScrollBar().setValue(scroll)
        self._retitle()

    def _more(self, n: int | None = None) -> None:
        n = n or PAGE
        if self._hits is not None:
            self._more_hits(n)
            return
        if self._fetch is None or not self._counting and (self._total is None or self.loaded >= self._total):
            return
        rows = self._fetch(self.loaded, n)
        if self._counting and len(rows) < n:  # the last page: the list is counted
            self._total, self._counting = self.loaded + len(rows), False
        elif not rows:  # fewer than counted (changed meanwhile): what is shown is all there is
            self._total = self.loaded
        self._append(rows)
        self._retitle()

    def _append(self, excerpts) -> None:
        items = [self._item(e) for e in excerpts]
        if any(e.time_ms is not None for e in excerpts):
            self.view.setColumnHidden(TIME_COLUMN, False)
        if self._key is not None:
            self._keys += [self._key(e) for e in excerpts]
        self.view.addTopLevelItems(items)

    def _item(self, e) -> QTreeWidgetItem:
        name = self._names.get(e.code)
        if name is None:
            name = self._names[e.code] = _last(e.code)
        text = " ".join(e.text.split())
        item = QTreeWidgetItem([("★ " if e.exemplar else "") + text, name, e.document,
                                e.participant or "", e.speaker or "", format_hms(e.time_ms)])
        item.setToolTip(1, e.code)
        item.setData(0, SPAN_ROLE, (e.document_id, e.start, e.end))
        item.setData(0, CODING_ROLE, (e.coding_id, e.code_id))
        item.setToolTip(0, e.text + (f"\n\nMemo: {e.memo}" if e.memo else ""))
        if e.color:
            item.setBackground(1, QBrush(QColor(e.color)))
            item.setForeground(1, _DARK)
        self._by_coding[e.coding_id] = item
        return item

    def apply_delta(self, removed, added, total: int | None) -> None:
        """Take out the rows of `removed` coding ids, put `added` excerpts in at their place (those
        that sort after every loaded row wait for their page) and show the new `total` (None: not
        counted yet)."""
        for coding_id in removed:
            item = self._by_coding.pop(coding_id, None)
            if item is not None:
                i = self.view.indexOfTopLevelItem(item)
                self.view.takeTopLevelItem(i)
                if self._keys:
                    del self._keys[i]
        more = self._counting or self.loaded < (self._total or 0)
        for e in sorted(added, key=self._key) if self._key is not None else added:
            if e.coding_id in self._by_coding:
                continue
            k = self._key(e) if self._key is not None else None
            i = bisect_left(self._keys, k) if k is not None else self.loaded
            if i == self.loaded and more:
                continue  # beyond the rows read so far: it comes with its page
            self.view.insertTopLevelItem(i, self._item(e))
            if e.time_ms is not None:
                self.view.setColumnHidden(TIME_COLUMN, False)
            if k is not None:
                self._keys.insert(i, k)
        self._total, self._counting = total, total is None
        self._retitle()

    def set_total(self, total: int) -> None:
        """The count of a list shown while it was not counted yet."""
        if self._counting and self._fetch is not None:
            self._total, self._counting = total, False
            self._retitle()

    def show_loading(self, title: str) -> None:
        """Another list is on its way (show_paged comes next): no row of the one before stays."""
        self._reset()
        self._heading, self._total = title, None
        self.title.setText(f"<b>{html.escape(title)}</b>: loading…")

    def mark_updating(self) -> None:
        """A change is on its way to the list: the count shown is not yet the new one."""
        if self._heading and self._hits is None and self._fetch is not None:  # (not while loading)
            self.title.setText(f"<b>{html.escape(self._heading)}</b>: updating…")

    def retitle(self) -> None:
        """The title of the list shown (after a note such as "updating…" that did not come true)."""
        if self._hits is None and self._fetch is not None:
            self._retitle()

    def _retitle(self) -> None:
        if self._hits is not None:
            return
        shown = self.loaded
        if self._counting:
            self.read.setEnabled(self._readable and bool(shown))
            self.title.setText(f"<b>{html.escape(self._heading)}</b>: {shown} shown; counting…")
            return
        self.read.setEnabled(self._readable and bool(self._total))
        more = f" ({shown} shown; scroll for more)" if shown < (self._total or 0) else ""
        self.title.setText(f"<b>{html.escape(self._heading)}</b>: {self._total} excerpt(s){more}")

    def _scrolled(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if self.has_more() and value >= bar.maximum() - bar.pageStep():
            self._more()

    def load_all(self) -> None:
        """Read every remaining row (tests; a reader pressing End goes page by page)."""
        while self.has_more():
            before = self.loaded
            self._more()
            if self.loaded == before:
                break

    # Search hits -------------------------------------------------------------------------------------

    def show_hits(self, query: str, hits) -> None:
        """Search hits, a list or an iterator read a page at a time as the reader scrolls."""
        self._reset()
        self._heading = query
        self._hits = iter(hits)
        self._total = None
        self.showing_search = True
        self._more_hits(PAGE)

    def _more_hits(self, n: int) -> None:
        chunk = list(islice(self._hits, n))
        items = []
        for h in chunk:
            item = QTreeWidgetItem([h.snippet, "", h.document, h.participant or "", h.speaker or ""])
            item.setData(0, SPAN_ROLE, (h.document_id, h.start, h.end))
            item.setToolTip(0, h.snippet)
            items.append(item)
        self.view.addTopLevelItems(items)
        done = len(chunk) < n
        if done:
            self._hits = None
            self._total = self.loaded
        q = html.escape(self._heading)
        self.title.setText(f"Search <b>{q}</b>: {self.loaded} hit(s)" if done else
                           f"Search <b>{q}</b>: {self.loaded} hits shown, scroll for more")

    def shown_hits(self) -> list[tuple[int, int, int]]:
        """(document id, start, end) of the hits shown."""
        return [self.view.topLevelItem(i).data(0, SPAN_ROLE) for i in range(self.loaded)]

    def clear(self, message: str = "Select a code to see its excerpts.") -> None:
        self._reset()
        self.title.setText(message)


def _last(path: str) -> str:
    try:
        return split_path(path)[-1]
    except ValueError:
        return path
