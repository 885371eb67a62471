"""The code definition editor: definition, inclusion and exclusion criteria, an example, and whether
the code is applied at all (a theme may only group codes). What a codebook entry holds, in one
dialog, saved as one undoable step (the caller runs it through window.run)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget,
)

from npmdesk.core.wording import plural
from npmdesk.store.codes import CodeDefinition

# (field, label with its Alt key, placeholder, share of the height)
FIELDS = (
    ("description", "&Definition", "What the code means, in a sentence or two.", 3),
    ("inclusion", "&Inclusion criteria", "Apply it when… (what a passage must show).", 2),
    ("exclusion", "E&xclusion criteria", "Do not apply it when… (and which code to use instead).", 2),
    ("example", "Exa&mple", "A typical passage, quoted or paraphrased.", 2),
)


class DefinitionDialog(QDialog):
    """Edits a code's definition fields; `definition()` is what the user left in them."""

    def __init__(self, parent: QWidget | None, code_path: str, definition: CodeDefinition, codings: int = 0):
        super().__init__(parent)
        self.setObjectName("definitionDialog")
        self.setWindowTitle(f"Definition of “{code_path}”")
        self.original = definition
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{html.escape(code_path)}</b>", self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        self.editors: dict[str, QPlainTextEdit] = {}
        for field, label, placeholder, stretch in FIELDS:
            editor = QPlainTextEdit(self)
            editor.setObjectName(f"definition_{field}")
            editor.setAccessibleName(label.replace("&", ""))
            editor.setPlaceholderText(placeholder)
            editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            editor.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            editor.setTabChangesFocus(True)  # Tab goes to the next field, as in any form
            editor.setPlainText(getattr(definition, field))
            text = QLabel(label, self)
            text.setBuddy(editor)
            layout.addWidget(text)
            layout.addWidget(editor, stretch)
            self.editors[field] = editor
        self.codable = QCheckBox("&Can be applied to text", self)
        self.codable.setObjectName("definition_codable")
        self.codable.setChecked(definition.codable)
        self.codable.setToolTip("Untick for a theme or category that only groups its sub-codes: it is then never "
                                "applied to a passage itself (and is exported to REFI-QDA as not codable).")
        if definition.codable and codings:
            self.codable.setEnabled(False)  # the store would refuse: its codings would be on a category
            them = "it" if codings == 1 else "them"
            self.codable.setToolTip(f"It has {plural(codings, 'coding')}: move {them} to a sub-code "
                                    "(or merge it) before making it a category that is never applied.")
        layout.addWidget(self.codable)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setToolTip("Save (Ctrl+Enter); Ctrl+Z in the window undoes it")
        layout.addWidget(buttons)
        for editor in self.editors.values():  # Ctrl+Enter saves; Enter alone is a new line in a field
            editor.installEventFilter(self)
        self.resize(600, 620)
        self.editors["description"].setFocus()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.accept()
            return True
        return super().eventFilter(obj, event)

    def definition(self) -> CodeDefinition:
        values = {field: editor.toPlainText().strip() for field, editor in self.editors.items()}
        return CodeDefinition(**values, codable=self.codable.isChecked())

    def changes(self) -> dict:
        """Only the fields the user changed (keyword arguments of Project.set_code_definition)."""
        new, old = self.definition(), self.original
        out: dict = {f: getattr(new, f) for f, *_ in FIELDS if getattr(new, f) != getattr(old, f).strip()}
        if new.codable != old.codable:
            out["codable"] = new.codable
        return out


def edit_definition(window, code_id: int) -> bool:
    """Open the editor on a code and save what changed as one undoable step; True if saved."""
    p = window.project
    code = p.code(code_id)
    own = p.code_counts(code_ids=(code_id,)).get(code_id)
    dialog = DefinitionDialog(window, code.path, p.code_definition(code_id), own.codings if own else 0)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    changes = dialog.changes()
    if not changes:
        return False
    return window.run(f"Edit definition of “{code.name}”", lambda: p.set_code_definition(code_id, **changes)).ok
