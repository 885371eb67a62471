"""An edit keeps the turns saying who said what the text now says: a speaker's label typed at a
line's start begins their turn, a label deleted joins the turn to the one before it, a label
retyped as another speaker's gives the turn to them; only the transcript's own speakers count."""

from __future__ import annotations

import pytest

from npmdesk.core.model import TurnSpec

TEXT = ("Interviewer: What helped in the first week?\n"
        "NPM-1: My mentor. She met me every morning and we went through the schedule.\n"
        "Interviewer: And the exams?\n"
        "NPM-2: Harder than I thought.\n")


def _turns(text):
    out, at = [], 0
    for line in text.splitlines(keepends=True):
        out.append(TurnSpec(at, at + len(line), line.split(":")[0]))
        at += len(line)
    return out


def interview(project, turns) -> int:
    """The transcript with these turns, its two participants' speakers linked."""
    doc_id = project.add_document("Interview 1", TEXT, turns=turns)
    for name in ("NPM-1", "NPM-2"):
        project.link_speaker(doc_id, name, project.add_case(name))
    return doc_id


@pytest.fixture
def doc(project):
    return interview(project, _turns(TEXT))


def _who(project, doc_id):
    """(speaker, the turn's text) in order."""
    text = project.document_text(doc_id)
    return [(t.speaker, text[t.start:t.end]) for t in project.turns(doc_id)]


def _cases(project, coding):
    return sorted(r[0] for r in project.db.execute(
        "SELECT ca.name FROM coding_cases cc JOIN cases ca ON ca.id = cc.case_id WHERE cc.coding_id = ?", (coding,)))


def _rows(project):
    db = project.db
    return (db.execute("SELECT * FROM turns ORDER BY id").fetchall(),
            db.execute("SELECT * FROM coding_cases ORDER BY 1, 2").fetchall(),
            db.execute("SELECT text FROM document_texts").fetchall())


def test_a_label_typed_at_a_line_start_begins_that_speakers_turn(project, doc):
    at = TEXT.index(" She met")
    coding = project.apply_coding(doc, project.add_code("Routine"), at + 1, TEXT.index(" schedule"))
    assert _cases(project, coding) == ["NPM-1"]
    before = _rows(project)
    project.edit_text(doc, [(at, at + 1, "\nNPM-2: ")])  # the rest of the line was NPM-2's
    assert _who(project, doc)[1:3] == [("NPM-1", "NPM-1: My mentor.\n"),
                                       ("NPM-2", "NPM-2: She met me every morning and we went through the schedule.\n")]
    assert _cases(project, coding) == ["NPM-2"], "the quote is credited to who the text now says"
    project.revert(project.last_step)
    assert _rows(project) == before, "undo puts every turn and link back as it was"


def test_a_deleted_label_joins_the_turn_to_the_one_before(project, doc):
    start = TEXT.index("NPM-2: ")
    coding = project.apply_coding(doc, project.add_code("Exams"), start + 7, start + 13)
    assert _cases(project, coding) == ["NPM-2"]
    project.edit_text(doc, [(start - 1, start + 7, " ")])  # "...exams? Harder than I thought."
    assert _who(project, doc)[-1] == ("Interviewer", "Interviewer: And the exams? Harder than I thought.\n")
    assert len(project.turns(doc)) == 3
    assert _cases(project, coding) == []  # the interviewer speaks for no participant


def test_deleting_only_the_label_keeps_the_line_but_not_the_turn(project, doc):
    start = TEXT.index("NPM-2: ")
    project.edit_text(doc, [(start, start + 7, "")])
    assert [s for s, _ in _who(project, doc)] == ["Interviewer", "NPM-1", "Interviewer"]
    assert _who(project, doc)[-1][1] == "Interviewer: And the exams?\nHarder than I thought.\n"


def test_a_label_retyped_as_another_speaker_gives_them_the_turn(project, doc):
    start = TEXT.index("NPM-2: ")
    coding = project.apply_coding(doc, project.add_code("Exams"), start + 7, start + 13)
    project.edit_text(doc, [(start + 4, start + 5, "1")])  # NPM-2 -> NPM-1
    assert _who(project, doc)[-1] == ("NPM-1", "NPM-1: Harder than I thought.\n")
    assert _cases(project, coding) == ["NPM-1"]


def test_a_heading_or_an_unknown_name_is_no_label(project, doc):
    at = TEXT.index(" She met")
    project.edit_text(doc, [(at, at + 1, "\nThings that helped: "), (TEXT.index("Harder"), TEXT.index("Harder"),
                                                                      "\nNPM-9: x ")])
    assert [s for s, _ in _who(project, doc)] == ["Interviewer", "NPM-1", "Interviewer", "NPM-2"]


def test_turns_whose_text_never_had_a_label_are_left_alone(project):
    text = "We met every morning.\nThe exams were harder.\n"  # captions: speakers without labels
    doc = project.add_document("Captions", text, turns=[TurnSpec(0, 22, "NPM-1"), TurnSpec(22, len(text), "NPM-2")])
    project.edit_text(doc, [(21, 22, " ")])  # the line break deleted
    assert [t.speaker for t in project.turns(doc)] == ["NPM-1", "NPM-2"]


def test_a_label_retyped_as_a_new_name_keeps_its_turn_and_relabel_renames_it(project, doc):
    start = TEXT.index("NPM-2: ")
    project.edit_text(doc, [(start, start + 5, "P2")])  # a name the transcript does not have (yet)
    assert [s for s, _ in _who(project, doc)] == ["Interviewer", "NPM-1", "Interviewer", "NPM-2"]
    project.relabel_speaker(doc, "NPM-1", "P1")  # labels and speaker together: every turn stays
    assert [s for s, _ in _who(project, doc)] == ["Interviewer", "P1", "Interviewer", "NPM-2"]
    assert _who(project, doc)[1][1].startswith("P1: My mentor")
