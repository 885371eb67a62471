"""MainWindow: the docks, the project's lifetime, and keeping every view in step with the file."""

from __future__ import annotations

import base64
from pathlib import Path

import sqlite3
from contextlib import contextmanager

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QStackedWidget

from npmdesk import settings
from npmdesk.paths import data_dir
from npmdesk.core.changes import Changes
from npmdesk.core.wording import plural
from npmdesk.core.code_catalog import CodeCatalog
from npmdesk.core.errors import NpmdeskError
from npmdesk.store import Project
from npmdesk.ui import mime as mimes
from npmdesk.ui.analysis.menu import install_analysis_menu
from npmdesk.ui.background_counts import BackgroundCounts
from npmdesk.ui.exchange_menu import install_exchange_menu
from npmdesk.ui.external_changes import ExternalChangeWatcher
from npmdesk.ui.code_panel import CodePanel
from npmdesk.ui.commands import DropRedoHistory, Outcome, StoreStep
from npmdesk.ui.coding import CodingController
from npmdesk.ui.dialogs import show_error
from npmdesk.ui.heap_settle import HeapSettler
from npmdesk.ui.documents_panel import DocumentList
from npmdesk.ui.errors import message_for
from npmdesk.ui.excerpts_panel import ExcerptsPanel
from npmdesk.ui.gui_import import import_with_progress
from npmdesk.ui.import_dialog import choose_import_options
from npmdesk.ui.memo_dock import MemoPanel
from npmdesk.ui.menus import build_menus
from npmdesk.ui.quick_codes import QuickCodes
from npmdesk.ui.start_page import StartPage
from npmdesk.ui.theme import app_icon
from npmdesk.ui.transcript_view import TranscriptView
from npmdesk.ui.window_review import ReviewMixin


TRANSCRIPT_MIN_WIDTH = 520  # what the first-start layout leaves the transcript, where the screen allows


