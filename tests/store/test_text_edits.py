"""edit_text: one transaction moves codings, turns and participant links; versions are hashed; undo is exact."""

from __future__ import annotations

import hashlib

import pytest

from npmdesk.core.errors import NotFoundError
from npmdesk.core.model import TurnSpec
from npmdesk.core.text_edits import EditError

TEXT = ("Interviewer: What did mentoring mean to you? 😀\n"
        "NPM-1: It felt like I belonged. My mentor gave honest feedback.\n"
        "Interviewer: And teaching?\n"
        "NPM-1: Teaching it made me really know it — مرحبا, e\u0301tude.\n")


def _turns(text):
    return [TurnSpec(i, i + len(line), line.split(":")[0]) for i, line in _lines(text)]


def _lines(text):
    at = 0
    for line in text.split("\n"):
        if line:
            yield at, line
        at += len(line) + 1


@pytest.fixture
def doc(project):
    case = project.add_case("NPM-1")
    doc_id = project.add_document("Interview 1", TEXT, turns=_turns(TEXT))
    project.link_speaker(doc_id, "NPM-1", case)
    return doc_id


def _span(word, text=TEXT):
    s = text.index(word)
    return s, s + len(word)


def _snapshot(project, doc_id):
    db = project.db
    return (db.execute("SELECT text FROM document_texts WHERE document_id=?", (doc_id,)).fetchone(),
            db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchall(),
            db.execute("SELECT * FROM codings ORDER BY id").fetchall(),
            db.execute("SELECT * FROM turns ORDER BY id").fetchall(),
            db.execute("SELECT * FROM speakers ORDER BY id").fetchall(),
            db.execute("SELECT * FROM coding_cases ORDER BY 1, 2").fetchall(),
            db.execute("SELECT * FROM document_versions").fetchall(),
            db.execute("SELECT rowid FROM document_texts_fts WHERE document_texts_fts MATCH 'belonged'").fetchall())


def test_an_edit_moves_codings_and_turns_and_records_versions(project, doc):
    code = project.add_code("Belonging")
    before = project.apply_coding(doc, code, *_span("It felt like I belonged"))
    after = project.apply_coding(doc, code, *_span("honest feedback"))
    overlap = project.apply_coding(doc, code, *_span("belonged. My mentor"))
    gone = project.apply_coding(doc, code, *_span("My"))
    s, e = _span("My mentor")
    result = project.edit_text(doc, [(s, e, "Our mentors")])
    text = project.document_text_for_edit(doc)
    assert "Our mentors gave honest feedback" in text
    read = {c.id: text[c.start:c.end] for c in project.codings_in_document(doc)}
    assert read[before] == "It felt like I belonged"
    assert read[after] == "honest feedback"
    assert read[overlap] == "belonged. Our mentors"
    assert read[gone] == "Our mentors"  # the replaced words themselves: the coding follows them
    assert result.moved == {after, overlap, gone}
    turns = project.turns(doc)
    assert [text[t.start:t.end].split(":")[0] for t in turns] == ["Interviewer", "NPM-1", "Interviewer", "NPM-1"]
    row = project.db.execute("SELECT length, words FROM documents WHERE id=?", (doc,)).fetchone()
    assert row[0] == len(text)
    versions = project.document_versions(doc)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].text_sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert versions[1].text_sha256 == hashlib.sha256(text.encode()).hexdigest() == result.text_sha256
    assert versions[1].coder == "Ana"
    # the search index follows the text
    assert project.db.execute("SELECT count(*) FROM document_texts_fts WHERE document_texts_fts MATCH 'mentors'"
                              ).fetchone()[0] == 1


def test_a_coding_whose_text_is_deleted_is_removed_and_reported(project, doc):
    code = project.add_code("Feedback")
    cid = project.apply_coding(doc, code, *_span("honest"))
    s, e = _span("honest ")
    result = project.edit_text(doc, [(s, e, "")])
    assert [r[0] for r in result.removed] == [cid]
    assert result.removed[0][1:] == ("Feedback", "honest")
    assert cid not in {c.id for c in project.codings_in_document(doc)}


def test_undo_restores_every_row_byte_for_byte(project, doc):
    code = project.add_code("Teaching")
    for word in ("Teaching it", "know it", "مرحبا", "e\u0301tude", "😀", "belonged"):
        project.apply_coding(doc, code, *_span(word))
    snap = _snapshot(project, doc)
    project.edit_text(doc, [(_span("😀")[0], _span("😀")[1], "🙂🙂"), (_span("Teaching")[0], _span("it made")[1], ""),
                            (_span("مرحبا")[0], _span("مرحبا")[0], "שלום ")])
    assert _snapshot(project, doc) != snap
    project.revert(project.last_step)
    assert _snapshot(project, doc) == snap


