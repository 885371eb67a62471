"""Coding in the real window: select by cursor, apply by click, keys, typing, drag-and-drop; undo/redo.

Each step is checked twice: what the viewer shows (highlight formats, tree counts) and what a
second connection reads from the project file.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import click_code, code_id, coloured_ranges, drag_and_drop, row_point, select_text


def stored_spans(reopen, doc_id, code=None):
    p = reopen()
    text = p.document_text(doc_id)
    return [(c.code_id, text[c.start:c.end]) for c in p.codings_in_document(doc_id)
            if code is None or c.code_id == code]


def test_click_code_applies_to_selection_and_undo_redo(qtbot, window, reopen):
    doc = window.current_document
    code = code_id(window, "Seeing the system")
    before = coloured_ranges(window.transcript)
    qa, qb = select_text(window.transcript, "Nobody tells you that the system is part of the curriculum")
    click_code(qtbot, window, code)
    phrase = "Nobody tells you that the system is part of the curriculum"
    assert (code, phrase) in stored_spans(reopen, doc, code)
    assert coloured_ranges(window.transcript) - before == set(range(qa, qb))
    assert window.code_panel.model.own[code].codings == 2
    window.actions["undo"].trigger()
    assert (code, phrase) not in stored_spans(reopen, doc, code)
    assert coloured_ranges(window.transcript) == before
    assert window.code_panel.model.own[code].codings == 1
    window.actions["redo"].trigger()
    assert (code, phrase) in stored_spans(reopen, doc, code)
    assert coloured_ranges(window.transcript) - before == set(range(qa, qb))


def test_undo_redo_by_keyboard(qtbot, window, reopen):
    doc = window.current_document
    code = code_id(window, "Seeing the system")
    select_text(window.transcript, "the loans")
    click_code(qtbot, window, code)
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (code, "the loans") not in stored_spans(reopen, doc)
    qtbot.keyClick(window.transcript, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (code, "the loans") in stored_spans(reopen, doc)


def test_number_keys_apply_recent_codes(qtbot, window, reopen):
    doc = window.current_document
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    select_text(window.transcript, "the schedule")
    click_code(qtbot, window, a)
    select_text(window.transcript, "anatomy exam")
    click_code(qtbot, window, b)
    assert window.recent_codes[:2] == [a, b]  # numbers in order of first use, and they stay
    select_text(window.transcript, "At first I thought")
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_2)  # 2 = b
    qtbot.keyClick(window.transcript, Qt.Key.Key_1)  # and a on the same words
    stored = stored_spans(reopen, doc)
    assert (a, "At first I thought") in stored and (b, "At first I thought") in stored
    qtbot.keyClick(window.transcript, Qt.Key.Key_9)  # no ninth recent code: nothing happens
    assert len(stored_spans(reopen, doc)) == len(stored)


def test_typing_a_new_name_creates_and_applies(qtbot, window, reopen):
    doc = window.current_document
    select_text(window.transcript, "answering questions")
    qtbot.keyClicks(window.code_panel.filter, "Misconceptions about mentoring")
    qtbot.keyClick(window.code_panel.filter, Qt.Key.Key_Return)
    p = reopen()
    new = p.code_by_path("Misconceptions about mentoring")
    assert [p.document_text(doc)[c.start:c.end] for c in p.codings_in_document(doc) if c.code_id == new.id] \
        == ["answering questions"]
    # One undo removes both the coding and the new code (one gesture, one step).
    window.actions["undo"].trigger()
    assert all(c.path != "Misconceptions about mentoring" for c in reopen().codes())
    window.actions["redo"].trigger()
    assert reopen().code_by_path("Misconceptions about mentoring").id == new.id
    # Typing an existing name applies that code instead of making a duplicate.
    select_text(window.transcript, "the exam calendar")
    qtbot.keyClicks(window.code_panel.filter, "seeing the SYSTEM")
    qtbot.keyClick(window.code_panel.filter, Qt.Key.Key_Return)
    assert (code_id(window, "Seeing the system"), "the exam calendar") in stored_spans(reopen, doc)


def test_in_vivo_uses_the_selected_words(qtbot, window, reopen):
    doc = window.current_document
    select_text(window.transcript, "Teaching it consolidated it.")
    window.actions["in_vivo"].trigger()
    p = reopen()
    code = p.code_by_path("Teaching it consolidated it")
    assert [p.document_text(doc)[c.start:c.end] for c in p.codings_in_document(doc)
            if c.code_id == code.id] == ["Teaching it consolidated it."]


def test_drag_selection_onto_a_code(qtbot, window, reopen):
    doc = window.current_document
    code = code_id(window, "Growing as a communicator/Honest feedback")
    qa, qb = select_text(window.transcript, "clearer explanations on the wards")
    mime = window.transcript.createMimeDataFromSelection()
    tree = window.code_tree
    event = drag_and_drop(tree.viewport(), row_point(tree, code), mime)
    assert event.dropAction() == Qt.DropAction.IgnoreAction  # Qt must not move rows itself
    assert (code, "clearer explanations on the wards") in stored_spans(reopen, doc, code)
    assert set(range(qa, qb)) <= coloured_ranges(window.transcript)
    assert window.transcript.document().toPlainText().count("clearer explanations") == 1  # text untouched


def test_context_menu_actions_on_a_coding(qtbot, window, reopen):
    doc = window.current_document
    p = reopen()
    coding = next(c for c in p.codings_in_document(doc) if p.document_text(doc)[c.start:c.end]
                  == "How honest the feedback was")
    window.transcript.set_current_coding(coding.id)
    window.actions["exemplar"].trigger()
    assert reopen().coding(coding.id).exemplar is True
    select_text(window.transcript, "How honest the feedback was. She told me")
    window.actions["change_span"].trigger()
    c2 = reopen().coding(coding.id)
    assert reopen().document_text(doc)[c2.start:c2.end] == "How honest the feedback was. She told me"
    window.transcript.set_current_coding(coding.id)
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_Delete)
    assert coding.id not in {c.id for c in reopen().codings_in_document(doc)}
    for _ in range(3):
        window.actions["undo"].trigger()
    restored = reopen().coding(coding.id)
    assert (restored.start, restored.end, restored.exemplar) == (coding.start, coding.end, False)


def test_refused_action_is_a_message_not_a_step(qtbot, window, reopen, messages):
    code = code_id(window, "Seeing the system")
    select_text(window.transcript, "I saw how the schedule, the loans and the exam calendar push students around")
    steps = window.undo_stack.count()
    click_code(qtbot, window, code)  # this exact passage already has this code
    assert messages == []  # nothing to do: a status note, not an error dialog
    assert window.statusBar().currentMessage() == "This passage already has this code: nothing to do."
    assert window.undo_stack.count() == steps
    assert "Traceback" not in "".join(messages)


def test_applying_a_code_rehighlights_only_the_touched_paragraphs(qtbot, window, monkeypatch):
    code = code_id(window, "Seeing the system")
    touched = []
    hl = window.transcript.highlighter
    real = hl.rehighlight_blocks
    monkeypatch.setattr(hl, "rehighlight_blocks", lambda blocks: (touched.append(set(blocks)), real(blocks)))
    select_text(window.transcript, "Did anything surprise you?")
    click_code(qtbot, window, code)
    assert touched == [{4}]  # the fifth paragraph (0-based 4) and nothing else


def test_tree_counts_follow_each_coding_without_a_full_reload(qtbot, window, reopen, monkeypatch):
    """Applying, undoing and removing recount only the code and its ancestors, and the tree
    shows exactly what a full recount of the file gives."""
    model = window.code_panel.model
    loads = []
    monkeypatch.setattr(type(model), "load", lambda self, p: loads.append(p))
    belonging = code_id(window, "Socialisation into medicine/Belonging")
    theme = code_id(window, "Socialisation into medicine")

    def shown(cid):
        return [model.data(model.index_of(cid, col)) for col in (1, 2, 3)]

    def expected(cid):
        p = reopen()
        own, total = p.code_counts().get(cid), p.code_counts(with_descendants=True).get(cid)
        return own, total

    before = shown(theme)
    select_text(window.transcript, "My mentee asked how I handled the first anatomy exam")
    click_code(qtbot, window, belonging)
    own, total = expected(belonging)
    assert shown(belonging)[0] == str(own.codings)
    theme_total = expected(theme)[1]
    assert shown(theme)[0] == f"0 ({theme_total.codings})"
    window.undo_stack.undo()
    assert shown(theme) == before
    assert loads == []


def test_undoing_a_new_code_frees_its_number_key_and_redo_stays_honest(qtbot, window, reopen, messages):
    """Found in a trial: after Ctrl+I and Ctrl+Z the code's number key still pointed at it."""
    select_text(window.transcript, "How honest the feedback was")
    window.coding.in_vivo()
    new = [c for c in window.project.codes() if c.name == "How honest the feedback was"]
    assert new and window.recent_codes[0] == new[0].id
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()  # the coding, then the new code
    assert all(c.name != "How honest the feedback was" for c in reopen().codes())
    assert new[0].id not in window.recent_codes
    # A refused step (the selection is gone) must leave Redo as the stack says.
    window.coding.apply_code(999999, (0, 5), window.current_document)
    assert window.actions["redo"].isEnabled() == window.undo_stack.canRedo()


