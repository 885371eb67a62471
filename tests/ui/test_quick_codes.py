"""Number keys that do not drift, pinned keys and the quick-code bar (issue 18 point 5).

Driven as a user does: selections in the transcript, clicks and right clicks on the tree and the
bar, number keys; checked in what the bar shows and in what a second connection reads.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from npmdesk import settings
from npmdesk.ui.quick_codes import KeyAssignments
from tests.ui.conftest import click_code, code_id, select_text


def stored(reopen, doc_id):
    p = reopen()
    text = p.document_text(doc_id)
    return {(c.code_id, text[c.start:c.end]) for c in p.codings_in_document(doc_id)}


def bar_text(window, key: int) -> str:
    """What the bar's key shows: "3  Name" (the name whole, as read out; shown elided if long)."""
    button = window.code_panel.quick_bar.buttons[key]
    shown = window.code_panel.quick_bar.text_of(key)
    spoken = button.accessibleName()  # "Key 3: Path/Name (pinned)" or "Key 3: free"
    if spoken.endswith(": free"):
        return shown
    name = spoken.split(": ", 1)[1].removesuffix(" (pinned)").rsplit("/", 1)[-1]
    assert shown.startswith(f"{key}  ") and name.startswith(shown[3:].rstrip("…")), (shown, name)
    return f"{key}  {name}"


def answer_menu(*path: str) -> list[dict[str, bool]]:
    """The next context menu to pop up triggers the action at `path` (texts without '&', matched by
    their start) and closes, as a user's click would; returns what it offered (text -> enabled).
    Driven from a timer inside the menu's own exec (PySide6 ignores a patched QMenu.exec)."""
    offered: list[dict[str, bool]] = []

    def answer() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, answer)
            return
        try:
            offered.append({a.text().replace("&", ""): a.isEnabled() for a in menu.actions()})
            current: QMenu | None = menu
            for i, label in enumerate(path):
                assert current is not None
                act = next(a for a in current.actions() if a.text().replace("&", "").startswith(label))
                if i == len(path) - 1:
                    assert act.isEnabled(), f"{label!r} is disabled"
                    menu.close()
                    act.trigger()
                else:
                    current = act.menu()
        finally:
            menu.close()  # never leave a menu's exec running

    QTimer.singleShot(0, answer)
    return offered


def right_click_code(window, code: int) -> None:
    tree = window.code_tree
    idx = tree.view_index(code)
    tree.scrollTo(idx)
    pos = tree.visualRect(idx).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos))
    QApplication.sendEvent(tree.viewport(), event)


def right_click_key(window, key: int) -> None:
    button = window.code_panel.quick_bar.buttons[key]
    pos = button.rect().center()
    QApplication.sendEvent(button, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, button.mapToGlobal(pos)))


def apply_by_click(qtbot, window, code: int, phrase: str) -> None:
    select_text(window.transcript, phrase)
    click_code(qtbot, window, code)


def press(qtbot, window, key) -> None:
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, key)


def test_creating_a_code_takes_no_key_applying_it_does(qtbot, window, reopen):
    """The drift: an empty theme took the next number. Now only a coding gives a code its key."""
    doc = window.current_document
    a = code_id(window, "Seeing the system")
    apply_by_click(qtbot, window, a, "the schedule")
    assert window.recent_codes == [a] and bar_text(window, 1) == "1  Seeing the system"
    window.transcript.moveCursor(window.transcript.textCursor().MoveOperation.Start)  # nothing selected
    theme = window.coding.new_code("Empty theme")
    assert theme is not None and any(c.name == "Empty theme" for c in reopen().codes())
    assert window.recent_codes == [a]  # no key for a code that codes nothing
    assert bar_text(window, 2) == "2"  # still free
    apply_by_click(qtbot, window, theme, "anatomy exam")
    assert window.recent_codes == [a, theme] and bar_text(window, 2) == "2  Empty theme"
    assert (theme, "anatomy exam") in stored(reopen, doc)


