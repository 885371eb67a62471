"""Unexpected errors become a plain dialog and a log entry, never a traceback on screen."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from npmdesk.core.errors import AlreadyDoneError, NpmdeskError
from npmdesk.paths import data_dir
from npmdesk.store.storage_errors import translate

log = logging.getLogger("npmdesk")


def log_path() -> Path:
    return data_dir() / "npmdesk.log"


def _setup_logging() -> None:
    if log.handlers:
        return
    handler: logging.Handler
    try:
        log_path().parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_path(), encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


# The open project's path, so that a disk-full message can name the disk (set by ui/backup_menu.py
# whenever the window opens or closes a project).
context_path: Path | None = None


def message_for(exc: BaseException) -> str:
    if isinstance(exc, NpmdeskError):
        return str(exc)
    known = translate(exc, context_path)  # disk full, permission, read-only disk, damaged page
    if known is not None:
        return str(known)[:1].upper() + str(known)[1:] + "."
    return (f"Something went wrong that npmdesk did not expect ({type(exc).__name__}: {exc}).\n\n"
            f"Your coding so far is saved in the project file. Details were written to {log_path()}.")


def nothing_to_do(exc: BaseException) -> str | None:
    """The status-bar sentence for a refusal that only says it is done already (AlreadyDoneError:
    the step asked for is in the project as it stands), else None. Never an error dialog."""
    if not isinstance(exc, AlreadyDoneError):
        return None
    text = str(exc).strip().rstrip(".")
    return text[:1].upper() + text[1:] + ": nothing to do."


def install_excepthook(parent_getter=lambda: None) -> None:
    """Show uncaught exceptions (e.g. in a slot) as a dialog and log the traceback."""
    _setup_logging()

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("uncaught error\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        try:
            from npmdesk.ui.dialogs import show_error

            show_error(parent_getter(), message_for(exc))
        except Exception:  # the dialog itself failed: the log still has it
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