def test_typing_a_path_nests_the_new_code_as_on_the_command_line(qtbot, window, reopen):
    """Found in a trial: "Coping/Stress" typed in the filter box made one code named with a slash."""
    doc = window.current_document
    select_text(window.transcript, "answering questions")
    qtbot.keyClicks(window.code_panel.filter, "Seeing the system/Coping/Stress")
    qtbot.keyClick(window.code_panel.filter, Qt.Key.Key_Return)
    p = reopen()
    stress = p.code_by_path("Seeing the system/Coping/Stress")
    assert p.code(stress.parent_id).path == "Seeing the system/Coping"
    assert [c.code_id for c in p.codings_in_document(doc) if c.code_id == stress.id]
    window.actions["undo"].trigger()  # one step: both new levels and the coding
    assert all("Coping" not in c.path for c in reopen().codes())
    assert reopen().code_by_path("Seeing the system")  # the existing level stays


def test_a_click_never_codes_an_already_coded_selection_again(qtbot, window, reopen):
    """Found in a trial: clicking a code later (to align it) silently coded the old selection."""
    doc = window.current_document
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    select_text(window.transcript, "At first I thought")
    click_code(qtbot, window, a)
    before = stored_spans(reopen, doc)
    click_code(qtbot, window, b)  # browsing another code: the coded selection is not reused
    assert stored_spans(reopen, doc) == before
    assert "already coded" in window.statusBar().currentMessage()
    select_text(window.transcript, "answering questions")  # a new selection: a click codes it
    click_code(qtbot, window, b)
    assert (b, "answering questions") in stored_spans(reopen, doc)


