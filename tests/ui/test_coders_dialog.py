"""File > Team > Coders…: coders listed with initials and role; a role typed in the table is saved
after a confirmation (Ctrl+Z does not take it back, but every earlier step stays undoable), and
de-identified exports name the coder by it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

import npmdesk.ui.coders_dialog as cd
from npmdesk.formats.deidentified import Deidentification
from npmdesk.store.journal import Journal
from tests.ui.conftest import click_code, code_id, select_text


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
    assert isinstance(editor, QLineEdit) and editor is not t
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
    assert window.run("Add code", lambda: p.ensure_code_path("Belonging")).ok
    assert window.undo_stack.canUndo()
    type_role(qtbot, opened, "Ben Okafor", "Research assistant")
    assert cells(opened, "Ben Okafor")[3] == "Research assistant"
    assert opened.save.isEnabled() and opened.save.text() == "&Save 1 role"
    assert reopen().coder_roles()["Ben Okafor"] == ""  # typed, not yet saved
    qtbot.mouseClick(opened.save, Qt.MouseButton.LeftButton)
    asked = opened.asked[-1]
    assert "Ben Okafor: Research assistant" in asked and "Ctrl+Z does not take them back" in asked
    assert "Your other steps stay undoable" in asked
    assert reopen().coder_roles() == {"Ana": "", "Ben Okafor": "Research assistant"}
    qtbot.wait(50)  # a step that cannot be undone would clear the stack on the next turn of the loop
    assert window.undo_stack.canUndo() and window.undo_stack.undoText() == "Add code"
    assert "other steps stay undoable" in window.statusBar().currentMessage()
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


def stored_spans(reopen, doc_id) -> set[tuple[int, str]]:
    p = reopen()
    text = p.document_text(doc_id)
    return {(c.code_id, text[c.start:c.end]) for c in p.codings_in_document(doc_id)}


def journalled_rows(project) -> dict[str, list[tuple]]:
    """Every row of every table the undo journal records (store/journal.py), as stored."""
    tables = sorted(Journal(project.db.conn).columns)
    return {t: sorted(project.db.conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def test_saving_a_role_keeps_the_coding_before_it_undoable(qtbot, window, opened, reopen):
    """Coder roles touch no journalled table, so the undo history stays valid: Ctrl+Z after
    saving a role still takes back the coding made before it, exactly."""
    tables = Journal(reopen().db.conn).columns
    assert "coders" not in tables and "audit" not in tables  # roles and their audit row: not journalled
    assert {"codings", "codes", "documents"} <= set(tables)
    # The user codes a passage in the window (the dialog is kept open beside it in this test).
    doc = window.current_document
    code = code_id(window, "Seeing the system")
    phrase = "the exam calendar"
    select_text(window.transcript, phrase)
    click_code(qtbot, window, code)
    assert (code, phrase) in stored_spans(reopen, doc)
    before = journalled_rows(reopen())
    type_role(qtbot, opened, "Ben Okafor", "PI")
    qtbot.mouseClick(opened.save, Qt.MouseButton.LeftButton)
    assert reopen().coder_roles()["Ben Okafor"] == "PI"
    assert journalled_rows(reopen()) == before  # saving the role wrote no row the journal tracks
    qtbot.wait(50)
    assert window.undo_stack.canUndo()
    opened.close()
    assert window.undo_stack.undoText() == "Code “Seeing the system”"  # the coding, still the last step
    window.activateWindow()  # back to the window: Ctrl+Z is its shortcut
    qtbot.waitUntil(window.isActiveWindow)
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (code, phrase) not in stored_spans(reopen, doc)
    assert reopen().coder_roles()["Ben Okafor"] == "PI"  # the role stays: it is not in the history
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (code, phrase) in stored_spans(reopen, doc)
