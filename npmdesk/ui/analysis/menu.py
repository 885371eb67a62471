"""The Analysis menu's analysis entries: matrices, co-occurrence, alignment with a framework, the
Framework Method chart and the saturation chart as docks; adding frameworks; aligning a code.

`install_analysis_menu(window)` needs from the window: `menus["Analysis"]`, `project`,
`add_action(...)`, and optionally `excerpts.show_excerpts(title, excerpts)` with
`docks["excerptsDock"]` (else a dialog lists the excerpts), `code_tree.current_code()`,
`run(text, operation)` for every change, the `projectChanged(Changes)` and `projectSwitched`
signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMessageBox

from npmdesk.core.errors import NpmdeskError
from npmdesk.formats.framework_files import import_framework_file
from npmdesk.store.frameworks import BUILTIN_FRAMEWORKS
from npmdesk.ui.commands import Outcome
from npmdesk.ui.analysis.alignment import AlignmentView
from npmdesk.ui.analysis.chart import FrameworkChartView
from npmdesk.ui.analysis.common import ExcerptsDialog
from npmdesk.ui.analysis.matrix import MatrixView
from npmdesk.ui.analysis.saturation import SaturationView

REFRESH_DELAY_MS = 600  # after the last change, before open analysis views recompute

VIEWS = {
    "matrix": ("Matrix", MatrixView),
    "alignment": ("Alignment with framework", AlignmentView),
    "chart": ("Framework matrix (charting)", FrameworkChartView),
    "saturation": ("Saturation", SaturationView),
}


class AnalysisDocks:
    """Creates each view on first use, keeps it on the window's project, refreshes it after changes."""

    def __init__(self, window):
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        # Matrices cost up to a few hundred ms on a large project: recompute once coding pauses,
        # not after every coding (several codings in a row cost one refresh).
        self._refresh_timer = QTimer(window)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh_visible)
        if hasattr(window, "projectChanged"):
            window.projectChanged.connect(lambda *_: self._refresh_timer.start() if self._any_visible() else None)
        if hasattr(window, "projectSwitched"):
            window.projectSwitched.connect(self.project_changed)

    def view(self, key: str):
        dock = self.docks.get(key)
        return dock.widget() if dock else None

    def show(self, key: str):
        dock = self.docks.get(key)
        if dock is None:
            title, cls = VIEWS[key]
            view = cls(self.window.project, None)
            view.cell_excerpts_requested.connect(lambda flt, t=title: self.show_excerpts(t, flt))
            if hasattr(view, "error"):
                view.error.connect(self.error)
            if hasattr(view, "model") and hasattr(view.model, "run"):
                view.model.run = getattr(self.window, "run", None)
            dock = QDockWidget(title, self.window)
            dock.setObjectName(f"{key}AnalysisDock")
            dock.setWidget(view)
            # As a tab beside the excerpts, not beside them: side by side, their widths add up and
            # the window outgrows a laptop screen.
            self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            beside = getattr(self.window, "docks", {}).get("excerptsDock")
            if beside is not None:
                self.window.tabifyDockWidget(beside, dock)
            view_menu = getattr(self.window, "menus", {}).get("View")
            if view_menu is not None:
                view_menu.addAction(dock.toggleViewAction())
            self.docks[key] = dock
        else:
            dock.widget().set_project(self.window.project)
        dock.show()
        dock.raise_()
        return dock.widget()

    def _any_visible(self) -> bool:
        return any(d.isVisible() for d in self.docks.values())

    def refresh_visible(self) -> None:
        for dock in self.docks.values():
            if dock.isVisible() and self.window.project is not None:
                dock.widget().refresh()

    def project_changed(self) -> None:
        for dock in self.docks.values():
            dock.widget().set_project(self.window.project)
            if self.window.project is None:
                dock.hide()

    def show_excerpts(self, title: str, flt) -> None:
        project = self.window.project
        if project is None:
            return
        show = getattr(self.window, "show_filtered_excerpts", None)
        if show is not None:  # the window's panel, following later steps (ui/window_review.py)
            show(title, flt)
            return
        excerpts = project.excerpts(flt)
        panel = getattr(self.window, "excerpts", None)
        if panel is not None and hasattr(panel, "show_excerpts"):
            panel.show_excerpts(title, excerpts)  # the panel adds the count
            dock = getattr(self.window, "docks", {}).get("excerptsDock")
            if dock is not None:
                dock.show()
                dock.raise_()
            return
        ExcerptsDialog(title, excerpts, self.window).exec()

    def error(self, message: str) -> None:
        report = getattr(self.window, "report_error", None)
        if report is not None:
            report(NpmdeskError(message))
        else:
            QMessageBox.warning(self.window, "npmdesk", message)

    # Frameworks -----------------------------------------------------------------------------------

    def add_builtin(self, key: str) -> None:
        self._add(lambda p: p.add_builtin_framework(key))

    def add_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Add a framework", "",
                                              "Frameworks (*.csv *.qdc);;CSV (*.csv);;REFI-QDA codebook (*.qdc)")
        if path:
            self._add(lambda p: import_framework_file(p, path))

    def _add(self, make) -> None:
        project = self.window.project
        outcome = self._run("Add framework", lambda: make(project))
        if outcome.ok:
            self.show("alignment").select_framework(outcome.value)

    def _run(self, text: str, operation):
        """Through the window's one entry point (undoable), or directly on a bare window."""
        run = getattr(self.window, "run", None)
        if run is not None:
            return run(text, operation, on_error=lambda e: self.error(str(e)))
        try:
            value = operation()
        except NpmdeskError as e:
            self.error(str(e))
            return Outcome(False)
        self.refresh_visible()
        return Outcome(True, value)

    def add_to_code_tree(self) -> None:
        project = self.window.project
        frameworks = project.frameworks()
        if not frameworks:
            self.error("Add a framework first (Analysis > Add framework).")
            return
        name, ok = QInputDialog.getItem(self.window, "Code deductively",
                                        "Add this framework to the code tree (one code per element):",
                                        [f.name for f in frameworks], 0, False)
        if not ok:
            return
        fid = next(f.id for f in frameworks if f.name == name)
        self._run(f"Add {name} to the code tree", lambda: project.add_framework_codes(fid))

    def align_selected_code(self) -> None:
        project = self.window.project
        tree = getattr(self.window, "code_tree", None)
        code_id = tree.current_code() if tree is not None else None
        if code_id is None:
            self.error("Select a theme or code in the code tree first.")
            return
        choices = [(f"{f.name}: {e.name}", e.id) for f in project.frameworks() for e in f.elements]
        if not choices:
            self.error("Add a framework first (Analysis > Add framework).")
            return
        label, ok = QInputDialog.getItem(self.window, "Align with framework element",
                                         f"Align “{project.code(code_id).path}” with:", [c[0] for c in choices],
                                         0, False)
        if not ok:
            return
        rationale, ok = QInputDialog.getText(self.window, "Rationale", "Why does this theme speak to it? (one line)")
        if not ok:
            return
        element_id = dict(choices)[label]
        self._run("Align code with framework element", lambda: project.align_code(code_id, element_id, rationale))


