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


class _Screen:
    """A laptop or desktop screen's free area, as fit_to_screen reads it."""

    def __init__(self, width: int, height: int):
        self.free = QRect(0, 0, width, height)

    def availableGeometry(self) -> QRect:  # noqa: N802 (Qt's name)
        return QRect(self.free)


def _first_start(qtbot, study, monkeypatch, tmp_path, width: int | None = None, height: int = 0,
                 config: str = ""):
    """A window on fresh settings (tmp_path's), on a screen of `width`×`height` (None: the test
    platform's own screen, which restoreGeometry also reads)."""
    from npmdesk.ui import MainWindow

    monkeypatch.setenv("NPMDESK_CONFIG_DIR", str(tmp_path / (config or f"config-{width or 'own'}")))  # fresh
    if width is not None:
        monkeypatch.setattr(MainWindow, "screen", lambda self: _Screen(width, height))
    w = MainWindow(study, coder="Ana")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w._docks_fitted)
    qtbot.wait(20)  # the sizes are given once the window is laid out at its size
    return w


def test_a_first_start_sizes_the_docks_to_the_screen(qtbot, study, messages, monkeypatch, tmp_path):
    widths = {}
    for width, height in ((1366, 768), (1920, 1080)):
        w = _first_start(qtbot, study, monkeypatch, tmp_path, width, height)
        documents, codes = w.docks["documentsDock"], w.docks["codesDock"]
        assert w.width() <= width
        assert documents.width() >= 200, f"Documents dock {documents.width()} px at {width}"
        assert w.transcript.width() >= 500, f"transcript {w.transcript.width()} px at {width}"
        assert codes.width() >= 300
        assert not w.documents.horizontalScrollBar().isVisible()
        widths[width] = (documents.width(), codes.width(), w.transcript.width())
        w.close()
    # A wider screen widens the side docks too, not only the transcript.
    assert widths[1920][0] > widths[1366][0] and widths[1920][1] > widths[1366][1]


def test_a_saved_layout_is_kept_instead_of_the_first_start_sizes(qtbot, study, messages, monkeypatch, tmp_path):
    from PySide6.QtCore import Qt

    w = _first_start(qtbot, study, monkeypatch, tmp_path)
    assert not w.restored_state
    wanted = w.docks["documentsDock"].width() - 30
    w.resizeDocks([w.docks["documentsDock"]], [wanted], Qt.Orientation.Horizontal)  # the user drags the edge
    qtbot.waitUntil(lambda: abs(w.docks["documentsDock"].width() - wanted) <= 2)
    w.close()  # saves the layout
    again = _first_start(qtbot, study, monkeypatch, tmp_path)
    assert again.restored_state
    assert abs(again.docks["documentsDock"].width() - wanted) <= 2
    again.close()
    # On a screen where a first start would size the docks, a saved layout is not sized again.
    fitted: list[int] = []
    monkeypatch.setattr(type(w), "fit_docks", lambda self: fitted.append(self.width()))
    laptop = _first_start(qtbot, study, monkeypatch, tmp_path, 1366, 768, config="config-own")
    assert laptop.restored_state and not fitted
    laptop.close()
    _first_start(qtbot, study, monkeypatch, tmp_path, 1366, 768, config="config-fresh").close()
    assert fitted  # (and without one it is)

