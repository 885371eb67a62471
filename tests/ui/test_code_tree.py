"""The code tree: a valid item model; move, merge, rename, recolour, delete — by drag, keys and menus,
each undoable and each in the file."""

from __future__ import annotations

from PySide6.QtCore import Qt

from npmdesk.ui.code_tree_model import CodeTreeModel
from npmdesk.ui.mime import codes_mime
from tests.ui.conftest import code_id, drag_and_drop, row_point


def test_model_passes_qt_model_tester(qtmodeltester, study):
    from npmdesk.store import Project

    model = CodeTreeModel()
    with Project.open(study, "Ana") as p:
        model.load(p)
        qtmodeltester.check(model)
        p.ensure_code_path("Seeing the system/Loans")
        model.load(p)  # a changed shape resets
        qtmodeltester.check(model)


def test_drag_code_onto_another_moves_it_and_undo(qtbot, window, reopen):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    theme = code_id(window, "Growing as a communicator")
    event = drag_and_drop(tree.viewport(), row_point(tree, theme), codes_mime([system]))
    assert event.dropAction() == Qt.DropAction.IgnoreAction
    assert reopen().code(system).path == "Growing as a communicator/Seeing the system"
    assert window.code_panel.model.codes[system].parent_id == theme
    assert window.code_panel.model.codes[system].id == system  # identity kept, not a copy
    window.actions["undo"].trigger()
    assert reopen().code(system).path == "Seeing the system"
    assert [c.id for c in reopen().codes() if c.parent_id is None][-1] == system  # back in its place


def test_drag_between_rows_reorders(qtbot, window, reopen):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    first = code_id(window, "Socialisation into medicine")
    drag_and_drop(tree.viewport(), row_point(tree, first, "above"), codes_mime([system]))
    assert [c.id for c in reopen().codes() if c.parent_id is None][0] == system


def test_shift_drop_merges_and_undo_restores_codings(qtbot, window, reopen):
    tree = window.code_tree
    teach = code_id(window, "Teaching consolidates knowledge")
    feedback = code_id(window, "Growing as a communicator/Honest feedback")
    before = {(c.code_id, c.start, c.end) for c in reopen().codings_in_document(window.current_document)}
    drag_and_drop(tree.viewport(), row_point(tree, feedback), codes_mime([teach]), Qt.KeyboardModifier.ShiftModifier)
    p = reopen()
    assert teach not in {c.id for c in p.codes()}
    assert p.code_counts()[feedback].codings == 4
    assert "mentor's own understanding" in p.code(feedback).description
    assert teach not in window.code_panel.model.codes
    window.actions["undo"].trigger()
    p = reopen()
    assert p.code(teach).description.startswith("Explaining")
    assert {(c.code_id, c.start, c.end) for c in p.codings_in_document(window.current_document)} == before
    assert teach in window.code_panel.model.codes
    window.actions["redo"].trigger()
    assert teach not in {c.id for c in reopen().codes()}


def test_rename_in_place_and_recolour(qtbot, window, reopen):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    tree.setFocus()
    tree.select_code(system)
    qtbot.keyClick(tree, Qt.Key.Key_F2)
    from PySide6.QtWidgets import QLineEdit

    (editor,) = tree.viewport().findChildren(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Seeing the whole system")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)  # the delegate commits on a queued call
    assert reopen().code(system).name == "Seeing the whole system"
    assert window.code_panel.model.codes[system].name == "Seeing the whole system"
    assert window.run("Recolour code", lambda: window.project.recolour_code(system, "#123456")).ok
    assert reopen().code(system).color == "#123456"
    assert window.transcript.highlighter.colors[system].name() == "#123456"
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    assert reopen().code(system).name == "Seeing the system"
    assert reopen().code(system).color != "#123456"


def test_delete_with_confirmation_then_undo(qtbot, window, reopen, monkeypatch):
    import npmdesk.ui.coding as coding

    seen = {}

    class Confirm(coding.DeleteCodeDialog):
        def exec(self):
            seen["sub_codes"], seen["codings"] = self.sub_codes, self.any_codings
            self.delete_children.setChecked(True)
            self.delete_codings.setChecked(True)
            return True

    monkeypatch.setattr(coding, "DeleteCodeDialog", Confirm)
    theme = code_id(window, "Socialisation into medicine")
    window.code_tree.setFocus()
    window.code_tree.select_code(theme)
    qtbot.keyClick(window.code_tree, Qt.Key.Key_Delete)
    assert seen["sub_codes"] == 2 and seen["codings"] == 3
    p = reopen()
    assert all(not c.path.startswith("Socialisation") for c in p.codes())
    assert p.counts()["codings"] == 5
    window.actions["undo"].trigger()
    p = reopen()
    assert p.counts()["codings"] == 8
    assert p.code_by_path("Socialisation into medicine/Belonging")


def test_delete_dialog_states_consequences(qtbot, window):
    from npmdesk.ui.dialogs import DeleteCodeDialog

    theme = window.project.code(code_id(window, "Socialisation into medicine"))
    dialog = DeleteCodeDialog(window, theme, 2, 0, 3)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "2 sub-code(s)" in text and "3 coding(s)" in text
    assert dialog.choice() == ("lift", "delete")  # a top-level code's codings have no parent to go to
    assert not dialog.to_parent.isEnabled()
