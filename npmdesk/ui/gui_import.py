"""File > Import… and files dropped on the window: import with a cancellable progress dialog,
then say what was found in each file and its notes (the header lines kept as text, as
`npmdesk import` prints them), or why nothing was imported. Recordings chosen in the
preview are read (hash, length) first and linked in the import's own step: one Ctrl+Z takes the
documents and their links away together, and an unreadable recording refuses the whole import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

from npmdesk import settings
from npmdesk.core.errors import BadInputError, CancelledError, DuplicateSourceError
from npmdesk.core.timecode import format_hms
from npmdesk.formats import media as media_files
from npmdesk.formats.importing import HEADER_NOTE, ImportedDocument, ImportOptions, import_files, supported_suffixes
from npmdesk.formats.speakers import header_lines
from npmdesk.ui.dialogs import show_error, show_info


def file_filter() -> str:
    suffixes = " ".join(f"*{s}" for s in supported_suffixes())
    return f"Transcripts ({suffixes});;All files (*)"


def ask_import_paths(parent) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, "Import transcripts", settings.last_folder(), file_filter())
    if paths:
        settings.remember_folder(paths[0])
    return paths


def import_with_progress(parent, project, paths: list[str], options: ImportOptions | None = None):
    """Import `paths` (all or nothing) as one undoable step of `parent.run`, linking the recordings
    the preview chose (ImportChoices). Returns the ImportReport, or None if nothing was imported."""
    chosen_paths = getattr(options, "paths", None)  # the preview's transcripts (dropped recordings left out)
    if chosen_paths is not None:
        paths = list(chosen_paths)
    recordings: dict[str, str] = {t: r for t, r in (getattr(options, "recordings", None) or {}).items()
                                  if t in {str(p) for p in paths}}
    if not paths:
        return None
    progress = QProgressDialog("Reading files…", "Cancel", 0, len(paths), parent)
    progress.setObjectName("importProgress")
    progress.setWindowTitle("Import")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def report(done: int, total: int, path: str) -> bool:
        progress.setMaximum(total)
        progress.setValue(done)
        progress.setLabelText(f"Reading {Path(path).name}…" if path else "Saving…")
        QApplication.processEvents()
        return not progress.wasCanceled()

    def refused(e: BaseException) -> None:
        progress.close()
        if isinstance(e, CancelledError):
            show_info(parent, "Import cancelled", "The import was cancelled; nothing was imported.")
        elif isinstance(e, DuplicateSourceError):
            show_error(parent, f"Nothing was imported.\n\n{Path(e.path).name}: {e.reason}. To import it again, "
                               "tick “Keep a second copy of files already in the project” in the import "
                               "preview.", "Import refused")
        elif isinstance(e, BadInputError):
            show_error(parent, f"Nothing was imported.\n\n{Path(e.path).name}: {e.reason}", "Import refused")
        else:
            show_error(parent, f"Nothing was imported.\n\n{e}", "Import refused")

    def operation():
        infos = {}
        for transcript, recording in recordings.items():  # read before the import writes: no lock held
            if not report(0, len(paths), recording):
                raise CancelledError("import cancelled; nothing was imported")
            infos[transcript] = media_files.describe(recording)
        result = import_files(project, [str(p) for p in paths], options or ImportOptions(), report)
        for d in result.imported:
            info = infos.get(d.path)
            if info is not None and d.document_id is not None:
                project.link_media(d.document_id, info.path, info.sha256, info.size, info.duration_ms)
                d.notes.append(f"recording linked: {info.path.name} "
                               f"({format_hms(info.duration_ms) or 'length unknown'})")
        return result

    label = f"Import {Path(paths[0]).name}" if len(paths) == 1 else f"Import {len(paths)} files"
    outcome = parent.run(label, operation, on_error=refused)
    if not outcome.ok:
        return None
    result = outcome.value
    progress.close()
    for d in result.imported:
        d.notes[:0] = header_notes(project, d, options or ImportOptions())
    lines = [d.summary() + ("".join(f"\n   note: {n}" for n in d.notes) if d.notes else "")
             for d in result.imported]
    lines += [f"skipped {Path(p).name}: {reason}" for p, reason in result.skipped]
    shown = "\n\n".join(lines[:8]) + ("\n\n…" if len(lines) > 8 else "")
    noted = len(lines) > 8 or any(d.notes for d in result.imported)  # every file's notes, in full
    show_info(parent, "Import finished", f"Imported {len(result.imported)} document(s).\n\n{shown}",
              "\n\n".join(lines) if noted else "")
    return result


def header_notes(project, d: ImportedDocument, options: ImportOptions) -> list[str]:
    """The header lines above a stored document's first turn ("Date: 12 March 2026"), kept as
    text and not taken for speakers: the note `npmdesk import` prints (import_files leaves it to
    the caller, since the preview has already shown it), read back from what was stored."""
    if d.document_id is None or not options.detect_speakers or options.speaker_pattern:
        return []
    turns = project.turns(d.document_id)
    text = project.document_text(d.document_id)
    header = header_lines(text[:turns[0].start] if turns else text, set(d.speakers))
    if not header:
        return []
    return [HEADER_NOTE + ", ".join(f"{key}: {value}" if value else key for key, value in header)]
