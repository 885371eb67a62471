"""File > Restore from backup…, File > Rebuild a clean copy…, and what the window says about a
project's file on opening.

Restore lists the rolling backups of the open project (or, with none open, of a project file the
user picks — one that no longer opens, typically), writes the chosen one to a NEW file and offers
to open it; it never writes over the project. Rebuild does what `npmdesk repair` does for a project
that was refused (a foreign trigger or view, an unknown format number, damage). When a project
opens, notices from the safe-open steps (a -wal moved aside, a hot journal rolled back) are shown
once, naming the kept files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from npmdesk import PROJECT_SUFFIX, settings
from npmdesk.core.errors import NpmdeskError
from npmdesk.store.backups import KEEP_DAYS, KEEP_WEEKS, list_backups, project_folder, restore
from npmdesk.store.repair import repair
from npmdesk.ui import dialogs, errors


def install_backup_menu(w) -> None:
    """Adds File > Restore from backup… (just above Close project) and the on-open notices."""
    action = w.add_action("File", "Restore from &backup…", lambda: restore_from_backup(w), needs_project=False)
    action.setObjectName("restoreFromBackup")
    before = w.actions.get("close")
    if before is not None:
        w.menus["File"].removeAction(action)
        w.menus["File"].insertAction(before, action)
    w.actions["restore_backup"] = action
    repair_action = w.add_action("File", "Rebuild a clean &copy of a project…", lambda: repair_project(w),
                                 needs_project=False)
    repair_action.setObjectName("repairProject")
    if before is not None:
        w.menus["File"].removeAction(repair_action)
        w.menus["File"].insertAction(before, repair_action)
    w.actions["repair_project"] = repair_action
    w._notified_project = None
    w.projectSwitched.connect(lambda: _project_switched(w))


def _project_switched(w) -> None:
    project = w.project
    errors.context_path = project.path if project is not None else None
    if project is None or w._notified_project is project:
        return
    w._notified_project = project
    notices = list(getattr(project.db, "open_notices", ()))
    if notices:
        w.statusBar().showMessage(notices[0], 15000)
        QTimer.singleShot(0, lambda: dialogs.show_info(
            w, "About this project's file", f"When {project.path.name} was opened:", "\n\n".join(notices)))


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def restore_from_backup(w) -> Path | None:
    """Choose a backup, write it to a new file, offer to open it; returns the new file (or None)."""
    if w.project is not None:
        project = w.project.path
    else:
        chosen, _ = QFileDialog.getOpenFileName(w, "Restore a backup of which project?", settings.last_folder(),
                                                f"npmdesk projects (*{PROJECT_SUFFIX});;All files (*)")
        if not chosen:
            return None
        project = Path(chosen)
    backups = list_backups(project)
    if not backups:
        dialogs.show_info(w, "No backups yet", f"There are no backups of {project.name} yet.",
                          f"A backup is made at the first change of each day, in {project_folder(project)}; "
                          f"the last {KEEP_DAYS} days and {KEEP_WEEKS} weeks are kept.")
        return None
    labels = [f"{b.day.isoformat()}  ({b.made:%H:%M}, {_size(b.size)})" for b in backups]
    label, ok = QInputDialog.getItem(w, "Restore from backup", f"Backups of {project.name} (newest first):",
                                     labels, 0, False)
    if not ok or label not in labels:
        return None
    backup = backups[labels.index(label)]
    out = _ask_new_project(w, "Save the restored copy as (a new file)",
                           project.with_name(f"{project.stem} (backup {backup.day.isoformat()}){PROJECT_SUFFIX}"))
    if out is None:
        return None
    try:
        restore(project, backup.path, out)
    except NpmdeskError as e:
        dialogs.show_error(w, f"Nothing was restored.\n\n{e}", "Restore refused")
        return None
    answer = QMessageBox.question(w, "Backup restored",
                                  f"The backup of {backup.day.isoformat()} was written to {out.name}; "
                                  f"{project.name} itself was not changed.\n\nOpen the restored copy now?")
    if answer == QMessageBox.StandardButton.Yes:
        w.open_project(out)
    return out


def repair_project(w) -> Path | None:
    """Rebuild a clean copy of a refused project into a NEW file (the source is only read)."""
    chosen, _ = QFileDialog.getOpenFileName(w, "Rebuild a clean copy of which project?", settings.last_folder(),
                                            f"npmdesk projects (*{PROJECT_SUFFIX});;All files (*)")
    if not chosen:
        return None
    source = Path(chosen)
    out = _ask_new_project(w, "Save the clean copy as (a new file)",
                           source.with_name(f"{source.stem} (rebuilt){PROJECT_SUFFIX}"))
    if out is None:
        return None
    try:
        report = repair(source, out)
    except NpmdeskError as e:
        dialogs.show_error(w, f"No copy was made.\n\n{e}", "Rebuild refused")
        return None
    copied = ", ".join(f"{n} {t}" for t, n in report.copied.items() if n) or "no rows"
    details = [*(f"left out: {n} row(s) of {t}" for t, n in report.left_out.items()),
               *(f"not carried over: {what}" for what in report.not_copied), *report.notes]
    answer = QMessageBox.question(w, "Clean copy made",
                                  f"{out.name} was rebuilt from {source.name} ({copied}); {source.name} itself "
                                  "was not changed.\n\n" + ("\n".join(details[:12]) + "\n\n" if details else "")
                                  + "Open the clean copy now?")
    if answer == QMessageBox.StandardButton.Yes:
        w.open_project(out)
    return out


def _ask_new_project(w, title: str, default: Path) -> Path | None:
    """Where to write a new project file (the suffix added if the user left it out)."""
    target, _ = QFileDialog.getSaveFileName(w, title, str(default), f"npmdesk projects (*{PROJECT_SUFFIX})")
    if not target:
        return None
    return Path(target if target.endswith(PROJECT_SUFFIX) else target + PROJECT_SUFFIX)
