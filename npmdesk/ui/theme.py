"""Look and feel: Fusion with a light or dark palette, and simple icons drawn at any device pixel
ratio.

The theme is the user's choice in View > Theme (System, Light or Dark, kept in the settings);
System follows the OS colour scheme (Qt 6.5+) as it changes. The NPMDESK_THEME environment
variable (light or dark), when set, wins over both. A switch is applied live: the application
palette changes, every widget repaints, and views that bake colours into what they show are
reloaded (window.reload_all)."""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QActionGroup, QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap

from npmdesk import settings
from npmdesk.store.codes import PALETTE

THEMES = (("system", "&System"), ("light", "&Light"), ("dark", "&Dark"))
ENV = "NPMDESK_THEME"


def forced_theme() -> str | None:
    """'light' or 'dark' when NPMDESK_THEME says so (it wins over the menu's choice)."""
    forced = os.environ.get(ENV, "").strip().lower()
    return forced if forced in ("dark", "light") else None


def theme_preference() -> str:
    """The theme chosen in View > Theme: 'system' (the default), 'light' or 'dark'."""
    choice = settings.load().get("theme")
    return choice if choice in ("system", "light", "dark") else "system"


def _os_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def wants_dark() -> bool:
    choice = forced_theme() or theme_preference()
    return _os_is_dark() if choice == "system" else choice == "dark"


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#2b2d31"), QColor("#1e1f22"), QColor("#e6e6e6")
    R = QPalette.ColorRole
    for role, color in {
        R.Window: window, R.WindowText: text, R.Base: base, R.AlternateBase: QColor("#26282c"),
        R.ToolTipBase: QColor("#3c3f44"), R.ToolTipText: text, R.Text: text, R.Button: QColor("#35373c"),
        R.ButtonText: text, R.BrightText: QColor("#ff6b6b"), R.Link: QColor("#6ab0ff"),
        R.Highlight: QColor("#3d7bd9"), R.HighlightedText: QColor("#ffffff"),
        R.PlaceholderText: QColor("#8b8f96"), R.Mid: QColor("#404348"), R.Dark: QColor("#18191b"),
    }.items():
        p.setColor(role, color)
    for role in (R.Text, R.WindowText, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#777a80"))
    return p


def apply_theme(app) -> None:
    app.setStyle("Fusion")
    _tell_platform()
    _apply_palette(app)
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged") and not app.property("npmdeskThemeFollowsOS"):
        app.setProperty("npmdeskThemeFollowsOS", True)  # once, however often the theme is applied
        hints.colorSchemeChanged.connect(lambda *_: _os_scheme_changed(app))


def _os_scheme_changed(app) -> None:
    if (forced_theme() or theme_preference()) == "system":
        _apply_palette(app)


def _tell_platform() -> None:
    """Qt 6.8+: native dialogs and title bars follow the choice too (System: the OS's own)."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):
        choice = forced_theme() or theme_preference()
        hints.setColorScheme({"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}.get(
            choice, Qt.ColorScheme.Unknown))


def _apply_palette(app) -> None:
    dark = wants_dark()
    if dark != app.property("npmdeskDark") or app.property("npmdeskDark") is None:
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
        app.setProperty("npmdeskDark", dark)


def set_theme(app, choice: str) -> None:
    """Choose System, Light or Dark: remembered, and applied now (unless NPMDESK_THEME wins)."""
    if choice not in ("system", "light", "dark"):
        raise ValueError(f"no theme {choice!r}")
    data = settings.load()
    data["theme"] = choice
    try:
        settings.save(data)
    except OSError:
        pass  # applied for this session all the same
    _tell_platform()
    _apply_palette(app)


class _ThemeFollower(QObject):
    """Calls back when the application's palette turns light or dark (Qt tells every widget
    with a PaletteChange); lives and dies with the widget it watches."""

    def __init__(self, widget, callback):
        super().__init__(widget)
        self.callback = callback
        self.dark = _app_dark()
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            dark = _app_dark()
            if dark != self.dark:
                self.dark = dark
                QTimer.singleShot(0, lambda d=dark: self.callback(d))  # after Qt has repainted everything
        return False


def _app_dark() -> bool:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return bool(app.property("npmdeskDark")) if app is not None else False


def on_theme_change(widget, callback) -> None:
    """Call `callback(dark)` whenever the theme switches between light and dark."""
    _ThemeFollower(widget, callback)


def install_theme_menu(w):
    """View > Theme ▸ System / Light / Dark (exclusive), applied live; returns the action group."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    menu = w.menus["View"].addMenu("T&heme")
    menu.setObjectName("themeMenu")
    w.menus["Theme"] = menu
    group = QActionGroup(w)
    group.setExclusive(True)
    current = forced_theme() or theme_preference()
    for choice, label in THEMES:
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(choice == current)
        action.setData(choice)
        group.addAction(action)
        w.actions[f"theme_{choice}"] = action
        action.triggered.connect(lambda _=False, c=choice: set_theme(app, c))
    if forced_theme():
        for action in group.actions():
            action.setEnabled(False)
            action.setToolTip(f"Set by the {ENV} environment variable ({forced_theme()})")
        menu.setToolTipsVisible(True)

    def follow(_dark: bool) -> None:
        if w.project is not None:
            w.reload_all()  # views that drew colours into their content draw them again

    on_theme_change(w, follow)
    return group