class MainWindow(ReviewMixin, QMainWindow):
    """The npmdesk window over one open project.

    Extension points for other parts of the app:

    - ``project``: the open :class:`npmdesk.store.Project` (None on the start page).
    - ``menus``: dict of the menu bar's QMenus by title — ``"File"``, ``"Edit"``, ``"Code"``,
      ``"Analysis"``, ``"View"``, ``"Help"``. Add entries with ``window.menus["Analysis"].addAction(...)``.
    - ``add_action(menu, text, slot, shortcut=None)``: a convenience that creates, registers and
      returns a QAction (and keeps it enabled only while a project is open).
    - ``run(text, operation, undoable=True)``: the one way the window changes the project. The
      operation (a callable using ``project``'s mutators) runs as one transaction; undoable ones
      go on ``undo_stack`` as a StoreStep, one that cannot be undone says so and clears the stack
      (``keeps_history=True``: one that writes only tables the journal leaves out, such as coder
      roles, says so and keeps the stack, whose steps stay exactly undoable).
      Returns an Outcome (``ok``, ``value``); a refusal has been shown to the user.
    - Signal ``projectChanged(Changes)`` after every committed change (from any source: a step,
      its undo or redo, another program's write); each view decides from it what to redraw.
      ``reload_all()`` sends one that reloads everything.
    - Signal ``projectSwitched()`` when a project is opened or closed.
    - ``catalog``: the open project's codes and counts (npmdesk.core.code_catalog).
    - ``current_document``: the id of the document in the viewer; ``open_document(id)``.
    """

    projectChanged = Signal(object)  # Changes
    projectSwitched = Signal()
    documentOpened = Signal(int)  # the user (or a jump) opened a document, even the one on show

    def __init__(self, project_path: str | Path | None = None, coder: str | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.coder = coder or settings.default_coder()
        self.project: Project | None = None
        self.current_document: int | None = None
        self.undo_stack = QUndoStack(self)
        self.catalog = CodeCatalog()
        self._running = 0  # inside run(): writes seen then belong to a step on the stack
        self.menus = {}
        self.actions: dict[str, object] = {}
        self._project_actions: list = []
        self._excerpts_mode: tuple | None = None
        self.restored_state = False  # a saved dock layout was restored (_restore_layout)
        self._fit_first_start = False  # no saved layout, on a screen with room: fit_docks
        self._docks_fitted = False  # the docks are fitted to the window once it is first shown
        self.document_list: list = []  # the open project's documents, in order (as last read)
        self._excerpts_timer = QTimer(self)  # long lists follow a change on the next turn of the loop
        self._excerpts_timer.setSingleShot(True)
        self._excerpts_timer.timeout.connect(self._follow_excerpts)  # ui/window_review.py
        # A project this computer has not counted is counted off this thread; views say "counting…".
        self.counting = BackgroundCounts(self)
        self.counting.ready.connect(self._counts_ready)
        self._build_widgets()
        self.coding = CodingController(self)
        self.quick_codes = QuickCodes(self)  # number keys, pins, the quick-code bar
        self.heap = HeapSettler(self)  # full garbage collections at quiet moments, not in gestures
        build_menus(self)
        # The start page's buttons are the File menu's own actions (one path, one behaviour).
        self.start_page.newRequested.connect(lambda: self.actions["new"].trigger())
        self.start_page.openRequested.connect(lambda: self.actions["open"].trigger())
        self.start_page.demoRequested.connect(lambda: self.actions["demo"].trigger())
        self.analysis = install_analysis_menu(self)
        install_exchange_menu(self)
        from npmdesk.ui.team_menu import install_team_menu  # File > Team, Analysis > Intercoder agreement
        self.team = install_team_menu(self)
        from npmdesk.ui.backup_menu import install_backup_menu  # File > Restore from backup…
        install_backup_menu(self)
        from npmdesk.ui.media_menu import install_media  # the player dock, File > Transcribe a recording…
        self.media = install_media(self)
        from npmdesk.ui.identifiers_panel import install_identifiers  # Edit > Find identifiers…
        install_identifiers(self)
        from npmdesk.ui.transcript_edit import install_transcript_edit  # Edit > Edit transcript text
        self.transcript_edit = install_transcript_edit(self)
        from npmdesk.ui.retrieval_view import install_retrieval  # Analysis > Read excerpts as a document
        self.retrieval = install_retrieval(self)
        self.external = ExternalChangeWatcher(self)
        from npmdesk.ui.theme import install_theme_menu
        from npmdesk.ui.toolbar import install_toolbar  # the common actions; View > Toolbar, View > Theme
        self.toolbar = install_toolbar(self)
        install_theme_menu(self)
        self._restore_layout()
        self.toolbar.show_as_remembered()  # the View > Toolbar choice wins over an older saved layout
        self.setAcceptDrops(True)
        self.fit_to_screen(remembered=self.restored_geometry)
        if project_path is not None:
            self.open_project(project_path)
        else:
            self._show_project(None)

    # Building -----------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.start_page = StartPage(self)
        self.transcript = TranscriptView(self)
        self.central = QStackedWidget(self)
        self.central.addWidget(self.start_page)
        self.central.addWidget(self.transcript)
        self.setCentralWidget(self.central)
        self.documents = DocumentList(self)
        self.code_panel = CodePanel(self, self.catalog)
        self.code_tree = self.code_panel.tree
        self.excerpts = ExcerptsPanel(self)
        self.memos = MemoPanel(self)
        self.docks = {}
        for name, title, widget, area in (
            ("documentsDock", "Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("codesDock", "Codes", self.code_panel, Qt.DockWidgetArea.RightDockWidgetArea),
            ("excerptsDock", "Coded excerpts and search", self.excerpts, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("memoDock", "Memo", self.memos, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.resizeDocks([self.docks["documentsDock"], self.docks["codesDock"]], [260, 480],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["excerptsDock"]], [200], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["codesDock"], self.docks["memoDock"]], [560, 200], Qt.Orientation.Vertical)
        self.status_path = QLabel(self)
        self.status_counts = QLabel(self)
        self.statusBar().addWidget(self.status_path, 1)
        self.statusBar().addPermanentWidget(self.status_counts)
        self.start_page.recentChosen.connect(self.open_project)
        self.documents.documentChosen.connect(self.open_document)
        self.excerpts.jumpTo.connect(self.jump_to)
        self.excerpts.excerptMenuRequested.connect(lambda *a: self.coding.excerpt_menu(*a))
        self.excerpts.searchRequested.connect(self.search)
        self.excerpts.codeHitsRequested.connect(lambda unit: self.code_hits(unit))  # ui/window_review.py
        self.excerpts.withSubcodesChanged.connect(lambda *_: self._refresh_excerpts())
        self.code_tree.selectionModel().currentChanged.connect(lambda *_: self._code_selected())
        self.code_tree.activatedCode.connect(self._code_activated)  # ui/window_review.py
        self.memos.failed.connect(self.report_error)
        self.memos.run = self.run
        self.transcript.codingClicked.connect(self._coding_clicked)
        # Every view follows the one change signal; the window's own state (codes, the transcript
        # on show, number keys, status) first, so that the docks read it fresh.
        self.projectChanged.connect(self._follow_change)
        self.projectChanged.connect(lambda ch: self.code_panel.on_project_changed(self.project, ch))
        self.projectChanged.connect(lambda ch: self.documents.on_project_changed(self, ch))
        self.projectChanged.connect(self.memos.on_project_changed)
        self.projectChanged.connect(self._excerpts_follow)
        self.projectSwitched.connect(self._refresh_group_box)  # ui/window_review.py

    def add_action(self, menu: str, text: str, slot, shortcut=None, *, needs_project: bool = True):
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda *_: slot())
        self.menus[menu].addAction(action)
        if needs_project:
            self._project_actions.append(action)
            action.setEnabled(self.project is not None)
        return action

    # Project lifetime ---------------------------------------------------------------------------

    def open_project(self, path: str | Path) -> bool:
        return self._take_project(Project.open, path)

    def new_project(self, path: str | Path) -> bool:
        return self._take_project(Project.create, path)

    def _take_project(self, how, path: str | Path) -> bool:
        try:
            project = how(path, self.coder)
        except NpmdeskError as e:
            self.report_error(e)
            return False
        if data_dir().resolve() not in Path(path).resolve().parents:  # not the demo copy's folder
            settings.remember_folder(Path(path).resolve())
        self._set_project(project)
        return True

    def close_project(self) -> None:
        self.memos.save()
        self.counting.stop()
        if self.project is not None:
            self.project.listeners.clear()
            self.project.close()
        self.project = None
        self.undo_stack.clear()
        self._show_project(None)

    def _set_project(self, project: Project) -> None:
        if self.project is not None:
            self.close_project()
        self.project = project
        project.listeners.append(self._committed)
        try:
            settings.add_recent_project(project.path)
        except OSError:
            pass  # the recent list is a convenience; the project is open all the same
        self.undo_stack.clear()
        self.quick_codes.project_opened()  # number keys as they were last time (pruned on show)
        self._show_project(project)

    def _show_project(self, project) -> None:
        self.current_document = None
        self._excerpts_mode = None
        self.memos.set_project(project)
        self.code_panel.model.editable = project is None or not project.read_only
        self.code_panel.model.definitions_from = lambda: self.project.code_definitions() if self.project else {}
        for a in self._project_actions:
            a.setEnabled(project is not None)
        for dock in self.docks.values():
            dock.setEnabled(project is not None)
        if project is None:
            self.start_page.set_recent(settings.recent_projects())
            self.central.setCurrentWidget(self.start_page)
            self.transcript.clear_document()
            self.code_panel.model.load(None)
            self.documents.clear()
            self.excerpts.clear()
            self.setWindowTitle("npmdesk")
            self.status_path.setText("No project open")
            self.status_counts.setText("")
        else:
            self.central.setCurrentWidget(self.transcript)
            self.setWindowTitle(f"{project.name} — npmdesk" + (" (read-only)" if project.read_only else ""))
            self.reload_all()
            docs = self.document_list  # read by reload_all()
            if docs:
                self.open_document(docs[0].id)
            if project.read_only_reason:
                self.statusBar().showMessage(f"Read-only: {project.read_only_reason}", 15000)
        self.heap.loaded()
        self.projectSwitched.emit()

    # Views ----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload every view from the project file."""
        self.reload_all()

    def reload_all(self) -> None:
        if self.project is not None:
            self.projectChanged.emit(Changes.all())

    def _follow_change(self, changes: Changes) -> None:
        """The window's share of a change: the code catalog, the transcript on show, number keys."""
        p = self.project
        if p is None:
            return
        if changes.everything or changes.document_list or changes.cases:
            self.document_list = p.documents()  # read once per change; the documents dock shows it
        elif changes.texts:  # an edit: those documents' length, words and turns, the list as it was
            self.document_list = [p.document(d.id) if d.id in changes.texts else d for d in self.document_list]
        if changes.everything or changes.document_list:
            if self.current_document not in {d.id for d in self.document_list}:
                self.current_document = None
        if changes.everything and not self.counting.pending:  # opened, or another program wrote it
            counting = self.counting.start(p)
            self.code_panel.set_counting(counting)
            self.documents.set_counting(counting)
        if changes.everything or changes.codes:
            if self.counting.pending:
                self.catalog.load(p.codes(), {}, {})
            else:
                self.catalog.load(p.codes(), p.code_counts(), p.code_counts(with_descendants=True))
        if self.current_document is None:
            self.transcript.clear_document()
        elif not changes.everything and self.current_document in changes.texts and self._follow_text_edit(changes):
            pass  # an edit of the transcript on show (or its undo): followed in place
        elif changes.everything or self.current_document in changes.documents and (
                changes.document_list or self.current_document in changes.texts or len(changes.codings) > 200):
            self._load_document(self.current_document, keep_scroll=True)
        elif changes.codes:
            self.transcript.set_codes(list(self.catalog.codes.values()))
            if self.current_document in changes.documents and len(changes.codings) > 200:
                self.transcript.set_codings(p.coding_spans(self.current_document))
            elif self.current_document in changes.documents:
                self._follow_codings(changes)  # in-vivo: a new code and its one coding
        elif self.current_document in changes.documents:
            self._follow_codings(changes)
        self._update_memo_targets()
        self._update_status()

    def _counts_ready(self) -> None:
        """The background count is in (ui/background_counts.py): the views show its numbers."""
        p = self.project
        if p is None:
            return
        self.catalog.own, self.catalog.total = p.code_counts(), p.code_counts(with_descendants=True)
        self.code_panel.counts_ready()
        self.documents.counts_ready(p)
        self._excerpts_counted()  # ui/window_review.py

    def _follow_codings(self, changes: Changes) -> None:
        """Exactly the codings the step touched, so the viewer repaints one passage, not all."""
        p = self.project
        assert p is not None
        touched = [c for c in p.codings_by_id(changes.codings_added | changes.codings_changed)
                   if c.document_id == self.current_document]
        self.transcript.apply_delta(touched, changes.codings_removed | changes.codings_changed)

    def _follow_text_edit(self, changes: Changes) -> bool:
        """The transcript on show was edited: the viewer applies the edit and reads back only the
        stretch it touched, what the step wrote besides its shift, and the coding count."""
        p, doc = self.project, self.current_document
        assert p is not None and doc is not None
        ids = changes.codings_added | (changes.codings_changed - changes.shifted)
        changed = [c for c in p.codings_by_id(ids) if c.document_id == doc] if ids else []
        return self.transcript.follow_text_edit(
            p.document_text(doc), lambda lo, hi: p.coding_spans(doc, window=(lo, hi)),
            lambda lo, hi: p.turns(doc, starting=(lo, hi)), changed, changes.codings_removed,
            lambda: p.coding_count(doc), list(self.catalog.codes.values()) if changes.codes else None,
            relabel_all=doc in changes.turns_moved)

    def _update_status(self) -> None:
        if self.project is None:
            return
        n = self.project.counts()
        self.status_path.setText(f"{self.project.path}   ·   coder: {self.coder}")
        self.status_counts.setText(" · ".join(plural(n[k], k[:-1]) for k in ("documents", "codes", "codings")))

    def open_document(self, doc_id: int) -> None:
        if self.project is None:
            return
        self._load_document(doc_id)
        self.documents.select_document(doc_id)
        self._update_memo_targets()
        self.documentOpened.emit(doc_id)
        if self._excerpts_mode and self._excerpts_mode[0] == "search" and not self._excerpts_mode[2]:
            self._excerpts_mode = None

    def _load_document(self, doc_id: int, keep_scroll: bool = False) -> None:
        scroll = self.transcript.verticalScrollBar().value()
        same = doc_id == self.transcript.document_id
        self.current_document = doc_id
        p = self.project
        self.transcript.load(doc_id, p.document_text(doc_id), p.coding_spans(doc_id), p.turns(doc_id),
                             p.codes())
        if keep_scroll and same:
            self.transcript.verticalScrollBar().setValue(scroll)
        self.heap.loaded()

    def jump_to(self, doc_id: int, start: int, end: int) -> None:
        if self.project is None:
            return
        if doc_id != self.current_document:
            if doc_id not in {d.id for d in self.document_list}:  # a hit in a document gone since
                self.statusBar().showMessage("That document is no longer in the project.", 5000)
                self._excerpts_timer.start(0)
                return
            self.open_document(doc_id)
        # Located, not selected: a click on a code browses it and never codes this passage.
        self.transcript.locate(start, end)
        self.transcript.centerCursor()
        self.transcript.setFocus()
        self.statusBar().showMessage("Found passage shown (not selected): press a number key or Enter on a "
                                     "code, or right-click > Code found passage with…, to code it.", 8000)

    def _code_selected(self) -> None:
        code_id = self.code_tree.current_code()
        if code_id is not None:
            self.show_code_excerpts(code_id)  # ui/window_review.py
        self._update_memo_targets()

    def _coding_clicked(self, coding_id: int) -> None:
        span = self.transcript.index.spans.get(coding_id)
        if span is not None:
            self.code_tree.select_code(span.code_id)
        self._update_memo_targets()

    # Number keys (ui/quick_codes.py) -------------------------------------------------------------

    @property
    def recent_codes(self) -> list[int | None]:
        """The code on each number key, pinned or not (slot n-1 is key n; None: a free key)."""
        slots = self.quick_codes.slots()
        while slots and slots[-1] is None:
            slots.pop()
        return slots

    def remember_code(self, code_id: int) -> None:
        """A code was applied: it gets a number key if it has none (ui/quick_codes.py)."""
        self.quick_codes.remember(code_id)

    # Commands and errors --------------------------------------------------------------------------

    def run(self, text: str, operation, *, undoable: bool = True, keeps_history: bool = False, merge_key=None,
            on_error=None) -> Outcome:
        """Change the project: the one entry point (see the class docstring). The store does the
        step first; only a step that changed something goes on the undo stack, so a refusal (or
        a step that changed nothing) leaves Undo and Redo as they were. `on_error` takes a refusal
        instead of the standard error message; `merge_key` merges consecutive steps with the same
        key into one (a memo typed in bursts).

        `keeps_history=True` is for a step that cannot be undone but writes no journalled table
        (store/journal.py leaves out coders and the audit trail): every row an earlier step wrote
        is as that step left it, so the earlier steps stay on the stack, exactly undoable. Only
        such writes may pass it; a step that wrote journalled rows all the same clears the stack."""
        if self.project is None:
            return Outcome(False)
        with self.own_writes():
            try:
                value, step = self.project.perform(operation)
            except (NpmdeskError, sqlite3.Error) as e:
                (on_error or self.report_error)(e)
                return Outcome(False)
        if not step.entries and step.changes.undoable:
            return Outcome(True, value)  # nothing changed: no step to undo
        if not undoable or not step.undoable:
            if keeps_history and not step.entries:
                self.statusBar().showMessage(f"{text}: done. Ctrl+Z does not take it back; your other steps "
                                             "stay undoable.", 12000)
            else:
                self.cannot_undo(text)
            return Outcome(True, value)
        self.undo_stack.push(StoreStep(self, text, step, merge_key))
        self._sync_undo_actions()
        return Outcome(True, value)

    def drop_redo_history(self) -> None:
        """After a refused redo the later ones depended on it: end the redo history."""
        QTimer.singleShot(0, lambda: self.undo_stack.push(DropRedoHistory()))

    @contextmanager
    def own_writes(self):
        """Writes inside belong to a step the window runs (run, undo, redo), not a stray one."""
        self._running += 1
        try:
            yield
        finally:
            self._running -= 1

    def _sync_undo_actions(self) -> None:
        """QUndoStack drops an obsolete command without telling its Undo/Redo actions; say it."""
        for name, can, text, label in (("undo", self.undo_stack.canUndo(), self.undo_stack.undoText(), "&Undo"),
                                       ("redo", self.undo_stack.canRedo(), self.undo_stack.redoText(), "&Redo")):
            action = self.actions.get(name)
            if action is not None:
                action.setEnabled(can)
                action.setText(f"{label} {text}".strip() if can else label)

    def cannot_undo(self, text: str) -> None:
        """A step was done that cannot be undone: say so, and start the undo history again, so
        that no Undo ever does something else than the user expects."""
        QTimer.singleShot(0, self.undo_stack.clear)  # not from inside the stack's own push()
        self.statusBar().showMessage(f"{text}: done. It cannot be undone, so the undo history starts "
                                     "again from here.", 12000)

    def _committed(self, step) -> None:
        """Every committed transaction of the open project arrives here (store listeners)."""
        if not self._running:
            # Written without run(): it is not on the undo stack, so older steps must not stay
            # there to be undone around it.
            self.cannot_undo("A change made outside the undo history")
        self.projectChanged.emit(step.changes)
        self.heap.worked()
        if any(e.op == "s" for e in step.entries):  # an edit's shifts: sealed once it is on screen
            QTimer.singleShot(0, self._seal_pending)

    def _seal_pending(self) -> None:
        if self.project is not None:
            self.project.seal_pending()

    def report_error(self, exc: BaseException) -> None:
        self.statusBar().showMessage(str(exc), 8000)
        show_error(self, message_for(exc))

    # Files dropped on the window -------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self.project is not None and mimes.local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = mimes.local_files(event.mimeData())
        if self.project is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        if not paths:
            return
        options = choose_import_options(self, self.project, paths)
        if options is None:
            return
        report = import_with_progress(self, self.project, paths, options)
        if report is not None:
            if report.imported and report.imported[0].document_id:
                self.open_document(report.imported[0].document_id)

    # Layout ----------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        data = settings.load()
        self.restored_geometry = False
        self.restored_state = False  # no saved dock layout: fit_to_screen sizes the docks to the window
        try:
            if data.get("window_geometry"):
                self.restored_geometry = self.restoreGeometry(QByteArray(base64.b64decode(data["window_geometry"])))
            if data.get("window_state"):
                self.restored_state = self.restoreState(QByteArray(base64.b64decode(data["window_state"])))
        except (ValueError, TypeError):
            pass  # a damaged layout entry only costs the default layout

    def fit_to_screen(self, remembered: bool = False) -> None:
        """Open at 90% of the screen's free area (never larger: a 1366×768 laptop keeps its status
        bar and bottom panel in view), centred; a remembered size is kept where it still fits."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        if remembered and free.contains(self.frameGeometry()):
            return
        width = min(free.width(), max(int(free.width() * 0.9), min(1024, free.width())))
        height = min(free.height(), max(int(free.height() * 0.9), min(700, free.height())))
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        self.resize(max(320, width - frame.width()), max(240, height - frame.height()))
        self.move(free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2)
        # A first start on a laptop or desktop screen sizes the docks to it (and again once laid
        # out at this size, showEvent); a screen under 1024 px has no room for both docks' minimums
        # beside the transcript, and keeps the built-in layout.
        self._fit_first_start = not self.restored_state and free.width() >= 1024
        if self._fit_first_start:
            self.fit_docks()

    def fit_docks(self) -> None:
        """First start (no saved layout): the side docks take a share of the window's width,
        Documents about 18% (at least 260 px: a name, its kind, how much is coded) and Codes about
        26% (at least 400 px: names beside three counts), the transcript the rest, never less
        than 520 px while the sides can give way. Sizes given before the window is laid out are
        scaled down to its default size, so showEvent sizes them again once it is."""
        width = self.width()
        documents, codes = max(260, round(width * 0.18)), max(400, round(width * 0.26))
        room = width - TRANSCRIPT_MIN_WIDTH - 16  # the dock separators and the transcript's frame
        if documents + codes > room > 0:
            documents, codes = (max(160, documents * room // (documents + codes)),
                                max(200, codes * room // (documents + codes)))
        self.resizeDocks([self.docks["documentsDock"], self.docks["codesDock"]], [documents, codes],
                         Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._docks_fitted:
            self._docks_fitted = True
            # A first start: laid out at the shown size now, not on a later turn of the loop
            # (when the user may already be reading).
            layout = self.layout()
            if self._fit_first_start and layout is not None:
                layout.activate()
                self.fit_docks()
                layout.activate()

    def save_layout(self) -> None:
        data = settings.load()
        data["window_geometry"] = base64.b64encode(bytes(self.saveGeometry())).decode()
        data["window_state"] = base64.b64encode(bytes(self.saveState())).decode()
        try:
            settings.save(data)
        except OSError:
            pass

    def closeEvent(self, event) -> None:  # noqa: N802
        self.memos.save()
        self.save_layout()
        self.heap.release()
        self.counting.stop()
        if self.project is not None:
            self.project.listeners.clear()
            self.project.close()
            self.project = None
        super().closeEvent(event)
