"""The documents dock: transcripts grouped by participant, with kind and coded share.

A model/view list (issue 14): `DocumentModel` is a QAbstractItemModel over the window's document
list — each participant's row followed by its documents' rows — that keeps no widget item per row
and computes every cell only when the view paints it, so 20,000 participants load in one pass over
the list, and a coding updates one row's share (one dataChanged), not the whole dock.

A document is listed under its own participant and under every participant one of its speakers is
linked to, so a focus group shows under each of its members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QTimer, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QTableView

DOC_ROLE = Qt.ItemDataRole.UserRole + 3
NO_PARTICIPANT = "Not linked to a participant"
HEADERS = ("Document", "Kind", "Coded")
COUNTING = "…"  # a coded share not counted yet (ui/background_counts.py): the column is too narrow for more
_GROUP_FLAGS = Qt.ItemFlag.ItemIsEnabled
_DOC_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

_Index = QModelIndex | QPersistentModelIndex


def group_documents(documents: Iterable, links: Mapping[int, Iterable[str]] | None = None
                    ) -> list[tuple[str, list]]:
    """(participant, its documents) in the order the dock lists them: participants by name, case-
    insensitively, then the documents linked to none. A document is under its own participant and
    under each participant in `links` (document id -> the participants its speakers are linked to)."""
    groups: dict[str, list] = {}
    for d in documents:
        names = participants_of(d, links)
        for name in names or (NO_PARTICIPANT,):
            groups.setdefault(name, []).append(d)
    keys = sorted((k for k in groups if k != NO_PARTICIPANT), key=str.casefold)
    if NO_PARTICIPANT in groups:
        keys.append(NO_PARTICIPANT)
    return [(k, groups[k]) for k in keys]


def participants_of(document, links: Mapping[int, Iterable[str]] | None) -> list[str]:
    """The document's own participant first, then those its speakers are linked to, each once."""
    names = [document.case] if document.case else []
    for name in (links or {}).get(document.id, ()):
        if name and name not in names:
            names.append(name)
    return names


def speaker_links(speakers: Iterable) -> dict[int, list[str]]:
    """document id -> the participants its speakers are linked to (from Project.speakers())."""
    links: dict[int, list[str]] = {}
    for s in speakers:
        if s.case:
            links.setdefault(s.document_id, []).append(s.case)
    return links