def test_pin_from_the_tree_then_the_number_key_codes_with_it(qtbot, window, reopen):
    doc = window.current_document
    b = code_id(window, "Teaching consolidates knowledge")
    answer_menu("Pin to key", "3")
    right_click_code(window, b)
    assert reopen().code_keys() == {3: b}
    bar = window.code_panel.quick_bar
    assert bar_text(window, 3) == "3  Teaching consolidates knowledge" and bar.buttons[3].property("pinned")
    assert "pinned" in bar.buttons[3].toolTip() and "Teaching consolidates knowledge" in bar.buttons[3].toolTip()
    assert window.undo_stack.undoText() == "Pin “Teaching consolidates knowledge” to key 3"
    select_text(window.transcript, "At first I thought")
    press(qtbot, window, Qt.Key.Key_3)
    before = stored(reopen, doc)
    assert (b, "At first I thought") in before
    press(qtbot, window, Qt.Key.Key_1)  # no code on key 1: nothing is coded
    assert stored(reopen, doc) == before
    assert "No recent code 1" in window.statusBar().currentMessage()


def test_a_pinned_key_never_moves_while_the_others_fill_and_rotate(qtbot, window, reopen):
    p = window.project
    pinned = code_id(window, "Seeing the system")
    assert window.quick_codes.pin(pinned, 1)
    extra = [window.run("New code", lambda n=n: p.add_code(f"Extra {n}")).value for n in range(9)]
    doc = window.current_document
    for n, cid in enumerate(extra):  # nine more codes applied: eight free keys, then the oldest goes
        window.coding.apply_code(cid, (n, n + 3), doc)
    slots = window.recent_codes
    assert slots[0] == pinned
    assert slots[1:] == [extra[8]] + extra[1:8]  # key 2 (the least recently used) went to the ninth
    assert bar_text(window, 1) == "1  Seeing the system"
    assert reopen().code_keys() == {1: pinned}


def test_pinning_from_the_bar_keeps_the_selection_and_undo_takes_the_pin_back(qtbot, window, reopen):
    doc = window.current_document
    a = code_id(window, "Seeing the system")
    f = code_id(window, "Growing as a communicator/Honest feedback")
    apply_by_click(qtbot, window, a, "the schedule")  # key 1 (recent)
    window.code_tree.select_code(f)
    select_text(window.transcript, "answering questions")
    answer_menu("Pin “Honest feedback” to key 5")
    right_click_key(window, 5)  # a free key: the code selected in the tree goes there
    assert reopen().code_keys() == {5: f}
    assert window.transcript.selected_span() is not None  # the pin did not cost the selection
    qtbot.mouseClick(window.code_panel.quick_bar.buttons[5], Qt.MouseButton.LeftButton)
    assert (f, "answering questions") in stored(reopen, doc)
    window.actions["undo"].trigger()  # the coding
    window.actions["undo"].trigger()  # the pin
    assert reopen().code_keys() == {}
    assert window.recent_codes[0] == a
    assert window.recent_codes[4] == f  # unpinned, it keeps its number as a recent code
    assert not window.code_panel.quick_bar.buttons[5].property("pinned")
    window.actions["redo"].trigger()
    assert reopen().code_keys() == {5: f} and window.code_panel.quick_bar.buttons[5].property("pinned")


def test_pinning_a_pinned_key_moves_it_and_unpin_from_the_bar(qtbot, window, reopen):
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    assert window.quick_codes.pin(a, 2)
    answer_menu("Pin to key", "2")
    right_click_code(window, b)
    assert reopen().code_keys() == {2: b}
    assert window.recent_codes[0] == a  # the code the key was taken from keeps a number: the first free
    answer_menu("Unpin key 2")
    right_click_key(window, 2)
    assert reopen().code_keys() == {}
    assert window.recent_codes[:2] == [a, b]  # b stays on 2, now as a recent code


