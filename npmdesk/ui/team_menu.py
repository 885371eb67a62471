"""Team coding in the window: File > Team (copy for a co-coder, merge a coder's copy, Coders… with
their roles), Analysis > Intercoder agreement… (a dock), and View > Show codings by coder
(transcript and excerpts).

Merging reads and matches the copies first (a refusal names the document and changes nothing),
backs the project up, then writes everything as one step through `window.run`, with progress and
Cancel (cancel rolls the whole merge back). A merge of more than 20,000 codings is not undoable
(store/team.py UNDOABLE_MERGE_CODINGS): the window says so, and the backup restores the project.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QMenu, QProgressDialog

from npmdesk import PROJECT_SUFFIX, settings
from npmdesk.core.errors import CancelledError, NpmdeskError
from npmdesk.ui.dialogs import show_error, show_info


class TeamMenu:
    def __init__(self, window):
        self.w = window
        self.dock: QDockWidget | None = None
        self.progress_dialog: QProgressDialog | None = None  # while a merge runs
        w = window
        file_menu = w.menus["File"]
        before = w.actions.get("close")
        self.menu = QMenu("&Team", w)
        self.menu.setObjectName("teamMenu")
        self.copy_action = self._action("team_copy", "Copy for a co-coder…", self.copy_for_coder)
        self.merge_action = self._action("team_merge", "Merge a coder's copy…", self.merge_interactively)
        self.coders_action = self._action("team_coders", "C&oders…", self.edit_coders)
        self.menu.addAction(self.copy_action)
        self.menu.addAction(self.merge_action)
        self.menu.addSeparator()
        self.menu.addAction(self.coders_action)
        if before is not None:
            file_menu.insertMenu(before, self.menu)
        else:
            file_menu.addMenu(self.menu)
        self.agreement_action = w.add_action("Analysis", "Intercoder &agreement…", self.show_agreement)
        w.actions["agreement"] = self.agreement_action
        self.coders_menu = QMenu("Show codings by coder", w)
        self.coders_menu.setObjectName("codersMenu")
        w.menus["View"].addMenu(self.coders_menu)
        self.coders_menu.aboutToShow.connect(self._fill_coders_menu)
        w.projectSwitched.connect(self._project_switched)

    def _action(self, name: str, text: str, slot) -> QAction:
        action = QAction(text, self.w)
        action.triggered.connect(lambda *_: slot())
        self.w._project_actions.append(action)
        action.setEnabled(self.w.project is not None)
        self.w.actions[name] = action
        return action

    # Copy and merge ---------------------------------------------------------------------------

    def copy_for_coder(self, out: str | Path | None = None, blind: bool | None = None) -> bool:
        from PySide6.QtWidgets import QMessageBox

        from npmdesk.store.team import make_team_copy

        w = self.w
        if w.project is None:
            return False
        if blind is None:
            answer = QMessageBox.question(
                w, "Copy for a co-coder", "Leave out every coding, so that the co-coder codes blind?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            blind = answer == QMessageBox.StandardButton.Yes
        if out is None:
            default = w.project.path.with_name(w.project.path.stem + "-copy" + PROJECT_SUFFIX)
            chosen, _ = QFileDialog.getSaveFileName(w, "Save the co-coder's copy as", str(default),
                                                    f"npmdesk projects (*{PROJECT_SUFFIX})")
            if not chosen:
                return False
            out = chosen if chosen.endswith(PROJECT_SUFFIX) else chosen + PROJECT_SUFFIX
        try:
            report = make_team_copy(w.project, out, blind=blind)
        except (NpmdeskError, OSError) as e:
            show_error(w, f"No copy was written.\n\n{e}", "Copy refused")
            return False
        kind = "A blind copy (no codings)" if report.blind else "A copy"
        show_info(w, "Copy for a co-coder", f"{kind} was written to {Path(report.path).name}: {report.documents} "
                                            f"document(s), {report.codes} code(s), {report.codings} coding(s).",
                  f"Codebook version {report.codebook_version}. The co-coder opens it with their own coder name; "
                  "File > Team > Merge a coder's copy brings their codings back.")
        return True

    def merge_interactively(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.w, "Merge coders' copies", settings.last_folder(),
                                                f"npmdesk projects (*{PROJECT_SUFFIX});;All files (*)")
        if paths:
            self.merge(paths)

    def merge(self, paths) -> bool:
        from npmdesk.store.team import UNDOABLE_MERGE_CODINGS, apply_merge, backup_before_merge, plan_merge

        w = self.w
        project = w.project
        if project is None:
            return False
        refused = lambda e: show_error(w, f"Nothing was merged.\n\n{e}", "Merge refused")  # noqa: E731
        try:
            plan = plan_merge(project, [str(p) for p in paths], w.coder)
            backup = backup_before_merge(project)
        except (NpmdeskError, OSError) as e:
            refused(e)
            return False
        names = ", ".join(Path(p).name for p in paths)
        failures: list[BaseException] = []
        total = sum(len(c.codings) for c in plan.copies)
        dialog = QProgressDialog(f"Merging {total:,} coding(s) from {names}…", "Cancel", 0, max(total, 1), w)
        dialog.setObjectName("mergeProgress")
        dialog.setWindowTitle("Merging coders' copies")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.progress_dialog = dialog

        def progress(done: int, all_: int) -> bool:
            dialog.setValue(min(done, all_))
            QApplication.processEvents()
            return not dialog.wasCanceled()

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # seconds for 100,000 codings
        try:
            outcome = w.run(f"Merge {names}", lambda: apply_merge(project, plan, progress), on_error=failures.append)
        finally:
            QApplication.restoreOverrideCursor()
            dialog.close()
            dialog.deleteLater()
            self.progress_dialog = None
        for e in failures:
            if isinstance(e, CancelledError):
                w.statusBar().showMessage("Merge cancelled: nothing was merged.", 8000)
            else:
                refused(e)
        if not outcome.ok:
            return False
        report = outcome.value
        report.backup = str(backup)
        lines = report.lines()
        if not project.last_step.undoable:
            lines.append(f"This merge of more than {UNDOABLE_MERGE_CODINGS:,} codings cannot be undone: to take it "
                         "back, open the backup above (File > Open…).")
        show_info(w, "Copies merged", f"{report.codings_added} coding(s) added from {names}.", "\n".join(lines))
        if self.dock is not None:
            self.dock.widget().load_coders()
        return True

    # Coders and their roles ---------------------------------------------------------------------

    def edit_coders(self):
        from npmdesk.ui.coders_dialog import edit_coders

        if self.w.project is None:
            return None
        return edit_coders(self.w)

    # Agreement ---------------------------------------------------------------------------------

    def show_agreement(self):
        from npmdesk.ui.agreement_view import AgreementView

        w = self.w
        if self.dock is None:
            self.dock = QDockWidget("Intercoder agreement", w)
            self.dock.setObjectName("agreementDock")
            self.dock.setWidget(AgreementView(w))
            w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            beside = w.docks.get("excerptsDock")
            if beside is not None:
                w.tabifyDockWidget(beside, self.dock)
            w.menus["View"].addAction(self.dock.toggleViewAction())
        view = self.dock.widget()
        view.load_coders()
        self.dock.show()
        self.dock.raise_()
        return view

    # Coders shown ------------------------------------------------------------------------------

    def _fill_coders_menu(self) -> None:
        self.coders_menu.clear()
        project = self.w.project
        if project is None:
            return
        hidden = self.w.transcript.hidden_coders
        for coder in project.coders():
            action = self.coders_menu.addAction(coder["name"])
            action.setCheckable(True)
            action.setChecked(coder["id"] not in hidden)
            action.toggled.connect(lambda on, cid=coder["id"]: self.show_coder(cid, on))

    def show_coder(self, coder_id: int, shown: bool) -> None:
        hidden = set(self.w.transcript.hidden_coders)
        (hidden.discard if shown else hidden.add)(coder_id)
        self.set_hidden(hidden)

    def set_hidden(self, hidden) -> None:
        w = self.w
        w.transcript.hidden_coders = frozenset(hidden)
        project = w.project
        if project is not None and hidden:
            w.shown_coders = tuple(c["id"] for c in project.coders() if c["id"] not in hidden)
        else:
            w.shown_coders = None
        if w.current_document is not None:
            w._load_document(w.current_document, keep_scroll=True)
        w._refresh_excerpts()
        matrix = w.analysis.view("matrix") if getattr(w, "analysis", None) is not None else None
        if matrix is not None:
            matrix.coder_ids = w.shown_coders
            matrix.refresh()
        if hidden:
            names = [c["name"] for c in project.coders() if c["id"] in hidden] if project else []
            w.statusBar().showMessage("Hidden: codings by " + ", ".join(names), 8000)

    def _project_switched(self) -> None:
        self.w.transcript.hidden_coders = frozenset()
        self.w.shown_coders = None
        if self.dock is not None:
            if self.w.project is None:
                self.dock.hide()
            else:
                self.dock.widget().load_coders()


def install_team_menu(w) -> TeamMenu:
    return TeamMenu(w)
