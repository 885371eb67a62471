"""The player dock: a transcript's recording, played in sync with its turns.

Qt Multimedia (PySide6-Addons, the `media` extra) plays the file; without it the dock says what to
install and the rest of the window works as before. Clicking a turn or a coded passage seeks to
the turn's time; while playing, the turn being spoken is marked in the transcript and scrolled to
(unless the user is reading elsewhere: "Follow" turns it off). The transcription keys are
configurable (View > Player keys…) and kept in the settings file."""

from __future__ import annotations

import bisect
from importlib import util
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from npmdesk import settings
from npmdesk.core.timecode import format_hms

MEDIA_HINT = "pip install 'npmdesk[media]'"
SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
STEP_MS = 5_000
DEFAULT_KEYS = {"play_pause": "F4", "back": "Shift+F4", "forward": "F6"}  # Ctrl+F4 closes the project
KEY_LABELS = {"play_pause": "Play / pause", "back": "Back 5 seconds", "forward": "Forward 5 seconds"}


def multimedia_available() -> bool:
    return util.find_spec("PySide6.QtMultimedia") is not None


# System libraries Qt Multimedia loads on Linux, with the Debian/Ubuntu package of each.
SYSTEM_MEDIA_LIBS = {"libpulse.so.0": "libpulse0", "libpulse-mainloop-glib.so.0": "libpulse-mainloop-glib0",
                     "libasound.so.2": "libasound2"}


def missing_library_message(error: str) -> str:
    """What the player says when Qt Multimedia cannot load a system library (the window still works)."""
    soname = error.split(":", 1)[0].strip()
    package = SYSTEM_MEDIA_LIBS.get(soname)
    how = f" (on Debian or Ubuntu: sudo apt-get install {package})" if package else ""
    return f"Playing recordings needs the system library {soname}{how}; everything else works without it."


def player_keys() -> dict[str, str]:
    saved = settings.load().get("player_keys") or {}
    return {k: str(saved.get(k) or v) for k, v in DEFAULT_KEYS.items()}


def set_player_keys(keys: dict[str, str]) -> None:
    data = settings.load()
    data["player_keys"] = {k: keys.get(k, v) for k, v in DEFAULT_KEYS.items()}
    settings.save(data)


