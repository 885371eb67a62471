"""Participant edits are on the window's undo stack (issue 18 point 11): renaming a participant,
setting an attribute value and linking a speaker, each made in the Participants dialog, are undone
by Ctrl+Z in the main window once the dialog is closed, and redone by Ctrl+Shift+Z."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import npmdesk.ui.participants_dialog as pd
from npmdesk.ui.participants_dialog import NOT_A_PARTICIPANT, ParticipantsDialog

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def dialog(qtbot, window, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(pd, "show_error", lambda *a, **k: errors.append(a[1]))
    d = ParticipantsDialog(window, window.project, run=window.run)
    qtbot.addWidget(d)
    d.errors = errors
    d.show()
    return d


def _row(table, text: str) -> int:
    return next(i for i in range(table.rowCount()) if table.item(i, 0).text() == text)


def _close_and_undo(qtbot, window, dialog, expected_text: str) -> None:
    dialog.close()  # as Close does; the main window is the active one again
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert window.undo_stack.undoText() == expected_text
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z, CTRL)


def _redo(qtbot, window) -> None:
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)


def test_renaming_a_participant_is_undone_by_ctrl_z(qtbot, window, dialog, reopen):
    dialog.table.item(_row(dialog.table, "NPM-1"), 0).setText("NPM-1 (Ana's mentee)")
    qtbot.wait(10)
    assert "NPM-1 (Ana's mentee)" in {c.name for c in reopen().cases()}
    _close_and_undo(qtbot, window, dialog, "Rename participant")
    names = {c.name for c in reopen().cases()}
    assert "NPM-1" in names and "NPM-1 (Ana's mentee)" not in names
    assert reopen().document_by_name("Interview NPM-1").case == "NPM-1"
    # The window shows the old name again (the Documents dock groups by participant).
    assert [d.case for d in window.document_list if d.name == "Interview NPM-1"] == ["NPM-1"]
    _redo(qtbot, window)
    assert "NPM-1 (Ana's mentee)" in {c.name for c in reopen().cases()}


def test_an_attribute_value_is_undone_by_ctrl_z(qtbot, window, dialog, reopen):
    assert window.run("Add attribute cohort", lambda: window.project.add_attribute("cohort", "text")).ok
    dialog.fill_participants()
    column = next(j for j in range(dialog.table.columnCount())
                  if dialog.table.horizontalHeaderItem(j).text() == "cohort (text)")
    dialog.table.item(_row(dialog.table, "NPM-2"), column).setText("2025")
    qtbot.wait(10)
    assert reopen().case_by_name("NPM-2").attributes.get("cohort") == "2025"
    _close_and_undo(qtbot, window, dialog, "Set cohort")
    assert reopen().case_by_name("NPM-2").attributes.get("cohort") is None
    assert "cohort" in {a.name for a in reopen().attributes()}  # only the value went, not the attribute
    _redo(qtbot, window)
    assert reopen().case_by_name("NPM-2").attributes.get("cohort") == "2025"


def test_linking_a_speaker_is_undone_by_ctrl_z(qtbot, window, dialog, reopen):
    assert window.run("Add participant NPM-6", lambda: window.project.add_case("NPM-6")).ok
    dialog.fill_documents()
    dialog.docs.setCurrentCell(_row(dialog.docs, "Focus group"), 0)
    labels = [dialog.speakers.item(i, 0).text() for i in range(dialog.speakers.rowCount())]
    combo = dialog.speakers.cellWidget(labels.index("NPM-6"), 1)
    assert combo.currentText() == NOT_A_PARTICIPANT
    combo.setCurrentIndex(combo.findText("NPM-6"))
    fg = window.project.document_by_name("Focus group").id
    assert [s.case for s in reopen().speakers(fg) if s.name == "NPM-6"] == ["NPM-6"]
    _close_and_undo(qtbot, window, dialog, "Link speaker NPM-6")
    assert [s.case for s in reopen().speakers(fg) if s.name == "NPM-6"] == [None]
    assert "NPM-6" in {c.name for c in reopen().cases()}  # the participant stays
    _redo(qtbot, window)
    assert [s.case for s in reopen().speakers(fg) if s.name == "NPM-6"] == ["NPM-6"]
    assert dialog.errors == []
