"""The start page's buttons: New project…, Open project…, Open the demo project (issue 18 point 2)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from npmdesk.store import Project


def _start_window(qtbot, messages):
    from npmdesk.ui import MainWindow

    w = MainWindow(None, coder="Ana")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    assert w.central.currentWidget() is w.start_page
    return w


def test_new_project_button_creates_and_opens_the_chosen_file(qtbot, messages, tmp_path, monkeypatch):
    import npmdesk.ui.menus as menus

    target = tmp_path / "fresh"  # the suffix is added
    monkeypatch.setattr(menus.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w = _start_window(qtbot, messages)
    qtbot.mouseClick(w.start_page.new_button, Qt.MouseButton.LeftButton)
    assert w.project is not None
    assert w.central.currentWidget() is w.transcript
    assert (tmp_path / "fresh.npmdesk").exists()
    assert messages == []
    w.close()


def test_open_project_button_opens_the_chosen_file(qtbot, messages, study, monkeypatch):
    import npmdesk.ui.menus as menus

    monkeypatch.setattr(menus.QFileDialog, "getOpenFileName", lambda *a, **k: (str(study), ""))
    w = _start_window(qtbot, messages)
    qtbot.mouseClick(w.start_page.open_button, Qt.MouseButton.LeftButton)
    assert w.project is not None
    assert w.central.currentWidget() is w.transcript
    assert len(w.document_list) == len(Project.open(study, "Ana").documents())
    w.close()


def test_cancelled_open_stays_on_the_start_page(qtbot, messages, monkeypatch):
    import npmdesk.ui.menus as menus

    monkeypatch.setattr(menus.QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    w = _start_window(qtbot, messages)
    qtbot.mouseClick(w.start_page.open_button, Qt.MouseButton.LeftButton)
    assert w.project is None
    assert w.central.currentWidget() is w.start_page
    w.close()


def test_demo_button_opens_the_demo_project(qtbot, messages):
    w = _start_window(qtbot, messages)
    w.start_page.demo_button.setFocus()
    qtbot.keyClick(w.start_page.demo_button, Qt.Key.Key_Space)
    assert w.project is not None
    assert w.document_list, "the demo has transcripts"
    assert w.central.currentWidget() is w.transcript
    assert messages == []
    w.close()
