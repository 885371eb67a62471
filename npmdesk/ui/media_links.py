"""Linking a recording to a transcript from anywhere in the window — File > Link a recording…,
the player's button, the Documents dock's context menu, the Participants dialog, the import
preview — through one function, so every way in makes the same undoable step (store/media.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from npmdesk import settings
from npmdesk.core.errors import NpmdeskError
from npmdesk.core.timecode import format_hms
from npmdesk.formats import media as media_files
from npmdesk.store.media import MEDIA_SUFFIXES

MEDIA_FILTER = "Recordings (" + " ".join(f"*{s}" for s in sorted(MEDIA_SUFFIXES)) + ")"


def recording_status(project, doc_id: int) -> tuple[str, bool | None]:
    """How a transcript's recording is shown in lists: ("i1.wav — 00:42:10", True), ("i1.wav —
    missing", False) when the file is not where it was linked (opening the transcript looks for it
    by name and hash), or ("none", None). One stat, no search: cheap enough for every row."""
    link = project.media_link(doc_id)
    if link is None:
        return "none", None
    name = Path(link.stored_path).name
    path = link.path_from(project.path)
    try:
        found = path.is_file() and path.stat().st_size == link.size
    except OSError:
        found = False
    if not found:
        return f"{name} — missing", False
    return f"{name} — {format_hms(link.duration_ms) or 'length unknown'}", True


def ask_recording(parent, title: str = "Link a recording") -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, settings.last_folder(), MEDIA_FILTER)
    if not path:
        return None
    settings.remember_folder(Path(path).parent)
    return Path(path)


def link_recording_to(parent, project, run, doc_id: int, on_error, path: Path | None = None) -> bool:
    """Ask for a recording (unless `path` is given) and link it to the document as one undoable
    step of `run`; the same file found at a new place is re-pointed, a different one replaces the
    old link only when the user agrees. Returns whether a link was made."""
    if path is None:
        path = ask_recording(parent)
        if path is None:
            return False
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # hashing a long video takes a moment
    try:
        info = media_files.describe(path)
    except NpmdeskError as e:
        QApplication.restoreOverrideCursor()
        on_error(e)
        return False
    QApplication.restoreOverrideCursor()
    old = project.media_link(doc_id)
    if old is not None and old.sha256 == info.sha256:
        return run("Find moved recording", lambda: project.relocate_media(doc_id, info.path)).ok
    if old is not None and QMessageBox.question(
            parent, "Link a recording",
            f"This transcript is linked to {Path(old.stored_path).name}, and {info.path.name} is a "
            "different recording. Link the new one instead?") != QMessageBox.StandardButton.Yes:
        return False
    return run("Link recording", lambda: project.link_media(doc_id, info.path, info.sha256, info.size,
                                                            info.duration_ms)).ok


def unlink_recording_from(parent, project, run, doc_id: int) -> bool:
    """Forget the document's recording (the file itself is not touched); undoable."""
    link = project.media_link(doc_id)
    if link is None:
        return False
    outcome = run(f"Unlink {Path(link.stored_path).name}", lambda: project.unlink_media(doc_id))
    if outcome.ok and hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(f"{Path(link.stored_path).name} is no longer linked (Ctrl+Z links it "
                                       "again); the file itself is untouched.", 6000)
    return outcome.ok