def test_a_click_on_the_bar_codes_a_found_passage_a_click_on_the_tree_does_not(qtbot, window, reopen):
    doc = window.current_document
    b = code_id(window, "Teaching consolidates knowledge")
    assert window.quick_codes.pin(b, 4)
    text = reopen().document_text(doc)
    at = text.index("the system is part")
    window.jump_to(doc, at, at + len("the system"))
    before = stored(reopen, doc)
    click_code(qtbot, window, b)  # browsing
    assert stored(reopen, doc) == before
    qtbot.mouseClick(window.code_panel.quick_bar.buttons[4], Qt.MouseButton.LeftButton)  # explicit
    assert (b, "the system") in stored(reopen, doc)


def test_deleting_a_code_frees_its_key_and_undo_restores_the_pin(qtbot, window, reopen):
    p = window.project
    s = code_id(window, "Seeing the system")
    assert window.quick_codes.pin(s, 7)
    assert window.run("Delete code", lambda: p.delete_code(s, codings="delete")).ok
    assert reopen().code_keys() == {} and bar_text(window, 7) == "7"
    window.actions["undo"].trigger()
    assert reopen().code_keys() == {7: s} and bar_text(window, 7) == "7  Seeing the system"


def test_keys_survive_reopening_the_project(qtbot, window, reopen, study):
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    apply_by_click(qtbot, window, a, "the schedule")
    assert window.quick_codes.pin(b, 9)
    window.close_project()
    assert all(bar_text(window, k) == str(k) for k in range(1, 10))
    window.open_project(study)
    assert window.recent_codes == [a, None, None, None, None, None, None, None, b]
    assert window.code_panel.quick_bar.buttons[9].property("pinned")
    assert bar_text(window, 1) == "1  Seeing the system"
    saved = json.dumps(settings.load()["recent_codes"][str(study.resolve())])
    assert saved == f"[{a}]"  # the coder's own numbers; the pin is the project's


def test_view_menu_hides_the_bar_and_the_keys_still_work(qtbot, window, reopen):
    doc = window.current_document
    toggle = window.quick_codes.toggle_action
    assert toggle in window.menus["View"].actions() and toggle.isChecked()
    bar = window.code_panel.quick_bar
    assert bar.isVisible()
    toggle.trigger()
    assert not bar.isVisible() and settings.load()["quick_code_bar"] is False
    b = code_id(window, "Teaching consolidates knowledge")
    assert window.quick_codes.pin(b, 2)
    select_text(window.transcript, "answering questions")
    press(qtbot, window, Qt.Key.Key_2)
    assert (b, "answering questions") in stored(reopen, doc)
    toggle.trigger()
    assert bar.isVisible() and settings.load()["quick_code_bar"] is True


def test_a_category_cannot_be_pinned(qtbot, window):
    theme = code_id(window, "Socialisation into medicine")
    assert window.run("Category", lambda: window.project.set_code_codable(theme, False)).ok
    offered = answer_menu("Move to top level")  # open the menu, do something harmless
    right_click_code(window, theme)
    assert offered and offered[0]["Pin to key"] is False and offered[0]["Unpin key"] is False


def test_the_cli_reads_a_project_with_pins(window, study, capsys):
    from npmdesk.cli import main

    assert window.quick_codes.pin(code_id(window, "Seeing the system"), 1)
    code = main(["check", str(study)])
    out = capsys.readouterr().out
    assert code == 0 and "ok" in out


@pytest.mark.parametrize("saved", [[3, None, 5], ["x", True, 4], []])
def test_assignments_load_whatever_was_saved(saved):
    keys = KeyAssignments()
    keys.load(saved, {1: 9})
    assert keys.slots()[0] == 9
    assert all(c is None or isinstance(c, int) and not isinstance(c, bool) for c in keys.slots())
    assert keys.remember(9) is False  # pinned already


