"""The definition editor (issue 18 point 11): Code > Edit definition… and the tree's Definition…
open one dialog of word-wrapped fields; OK saves every field as one undoable step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMenu, QPlainTextEdit

from npmdesk.ui.definition_dialog import DefinitionDialog
from tests.ui.conftest import click_code, code_id


def _drive(monkeypatch, qtbot, act):
    """Run `act(dialog)` on the definition dialog when it opens, instead of blocking in exec()."""
    seen: list[DefinitionDialog] = []

    def fake_exec(self):
        self.show()
        self.activateWindow()  # as a modal dialog is: the window's own shortcuts do not reach it
        qtbot.waitUntil(lambda: QApplication.activeWindow() is self)
        seen.append(self)
        act(self)
        return self.result()

    monkeypatch.setattr(DefinitionDialog, "exec", fake_exec)
    return seen


def _type(qtbot, editor: QPlainTextEdit, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def _ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_edit_definition_from_the_code_menu_saves_all_fields_as_one_step(window, qtbot, monkeypatch, reopen):
    teach = code_id(window, "Teaching consolidates knowledge")
    click_code(qtbot, window, teach)

    def fill(d):
        assert d.windowTitle() == "Definition of “Teaching consolidates knowledge”"
        # What was stored is shown, in word-wrapped multi-line fields (not a one-line "Memo:" box).
        stored = "Explaining to a mentee deepens the mentor's own understanding."
        assert d.editors["description"].toPlainText() == stored
        for editor in d.editors.values():
            assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
        labels = {w.text().replace("&", "") for w in d.findChildren(QLabel)}
        assert {"Definition", "Inclusion criteria", "Exclusion criteria", "Example"} <= labels
        assert "Memo:" not in labels
        _type(qtbot, d.editors["description"], "Explaining to a mentee deepens the mentor's own grasp.")
        _type(qtbot, d.editors["inclusion"], "The mentor says that teaching made them understand.")
        _type(qtbot, d.editors["exclusion"], "Teaching skills alone (use Growing as a communicator).")
        _type(qtbot, d.editors["example"], "Teaching it consolidated it.")
        _ok(qtbot, d)

    seen = _drive(monkeypatch, qtbot, fill)
    window.actions["describe_code"].trigger()
    assert seen, "Code > Edit definition… opened no definition dialog"
    assert window.actions["describe_code"].text().replace("&", "") == "Edit definition…"
    stored = reopen().code_definition(teach)
    assert stored.description == "Explaining to a mentee deepens the mentor's own grasp."
    assert stored.inclusion == "The mentor says that teaching made them understand."
    assert stored.exclusion == "Teaching skills alone (use Growing as a communicator)."
    assert stored.example == "Teaching it consolidated it."
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Edit definition of “Teaching consolidates knowledge”"
    # One Ctrl+Z takes every field back.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = reopen().code_definition(teach)
    assert (back.description, back.inclusion, back.exclusion, back.example) == (
        "Explaining to a mentee deepens the mentor's own understanding.", "", "", "")


def test_cancel_and_unchanged_ok_change_nothing(window, qtbot, monkeypatch, reopen):
    teach = code_id(window, "Teaching consolidates knowledge")
    click_code(qtbot, window, teach)

    def cancel(d):
        qtbot.keyClicks(d.editors["inclusion"], "never saved")
        qtbot.mouseClick(d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel),
                         Qt.MouseButton.LeftButton)

    _drive(monkeypatch, qtbot, cancel)
    window.actions["describe_code"].trigger()
    assert reopen().code_definition(teach).inclusion == ""
    _drive(monkeypatch, qtbot, lambda d: _ok(qtbot, d))
    window.actions["describe_code"].trigger()
    assert window.undo_stack.count() == 0  # nothing changed: no step to undo


def test_tree_context_menu_opens_the_editor_and_ctrl_enter_saves(window, qtbot, monkeypatch, reopen):
    system = code_id(window, "Seeing the system")
    tree = window.code_tree

    def fill(d):
        _type(qtbot, d.editors["example"], "Nobody tells you that the system is part of the curriculum.")
        qtbot.keyClick(d.editors["example"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    seen = _drive(monkeypatch, qtbot, fill)

    def choose_definition():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        action = next(a for a in menu.actions() if a.text() == "Definition…")
        menu.setActiveAction(action)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(100, choose_definition)
    rect = tree.visualRect(tree.view_index(system))
    tree.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: bool(seen))
    assert reopen().code_definition(system).example == "Nobody tells you that the system is part of the curriculum."


def test_a_theme_used_only_to_group_is_made_not_codable(window, qtbot, monkeypatch, reopen):
    theme = code_id(window, "Socialisation into medicine")
    belonging = code_id(window, "Socialisation into medicine/Belonging")
    click_code(qtbot, window, theme)

    def untick(d):
        assert d.codable.isEnabled() and d.codable.isChecked()
        qtbot.mouseClick(d.codable, Qt.MouseButton.LeftButton, pos=QPoint(8, d.codable.height() // 2))
        assert not d.codable.isChecked()
        _ok(qtbot, d)

    _drive(monkeypatch, qtbot, untick)
    window.actions["describe_code"].trigger()
    assert theme in reopen().non_codable_codes()
    # A code with codings of its own cannot become a category: the box says why and is disabled.
    click_code(qtbot, window, belonging)

    def check(d):
        assert not d.codable.isEnabled()
        assert "3 codings" in d.codable.toolTip()
        d.reject()

    _drive(monkeypatch, qtbot, check)
    window.actions["describe_code"].trigger()
    assert belonging not in reopen().non_codable_codes()


def test_coding_memo_dialog_wraps_and_saves_as_one_step(window, qtbot, monkeypatch, reopen):
    from npmdesk.ui.dialogs import MemoDialog

    spans = list(window.transcript.index.spans.values())
    coding = spans[0].coding_id
    window.transcript.set_current_coding(coding)
    seen = []

    def fake_exec(self):
        self.show()
        self.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is self)
        seen.append(self)
        assert self.editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
        assert self.width() >= 500
        qtbot.keyClicks(self.editor, "Said twice, with feeling.")
        qtbot.keyClick(self.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        return self.result()

    monkeypatch.setattr(MemoDialog, "exec", fake_exec)
    window.actions["coding_memo"].trigger()
    assert seen and seen[0].windowTitle() == "Memo on this coding"
    assert reopen().memo("coding", coding) == "Said twice, with feeling."
    assert window.undo_stack.undoText() == "Edit coding memo"