class DocumentModel(QAbstractItemModel):
    """One flat run of rows: each participant's row (bold, not selectable) followed by its
    documents' rows. Flat, so the view never has to expand 20,000 branches: it lays out rows of one
    height and asks for the cells of the rows on screen only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[tuple[str, list]] = []
        self._rows: list = []  # a participant's name (str) or a Document, in display order
        self._group_rows: list[int] = []  # the row of each participant
        self._shares: dict[int, float] = {}  # as shown
        self._where: dict[int, int] = {}  # document id -> its (first) row
        self._also: dict[int, list[int]] = {}  # document id -> its other rows (under other participants)
        self._links: Mapping[int, Iterable[str]] = {}
        # The coded shares are being counted (ui/background_counts.py): their cells say so.
        self.counting = False
        self._bold = QFont()
        self._bold.setBold(True)

    # Loading ---------------------------------------------------------------------------------------

    def load(self, documents: Iterable, shares: dict[int, float],
             links: Mapping[int, Iterable[str]] | None = None) -> None:
        """`links`: document id -> participants its speakers are linked to (see speaker_links)."""
        self.beginResetModel()
        self._groups = group_documents(documents, links)
        self._links = links or {}
        rows: list = []
        group_rows: list[int] = []
        where: dict[int, int] = {}
        also: dict[int, list[int]] = {}
        for key, docs in self._groups:
            group_rows.append(len(rows))
            rows.append(key)
            for d in docs:
                if where.setdefault(d.id, len(rows)) != len(rows):
                    also.setdefault(d.id, []).append(len(rows))
                rows.append(d)
        self._rows, self._group_rows, self._where, self._also = rows, group_rows, where, also
        self._shares = dict(shares)
        self.endResetModel()

    def clear(self) -> None:
        self.load((), {})

    def shares(self) -> dict[int, float]:
        """The coded shares as shown."""
        return self._shares

    def set_counting(self, counting: bool) -> None:
        """Every coded share says it is being counted (True), or shows its number again."""
        if counting != self.counting:
            self.counting = counting
            if self._rows:
                self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2))

    def update_shares(self, shares: dict[int, float], only: Iterable[int] | None = None) -> None:
        """New coded shares; with `only`, just those documents' rows are repainted."""
        if only is None:
            self._shares = dict(shares)
            if self._rows:
                self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2),
                                      [Qt.ItemDataRole.DisplayRole])
            return
        for doc_id in only:
            self._shares[doc_id] = shares.get(doc_id, 0.0)
            for row in self.rows_of(doc_id):
                ix = self.createIndex(row, 2)
                self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DisplayRole])

    def update_documents(self, documents: Iterable) -> None:
        """Those documents as read again (an edit changed their words or turns), in their rows."""
        for d in documents:
            for row in self.rows_of(d.id):
                self._rows[row] = d
                self.dataChanged.emit(self.createIndex(row, 0), self.createIndex(row, len(HEADERS) - 1))

    # Lookups ---------------------------------------------------------------------------------------

    def index_for(self, doc_id: int, column: int = 0) -> QModelIndex:
        row = self._where.get(doc_id)
        return QModelIndex() if row is None else self.createIndex(row, column)

    def rows_of(self, doc_id: int) -> list[int]:
        """Every row the document is listed in (one per participant it is under)."""
        first = self._where.get(doc_id)
        return [] if first is None else [first, *self._also.get(doc_id, ())]

    def document_at(self, index: _Index):
        """The document of a row, or None for a participant row or an invalid index."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        d = self._rows[index.row()]
        return None if isinstance(d, str) else d

    def is_participant_row(self, index: _Index) -> bool:
        return index.isValid() and index.row() < len(self._rows) and isinstance(self._rows[index.row()], str)

    def group_names(self) -> list[str]:
        """The participants' rows, top to bottom."""
        return [k for k, _ in self._groups]

    def documents_in(self, group: int) -> Sequence:
        """The documents listed under the group-th participant row."""
        return self._groups[group][1]

    def group_index(self, group: int, column: int = 0) -> QModelIndex:
        """The row of the group-th participant."""
        return self.createIndex(self._group_rows[group], column)

    # QAbstractItemModel ----------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows)) or not (0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index = QModelIndex()):  # type: ignore[override]
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return len(HEADERS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and bool(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _GROUP_FLAGS if isinstance(self._rows[index.row()], str) else _DOC_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        col = index.column()
        d = self._rows[index.row()]
        if isinstance(d, str):  # a participant's row
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return d if col == 0 else ""
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole and col == 0:
                return f"Participant {d}" if d != NO_PARTICIPANT else d
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                return d.name
            if col == 1:
                return d.kind
            if self.counting:
                return COUNTING if role == Qt.ItemDataRole.DisplayRole else "coded share: counting"
            return f"{self._shares.get(d.id, 0.0):.0%}"
        if role == DOC_ROLE:
            return d.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if col == 2 and self.counting:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Counting how much of each document is coded…"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            speakers = ", ".join(d.speakers) or "none recognised"
            under = participants_of(d, self._links)
            who = f"\nListed under: {', '.join(under)}" if len(under) > 1 else ""
            return (f"{d.name}\n{d.words} words, {d.turns} turns\nSpeakers: {speakers}{who}\n"
                    f"Source: {d.source_name or '—'} ({d.encoding or '—'})")
        return None


class _IndentDocuments(QStyledItemDelegate):
    """Document names sit indented under their participant's row, as in a tree; a participant's
    name runs across the whole row (its other cells are empty), so a long one is not cut short."""

    INDENT = 14

    def paint(self, painter, option, index) -> None:
        if index.data(DOC_ROLE) is not None:
            if index.column() == 0:
                option = QStyleOptionViewItem(option)
                option.rect.adjust(self.INDENT, 0, 0, 0)
            super().paint(painter, option, index)
            return
        view = self.parent()
        if not isinstance(view, QTableView):
            super().paint(painter, option, index)
            return
        # A participant's row: each of its cells draws its own part of the name laid out over the
        # whole row (so a cell repainted alone shows its part, not a gap).
        name = index.siblingAtColumn(0)
        whole = QStyleOptionViewItem(option)
        whole.rect = view.visualRect(name)
        whole.rect.setRight(view.viewport().width() - 1)
        painter.save()
        painter.setClipRect(option.rect)
        super().paint(painter, whole, name)
        painter.restore()


class DocumentList(QTableView):
    """Signal documentChosen(document id): a document was clicked, or chosen with the keyboard."""

    documentChosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("documentList")
        self.setAccessibleName("Documents")
        self.model_ = DocumentModel(self)
        self.setModel(self.model_)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setItemDelegate(_IndentDocuments(self))
        self.setShowGrid(False)
        self.setWordWrap(False)
        # "Interview…NPM-1", not "Interview NP…": transcripts of one study differ at their ends
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # one height: no row is measured
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        width = self.fontMetrics().horizontalAdvance
        header.resizeSection(1, max(width("interview"), width("Kind")) + 24)
        header.resizeSection(2, width("Coded") + 24)
        self.selectionModel().currentChanged.connect(self._current_changed)
        self._loading = False
        self._pending_shares: set[int] | None = set()
        self._shares_timer: QTimer | None = None

    def clear(self) -> None:
        self._loading = True
        self.model_.clear()
        self._loading = False

    def load(self, documents, shares: dict[int, float], current: int | None = None,
             links: Mapping[int, Iterable[str]] | None = None) -> None:
        self._loading = True
        self.model_.load(documents, shares, links)
        if current is not None:
            ix = self.model_.index_for(current)
            if ix.isValid():
                self.setCurrentIndex(ix)
        self._loading = False

    def on_project_changed(self, window, changes) -> None:
        """The list reloads when documents or participants changed; coded shares of the documents
        a step touched follow on the next turn of the event loop (several codings, one query). A
        text edit reloads the list with the shares it had, and its document's share follows."""
        if window.project is None:
            return
        if changes.everything or changes.document_list or changes.cases:
            edit_only = changes.texts and not (changes.everything or changes.cases or changes.codes)
            docs = getattr(window, "document_list", None)  # the window has just read them for this change
            shares = self.model_.shares() if edit_only or self.model_.counting else window.project.coded_shares()
            self.load(docs if docs is not None else window.project.documents(), shares,
                      window.current_document, speaker_links(window.project.speakers()))
            if not edit_only:
                self._pending_shares = set()
                return
        elif changes.texts:  # an edit: the edited documents' rows (words, turns), shares as below
            self.model_.update_documents([d for d in getattr(window, "document_list", ()) if d.id in changes.texts])
        if changes.codings or changes.codes or changes.texts:  # an edit changes the share's length too
            pending = self._pending_shares
            if changes.codes or pending is None:  # a deleted or merged code may touch any document
                pending = None
            else:
                pending |= changes.documents
            self._pending_shares = pending
            if self._shares_timer is None:
                self._shares_timer = QTimer(self)
                self._shares_timer.setSingleShot(True)
                self._shares_timer.timeout.connect(lambda: self._update_pending_shares(window))
            self._shares_timer.start(0)

    def _update_pending_shares(self, window) -> None:
        docs, self._pending_shares = self._pending_shares, set()
        if window.project is not None and not self.model_.counting:  # (counting: counts_ready shows them all)
            self.update_shares(window.project.coded_shares(document_ids=docs), docs)

    def set_counting(self, counting: bool) -> None:
        """The coded shares are being counted (ui/background_counts.py): their cells say so."""
        self.model_.set_counting(counting)

    def counts_ready(self, project) -> None:
        """The count is in: every document's coded share replaces "…"."""
        self._pending_shares = set()
        self.model_.update_shares(project.coded_shares())
        self.model_.set_counting(False)

    def update_shares(self, shares: dict[int, float], only: set[int] | None = None) -> None:
        """Show coded shares; with `only`, just those documents' (the others did not change: a
        coding costs its document's row, not a walk over 2,000 rows)."""
        self.model_.update_shares(shares, only)

    def select_document(self, doc_id: int) -> None:
        if self.currentIndex().row() in self.model_.rows_of(doc_id):
            return  # already current, under one of its participants
        ix = self.model_.index_for(doc_id)
        if ix.isValid() and ix.row() != self.currentIndex().row():
            self._loading = True
            self.setCurrentIndex(ix)
            self._loading = False
            self.scrollTo(ix)

    def item_for(self, doc_id: int) -> QModelIndex | None:
        """The row of a document (its first, column 0), or None when it is not listed."""
        ix = self.model_.index_for(doc_id)
        return ix if ix.isValid() else None

    def current_document(self):
        """The document of the current row, or None."""
        return self.model_.document_at(self.currentIndex())

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Arrow keys, Page Up/Down, Home and End step over participant rows to the next document."""
        A = QAbstractItemView.CursorAction
        model = self.model_
        if action == A.MoveHome:  # a list's Home and End: the first and last document, not a cell
            ix = model.index(0, 0)
        elif action == A.MoveEnd:
            ix = model.index(model.rowCount() - 1, 0)
        else:
            ix = super().moveCursor(action, modifiers)
        step = -1 if action in (A.MoveUp, A.MovePageUp, A.MoveEnd, A.MovePrevious, A.MoveLeft) else 1
        for direction in (step, -step):  # nothing that way (e.g. Up from the first document): the other way
            probe = ix
            while model.is_participant_row(probe):
                probe = model.index(probe.row() + direction, 0)
            if probe.isValid():
                return probe
        return self.currentIndex()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._loading or not current.isValid():
            return
        doc_id = current.data(DOC_ROLE)
        if doc_id is not None:
            self.documentChosen.emit(doc_id)
