"""A text edit journals the codings and turns it shifts as ONE entry each (ids, amount, digest), not
one per row; undo and redo stay exact, another writer's change to a shifted row is still refused,
and the counts cache takes a shift for what it is (no count moves; coded characters recounted)."""

from __future__ import annotations

import random

import pytest

from npmdesk.core.model import TurnSpec
from npmdesk.store import Project
from npmdesk.store.counts_cache import covered_characters, forget, full_counts, shares_from
from npmdesk.store.journal import UndoConflictError
from tests.store.test_journal import _dump


@pytest.fixture
def coded(tmp_path):
    rng = random.Random(3)
    lines, turns, at = [], [], 0
    for k in range(40):
        speaker = "Interviewer" if k % 2 == 0 else "NPM-1"
        line = f"{speaker}: " + " ".join(rng.choice(("mentor", "café", "😀", "belonging", "e\u0301tude"))
                                        for _ in range(8))
        lines.append(line)
        turns.append(TurnSpec(at, at + len(line), speaker))
        at += len(line) + 1
    text = "\n".join(lines)
    p = Project.create(tmp_path / "s.npmdesk", "Ana")
    doc = p.add_document("Interview", text, turns=turns)
    p.link_speaker(doc, "NPM-1", p.add_case("NPM-1"))
    early, late = p.add_code("Early"), p.add_code("Late")
    with p.write("setup"):
        for s in range(0, len(text) - 12, 7):
            p.apply_coding(doc, early if s < 60 else late, s, s + 12)
    p.doc, p.early, p.late = doc, early, late
    yield p
    p.close()


def _shifted_ids(p, doc, from_start):
    return {r[0] for r in p.db.execute("SELECT id FROM codings WHERE document_id = ? AND start >= ?",
                                       (doc, from_start))}


def test_an_insertion_journals_each_shift_as_one_entry_and_undo_redo_are_exact(coded):
    p = coded
    at = 40
    shifted = _shifted_ids(p, p.doc, at)
    assert len(shifted) > 100
    before = _dump(p.path)
    p.edit_text(p.doc, [(at, at, "x")])
    step = p.last_step
    after = _dump(p.path)
    shifts = [e for e in step.entries if e.op == "s"]
    assert sorted(e.table for e in shifts) == ["codings", "turns"]
    assert not [e for e in step.entries if e.table == "codings" and e.op == "u" and e.before[0] in shifted]
    assert len(step.entries) < 20  # not one per shifted row
    c = step.changes
    assert shifted <= c.codings_changed and c.documents == {p.doc}
    assert p.late not in (c.counted_codes or ())  # a shift moves no count
    redo = p.revert(step, "edit")
    assert _dump(p.path) == before
    assert [e.op for e in redo.entries].count("s") == 2
    p.revert(redo, "redo edit")
    assert _dump(p.path) == after


def test_a_deletion_that_parks_colliding_spans_undoes_exactly(coded):
    p = coded
    # Spans of one code exactly one character apart: a one-character shift meets them midway.
    with p.write("more"):
        for s in range(300, 330):
            p.apply_coding(p.doc, p.late, s, s + 3)
    before = _dump(p.path)
    p.edit_text(p.doc, [(250, 251, "")])
    step = p.last_step
    after = _dump(p.path)
    assert any(e.op == "s" and e.table == "codings" for e in step.entries)
    redo = p.revert(step, "edit")
    assert _dump(p.path) == before
    p.revert(redo, "redo edit")
    assert _dump(p.path) == after


@pytest.mark.parametrize("meddle", [
    lambda other, cid, doc: other.set_exemplar(cid, True),
    lambda other, cid, doc: other.remove_coding(cid),
    lambda other, cid, doc: other.change_coding_span(cid, 2, 5),
])
def test_undo_of_a_shift_refuses_when_another_program_changed_a_shifted_coding(coded, meddle):
    p = coded
    p.edit_text(p.doc, [(40, 40, "xyz")])
    step = p.last_step
    p.seal_pending()  # as the window does once the edit is shown: the digest is taken
    assert all(e.before[2].digest for e in step.entries if e.op == "s")
    victim = max(_shifted_ids(p, p.doc, 500))
    _undo_is_refused_after(p, step, lambda other: meddle(other, victim, p.doc))


def _undo_is_refused_after(p, step, meddle, match="Nothing was undone"):
    """Another program writes (`meddle(its Project)`); then undoing `step` is refused, nothing changed."""
    other = Project.open(p.path, "Cli")
    meddle(other)
    other.close()
    before = _dump(p.path)
    with pytest.raises(UndoConflictError, match=match):
        p.revert(step, "edit")
    assert _dump(p.path) == before


def test_counts_and_coded_shares_follow_edits_and_undo_without_recounting_shifts(coded):
    p = coded
    p.code_counts()  # the cache is loaded: later reads fold only what the log says
    steps = []
    for edit in ([(40, 40, "inserted words")], [(10, 200, "")], [(0, 5, "")], [(400, 400, "\n")]):
        p.edit_text(p.doc, edit)
        steps.append(p.last_step)
        _assert_cache_matches_tables(p)
    for step in reversed(steps):
        p.revert(step, "edit")
        _assert_cache_matches_tables(p)


