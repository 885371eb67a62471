"""The bottom panel: every excerpt of the selected code, or search hits, with their context.

Double-click (or Enter) on a row asks the window to jump to that passage in the viewer.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from npmdesk.core.model import split_path

SPAN_ROLE = Qt.ItemDataRole.UserRole + 2
CODING_ROLE = Qt.ItemDataRole.UserRole + 3
MAX_ROWS = 5000  # a list longer than this is not read; the status line says how many there were


class ExcerptsPanel(QWidget):
    """Signals: jumpTo(document id, start, end), searchRequested(query, whole project?),
    withSubcodesChanged(bool)."""

    jumpTo = Signal(int, int, int)
    searchRequested = Signal(str, bool)
    withSubcodesChanged = Signal(bool)
    # (coding id, code id, global position): the window offers exemplar choices there.
    excerptMenuRequested = Signal(int, int, object)

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
        self.title = QLabel(self)
        self.view = QTreeWidget(self)
        self.view.setObjectName("excerptsView")
        self.view.setAccessibleName("Coded excerpts and search results")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHeaderLabels(["Passage", "Code", "Document", "Participant", "Speaker"])
        header = self.view.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(col, 130)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.subcodes)
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
        self.search.returnPressed.connect(self._search)
        self.subcodes.toggled.connect(self.withSubcodesChanged)
        self.title.setText("Select a code to see its excerpts.")

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

    def _menu(self, pos) -> None:
        item = self.view.itemAt(pos)
        coding = item.data(0, CODING_ROLE) if item is not None else None
        if coding:
            self.excerptMenuRequested.emit(coding[0], coding[1], self.view.viewport().mapToGlobal(pos))

    def show_excerpts(self, title: str, excerpts) -> None:
        self.view.clear()
        items = []
        for e in excerpts[:MAX_ROWS]:
            text = " ".join(e.text.split())
            item = QTreeWidgetItem([("★ " if e.exemplar else "") + text, _last(e.code), e.document,
                                    e.participant or "", e.speaker or ""])
            item.setToolTip(1, e.code)
            item.setData(0, SPAN_ROLE, (e.document_id, e.start, e.end))
            item.setData(0, CODING_ROLE, (e.coding_id, e.code_id))
            item.setToolTip(0, e.text + (f"\n\nMemo: {e.memo}" if e.memo else ""))
            if e.color:
                item.setBackground(1, QBrush(QColor(e.color)))
                item.setForeground(1, QBrush(QColor("#111111")))
            items.append(item)
        self.view.addTopLevelItems(items)
        more = f" (first {MAX_ROWS} shown)" if len(excerpts) > MAX_ROWS else ""
        self.title.setText(f"<b>{html.escape(title)}</b>: {len(excerpts)} excerpt(s){more}")

    def show_hits(self, query: str, hits) -> None:
        self.view.clear()
        items = []
        for h in hits[:MAX_ROWS]:
            item = QTreeWidgetItem([h.snippet, "", h.document, h.participant or "", h.speaker or ""])
            item.setData(0, SPAN_ROLE, (h.document_id, h.start, h.end))
            item.setToolTip(0, h.snippet)
            items.append(item)
        self.view.addTopLevelItems(items)
        self.title.setText(f"Search <b>{html.escape(query)}</b>: {len(hits)} hit(s)")

    def clear(self, message: str = "Select a code to see its excerpts.") -> None:
        self.view.clear()
        self.title.setText(message)


def _last(path: str) -> str:
    try:
        return split_path(path)[-1]
    except ValueError:
        return path

