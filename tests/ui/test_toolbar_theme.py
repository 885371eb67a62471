"""The toolbar and the theme preference (issue 18 point 11): the toolbar's buttons are the menus' own
actions; View > Toolbar hides it and is remembered; View > Theme ▸ System / Light / Dark switches
live, is remembered, and NPMDESK_THEME still wins; coded text stays readable after a switch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from npmdesk import settings
from npmdesk.ui import theme
from tests.ui.conftest import code_id, select_text

EXPECTED = ["Import", "Undo", "Redo", "Search", "New code", "Apply code", "Remove coding", "Excerpts", "Export"]


@pytest.fixture(autouse=True)
def clean_preferences(monkeypatch):
    """Each test starts from the defaults and leaves them so (the settings folder is shared)."""
    monkeypatch.delenv(theme.ENV, raising=False)

    def reset():
        data = settings.load()
        for key in ("theme", "toolbar", "window_state", "window_geometry"):
            data.pop(key, None)
        settings.save(data)

    reset()
    yield
    reset()
    app = QApplication.instance()
    theme.set_theme(app, "system")
    data = settings.load()
    data.pop("theme", None)
    settings.save(data)


def _button(window, label: str) -> QToolButton:
    bar = window.findChild(QToolBar, "mainToolBar")
    action = next(a for a in bar.actions() if a.iconText() == label)
    button = bar.widgetForAction(action)
    assert isinstance(button, QToolButton) and button.isVisible()
    return button


def _is_dark(color: QColor) -> bool:
    return color.lightness() < 100


def test_toolbar_buttons_are_the_menu_actions_with_icons(window, qtbot, monkeypatch, reopen):
    bar = window.findChild(QToolBar, "mainToolBar")
    assert bar is not None and bar.isVisible()
    labels = [a.iconText() for a in bar.actions() if not a.isSeparator()]
    assert labels == EXPECTED
    for a in bar.actions():
        if not a.isSeparator():
            assert not a.icon().isNull()
            assert a in window.actions.values()  # the menu's own QAction, not a copy
    assert bar.widgetForAction(window.actions["undo"]) is not None
    assert "Ctrl+Shift+F" in window.actions["search"].toolTip()
    # New code, then Apply code on a selection, then Undo: all by clicking the buttons.
    import npmdesk.ui.coding as coding

    monkeypatch.setattr(coding, "ask_text", lambda *a, **k: "Clarity")
    qtbot.mouseClick(_button(window, "New code"), Qt.MouseButton.LeftButton)
    assert reopen().code_by_path("Clarity")
    teach = code_id(window, "Teaching consolidates knowledge")
    window.code_tree.select_code(teach)
    select_text(window.transcript, "Nobody tells you that the system is part of the curriculum.")
    before = reopen().code_counts()[teach].codings
    qtbot.mouseClick(_button(window, "Apply code"), Qt.MouseButton.LeftButton)
    assert reopen().code_counts()[teach].codings == before + 1
    assert _button(window, "Undo").isEnabled()
    qtbot.mouseClick(_button(window, "Undo"), Qt.MouseButton.LeftButton)
    assert reopen().code_counts()[teach].codings == before
    assert _button(window, "Redo").isEnabled()


def test_view_toolbar_hides_it_and_is_remembered(window, qtbot, study, messages):
    from npmdesk.ui import MainWindow

    toggle = window.actions["toolbar"]
    assert toggle in window.menus["View"].actions() and toggle.isChecked()
    toggle.trigger()
    bar = window.findChild(QToolBar, "mainToolBar")
    assert not bar.isVisible() and not toggle.isChecked()
    window.close()  # saves the layout too
    again = MainWindow(study, coder="Ana")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert not again.findChild(QToolBar, "mainToolBar").isVisible()
    assert not again.actions["toolbar"].isChecked()
    again.actions["toolbar"].trigger()
    assert again.findChild(QToolBar, "mainToolBar").isVisible()
    assert settings.load()["toolbar"] is True


def test_theme_menu_switches_live_and_is_remembered(window, qtbot, study):
    from npmdesk.ui import MainWindow

    menu = window.menus["Theme"]
    assert [a.text().replace("&", "") for a in menu.actions()] == ["System", "Light", "Dark"]
    assert window.actions["theme_system"].isChecked()
    window.actions["theme_dark"].trigger()
    app = QApplication.instance()
    assert _is_dark(app.palette().color(QPalette.ColorRole.Window))
    view = window.transcript
    qtbot.waitUntil(lambda: _is_dark(view.palette().color(QPalette.ColorRole.Base)))  # no restart needed
    assert not _is_dark(view.palette().color(QPalette.ColorRole.Text))  # light text on the dark page
    assert window.actions["theme_dark"].isChecked() and not window.actions["theme_system"].isChecked()
    assert settings.load()["theme"] == "dark"
    # Coded passages keep dark text on their light code colour: readable in the dark theme too.
    coded = 0
    block = view.document().begin()
    while block.isValid():
        for r in block.layout().formats():
            if r.format.background().style() != Qt.BrushStyle.NoBrush:
                assert _is_dark(r.format.foreground().color())
                assert not _is_dark(r.format.background().color())
                coded += 1
        block = block.next()
    assert coded
    # The toolbar's icons were drawn again in the light ink of the dark theme.
    bar = window.findChild(QToolBar, "mainToolBar")
    qtbot.waitUntil(lambda: not _is_dark(_ink(window.actions["import"].icon())))
    assert bar.isVisible()
    again = MainWindow(study, coder="Ana")
    qtbot.addWidget(again)
    assert again.actions["theme_dark"].isChecked()
    again.close()
    window.actions["theme_light"].trigger()
    assert not _is_dark(app.palette().color(QPalette.ColorRole.Window))
    qtbot.waitUntil(lambda: _is_dark(_ink(window.actions["import"].icon())))


def test_environment_variable_wins(window, qtbot, study, monkeypatch):
    from npmdesk.ui import MainWindow

    theme.set_theme(QApplication.instance(), "dark")
    monkeypatch.setenv(theme.ENV, "light")
    assert theme.wants_dark() is False
    again = MainWindow(study, coder="Ana")
    qtbot.addWidget(again)
    assert again.actions["theme_light"].isChecked()
    assert not again.actions["theme_dark"].isEnabled()
    assert theme.ENV in again.actions["theme_dark"].toolTip()
    again.close()


def _ink(icon) -> QColor:
    """The darkest opaque colour of an icon's 24-pixel image (its strokes)."""
    image = icon.pixmap(24, 24).toImage()
    colours = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    strokes = [c for c in colours if c.alpha() > 200]
    return min(strokes, key=lambda c: c.lightness()) if strokes else QColor("white")
