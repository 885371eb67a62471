"""Guard: PySide6 6.12.0 on Python 3.11 corrupts None's reference count on void Qt method calls and
aborts (none_dealloc) after a few thousand. If this process survives 100,000 such calls, the
installed pair is safe; if the bad pair is ever installed, this test crashes loudly."""

import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget


def test_100k_void_qt_calls_keep_none_alive(qtbot):
    obj = QObject()
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(50_000):
        obj.setObjectName("n")  # void
        widget.setToolTip("t")  # void
    assert obj.objectName() == "n" and widget.toolTip() == "t"
    # Immortal on 3.12+, a plain count on 3.11: either way it must not have fallen.
    assert sys.getrefcount(None) >= before - 100
