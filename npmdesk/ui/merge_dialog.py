"""Choosing the code to merge another into: the code tree with a filter box, nothing chosen until
the user chooses (a merge into the first code of a list, by a stray Enter, is a bad surprise), or
types a filter that leaves one code only.

The code being merged and its sub-codes are left out (a code cannot be merged into itself or one
of its own sub-codes). A category that is never applied cannot take a code's codings, so it is
shown but cannot be chosen while the merged code has codings of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem,
    QTreeWidgetItemIterator, QVBoxLayout,
)

ID_ROLE = Qt.ItemDataRole.UserRole


class MergeDialog(QDialog):
    def __init__(self, parent, codes, source_id: int, *, non_codable=frozenset(), source_codings: int = 0):
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge code")
        by_id = {c.id: c for c in codes}
        source = by_id[source_id]
        left_out = {source_id}
        for c in codes:  # tree order: a parent comes before its sub-codes
            if c.parent_id in left_out:
                left_out.add(c.id)
        label = QLabel(f"Merge “{source.path}” into:", self)
        label.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("mergeFilter")
        self.filter.setPlaceholderText("Type to filter codes")
        self.filter.setAccessibleName("Filter codes")
        self.filter.setClearButtonEnabled(True)
        label.setBuddy(self.filter)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("mergeTree")
        self.tree.setAccessibleName("Codes to merge into")
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        items: dict[int, QTreeWidgetItem] = {}
        for c in codes:
            if c.id in left_out:
                continue
            parent_item = items.get(c.parent_id) if c.parent_id is not None else None
            item = QTreeWidgetItem([c.name])
            item.setData(0, ID_ROLE, c.id)
            item.setToolTip(0, c.path)
            item.setIcon(0, _swatch(c.color))
            if c.id in non_codable and source_codings:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                item.setText(0, f"{c.name}  (category: not applied)")
                item.setToolTip(0, f"{c.path}: a category that is never applied cannot take codings")
            (parent_item.addChild(item) if parent_item is not None else self.tree.addTopLevelItem(item))
            items[c.id] = item
        self.items = items
        self._auto_chosen: QTreeWidgetItem | None = None  # chosen by the filter, not by the user
        self.paths = {cid: by_id[cid].path.casefold() for cid in items}
        self.tree.expandAll()
        self.tree.clearSelection()  # nothing chosen until the user chooses
        note = QLabel("Its codings, sub-codes, memo and definition go to the code chosen; "
                      "Ctrl+Z in the window undoes the merge.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("mergeButton")
        self.ok_button.setEnabled(False)
        for b in buttons.buttons():  # Enter is handled by the filter box and the tree, never a default button
            if isinstance(b, QPushButton):
                b.setAutoDefault(False)
                b.setDefault(False)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.tree.itemSelectionChanged.connect(self._chosen_changed)
        self.tree.itemActivated.connect(lambda *_: self._accept())  # double-click or Enter on a code
        self.filter.textChanged.connect(self._narrow)
        self.filter.returnPressed.connect(self._enter_in_filter)
        self.filter.installEventFilter(self)
        self.resize(460, 520)
        self.filter.setFocus()

    # Choosing ------------------------------------------------------------------------------------

    def chosen(self) -> int | None:
        selected = [i for i in self.tree.selectedItems() if not i.isHidden()]
        return selected[0].data(0, ID_ROLE) if selected else None

    def _chosen_changed(self) -> None:
        self.ok_button.setEnabled(self.chosen() is not None)

    def _accept(self) -> None:
        if self.chosen() is not None:
            self.accept()

    def _enter_in_filter(self) -> None:
        """Enter confirms a code chosen, or the only code the filter left (a name typed in full)."""
        if self.chosen() is None:
            visible = [i for i in self._choosable() if self._matches(i)]
            if len(visible) == 1:
                self.tree.setCurrentItem(visible[0])
        self._accept()

    def eventFilter(self, obj, event):  # noqa: N802 - Down in the filter goes into the tree
        if obj is self.filter and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            self.tree.setFocus()
            if self.tree.currentItem() is None or self.tree.currentItem().isHidden():
                first = next((i for i in self._choosable() if not i.isHidden()), None)
                if first is not None:
                    self.tree.setCurrentItem(first)
            return True
        return super().eventFilter(obj, event)

    # Filtering -----------------------------------------------------------------------------------

    def _choosable(self) -> list[QTreeWidgetItem]:
        out = []
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            if item.flags() & Qt.ItemFlag.ItemIsSelectable:
                out.append(item)
            it += 1
        return out

    def _matches(self, item: QTreeWidgetItem) -> bool:
        words = self.filter.text().casefold().split()
        path = self.paths[item.data(0, ID_ROLE)]
        return all(w in path for w in words)

    def _narrow(self, _text: str = "") -> None:
        """Codes whose path holds every word typed stay, with their parents (the tree stays a tree)."""
        shown: set[int] = set()
        for item in self.items.values():
            if self._matches(item):
                node: QTreeWidgetItem | None = item
                while node is not None and node.data(0, ID_ROLE) not in shown:
                    shown.add(node.data(0, ID_ROLE))
                    node = node.parent()
        for cid, item in self.items.items():
            item.setHidden(cid not in shown)
        self.tree.expandAll()
        self._choose_the_only_one()
        self._chosen_changed()

    def _choose_the_only_one(self) -> None:
        """A filter that leaves one code to choose chooses it (so Merge can be clicked, not only
        Enter pressed); once the filter leaves several again, that choice, which was not the
        user's own, is dropped."""
        left = [i for i in self._choosable() if self._matches(i)] if self.filter.text().split() else []
        if len(left) == 1:
            self.tree.setCurrentItem(left[0])
            self._auto_chosen = left[0]
        elif self._auto_chosen is not None:
            if self._auto_chosen.isSelected():
                self.tree.clearSelection()
            self._auto_chosen = None


def _swatch(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(QColor(color))
    return QIcon(pix)


def choose_merge_target(window, codes, source_id: int) -> int | None:
    """Ask which code `source_id` merges into; None if cancelled."""
    p = window.project
    own = p.code_counts(code_ids=(source_id,)).get(source_id)
    dialog = MergeDialog(window, codes, source_id, non_codable=p.non_codable_codes(),
                         source_codings=own.codings if own else 0)
    if len(dialog.items) == 0:
        from npmdesk.ui.dialogs import show_error

        show_error(window, "There is no other code to merge it into.")
        return None
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
