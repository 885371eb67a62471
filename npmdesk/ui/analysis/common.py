"""Pieces the analysis views share: heat-map colours, the excerpts dialog, file choosers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

# White to a deep teal: readable with dark text up to ~70 %, so high cells switch to white text.
_LOW = (255, 255, 255)
_HIGH = (0, 109, 119)


def heat_color(value: float, maximum: float) -> QColor | None:
    """The background of a cell holding `value` in a table whose largest value is `maximum`."""
    if maximum <= 0 or value <= 0:
        return None
    t = min(1.0, value / maximum) ** 0.8  # a little lift so small counts stay visible
    t = 0.12 + 0.88 * t
    return QColor(*(round(lo + (hi - lo) * t) for lo, hi in zip(_LOW, _HIGH)))


def text_color_on(background: QColor | None) -> QColor | None:
    if background is None:
        return None
    return QColor("white") if background.lightnessF() < 0.55 else QColor("black")


class ExcerptsDialog(QDialog):
    """A plain list of excerpts with source and participant; used when no main window panel is there."""

    def __init__(self, title: str, excerpts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("analysisExcerptsDialog")
        self.setWindowTitle(title)
        self.resize(640, 420)
        self.list = QListWidget(self)
        self.list.setObjectName("analysisExcerptsList")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        for e in excerpts:
            who = ", ".join(x for x in (e.participant, e.speaker) if x)
            item = QListWidgetItem(f"“{e.text.strip()}”\n— {e.document}{' · ' + who if who else ''} · {e.code}")
            item.setData(Qt.ItemDataRole.UserRole, e.coding_id)
            self.list.addItem(item)
        if not excerpts:
            self.list.addItem("No excerpts in this cell.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)


def ask_save_path(parent: QWidget, caption: str, suggested: str, pattern: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, pattern)
    return path or None