def test_ctrl_z_after_typing_a_new_code_undoes_the_coding(qtbot, window, reopen):
    """Found in a trial: focus stayed in the filter box, so Ctrl+Z undid the typing instead."""
    select_text(window.transcript, "answering questions")
    qtbot.keyClicks(window.code_panel.filter, "Early expectations")
    qtbot.keyClick(window.code_panel.filter, Qt.Key.Key_Return)
    assert window.transcript.hasFocus() or window.focusWidget() is window.transcript
    assert any(c.path == "Early expectations" for c in reopen().codes())
    window.actions["undo"].trigger()
    assert all(c.path != "Early expectations" for c in reopen().codes())


def test_number_keys_keep_their_codes_and_survive_a_restart(qtbot, window, reopen, study):
    """Found in a trial: creating any code shifted every number; the keys were forgotten on restart."""
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    for phrase, code in (("the schedule", a), ("anatomy exam", b)):
        select_text(window.transcript, phrase)
        click_code(qtbot, window, code)
    assert window.transcript.selected_span() is not None  # "anatomy exam" is still selected:
    window.coding.new_code("Brand new")  # the new code codes it, so it takes the next number
    new = next(c.id for c in reopen().codes() if c.name == "Brand new")
    assert window.recent_codes == [a, b, new]
    p = window.project
    assert window.run("Delete code", lambda: p.delete_code(b, children=None, codings="delete")).ok
    assert window.recent_codes == [a, None, new]  # 3 stays 3 when 2 goes
    window.close_project()
    window.open_project(study)
    assert window.recent_codes == [a, None, new]  # as they were


def test_in_vivo_and_its_undo_show_one_coding_without_reading_the_whole_transcript(qtbot, window, reopen,
                                                                                  monkeypatch):
    doc = window.current_document
    p = window.project
    reads = []
    original = p.coding_spans
    monkeypatch.setattr(p, "coding_spans", lambda *a, **k: (reads.append(a), original(*a, **k))[1])
    select_text(window.transcript, "Teaching it consolidated it.")
    window.actions["in_vivo"].trigger()
    code = reopen().code_by_path("Teaching it consolidated it").id
    shown = {s.code_id for s in window.transcript.index.spans.values()}
    assert code in shown and not reads  # the new code's coding came in alone
    window.actions["undo"].trigger()
    assert code not in {s.code_id for s in window.transcript.index.spans.values()} and not reads
    stored = original(doc)
    assert sorted(window.transcript.index.spans) == sorted(stored.ids)
