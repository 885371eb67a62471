"""Review of the viewer following an edit in place: random edits through the window (typed beside
the same letter, deletions across codings, same-length replacements, emoji, combining marks, RTL),
with a second coder's codings, after scrolling, with search marks and a located passage, undone
and redone: after each step what is shown is what is stored, and at the end a fresh load."""

from __future__ import annotations

import random

import pytest

from tests.store.test_review_seal import second_coder
from tests.ui.conftest import open_window
from tests.ui.test_edit_in_place import _followed, _fresh, _matches_store, _no_reload, _shown

LINES = ("NPM-1: good feedback, all well 😀😀 aa", "NPM-2: שלום עולם, e\u0301tude café", "Interviewer: mm mm ll",
         "NPM-1: 👩‍⚕️ mentor mentorr", "NPM-2: مرحبا bb bb ooo")


def _project(tmp_path):
    from npmdesk.store import Project, TurnSpec

    rng = random.Random(5)
    lines, turns, at = [], [], 0
    for k in range(60):
        line = LINES[k % len(LINES)]
        lines.append(line)
        turns.append(TurnSpec(at, at + len(line), line.split(":")[0]))
        at += len(line) + 1
    text = "\n".join(lines)
    path = tmp_path / "follow.npmdesk"
    p = Project.create(path, "Ana")
    doc = p.add_document("follow", text, turns=turns)
    codes = [p.ensure_code_path(n) for n in ("A", "B", "C")]
    with p.write("setup"):
        for _ in range(250):
            s = rng.randrange(0, len(text) - 2)
            try:
                p.apply_coding(doc, rng.choice(codes), s, min(len(text), s + rng.choice((1, 2, 3, 7, 30))))
            except Exception:
                pass
    p.close()
    second_coder(path, doc, codes, rng, 40, (1, 2, 5))
    return path, doc


def _open(qtbot, path, doc):
    w = open_window(qtbot, path, doc)
    w.transcript_edit.set_editing(True)
    return w


def _edit(rng, text):
    n = len(text)
    a = rng.randrange(1, n - 12)
    kind = rng.randrange(6)
    if kind == 0:
        return a, a, text[a - 1]
    if kind == 1:
        while a < n - 2 and text[a] != text[a + 1]:
            a += 1
        return a, a + 1, ""
    if kind == 2:
        return a, min(n, a + rng.randint(2, 40)), ""
    if kind == 3:
        b = a + rng.randint(1, 5)
        return a, b, "".join(rng.choice("ab😀ש\u0301") for _ in range(b - a))
    if kind == 4:
        b = a + rng.randint(1, 6)
        return a, b, text[a] + rng.choice(("x", "😀", "e\u0301", "\n", "")) + text[b - 1]
    return a, a, rng.choice(("x", "😀 ", "\n", "e\u0301", "שלום ", "\nNPM-2: "))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_window_edits_undo_and_redo_show_what_is_stored(qtbot, tmp_path, messages, monkeypatch, seed):
    path, doc = _project(tmp_path)
    w = _open(qtbot, path, doc)
    view = w.transcript
    loads = _no_reload(view, monkeypatch)
    followed = _followed(view, monkeypatch)
    rng = random.Random(seed)
    for step in range(30):
        r = rng.random()
        if r < 0.15:
            bar = view.verticalScrollBar()
            bar.setValue(rng.randrange(0, bar.maximum() + 1))
        if r < 0.6 or not w.undo_stack.canUndo():
            text = w.project.document_text(doc)
            a, b, new = _edit(rng, text)
            w.transcript_edit.replace(a, b, new, label=f"edit {step}", typing=rng.random() < 0.5)
            what = f"edit {(a, b, new)!r} of {text[a - 8:b + 8]!r}"
        elif r < 0.85:
            w.actions["undo"].trigger()
            what = "undo"
        else:
            w.actions["redo"].trigger()
            what = "redo"
        assert not messages, messages
        assert _matches_store(w, doc), f"seed {seed} step {step}: after {what}"
        labels = view._speaker_labels(w.project.document_text(doc), w.project.turns(doc))
        assert view.highlighter.labels == labels, f"seed {seed} step {step}: labels after {what}"
    assert not loads and len(followed) > 20 and all(followed), (len(followed), followed.count(False))
    shown = _shown(w, qtbot)
    assert shown == _fresh(w, qtbot, doc)
    w.close()


def test_with_a_coder_hidden_edits_and_undo_show_what_is_stored(qtbot, tmp_path, messages, monkeypatch):
    path, doc = _project(tmp_path)
    w = _open(qtbot, path, doc)
    view = w.transcript
    ben = w.project.db.execute("SELECT id FROM coders WHERE name = 'Ben'").fetchone()[0]
    view.hidden_coders = frozenset({ben})
    w.open_document(doc)
    rng = random.Random(9)
    for step in range(10):
        text = w.project.document_text(doc)
        w.transcript_edit.replace(*_edit(rng, text), label=f"edit {step}")
        if step % 3 == 2:
            w.actions["undo"].trigger()
        spans = w.project.coding_spans(doc).without_coders({ben})
        assert {cid: (s.code_id, s.start, s.end) for cid, s in view.index.spans.items()} == {
            cid: (code, s, e) for cid, code, s, e in zip(spans.ids, spans.code_ids, spans.starts, spans.ends)}
        assert view.document().toPlainText() == w.project.document_text(doc)
    assert not messages
    w.close()




