"""Participants from CSV, speaker linking, auto-code by speaker, and what `npmdesk import` prints."""

import json
from pathlib import Path

import pytest

from npmdesk.core.errors import BadInputError
from npmdesk.formats.autocode import autocode_speakers
from npmdesk.formats.importing import ImportOptions, import_files
from npmdesk.formats.participants_csv import import_participants
from npmdesk.store import Project
from tests.cli.cli_helpers import run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
CSV = ("ID;year;background;rural;interviewed\r\nNPM-2;2;Biology;yes;2024-03-01\r\nNPM-5;3;Nursing;no;\r\n"
       "NPM-6;2;Chemistry;Yes;2024-03-04\r\n")


def test_participants_csv_excel_semicolons_cp1252_typed(project, tmp_path):
    path = tmp_path / "participants.csv"
    path.write_bytes(CSV.replace("Chemistry", "Química").encode("cp1252"))
    report = import_participants(project, path)
    assert report.created == ["NPM-2", "NPM-5", "NPM-6"]
    assert report.attributes == {"year": "integer", "background": "text", "rural": "boolean", "interviewed": "date"}
    cases = {c.name: c.attributes for c in project.cases()}
    assert cases["NPM-6"] == {"year": 2, "background": "Química", "rural": True, "interviewed": "2024-03-04"}
    assert cases["NPM-5"]["interviewed"] is None and cases["NPM-5"]["rural"] is False
    # Again with a changed value: updates, no duplicates.
    path.write_text(CSV.replace("3;Nursing", "4;Nursing"), encoding="utf-8-sig")
    report = import_participants(project, path)
    assert report.updated == ["NPM-2", "NPM-5", "NPM-6"] and project.case_by_name("NPM-5").attributes["year"] == 4


@pytest.mark.parametrize("csv_text, message", [
    ("ID,year\nNPM-1,2\nNPM-1,3\n", "row 3: participant 'NPM-1' appears twice"),
    ("ID,,x\nNPM-1,2,3\n", "column 2 has no heading"),
    ("ID,year\n", "needs a header row and at least one participant row"),
    ("ID,year\n,2\n", "row 2 has no participant ID"),
])
def test_bad_participants_csv_changes_nothing(project, tmp_path, csv_text, message):
    path = tmp_path / "p.csv"
    path.write_text(csv_text, encoding="utf-8")
    before = project.counts()
    with pytest.raises(BadInputError, match=message):
        import_participants(project, path)
    assert project.counts() == before and project.attributes() == []


