"""File > Team > Coders…: who has coded this project, and the role each is named by in
de-identified exports ("PI", "Research assistant"; their initials when no role is set).

A coder's name is who they open the project as, and a merge matches coders by it, so names are
shown, not edited. Roles are edited in the table and saved together with Save roles. Coders are not
journalled (store/coders.py), so saving roles cannot be undone: the dialog asks first. Nor do they
touch a journalled table, so the window keeps its undo history (run(..., keeps_history=True)):
every earlier step stays exactly undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from npmdesk.core.wording import plural
from npmdesk.formats.deidentified import initials
from npmdesk.store.coders import coder_rows, set_coder_roles

COLUMNS = ("Coder", "Initials", "Role", "Named in de-identified exports", "Codings", "Memos")
ROLE = COLUMNS.index("Role")
SHOWN_AS = COLUMNS.index("Named in de-identified exports")
NAME_ROLE = Qt.ItemDataRole.UserRole  # the coder's name, on the name cell
STORED_ROLE = Qt.ItemDataRole.UserRole + 1  # the role as stored, on the role cell


class CodersDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.setObjectName("codersDialog")
        self.setWindowTitle("Coders")
        self.resize(760, 360)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("codersTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ROLE, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        self.note = QLabel(self)
        self.note.setObjectName("codersNote")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save = buttons.addButton("&Save roles", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save.setObjectName("codersSave")
        self.save.clicked.connect(self.save_roles)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A coder's role is how de-identified exports name them (File > Export report…, "
                                "De-identified); with no role, their initials. Double-click a Role to type it.",
                                self, wordWrap=True))
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._filling = False
        self.fill()

    @property
    def read_only(self) -> bool:
        p = self.w.project
        return p is None or p.read_only

    def fill(self) -> None:
        p = self.w.project
        rows = coder_rows(p) if p is not None else []
        self._filling = True
        self.table.setRowCount(0)
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for i, row in enumerate(rows):
            you = row.name == self.w.coder
            cells = [row.name + (" (you)" if you else ""), initials(row.name), row.role,
                     row.role or initials(row.name), f"{row.codings:,}", f"{row.memos:,}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != ROLE or self.read_only:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column in (4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, column, item)
            name = self.table.item(i, 0)
            role = self.table.item(i, ROLE)
            assert name is not None and role is not None  # set just above
            name.setData(NAME_ROLE, row.name)
            name.setToolTip(f"Coding since {row.created[:10]}. A coder is who they open the project as; "
                            "merges match coders by this name, so it is not edited here.")
            if you:
                name.setFont(bold)
            role.setData(STORED_ROLE, row.role)
            role.setToolTip("e.g. PI, Co-investigator, Research assistant, Coder A; empty: initials")
        self._filling = False
        lines = []
        if p is not None and self.w.coder not in {r.name for r in rows}:
            lines.append(f"You ({self.w.coder}) are recorded as a coder with your first change to the project.")
        if self.read_only:
            lines.append("The project is open read-only: roles cannot be changed.")
        else:
            lines.append("Saving roles cannot be undone with Ctrl+Z (coders are not part of the undo history): "
                         "change a role back here. Your other steps stay undoable.")
        self.note.setText(" ".join(lines))
        self._update_save()

    def pending(self) -> dict[str, str]:
        """Roles typed but not saved: coder name -> role."""
        out: dict[str, str] = {}
        for i in range(self.table.rowCount()):
            name, role = self.table.item(i, 0), self.table.item(i, ROLE)
            if name is None or role is None:
                continue
            typed = " ".join(role.text().split())
            if typed != role.data(STORED_ROLE):
                out[name.data(NAME_ROLE)] = typed
        return out

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != ROLE:
            return
        name = self.table.item(item.row(), 0)
        shown = self.table.item(item.row(), SHOWN_AS)
        if name is not None and shown is not None:
            self._filling = True
            shown.setText(" ".join(item.text().split()) or initials(name.data(NAME_ROLE)))
            self._filling = False
        self._update_save()

    def _update_save(self) -> None:
        n = len(self.pending())
        self.save.setEnabled(n > 0 and not self.read_only)
        self.save.setText(f"&Save {plural(n, 'role')}" if n else "&Save roles")

    def save_roles(self) -> bool:
        roles = self.pending()
        p = self.w.project
        if not roles or p is None or self.read_only:
            return False
        listed = "\n".join(f"{name}: {role or '(initials)'}" for name, role in roles.items())
        answer = QMessageBox.question(
            self, "Save coder roles",
            f"Save {plural(len(roles), 'role')}?\n\n{listed}\n\nRoles are saved at once; Ctrl+Z does not take "
            "them back. Your other steps stay undoable. A role can be changed back here at any time.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer != QMessageBox.StandardButton.Save:
            return False
        outcome = self.w.run(f"Set {plural(len(roles), 'coder role')}", lambda: set_coder_roles(p, roles),
                             undoable=False, keeps_history=True)
        if not outcome.ok:
            return False  # the window showed why; the typed roles stay, to correct
        self.fill()  # what is stored now; the window has said that Ctrl+Z does not take it back
        return True

    def reject(self) -> None:
        roles = self.pending()
        if roles and not self.read_only:
            answer = QMessageBox.question(
                self, "Coders", f"Save the {plural(len(roles), 'role')} you typed before closing?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save_roles():
                return
        super().reject()


def edit_coders(window) -> CodersDialog:
    dialog = CodersDialog(window)
    dialog.exec()
    return dialog