def test_undo_of_merged_typing_moves_codings_before_the_texts_difference_as_stored(qtbot, tmp_path, messages,
                                                                                   monkeypatch):
    """Merged typing undone at once: the texts before and after the undo differ only from `lo` on
    (edit_bounds: a line typed above its copy, then a letter far below), but the first keystroke's
    shift moved codings before `lo`; they are only shifted (not re-read) and the coding count is
    the same, so the viewer keeps them where they were."""
    from npmdesk.store import Project

    path = tmp_path / "merged.npmdesk"
    text = "A: hi\nB: yy\nB: zz\nC: the end of it\n"
    p = Project.create(path, "Ana")
    doc = p.add_document("merged", text)
    code = p.ensure_code_path("Y")
    p.apply_coding(doc, code, 6, 8)  # "B:" of "B: yy"
    p.close()
    w = _open(qtbot, path, doc)
    view = w.transcript
    followed = _followed(view, monkeypatch)
    # Two edits far apart merged into one undo step (typing no longer merges across places, but a
    # step may still hold several text updates of one document).
    p = w.project
    assert w.run("Type text", lambda: p.edit_text(doc, [(6, 6, "B: yy\n")]), merge_key="burst").ok
    assert _matches_store(w, doc)
    end = len(p.document_text(doc)) - 3
    assert w.run("Type text", lambda: p.edit_text(doc, [(end, end, "Q")]), merge_key="burst").ok
    assert _matches_store(w, doc) and w.undo_stack.count() == 1
    w.actions["undo"].trigger()
    assert w.project.document_text(doc) == text and all(followed)
    assert _matches_store(w, doc), (dict(view.index.spans), list(w.project.coding_spans(doc).starts))
    w.close()


def test_a_replacement_across_a_turns_start_shows_the_labels_a_fresh_load_shows(qtbot, tmp_path, messages,
                                                                              monkeypatch):
    """"xx\\nB" replaced by "x\\nB": the texts say one "x" was deleted, but the store moves the B
    turn's start into the replaced range (to the "x"), so a fresh load shows no "B" label; the
    viewer re-reads turns only in the blocks of the texts' difference and keeps the old label."""
    from npmdesk.store import Project, TurnSpec

    path = tmp_path / "labels.npmdesk"
    text = "A: xx\nB: yy\nA: zz"
    p = Project.create(path, "Ana")
    doc = p.add_document("labels", text, turns=[TurnSpec(0, 5, "A"), TurnSpec(6, 11, "B"), TurnSpec(12, 17, "A")])
    p.close()
    w = _open(qtbot, path, doc)
    view = w.transcript
    followed = _followed(view, monkeypatch)
    assert w.transcript_edit.replace(3, 7, "x\nB")
    assert followed == [True]
    stored = view._speaker_labels(w.project.document_text(doc), w.project.turns(doc))
    assert view.highlighter.labels == stored
    w.close()


def test_a_letter_typed_after_a_search_mark_that_ends_in_it_leaves_the_mark_as_it_was(qtbot, tmp_path, messages):
    """"mentor" marked (search) and located; an "r" typed after it: the edit was at the mark's end
    (it goes after the mark, as for a coding), but the viewer maps the marks by the stretch the
    texts allow ("r" -> "rr") and grows both over the typed letter."""
    from npmdesk.store import Project

    path = tmp_path / "marks.npmdesk"
    p = Project.create(path, "Ana")
    doc = p.add_document("marks", "NPM-1: mentor here\n")
    p.close()
    w = _open(qtbot, path, doc)
    view = w.transcript
    view.set_search_marks([(7, 13)])
    view.locate(7, 13)
    assert w.transcript_edit.replace(13, 13, "r")
    assert view._search_marks == [(7, 13)]
    assert view.located == (7, 13)
    w.close()


def test_paragraph_numbers_follow_typing_into_and_out_of_a_blank_line(qtbot, tmp_path, messages):
    """Typing inside a paragraph keeps the numbering; a letter typed on a blank line makes it a
    paragraph (every later number moves) and deleting it again undoes that, as a fresh load shows."""
    from npmdesk.store import Project

    path = tmp_path / "blank.npmdesk"
    text = "A: one\n\nB: two\n\nA: three\n"
    p = Project.create(path, "Ana")
    doc = p.add_document("blank", text)
    p.close()
    w = _open(qtbot, path, doc)
    view = w.transcript
    for at, old_end, middle in ((4, 4, "x"), (8, 8, "y"), (8, 9, ""), (20, 20, "z")):
        w.transcript_edit.replace(at, old_end, middle, label="type")
        shown = dict(view.paragraph_numbers)
        view.clear_document()
        w.open_document(doc)
        assert shown == view.paragraph_numbers, (at, middle)
    assert view.paragraph_numbers == {0: 1, 2: 2, 4: 3}
    assert not messages
    w.close()
