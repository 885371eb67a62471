"""File menu entries: participants and speakers, reports, and REFI-QDA exchange (.qdpx, .qdc)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QVBoxLayout,
)

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


class ChoiceDialog(QDialog):
    """A labelled choice (combo box) with an explanation below it and OK/Cancel; keyboard only
    works (Tab, arrows, Enter, Esc)."""

    def __init__(self, parent, title: str, prompt: str, choices: list[tuple[str, str]], details: str = "",
                 object_name: str = "choiceDialog"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.combo = QComboBox()
        self.combo.setObjectName(f"{object_name}Combo")
        for key, text in choices:
            self.combo.addItem(text, key)
        label.setBuddy(self.combo)
        layout.addWidget(self.combo)
        if details:
            self.details = QPlainTextEdit(details)
            self.details.setObjectName(f"{object_name}Details")
            self.details.setReadOnly(True)
            self.details.setMinimumSize(640, 260)
            layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.combo.setFocus()

    def choice(self):
        return self.combo.currentData()


def choose_export_target(w) -> str | None:
    from npmdesk.formats.refi.exporter import TARGETS
    from npmdesk.formats.refi.positions import LABELS

    choices = [(key, "Any program: the REFI-QDA standard (code points, LF line ends)" if key == "standard"
                else f"{t.tool} — positions in {LABELS[t.unit]}") for key, t in TARGETS.items()]
    dialog = ChoiceDialog(w, "Export for…", "Which program will open this file? Positions and line ends are "
                          "written the way it reads them, so every coding lands on the same text there.",
                          choices, object_name="exportTargetDialog")
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def positions_details(analysis) -> str:
    """The weak or mixed evidence of each source, with a few selections read under each convention."""
    from npmdesk.formats.refi.positions import LABELS

    parts = []
    for pos in analysis:
        if not pos.warning:
            continue
        lines = [f"{pos.document}: {pos.warning}"]
        for unit, shown in pos.preview.items():
            lines.append(f"  {LABELS[unit]}:")
            lines.extend(f"      {s}" for s in shown)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def choose_positions(w, analysis) -> tuple[bool, str | None]:
    """(go on, forced unit or None) — asks only when some source's evidence is weak or mixed."""
    from npmdesk.formats.refi.positions import LABELS, UNITS

    if not any(p.warning for p in analysis):
        return True, None
    choices = [("", "As detected for each source (see below)")] + [(u, LABELS[u]) for u in UNITS]
    dialog = ChoiceDialog(w, "How are positions counted?", "The file does not make clear how it counts text "
                          "positions, so some codings may land on the wrong text. Choose the reading under which "
                          "the selections below look right:", choices, positions_details(analysis),
                          object_name="positionsDialog")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False, None
    return True, dialog.choice() or None


_AS_IS = ""


def choose_deidentified(w, what: str) -> str | None:
    """'' to write the file as it is, a coder-names choice ('role', 'initials', 'keep') to write it
    de-identified, None when cancelled. Asked only once the project has something to de-identify
    (terms marked for replacement in Find identifiers, or identifying attributes)."""
    p = w.project
    if not any(x.action == "replace" for x in p.pseudonyms()) and not p.identifying_attributes():
        return _AS_IS
    choices = [(_AS_IS, "As it is (real names)"),
               ("role", "De-identified: pseudonym table applied, coders by role (or initials)"),
               ("initials", "De-identified: pseudonym table applied, coders by initials"),
               ("keep", "De-identified: pseudonym table applied, coders keep their names")]
    dialog = ChoiceDialog(w, "Write de-identified?", f"The project has a pseudonym table. Write the {what} as "
                          "it is, or de-identified (the texts written with the replacements, codings moved "
                          "exactly, identifying attributes left out; the project itself is not changed)?",
                          choices, object_name="exchangeDeidentifiedDialog")
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _write_exchange(w, export, out: Path, coder_names: str):
    """Write a .qdpx/.qdc, de-identified when `coder_names` is set (formats/deidentified.py)."""
    if not coder_names:
        return export(w.project, out)
    from npmdesk.formats.deidentified import export_exchange_deidentified

    return export_exchange_deidentified(w.project, export, out, coder_names)


def export_project_qdpx(w) -> None:
    target = choose_export_target(w)
    if target is None:
        return
    coder_names = choose_deidentified(w, "project")
    if coder_names is None:
        return
    out = _save_path(w, "Export project as REFI-QDA", ".qdpx", "REFI-QDA projects")
    if out is None:
        return
    from npmdesk.formats.refi.exporter import export_qdpx

    try:
        summary = _write_exchange(w, lambda project, path: export_qdpx(project, path, target), out, coder_names)
    except (NpmdeskError, OSError) as e:
        show_error(w, f"The project was not exported.\n\n{e}", "Export failed")
        return
    counts = ", ".join(f"{v} {k}" for k, v in summary.counts.items())
    how = ", de-identified" if coder_names else ""
    show_info(w, "Export finished", f"Wrote {out.name}{how}: {counts}.", "\n".join(summary.notes))


def export_codebook_qdc(w) -> None:
    coder_names = choose_deidentified(w, "codebook")
    if coder_names is None:
        return
    out = _save_path(w, "Export codebook as REFI-QDA", ".qdc", "REFI-QDA codebooks")
    if out is None:
        return
    from npmdesk.formats.refi.qdc import export_qdc

    try:
        _write_exchange(w, export_qdc, out, coder_names)
    except (NpmdeskError, OSError) as e:
        show_error(w, f"The codebook was not exported.\n\n{e}", "Export failed")
        return
    show_info(w, "Export finished", f"Wrote the codebook to {out.name}" + (", de-identified." if coder_names else "."))


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
    from npmdesk.formats.refi.importer import analyse_positions, import_qdpx

    try:
        go_on, positions = choose_positions(w, analyse_positions(path))
    except NpmdeskError as e:
        show_error(w, f"No project was created.\n\n{e}", "Import refused")
        return
    if not go_on:
        return
    progress = QProgressDialog("Reading the project…", "Cancel", 0, 1, w)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def report_progress(done: int, total: int, name: str) -> bool:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)
        progress.setLabelText(f"Importing {name}…" if name else "Saving…")
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        report = import_qdpx(path, target, w.coder, report_progress, positions=positions)
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
    details = "\n".join([*(f"warning: {x}" for x in report.warnings), *report.notes,
                         *(f"skipped {what}: {why}" for what, why in report.skipped)])
    show_info(w, "REFI-QDA project imported", f"{Path(target).name}: {report.summary()}.", details)
