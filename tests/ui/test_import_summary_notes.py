"""The window's "Import finished" summary carries each file's notes, as `npmdesk import` prints
them: a transcript's header lines ("Date: 12 March 2026") are kept as text, not taken for speakers."""

from __future__ import annotations

import pytest

import npmdesk.ui.gui_import as gui_import

HEADER_NOTE = "header lines kept as text, not speakers: Date: 12 March 2026, Location: Zoom"


@pytest.fixture
def summaries(monkeypatch):
    """Each information box the import shows: (title, message, details), instead of a modal box."""
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(gui_import, "show_info",
                        lambda parent, title, message, details="": shown.append((title, message, details)))
    return shown


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_the_summary_names_the_header_lines_of_each_file(qtbot, window, tmp_path, reopen, summaries):
    headed = write(tmp_path / "Interview NPM-4 March.txt",
                   "Date: 12 March 2026\nLocation: Zoom\n"
                   "Interviewer: Thank you for joining.\nNPM-4: Happy to talk about mentoring.\n")
    plain = write(tmp_path / "Interview NPM-5.txt", "Interviewer: Hello.\nNPM-5: Hi there.\n")
    window.import_paths([str(headed), str(plain)])  # the preview is accepted as shown (conftest)
    assert len(summaries) == 1
    title, message, details = summaries[0]
    assert title == "Import finished" and message.startswith("Imported 2 document(s).")
    sections = {part.split(":", 1)[0]: part for part in details.split("\n\n")}
    assert f"note: {HEADER_NOTE}" in sections["Interview NPM-4 March"]
    assert "speakers: Interviewer, NPM-4" in sections["Interview NPM-4 March"]
    assert "header lines" not in sections["Interview NPM-5"]  # a file without a header has no such note
    assert HEADER_NOTE in message  # and the box itself says it for a short import
    stored = reopen()
    doc = stored.document_by_name("Interview NPM-4 March")
    assert stored.document_text(doc.id).startswith("Date: 12 March 2026\nLocation: Zoom\n")  # kept as text
    assert set(doc.speakers) == {"Interviewer", "NPM-4"}  # "Date" and "Location" are no speakers


def test_without_header_lines_the_summary_has_no_details(qtbot, window, tmp_path, summaries):
    plain = write(tmp_path / "Interview NPM-6.txt", "Interviewer: Hello.\nNPM-6: Hi there.\n")
    window.import_paths([str(plain)])
    title, message, details = summaries[0]
    assert "Interview NPM-6: interview" in message and "note:" not in message
    assert details == ""