def test_value_that_does_not_fit_an_existing_attribute_type(project, tmp_path):
    project.add_attribute("year", "integer")
    path = tmp_path / "p.csv"
    path.write_text("ID,year\nNPM-1,second\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="row 2, column 'year'"):
        import_participants(project, path)
    assert project.cases() == []


def test_speakers_named_like_participants_are_linked_and_autocoded(project, tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text(CSV, encoding="utf-8")
    import_participants(project, path)
    report = import_files(project, [FIXTURES / "focus_group.vtt"], ImportOptions(kind="focus-group", autocode="case"))
    [doc] = report.imported
    assert "speaker NPM-2 linked to participant NPM-2" in doc.notes and "auto-coded 3 turn(s) by case" in doc.notes
    links = {s.name: s.case for s in project.speakers(doc.document_id)}
    assert links == {"Facilitator": None, "NPM-2": "NPM-2", "NPM-5": "NPM-5", "NPM-6": "NPM-6"}
    codes = sorted(c.path for c in project.codes())
    assert codes == ["Participants", "Participants/NPM-2", "Participants/NPM-5", "Participants/NPM-6"]


def test_autocode_by_speaker_is_idempotent(project):
    [doc] = import_files(project, [FIXTURES / "interview.srt"]).imported
    assert autocode_speakers(project, [doc.document_id], by="speaker") == 4
    assert autocode_speakers(project, [doc.document_id], by="speaker") == 0
    excerpts = {(c.code_id, c.start) for c in project.codings_in_document(doc.document_id)}
    assert len(excerpts) == 4
    assert sorted(c.path for c in project.codes()) == ["Speakers", "Speakers/Interviewer", "Speakers/NPM-1"]


def test_cli_import_prints_name_kind_encoding_turns_speakers(tmp_path, capsys):
    proj = tmp_path / "study.npmdesk"
    assert run(capsys, "new", proj)[0] == 0
    code, out, err = run(capsys, "import", proj, FIXTURES / "cp1252_crlf.txt", FIXTURES / "speaker_table.docx",
                         FIXTURES / "focus_group.vtt")
    assert code == 0, err
    lines = out.splitlines()
    assert "imported cp1252_crlf: interview, text, cp1252, 39 words, 4 turns, speakers: Interviewer, NPM-3" in lines
    assert any(x.startswith("imported speaker_table: interview, docx, Word (docx), ") and
               x.endswith("6 turns, speakers: Interviewer, NPM-2") for x in lines)
    assert any(x.startswith("imported focus_group: focus-group, vtt, UTF-8, ") and
               x.endswith("5 turns, speakers: Facilitator, NPM-2, NPM-5, NPM-6") for x in lines)
    code, out, err = run(capsys, "import", proj, FIXTURES / "garbage.docx")
    assert code == 1 and out == ""
    assert err.strip() == (f"npmdesk: {FIXTURES / 'garbage.docx'}: this is not a Word document (the file's contents "
                           "are not a zip archive; it may be damaged or another kind of file renamed)")


def test_cli_cases_and_speakers(tmp_path, capsys):
    proj = tmp_path / "study.npmdesk"
    run(capsys, "new", proj)
    run(capsys, "import", proj, FIXTURES / "focus_group.vtt", "--kind", "focus-group", "--json")
    csv_path = tmp_path / "participants.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    code, out, _ = run(capsys, "cases", proj, "--import", csv_path)
    assert code == 0 and out.startswith(
        f"{csv_path}: 3 new, 0 updated participants (UTF-8); attributes: year (integer)")
    # Speakers labelled like a participant are linked by the import; unlink NPM-6 to link by hand below.
    assert "linked speaker NPM-6 in focus_group to participant NPM-6" in out
    with Project.open(proj, "Ana") as p:
        p.link_speaker(p.document_by_name("focus_group").id, "NPM-6", None)
    code, out, err = run(capsys, "speakers", proj, "--doc", "focus_group", "--link", "NPM-2=NPM-2",
                         "--link", "NPM-5=NPM-5", "--autocode", "case", "--json")
    assert code == 0, err
    links = {x["speaker"]: x["case"] for x in json.loads(out)}
    assert links == {"Facilitator": None, "NPM-2": "NPM-2", "NPM-5": "NPM-5", "NPM-6": None}
    code, _, err = run(capsys, "speakers", proj, "--doc", "focus_group", "--link", "NPM-6=NPM-9")
    assert code == 1 and "no participant named 'NPM-9'" in err
    code, _, err = run(capsys, "speakers", proj, "--link", "NPM-6=NPM-6")
    assert code == 1 and "--link needs --doc" in err
    with Project.open(proj, "Ana") as p:
        assert sorted(c.path for c in p.codes()) == ["Participants", "Participants/NPM-2", "Participants/NPM-5"]
        matrix_rows = {e.participant for e in p.excerpts()}
        assert matrix_rows == {"NPM-2", "NPM-5"}


def test_participants_imported_after_transcripts_link_them_by_id(tmp_path, capsys):
    """The scenario's order: transcripts first, participants.csv second; links follow the IDs."""
    proj = tmp_path / "order.npmdesk"
    run(capsys, "new", proj)
    (tmp_path / "Interview NPM-3.txt").write_text("Interviewer: Hi.\nNPM-3: Hello.\n", encoding="utf-8")
    (tmp_path / "Interview NPM-30.txt").write_text("Interviewer: Hi.\nNPM-30: Hello.\n", encoding="utf-8")
    (tmp_path / "fg.txt").write_text("Facilitator: Hi.\nNPM-2: A.\nNPM-5: B.\n", encoding="utf-8")
    run(capsys, "import", proj, tmp_path / "Interview NPM-3.txt", tmp_path / "Interview NPM-30.txt",
        tmp_path / "fg.txt")
    csv_path = tmp_path / "participants.csv"
    csv_path.write_text("ID,year\nNPM-2,2\nNPM-3,3\nNPM-5,4\n", encoding="utf-8")
    code, out, err = run(capsys, "cases", proj, "--import", csv_path)
    assert code == 0, err
    assert "linked document Interview NPM-3 to participant NPM-3" in out
    assert "Interview NPM-30 to" not in out  # NPM-3 is not a word of "NPM-30"
    from npmdesk.store import Project

    with Project.open(proj, "Ana") as p:
        docs = {d.name: d for d in p.documents()}
        assert docs["Interview NPM-3"].case == "NPM-3" and docs["Interview NPM-30"].case is None
        assert docs["fg"].case is None  # a focus group belongs to no single participant
        fg = {s.name: s.case for s in p.speakers(docs["fg"].id)}
        assert fg == {"Facilitator": None, "NPM-2": "NPM-2", "NPM-5": "NPM-5"}
