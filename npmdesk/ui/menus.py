"""The menu bar: File / Edit / Code / Analysis / View / Help, with standard shortcuts.

Every command is reachable from the keyboard: menus by Alt+letter, panels by Ctrl+1…5, codes by
1–9, and each action's shortcut is listed in Help > Keyboard shortcuts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QStyle

from npmdesk import PROJECT_SUFFIX, __version__, settings
from npmdesk.ui.dialogs import show_error, show_info
from npmdesk.ui.gui_import import ask_import_paths

SK = QKeySequence.StandardKey


def build_menus(w) -> None:
    bar = w.menuBar()
    for title in ("File", "Edit", "Code", "Analysis", "View", "Help"):
        w.menus[title] = bar.addMenu(f"&{title}")
    style = w.style()
    c = w.coding

    def act(name, menu, text, slot, shortcut=None, needs_project=True, icon=None, context=None):
        a = w.add_action(menu, text, slot, shortcut, needs_project=needs_project)
        if icon is not None:
            a.setIcon(style.standardIcon(icon))
        if context is not None:
            a.setShortcutContext(context)
        w.actions[name] = a
        return a

    SP = QStyle.StandardPixmap
    # File
    act("new", "File", "&New project…", lambda: new_project(w), SK.New, False, SP.SP_FileIcon)
    act("open", "File", "&Open project…", lambda: open_project(w), SK.Open, False, SP.SP_DialogOpenButton)
    w.menus["Open recent"] = w.menus["File"].addMenu("Open &recent")
    w.menus["Open recent"].aboutToShow.connect(lambda: fill_recent(w))
    act("demo", "File", "Open the &demo project", lambda: open_demo(w), None, False)
    w.menus["File"].addSeparator()
    act("import", "File", "&Import transcripts…", lambda: w.import_paths(ask_import_paths(w)), "Ctrl+Shift+I",
        icon=SP.SP_ArrowDown)
    act("save_copy", "File", "Save a &copy…", lambda: save_copy(w), SK.SaveAs, icon=SP.SP_DialogSaveButton)
    act("close", "File", "&Close project", w.close_project, SK.Close)
    w.menus["File"].addSeparator()
    act("quit", "File", "&Quit", w.close, SK.Quit, False)
    # Edit
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(SK.Undo)
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    # The platform's Redo keys, plus Ctrl+Shift+Z where they lack it (twice would be ambiguous: dead).
    redo_keys = QKeySequence.keyBindings(SK.Redo)
    if QKeySequence("Ctrl+Shift+Z") not in redo_keys:
        redo_keys.insert(0, QKeySequence("Ctrl+Shift+Z"))
    redo.setShortcuts(redo_keys)
    w.menus["Edit"].addActions([undo, redo])
    w.actions["undo"], w.actions["redo"] = undo, redo
    w.menus["Edit"].addSeparator()
    copy = QAction("&Copy", w)
    copy.setShortcut(SK.Copy)
    copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    copy.triggered.connect(w.transcript.copy)
    w.transcript.addAction(copy)
    w.menus["Edit"].addAction(copy)
    w.actions["copy"] = copy

    def search(whole_project: bool) -> None:
        w.excerpts.focus_search(whole_project)
        show_dock(w, "excerptsDock")

    act("find", "Edit", "&Find in document…", lambda: search(False), SK.Find)
    act("search", "Edit", "&Search the project…", lambda: search(True), "Ctrl+Shift+F")
    # Code
    act("apply", "Code", "&Apply the selected code to the selection",
        lambda: c.apply_code(w.code_tree.current_code()) if w.code_tree.current_code() else None, "Ctrl+Return")
    act("new_code", "Code", "&New code…", lambda: c.new_code(), "Ctrl+Shift+N")
    act("in_vivo", "Code", "&In-vivo code (the selected words)", c.in_vivo, "Ctrl+I")
    w.menus["Code"].addSeparator()
    remove = act("remove_coding", "Code", "&Remove the current coding", c.remove_coding, "Delete",
                 context=Qt.ShortcutContext.WidgetShortcut)
    w.transcript.addAction(remove)
    act("change_span", "Code", "Change the current coding to the &selection", c.change_span, "Ctrl+Shift+E")
    act("exemplar", "Code", "Mark as &exemplar quote (on/off)", c.toggle_exemplar, "Ctrl+E")
    act("coding_memo", "Code", "&Memo on the current coding…", c.coding_memo, "Ctrl+Shift+M")
    w.menus["Code"].addSeparator()
    current = w.code_tree.current_code
    act("rename_code", "Code", "Rena&me code", lambda: current() and c.rename_code(current()), "F2",
        context=Qt.ShortcutContext.WidgetShortcut)
    w.code_tree.addAction(w.actions["rename_code"])
    act("recolour_code", "Code", "Code &colour…", lambda: current() and c.recolour_code(current()))
    act("describe_code", "Code", "Edit &definition…", lambda: current() and c.describe_code(current()))
    act("merge_code", "Code", "Mer&ge code into…", lambda: current() and c.merge_code(current()), "Ctrl+Alt+M")
    act("delete_code", "Code", "&Delete code…", lambda: current() and c.delete_code(current()))
    # Analysis

    def code_excerpts() -> None:
        show_dock(w, "excerptsDock")
        w._code_selected()

    act("code_excerpts", "Analysis", "&Excerpts of the selected code", code_excerpts, "Ctrl+Shift+X")
    act("exemplars", "Analysis", "E&xemplar quotes", w.show_exemplars)
    # View
    for n, (dock, focus) in enumerate((("documentsDock", w.documents), (None, w.transcript),
                                       ("codesDock", w.code_panel.filter), ("excerptsDock", w.excerpts.view),
                                       ("memoDock", w.memos.editor)), 1):
        label = {1: "&Documents", 2: "&Transcript", 3: "&Codes (filter box)", 4: "&Excerpts", 5: "&Memo"}[n]

        def go(d=dock, f=focus) -> None:
            show_dock(w, d)
            f.setFocus()

        act(f"focus{n}", "View", f"Go to {label}", go, f"Ctrl+{n}")
    w.menus["View"].addSeparator()
    for dock in w.docks.values():
        w.menus["View"].addAction(dock.toggleViewAction())
    from npmdesk.ui.transcript_margin import install_margin_menu  # stripes, density, stripes by coder

    install_margin_menu(w)
    w.menus["View"].addAction(w.quick_codes.toggle_action)  # ui/quick_codes.py
    # Help
    act("guide", "Help", "&User guide", lambda: show_guide(w), SK.HelpContents, False)
    act("shortcuts", "Help", "&Keyboard shortcuts", lambda: show_shortcuts(w), "Ctrl+/", False)
    act("about", "Help", "&About npmdesk", lambda: QMessageBox.about(
        w, "About npmdesk", f"npmdesk {__version__}\nQualitative coding of interview and focus-group "
                            "transcripts, offline, in one project file."), None, False)


def show_dock(w, name) -> None:
    if name:
        w.docks[name].show()
        w.docks[name].raise_()


def new_project(w) -> None:
    start = str(Path(settings.last_folder()) / f"study{PROJECT_SUFFIX}")
    path, _ = QFileDialog.getSaveFileName(w, "New project", start,
                                          f"npmdesk projects (*{PROJECT_SUFFIX})")
    if path:
        if not path.endswith(PROJECT_SUFFIX):
            path += PROJECT_SUFFIX
        w.new_project(path)


def open_project(w) -> None:
    path, _ = QFileDialog.getOpenFileName(w, "Open project", settings.last_folder(),
                                          f"npmdesk projects (*{PROJECT_SUFFIX});;All files (*)")
    if path:
        w.open_project(path)


def fill_recent(w) -> None:
    menu = w.menus["Open recent"]
    menu.clear()
    for p in settings.recent_projects():
        menu.addAction(Path(p).name, lambda p=p: w.open_project(p)).setToolTip(p)
    if menu.isEmpty():
        menu.addAction("(none yet)").setEnabled(False)


def open_demo(w) -> None:
    try:
        from npmdesk.demo import demo_copy
    except ImportError:
        show_error(w, "The demo project is not part of this build of npmdesk.")
        return
    w.open_project(demo_copy())


def save_copy(w) -> None:
    path, _ = QFileDialog.getSaveFileName(w, "Save a copy", str(w.project.path.with_name(
        f"{w.project.path.stem} copy{PROJECT_SUFFIX}")), f"npmdesk projects (*{PROJECT_SUFFIX})")
    if path:
        from npmdesk.core.errors import NpmdeskError
        from npmdesk.store.database import save_copy as backup_into

        try:  # never over the open project; over another one only as the dialog confirmed (deliberate)
            backup_into(w.project.db.conn, Path(path), replace_project=True)
        except NpmdeskError as e:
            show_error(w, f"No copy was saved.\n\n{e}", "Save a copy refused")
            return
        w.statusBar().showMessage(f"Saved a copy as {path}", 5000)


def shortcut_rows(w) -> list[tuple[str, str]]:
    rows = [("1 … 9", "Apply the code on that key (pinned or recent; see the quick-code bar) to the selection"),
            ("Enter / click", "Apply the code under the cursor in the code tree to the selection"),
            ("Enter in the filter box", "Apply the code of that name, or create it and apply it"),
            ("Delete (code tree)", "Delete the code (asks first)"),
            ("Shift + drop (code tree)", "Merge the dragged code into the one dropped on")]
    for menu in w.menus.values():
        for a in menu.actions():
            if not a.shortcut().isEmpty() and a.text():
                rows.append((a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", "")))
    return rows


def show_guide(w) -> QDialog:
    """A short user guide (resources/help/guide.html) in a window that can stay open beside npmdesk."""
    from PySide6.QtWidgets import QTextBrowser, QVBoxLayout

    from npmdesk.paths import resources_dir

    dialog = QDialog(w)
    dialog.setObjectName("userGuide")
    dialog.setWindowTitle("npmdesk user guide")
    browser = QTextBrowser(dialog)
    try:
        browser.setHtml((resources_dir() / "help" / "guide.html").read_text(encoding="utf-8"))
    except OSError:
        browser.setPlainText("The user guide is missing from this installation; see README.md.")
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    dialog.resize(640, 720)
    dialog.show()
    w.guide = dialog  # keep it alive while open
    return dialog


def show_shortcuts(w) -> None:
    text = "\n".join(f"{k:<28} {v}" for k, v in shortcut_rows(w))
    show_info(w, "Keyboard shortcuts", "Keyboard shortcuts", text)
