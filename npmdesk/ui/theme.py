"""Look and feel: Fusion with a light or dark palette that follows the system colour scheme
(Qt 6.5+), and simple icons drawn at any device pixel ratio."""

from __future__ import annotations

import os

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap

from npmdesk.store.codes import PALETTE


def wants_dark() -> bool:
    forced = os.environ.get("NPMDESK_THEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


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
    _apply_palette(app)
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda *_: _apply_palette(app))


def _apply_palette(app) -> None:
    app.setPalette(dark_palette() if wants_dark() else app.style().standardPalette())


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
