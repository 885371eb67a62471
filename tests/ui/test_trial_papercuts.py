"""Papercuts a fresh-eyes trial found in the coding loop, each driven as a user meets it: a code
applied twice, the merge filter that leaves one code, two codings of one code in the margin's
menu, a number key with nothing to code, a category pinned to a key, a count in a tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from npmdesk.core.errors import InvalidValueError
from npmdesk.ui.definition_dialog import DefinitionDialog
from npmdesk.ui.merge_dialog import MergeDialog
from tests.ui.conftest import click_code, code_id, drive_dialog, select_text


def stored(reopen, doc_id) -> list[tuple[int, str]]:
    p = reopen()
    text = p.document_text(doc_id)
    return sorted((c.code_id, text[c.start:c.end]) for c in p.codings_in_document(doc_id))


def nothing_selected(window) -> None:
    t = window.transcript
    cur = t.textCursor()
    cur.clearSelection()
    cur.movePosition(QTextCursor.MoveOperation.Start)
    t.setTextCursor(cur)
    t.located = None


drive = drive_dialog


# 1. A code applied twice to one passage -------------------------------------------------------------


def test_coding_a_passage_twice_is_a_status_note_not_an_error_dialog(qtbot, window, reopen, messages):
    doc = window.current_document
    system = code_id(window, "Seeing the system")
    assert window.quick_codes.pin(system, 7)
    bar = window.code_panel.quick_bar
    select_text(window.transcript, "the loans")
    qtbot.mouseClick(bar.buttons[7], Qt.MouseButton.LeftButton)
    assert stored(reopen, doc).count((system, "the loans")) == 1
    steps = window.undo_stack.count()
    qtbot.mouseClick(bar.buttons[7], Qt.MouseButton.LeftButton)  # the same key again, same selection
    assert messages == []  # no modal error dialog
    assert window.statusBar().currentMessage() == "This passage already has this code: nothing to do."
    assert stored(reopen, doc).count((system, "the loans")) == 1
    assert window.undo_stack.count() == steps
    # A real error is still an error: a passage beyond the document's end gets the dialog.
    window.coding.apply_code(system, (0, 10 ** 6), doc)
    assert len(messages) == 1


# 2. The merge filter that leaves one code -------------------------------------------------------------


def test_merge_filter_leaving_one_code_chooses_it_for_the_merge_button(qtbot, window, monkeypatch, reopen):
    imposter = code_id(window, "Socialisation into medicine/Imposter feelings")
    honest = code_id(window, "Growing as a communicator/Honest feedback")
    click_code(qtbot, window, imposter)
    states: list[tuple[str, bool, int | None]] = []

    def narrow_then_click(d: MergeDialog) -> None:
        assert not d.ok_button.isEnabled()  # nothing chosen on opening
        qtbot.keyClicks(d.filter, "honest")
        states.append(("honest", d.ok_button.isEnabled(), d.chosen()))
        d.filter.clear()
        qtbot.keyClicks(d.filter, "o")  # several codes again: the filter's choice is dropped
        states.append(("o", d.ok_button.isEnabled(), d.chosen()))
        d.filter.clear()
        qtbot.keyClicks(d.filter, "feedback")
        states.append(("feedback", d.ok_button.isEnabled(), d.chosen()))
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)

    seen = drive(monkeypatch, qtbot, MergeDialog, narrow_then_click)
    window.actions["merge_code"].trigger()
    assert seen
    assert states == [("honest", True, honest), ("o", False, None), ("feedback", True, honest)]
    assert imposter not in {c.id for c in reopen().codes()}
    assert window.undo_stack.undoText() == "Merge into “Growing as a communicator/Honest feedback”"


# 3. Two codings of one code under the pointer in the margin --------------------------------------


def test_margin_menu_headers_tell_two_codings_of_one_code_apart(qtbot, window):
    view, margin = window.transcript, window.transcript.margin
    feedback = code_id(window, "Growing as a communicator/Honest feedback")
    margin.repaint()
    ours = {cid for cid, s in view.index.spans.items() if s.code_id == feedback}
    assert len(ours) == 2
    point = None
    for piece in margin.pieces:  # a point on the stripe where both codings run
        if piece.coding_id in ours:
            x = margin.area_x() + margin.column_of[piece.key] * margin.column_width() + 1
            for y in range(int(piece.top), int(piece.bottom)):
                if set(margin.codings_at(x, y)) >= ours:
                    point = QPoint(x, y)
                    break
        if point:
            break
    assert point is not None
    headers: list[str] = []

    def read() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, read)
            return
        headers.extend(a.text() for a in menu.actions() if a.isSeparator() and a.text())
        menu.close()

    QTimer.singleShot(0, read)
    margin.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, margin.mapToGlobal(point)))
    mine = [h for h in headers if "Honest feedback" in h]
    assert len(mine) == 2 and mine[0] != mine[1], headers
    assert any("(Ana) “How honest the feedback was”" in h for h in mine), mine
    assert any("(Ana) “She told me when I was vague…”" in h for h in mine), mine


# 4. A number key with nothing to code ---------------------------------------------------------------------


def test_number_key_without_a_selection_says_what_to_do(qtbot, window, reopen, messages):
    doc = window.current_document
    teach = code_id(window, "Teaching consolidates knowledge")
    assert window.quick_codes.pin(teach, 3)
    before = stored(reopen, doc)
    nothing_selected(window)
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_3)
    assert window.statusBar().currentMessage() == (
        "Select the words to code first, then press 3 for “Teaching consolidates knowledge”.")
    assert stored(reopen, doc) == before and messages == []
    select_text(window.transcript, "the exam calendar")  # with words selected the key codes them
    qtbot.keyClick(window.transcript, Qt.Key.Key_3)
    assert (teach, "the exam calendar") in stored(reopen, doc)
    assert window.statusBar().currentMessage() == "Coded with “Teaching consolidates knowledge”"


# 5. A category pinned to a key --------------------------------------------------------------------------


def test_a_category_cannot_be_pinned_by_the_window_or_the_store(qtbot, window, reopen):
    theme = code_id(window, "Socialisation into medicine")
    p = window.project
    assert window.run("Make a category", lambda: p.set_code_definition(theme, codable=False)).ok
    assert not window.quick_codes.pin(theme, 4)
    assert "is a category, so it cannot be pinned to key 4" in window.statusBar().currentMessage()
    assert reopen().code_keys() == {}
    assert window.code_panel.quick_bar.buttons[4].accessibleName() == "Key 4: free"
    other = reopen()
    with pytest.raises(InvalidValueError, match="category"):
        other.pin_code_key(theme, 4)
    assert other.code_keys() == {}
    belonging = code_id(window, "Socialisation into medicine/Belonging")
    other.pin_code_key(belonging, 4)  # one of its codes can be
    assert reopen().code_keys() == {4: belonging}


# 6. The count in the definition dialog --------------------------------------------------------------


@pytest.mark.parametrize(("path", "said"), [
    ("Seeing the system", "It has 1 coding: move it to a sub-code"),
    ("Socialisation into medicine/Belonging", "It has 3 codings: move them to a sub-code"),
])
def test_definition_dialog_counts_codings_in_words(qtbot, window, monkeypatch, reopen, path, said):
    code = code_id(window, path)
    click_code(qtbot, window, code)
    tips: list[tuple[bool, str]] = []

    def look(d: DefinitionDialog) -> None:
        tips.append((d.codable.isEnabled(), d.codable.toolTip()))
        d.reject()

    drive(monkeypatch, qtbot, DefinitionDialog, look)
    window.actions["describe_code"].trigger()
    assert tips and tips[0][0] is False
    assert tips[0][1].startswith(said), tips
    assert code not in reopen().non_codable_codes()
