"""Edit mode in the real window: keys, paste, delete, relabel; each edit one undoable store step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor

from tests.ui.sample_project import INTERVIEW_1


def _open_first(window, qtbot):
    doc = next(d.id for d in window.document_list if d.name == "Interview NPM-1")
    window.open_document(doc)
    return doc


def _put_cursor(view, phrase, after=False):
    text = view.document().toPlainText()
    at = text.index(phrase) + (len(phrase) if after else 0)
    cur = view.textCursor()
    cur.setPosition(view.positions.to_qt(at))  # toPlainText is code points; Qt counts UTF-16
    view.setTextCursor(cur)


def _coded(project, doc):
    text = project.document_text(doc)
    return sorted(text[c.start:c.end] for c in project.codings_in_document(doc))


def test_toggle_shows_a_clear_state_and_is_read_only_by_default(window, qtbot):
    _open_first(window, qtbot)
    view = window.transcript
    assert view.isReadOnly()
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.actions["edit_text"].isChecked()
    assert not view.isReadOnly() and "d9822b" in view.styleSheet()
    assert window.findChild(type(window.transcript_edit.banner), "editModeBanner").isVisible()
    window.actions["edit_text"].trigger()
    assert view.isReadOnly() and not window.transcript_edit.banner.isVisible()


def test_typing_after_an_emoji_moves_codings_and_undo_restores(window, qtbot, reopen):
    doc = _open_first(window, qtbot)
    view = window.transcript
    before_coded = _coded(window.project, doc)
    window.actions["edit_text"].trigger()
    _put_cursor(view, "At first")
    qtbot.keyClicks(view, "Well, ")
    stored = reopen().document_text(doc)
    assert "NPM-1: Well, At first" in stored
    assert view.document().toPlainText() == stored  # what is shown is what is stored
    assert _coded(window.project, doc) == before_coded  # every coding still reads its words
    # typing merged into one undo step
    window.actions["undo"].trigger()
    assert reopen().document_text(doc) == INTERVIEW_1
    assert view.document().toPlainText() == INTERVIEW_1


def test_backspace_delete_and_replace_selection(window, qtbot, reopen):
    doc = _open_first(window, qtbot)
    view = window.transcript
    window.actions["edit_text"].trigger()
    _put_cursor(view, " 😀", after=True)  # after the emoji (a surrogate pair in Qt)
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    text = reopen().document_text(doc)
    assert "relying on me. \n" in text and "😀" not in text
    coded = _coded(window.project, doc)
    assert "someone was relying on me. " in coded
    # select a word and type over it
    text = view.document().toPlainText()
    at = text.index("anatomy")
    cur = view.textCursor()
    cur.setPosition(view.positions.to_qt(at))
    cur.setPosition(view.positions.to_qt(at + len("anatomy")), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert "the first p exam" in reopen().document_text(doc)
    # Delete removes the next character; number keys type digits instead of quick-coding
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert "the first p2exam" in reopen().document_text(doc)


def test_deleting_a_coded_passage_removes_its_coding_and_says_so(window, qtbot, reopen):
    doc = _open_first(window, qtbot)
    view = window.transcript
    window.actions["edit_text"].trigger()
    phrase = "How honest the feedback was"
    text = view.document().toPlainText()
    at = text.index(phrase)
    cur = view.textCursor()
    cur.setPosition(view.positions.to_qt(at))
    cur.setPosition(view.positions.to_qt(at + len(phrase)), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert phrase not in _coded(window.project, doc)
    assert "removed" in window.statusBar().currentMessage()
    window.actions["undo"].trigger()
    assert phrase in _coded(reopen(), doc)


def test_paste_goes_through_the_store(window, qtbot, reopen):
    doc = _open_first(window, qtbot)
    view = window.transcript
    window.actions["edit_text"].trigger()
    QGuiApplication.clipboard().setText("Indeed,\r\nyes. ")
    _put_cursor(view, "Nobody tells")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "Indeed,\nyes. Nobody tells" in reopen().document_text(doc)
    assert view.document().toPlainText() == window.project.document_text(doc)


def test_relabel_speaker_through_the_menu(window, qtbot, reopen, monkeypatch):
    import npmdesk.ui.transcript_edit as te

    doc = _open_first(window, qtbot)
    monkeypatch.setattr(te, "ask_relabel", lambda w, speakers: ("NPM-1", "Mentor A") if "NPM-1" in speakers
                        else None)
    window.actions["relabel_speaker"].trigger()
    p = reopen()
    text = p.document_text(doc)
    assert text.count("Mentor A:") == INTERVIEW_1.count("NPM-1:") and "NPM-1:" not in text
    assert {s.name for s in p.speakers(doc)} == {"Interviewer", "Mentor A"}
    assert "Mentor A:" in window.transcript.document().toPlainText()
    window.actions["undo"].trigger()
    assert reopen().document_text(doc) == INTERVIEW_1


def test_save_a_deidentified_copy_from_the_file_menu(window, qtbot, study, tmp_path, monkeypatch):
    import npmdesk.ui.transcript_edit as te
    from npmdesk.store import Project

    window.project.set_pseudonym("anatomy", "replace", "[subject]")
    before = study.read_bytes()
    out = tmp_path / "shared.npmdesk"
    monkeypatch.setattr(te, "ask_copy_path", lambda w: str(out))
    assert window.actions["save_deidentified"] in window.menus["File"].actions()
    window.actions["save_deidentified"].trigger()
    assert "de-identified copy" in window.statusBar().currentMessage()
    assert study.read_bytes() == before
    with Project.open(out, "x", read_only=True) as p:
        doc = next(d.id for d in p.documents() if d.name == "Interview NPM-1")
        assert "the first [subject] exam" in p.document_text(doc)
        assert p.pseudonyms() == []


def test_a_refused_copy_says_why(window, qtbot, study, monkeypatch, messages):
    import npmdesk.ui.transcript_edit as te

    monkeypatch.setattr(te, "ask_copy_path", lambda w: str(study))
    monkeypatch.setattr("npmdesk.ui.dialogs.show_error", lambda parent, message, title="": messages.append(message))
    window.actions["save_deidentified"].trigger()
    assert any("No de-identified copy" in m for m in messages)


def test_keyboard_undo_redo_and_stop_editing_work_in_edit_mode(window, qtbot, reopen):
    doc = _open_first(window, qtbot)
    view = window.transcript
    window.actions["edit_text"].trigger()
    _put_cursor(view, "At first")
    qtbot.keyClicks(view, "Well, ")
    assert "Well, At first" in reopen().document_text(doc)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl)  # the window's Undo, not swallowed by edit mode
    assert reopen().document_text(doc) == INTERVIEW_1 and view.document().toPlainText() == INTERVIEW_1
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl | shift)  # Redo
    assert "Well, At first" in reopen().document_text(doc)
    qtbot.keyClick(view, Qt.Key.Key_T, ctrl | shift)  # what the banner says stops editing
    assert not window.transcript_edit.editing and view.isReadOnly()


def test_typing_is_one_undo_step_per_place_not_per_session(window, qtbot, reopen):
    doc = _open_first(window, qtbot)
    view = window.transcript
    window.actions["edit_text"].trigger()
    _put_cursor(view, "At first")
    qtbot.keyClicks(view, "Well, ")  # one burst: one step
    _put_cursor(view, "I thought", after=True)
    qtbot.keyClicks(view, " then")  # typed elsewhere: its own step
    assert window.undo_stack.count() == 2
    window.actions["undo"].trigger()
    stored = reopen().document_text(doc)
    assert "Well, At first" in stored and "I thought then" not in stored
    # Over a selection: the selection replaced and the words typed after it are one step.
    cur = view.textCursor()
    start = view.document().toPlainText().index("Well")
    cur.setPosition(view.positions.to_qt(start))
    cur.setPosition(view.positions.to_qt(start + 4), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    qtbot.keyClicks(view, "So")
    assert "So, At first" in reopen().document_text(doc)
    window.actions["undo"].trigger()
    assert "Well, At first" in reopen().document_text(doc)


def test_every_paste_qt_makes_goes_through_the_store_or_nowhere(window, qtbot, reopen):
    """Ctrl+V, the middle button's selection paste (Linux) and a drop all reach the view's
    insertFromMimeData: in edit mode it saves one undoable edit; read-only, nothing changes."""
    from PySide6.QtCore import QMimeData

    doc = _open_first(window, qtbot)
    view = window.transcript
    mime = QMimeData()
    mime.setText("PASTED ")
    _put_cursor(view, "At first")
    view.insertFromMimeData(mime)  # read-only: nothing
    assert reopen().document_text(doc) == INTERVIEW_1 and view.document().toPlainText() == INTERVIEW_1
    assert not view.canInsertFromMimeData(mime)
    window.actions["edit_text"].trigger()
    _put_cursor(view, "At first")
    assert view.canInsertFromMimeData(mime)
    view.insertFromMimeData(mime)
    stored = reopen().document_text(doc)
    assert "PASTED At first" in stored and view.document().toPlainText() == stored
    window.actions["undo"].trigger()
    assert reopen().document_text(doc) == INTERVIEW_1


def test_a_typo_fixed_at_a_codings_end_keeps_the_word_in_the_coding(window, qtbot, reopen):
    """Backspace over a coded word's last letter, then the right letters: the coding reads the
    whole new word (it used to stop where the Backspace left it, mid-word, in every report)."""
    doc = _open_first(window, qtbot)
    view = window.transcript
    p = window.project
    text = p.document_text(doc)
    coding = next(c for c in p.codings_in_document(doc) if text[c.end - 1].isalpha())
    word_end = coding.end
    window.actions["edit_text"].trigger()
    cur = view.textCursor()
    cur.setPosition(view.positions.to_qt(word_end))
    view.setTextCursor(cur)
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    qtbot.keyClicks(view, "XY")
    stored = reopen()
    new_text = stored.document_text(doc)
    [moved] = [c for c in stored.codings_in_document(doc) if c.id == coding.id]
    assert new_text[moved.start:moved.end] == text[coding.start:word_end - 1] + "XY"
    assert view.document().toPlainText() == new_text


def test_relabelling_a_speaker_as_another_asks_before_joining_them(window, qtbot, reopen, monkeypatch):
    import npmdesk.ui.transcript_edit as te

    doc = _open_first(window, qtbot)
    monkeypatch.setattr(te, "ask_relabel", lambda w, speakers: ("NPM-1", "Interviewer"))
    asked = []
    monkeypatch.setattr(te, "confirm_join", lambda w, old, new: asked.append((old, new)) or False)
    window.actions["relabel_speaker"].trigger()
    assert asked == [("NPM-1", "Interviewer")] and reopen().document_text(doc) == INTERVIEW_1
    assert window.undo_stack.count() == 0
    monkeypatch.setattr(te, "confirm_join", lambda w, old, new: True)
    window.actions["relabel_speaker"].trigger()
    assert {s.name for s in reopen().speakers(doc)} == {"Interviewer"}
    window.actions["undo"].trigger()
    assert reopen().document_text(doc) == INTERVIEW_1


def test_an_edit_updates_its_documents_row_without_reloading_the_list(window, qtbot):
    """A typed word changes the document's length and word count, not the list: the documents
    dock keeps its rows (no model reset per keystroke) and shows the new word count."""
    doc = _open_first(window, qtbot)
    docs = window.documents
    row = docs.model_.index_for(doc)
    words = window.project.document(doc).words
    assert f"{words} words" in docs.model_.data(row, Qt.ItemDataRole.ToolTipRole)
    resets = []
    docs.model_.modelReset.connect(lambda: resets.append(1))
    window.actions["edit_text"].trigger()
    _put_cursor(window.transcript, "My mentee asked", after=False)
    qtbot.keyClicks(window.transcript, "Two new ")
    assert window.project.document(doc).words == words + 2
    assert f"{words + 2} words" in docs.model_.data(docs.model_.index_for(doc), Qt.ItemDataRole.ToolTipRole)
    assert resets == [], "the list was not reloaded for a text edit"
    window.actions["undo"].trigger()
    assert f"{words} words" in docs.model_.data(docs.model_.index_for(doc), Qt.ItemDataRole.ToolTipRole)
