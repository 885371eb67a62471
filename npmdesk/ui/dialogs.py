"""Small dialogs: coder name, delete-code confirmation, choosing a code, memo text, messages.

Every message is plain words; no dialog ever shows a traceback.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QInputDialog, QLabel, QLineEdit, QMessageBox,
    QPlainTextEdit, QRadioButton, QVBoxLayout,
)


def show_error(parent, message: str, title: str = "npmdesk") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.exec()


def show_info(parent, title: str, message: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def ask_coder_name(parent, current: str = "") -> str | None:
    """First run: the name stored with every coding and memo (team work depends on it)."""
    while True:
        name, ok = QInputDialog.getText(
            parent, "Welcome to npmdesk",
            "Your name as a coder.\nIt is stored with every coding and memo you make, so that a team's "
            "work can be merged and compared.", QLineEdit.EchoMode.Normal, current)
        if not ok:
            return None
        if name.strip():
            return name.strip()


def ask_text(parent, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value.strip() if ok and value.strip() else None


class MemoDialog(QDialog):
    """A memo in a roomy, word-wrapped editor (Ctrl+Enter saves; Enter is a new line)."""

    def __init__(self, parent, title: str, text: str, label: str = "Memo:"):
        super().__init__(parent)
        self.setObjectName("memoDialog")
        self.setWindowTitle(title)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("memoText")
        self.editor.setAccessibleName(label.rstrip(":"))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setPlainText(text)
        self.editor.installEventFilter(self)
        caption = QLabel(label, self)
        caption.setBuddy(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if (obj is self.editor and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.accept()
            return True
        return super().eventFilter(obj, event)


def ask_memo(parent, title: str, text: str, label: str = "Memo:") -> str | None:
    dialog = MemoDialog(parent, title, text, label)
    return dialog.editor.toPlainText() if dialog.exec() == QDialog.DialogCode.Accepted else None


def choose_code(parent, title: str, label: str, codes, exclude: Collection[int] = frozenset()) -> int | None:
    """A searchable list of codes (type to narrow it; nothing is chosen until the user chooses)."""
    from npmdesk.ui.code_picker import pick_code

    choices = [c for c in codes if c.id not in exclude]
    if not choices:
        show_error(parent, "There is no other code to choose.")
        return None
    return pick_code(parent, title, label, choices)


class DeleteCodeDialog(QDialog):
    """Says what deleting a code will do to its sub-codes and codings, and lets the user choose."""

    def __init__(self, parent, code, sub_codes: int, own_codings: int, subtree_codings: int):
        super().__init__(parent)
        self.setObjectName("deleteCodeDialog")
        self.setWindowTitle("Delete code")
        layout = QVBoxLayout(self)
        facts = f"Delete the code “{code.path}”?"
        parts = []
        if sub_codes:
            parts.append(f"{sub_codes} sub-code(s)")
        if subtree_codings:
            parts.append(f"{subtree_codings} coding(s)" + (" including those of its sub-codes" if sub_codes else ""))
        facts += "\nIt has " + " and ".join(parts) + "." if parts else "\nIt has no sub-codes and no codings."
        layout.addWidget(QLabel(facts))
        self.children_group = QButtonGroup(self)
        self.lift = QRadioButton("Move its sub-codes up one level (they and their codings stay)")
        self.delete_children = QRadioButton("Delete its sub-codes too, with their codings")
        if sub_codes:
            for i, b in enumerate((self.lift, self.delete_children)):
                self.children_group.addButton(b, i)
                layout.addWidget(b)
            self.lift.setChecked(True)
        self.codings_group = QButtonGroup(self)
        self.to_parent = QRadioButton("Give its codings to the parent code")
        self.delete_codings = QRadioButton("Delete its codings")
        if subtree_codings:
            for i, b in enumerate((self.to_parent, self.delete_codings)):
                self.codings_group.addButton(b, i)
                layout.addWidget(b)
            self.to_parent.setEnabled(code.parent_id is not None)
            (self.to_parent if code.parent_id is not None else self.delete_codings).setChecked(True)
            if code.parent_id is None:
                self.to_parent.setText("Give its codings to the parent code (it has none: it is at the top)")
        layout.addWidget(QLabel("You can undo this with Ctrl+Z."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Delete", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.sub_codes, self.any_codings = sub_codes, subtree_codings

    def choice(self) -> tuple[str | None, str | None]:
        children = None
        if self.sub_codes:
            children = "lift" if self.lift.isChecked() else "delete"
        codings = None
        if self.any_codings:
            codings = "parent" if self.to_parent.isChecked() else "delete"
        return children, codings
