"""The merge dialog (issue 18 point 11): the code tree with a filter box, nothing preselected, the
merged code (and its sub-codes) left out, Merge disabled until a target is chosen, Enter or a
double-click confirms; the merge is one undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QTreeWidgetItemIterator

from npmdesk.ui.merge_dialog import MergeDialog
from tests.ui.conftest import click_code, code_id, drive_dialog


def _drive(monkeypatch, qtbot, act):
    return drive_dialog(monkeypatch, qtbot, MergeDialog, act)


def _visible_paths(d: MergeDialog) -> list[str]:
    out = []
    it = QTreeWidgetItemIterator(d.tree)
    while it.value():
        item = it.value()
        if not item.isHidden():
            out.append(item.toolTip(0))
        it += 1
    return out


def _item(d: MergeDialog, path: str):
    return next(item for item in d.items.values() if item.toolTip(0) == path)


def test_nothing_is_preselected_and_the_source_is_left_out(window, qtbot, monkeypatch, reopen):
    theme = code_id(window, "Socialisation into medicine")
    click_code(qtbot, window, theme)

    def look(d):
        assert d.chosen() is None and not d.tree.selectedItems()
        assert not d.ok_button.isEnabled()
        shown = _visible_paths(d)
        # The theme and its sub-codes cannot be targets; the rest is shown as a tree.
        assert not any(p.startswith("Socialisation into medicine") for p in shown)
        assert "Growing as a communicator/Honest feedback" in shown
        honest = _item(d, "Growing as a communicator/Honest feedback")
        assert honest.parent() is _item(d, "Growing as a communicator")
        # Enter with nothing chosen does nothing (no merge into the first code of a list).
        qtbot.keyClick(d.filter, Qt.Key.Key_Return)
        assert d.isVisible() and d.result() == 0
        cancel = d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    seen = _drive(monkeypatch, qtbot, look)
    window.actions["merge_code"].trigger()
    assert seen
    assert window.undo_stack.count() == 0
    assert reopen().code_by_path("Socialisation into medicine").id == theme


def test_filter_then_enter_merges_into_the_only_match(window, qtbot, monkeypatch, reopen):
    imposter = code_id(window, "Socialisation into medicine/Imposter feelings")
    honest = code_id(window, "Growing as a communicator/Honest feedback")
    click_code(qtbot, window, imposter)

    def type_and_enter(d):
        qtbot.keyClicks(d.filter, "honest")
        assert _visible_paths(d) == ["Growing as a communicator", "Growing as a communicator/Honest feedback"]
        assert d.ok_button.isEnabled()  # one code left: it is chosen, so a mouse user can click Merge
        qtbot.keyClick(d.filter, Qt.Key.Key_Return)

    _drive(monkeypatch, qtbot, type_and_enter)
    window.actions["merge_code"].trigger()
    p = reopen()
    assert imposter not in {c.id for c in p.codes()}
    assert window.undo_stack.undoText() == "Merge into “Growing as a communicator/Honest feedback”"
    assert window.code_tree.view_index(honest).isValid()
    window.undo_stack.undo()
    assert imposter in {c.id for c in reopen().codes()}


def test_click_enables_merge_and_double_click_confirms(window, qtbot, monkeypatch, reopen):
    belonging = code_id(window, "Socialisation into medicine/Belonging")
    teach = code_id(window, "Teaching consolidates knowledge")
    before = reopen().code_counts()[teach].codings
    click_code(qtbot, window, belonging)

    def choose(d):
        item = _item(d, "Teaching consolidates knowledge")
        rect = d.tree.visualItemRect(item)
        qtbot.mouseClick(d.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert d.chosen() == teach and d.ok_button.isEnabled()
        qtbot.mouseDClick(d.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    _drive(monkeypatch, qtbot, choose)
    window.actions["merge_code"].trigger()
    p = reopen()
    assert belonging not in {c.id for c in p.codes()}
    assert p.code_counts()[teach].codings == before + 3


def test_a_category_cannot_take_codings(window, qtbot, monkeypatch):
    theme = code_id(window, "Growing as a communicator")
    window.run("Make category", lambda: window.project.set_code_definition(theme, codable=False))
    system = code_id(window, "Seeing the system")
    click_code(qtbot, window, system)

    def look(d):
        item = _item(d, "Growing as a communicator: a category that is never applied cannot take codings")
        rect = d.tree.visualItemRect(item)
        qtbot.mouseClick(d.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert d.chosen() is None and not d.ok_button.isEnabled()
        assert "category" in item.text(0)
        d.reject()

    seen = _drive(monkeypatch, qtbot, look)
    window.actions["merge_code"].trigger()
    assert seen
