"""The documents dock: transcripts grouped by participant, with kind and coded share."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

DOC_ROLE = Qt.ItemDataRole.UserRole + 3
NO_PARTICIPANT = "Not linked to a participant"


class DocumentList(QTreeWidget):
    """Signal documentChosen(document id): a document was clicked, or chosen with the keyboard."""

    documentChosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("documentList")
        self.setAccessibleName("Documents")
        self.setHeaderLabels(["Document", "Kind", "Coded"])
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setIndentation(14)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.currentItemChanged.connect(self._current_changed)
        self._loading = False
        self._items: dict[int, QTreeWidgetItem] = {}  # document id -> its row

    def clear(self) -> None:
        self._items = {}
        super().clear()

    def load(self, documents, shares: dict[int, float], current: int | None = None) -> None:
        self._loading = True
        self.clear()
        groups: dict[str, list] = {}
        for d in documents:
            groups.setdefault(d.case or NO_PARTICIPANT, []).append(d)
        keys = sorted((k for k in groups if k != NO_PARTICIPANT), key=str.casefold)
        if NO_PARTICIPANT in groups:
            keys.append(NO_PARTICIPANT)
        select = None
        for key in keys:
            group = QTreeWidgetItem([key, "", ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.addTopLevelItem(group)
            for d in groups[key]:
                share = shares.get(d.id, 0.0)
                item = QTreeWidgetItem([d.name, d.kind, f"{share:.0%}"])
                item.setData(0, DOC_ROLE, d.id)
                self._items[d.id] = item
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                speakers = ", ".join(d.speakers) or "none recognised"
                item.setToolTip(0, f"{d.name}\n{d.words} words, {d.turns} turns\nSpeakers: {speakers}\n"
                                   f"Source: {d.source_name or '—'} ({d.encoding or '—'})")
                group.addChild(item)
                if d.id == current:
                    select = item
        self.expandAll()
        if select is not None:
            self.setCurrentItem(select)
        self._loading = False

    def on_project_changed(self, window, changes) -> None:
        """The list reloads when documents or participants changed; coded shares of the documents
        a step touched follow on the next turn of the event loop (several codings, one query)."""
        if window.project is None:
            return
        if changes.everything or changes.document_list or changes.cases:
            self._pending_shares = set()
            docs = getattr(window, "document_list", None)  # the window has just read them for this change
            self.load(docs if docs is not None else window.project.documents(), window.project.coded_shares(),
                      window.current_document)
            return
        if changes.codings or changes.codes:
            pending = getattr(self, "_pending_shares", set())
            if changes.codes or pending is None:  # a deleted or merged code may touch any document
                pending = None
            else:
                pending |= changes.documents
            self._pending_shares = pending
            if not hasattr(self, "_shares_timer"):
                self._shares_timer = QTimer(self)
                self._shares_timer.setSingleShot(True)
                self._shares_timer.timeout.connect(lambda: self._update_pending_shares(window))
            self._shares_timer.start(0)

    def _update_pending_shares(self, window) -> None:
        docs, self._pending_shares = self._pending_shares, set()
        if window.project is not None:
            self.update_shares(window.project.coded_shares(document_ids=docs), docs)

    def update_shares(self, shares: dict[int, float], only: set[int] | None = None) -> None:
        """Show coded shares; with `only`, just those documents' (the others did not change: a
        coding costs its document's row, not a walk over 2,000 rows)."""
        items = self._items
        for doc_id in (items if only is None else only):
            item = items.get(doc_id)
            if item is not None:
                item.setText(2, f"{shares.get(doc_id, 0.0):.0%}")

    def select_document(self, doc_id: int) -> None:
        item = self.item_for(doc_id)
        if item is not None and item is not self.currentItem():
            self._loading = True
            self.setCurrentItem(item)
            self._loading = False

    def item_for(self, doc_id: int):
        return self._items.get(doc_id)

    def _current_changed(self, item, _previous) -> None:
        if self._loading or item is None:
            return
        doc_id = item.data(0, DOC_ROLE)
        if doc_id is not None:
            self.documentChosen.emit(doc_id)
