"""The main toolbar: the day's common actions, one click away (Import, Undo, Redo, Search, New
code, Apply code, Remove coding, Excerpts, Export).

Its buttons are the menus' own QActions (window.actions), so a button does exactly what the menu
entry does, is enabled when it is, and shows the same shortcut. View > Toolbar shows or hides it;
the choice is remembered in the settings. Icons are drawn in the palette's text colour and drawn
again when the theme switches (ui/theme.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QToolBar

from npmdesk import settings
from npmdesk.ui.theme import action_icon, on_theme_change

SETTING = "toolbar"
# (action names, first found wins; short label; icon). None: a separator.
BUTTONS: tuple = (
    (("import",), "Import", "import"),
    None,
    (("undo",), "Undo", "undo"),
    (("redo",), "Redo", "redo"),
    None,
    (("search",), "Search", "search"),
    None,
    (("new_code",), "New code", "new_code"),
    (("apply",), "Apply code", "apply"),
    (("remove_coding",), "Remove coding", "remove"),
    None,
    (("read_excerpts", "code_excerpts"), "Excerpts", "excerpts"),
    (("export",), "Export", "export"),
)
TIPS = {  # what a button does, where its menu text is longer than its label
    "import": "Import transcripts",
    "search": "Search the project",
    "new_code": "New code (applied to the selection, if any)",
    "apply": "Apply the code selected in the tree to the selection",
    "remove_coding": "Remove the current coding (the one clicked in the transcript)",
    "read_excerpts": "Read the selected code's excerpts as a document",
    "code_excerpts": "Excerpts of the selected code",
    "export": "Export a report",
}


class MainToolBar(QToolBar):
    def __init__(self, window):
        super().__init__("Toolbar", window)
        self.setObjectName("mainToolBar")  # saveState/restoreState and tests know it by this name
        self.setAccessibleName("Main toolbar")
        self.setMovable(True)
        self.setIconSize(QSize(20, 20))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.window_ = window
        self.icons: dict[str, str] = {}  # action name -> icon kind
        for entry in BUTTONS:
            if entry is None:
                if self.actions() and not self.actions()[-1].isSeparator():
                    self.addSeparator()
                continue
            names, label, kind = entry
            name = next((n for n in names if n in window.actions), None)
            if name is None:
                continue  # a part of the app this build lacks
            action = window.actions[name]
            action.setIconText(label)
            if name in TIPS:
                shortcut = action.shortcut().toString()
                action.setToolTip(TIPS[name] + (f" ({shortcut})" if shortcut else ""))
            self.addAction(action)
            self.icons[name] = kind
            self.widgetForAction(action).setObjectName(f"toolbar_{name}")
        self.refresh_icons()
        on_theme_change(self, lambda _dark: self.refresh_icons())

    def show_as_remembered(self) -> None:
        self.setVisible(settings.load().get(SETTING, True) is not False)

    def refresh_icons(self) -> None:
        ink = self.palette().color(QPalette.ColorRole.ButtonText)
        for name, kind in self.icons.items():
            self.window_.actions[name].setIcon(action_icon(kind, ink))


def install_toolbar(w) -> MainToolBar:
    """The toolbar at the top of the window, and View > Toolbar to show or hide it (remembered)."""
    bar = MainToolBar(w)
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    bar.show_as_remembered()
    toggle = bar.toggleViewAction()
    toggle.setText("Tool&bar")
    toggle.setStatusTip("Show or hide the toolbar")
    w.menus["View"].addSeparator()
    w.menus["View"].addAction(toggle)
    w.actions["toolbar"] = toggle
    toggle.triggered.connect(lambda on: _remember(on))  # the user's choice, not a window hiding
    return bar


def _remember(on: bool) -> None:
    data = settings.load()
    data[SETTING] = bool(on)
    try:
        settings.save(data)
    except OSError:
        pass  # a convenience: the toolbar is shown or hidden for this session all the same
