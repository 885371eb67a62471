"""Recordings in the window: the player dock in sync with the transcript, linking a recording
(File > Link a recording…, the player's button, the Documents dock's context menu and the
Participants dialog all use `link_recording_to`), setting turn times, and offline transcription
(File > Transcribe a recording…), which runs in the background with its progress and Cancel in the
status bar.

Every change (a link, a turn time, a new transcript) goes through `window.run`, so it is undoable
like any other edit. Transcription runs on a worker thread (formats/transcribe.py touches no
project); what was done is kept and resumes next time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QThread, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from npmdesk import settings
from npmdesk.core.errors import CancelledError, NpmdeskError
from npmdesk.core.model import DOCUMENT_KINDS
from npmdesk.core.timecode import format_hms
from npmdesk.core.wording import plural
from npmdesk.formats import media as media_files
from npmdesk.formats import transcribe as speech
from npmdesk.ui import dialogs
from npmdesk.ui.media_links import MEDIA_FILTER, link_recording_to, recording_status, unlink_recording_from
from npmdesk.ui.player import PlayerKeysDialog, PlayerPanel, player_keys, set_player_keys



class MediaController(QObject):
    def __init__(self, w):
        super().__init__(w)
        self.w = w
        self.panel = PlayerPanel(w)
        self.dock = QDockWidget("Recording", w)
        self.dock.setObjectName("playerDock")
        self.dock.setWidget(self.panel)
        # Above the transcript: it adds height, never width (beside the bottom docks it did).
        w.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.dock)
        self.dock.hide()
        self._doc: int | None = None
        self._playing_span: tuple[int, int] | None = None
        self._key_actions: dict[str, QAction] = {}
        self.job: TranscriptionJob | None = None
        self._documents_viewport: QWidget | None = None  # the Documents dock's (its context menu)
        self._menu_by_keyboard = False
        self.panel.linkRequested.connect(self.link_recording)
        self.panel.turnTimeRequested.connect(self.set_turn_time)
        self.panel.positionMoved.connect(self._follow_position)
        w.transcript.textChanged.connect(self._document_maybe_switched)
        w.documentOpened.connect(self.show_document)  # opened again: the recording is looked for again
        w.transcript.codingClicked.connect(self._seek_to_coding)
        w.transcript.viewport().installEventFilter(self)
        w.installEventFilter(self)
        w.projectChanged.connect(self._project_changed)
        w.projectSwitched.connect(self._project_switched)
        self._shown_file: Path | None = None  # the recording the player holds
        self._install_actions()
        self._install_documents_menu()

    # --- menus and keys ----------------------------------------------------------------------------

    def _install_actions(self) -> None:
        w = self.w
        a = w.add_action("File", "Link a &recording to this transcript…", self.link_recording)
        a.setObjectName("linkRecording")
        w.actions["link_recording"] = a
        a = w.add_action("File", "&Transcribe a recording…", self.transcribe)
        a.setObjectName("transcribeRecording")
        w.actions["transcribe"] = a
        before = w.actions.get("save_copy")
        if before is not None:  # beside Import, where a user looks for a way in
            for name in ("link_recording", "transcribe"):
                w.menus["File"].removeAction(w.actions[name])
                w.menus["File"].insertAction(before, w.actions[name])
        view = self.dock.toggleViewAction()
        view.setText("&Recording player")
        view.setObjectName("showPlayer")
        w.menus["View"].addAction(view)
        keys = w.add_action("View", "Player &keys…", self.edit_keys, needs_project=False)
        keys.setObjectName("playerKeys")
        for name, slot in (("play_pause", self.panel.toggle), ("back", lambda: self.panel.skip(-5000)),
                           ("forward", lambda: self.panel.skip(5000))):
            action = QAction(self.w)
            action.setObjectName(f"player_{name}")
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda *_, s=slot: s())
            w.addAction(action)
            self._key_actions[name] = action
        self._apply_keys(player_keys())

    def _apply_keys(self, keys: dict[str, str]) -> None:
        for name, action in self._key_actions.items():
            action.setShortcut(QKeySequence(keys[name]))

    def edit_keys(self) -> None:
        dlg = PlayerKeysDialog(self.w)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            set_player_keys(dlg.keys())
            self._apply_keys(player_keys())

    # --- the document on show --------------------------------------------------------------------

    def _document_maybe_switched(self) -> None:
        if self.w.current_document != self._doc:
            self.show_document(self.w.current_document)

    def _project_switched(self) -> None:
        # Sent after the new project's first transcript is on show: the player shows its recording
        # (it said "No transcript open." beside an open transcript), not the old project's.
        self._doc = None
        self.show_document(self.w.current_document if self.w.project is not None else None)

    def _project_changed(self, changes) -> None:
        doc = self.w.current_document
        if not changes.everything and doc == self._doc and doc in changes.texts and not self.panel.turn_starts:
            return  # its text edited: no timed turn to move, and an edit links no recording
        # A coding changes neither the turns shown nor the recording (reading turns: 2 ms per
        # click in a heavy transcript).
        if changes.everything or doc != self._doc or doc in changes.turns or doc in changes.media:
            self.show_document(doc)

    def show_document(self, doc_id: int | None) -> None:
        p = self.w.project
        if doc_id is None or p is None:
            self._doc = None
            self.panel.set_turns([])
            self._load(None, "No transcript open.")
            self._set_playing(None)
            return
        switched = doc_id != self._doc
        self._doc = doc_id
        self.panel.set_turns(p.turns(doc_id))
        link = p.media_link(doc_id)
        if link is None:
            if switched or self._shown_file is not None:  # another transcript, or its link was undone
                self._load(None, "No recording linked to this transcript (Link a recording…).")
            return
        found = media_files.locate(p.path, link)
        if found is not None and Path(link.stored_path).name == found.name and found != link.path_from(p.path) \
                and not p.read_only:
            self.w.run("Find moved recording", lambda: p.relocate_media(doc_id, found))
        if not switched and found is not None and self.panel.player is not None \
                and self.panel.player.source().toLocalFile() == str(found):
            return  # same file still playing: only the turns were refreshed
        if found is None:
            self._load(None, f"Recording not found: {Path(link.stored_path).name} was moved or deleted. "
                             "Use “Link a recording…” to point at it.")
        else:
            self._load(found, f"{found.name} — {format_hms(link.duration_ms) or 'length unknown'}",
                       link.duration_ms)
            if switched and not self.dock.isVisible():
                self.dock.show()

    def _load(self, path: Path | None, label: str, duration_ms: int | None = None) -> None:
        self._shown_file = path
        self.panel.load(path, label, duration_ms)

    # --- seeking from the transcript --------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.w:
            if event.type() == QEvent.Type.Close and self.job is not None:
                self.job.worker.cancelled = True  # the checkpoint keeps what is done
                self.job.wait()
            return False
        if obj is self._documents_viewport:
            if event.type() == QEvent.Type.ContextMenu:  # the Menu key: the current row, not the one mid-view
                self._menu_by_keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
            return False
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton \
                and not self.w.transcript.textCursor().hasSelection():
            cp = self.w.transcript.cp_at(event.position().toPoint())
            if cp is not None:
                self.panel.seek_to_offset(cp)
        return False

    def _seek_to_coding(self, coding_id: int) -> None:
        span = self.w.transcript.index.spans.get(coding_id)
        if span is not None:
            self.panel.seek_to_offset(span.start)

    def _follow_position(self, ms: int) -> None:
        span = self.panel.current_turn_span(ms)
        if span == self._playing_span:
            return
        self._set_playing(span)
        if span is not None and self.panel.follow.isChecked():
            view = self.w.transcript
            if view.positions is None:
                return
            a, _ = view.positions.span_to_qt(span[0], span[0])
            block = view.document().findBlock(a).blockNumber()
            bar = view.verticalScrollBar()
            if not bar.value() <= block < bar.value() + max(1, view.viewport().height() // 20):
                bar.setValue(max(0, block - 2))

    def _set_playing(self, span: tuple[int, int] | None) -> None:
        self._playing_span = span
        setter = getattr(self.w.transcript, "set_playing_span", None)
        if setter is not None:
            setter(span)

    def cursor_offset(self) -> int | None:
        view = self.w.transcript
        if view.positions is None:
            return None
        pos = view.textCursor().selectionStart() if view.textCursor().hasSelection() else view.textCursor().position()
        return view.positions.span_from_qt(pos, pos)[0]

    # --- changes ---------------------------------------------------------------------------------

    def set_turn_time(self, ms: int) -> None:
        p, doc = self.w.project, self._doc
        cp = self.cursor_offset()
        if p is None or doc is None or cp is None:
            return
        turns = [t for t in p.turns(doc) if t.start <= cp]
        if not turns:
            self.w.statusBar().showMessage("Put the cursor in a speaker turn first.", 5000)
            return
        turn = turns[-1]
        if self.w.run(f"Set turn time {format_hms(ms)}", lambda: p.set_turn_time(turn.id, ms)).ok:
            who = f"{turn.speaker}'s turn" if turn.speaker else "The turn"
            self.w.statusBar().showMessage(f"{who} now starts at {format_hms(ms)} (Ctrl+Z undoes it).", 5000)

    def link_recording(self, doc_id: int | None = None) -> None:
        """Link a recording to a transcript (the one on show unless `doc_id` says which)."""
        p = self.w.project
        doc = doc_id if doc_id is not None else self.w.current_document
        if p is None or doc is None:
            dialogs.show_info(self.w, "Link a recording", "Open the transcript the recording belongs to first.")
            return
        if link_recording_to(self.w, p, self.w.run, doc, self.w.report_error) and doc == self.w.current_document:
            self.show_document(doc)
            self.dock.show()

    def unlink_recording(self, doc_id: int) -> None:
        p = self.w.project
        if p is not None:
            unlink_recording_from(self.w, p, self.w.run, doc_id)

    # --- the Documents dock's context menu -------------------------------------------------------

    def _install_documents_menu(self) -> None:
        """The Documents dock (ui/documents_panel.py) has no context menu of its own: its recording
        entries are added here, through the view's standard custom-menu signal."""
        docs = self.w.documents
        docs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        docs.customContextMenuRequested.connect(self._documents_menu_requested)
        self._documents_viewport = docs.viewport()  # kept: compared in eventFilter without calling Qt
        self._documents_viewport.installEventFilter(self)

    def documents_menu(self, doc_id: int) -> QMenu:
        """The Documents dock's menu for one transcript: its recording, Link…, Unlink."""
        p = self.w.project
        menu = QMenu(self.w.documents)
        menu.setObjectName("documentsMenu")
        assert p is not None  # the dock is disabled without a project
        status, found = recording_status(p, doc_id)
        info = menu.addAction(f"Recording: {status}")
        info.setEnabled(False)
        link = menu.addAction("Link a &recording…" if found is None else "Link a different &recording…",
                              lambda: self.link_recording(doc_id))
        link.setObjectName("documentsLinkRecording")
        unlink = menu.addAction("&Unlink the recording", lambda: self.unlink_recording(doc_id))
        unlink.setObjectName("documentsUnlinkRecording")
        link.setEnabled(not p.read_only)
        unlink.setEnabled(found is not None and not p.read_only)
        return menu

    def _documents_menu_requested(self, pos: QPoint) -> None:
        docs = self.w.documents
        by_keyboard, self._menu_by_keyboard = self._menu_by_keyboard, False
        if by_keyboard and docs.current_document() is not None:
            doc = docs.current_document()
            pos = docs.visualRect(docs.currentIndex()).center()
        else:
            doc = docs.model_.document_at(docs.indexAt(pos))
        if doc is None or self.w.project is None:
            return
        menu = self.documents_menu(doc.id)
        menu.exec(docs.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def transcribe(self) -> None:
        problem = speech.available()
        if problem:
            dialogs.show_error(self.w, problem[0].upper() + problem[1:] + ".", "Transcribe a recording")
            return
        p = self.w.project
        if p is None:
            return
        path, _ = QFileDialog.getOpenFileName(self.w, "Transcribe a recording", settings.last_folder(), MEDIA_FILTER)
        if not path:
            return
        settings.remember_folder(Path(path).parent)
        dlg = TranscribeDialog(self.w, Path(path).stem, {d.name for d in self.w.document_list})
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            info = media_files.describe(path)
        except NpmdeskError as e:
            self.w.report_error(e)
            return
        if self.job is not None:
            dialogs.show_info(self.w, "Transcribe a recording", "A recording is being transcribed already; "
                                                                "wait for it, or cancel it in the status bar.")
            return
        self.job = TranscriptionJob(self.w, info, dlg.name.text().strip(), dlg.kind.currentText(),
                                    dlg.speakers.value(), self._transcribed)
        self.job.start()

    def _transcribed(self, job: TranscriptionJob, result, error) -> None:
        """The worker is done: add the transcript to the project it was started in (one undoable step)."""
        self.job = None
        if isinstance(error, CancelledError):
            self.w.statusBar().showMessage("Transcription cancelled; what was done is kept and resumes next time.",
                                           8000)
            return
        if error is not None:
            self.w.report_error(error if isinstance(error, NpmdeskError)
                                else NpmdeskError(f"transcription failed: {error}"))
            return
        p = self.w.project
        if p is None or p.path != job.project_path:
            dialogs.show_info(self.w, "Transcribe a recording",
                              f"{job.info.path.name} was transcribed, but its project is no longer open; the "
                              "result is kept and is added at once when you transcribe it again in that project.")
            return
        text, turns, notes = speech.as_text_and_turns(result, job.speakers)
        if not text.strip():
            dialogs.show_error(self.w, f"No speech was recognised in {job.info.path.name}; nothing was added.",
                               "Transcribe a recording")
            return
        name = job.name
        taken = {d.name for d in self.w.document_list}
        n = 2
        while name in taken:  # a document of that name was added while the recording was transcribed
            name, n = f"{job.name} ({n})", n + 1
        info = job.info
        outcome = self.w.run(f"Transcribe {info.path.name}", lambda: p.add_transcribed_document(
            name, text, turns, kind=job.kind, media=info.path, sha256=info.sha256, size=info.size,
            duration_ms=result.duration_ms))
        if outcome.ok:
            speech.discard_checkpoint(info.sha256)
            self.w.open_document(outcome.value)
            self.dock.show()
            lines = [f"{plural(len(turns), 'turn')} from {format_hms(result.duration_ms)} of recording, in "
                     f"{result.seconds:.0f} s ({result.real_time_factor:.2f}× real time).", *result.notes, *notes,
                     "Correct it in edit mode (Edit > Edit transcript text) while you listen."]
            dialogs.show_info(self.w, "Transcribed", "\n".join(lines))


class TranscribeDialog(QDialog):
    def __init__(self, parent, name: str, taken: set[str]):
        super().__init__(parent)
        self.setWindowTitle("Transcribe a recording")
        self.setObjectName("transcribeDialog")
        self.taken = taken
        form = QFormLayout(self)
        self.name = QLineEdit(name, self)
        self.name.setObjectName("transcribeName")
        self.language = QComboBox(self)
        self.language.addItems(list(speech.LANGUAGES))
        self.language.setToolTip(speech.MODEL_NAME)
        self.speakers = QSpinBox(self)
        self.speakers.setObjectName("transcribeSpeakers")
        self.speakers.setRange(1, 20)
        self.kind = QComboBox(self)
        self.kind.setObjectName("transcribeKind")
        self.kind.addItems(list(DOCUMENT_KINDS))
        self.speakers.valueChanged.connect(
            lambda n: self.kind.setCurrentText("focus-group" if n >= 3 else "interview"))
        form.addRow("Transcript name", self.name)
        form.addRow("Language", self.language)
        form.addRow("People speaking", self.speakers)
        form.addRow("Kind", self.kind)
        note = QLabel("Runs on this computer: the recording never leaves it. Speakers are not told apart; "
                      "every turn is labelled “Speaker 1” for you to relabel.", self)
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        name = self.name.text().strip()
        if not name or name in self.taken:
            dialogs.show_error(self, "Choose a name no other transcript has.", "Transcribe a recording")
            return
        self.accept()


class _Worker(QThread):
    progressed = Signal(int, int, object)
    finished_with = Signal(object, object)  # Transcript | None, error | None

    def __init__(self, info):
        super().__init__()
        self.info = info
        self.cancelled = False

    def run(self) -> None:
        try:
            result = speech.transcribe(self.info.path, self.info.sha256, progress=self._progress)
        except (NpmdeskError, Exception) as e:  # reported in the window, never a crash of the thread
            self.finished_with.emit(None, e)
            return
        self.finished_with.emit(result, None)

    def _progress(self, done: int, total: int, left) -> bool:
        self.progressed.emit(done, total, left)
        return not self.cancelled


class TranscriptionJob(QObject):
    """One transcription on a worker thread, shown in the status bar with Cancel; the window stays
    usable meanwhile. `done(job, transcript | None, error | None)` is called on the window's thread."""

    def __init__(self, w, info, name: str, kind: str, speakers: int, done):
        super().__init__(w)
        self.w, self.info, self.name, self.kind, self.speakers, self.done = w, info, name, kind, speakers, done
        self.project_path = w.project.path if w.project is not None else None
        self.worker = _Worker(info)
        self.bar = QProgressBar(w)
        self.bar.setObjectName("transcribeProgress")
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(220)
        self.bar.setFormat(f"Transcribing {info.path.name}: %p%")
        self.cancel = QPushButton("Cancel", w)
        self.cancel.setObjectName("transcribeCancel")
        self.cancel.setToolTip("Stop transcribing; what is done is kept and resumes next time")
        self.cancel.clicked.connect(self._cancel)
        self.worker.progressed.connect(self._progressed)
        self.worker.finished_with.connect(self._finished)

    def start(self) -> None:
        self.w.statusBar().addPermanentWidget(self.bar)
        self.w.statusBar().addPermanentWidget(self.cancel)
        self.w.statusBar().showMessage(f"Transcribing {self.info.path.name} on this computer…", 5000)
        self.worker.start()

    def _progressed(self, done: int, total: int, left) -> None:
        if total:
            self.bar.setValue(min(999, done * 1000 // total))
        eta = f", about {format_hms(round(left * 1000))} left" if left is not None else ""
        self.bar.setToolTip(f"{format_hms(done)} of {format_hms(total)} transcribed{eta}")

    def _cancel(self) -> None:
        self.worker.cancelled = True
        self.cancel.setEnabled(False)

    def _finished(self, result, error) -> None:
        self.worker.wait()
        for widget in (self.bar, self.cancel):
            self.w.statusBar().removeWidget(widget)
            widget.deleteLater()
        self.done(self, result, error)

    def wait(self, ms: int = 60_000) -> bool:
        """For tests and for closing the window: let the worker finish its current segment."""
        return self.worker.wait(ms)


def install_media(w) -> MediaController:
    return MediaController(w)

