"""The window opens inside the screen's free area (a 1366×768 laptop keeps its status bar in view)."""

from PySide6.QtCore import QRect


def test_the_window_fits_the_free_screen_and_a_remembered_size_that_fits_is_kept(qtbot, study, messages,
                                                                                monkeypatch):
    from npmdesk.ui import MainWindow

    w = MainWindow(study, coder="Ana")
    qtbot.addWidget(w)
    free = w.screen().availableGeometry()
    assert free.contains(w.frameGeometry())
    assert w.width() >= min(1024, free.width()) * 0.85  # uses the room there is, not a fixed 1280×800
    w.resize(600, 400)
    w.move(free.x() + 10, free.y() + 10)
    w.fit_to_screen(remembered=True)
    assert (w.width(), w.height()) == (600, 400)  # remembered and fits: kept
    w.resize(free.width() + 500, free.height() + 400)  # remembered on a bigger monitor
    w.fit_to_screen(remembered=True)
    assert QRect(free).contains(w.frameGeometry())
    w.close()
