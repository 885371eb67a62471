"""An edit (and its undo and redo) changes the viewer in place: the QTextDocument is edited at the
edited range, the coding index and paragraph maps move with it, and the result is exactly what a
fresh load of the stored document shows: text, codings, colours, labels and paragraph numbers."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt

from tests.ui.conftest import coloured_ranges
from tests.ui.test_lazy_highlight import heavy_project


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
    from npmdesk.ui import MainWindow

    path = tmp_path / "heavy.npmdesk"
    doc = heavy_project(path)
    w = MainWindow(path, coder="Ana")
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    w.open_document(doc)
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
