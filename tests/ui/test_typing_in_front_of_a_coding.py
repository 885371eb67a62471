"""Typing in front of a coded passage, key by key (a fresh-eyes trial, 2026-12-03): the first letter
joins the coding (a coding never starts mid-word), and the word it began, once ended, leaves it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_edit_in_place import _fresh, _shown
from tests.ui.test_transcript_edit import _coded, _open_first, _put_cursor


def test_a_word_typed_in_front_of_a_coding_stays_out_of_it(window, qtbot):
    doc = _open_first(window, qtbot)
    view = window.transcript
    before = _coded(window.project, doc)
    assert "How honest the feedback was" in before
    window.actions["edit_text"].trigger()
    _put_cursor(view, "How honest the feedback was")
    qtbot.keyClicks(view, "So ")  # a new word, then a space: the coded words are untouched
    assert "NPM-1: So How honest the feedback was" in window.project.document_text(doc)
    assert _coded(window.project, doc) == before
    assert _shown(window, qtbot) == _fresh(window, qtbot, doc)  # the viewer followed the coding's new start


def test_a_speaker_label_typed_back_does_not_join_the_coding_after_it(window, qtbot):
    doc = _open_first(window, qtbot)
    view = window.transcript
    before = _coded(window.project, doc)
    window.actions["edit_text"].trigger()
    text = view.document().toPlainText()
    at = text.index("NPM-1: How honest")
    cur = view.textCursor()
    cur.setPosition(view.positions.to_qt(at))
    cur.setPosition(view.positions.to_qt(at + len("NPM-1: ")), cur.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # the label is gone: the turn joins the one before
    assert "\nHow honest the feedback was" in window.project.document_text(doc)
    qtbot.keyClicks(view, "NPM-1: ")  # typed back, key by key
    assert "\nNPM-1: How honest the feedback was" in window.project.document_text(doc)
    turn = next(t for t in window.project.turns(doc)
                if window.project.document_text(doc)[t.start:].startswith("NPM-1: How honest"))
    assert turn.speaker == "NPM-1"
    assert _coded(window.project, doc) == before
