"""An edit (and its undo and redo) changes the viewer in place: the QTextDocument is edited at the
edited range, the coding index and paragraph maps move with it, and the result is exactly what a
fresh load of the stored document shows: text, codings, colours, labels and paragraph numbers."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt

from tests.ui.conftest import coloured_ranges
from tests.ui.conftest import open_window
from tests.ui.test_lazy_highlight import open_heavy


def _state(view):
    index = view.index
    blocks = range(view.document().blockCount())
    return {
        "text": view.document().toPlainText(),
        "spans": dict(index.spans),
        "by_block": {b: sorted(ids) for b, ids in index.by_block.items() if ids},
        "entries": [index.entries(b) for b in blocks],
        "positions": (view.positions.block_starts, view.positions.block_starts_u16, view.positions.length,
                      view.positions.map.astral_positions),
        "paragraphs": dict(view.paragraph_numbers),
        "labels": dict(view.highlighter.labels),
        "coloured": coloured_ranges(view),
    }


def _fresh(window, qtbot, doc):
    view = window.transcript
    view.clear_document()
    window.open_document(doc)
    qtbot.waitUntil(lambda: not view.highlighter.pending, timeout=10000)
    return _state(view)


def _shown(window, qtbot):
    view = window.transcript
    qtbot.waitUntil(lambda: not view.highlighter.pending, timeout=10000)
    return _state(view)


def _no_reload(view, monkeypatch):
    loads = []
    original = view.setPlainText
    monkeypatch.setattr(view, "setPlainText", lambda text: (loads.append(1), original(text)))
    return loads


def test_typed_edits_and_their_undo_match_a_fresh_load(window, qtbot, monkeypatch):
    doc = next(d.id for d in window.document_list if d.name == "Interview NPM-1")
    window.open_document(doc)
    view = window.transcript
    window.actions["edit_text"].trigger()
    loads = _no_reload(view, monkeypatch)
    text = view.positions
    cur = view.textCursor()
    cur.setPosition(text.to_qt(text.length // 2))
    view.setTextCursor(cur)
    qtbot.keyClicks(view, "new words")
    qtbot.keyClick(view, Qt.Key.Key_Return)  # a paragraph split: every block after is renumbered
    qtbot.keyClicks(view, "NPM-9: x")
    at = view.positions.to_cp(view.textCursor().position())
    window.transcript_edit.replace(at, at, "😀 ", typing=True)  # (QTest types ASCII only)
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert not loads, "the edits were shown in place"
    edited = _shown(window, qtbot)
    assert edited["text"] == window.project.document_text(doc)
    window.actions["undo"].trigger()
    undone = _shown(window, qtbot)
    window.actions["redo"].trigger()
    redone = _shown(window, qtbot)
    assert not loads
    assert redone == edited
    window.actions["undo"].trigger()
    assert _shown(window, qtbot) == undone
    assert undone == _fresh(window, qtbot, doc)


def test_random_edits_in_a_heavy_transcript_match_a_fresh_load(qtbot, tmp_path, messages, monkeypatch):
    w = open_heavy(qtbot, tmp_path)
    doc = w.current_document
    view = w.transcript
    w.transcript_edit.set_editing(True)
    loads = _no_reload(view, monkeypatch)
    rng = random.Random(3)
    for step in range(12):
        n = view.positions.length
        a = rng.randrange(0, n - 30)
        b = a + rng.choice((0, 0, 1, 5, 80))
        w.transcript_edit.replace(a, b, rng.choice(("", "x", "😀 ", "two\nlines", "\n")) or "y", label=f"edit {step}")
        if rng.random() < 0.3:
            w.actions["undo"].trigger()
    assert not loads
    shown = _shown(w, qtbot)
    assert shown["text"] == w.project.document_text(doc)
    assert shown == _fresh(w, qtbot, doc)
    w.close()


def _followed(view, monkeypatch):
    """What each follow_text_edit (the window's path for an edit of the transcript on show) said."""
    results = []
    original = view.follow_text_edit
    monkeypatch.setattr(view, "follow_text_edit", lambda *a, **k: results.append(original(*a, **k)) or results[-1])
    return results


def _matches_store(w, doc):
    spans = w.project.coding_spans(doc)
    held = w.transcript.index.spans
    return w.transcript.document().toPlainText() == w.project.document_text(doc) and {
        cid: (code, s, e) for cid, code, s, e in zip(spans.ids, spans.code_ids, spans.starts, spans.ends)
    } == {cid: (s.code_id, s.start, s.end) for cid, s in held.items()}


def test_edits_whose_place_the_text_does_not_tell_match_the_store(qtbot, tmp_path, messages, monkeypatch):
    """A character typed beside the same character, one of a double letter deleted, a selection
    replaced by text that starts or ends as it did: the viewer cannot know from the texts where
    the store made the edit (and so which codings it grew, shrank or shifted); it reads back the
    stretch any such edit lies in, so what it shows is what is stored, after each step, its undo
    and its redo, without a reload."""
    w = open_heavy(qtbot, tmp_path)
    doc = w.current_document
    view = w.transcript
    w.transcript_edit.set_editing(True)
    loads = _no_reload(view, monkeypatch)
    followed = _followed(view, monkeypatch)
    rng = random.Random(11)
    for step in range(40):
        text = w.project.document_text(doc)
        a = rng.randrange(1, len(text) - 40)
        kind = step % 5
        if kind == 0:  # the character before, typed again
            edit = (a, a, text[a - 1])
        elif kind == 1:  # a run of one letter: delete its first
            while a < len(text) - 2 and text[a] != text[a + 1]:
                a += 1
            edit = (a, a + 1, "")
        elif kind == 2:  # a selection replaced by itself with its middle changed
            edit = (a, a + 9, text[a:a + 4] + "Z" + text[a + 5:a + 9])
        elif kind == 3:  # text typed over a selection that it starts with
            edit = (a, a + 6, text[a:a + 6] + "more")
        else:  # a paragraph break typed beside another edit's place
            edit = (a, a, "\n")
        assert w.transcript_edit.replace(*edit, label=f"edit {step}")
        assert _matches_store(w, doc), f"after edit {step} {edit}"
        if rng.random() < 0.4:
            w.actions["undo"].trigger()
            assert _matches_store(w, doc), f"after undoing edit {step}"
            if rng.random() < 0.5:
                w.actions["redo"].trigger()
                assert _matches_store(w, doc), f"after redoing edit {step}"
    assert not loads and followed and all(followed), "every edit was followed in place"
    assert _shown(w, qtbot) == _fresh(w, qtbot, doc)
    w.close()


def test_with_a_coder_hidden_an_edit_is_shown_by_the_full_path(qtbot, tmp_path, messages, monkeypatch):
    w = open_heavy(qtbot, tmp_path)
    doc = w.current_document
    view = w.transcript
    view.hidden_coders = frozenset({12345})  # a coder with no codings here: nothing is hidden
    followed = _followed(view, monkeypatch)
    w.transcript_edit.set_editing(True)
    assert w.transcript_edit.replace(40, 40, "abc")
    assert followed == [False]  # the window then refreshes from the whole stored document
    assert _matches_store(w, doc)
    w.close()


def test_a_letter_typed_or_deleted_in_a_double_letter_moves_the_codings_as_stored(qtbot, tmp_path, messages,
                                                                                   monkeypatch):
    """"feedback": the store puts an "e" typed between the two e's before a coding that starts
    at the second, and deletes the first "e" when asked to; the texts alone would say the edit
    was one place to the right (and leave that coding where it was). What is shown is what is
    stored, with no reload."""
    from npmdesk.store import Project

    path = tmp_path / "double.npmdesk"
    text = "NPM-1: good feedback helps\nNPM-2: yes, feedback\n"
    p = Project.create(path, "Ana")
    doc = p.add_document("double", text)
    code = p.ensure_code_path("Feedback")
    other = p.ensure_code_path("Help")
    e2 = text.index("feedback") + 2  # the second "e"
    p.apply_coding(doc, code, e2, e2 + 6)  # "edback"
    p.apply_coding(doc, other, e2 - 1, e2)  # the first "e" alone
    p.apply_coding(doc, other, e2 + 1, e2 + 12)  # after both
    p.close()
    w = open_window(qtbot, path, doc)
    view = w.transcript
    w.transcript_edit.set_editing(True)
    loads = _no_reload(view, monkeypatch)
    followed = _followed(view, monkeypatch)
    for edit in ((e2, e2, "e"), (e2 - 1, e2, ""), (e2, e2 + 1, ""), (e2 + 1, e2 + 1, "d")):
        assert w.transcript_edit.replace(*edit, label="edit")
        assert _matches_store(w, doc), f"after {edit}"
        w.actions["undo"].trigger()
        assert _matches_store(w, doc), f"after undoing {edit}"
        w.actions["redo"].trigger()
        assert _matches_store(w, doc), f"after redoing {edit}"
    assert not loads and all(followed) and len(followed) == 12
    w.close()


def test_a_burst_of_typing_keeps_one_journal_not_one_per_keystroke(window, qtbot):
    import gc

    from npmdesk.ui.commands import StoreStep

    doc = next(d.id for d in window.document_list if d.name == "Interview NPM-1")
    window.open_document(doc)
    window.actions["edit_text"].trigger()
    view = window.transcript
    cur = view.textCursor()
    cur.setPosition(view.positions.to_qt(view.positions.length // 2))
    view.setTextCursor(cur)
    qtbot.keyClicks(view, "twenty characters...")
    assert window.undo_stack.count() == 1  # the burst merged into one step
    gc.collect()
    holding = [o for o in gc.get_objects() if isinstance(o, StoreStep) and o.window is window and o.step.entries]
    assert len(holding) == 1  # merged commands Qt deleted keep no copy of the journal
    [text_entries] = [[e for e in holding[0].step.entries if e.table == "document_texts"]]
    assert len(text_entries) == 20 and all(e.op == "t" and len(e.before[3]) == 1 for e in text_entries)
