"""File > Team > Coders…: coders listed with initials and role; a role typed in the table is saved
after a confirmation (it cannot be undone), and de-identified exports name the coder by it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

import npmdesk.ui.coders_dialog as cd
from npmdesk.formats.deidentified import Deidentification


@pytest.fixture
def opened(window, monkeypatch):
    """File > Team > Coders… as a user opens it; the dialog is kept instead of blocking."""
    window.project.ensure_coder("Ben Okafor")
    shown: list[cd.CodersDialog] = []

    def keep(self):
        shown.append(self)
        self.show()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(cd.CodersDialog, "exec", keep)
    asked: list[str] = []
    answers = {"next": QMessageBox.StandardButton.Save}

    def question(parent, title, text, *a, **k):
        asked.append(text)
        return answers["next"]

    monkeypatch.setattr(cd.QMessageBox, "question", question)
    menu = next(a.menu() for a in window.menus["File"].actions()
                if a.menu() is not None and a.menu().objectName() == "teamMenu")
    action = next(a for a in menu.actions() if a.text() == "C&oders…")
    action.trigger()
    assert shown, "File > Team > Coders… opened no dialog"
    dialog = shown[0]
    dialog.asked, dialog.answers = asked, answers
    yield dialog
    dialog.close()


def row_of(dialog, name: str) -> int:
    t = dialog.table
    return next(i for i in range(t.rowCount()) if t.item(i, 0).data(cd.NAME_ROLE) == name)


def type_role(qtbot, dialog, name: str, role: str) -> None:
    t = dialog.table
    item = t.item(row_of(dialog, name), cd.ROLE)
    rect = t.visualItemRect(item)
    qtbot.mouseClick(t.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(t.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not t
    editor.selectAll()
    if role:
        qtbot.keyClicks(editor, role)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: t.state() != t.State.EditingState)  # the delegate commits on the next turn


def cells(dialog, name: str) -> list[str]:
    r = row_of(dialog, name)
    return [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]


def test_coders_are_listed_with_initials_role_and_their_work(opened):
    names = [opened.table.item(i, 0).text() for i in range(opened.table.rowCount())]
    assert names == ["Ana (you)", "Ben Okafor"]
    ben = cells(opened, "Ben Okafor")
    assert ben[1] == "B.O." and ben[2] == "" and ben[3] == "B.O." and ben[4] == "0"
    ana = cells(opened, "Ana")
    assert int(ana[4].replace(",", "")) == opened.w.project.counts()["codings"] > 0
    assert not opened.save.isEnabled()
    assert "cannot be undone" in opened.note.text()


def test_a_typed_role_is_saved_after_confirmation_and_names_the_coder_in_exports(qtbot, window, opened, reopen):
    p = window.project
    code = p.ensure_code_path("Belonging")
    assert window.run("Add code", lambda: p.rename_code(code, "Belonging (kept)")).ok
    assert window.undo_stack.canUndo()
    type_role(qtbot, opened, "Ben Okafor", "Research assistant")
    assert cells(opened, "Ben Okafor")[3] == "Research assistant"
    assert opened.save.isEnabled() and opened.save.text() == "&Save 1 role"
    assert reopen().coder_roles()["Ben Okafor"] == ""  # typed, not yet saved
    qtbot.mouseClick(opened.save, Qt.MouseButton.LeftButton)
    assert "Ben Okafor: Research assistant" in opened.asked[-1] and "Ctrl+Z will not" in opened.asked[-1]
    assert reopen().coder_roles() == {"Ana": "", "Ben Okafor": "Research assistant"}
    qtbot.waitUntil(lambda: not window.undo_stack.canUndo())  # said, and the history starts again
    assert "cannot be undone" in window.statusBar().currentMessage()
    assert not opened.save.isEnabled()
    deid = Deidentification.of(reopen())
    assert deid("Coded by Ben Okafor and Ana.") == "Coded by Research assistant and A.."


def test_cancelling_the_confirmation_or_discarding_on_close_stores_nothing(qtbot, window, opened, reopen):
    type_role(qtbot, opened, "Ana", "PI")
    opened.answers["next"] = QMessageBox.StandardButton.Cancel
    qtbot.mouseClick(opened.save, Qt.MouseButton.LeftButton)
    assert reopen().coder_roles()["Ana"] == ""
    assert opened.pending() == {"Ana": "PI"}  # still typed, to save later
    opened.answers["next"] = QMessageBox.StandardButton.Discard
    opened.reject()  # the Close button
    assert "Save the 1 role you typed" in opened.asked[-1]
    assert not opened.isVisible()
    assert reopen().coder_roles()["Ana"] == ""


def test_clearing_a_role_goes_back_to_initials(qtbot, window, opened, reopen):
    window.project.set_coder_role("Ben Okafor", "PI")
    opened.fill()
    assert cells(opened, "Ben Okafor")[3] == "PI"
    type_role(qtbot, opened, "Ben Okafor", "")
    assert cells(opened, "Ben Okafor")[3] == "B.O."
    qtbot.mouseClick(opened.save, Qt.MouseButton.LeftButton)
    assert reopen().coder_roles()["Ben Okafor"] == ""


def test_a_role_too_long_is_refused_whole_and_stays_typed(qtbot, window, opened, reopen, messages):
    type_role(qtbot, opened, "Ana", "PI")
    type_role(qtbot, opened, "Ben Okafor", "R" * 61)
    qtbot.mouseClick(opened.save, Qt.MouseButton.LeftButton)
    assert any("at most 60 characters" in m for m in messages)
    assert reopen().coder_roles() == {"Ana": "", "Ben Okafor": ""}  # neither role: one step, refused whole
    assert opened.pending() == {"Ana": "PI", "Ben Okafor": "R" * 61}
