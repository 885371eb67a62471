"""Time stamps in .txt/.docx transcripts become turn times; stray times in speech do not."""

from docx import Document as Docx

from npmdesk.core.timecode import format_hms, parse_hms
from npmdesk.formats.importing import read_source
from npmdesk.formats.timestamps import stamp_time


def test_hms_round_trip_and_refusals():
    assert format_hms(3_725_999) == "01:02:05"
    assert format_hms(None) == ""
    assert parse_hms("1:02:05") == 3_725_000
    assert parse_hms("02:05.5") == 125_500
    assert parse_hms("1:75") is None and parse_hms("soon") is None


def test_a_stamp_before_or_after_the_label_is_read():
    assert stamp_time("[00:12:34] NPM-1: We met.") == 754_000
    assert stamp_time("NPM-1: [00:12:34] We met.") == 754_000
    assert stamp_time("(12:34) Interviewer: And?") == 754_000
    assert stamp_time("NPM-1: 00:12:34 We met.") == 754_000
    assert stamp_time("NPM-1: We met at 10:30 on Friday.") is None


def test_txt_stamps_become_turn_times(tmp_path):
    f = tmp_path / "stamped.txt"
    f.write_text("[00:00:05] Interviewer: How did it go?\n[00:00:09] NPM-1: Fine, thanks.\n"
                 "[00:01:12] Interviewer: And then?\n[00:01:15.5] NPM-1: We met weekly at 10:30.\n", encoding="utf-8")
    turns = read_source(f).turns
    assert [(t.speaker, t.begin_ms, t.end_ms) for t in turns] == [
        ("Interviewer", 5000, 9000), ("NPM-1", 9000, 72000), ("Interviewer", 72000, 75500), ("NPM-1", 75500, None)]


def test_docx_stamps_after_the_label_become_turn_times(tmp_path):
    d = Docx()
    for line in ("Interviewer: [00:00:03] Welcome.", "NPM-2: [00:00:07] Thank you.",
                 "Interviewer: [00:00:15] Tell me about your mentor.", "NPM-2: [00:00:21] She listened."):
        d.add_paragraph(line)
    d.save(tmp_path / "stamped.docx")
    turns = read_source(tmp_path / "stamped.docx").turns
    assert [t.begin_ms for t in turns] == [3000, 7000, 15000, 21000]


def test_one_time_in_speech_is_not_a_turn_time(tmp_path):
    f = tmp_path / "plain.txt"
    f.write_text("Interviewer: When?\nNPM-1: [10:30] that morning, I think.\nInterviewer: Go on.\n"
                 "NPM-1: We talked.\n", encoding="utf-8")
    assert all(t.begin_ms is None for t in read_source(f).turns)
