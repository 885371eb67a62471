"""The recording player: linked from the window, seeks from a turn, sets turn times undoably."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from npmdesk.core.model import TurnSpec
from npmdesk.formats import media as media_files
from npmdesk.store import Project
from npmdesk.ui.player import multimedia_available

FIXTURE = "tests/fixtures/media/two-sentences.wav"
TEXT = "Interviewer: How did the year go?\nNPM-1: The budget cuts hurt our mentoring program."


@pytest.fixture
def recorded(tmp_path):
    path = tmp_path / "rec.npmdesk"
    shutil.copy(FIXTURE, tmp_path / "i1.wav")
    with Project.create(path, "Ana") as p:
        doc = p.add_document("Interview 1", TEXT, turns=[TurnSpec(0, 33, "Interviewer", 0, 4000),
                                                          TurnSpec(34, len(TEXT), "NPM-1", 5000, None)])
        info = media_files.describe(tmp_path / "i1.wav")
        p.link_media(doc, info.path, info.sha256, info.size, info.duration_ms)
    return path


@pytest.fixture
def rwindow(qtbot, recorded, messages):
    from npmdesk.ui import MainWindow

    w = MainWindow(recorded, coder="Ana")
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def click_text(qtbot, view, phrase: str) -> None:
    text = view.document().toPlainText()
    cur = view.textCursor()
    cur.setPosition(text.index(phrase) + 2)
    rect = view.cursorRect(cur)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def open_first(w):
    w.open_document(w.document_list[0].id)


def test_opening_a_recorded_transcript_shows_the_player(rwindow, qtbot):
    open_first(rwindow)
    panel = rwindow.media.panel
    assert rwindow.media.dock.isVisible()
    assert "i1.wav" in panel.title.text() and "00:00:08" in panel.title.text()


@pytest.mark.skipif(not multimedia_available(), reason="the media extra is not installed")
def test_clicking_a_turn_seeks_to_its_time_and_the_turn_time_can_be_set_and_undone(rwindow, qtbot, recorded):
    from PySide6.QtMultimedia import QMediaPlayer

    open_first(rwindow)
    panel = rwindow.media.panel
    qtbot.waitUntil(lambda: panel.player.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                           QMediaPlayer.MediaStatus.BufferedMedia), timeout=5000)
    click_text(qtbot, rwindow.transcript, "budget cuts")
    qtbot.waitUntil(lambda: abs(panel.position() - 5000) < 300, timeout=3000)
    assert panel.time_label.text().startswith("00:00:05")
    panel.seek(6500)
    qtbot.waitUntil(lambda: abs(panel.position() - 6500) < 300, timeout=3000)
    qtbot.mouseClick(panel.set_time_button, Qt.MouseButton.LeftButton)
    doc = rwindow.document_list[0].id
    assert abs(rwindow.project.turns(doc)[1].begin_ms - 6500) < 300
    rwindow.undo_stack.undo()
    with Project.open(recorded, "Checker", read_only=True) as p:
        assert p.turns(doc)[1].begin_ms == 5000


@pytest.mark.skipif(not multimedia_available(), reason="the media extra is not installed")
def test_the_playing_turn_is_marked_in_the_transcript(rwindow, qtbot):
    open_first(rwindow)
    panel = rwindow.media.panel
    panel.positionMoved.emit(5200)  # what playback reports as it reaches the second turn
    assert rwindow.media._playing_span == (34, len(TEXT))
    marked = [s for s in rwindow.transcript.extraSelections() if s.format.background().color().name() == "#d6eaff"]
    assert marked and marked[0].cursor.selectedText().startswith("NPM-1: The budget")


def test_the_player_keys_are_configurable_and_remembered(rwindow, qtbot, monkeypatch):
    from npmdesk.ui import player

    player.set_player_keys({"play_pause": "F8", "back": "Shift+F8", "forward": "Ctrl+F8"})
    rwindow.media._apply_keys(player.player_keys())
    assert rwindow.media._key_actions["play_pause"].shortcut().toString() == "F8"
    assert player.player_keys()["back"] == "Shift+F8"


def test_a_moved_recording_is_found_again_and_a_missing_one_is_named(qtbot, recorded, messages, tmp_path):
    from npmdesk.ui import MainWindow

    (tmp_path / "media").mkdir()
    (tmp_path / "i1.wav").rename(tmp_path / "media" / "i1.wav")
    w = MainWindow(recorded, coder="Ana")
    qtbot.addWidget(w)
    w.show()
    open_first(w)
    assert "i1.wav" in w.media.panel.title.text() and "not found" not in w.media.panel.title.text()
    assert w.project.media_link(w.document_list[0].id).stored_path == "media/i1.wav"
    (tmp_path / "media" / "i1.wav").unlink()
    w.media.show_document(None)
    open_first(w)
    assert "Recording not found: i1.wav" in w.media.panel.title.text()
    w.close()


def test_without_a_recording_the_player_offers_to_link_one(window, qtbot):
    window.open_document(window.document_list[0].id)
    assert "No recording linked" in window.media.panel.title.text()
    assert not window.media.panel.play_button.isEnabled()


def test_file_transcribe_makes_an_undoable_linked_transcript(window, qtbot, monkeypatch, messages, reopen):
    from PySide6.QtWidgets import QDialog, QFileDialog, QProgressBar

    from npmdesk.formats import transcribe as speech
    from npmdesk.ui import media_menu

    if speech.available() is not None:
        pytest.skip("the transcribe extra is not installed")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (FIXTURE, ""))
    monkeypatch.setattr(media_menu.TranscribeDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(media_menu.dialogs, "show_info", lambda *a: messages.append(" | ".join(map(str, a[1:]))))
    before = len(window.document_list)
    window.actions["transcribe"].trigger()
    bar = window.statusBar().findChild(QProgressBar, "transcribeProgress")
    assert bar is not None and window.media.job is not None  # in the background: the window stays usable
    qtbot.waitUntil(lambda: window.media.job is None, timeout=60_000)
    assert len(window.document_list) == before + 1
    assert any("2 turns from 00:00:08" in m for m in messages)
    doc = window.current_document
    p = reopen()
    assert p.document(doc).name == "two-sentences" and p.media_link(doc) is not None
    assert "library" in p.document_text(doc).lower()
    window.undo_stack.undo()
    assert len(window.document_list) == before


def test_cancelling_keeps_the_project_unchanged(window, qtbot, monkeypatch, messages):
    from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton

    from npmdesk.formats import transcribe as speech
    from npmdesk.ui import media_menu

    if speech.available() is not None:
        pytest.skip("the transcribe extra is not installed")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (FIXTURE, ""))
    monkeypatch.setattr(media_menu.TranscribeDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    before = len(window.document_list)
    window.actions["transcribe"].trigger()
    cancel = window.statusBar().findChild(QPushButton, "transcribeCancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.media.job is None, timeout=60_000)
    assert len(window.document_list) == before
    assert "cancelled" in window.statusBar().currentMessage()
    speech.discard_checkpoint(media_files.describe(FIXTURE).sha256)


def test_a_missing_sound_library_names_its_package_and_the_window_opens(qtbot, recorded, messages, monkeypatch):
    """Found by CI on a fresh machine: Qt Multimedia installed, libpulse.so.0 not — the window
    failed to open with an ImportError."""
    from npmdesk.ui import MainWindow, player

    def no_pulse(self):
        raise ImportError("libpulse.so.0: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(player, "multimedia_available", lambda: True)
    monkeypatch.setattr(player.PlayerPanel, "_make_player", no_pulse)
    w = MainWindow(recorded, coder="Ana")
    qtbot.addWidget(w)
    w.show()
    open_first(w)
    title = w.media.panel.title.text()
    assert "libpulse.so.0" in title and "apt-get install libpulse0" in title
    assert not w.media.panel.play_button.isEnabled() and w.document_list  # the rest of the window works
    w.close()
