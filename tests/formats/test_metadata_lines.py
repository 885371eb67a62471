"""Metadata lines above the first turn ("Date: 12 March 2026", "Interviewer: J. Doe") are a
header, not speakers (issue 18 point 10): they stay in the stored text and start no turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from npmdesk.formats.importing import import_files, read_source
from npmdesk.formats.speakers import detect_turns, header_lines, label_starts

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"

# file -> (speakers in order of first turn, turns, text of the first turn's start, header keys)
EXPECTED = {
    "header_interview.txt": (["Interviewer", "NPM-3"], 6, "Interviewer: Thank you for joining",
                             ["Date", "Location", "Duration", "Transcriber", "Interviewer", "Participant ID",
                              "Project", "Recording", "Time"]),
    "header_focus_group.txt": (["Facilitator", "NPM-1", "NPM-2", "NPM-5"], 8, "[00:00:04] Facilitator: Welcome",
                               ["Facilitator", "Note taker", "Participants", "Date of interview", "Start time",
                                "Length"]),
    "header_shaped.md": (["Interviewer", "NPM-6"], 4, "**Interviewer:** Could you describe",
                         ["Recorded", "Dauer", "Interviewer"]),
    "header_interview.docx": (["Interviewer", "NPM-4"], 6, "Interviewer: Thanks for making time",
                              ["Date", "Location", "Interviewer", "Participant ID", "Duration", "Transcribed by"]),
    "header_speaker_table.docx": (["Interviewer", "NPM-4"], 6, "Interviewer: Thanks for making time",
                                  ["Date", "Location", "Interviewer", "Participant ID", "Duration",
                                   "Transcribed by"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_lines_are_kept_in_the_text_but_are_not_speakers(project, name):
    speakers, n_turns, first_turn, keys = EXPECTED[name]
    [doc] = import_files(project, [FIXTURES / name]).imported
    assert doc.speakers == speakers
    assert doc.turns == n_turns
    text = project.document_text(doc.document_id)
    turns = project.turns(doc.document_id)
    assert text[turns[0].start:].startswith(first_turn)
    header = text[:turns[0].start]  # nothing above the first turn belongs to a turn, and nothing is lost
    for key in keys:
        assert f"{key}:" in header
    assert [k for k, _ in header_lines(text)] == keys
    assert {s.name for s in project.speakers(doc.document_id)} == set(speakers)


def test_the_parsed_header_gives_each_value():
    src = read_source(FIXTURES / "header_interview.txt")
    assert dict(header_lines(src.text)) == {
        "Date": "12 March 2026", "Location": "Zoom", "Duration": "45 min",
        "Transcriber": "Lumen Transcription Services", "Interviewer": "J. Doe", "Participant ID": "NPM-3",
        "Project": "Near-peer mentoring", "Recording": "REC_0042.m4a", "Time": "14:00–14:45"}
    crlf = read_source(FIXTURES / "header_focus_group.txt")
    assert dict(header_lines(crlf.text))["Date of interview"] == "Thursday, 3 April 2026"
    assert dict(header_lines(read_source(FIXTURES / "header_shaped.md").text)) == {
        "Recorded": "2026-03-19", "Dauer": "38 Min", "Interviewer": "K. Lee"}


def test_a_focus_group_header_no_longer_inflates_the_speakers(project):
    [doc] = import_files(project, [FIXTURES / "header_focus_group.txt"]).imported
    assert doc.kind == "focus-group"  # four real speakers
    [doc] = import_files(project, [FIXTURES / "header_interview.txt"]).imported
    assert doc.kind == "interview"  # was 'focus-group': Date, Location, ... counted as speakers


def speakers(text: str) -> list[str]:
    return [label for _, label in label_starts(text)]


def test_a_role_line_with_a_name_is_a_header_and_the_same_role_speaking_is_a_turn():
    text = ("Interviewer: J. Doe\nParticipant: NPM-3\n\n"
            "Interviewer: Thanks for joining.\nNPM-3: Sure.\nInterviewer: Let's begin.\n")
    assert speakers(text) == ["Interviewer", "NPM-3", "Interviewer"]
    assert [t.start for t in detect_turns(text)][0] == text.index("Interviewer: Thanks")


@pytest.mark.parametrize("text, expected", [
    # a first turn that says little is still a turn
    ("Interviewer: Okay\nNPM-3: So I started.\nInterviewer: Go on.\nNPM-3: Then.\n",
     ["Interviewer", "NPM-3", "Interviewer", "NPM-3"]),
    ("Moderator: Welcome everyone.\nNPM-1: Hi.\nNPM-2: Hello.\nModerator: Let's start.\n",
     ["Moderator", "NPM-1", "NPM-2", "Moderator"]),
    # a label on a line of its own, the words below it
    ("Interviewer:\nSo tell me.\nNPM-1:\nWell.\nInterviewer:\nOk.\n", ["Interviewer", "NPM-1", "Interviewer"]),
    # a speaker whose first answer has a duration's shape still speaks (the label recurs)
    ("NPM-3: 45 minutes\nInterviewer: That long?\nNPM-3: Yes, about that.\nInterviewer: Ok.\n",
     ["NPM-3", "Interviewer", "NPM-3", "Interviewer"]),
    # a key that labels turns later is a speaker after all
    ("Date: 12 March 2026\nDate: I am called Date.\nInterviewer: ok\nDate: really\n",
     ["Date", "Date", "Interviewer", "Date"]),
    # a heading above the header does not end it; timestamps before the labels
    ("Interview 4: near-peer mentoring\nDate: Thursday, 12 March 2026\nTime: 2:30 pm\n"
     "[00:00:05] Interviewer: Hello, and thanks.\n[00:00:09] NPM-4: Hi.\n[00:00:12] Interviewer: ok\n",
     ["Interviewer", "NPM-4", "Interviewer"]),
    # no header at all: nothing changes
    ("Interviewer: Hello. How are you?\nNPM-1: Fine.\nInterviewer: Good.\nNPM-1: Yes.\n",
     ["Interviewer", "NPM-1", "Interviewer", "NPM-1"]),
])
def test_what_is_and_is_not_a_header(text, expected):
    assert speakers(text) == expected


def test_a_header_in_german_and_spanish():
    text = ("Datum: 12. März 2026\nOrt: Raum 2\nDauer: 45 Minuten\nInterviewerin: A. Braun\n\n"
            "Interviewerin: Danke, dass Sie da sind.\nNPM-7: Gern.\nInterviewerin: Gut.\n")
    assert speakers(text) == ["Interviewerin", "NPM-7", "Interviewerin"]
    assert [k for k, _ in header_lines(text)] == ["Datum", "Ort", "Dauer", "Interviewerin"]
    text = "Fecha: 12 de marzo de 2026\nLugar: Zoom\nEntrevistadora: Hola, bienvenida.\nNPM-8: Hola.\n"
    assert speakers(text) == ["Entrevistadora", "NPM-8"]


@pytest.mark.parametrize("value", [
    "12 March 2026", "Thursday, 3 April 2026", "2026-03-12", "12/03/2026", "March 12, 2026", "March 2026",
    "14:00–14:45", "2:30 pm", "10 am", "45 minutes", "1 hour 5 minutes", "00:45:12", "approx. 45 min",
    "12 March 2026 at 2 pm", "14:00 GMT", "12. März 2026"])
def test_a_dated_value_makes_any_label_a_header_line(value):
    text = f"Aufnahme: {value}\nInterviewer: Hello, welcome.\nNPM-1: Hi.\nInterviewer: Ok.\n"
    assert speakers(text) == ["Interviewer", "NPM-1", "Interviewer"]


@pytest.mark.parametrize("value", ["Zoom", "I was there", "12 apples", "45", "Thursdays are hard",
                                   "1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h 1h !"])
def test_other_values_do_not(value):
    text = f"Aufnahme: {value}\nInterviewer: Hello, welcome.\nNPM-1: Hi.\nInterviewer: Ok.\n"
    assert speakers(text)[0] == "Aufnahme"


def test_only_lines_above_the_first_turn_are_a_header():
    text = "Interviewer: Hello there.\nNPM-1: Hi.\nDuration: 45 min\nInterviewer: Thanks.\nNPM-1: Bye.\n"
    assert "Duration" in speakers(text)
    assert header_lines(text) == []


def test_a_users_pattern_is_taken_at_its_word():
    text = "Date: 12 March 2026\nNPM-1: Hi.\nNPM-2: Hello.\n"
    assert [label for _, label in label_starts(text, r"^(?P<speaker>[\w-]+):")] == ["Date", "NPM-1", "NPM-2"]


def test_the_import_preview_lists_only_real_speakers(qtbot, project):
    pytest.importorskip("PySide6")
    from npmdesk.ui.import_dialog import ImportDialog

    paths = [str(FIXTURES / "header_interview.txt"), str(FIXTURES / "header_interview.docx")]
    dialog = ImportDialog(None, project, paths)
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 1).text().endswith("6 turns; speakers: Interviewer, NPM-3")
    assert dialog.table.item(1, 1).text().endswith("6 turns; speakers: Interviewer, NPM-4")
    assert dialog.table.cellWidget(0, 2).currentText() == "interview"
