"""What the window shows with no project open: new, open, recent projects, the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget


class StartPage(QWidget):
    newRequested = Signal()
    openRequested = Signal()
    demoRequested = Signal()
    recentChosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("startPage")
        title = QLabel("<h1>npmdesk</h1><p>Qualitative coding of interview and focus-group transcripts. "
                       "Everything stays in one project file on this computer.</p>")
        title.setWordWrap(True)
        self.new_button = QPushButton("&New project…")
        self.open_button = QPushButton("&Open project…")
        self.demo_button = QPushButton("Open the &demo project")
        self.recent = QListWidget()
        self.recent.setObjectName("recentProjects")
        self.recent.setAccessibleName("Recent projects")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(title)
        for b in (self.new_button, self.open_button, self.demo_button):
            b.setMinimumHeight(32)
            layout.addWidget(b)
        recent_label = QLabel("&Recent projects (Enter opens):")
        recent_label.setBuddy(self.recent)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)
        self.new_button.clicked.connect(self.newRequested)
        self.open_button.clicked.connect(self.openRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        self.recent.itemActivated.connect(lambda item: self.recentChosen.emit(item.data(Qt.ItemDataRole.UserRole)))

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for p in paths:
            item = QListWidgetItem(f"{Path(p).name}    —    {Path(p).parent}")
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(p)
            if not Path(p).exists():
                item.setText(item.text() + "   (not found)")
            self.recent.addItem(item)