def _assert_cache_matches_tables(p):
    for with_descendants in (False, True):
        want = {c: v for c, v in full_counts(p.db, with_descendants).items() if v.codings}
        assert p.code_counts(with_descendants=with_descendants) == want
    shares = p.coded_shares()
    assert shares == shares_from(p.db, covered_characters(p.db))
    forget(p)
    assert p.coded_shares() == shares


def test_a_relabel_that_changes_who_shifted_codings_speak_for_recounts_their_codes(coded):
    p = coded
    p.code_counts()
    p.relabel_speaker(p.doc, "NPM-1", "Interviewer")  # joins the unlinked speaker: NPM-1's codings lose her
    c = p.last_step.changes
    assert any(e.op == "s" for e in p.last_step.entries)
    assert c.counted_codes is None or p.late in c.counted_codes
    assert p.code_counts()[p.late].participants == 0
    _assert_cache_matches_tables(p)


def test_a_text_edit_is_journalled_as_what_it_changed_not_the_whole_text(coded):
    p = coded
    text = p.document_text(p.doc)
    before = _dump(p.path)
    p.edit_text(p.doc, [(50, 53, "typed")])
    step = p.last_step
    [entry] = [e for e in step.entries if e.table == "document_texts"]
    assert entry.op == "t" and entry.before[:4] == (p.doc, 50, text[50:53], "typed")
    assert sum(len(str(v)) for v in entry.before) < 100  # not 2 × the transcript's length
    c = step.changes
    assert c.texts == {p.doc} and p.doc in c.documents
    assert c.shifted and c.shifted <= c.codings_changed  # moved only by the shift
    redo = p.revert(step, "edit")
    assert _dump(p.path) == before and p.document_text(p.doc) == text
    [again] = [e for e in redo.entries if e.table == "document_texts"]
    assert again.op == "t" and again.before[2:4] == ("typed", text[50:53])
    p.revert(redo, "redo")
    assert p.document_text(p.doc) == text[:50] + "typed" + text[53:]


def test_undo_of_a_text_edit_refuses_when_another_program_changed_the_text(coded):
    p = coded
    p.edit_text(p.doc, [(10, 10, "one")])
    step = p.last_step
    p.seal_pending()
    # One character for another: the text changes, no coding moves (only the text's digest can tell).
    _undo_is_refused_after(p, step, lambda other: other.edit_text(p.doc, [(300, 301, "Z")]))


def test_shares_stay_exact_when_a_coding_follows_an_edit_before_they_are_asked_for(coded):
    p = coded
    p.coded_shares()
    p.edit_text(p.doc, [(40, 40, "inserted words")])
    p.code_counts()  # the tree's recount: the edited document's coded characters are left for later
    p.apply_coding(p.doc, p.early, 0, 400)
    p.edit_text(p.doc, [(5, 9, "")])
    _assert_cache_matches_tables(p)


def test_a_shift_is_sealed_by_the_next_write_and_its_undo_stays_exact(coded):
    p = coded
    before = _dump(p.path)
    p.edit_text(p.doc, [(40, 40, "one")])
    first = p.last_step
    [seal] = [e.before[2] for e in first.entries if e.op == "s" and e.table == "codings"]
    assert seal.digest is None  # not on the edit's own time
    p.edit_text(p.doc, [(45, 45, "two")])  # the next write seals the first step's shifts first
    assert seal.digest is not None
    second = p.last_step
    p.revert(second, "edit")
    p.revert(first, "edit")
    assert _dump(p.path) == before


def test_a_shift_another_program_committed_after_cannot_be_undone(coded):
    p = coded
    p.edit_text(p.doc, [(40, 40, "xyz")])
    step = p.last_step
    _undo_is_refused_after(p, step, lambda other: other.add_code("Unrelated"), "before this step was sealed")


def test_a_letter_typed_onto_a_coded_words_start_or_end_joins_the_coding(tmp_path):
    p = Project.create(tmp_path / "join.npmdesk", "Ana")
    try:
        doc = p.add_document("I", "NPM-1: the alley and the valle ran on")
        code = p.add_code("Place")
        text = p.document_text(doc)
        first = p.apply_coding(doc, code, text.index("alley"), text.index("alley") + 5)
        second = p.apply_coding(doc, code, text.index("valle"), text.index("valle") + 5)
        before = _dump(p.path)
        p.edit_text(doc, [(text.index("alley"), text.index("alley"), "v")])  # at its start
        step1 = p.last_step
        at = p.document_text(doc).index("valle ") + 5
        p.edit_text(doc, [(at, at, "y")])  # at its end
        step2 = p.last_step
        new = p.document_text(doc)
        spans = {c.id: new[c.start:c.end] for c in p.codings_in_document(doc)}
        assert spans == {first: "valley", second: "valley"}
        p.revert(step2, "undo")
        p.revert(step1, "undo")
        assert _dump(p.path) == before
    finally:
        p.close()
