"""Every edit the window makes goes through window.run, and Undo then does exactly what it says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import npmdesk.ui.analysis.menu as analysis_menu
import npmdesk.ui.participants_dialog as pd
from npmdesk.core.changes import Changes
from npmdesk.store import Project
from npmdesk.ui.participants_dialog import ParticipantsDialog


def _analysis_action(window, starts: str):
    return next(a for a in window.menus["Analysis"].actions() if a.text().replace("&", "").startswith(starts))


def _code_names(reopen) -> set[str]:
    return {c.name for c in reopen().codes()}


def test_undo_after_adding_a_framework_to_the_code_tree_removes_just_those_codes(qtbot, window, reopen,
                                                                                  monkeypatch):
    """The case from the issue: a new code, then Analysis > Add framework to code tree, then Ctrl+Z."""
    window.coding.new_code("My own code")
    before = _code_names(reopen)
    _analysis_action(window, "Add framework: ACGME").trigger()
    framework = reopen().frameworks()[0].name
    monkeypatch.setattr(analysis_menu.QInputDialog, "getItem", lambda *a, **k: (framework, True))
    _analysis_action(window, "Add a framework to the code tree").trigger()
    added = _code_names(reopen) - before
    assert len(added) == 7  # the framework's top code and its six competencies
    assert window.undo_stack.undoText().startswith("Add ") and "code tree" in window.undo_stack.undoText()
    window.actions["undo"].trigger()
    assert _code_names(reopen) == before  # the 7 go, "My own code" stays
    assert all(n not in {c.name for c in window.catalog.codes.values()} for n in added)
    window.actions["undo"].trigger()  # the framework itself
    assert reopen().frameworks() == []
    window.actions["undo"].trigger()
    assert "My own code" not in _code_names(reopen)
    window.actions["redo"].trigger()
    window.actions["redo"].trigger()
    window.actions["redo"].trigger()
    assert _code_names(reopen) == before | added


def test_participant_edits_are_undoable_one_by_one(qtbot, window, reopen, monkeypatch):
    monkeypatch.setattr(pd, "show_error", lambda *a, **k: None)
    dialog = ParticipantsDialog(window, window.project, run=window.run)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(pd, "ask_text", lambda *a, **k: "NPM-9")
    dialog.add_participant()
    qtbot.wait(10)  # the table refills on the next turn of the event loop
    row = next(i for i in range(dialog.table.rowCount()) if dialog.table.item(i, 0).text() == "NPM-9")
    dialog.table.item(row, 0).setText("NPM-10")
    qtbot.wait(10)
    assert "NPM-10" in {c.name for c in reopen().cases()}
    assert window.undo_stack.undoText() == "Rename participant"
    window.actions["undo"].trigger()
    assert "NPM-9" in {c.name for c in reopen().cases()}
    window.actions["undo"].trigger()
    assert {"NPM-9", "NPM-10"}.isdisjoint({c.name for c in reopen().cases()})


def test_a_memo_typed_in_one_burst_is_one_undo_step(qtbot, window, reopen):
    memos = window.memos
    memos.select_target("project")
    memos.editor.setFocus()
    qtbot.keyClicks(memos.editor, "First thoughts")
    memos.save()
    qtbot.keyClicks(memos.editor, " and more")
    memos.save()
    assert reopen().memo("project", None) == "First thoughts and more"
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Edit project memo"
    memos._end_burst()  # the editor lost focus: the next typing is a new step
    qtbot.keyClicks(memos.editor, "!")
    memos.save()
    assert window.undo_stack.count() == 2
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    assert reopen().memo("project", None) == ""
    assert memos.editor.toPlainText() == ""  # the editor follows the change signal


def test_undo_keeps_a_coding_the_command_line_added_in_between(qtbot, window, study, reopen):
    cp = window.coding
    window.transcript.select_span(0, 12)
    code = cp.new_code("Fresh theme")
    other = Project.open(study, "Cli")
    doc = window.current_document
    theirs = other.apply_coding(doc, code, 20, 30)  # another program codes with the new code meanwhile
    other.close()
    shown = []
    window.report_error = lambda e: shown.append(str(e))
    window.actions["undo"].trigger()  # undo "New code": deleting the code would delete their coding
    assert shown and "Nothing was undone" in shown[0]
    assert reopen().coding(theirs).code_id == code  # their work is kept
    assert code in window.catalog  # and shown (the window reloaded what the other program wrote)


def test_a_write_outside_run_clears_the_undo_history_and_says_so(qtbot, window):
    window.coding.new_code("On the stack")
    assert window.undo_stack.count() == 1
    window.project.add_code("Written behind the window's back")
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0)
    assert "cannot be undone" in window.statusBar().currentMessage()
    assert any(c.name == "Written behind the window's back" for c in window.catalog.codes.values())


def test_views_follow_one_change_signal(qtbot, window):
    seen: list[Changes] = []
    window.projectChanged.connect(seen.append)
    window.transcript.select_span(0, 12)
    code = window.coding.new_code("Signalled")
    assert seen and code in seen[-1].codes and seen[-1].codings_added
    assert window.code_panel.model.codes[code].name == "Signalled"
    counts = window.catalog.own[code]
    assert counts.codings == 1
    window.actions["undo"].trigger()
    assert seen[-1].codings_removed and code not in window.catalog


@pytest.mark.parametrize("read_only", [True])
def test_a_read_only_project_opens_with_a_notice_and_refuses_edits(qtbot, study, messages, monkeypatch, read_only):
    from npmdesk.store import database
    from npmdesk.ui import MainWindow

    monkeypatch.setattr(database, "is_writable", lambda path: False)
    data = study.read_bytes()
    w = MainWindow(study, coder="Newcomer")
    qtbot.addWidget(w)
    assert w.project.read_only and "(read-only)" in w.windowTitle()
    assert "read-only" in w.statusBar().currentMessage()
    shown = []
    w.report_error = lambda e: shown.append(str(e))
    w.transcript.select_span(0, 12)
    assert w.coding.new_code("Not allowed") is None and "read-only" in shown[0]
    w.close()
    assert study.read_bytes() == data


def test_undo_with_the_keyboard(qtbot, window, reopen):
    window.transcript.select_span(0, 12)
    window.coding.new_code("Keyed")
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Keyed" not in _code_names(reopen)
