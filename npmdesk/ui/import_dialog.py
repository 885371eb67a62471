"""Before an import: what npmdesk found in each file (format, encoding, speakers, or why it is
refused), and the researcher's choices per file (interview or focus group, which participant,
which recording).

A recording with the transcript's name beside it ("Interview NPM-3.m4a" by "Interview NPM-3.docx",
or Zoom's "…Recording.m4a" by "…Recording.transcript.vtt"), or dropped with the transcripts, is
offered in the Recording column and chosen; "No recording" unticks it, "Choose a file…" picks
another. The import links it in the same undoable step (ui/gui_import.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel,
    QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from npmdesk.core.errors import BadInputError
from npmdesk.core.model import DOCUMENT_KINDS
from npmdesk.formats.importing import ImportOptions, read_source, suggest_kind
from npmdesk.store.media import MEDIA_SUFFIXES
from npmdesk.ui.media_links import ask_recording

NO_PARTICIPANT = "(none)"
NO_RECORDING = "No recording"
CHOOSE_RECORDING = "Choose a file…"
COLUMNS = ("File", "Found", "Kind", "Participant", "Recording")
RECORDING = COLUMNS.index("Recording")
_CHOOSE = "\0choose"  # the Choose item's data (no path is ever this)


@dataclass
class ImportChoices(ImportOptions):
    """ImportOptions plus what only the window does with them: the transcripts to import (the
    preview's rows: recordings dropped with them are not transcripts) and the recording chosen for
    each (transcript path -> recording path), linked in the import's own step."""

    paths: list[str] = field(default_factory=list)
    recordings: dict[str, str] = field(default_factory=dict)


def is_recording(path: str | Path) -> bool:
    return Path(path).suffix.lower() in MEDIA_SUFFIXES


def _stem_key(path: Path) -> str:
    """What a transcript and its recording share: the name without type, and without Zoom's
    '.transcript' (GMT…_Recording.transcript.vtt beside GMT…_Recording.m4a)."""
    stem = path.stem.casefold()
    return stem[:-len(".transcript")] if stem.endswith(".transcript") else stem


class ImportDialog(QDialog):
    """Shows a preview of every file; `options()` returns the ImportOptions chosen."""

    def __init__(self, parent, project, paths: list[str]):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import transcripts")
        self.resize(1000, 420)
        # Recordings dropped with the transcripts are offered in the Recording column, not imported.
        self.dropped_recordings = [Path(p) for p in paths if is_recording(p)]
        self.paths = [str(p) for p in paths if not is_recording(p)]
        self._beside: dict[Path, list[Path]] = {}  # a folder's recordings, listed once
        self.refused: dict[str, str] = {}
        self.duplicates: dict[str, str] = {}  # path -> the document it already is
        self.project = project
        cases = [c.name for c in project.cases()]
        self.table = QTableWidget(len(self.paths), len(COLUMNS))
        self.table.setObjectName("importTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, RECORDING):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, path in enumerate(self.paths):
            self._fill_row(row, path, cases)
        self.skip_bad = QCheckBox("Skip the refused files and import the rest")
        self.skip_bad.setObjectName("importSkipBad")
        self.skip_bad.setEnabled(bool(self.refused))
        self.autocode = QComboBox()
        self.autocode.setObjectName("importAutocode")
        self.autocode.addItem("No", None)
        self.autocode.addItem("A code per speaker label", "speaker")
        self.autocode.addItem("A code per linked participant", "case")
        self.keep_copies = QCheckBox("Keep a second copy of files already in the project")
        self.keep_copies.setObjectName("importKeepCopies")
        self.keep_copies.setEnabled(bool(self.duplicates))
        self.keep_copies.toggled.connect(self._update_ok)
        self.numbered = QCheckBox("If a document of the same name exists, import as “name (2)”")
        form = QFormLayout()
        form.addRow("Auto-code speaker turns:", self.autocode)
        form.addRow("", self.numbered)
        form.addRow("", self.skip_bad)
        form.addRow("", self.keep_copies)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("importButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # With a refused file the import would stop and the choices above be lost: Import waits
        # for "skip the refused files" (or Cancel, to take the file out).
        self.skip_bad.toggled.connect(self._update_ok)
        self._update_ok()
        layout = QVBoxLayout(self)
        intro = ("Check what npmdesk found in each file. The import is all or nothing: "
                 "if a file is refused, nothing is imported unless you choose to skip it.")
        layout.addWidget(QLabel(intro, wordWrap=True))
        layout.addWidget(self.table)
        self.recordings_note = QLabel(self._recordings_note(), wordWrap=True)
        self.recordings_note.setObjectName("importRecordingsNote")
        self.recordings_note.setVisible(bool(self.recordings_note.text()))
        layout.addWidget(self.recordings_note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _update_ok(self) -> None:
        blocked = (bool(self.refused) and not self.skip_bad.isChecked()) or (
            bool(self.duplicates) and not self.keep_copies.isChecked() and not self.skip_bad.isChecked())
        importable = len(self.paths) - len(self.refused)
        self.ok.setEnabled(not blocked and importable > 0)
        self.ok.setToolTip("Some files are refused (in red) or already in the project: tick “Skip the refused "
                           "files” or “Keep a second copy”." if blocked else "")

    def _fill_row(self, row: int, path: str, cases: list[str]) -> None:
        name = QTableWidgetItem(Path(path).name)
        name.setToolTip(path)
        name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 0, name)
        QApplication.processEvents()  # reading many large files takes a moment: keep painting
        try:
            src = read_source(path)
        except BadInputError as e:
            self.refused[path] = e.reason
            found = QTableWidgetItem(f"refused: {e.reason}")
            found.setForeground(Qt.GlobalColor.red)
            found.setFlags(found.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 1, found)
            return
        assert src.turns is not None  # read_source always recognises the turns
        speakers = list(dict.fromkeys(t.speaker for t in src.turns if t.speaker))
        summary = (f"{src.format}, {src.encoding}, {len(src.turns)} turns; speakers: "
                   f"{', '.join(speakers) if speakers else 'none recognised'}")
        dup = self._already_imported(path)
        if dup is not None:
            self.duplicates[path] = dup
            summary = f"already in the project as “{dup}” — {summary}"
        found = QTableWidgetItem(summary)
        found.setToolTip("\n".join([summary, *src.notes]))
        found.setFlags(found.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 1, found)
        kind = QComboBox()
        kind.addItems(DOCUMENT_KINDS)
        kind.setCurrentText(suggest_kind(src))
        self.table.setCellWidget(row, 2, kind)
        case = QComboBox()
        case.setEditable(True)  # a new participant's ID can be typed
        case.addItems([NO_PARTICIPANT, *cases])
        stem = Path(path).stem
        matches = [c for c in cases if c.lower() in stem.lower()]
        match = max(matches, key=len) if matches else None  # NPM-10 over NPM-1
        if match and len(speakers) <= 2:
            case.setCurrentText(match)  # "Interview NPM-3.docx" belongs to NPM-3
        self.table.setCellWidget(row, 3, case)
        self.table.setCellWidget(row, RECORDING, self._recording_combo(Path(path)))

    # Recordings ---------------------------------------------------------------------------------

    def _recordings_beside(self, folder: Path) -> list[Path]:
        if folder not in self._beside:
            try:
                self._beside[folder] = sorted(p for p in folder.iterdir() if is_recording(p) and p.is_file())
            except OSError:
                self._beside[folder] = []
        return self._beside[folder]

    def _recording_combo(self, transcript: Path) -> QComboBox:
        """No recording / the recordings that belong to it (chosen) or were dropped / Choose a file…"""
        key = _stem_key(transcript)
        same = [p for p in [*self.dropped_recordings, *self._recordings_beside(transcript.parent)]
                if p.stem.casefold() == key]
        offered = list(dict.fromkeys([*same, *self.dropped_recordings]))
        combo = QComboBox()
        combo.setObjectName("importRecording")
        combo.setToolTip("The recording of this transcript, linked as it is imported (its path, hash and length "
                         "are stored, never the file)")
        combo.addItem(NO_RECORDING, None)
        for p in offered:
            combo.addItem(p.name, str(p))
            combo.setItemData(combo.count() - 1, str(p), Qt.ItemDataRole.ToolTipRole)
        combo.addItem(CHOOSE_RECORDING, _CHOOSE)
        if same:
            combo.setCurrentIndex(combo.findData(str(same[0])))
        combo.setProperty("previous", combo.currentIndex())
        combo.activated.connect(lambda index, c=combo: self._recording_chosen(c, index))
        return combo

    def _recording_chosen(self, combo: QComboBox, index: int) -> None:
        if combo.itemData(index) != _CHOOSE:
            combo.setProperty("previous", index)
            return
        path = ask_recording(self, "The recording of this transcript")
        if path is None:
            combo.setCurrentIndex(int(combo.property("previous")))  # nothing chosen: as it was
            return
        at = combo.findData(str(path))
        if at < 0:
            at = combo.count() - 1  # before "Choose a file…"
            combo.insertItem(at, path.name, str(path))
            combo.setItemData(at, str(path), Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(at)
        combo.setProperty("previous", at)

    def _recordings_note(self) -> str:
        if not self.dropped_recordings:
            return ""
        names = ", ".join(p.name for p in self.dropped_recordings)
        if not self.paths:
            return (f"{names}: only recordings, no transcript. To link a recording to a transcript already in the "
                    "project, open it and use File > Link a recording to this transcript…, or the Documents "
                    "list's context menu.")
        return f"Recordings dropped with the transcripts ({names}) are not transcripts to import: choose one in a " \
               "transcript's Recording column to link it."

    def _already_imported(self, path: str) -> str | None:
        from npmdesk.formats.importing import _sha256

        try:
            doc = self.project.find_document_by_sha256(_sha256(Path(path)))
        except (BadInputError, OSError):
            return None
        return doc.name if doc is not None else None

    def options(self) -> ImportChoices:
        per_file: dict[str, tuple[str | None, str | None]] = {}
        recordings: dict[str, str] = {}
        for row, path in enumerate(self.paths):
            kind, case = self.table.cellWidget(row, 2), self.table.cellWidget(row, 3)
            recording = self.table.cellWidget(row, RECORDING)
            if kind is None:
                continue
            assert isinstance(kind, QComboBox) and isinstance(case, QComboBox)  # what _fill_row puts there
            participant = case.currentText().strip()
            per_file[path] = (kind.currentText(), None if participant in ("", NO_PARTICIPANT) else participant)
            if isinstance(recording, QComboBox) and recording.currentData() not in (None, _CHOOSE):
                recordings[path] = recording.currentData()
        return ImportChoices(per_file=per_file, skip_bad=self.skip_bad.isChecked(),
                             numbered_names=self.numbered.isChecked(), force=self.keep_copies.isChecked(),
                             autocode=self.autocode.currentData(), paths=list(self.paths), recordings=recordings)


def choose_import_options(parent, project, paths: list[str]) -> ImportOptions | None:
    dialog = ImportDialog(parent, project, paths)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.options()
