"""The npmdesk window (PySide6). `MainWindow(project_path)` is the main class; `app.run(args)` starts it."""

from npmdesk.ui.main_window import MainWindow

__all__ = ["MainWindow"]
