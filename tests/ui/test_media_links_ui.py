"""Linking recordings from the import preview, the Participants dialog and the Documents dock:
what each shows, what is stored, and that one Ctrl+Z takes a link back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu

import npmdesk.ui.participants_dialog as pd
from npmdesk.ui.import_dialog import CHOOSE_RECORDING, NO_RECORDING, RECORDING, ImportDialog
from npmdesk.ui.participants_dialog import ParticipantsDialog

FIXTURE = Path("tests/fixtures/media/two-sentences.wav")  # 8.8 s of synthetic speech
TRANSCRIPT = "Interviewer: How did the year go?\n{who}: The budget cuts hurt our mentoring program.\n"


def transcript(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(TRANSCRIPT.format(who=Path(name).stem.split()[-1]), encoding="utf-8")
    return path


def recording(folder: Path, name: str) -> Path:
    path = folder / name
    shutil.copy(FIXTURE, path)
    return path


def doc_named(project, name: str):
    return next(d for d in project.documents() if d.name == name)


def drive_preview(monkeypatch, steps):
    """The import preview as a user sees it: `steps(dialog)` acts on it, then Import is pressed."""
    seen: list[ImportDialog] = []

    def exec_(self):
        seen.append(self)
        self.show()
        steps(self)
        assert self.ok.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportDialog, "exec", exec_)
    return seen


def recording_combo(dialog: ImportDialog, file_name: str):
    row = next(i for i, p in enumerate(dialog.paths) if Path(p).name == file_name)
    return dialog.table.cellWidget(row, RECORDING)


# The import preview ------------------------------------------------------------------------------

def test_a_recording_beside_the_transcript_is_offered_linked_and_undone_with_the_import(
        qtbot, window, tmp_path, reopen, monkeypatch, messages):
    src = transcript(tmp_path, "Interview NPM-4.txt")
    recording(tmp_path, "Interview NPM-4.wav")
    other = transcript(tmp_path, "Interview NPM-5.txt")
    shown: dict[str, str] = {}

    def look(d):
        shown["with"] = recording_combo(d, src.name).currentText()
        shown["without"] = recording_combo(d, other.name).currentText()

    drive_preview(monkeypatch, look)
    window.import_paths([str(src), str(other)])
    assert shown == {"with": "Interview NPM-4.wav", "without": NO_RECORDING}
    p = reopen()
    link = p.media_link(doc_named(p, "Interview NPM-4").id)
    assert link is not None and link.stored_path.endswith("Interview NPM-4.wav") and link.duration_ms == 8800
    assert p.media_link(doc_named(p, "Interview NPM-5").id) is None
    assert any("recording linked: Interview NPM-4.wav (00:00:08)" in m for m in messages)
    window.undo_stack.undo()  # one step: the documents and their link go together
    p = reopen()
    assert "Interview NPM-4" not in {d.name for d in p.documents()} and p.media_links() == {}


def test_the_offered_recording_can_be_unticked(qtbot, window, tmp_path, reopen, monkeypatch):
    src = transcript(tmp_path, "Interview NPM-4.txt")
    recording(tmp_path, "Interview NPM-4.wav")

    def untick(d):
        combo = recording_combo(d, src.name)
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Home)  # the first item: No recording
        assert combo.currentText() == NO_RECORDING

    drive_preview(monkeypatch, untick)
    window.import_paths([str(src)])
    p = reopen()
    assert "Interview NPM-4" in {d.name for d in p.documents()} and p.media_links() == {}


def test_a_recording_dropped_with_transcripts_is_offered_not_imported(qtbot, window, tmp_path, reopen, monkeypatch):
    (tmp_path / "transcripts").mkdir()
    src = transcript(tmp_path / "transcripts", "Interview NPM-4.txt")
    zoom = recording(tmp_path, "audio_0042.wav")  # another folder, another name: offered, not chosen

    def choose(d):
        assert d.paths == [str(src)]  # the recording is not a row to import
        assert d.recordings_note.isVisible() and "audio_0042.wav" in d.recordings_note.text()
        combo = recording_combo(d, src.name)
        assert combo.currentText() == NO_RECORDING
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentText() == "audio_0042.wav"

    drive_preview(monkeypatch, choose)
    window.import_paths([str(src), str(zoom)])
    p = reopen()
    link = p.media_link(doc_named(p, "Interview NPM-4").id)
    assert link is not None and Path(link.stored_path).name == "audio_0042.wav"
    assert len(p.documents()) == 4  # three in the study, one imported; no document for the recording


def test_choose_a_file_links_another_recording_and_cancel_keeps_the_choice(
        qtbot, window, tmp_path, reopen, monkeypatch):
    src = transcript(tmp_path, "Interview NPM-4.txt")
    beside = recording(tmp_path, "Interview NPM-4.wav")
    elsewhere = tmp_path / "recordings"
    elsewhere.mkdir()
    picked = recording(elsewhere, "NPM-4 full.wav")
    answers = ["", str(picked)]  # first the chooser is cancelled, then a file is picked
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (answers.pop(0), ""))

    def pick(d):
        combo = recording_combo(d, src.name)
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_End)  # Choose a file… (cancelled)
        assert combo.currentText() == beside.name
        qtbot.keyClick(combo, Qt.Key.Key_End)
        assert combo.currentText() == "NPM-4 full.wav"
        assert [combo.itemText(i) for i in range(combo.count())] == [
            NO_RECORDING, beside.name, "NPM-4 full.wav", CHOOSE_RECORDING]

    drive_preview(monkeypatch, pick)
    window.import_paths([str(src)])
    p = reopen()
    assert Path(p.media_link(doc_named(p, "Interview NPM-4").id).stored_path).name == "NPM-4 full.wav"


def test_an_unreadable_recording_refuses_the_whole_import(qtbot, window, tmp_path, reopen, monkeypatch, messages):
    src = transcript(tmp_path, "Interview NPM-4.txt")
    (tmp_path / "Interview NPM-4.wav").write_bytes(b"")
    drive_preview(monkeypatch, lambda d: None)
    before = len(reopen().documents())
    window.import_paths([str(src)])
    assert len(reopen().documents()) == before
    assert any("Nothing was imported" in m and "Interview NPM-4.wav: the file is empty" in m for m in messages)


# The Participants dialog -------------------------------------------------------------------------

@pytest.fixture
def participants(qtbot, window, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(pd, "show_error", lambda *a, **k: errors.append(a[1]))
    d = ParticipantsDialog(window, window.project, run=window.run)
    qtbot.addWidget(d)
    d.show()
    d.errors = errors
    return d


def docs_row(dialog, name: str) -> int:
    return next(i for i in range(dialog.docs.rowCount()) if dialog.docs.item(i, 0).text() == name)


def recording_cell(dialog, name: str):
    return dialog.docs.item(docs_row(dialog, name), pd.RECORDING)


def select_doc(qtbot, dialog, name: str) -> None:
    rect = dialog.docs.visualItemRect(dialog.docs.item(docs_row(dialog, name), 0))
    qtbot.mouseClick(dialog.docs.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_participants_dialog_links_shows_and_unlinks_a_recording(qtbot, window, participants, tmp_path, reopen,
                                                                 monkeypatch):
    d = participants
    wav = recording(tmp_path, "NPM-1 interview.wav")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wav), ""))
    assert recording_cell(d, "Interview NPM-1").text() == "—"
    select_doc(qtbot, d, "Interview NPM-1")
    assert d.link_button.isEnabled() and not d.unlink_button.isEnabled()
    qtbot.mouseClick(d.link_button, Qt.MouseButton.LeftButton)
    assert recording_cell(d, "Interview NPM-1").text() == "NPM-1 interview.wav — 00:00:08"
    doc = doc_named(window.project, "Interview NPM-1").id
    assert reopen().media_link(doc).sha256 == window.project.media_link(doc).sha256
    assert d.unlink_button.isEnabled()  # the same row stays selected
    qtbot.mouseClick(d.unlink_button, Qt.MouseButton.LeftButton)
    assert recording_cell(d, "Interview NPM-1").text() == "—" and reopen().media_link(doc) is None
    window.undo_stack.undo()  # Ctrl+Z in the window: linked again
    assert reopen().media_link(doc) is not None
    wav.unlink()  # the file is moved away: the dialog says so
    d.fill_documents()
    cell = recording_cell(d, "Interview NPM-1")
    assert cell.text() == "NPM-1 interview.wav — missing" and "Not found at" in cell.toolTip()
    assert d.errors == []


# The Documents dock ------------------------------------------------------------------------------

def dock_menu(qtbot, window, doc_name: str, choose: str | None) -> list[tuple[str, bool]]:
    """Right-click a document in the dock; return the menu's entries (text, enabled), picking `choose`."""
    docs = window.documents
    doc = doc_named(window.project, doc_name)
    rect = docs.visualRect(docs.item_for(doc.id))
    seen: list[tuple[str, bool]] = []

    def pick():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.extend((a.text(), a.isEnabled()) for a in menu.actions())
        if choose is None:
            menu.close()
            return
        action = next(a for a in menu.actions() if a.text() == choose)
        menu.setActiveAction(action)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(50, pick)
    docs.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: bool(seen))
    return seen


