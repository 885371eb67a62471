"""Window fixtures: a small study on disk, a MainWindow over it, and dialogs that never block."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QTextCursor

from npmdesk.store import Project
from tests.ui.sample_project import build


@pytest.fixture
def messages(monkeypatch):
    """Every message a dialog would have shown (title/text), instead of a modal dialog."""
    shown: list[str] = []

    def record(*args, **kwargs):
        shown.append(" | ".join(str(a) for a in args[1:]))

    import npmdesk.ui.dialogs as dialogs
    import npmdesk.ui.gui_import as gui_import
    import npmdesk.ui.main_window as main_window
    import npmdesk.ui.menus as menus

    for mod in (dialogs, gui_import, main_window, menus):
        for name in ("show_error", "show_info"):
            if hasattr(mod, name):
                monkeypatch.setattr(mod, name, record)
    return shown


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.npmdesk"
    build(path).close()
    return path


@pytest.fixture
def window(qtbot, study, messages, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from npmdesk.ui import MainWindow
    from npmdesk.ui.import_dialog import ImportDialog

    # The import preview is accepted as shown, as a user pressing Import would.
    monkeypatch.setattr(ImportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)

    w = MainWindow(study, coder="Ana")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


@pytest.fixture
def reopen(study):
    """Open a second connection to the same file: what is really stored."""
    opened = []

    def _open():
        p = Project.open(study, "Checker")
        opened.append(p)
        return p

    yield _open
    for p in opened:
        p.close()


def open_window(qtbot, path, doc: int | None = None, size: tuple[int, int] = (1000, 700)):
    """A main window on `path`, sized (a default-sized one leaves its layout to the next test),
    shown, exposed, with `doc` open."""
    from npmdesk.ui import MainWindow

    w = MainWindow(path, coder="Ana")
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    if doc is not None:
        w.open_document(doc)
    return w


def margin_window(qtbot, path, doc: int | None = None):
    """open_window at 1366×768, once its margin has painted stripes."""
    w = open_window(qtbot, path, doc, size=(1366, 768))
    margin = w.transcript.margin
    qtbot.waitUntil(lambda: margin.isVisible() and bool(margin.pieces))
    return w


def select_text(view, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """Select `phrase` in the viewer with a QTextCursor, as a mouse would; returns Qt positions."""
    text = view.document().toPlainText()
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    # toPlainText is a Python str (code points); Qt positions count UTF-16 units before `at`.
    qa = len(text[:at].encode("utf-16-le")) // 2
    qb = qa + len(phrase.encode("utf-16-le")) // 2
    cur = QTextCursor(view.document())
    cur.setPosition(qa)
    cur.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cur)
    return qa, qb


def coloured_ranges(view) -> set[int]:
    """Qt positions that the highlighter gave a background colour."""
    out: set[int] = set()
    block = view.document().begin()
    while block.isValid():
        for r in block.layout().formats():
            if r.format.background().style() != Qt.BrushStyle.NoBrush:
                out.update(range(block.position() + r.start, block.position() + r.start + r.length))
        block = block.next()
    return out


def click_code(qtbot, window, code_id: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    tree = window.code_tree
    idx = tree.view_index(code_id)
    tree.scrollTo(idx)
    rect = tree.visualRect(idx)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    # The work a click leaves to the event loop (the code's excerpts) is done before a user's next
    # gesture can arrive; qtbot sends that gesture at once.
    QCoreApplication.processEvents()


def code_id(window, path: str) -> int:
    return next(c.id for c in window.code_panel.model.codes.values() if c.path == path)


def row_point(tree, code: int, where: str = "on") -> QPoint:
    rect = tree.visualRect(tree.view_index(code))
    y = {"on": rect.center().y(), "above": rect.top() + 1, "below": rect.bottom() - 1}[where]
    return QPoint(rect.center().x(), y)


def drag_and_drop(target, pos: QPoint, mime, modifiers=Qt.KeyboardModifier.NoModifier):
    """Deliver enter, move and drop to `target` as a real drag does; return the drop event."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    button = Qt.MouseButton.LeftButton
    QApplication.sendEvent(target, QDragEnterEvent(pos, actions, mime, button, modifiers))
    QApplication.sendEvent(target, QDragMoveEvent(pos, actions, mime, button, modifiers))
    drop = QDropEvent(QPointF(pos), actions, mime, button, modifiers)
    QApplication.sendEvent(target, drop)
    return drop


def drive_dialog(monkeypatch, qtbot, dialog_class, act) -> list:
    """Run `act(dialog)` when a `dialog_class` dialog opens, shown and active as a user meets it,
    instead of blocking in its exec(); returns the dialogs seen."""
    from PySide6.QtWidgets import QApplication

    seen: list = []

    def fake_exec(self):
        self.show()
        self.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is self)
        seen.append(self)
        act(self)
        return self.result()

    monkeypatch.setattr(dialog_class, "exec", fake_exec)
    return seen

