"""CodeTreeModel: the project's code tree as a QAbstractItemModel (any depth), with counts.

Each index carries its code's id (internalId), so identity survives reordering. A refresh whose
tree shape is unchanged only emits dataChanged (counts, names, colours); a few codes added,
removed or moved are inserted, removed and moved row by row; a large change resets.
Editing a name and dropping codes do not change the store here: the model emits requests that the
window turns into undoable commands.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from npmdesk.core.code_catalog import ZERO as _ZERO
from npmdesk.core.code_catalog import CodeCatalog
from npmdesk.store.codes import CodeDefinition
from npmdesk.ui import mime as mimes

CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Code", "Codings", "Docs", "People")
_NCOLS = len(COLUMNS)
_DISPLAY, _EDIT = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole
_ROLES = frozenset((_DISPLAY, _EDIT, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.AccessibleTextRole, CODE_ID_ROLE,
                    Qt.ItemDataRole.ForegroundRole))
_DROP_FLAGS = Qt.ItemFlag.ItemIsDropEnabled
_ROW_FLAGS = (_DROP_FLAGS | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
              | Qt.ItemFlag.ItemIsDragEnabled)
_NAME_FLAGS = _ROW_FLAGS | Qt.ItemFlag.ItemIsEditable
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# While the project's counts are being counted (ui/background_counts.py): what the count cells say.
COUNTING = ("counting…", "…", "…")
LARGE = 40  # codes added, removed and moved by one change beyond which the model resets


@dataclass
class Shown:
    """What `CodeTreeModel.shown` did: reset, or the codes inserted, removed (the top of each
    removed branch), the parents that received codes, and the rows repainted."""

    reset: bool = False
    added: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)
    grown: set[int | None] = field(default_factory=set)
    changed: set[int] = field(default_factory=set)


class CodeTreeModel(QAbstractItemModel):
    renameRequested = Signal(int, str)

    def __init__(self, catalog: CodeCatalog | None = None, parent=None):
        super().__init__(parent)
        self.catalog = catalog if catalog is not None else CodeCatalog()
        # The tree as the view last saw it (Qt needs the old shape until a reset), and its counts.
        self._codes: dict = {}
        self._children: dict[int | None, list[int]] = {None: []}
        self._counts: tuple[dict, dict] = ({}, {})
        self.row_of: dict[int, int] = {}
        self.editable = True  # names can be edited in place (not in a read-only project)
        # Where tooltips read definitions and criteria from (Project.code_definitions: one query for
        # every code), read at the first hover after the codes changed, not once per hover.
        self.definitions_from: Callable[[], dict[int, CodeDefinition]] | None = None
        self._definitions: dict[int, CodeDefinition] | None = None
        # The counts are being counted (ui/background_counts.py): the count cells say so instead
        # of showing the catalog's (empty) numbers as if they were counted.
        self.counting = False

    def set_counting(self, counting: bool) -> None:
        """Show "counting…" in every count cell, or the catalog's counts again (every row repainted:
        one change per branch, not one per row)."""
        if counting == self.counting:
            return
        self.counting = counting
        self._counts = (dict(self.own), dict(self.total))
        for ids in self._children.values():
            if ids:
                self.dataChanged.emit(self._index_of(ids[0], 1), self._index_of(ids[-1], len(COLUMNS) - 1))

    @property
    def codes(self):
        """The codes shown (the catalog's, once shown)."""
        return self._codes

    @property
    def children(self):
        return self._children

    @property
    def own(self):
        return self.catalog.own

    @property
    def total(self):
        return self.catalog.total

    def shown(self, before_reset: Callable[[], None] | None = None, reset: bool = False) -> Shown:
        """Show the catalog as it is now. A few codes added, removed, moved or reordered (a new
        code, in-vivo coding, a delete, a drag, their undo) are inserted, removed and moved row by
        row, so the view keeps its expansion and current code; a large change (a merge or an import
        of many codes), a first load or a `reset` (a project closed) resets (`before_reset` is called
        first, so the caller can note what the view had open). Then only the rows that look different are repainted (a
        coding changes one code and its ancestors)."""
        codes, children = dict(self.catalog.codes), {k: list(v) for k, v in self.catalog.children.items()}
        children.setdefault(None, [])
        old_codes, old_children, (old_own, old_total) = self._codes, self._children, self._counts
        self._definitions = None  # a definition may be what changed
        result = Shown()
        if reset or _shape(children) != _shape(self._children):
            if reset or not old_codes or not self._restructure(codes, children, result):
                if before_reset is not None:
                    before_reset()
                self.beginResetModel()
                self._codes, self._children = codes, children
                self.row_of = {cid: i for ids in children.values() for i, cid in enumerate(ids)}
                self.endResetModel()
                self._counts = (dict(self.own), dict(self.total))
                result.reset = True
                return result
        self._codes, self._children = codes, children
        for cid, code in codes.items():
            if (old_codes.get(cid) != code or old_own.get(cid) != self.own.get(cid)
                    or old_total.get(cid) != self.total.get(cid)
                    or bool(old_children.get(cid)) != bool(children.get(cid))):
                result.changed.add(cid)
                self.dataChanged.emit(self._index_of(cid), self._index_of(cid, len(COLUMNS) - 1))
        self._counts = (dict(self.own), dict(self.total))
        return result

    # Row by row: inserts, moves between parents, removals, then reordering within a parent. Qt
    # reads the model between the begin and end calls, so the shown tree is updated one step at a
    # time: at each step `_codes` holds every shown code with the parent it has now.

    def _restructure(self, codes: dict, children: dict[int | None, list[int]], result: Shown) -> bool:
        """Turn the shown tree into the catalog's, row by row. False: too large a change (reset)."""
        shown = self._codes
        added = [cid for cid in _preorder(children) if cid not in shown]
        removed = {cid for cid in shown if cid not in codes}
        moved = [cid for cid in codes if cid in shown and shown[cid].parent_id != codes[cid].parent_id]
        if len(added) + len(removed) + len(moved) > LARGE:
            return False
        self._codes = dict(shown)
        self._children = {k: list(v) for k, v in self._children.items()}
        for cid in added:  # parents first: a code's parent is shown before it is inserted
            parent = codes[cid].parent_id
            row = self._place(cid, parent, children)
            self.beginInsertRows(self._index_of(parent), row, row)
            self._children.setdefault(parent, []).insert(row, cid)
            self._codes[cid] = codes[cid]
            self._renumber(parent)
            self.endInsertRows()
            result.added.add(cid)
            result.grown.add(parent)
        waiting = list(moved)
        while waiting:
            later = []
            for cid in waiting:
                src, dst = self._codes[cid].parent_id, codes[cid].parent_id
                if self._under(dst, cid):
                    later.append(cid)  # its new parent is under it for now: after that one moves
                    continue
                row = self._children[src].index(cid)
                to = self._place(cid, dst, children)
                if not self.beginMoveRows(self._index_of(src), row, row, self._index_of(dst), to):
                    return False
                self._children[src].pop(row)
                self._children.setdefault(dst, []).insert(to, cid)
                if src is not None and not self._children[src]:
                    del self._children[src]
                self._codes[cid] = codes[cid]
                self._renumber(src)
                self._renumber(dst)
                self.endMoveRows()
                result.grown.add(dst)
            if len(later) == len(waiting):
                return False
            waiting = later
        for cid in [c for c in removed if self._codes[c].parent_id not in removed]:
            parent = self._codes[cid].parent_id
            row = self._children[parent].index(cid)
            self.beginRemoveRows(self._index_of(parent), row, row)
            self._children[parent].pop(row)
            if parent is not None and not self._children[parent]:
                del self._children[parent]
            for gone in self._subtree(cid):  # only removed codes are left under it now
                self._codes.pop(gone, None)
                self._children.pop(gone, None)
                self.row_of.pop(gone, None)
            self._renumber(parent)
            self.endRemoveRows()
            result.removed.add(cid)
        moves = 0
        for parent, target in children.items():
            now = self._children.get(parent, [])
            if now == target:
                continue
            if sorted(now) != sorted(target):
                return False  # not the same codes: the steps above missed something (reset)
            index = self._index_of(parent)
            for i, cid in enumerate(target):
                if now[i] == cid:
                    continue
                j = now.index(cid, i)
                moves += 1
                if moves > LARGE or not self.beginMoveRows(index, j, j, index, i):
                    return False
                now.insert(i, now.pop(j))
                self._renumber(parent)
                self.endMoveRows()
        return _shape(self._children) == _shape(children)

    def _place(self, cid: int, parent: int | None, children: dict[int | None, list[int]]) -> int:
        """Where a code goes among its parent's shown codes: after the nearest one that comes
        before it in the catalog (the reordering step fixes anything left)."""
        now = self._children.get(parent, [])
        target = children.get(parent, [])
        i = target.index(cid)
        for before in reversed(target[:i]):
            if before in now and before != cid:
                return now.index(before) + 1
        return 0

    def _under(self, code_id: int | None, ancestor: int) -> bool:
        """Whether `code_id` is `ancestor` or below it in the shown tree."""
        seen = 0
        while code_id is not None and seen <= len(self._codes):
            if code_id == ancestor:
                return True
            code = self._codes.get(code_id)
            code_id = code.parent_id if code is not None else None
            seen += 1
        return False

    def _subtree(self, code_id: int) -> list[int]:
        out, todo = [], [code_id]
        while todo:
            cid = todo.pop()
            out.append(cid)
            todo.extend(self._children.get(cid, ()))
        return out

    def _renumber(self, parent: int | None) -> None:
        for i, cid in enumerate(self._children.get(parent, ())):
            self.row_of[cid] = i

    def counts_shown(self, code_ids) -> None:
        """Only these codes' counts changed (see CodeCatalog.set_counts)."""
        for cid in code_ids:
            if cid in self.row_of:
                self.dataChanged.emit(self._index_of(cid, 1), self._index_of(cid, len(COLUMNS) - 1))
        self._counts = (dict(self.own), dict(self.total))

    def load(self, project, before_reset: Callable[[], None] | None = None) -> Shown:
        """Fill the catalog from a project (or empty it) and show it."""
        self.definitions_from = None if project is None else project.code_definitions
        if project is None:
            self.catalog.load([], {}, {})
        elif self.counting:  # counted in the background: the cells say "counting…" until then
            self.catalog.load(project.codes(), {}, {})
        else:
            self.catalog.load(project.codes(), project.code_counts(), project.code_counts(with_descendants=True))
        return self.shown(before_reset, reset=project is None)

    def recount(self, project, code_ids: set[int]) -> set[int]:
        """Counts of a few codes changed: refresh those codes and their ancestors only, at a cost
        that follows their codings, not the project's."""
        chain = self.catalog.ancestors_and_self(code_ids)
        if not chain or self.counting:  # (counting: every count cell says so until the count is in)
            return set()
        own_ids = set(code_ids) & chain
        self.catalog.set_counts(project.code_counts(code_ids=own_ids),
                                project.code_counts(with_descendants=True, code_ids=chain), own_ids, chain)
        self.counts_shown(chain)
        return chain

    def _index_of(self, code_id: int | None, column: int = 0) -> QModelIndex:
        if code_id is None or code_id not in self.row_of:
            return QModelIndex()
        return self.createIndex(self.row_of[code_id], column, code_id)

    def index_of(self, code_id: int | None, column: int = 0) -> QModelIndex:
        return self._index_of(code_id, column)

    def code_id(self, index: QModelIndex) -> int | None:
        return index.internalId() if index.isValid() else None

    # QAbstractItemModel ---------------------------------------------------------------------------

    # index, parent, rowCount, data and flags are called a few hundred times per frame of the tree
    # (its layout and paint after a row comes or goes): they read the dicts directly and compare
    # roles with constants, as Python enum operations cost more than the rest of the call.

    def index(self, row, column, parent=QModelIndex()):
        ids = self._children.get(parent.internalId() if parent.isValid() else None)
        if ids is not None and 0 <= row < len(ids) and 0 <= column < _NCOLS:
            return self.createIndex(row, column, ids[row])
        return QModelIndex()

    def parent(self, index=QModelIndex()):  # noqa: A003 (Qt's name)
        if not index.isValid():
            return QModelIndex()
        code = self._codes.get(index.internalId())
        pid = code.parent_id if code is not None else None
        row = self.row_of.get(pid) if pid is not None else None
        return self.createIndex(row, 0, pid) if row is not None else QModelIndex()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        if not parent.isValid():
            return len(self._children[None])
        if parent.column() != 0:
            return 0
        return len(self._children.get(parent.internalId(), ()))

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return ("Code name", "Codings of this code (with its sub-codes in brackets)",
                    "Documents it is applied in", "Participants it speaks for")[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None  # most roles a delegate asks for (font, colours, size hint, …): none
        cid = index.internalId()
        code = self._codes.get(cid)
        if code is None:
            return None
        col = index.column()
        if role == _DISPLAY or role == _EDIT:
            if col == 0:
                return code.name
            if role == _EDIT:
                return None
            if self.counting:
                return COUNTING[col - 1]
            own, total = self.own.get(cid, _ZERO), self.total.get(cid, _ZERO)
            field = ("codings", "documents", "participants")[col - 1]
            a, b = getattr(own, field), getattr(total, field)
            return f"{a} ({b})" if self.children.get(cid) and b != a else str(a)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return QColor(code.color)  # drawn as a swatch at any device pixel ratio
        if role == Qt.ItemDataRole.ToolTipRole:
            total = self.total.get(cid, _ZERO)
            tip = f"<b>{_esc_lines(code.path)}</b>"
            definition = self._definition(cid)
            description = definition.description if definition is not None else code.description
            if description.strip():
                tip += f"<br>{_esc_lines(description.strip())}"
            for label, text in definition.criteria if definition is not None else ():
                tip += f"<br><b>{label}:</b> {_esc_lines(text)}"
            if definition is not None and not definition.codable:
                tip += "<br><i>A category: groups codes, not applied itself</i>"
            if self.counting:
                tip += "<br><i>Counting this project's codings…</i>"
            else:
                tip += (f"<br><i>{total.codings} codings in {total.documents} documents, "
                        f"{total.participants} participants</i>")
            return tip
        if role == _FOREGROUND:  # a pending count is shown in the placeholder colour, not as a number
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText) \
                if self.counting and col > 0 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return _RIGHT
        if role == Qt.ItemDataRole.AccessibleTextRole and col == 0:
            return code.path
        if role == CODE_ID_ROLE:
            return cid
        return None

    def _definition(self, code_id: int) -> CodeDefinition | None:
        if self._definitions is None:
            self._definitions = self.definitions_from() if self.definitions_from is not None else {}
        return self._definitions.get(code_id)

    def flags(self, index):
        if not index.isValid():
            return _DROP_FLAGS
        return _NAME_FLAGS if index.column() == 0 and self.editable else _ROW_FLAGS

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 0:
            return False
        name = str(value).strip()
        if name and name != self.codes[index.internalId()].name:
            self.renameRequested.emit(index.internalId(), name)
        return False  # the command's refresh shows the new name

    # Drag and drop ----------------------------------------------------------------------------------

    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def supportedDragActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self):  # noqa: N802
        return [mimes.CODES_MIME, mimes.SPAN_MIME]

    def mimeData(self, indexes):  # noqa: N802
        ids = []
        for i in indexes:
            if i.isValid() and i.column() == 0 and i.internalId() not in ids:
                ids.append(i.internalId())
        return mimes.codes_mime(ids)

    def dropMimeData(self, data, action, row, column, parent):  # noqa: N802
        return False  # drops are handled by CodeTreeView (as commands), never by copying rows



def _shape(children: dict[int | None, list[int]]) -> dict[int | None, list[int]]:
    """A tree's shape without the empty child lists (a leaf may have one or none)."""
    return {k: v for k, v in children.items() if v or k is None}


def _preorder(children: dict[int | None, list[int]]) -> list[int]:
    out: list[int] = []
    todo = list(reversed(children.get(None, [])))
    while todo:
        cid = todo.pop()
        out.append(cid)
        todo.extend(reversed(children.get(cid, [])))
    return out


def _esc_lines(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")