def test_documents_dock_menu_links_and_unlinks_the_recording_the_player_follows(
        qtbot, window, tmp_path, reopen, monkeypatch):
    wav = recording(tmp_path, "NPM-2 interview.wav")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wav), ""))
    doc = doc_named(window.project, "Interview NPM-2").id
    window.open_document(doc)
    entries = dock_menu(qtbot, window, "Interview NPM-2", "Link a &recording…")
    assert entries[0] == ("Recording: none", False) and ("&Unlink the recording", False) in entries
    assert reopen().media_link(doc) is not None
    qtbot.waitUntil(lambda: "NPM-2 interview.wav" in window.media.panel.title.text())
    entries = dock_menu(qtbot, window, "Interview NPM-2", "&Unlink the recording")
    assert entries[0] == ("Recording: NPM-2 interview.wav — 00:00:08", False)
    assert ("Link a different &recording…", True) in entries
    assert reopen().media_link(doc) is None
    qtbot.waitUntil(lambda: "No recording linked" in window.media.panel.title.text())
    window.undo_stack.undo()
    assert reopen().media_link(doc) is not None
    qtbot.waitUntil(lambda: "NPM-2 interview.wav" in window.media.panel.title.text())


def test_documents_dock_menu_of_another_document_links_that_one(qtbot, window, tmp_path, reopen, monkeypatch):
    wav = recording(tmp_path, "group.wav")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wav), ""))
    window.open_document(doc_named(window.project, "Interview NPM-1").id)
    dock_menu(qtbot, window, "Focus group", "Link a &recording…")
    p = reopen()
    assert p.media_link(doc_named(p, "Focus group").id) is not None
    assert p.media_link(doc_named(p, "Interview NPM-1").id) is None
    assert window.current_document == doc_named(p, "Interview NPM-1").id  # the view stayed where it was


def test_the_menu_key_opens_the_documents_menu_of_the_current_document(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    wav = recording(tmp_path, "group.wav")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wav), ""))
    group = doc_named(window.project, "Focus group")
    dock_menu(qtbot, window, "Focus group", "Link a &recording…")
    window.open_document(group.id)  # the current row is the last; the Menu key must not take a middle one
    docs = window.documents
    docs.setFocus()
    seen: list[str] = []

    def read():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.append(menu.actions()[0].text())
        menu.close()

    QTimer.singleShot(50, read)
    middle = QPoint(docs.viewport().width() // 2, docs.visualRect(docs.model_.index(1, 0)).center().y())
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, middle, docs.viewport().mapToGlobal(middle))
    QApplication.sendEvent(docs.viewport(), event)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == ["Recording: group.wav — 00:00:08"]