def app_icon() -> QIcon:
    """A page with coloured coding stripes, drawn for each size so it is sharp on any screen."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = size / 16
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#fdfdfd"))
        p.drawRoundedRect(QRectF(2 * s, 1 * s, 12 * s, 14 * s), 1.5 * s, 1.5 * s)
        for i, color in enumerate(PALETTE[:4]):
            p.setBrush(QColor(color))
            p.drawRect(QRectF(4 * s, (3 + i * 3) * s, 8 * s, 2 * s))
        p.setBrush(QColor("#3d7bd9"))
        p.drawEllipse(QPointF(12.5 * s, 12.5 * s), 2.5 * s, 2.5 * s)
        p.end()
        icon.addPixmap(pix)
    return icon


# Toolbar icons ---------------------------------------------------------------------------------------
# Drawn, not shipped: sharp at any device pixel ratio, and in the palette's text colour, so that they
# read on a light and a dark toolbar alike (ui/toolbar.py draws them again when the theme switches).

ICON_KINDS = ("import", "undo", "redo", "search", "new_code", "apply", "remove", "excerpts", "export")


def action_icon(kind: str, color: QColor | str) -> QIcon:
    icon = QIcon()
    for size in (16, 20, 24, 32, 48):
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.scale(size / 24, size / 24)  # drawn on a 24×24 grid
        _draw_icon(p, kind, QColor(color))
        p.end()
        icon.addPixmap(pix)
    return icon


def _draw_icon(p: QPainter, kind: str, ink: QColor) -> None:
    from PySide6.QtGui import QPainterPath, QPen

    pen = QPen(ink, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    accent = QColor(PALETTE[0])  # a code colour: the coding actions show a highlighted line
    if kind in ("import", "export"):
        p.drawPolyline([QPointF(4, 14), QPointF(4, 20), QPointF(20, 20), QPointF(20, 14)])  # a tray
        if kind == "import":  # an arrow down into it
            p.drawLine(QPointF(12, 3), QPointF(12, 15))
            p.drawPolyline([QPointF(7, 10), QPointF(12, 15), QPointF(17, 10)])
        else:  # an arrow up out of it
            p.drawLine(QPointF(12, 16), QPointF(12, 4))
            p.drawPolyline([QPointF(7, 9), QPointF(12, 4), QPointF(17, 9)])
    elif kind in ("undo", "redo"):
        if kind == "redo":  # undo's arrow, mirrored
            p.translate(24, 0)
            p.scale(-1, 1)
        path = QPainterPath()
        path.moveTo(6, 10)
        path.lineTo(15, 10)
        path.cubicTo(22, 10, 22, 20, 15, 20)
        path.lineTo(9, 20)
        p.drawPath(path)
        p.drawPolyline([QPointF(10, 6), QPointF(6, 10), QPointF(10, 14)])
    elif kind == "search":
        p.drawEllipse(QPointF(10, 10), 6, 6)
        p.setPen(QPen(ink, 3.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(14.5, 14.5), QPointF(20, 20))
    elif kind == "new_code":  # a tag with a plus
        p.drawPolygon([QPointF(3, 8), QPointF(14, 8), QPointF(19, 13), QPointF(14, 18), QPointF(3, 18)])
        p.drawLine(QPointF(17, 2), QPointF(17, 8))
        p.drawLine(QPointF(14, 5), QPointF(20, 5))
    elif kind in ("apply", "remove"):  # text lines, one highlighted (and struck out to remove)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        p.drawRoundedRect(QRectF(3, 9, 18, 6), 1.5, 1.5)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(QPointF(4, 5), QPointF(20, 5))
        p.drawLine(QPointF(4, 19), QPointF(15, 19))
        p.setPen(QPen(QColor("#111111"), 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(6, 12), QPointF(18, 12))  # dark on the code colour, in either theme
        if kind == "remove":
            p.setPen(QPen(QColor("#d64545"), 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(QPointF(15, 14), QPointF(22, 21))
            p.drawLine(QPointF(22, 14), QPointF(15, 21))
    elif kind == "excerpts":  # a page of quotes, each with a coloured stripe
        p.drawRoundedRect(QRectF(4, 2.5, 16, 19), 2, 2)
        for i, y in enumerate((7.5, 12, 16.5)):
            p.setPen(QPen(QColor(PALETTE[i + 1]), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            p.drawLine(QPointF(7.5, y - 1.5), QPointF(7.5, y + 1.5))
            p.setPen(pen)
            p.drawLine(QPointF(10, y), QPointF(17, y))
    else:
        raise ValueError(f"no icon {kind!r}")