def install_analysis_menu(window) -> AnalysisDocks:
    """Add the analysis entries to `window.menus["Analysis"]`; returns the dock manager."""
    docks = AnalysisDocks(window)
    window.analysis_docks = docks
    menu = window.menus["Analysis"]
    menu.addSeparator()

    def add(text, slot, shortcut=None):
        if hasattr(window, "add_action"):
            return window.add_action("Analysis", text, slot, shortcut)
        return menu.addAction(text, slot)

    add("&Matrix (codes × participants, documents, attributes)…", lambda: docks.show("matrix"), "Ctrl+Alt+X")
    add("Code &co-occurrence", lambda: docks.show("matrix").set_axes("codes", "codes"))
    add("&Alignment with a framework", lambda: docks.show("alignment"))
    add("Framework matrix (&charting)", lambda: docks.show("chart"))
    add("&Saturation chart", lambda: docks.show("saturation"))
    menu.addSeparator()
    for key, (name, _) in BUILTIN_FRAMEWORKS.items():
        add(f"Add framework: {name}", lambda k=key: docks.add_builtin(k))
    add("Add framework from file (.csv, .qdc)…", docks.add_from_file)
    add("Add a framework to the code tree (code deductively)…", docks.add_to_code_tree)
    add("Align selected code with a framework element…", docks.align_selected_code)
    return docks
