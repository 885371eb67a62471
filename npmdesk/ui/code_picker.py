"""A searchable list of codes: type to narrow it, arrows to move, Enter to choose."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout,
)


class CodePicker(QDialog):
    def __init__(self, parent, title: str, label: str, codes):
        super().__init__(parent)
        self.setObjectName("codePicker")
        self.setWindowTitle(title)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("codePickerFilter")
        self.filter.setPlaceholderText("Type to filter codes")
        self.filter.setAccessibleName("Filter codes")
        self.list = QListWidget(self)
        self.list.setObjectName("codePickerList")
        self.list.setAccessibleName("Codes")
        for c in codes:
            item = QListWidgetItem(c.path)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        text = QLabel(label, self)
        text.setBuddy(self.filter)
        layout.addWidget(text)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._narrow)
        self.filter.returnPressed.connect(self._accept)
        self.list.itemActivated.connect(lambda *_: self._accept())
        self.filter.installEventFilter(self)
        self.resize(420, 420)

    def eventFilter(self, obj, event):  # noqa: N802 - arrows in the filter move in the list
        from PySide6.QtCore import QEvent
        if obj is self.filter and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.list.setFocus()
            self.list.keyPressEvent(event)
            self.filter.setFocus()
            return True
        return super().eventFilter(obj, event)

    def _narrow(self, text: str) -> None:
        words = text.casefold().split()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)
        else:
            self.list.setCurrentRow(-1)

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None

    def _accept(self) -> None:
        if self.chosen() is not None:
            self.accept()


def pick_code(parent, title: str, label: str, codes) -> int | None:
    dialog = CodePicker(parent, title, label, codes)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