def test_all_nine_pinned_leaves_no_number_for_others():
    keys = KeyAssignments()
    keys.load([], {k: 100 + k for k in range(1, 10)})
    assert keys.remember(5) is False and 5 not in keys.slots()


def test_an_unpinned_code_displaced_with_no_free_key_loses_its_number_only():
    keys = KeyAssignments()
    keys.load(list(range(11, 20)), {})
    assert keys.reconcile({4: 50}, {*range(11, 20), 50}) is True
    assert keys.slots()[3] == 50 and 14 not in keys.slots()  # key 4's code had nowhere to go
    assert keys.slots()[:3] == [11, 12, 13] and keys.slots()[4:] == list(range(15, 20))


def test_rows_of_free_keys_fold_away_until_a_key_there_is_used(qtbot, window):
    bar = window.quick_codes.bar
    shown = lambda: [k for k, b in bar.buttons.items() if b.isVisibleTo(bar)]  # noqa: E731
    assert shown() == [1, 2, 3]  # no keys yet: one row, the code tree keeps the room
    target = code_id(window, "Seeing the system")
    assert window.run("Pin to key 7", lambda: window.project.pin_code_key(target, 7)).ok
    assert shown() == list(range(1, 10)) and bar.text_of(7).startswith("7  Seeing")
    window.undo_stack.undo()  # unpinned, the code keeps 7 as an ordinary key: the rows stay
    assert shown() == list(range(1, 10)) and not bar.buttons[7].property("pinned")


def test_a_pin_and_its_undo_refresh_the_bar_without_reloading_every_view(qtbot, window, reopen):
    b = code_id(window, "Teaching consolidates knowledge")
    reloads = []
    window.projectChanged.connect(lambda ch: reloads.append(ch.everything))
    answer_menu("Pin to key", "3")
    right_click_code(window, b)
    assert window.project.last_step.changes.meta and reloads == [False]
    assert window.code_panel.quick_bar.buttons[3].property("pinned")
    window.actions["undo"].trigger()
    assert reloads == [False, False] and reopen().code_keys() == {}
    assert not window.code_panel.quick_bar.buttons[3].property("pinned")


def test_numbers_are_written_after_the_gesture_and_before_a_close(qtbot, window, study, monkeypatch):
    """Remembering a number writes the settings file off the gesture (issue 14), yet nothing is lost:
    it is written when the event loop is next free, or on a close or project switch before that."""
    writes: list[dict] = []
    real_save = settings.save

    def counted(data):
        writes.append(json.loads(json.dumps(data)))
        real_save(data)

    monkeypatch.setattr(settings, "save", counted)
    key = str(study.resolve())
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    select_text(window.transcript, "the schedule")
    assert window.coding.apply_code(a)
    assert window.recent_codes == [a] and bar_text(window, 1) == "1  Seeing the system"
    assert not writes  # not while the coding is on its way to the screen
    qtbot.waitUntil(lambda: bool(writes))
    assert settings.load()["recent_codes"][key] == [a] and len(writes) == 1
    select_text(window.transcript, "anatomy exam")
    assert window.coding.apply_code(b)
    assert len(writes) == 1
    window.close()  # before the event loop ran: the close writes it (the layout is written too)
    assert settings.load()["recent_codes"][key] == [a, b]
    assert writes[1]["recent_codes"][key] == [a, b]
    closed = len(writes)
    QApplication.processEvents()
    assert len(writes) == closed  # written once


def test_numbers_pending_when_another_project_opens_are_kept(qtbot, window, study, tmp_path):
    from tests.ui.sample_project import build

    other = tmp_path / "other.npmdesk"
    build(other).close()
    a = code_id(window, "Seeing the system")
    select_text(window.transcript, "the schedule")
    assert window.coding.apply_code(a)
    window.open_project(other)  # straight away
    assert settings.load()["recent_codes"][str(study.resolve())] == [a]
    assert window.recent_codes == []
    window.open_project(study)
    assert window.recent_codes == [a]
