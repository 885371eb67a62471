"""Participants and speakers: attributes, CSV import, document participant, speaker links."""

from __future__ import annotations

import pytest

import npmdesk.ui.participants_dialog as pd
from npmdesk.ui.participants_dialog import NOT_A_PARTICIPANT, ParticipantsDialog


@pytest.fixture
def dialog(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(pd, "show_error", lambda *a, **k: shown.append(("error", a[1])))
    monkeypatch.setattr(pd, "show_info", lambda *a, **k: shown.append(("info", a[2])))
    d = ParticipantsDialog(window, window.project, run=window.run)
    qtbot.addWidget(d)
    d.shown = shown
    return d


def row_of(table, text):
    return next(i for i in range(table.rowCount()) if table.item(i, 0).text() == text)


def test_import_csv_and_edit_an_attribute(qtbot, dialog, tmp_path, monkeypatch, reopen):
    csv_path = tmp_path / "participants.csv"
    csv_path.write_text("ID,year,rural\nNPM-1,3,yes\nNPM-5,2,no\nNPM-6,2,no\n", encoding="utf-8")
    monkeypatch.setattr(pd.QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv_path), ""))
    dialog.import_csv()
    assert dialog.shown[-1][0] == "info" and "2 new and 1 updated" in dialog.shown[-1][1]
    headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(dialog.table.columnCount())]
    assert headers == ["Participant", "year (integer)", "rural (boolean)"]
    r = row_of(dialog.table, "NPM-5")
    dialog.table.item(r, 1).setText("4")
    qtbot.wait(10)
    assert reopen().case_by_name("NPM-5").attributes == {"year": 4, "rural": False}
    r = row_of(dialog.table, "NPM-5")
    dialog.table.item(r, 1).setText("four")  # refused with a message; the stored value stays
    qtbot.wait(10)
    assert dialog.shown[-1][0] == "error" and "integer" in dialog.shown[-1][1]
    assert reopen().case_by_name("NPM-5").attributes["year"] == 4
    assert dialog.table.item(row_of(dialog.table, "NPM-5"), 1).text() == "4"


def test_linking_focus_group_speakers_counts_for_participants(qtbot, window, dialog, reopen):
    p = window.project
    for name in ("NPM-3", "NPM-5"):
        p.ensure_case(name)
    dialog.fill_documents()
    dialog.docs.setCurrentCell(row_of(dialog.docs, "Focus group"), 0)
    labels = [dialog.speakers.item(i, 0).text() for i in range(dialog.speakers.rowCount())]
    assert labels == ["Moderator", "NPM-3", "NPM-5", "NPM-6"]
    assert dialog.speakers.cellWidget(0, 1).currentText() == NOT_A_PARTICIPANT
    combo = dialog.speakers.cellWidget(labels.index("NPM-5"), 1)
    combo.setCurrentIndex(combo.findText("NPM-5"))
    fg = p.document_by_name("Focus group").id
    text = p.document_text(fg)
    start = text.index("I agree")
    code = p.ensure_code_path("Reflection")
    p.apply_coding(fg, code, start, start + 7)
    assert [s.case for s in reopen().speakers(fg) if s.name == "NPM-5"] == ["NPM-5"]
    [reflection] = [e for e in reopen().excerpts() if e.code == "Reflection"]
    assert (reflection.speaker, reflection.participant) == ("NPM-5", "NPM-5")


def test_document_kind_and_participant(qtbot, window, dialog, reopen):
    r = row_of(dialog.docs, "Focus group")
    dialog.docs.cellWidget(r, 1).setCurrentText("field-notes")
    qtbot.wait(10)
    assert reopen().document_by_name("Focus group").kind == "field-notes"
    r = row_of(dialog.docs, "Interview NPM-2")
    case = dialog.docs.cellWidget(r, 2)
    case.setCurrentIndex(case.findText("NPM-1"))
    qtbot.wait(10)
    assert reopen().document_by_name("Interview NPM-2").case == "NPM-1"


def test_menu_entry_opens_dialog(window, monkeypatch):
    opened = []
    monkeypatch.setattr(ParticipantsDialog, "exec", lambda self: opened.append(self) or 0)
    window.actions["participants"].trigger()
    assert opened and opened[0].table.rowCount() == len(window.project.cases())


def test_speakers_stay_linkable_after_setting_a_documents_participant(qtbot, window, dialog, reopen):
    """Found in a trial: after a document's participant changed, clicking a speaker's list emptied it."""
    window.project.ensure_case("NPM-3")
    dialog.fill_documents()
    r = row_of(dialog.docs, "Interview NPM-2")
    case = dialog.docs.cellWidget(r, 2)
    case.setCurrentIndex(case.findText("NPM-1"))
    qtbot.wait(20)
    dialog.docs.setCurrentCell(row_of(dialog.docs, "Focus group"), 0)
    before = dialog.speakers.rowCount()
    dialog.docs.setCurrentCell(-1, -1)  # focus leaving the table for a cell's list
    assert dialog.speakers.rowCount() == before == 4
    combo = dialog.speakers.cellWidget(1, 1)
    combo.setCurrentIndex(combo.findText("NPM-3"))
    fg = reopen().document_by_name("Focus group").id
    assert [s.case for s in reopen().speakers(fg) if s.name == "NPM-3"] == ["NPM-3"]