def test_coding_cases_follow_turns(project, doc):
    code = project.add_code("Q")
    cid = project.apply_coding(doc, code, *_span("And teaching?\nNPM-1: Teaching"))
    case = project.db.execute("SELECT id FROM cases WHERE name='NPM-1'").fetchone()[0]
    assert project.db.execute("SELECT case_id FROM coding_cases WHERE coding_id=?", (cid,)).fetchall() == [(case,)]
    # delete the participant's label and line start so the coding lies only in the interviewer's turn
    s, e = _span("\nNPM-1: Teaching")
    project.edit_text(doc, [(s, e, "")])
    assert project.db.execute("SELECT case_id FROM coding_cases WHERE coding_id=?", (cid,)).fetchall() == []


def test_relabel_speaker_rewrites_labels_and_renames(project, doc):
    code = project.add_code("Label")
    cid = project.apply_coding(doc, code, *_span("NPM-1: It felt"))
    result = project.relabel_speaker(doc, "NPM-1", "P1")
    text = project.document_text_for_edit(doc)
    assert text.count("P1:") == 2 and "NPM-1" not in text
    assert {s.name for s in project.speakers(doc)} == {"Interviewer", "P1"}
    assert text[slice(*[(c.start, c.end) for c in project.codings_in_document(doc) if c.id == cid][0])] == "P1: It felt"
    assert result.version == 2
    project.revert(project.last_step)
    assert project.document_text_for_edit(doc) == TEXT
    assert {s.name for s in project.speakers(doc)} == {"Interviewer", "NPM-1"}


def test_bad_edits_are_refused_and_change_nothing(project, doc):
    snap = _snapshot(project, doc)
    with pytest.raises(EditError, match="outside"):
        project.edit_text(doc, [(0, 10_000, "x")])
    with pytest.raises(NotFoundError):
        project.edit_text(9999, [(0, 1, "x")])
    with pytest.raises(NotFoundError):
        project.relabel_speaker(doc, "Nobody", "X")
    assert _snapshot(project, doc) == snap


def test_document_text_reads_the_edited_text_and_the_undone_one(project, doc):
    assert project.document_text(doc) == TEXT  # cached now
    project.edit_text(doc, [(0, 11, "Int.")])
    assert project.document_text(doc).startswith("Int.:")
    project.revert(project.last_step)
    assert project.document_text(doc) == TEXT
    project.edit_text(doc, [(0, 11, "Q")])
    assert project.document_text(doc).startswith("Q:")


def _typed(project, doc_id, at, keys):
    """Type `keys` one by one at `at`, as edit mode does (each key its own edit)."""
    for i, key in enumerate(keys):
        project.edit_text(doc_id, [(at + i, at + i, key)])


def _coded_text(project, coding_id):
    c = project.coding(coding_id)
    return project.document_text(c.document_id)[c.start:c.end]


def test_a_word_typed_key_by_key_in_front_of_a_coding_leaves_it_when_it_ends(project, doc):
    """The first letter joins the coding (no coding starts mid-word); the space (or dash, colon)
    that ends the new word gives the coding back its words. Letters alone (a first-letter typo
    fixed) stay joined; so do the letters typed after the new word's end, onto the coded word."""
    code = project.add_code("Belonging")
    s, e = _span("It felt like")
    cid = project.apply_coding(doc, code, s, e)
    _typed(project, doc, s, "So ")
    assert _coded_text(project, cid) == "It felt like"
    s = project.document_text(doc).index("It felt like")
    _typed(project, doc, s, "NPM-3:")  # a label-like word, ended by its colon
    assert _coded_text(project, cid) == "It felt like"
    other = project.add_code("Feedback")
    fs, fe = _span("eedback", project.document_text(doc))
    fid = project.apply_coding(doc, other, fs, fe)
    _typed(project, doc, fs, "f")  # a typo fixed at the coded word's first letter
    assert _coded_text(project, fid) == "feedback"
    s = project.document_text(doc).index("It felt like")
    project.edit_text(doc, [(s, s, "W")])
    project.edit_text(doc, [(s + 1, s + 1, " X")])  # pasted: the new word ends, X goes on the coded one
    assert _coded_text(project, cid) == "XIt felt like"


def test_typing_in_front_ends_with_any_other_edit_or_an_undo(project, doc):
    code = project.add_code("Belonging")
    s, e = _span("It felt like")
    cid = project.apply_coding(doc, code, s, e)
    _typed(project, doc, s, "So")
    far = project.document_text(doc).index("honest")
    project.edit_text(doc, [(far, far, "very ")])  # typing elsewhere: the burst in front is over
    s = project.document_text(doc).index("SoIt")
    project.edit_text(doc, [(s + 2, s + 2, " ")])  # a space typed into the coded word later splits it
    assert _coded_text(project, cid) == "So It felt like"
    t, u = _span("My mentor", project.document_text(doc))
    mid = project.apply_coding(doc, code, t, u)
    _, step = project.perform(lambda: project.edit_text(doc, [(t, t, "A")]))
    project.revert(step, "test")  # undone: where typing went on is now inside "My", not in front of it
    project.edit_text(doc, [(t + 1, t + 1, " ")])
    assert _coded_text(project, mid) == "M y mentor"  # split where typed; the coding keeps its start