class PlayerPanel(QWidget):
    """Controls for one recording; the window (ui/media_menu.py) connects it to the transcript."""

    turnTimeRequested = Signal(int)
    linkRequested = Signal()
    positionMoved = Signal(int)  # ms, while playing or after a seek

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("playerPanel")
        self.player = None
        self.audio = None
        self.turn_starts: list[int] = []  # begin_ms of timed turns, ascending
        self.turn_spans: list[tuple[int, int]] = []  # their (start, end) in the text
        self._duration = 0
        self._known_duration = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.title = QLabel("No recording linked to this transcript.", self)
        self.title.setObjectName("playerTitle")
        self.title.setWordWrap(True)
        row = QHBoxLayout()
        icons = self.style()
        px = QStyle.StandardPixmap
        self.back_button = QPushButton(icons.standardIcon(px.SP_MediaSeekBackward), "5 s", self)
        self.play_button = QPushButton(icons.standardIcon(px.SP_MediaPlay), "Play", self)
        self.forward_button = QPushButton(icons.standardIcon(px.SP_MediaSeekForward), "5 s", self)
        self.back_button.setToolTip("Back 5 seconds")
        self.forward_button.setToolTip("Forward 5 seconds")
        self.play_button.setObjectName("playerPlay")
        self.back_button.setObjectName("playerBack")
        self.forward_button.setObjectName("playerForward")
        self.position_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.position_slider.setObjectName("playerPosition")
        self.position_slider.setAccessibleName("Position in the recording")
        self.time_label = QLabel("00:00:00 / 00:00:00", self)
        self.time_label.setObjectName("playerTime")
        for w in (self.back_button, self.play_button, self.forward_button):
            row.addWidget(w)
        row.addWidget(self.position_slider, 1)
        row.addWidget(self.time_label)
        self.speed = QComboBox(self)
        self.speed.setObjectName("playerSpeed")
        self.speed.setAccessibleName("Playback speed")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setObjectName("playerVolume")
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(100)
        self.follow = QCheckBox("Follow the speaker", self)
        self.follow.setObjectName("playerFollow")
        self.follow.setChecked(True)
        self.set_time_button = QPushButton("Set turn time here", self)
        self.set_time_button.setObjectName("playerSetTurnTime")
        self.set_time_button.setToolTip("The turn at the cursor starts at the player's position (undoable)")
        self.link_button = QPushButton("Link a recording…", self)
        self.link_button.setObjectName("playerLink")
        # Two rows (what is playing and the buttons that change it; the transport with speed and
        # volume): the player, above the transcript, leaves a 768-px laptop room for the rest.
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.follow)
        top.addWidget(self.set_time_button)
        top.addWidget(self.link_button)
        layout.addLayout(top)
        row.addWidget(QLabel("Speed", self))
        row.addWidget(self.speed)
        row.addWidget(QLabel("Volume", self))
        row.addWidget(self.volume)
        layout.addLayout(row)
        self.link_button.clicked.connect(self.linkRequested.emit)
        self.set_time_button.clicked.connect(lambda: self.turnTimeRequested.emit(self.position()))
        self.keys_actions: dict[str, QAction] = {}
        self._cannot_play = f"playing it needs the optional media part: {MEDIA_HINT}"
        if multimedia_available():
            try:
                self._make_player()
            except ImportError as e:  # Qt Multimedia is there, a system library it loads is not
                self.player = None
                self._cannot_play = missing_library_message(str(e))
                self.title.setText(self._cannot_play)
        else:
            self.title.setText(f"Playing recordings needs the optional media part: {MEDIA_HINT}")
        self._set_enabled(False)

    def _make_player(self) -> None:
        from PySide6.QtCore import QLoggingCategory

        # Qt Multimedia prints FFmpeg's stream dump and sound-server probes to the terminal; what
        # matters to the user (a file that cannot be played) comes through errorOccurred instead.
        QLoggingCategory.setFilterRules("qt.multimedia*=false")
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.audio.setVolume(self.volume.value() / 100)
        self.play_button.clicked.connect(self.toggle)
        self.back_button.clicked.connect(lambda: self.skip(-STEP_MS))
        self.forward_button.clicked.connect(lambda: self.skip(STEP_MS))
        self.position_slider.sliderMoved.connect(self.seek)
        self.speed.currentIndexChanged.connect(lambda _: self.player.setPlaybackRate(self.speed.currentData()))
        self.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100))
        self.player.durationChanged.connect(self._duration_changed)
        self.player.positionChanged.connect(self._position_changed)
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.errorOccurred.connect(
            lambda _e, text: self.title.setText(f"The recording cannot be played: {text}"))

    # --- what is loaded ---------------------------------------------------------------------------

    def set_turns(self, turns) -> None:
        timed = sorted((t.begin_ms, t.start, t.end) for t in turns if t.begin_ms is not None)
        self.turn_starts = [b for b, _, _ in timed]
        self.turn_spans = [(s, e) for _, s, e in timed]

    def load(self, path: Path | None, label: str, duration_ms: int | None = None) -> None:
        """Play `path` (None: nothing linked, or the file is missing — `label` says which)."""
        self.title.setText(label)
        self._known_duration = duration_ms or 0
        self._duration_changed(0)
        if self.player is None:
            if path is not None:
                self.title.setText(f"{label} — {self._cannot_play}")
            return
        self.player.stop()
        self.player.setSource(QUrl.fromLocalFile(str(path)) if path is not None else QUrl())
        self._set_enabled(path is not None)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.play_button, self.back_button, self.forward_button, self.position_slider, self.speed,
                  self.volume, self.set_time_button):
            w.setEnabled(on and self.player is not None)

    # --- control ---------------------------------------------------------------------------------

    def position(self) -> int:
        return int(self.player.position()) if self.player is not None else 0

    def toggle(self) -> None:
        if self.player is None or not self.play_button.isEnabled():
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def skip(self, delta_ms: int) -> None:
        if self.player is not None and self.play_button.isEnabled():
            self.seek(self.position() + delta_ms)

    def seek(self, ms: int) -> None:
        if self.player is None:
            return
        ms = max(0, min(int(ms), self._duration or int(ms)))
        self.player.setPosition(ms)
        self._show_time(ms)

    def seek_to_offset(self, cp: int) -> bool:
        """Seek to the time of the timed turn that holds text offset `cp`; False if none is timed."""
        if not self.turn_spans or self.player is None or not self.play_button.isEnabled():
            return False
        for (start, end), begin in zip(self.turn_spans, self.turn_starts):
            if start <= cp < max(end, start + 1):
                self.seek(begin)
                return True
        return False

    def current_turn_span(self, ms: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.turn_starts, ms) - 1
        return self.turn_spans[i] if i >= 0 else None

    # --- what is shown ---------------------------------------------------------------------------

    def _duration_changed(self, ms: int) -> None:
        ms = int(ms) or self._known_duration  # until the file is read, the length the project knows
        self._duration = ms
        self.position_slider.setRange(0, int(ms))
        self._show_time(self.position())

    def _position_changed(self, ms: int) -> None:
        if not self.position_slider.isSliderDown():
            self.position_slider.setValue(int(ms))
        self._show_time(int(ms))
        self.positionMoved.emit(int(ms))

    def _show_time(self, ms: int) -> None:
        self.time_label.setText(f"{format_hms(ms)} / {format_hms(self._duration)}")

    def _state_changed(self, state) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")
        px = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(px.SP_MediaPause if playing else px.SP_MediaPlay))


class PlayerKeysDialog(QDialog):
    """View > Player keys…: the transcription keys, each a key sequence the user presses."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Player keys")
        self.setObjectName("playerKeysDialog")
        form = QFormLayout(self)
        self.edits: dict[str, QKeySequenceEdit] = {}
        for name, key in player_keys().items():
            edit = QKeySequenceEdit(QKeySequence(key), self)
            edit.setObjectName(f"playerKey_{name}")
            form.addRow(KEY_LABELS[name], edit)
            self.edits[name] = edit
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._restore_defaults)
        form.addRow(buttons)

    def _restore_defaults(self) -> None:
        for name, edit in self.edits.items():
            edit.setKeySequence(QKeySequence(DEFAULT_KEYS[name]))

    def keys(self) -> dict[str, str]:
        return {n: e.keySequence().toString() or DEFAULT_KEYS[n] for n, e in self.edits.items()}
