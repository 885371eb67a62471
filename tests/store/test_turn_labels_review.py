"""Turns following labels (from review), on turns as import makes them (detect_turns:
a turn ends before its line break) and with labels retyped key by key."""

from __future__ import annotations

import pytest

from npmdesk.formats.speakers import detect_turns

from tests.store.test_turn_labels import TEXT, _who, interview  # noqa: F401  (the same transcript, read the same way)


@pytest.fixture
def doc(project):
    """The transcript with its turns as import makes them (each ends before its line break)."""
    return interview(project, detect_turns(TEXT))


def test_review_deleted_label_joins_imported_turn_to_the_one_before(project, doc):
    """Imported turns end before the line break, so the turn before is outside the line the edit
    touched: the label's turn is deleted and its passage left in no turn at all."""
    start = TEXT.index("NPM-2: ")
    project.edit_text(doc, [(start, start + 7, "")])
    assert [s for s, _ in _who(project, doc)] == ["Interviewer", "NPM-1", "Interviewer"]
    assert _who(project, doc)[-1][1].endswith("Harder than I thought."), "the passage still belongs to a turn"


def test_review_label_retyped_key_by_key_changes_the_speaker(project, doc):
    """Backspace over '2' of 'NPM-2:', then type '1': the label says NPM-1, as it does when '2' is
    replaced by '1' in one edit; the turn stays NPM-2's."""
    at = TEXT.index("NPM-2: ") + 4
    project.edit_text(doc, [(at, at + 1, "")])
    project.edit_text(doc, [(at, at, "1")])
    assert _who(project, doc)[-1] == ("NPM-1", "NPM-1: Harder than I thought.")


def test_review_label_deleted_key_by_key_is_like_deleted_at_once(project, doc, tmp_path):
    """Deleting 'NPM-2' with backspaces (cursor before the colon), then the colon and space, gives
    the text deleting 'NPM-2: ' at once gives; the turns should be the same."""
    start = TEXT.index("NPM-2: ")
    for k in range(5, 0, -1):
        project.edit_text(doc, [(start + k - 1, start + k, "")])
    project.edit_text(doc, [(start, start + 2, "")])
    assert project.document_text(doc) == TEXT.replace("NPM-2: ", "")
    assert [s for s, _ in _who(project, doc)] == ["Interviewer", "NPM-1", "Interviewer"]


def test_review_undo_of_an_edit_that_updates_a_turn_twice(project):
    """One step relabels the first turn as NPM-1 (its end moves, then its speaker changes) and
    takes the next turn's label away (joined to it: its end moves again): undo was refused as a
    change by another program, since the journal put the updates back grouped by column."""
    text = "Interviewer: a\nNPM-1: b\n"
    doc = project.add_document("I", text, turns=detect_turns(text))
    project.link_speaker(doc, "NPM-1", project.add_case("NPM-1"))
    before = [(t.speaker, t.start, t.end) for t in project.turns(doc)]
    project.edit_text(doc, [(0, 11, "NPM-1"), (15, 22, "")])
    assert [(t.speaker, t.start, t.end) for t in project.turns(doc)] == [("NPM-1", 0, 10)]
    redo = project.revert(project.last_step)
    assert [(t.speaker, t.start, t.end) for t in project.turns(doc)] == before
    assert project.document_text(doc) == text
    project.revert(redo)
    assert [(t.speaker, t.start, t.end) for t in project.turns(doc)] == [("NPM-1", 0, 10)]
