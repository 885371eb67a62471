"""The import preview shows a transcript's header lines ("Date: 12 March 2026"), which are kept as
text and start no turn, so a researcher can tell one interview file from another before importing."""

from __future__ import annotations

from pathlib import Path

from npmdesk.formats.importing import HEADER_NOTE, ImportOptions, import_files, read_source
from npmdesk.ui.import_dialog import ImportDialog

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
HEADER = FIXTURES / "header_interview.txt"


def test_header_lines_are_a_note_of_the_parsed_source():
    src = read_source(HEADER)
    header = [n for n in src.notes if n.startswith(HEADER_NOTE)]
    assert len(header) == 1
    assert header[0].startswith(HEADER_NOTE + "Date: 12 March 2026, Location: Zoom, Duration: 45 min")
    assert "Interviewer: Thank you" not in header[0]  # turns are not header lines
    assert {t.speaker for t in src.turns or ()} == {"Interviewer", "NPM-3"}
    # Without speaker recognition there are no turns, so nothing is called a header.
    assert not read_source(HEADER, ImportOptions(detect_speakers=False)).notes


def test_a_transcript_without_header_has_no_header_note(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("Interviewer: Hello.\nNPM-2: Hi there.\n", encoding="utf-8")
    assert read_source(plain).notes == []


def test_the_preview_shows_the_header(qtbot, window, tmp_path, reopen):
    plain = tmp_path / "plain.txt"
    plain.write_text("Interviewer: Hello.\nNPM-2: Hi there.\n", encoding="utf-8")
    dialog = ImportDialog(window, window.project, [str(HEADER), str(plain)])
    qtbot.addWidget(dialog)
    found = dialog.table.item(0, 1)
    assert "speakers: Interviewer, NPM-3" in found.text()
    tip = found.toolTip().split("\n")
    assert tip[0] == found.text()  # the row's summary, then its notes
    assert tip[1].startswith(HEADER_NOTE + "Date: 12 March 2026, Location: Zoom")
    assert tip[1].endswith("Time: 14:00–14:45")
    assert "header" not in dialog.table.item(1, 1).text() and "header" not in dialog.table.item(1, 1).toolTip()
    # Importing keeps the header as the transcript's text, and the import report does not say it twice.
    report = import_files(window.project, dialog.paths, dialog.options())
    assert not [n for d in report.imported for n in d.notes if "header" in n]
    stored = reopen()
    doc = stored.document_by_name("header_interview")
    assert stored.document_text(doc.id).startswith("Interview transcript")
    assert set(doc.speakers) == {"Interviewer", "NPM-3"}
