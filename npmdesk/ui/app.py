"""Starting the window: QApplication, theme, error dialogs, first-run coder name, start page/project."""

from __future__ import annotations

import sys
from typing import cast

from npmdesk import APP_NAME, settings


def _file_open_filter(window):
    """macOS delivers a double-clicked project to a running app as a FileOpen event."""
    from PySide6.QtCore import QEvent, QObject

    class FileOpenFilter(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.FileOpen and event.file():
                window.open_project(event.file())
                return True
            return False

    return FileOpenFilter(window)


def run(args) -> int:
    if getattr(args, "self_test", False):
        try:
            from npmdesk.ui.selftest import run_self_test
        except ImportError:
            print("npmdesk: the self-test is not part of this build", file=sys.stderr)
            return 1
        return run_self_test()

    from npmdesk.ui.platform_libs import check_before_window

    problem = check_before_window()  # before Qt aborts with a message naming the wrong library
    if problem:
        print(problem, file=sys.stderr)
        return 1

    from PySide6.QtWidgets import QApplication

    from npmdesk.ui.dialogs import ask_coder_name, show_error
    from npmdesk.ui.errors import install_excepthook
    from npmdesk.ui.main_window import MainWindow
    from npmdesk.ui.theme import app_icon, apply_theme

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))  # a GUI one, never a core one
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("npmdesk")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    windows: list = []
    install_excepthook(lambda: windows[0] if windows else None)

    if getattr(args, "coder", None):  # npmdesk --coder NAME [PROJECT]: this session's name, not saved
        coder = args.coder
    elif settings.coder_name() is None:
        name = ask_coder_name(None, settings.default_coder())
        if name is None:
            return 0  # the user closed the welcome prompt: nothing was opened
        try:
            settings.set_coder_name(name)
        except OSError as e:
            show_error(None, f"Your name could not be saved in the settings ({e}); it is used for this session.")
        coder = name
    else:
        coder = settings.default_coder()

    path = args.project
    demo_problem = None
    if getattr(args, "demo", False):
        try:
            from npmdesk.demo import demo_copy
        except ImportError:
            demo_problem = "The demo project is not part of this build of npmdesk."
        else:
            path = demo_copy()
    window = MainWindow(None, coder=coder)
    windows.append(window)
    app.installEventFilter(_file_open_filter(window))
    window.show()
    if demo_problem:
        show_error(window, demo_problem)
    if path is not None:
        window.open_project(path)
    return app.exec()
