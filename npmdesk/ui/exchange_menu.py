"""File menu entries: participants and speakers, reports, and REFI-QDA exchange (.qdpx, .qdc)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

from npmdesk import PROJECT_SUFFIX, settings
from npmdesk.core.errors import CancelledError, NpmdeskError
from npmdesk.ui.dialogs import show_error, show_info

# The exporters (python-docx, lxml) load when first used, not while the window starts.


def install_exchange_menu(w) -> None:
    """Adds Participants…, Export… and the REFI-QDA entries to File, just above Close project."""
    before = w.actions.get("close")
    entries = [
        ("participants", "&Participants and speakers…", lambda: _participants(w), "Ctrl+Shift+P", True),
        ("export", "&Export report…", lambda: _export(w), "Ctrl+Alt+E", True),
        ("export_qdpx", "Export project as REFI-QDA (.qdpx)…", lambda: export_project_qdpx(w), None, True),
        ("export_qdc", "Export codebook as REFI-QDA (.qdc)…", lambda: export_codebook_qdc(w), None, True),
        ("import_qdc", "Import a REFI-QDA codebook (.qdc)…", lambda: import_codebook_qdc(w), None, True),
        ("import_qdpx", "Open a REFI-QDA project (.qdpx) as a new project…", lambda: import_project_qdpx(w),
         None, False),
    ]
    menu = w.menus["File"]
    for name, text, slot, shortcut, needs_project in entries:
        action = w.add_action("File", text, slot, shortcut, needs_project=needs_project)
        if before is not None:
            menu.removeAction(action)
            menu.insertAction(before, action)
        w.actions[name] = action
    if before is not None:
        menu.insertSeparator(before)


def _participants(w) -> None:
    from npmdesk.ui.participants_dialog import edit_participants

    edit_participants(w)


def _export(w) -> None:
    from npmdesk.ui.export_dialog import export_interactively

    export_interactively(w)


def _save_path(w, title: str, suffix: str, label: str) -> Path | None:
    default = w.project.path.with_suffix(suffix)
    path, _ = QFileDialog.getSaveFileName(w, title, str(default), f"{label} (*{suffix})")
    if not path:
        return None
    return Path(path if path.lower().endswith(suffix) else path + suffix)


def export_project_qdpx(w) -> None:
    out = _save_path(w, "Export project as REFI-QDA", ".qdpx", "REFI-QDA projects")
    if out is None:
        return
    from npmdesk.formats.refi.exporter import export_qdpx

    try:
        summary = export_qdpx(w.project, out)
    except (NpmdeskError, OSError) as e:
        show_error(w, f"The project was not exported.\n\n{e}", "Export failed")
        return
    counts = ", ".join(f"{v} {k}" for k, v in summary.counts.items())
    show_info(w, "Export finished", f"Wrote {out.name}: {counts}.", "\n".join(summary.notes))


def export_codebook_qdc(w) -> None:
    out = _save_path(w, "Export codebook as REFI-QDA", ".qdc", "REFI-QDA codebooks")
    if out is None:
        return
    from npmdesk.formats.refi.qdc import export_qdc

    try:
        export_qdc(w.project, out)
    except (NpmdeskError, OSError) as e:
        show_error(w, f"The codebook was not exported.\n\n{e}", "Export failed")
        return
    show_info(w, "Export finished", f"Wrote the codebook to {out.name}.")


def import_codebook_qdc(w) -> None:
    path, _ = QFileDialog.getOpenFileName(w, "Import a REFI-QDA codebook", settings.last_folder(),
                                          "REFI-QDA codebooks (*.qdc);;All files (*)")
    if not path:
        return
    from npmdesk.formats.refi.qdc import import_qdc

    project = w.project
    outcome = w.run(f"Import codebook {Path(path).name}", lambda: import_qdc(project, path),
                    on_error=lambda e: show_error(w, f"Nothing was imported.\n\n{e}", "Import refused"))
    if not outcome.ok:
        return
    report = outcome.value
    show_info(w, "Codebook imported", f"{report.added} new code(s), {report.matched} already present, "
                                      f"{report.described} definition(s) added.", "\n".join(report.notes))


def import_project_qdpx(w) -> None:
    path, _ = QFileDialog.getOpenFileName(w, "Open a REFI-QDA project", settings.last_folder(),
                                          "REFI-QDA projects (*.qdpx);;All files (*)")
    if not path:
        return
    target, _ = QFileDialog.getSaveFileName(w, "Save the new npmdesk project as",
                                            str(Path(path).with_suffix(PROJECT_SUFFIX)),
                                            f"npmdesk projects (*{PROJECT_SUFFIX})")
    if not target:
        return
    target = target if target.endswith(PROJECT_SUFFIX) else target + PROJECT_SUFFIX
    progress = QProgressDialog("Reading the project…", "Cancel", 0, 1, w)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def report_progress(done: int, total: int, name: str) -> bool:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)
        progress.setLabelText(f"Importing {name}…" if name else "Saving…")
        QApplication.processEvents()
        return not progress.wasCanceled()

    from npmdesk.formats.refi.importer import import_qdpx

    try:
        report = import_qdpx(path, target, w.coder, report_progress)
    except CancelledError:
        progress.close()
        show_info(w, "Import cancelled", "The import was cancelled; no project was created.")
        return
    except NpmdeskError as e:
        progress.close()
        show_error(w, f"No project was created.\n\n{e}", "Import refused")
        return
    progress.close()
    w.open_project(target)
    details = "\n".join([*report.notes, *(f"skipped {what}: {why}" for what, why in report.skipped)])
    show_info(w, "REFI-QDA project imported", f"{Path(target).name}: {report.summary()}.", details)
