"""The margin keeps what it measured (per block, per screen) and repaints only when something it
shows changed: what it paints is always what a fresh margin, measuring everything again with Qt's
own line lookup, paints — after codings added and removed, an edit of the text, a scroll, a
resize, a colour change, stripes by coder — and a drag-selection does not repaint it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from npmdesk.ui.transcript_margin import Piece
from tests.ui.conftest import margin_window, select_text
from tests.ui.test_lazy_highlight import heavy_project
from tests.ui.test_margin_stripes import build_many, default_margin_options  # noqa: F401 (fixture)


def reference_pieces(margin) -> list[Piece]:
    """The margin's pieces as the margin measured them before it kept anything: every visible
    block's codings, each looked up in its layout with QTextLayout.lineForTextPosition."""
    index = margin.view.index
    extent: dict[int, list] = {}
    for block, top, _bottom in margin.visible_blocks():
        layout = block.layout()
        count = layout.lineCount()
        if count == 0:
            continue
        last = layout.lineAt(count - 1)
        for a, z, code, cid in index.entries(block.blockNumber()):
            first = layout.lineForTextPosition(a)
            if not first.isValid():
                first = last
            end = layout.lineForTextPosition(z - 1) if z > a else first
            if not end.isValid():
                end = last
            y0, y1 = top + first.y(), top + end.y() + end.height()
            known = extent.get(cid)
            if known is None:
                extent[cid] = [code, y0, y1]
            else:
                known[1], known[2] = min(known[1], y0), max(known[2], y1)
    return sorted(Piece(cid, margin.key_of(code, cid), y0, y1) for cid, (code, y0, y1) in extent.items())


def shown(margin) -> tuple:
    return (sorted(margin.pieces), dict(margin.column_of), margin.columns, margin.stripe_w, margin.width(),
            margin._document_columns())


def assert_fresh(qtbot, margin) -> None:
    """What the margin last painted (on its own, from its caches) is what a fresh one paints."""
    qtbot.wait(30)  # the repaints the change asked for (and a width taken after a paint)
    QApplication.processEvents()
    cached = shown(margin)
    cached_image = margin.grab().toImage()
    assert cached[0] == reference_pieces(margin)
    margin._measured, margin._screen, margin._stripes, margin._hint_cache = {}, None, None, None
    margin._seen_columns = max(margin._seen_columns, 0)
    fresh_image = margin.grab().toImage()
    assert shown(margin) == cached
    assert fresh_image == cached_image


@pytest.fixture
def opened(qtbot, tmp_path, messages):
    windows = []

    def open_window(kind: str = "busy"):
        path = tmp_path / f"{kind}.npmdesk"
        if kind == "heavy":
            doc = heavy_project(path)  # above the margin's HEAVY: columns estimated from the codes
        else:
            build_many(path, 15).close()
            doc = None
        w = margin_window(qtbot, path, doc)
        windows.append(w)
        return w

    yield open_window
    for w in windows:
        w.close()


def codes_of(w) -> list[int]:
    return sorted(c.id for c in w.code_panel.model.codes.values())


@pytest.mark.parametrize("kind", ["busy", "heavy"])
def test_the_kept_margin_is_a_fresh_one_after_every_change(qtbot, opened, kind):
    w = opened(kind)
    view, margin = w.transcript, w.transcript.margin
    assert_fresh(qtbot, margin)
    codes = codes_of(w)
    # Codings added: a passage on screen, then one crossing paragraphs.
    text = view.document().toPlainText()
    words = text.split("\n")[1].split()[3]
    select_text(view, words)
    before = margin.paints
    w.coding.apply_code(codes[0])
    qtbot.waitUntil(lambda: margin.paints > before)
    assert_fresh(qtbot, margin)
    start = view.positions.block_starts[2] - 30
    w.coding.apply_code(codes[-1], span=(start, start + 80))
    assert_fresh(qtbot, margin)
    # A coding removed (one on screen).
    on_screen = [p.coding_id for p in margin.pieces]
    w.coding.remove_coding(on_screen[len(on_screen) // 2])
    assert_fresh(qtbot, margin)
    # Undo and redo.
    w.actions["undo"].trigger()
    assert_fresh(qtbot, margin)
    w.actions["redo"].trigger()
    assert_fresh(qtbot, margin)
    # An edit of the text: a paragraph split near the top (lines and blocks below move), then
    # words added inside a coded passage.
    w.transcript_edit.set_editing(True)
    assert w.transcript_edit.replace(10, 10, "more words\nand a new paragraph ", label="split")
    assert_fresh(qtbot, margin)
    at = view.positions.block_starts[1] + 12
    assert w.transcript_edit.replace(at, at + 3, "many many more words than were here", label="grow")
    assert_fresh(qtbot, margin)
    w.actions["undo"].trigger()
    assert_fresh(qtbot, margin)
    w.transcript_edit.set_editing(False)
    # Scrolling, by a little and by a page, and back.
    bar = view.verticalScrollBar()
    for value in (bar.value() + 7, bar.value() + 200, bar.maximum(), 0):
        bar.setValue(value)
        assert_fresh(qtbot, margin)
    # A resize of the window (lines rewrap) and back.
    w.resize(1000, 700)
    assert_fresh(qtbot, margin)
    w.resize(1366, 768)
    assert_fresh(qtbot, margin)
    # A code's colour.
    assert w.run("Recolour code", lambda: w.project.recolour_code(codes[0], "#123456")).ok
    assert_fresh(qtbot, margin)
    # The current coding (outlined) and stripes by coder, density.
    margin.select_coding(margin.pieces[0].coding_id)
    assert_fresh(qtbot, margin)
    margin.set_option("by_coder", True)
    assert_fresh(qtbot, margin)
    margin.set_option("density", True)
    assert_fresh(qtbot, margin)
    margin.set_option("by_coder", False)
    assert_fresh(qtbot, margin)


def test_a_coding_measures_only_its_own_paragraphs_again(qtbot, opened, monkeypatch):
    import npmdesk.ui.transcript_margin as tm

    w = opened("heavy")
    view, margin = w.transcript, w.transcript.margin
    assert_fresh(qtbot, margin)
    measured: list[int] = []
    original = tm._measure_block
    monkeypatch.setattr(tm, "_measure_block", lambda entries, shape: (measured.append(1), original(entries, shape))[1])
    block = view.visible_blocks()[1]
    a, b = view.positions.block_span(block)
    before = margin.paints
    w.coding.apply_code(codes_of(w)[0], span=(a + 2, a + 12))
    qtbot.waitUntil(lambda: margin.paints > before)
    qtbot.wait(30)
    assert len(measured) == 1  # the coded paragraph; the others were kept
    assert_fresh(qtbot, margin)


def drag(qtbot, view, a: int, b: int, moves: int = 6) -> None:
    """A real mouse drag-selection over the viewer, from Qt position a to b."""
    vp = view.viewport()

    def at(pos: int) -> QPointF:
        c = QTextCursor(view.document())
        c.setPosition(pos)
        r = view.cursorRect(c)
        return QPointF(r.x() + 1, r.center().y())

    def send(kind, pt, button, buttons):
        QApplication.sendEvent(vp, QMouseEvent(kind, pt, QPointF(vp.mapToGlobal(pt.toPoint())), button, buttons,
                                               Qt.KeyboardModifier.NoModifier))
        QApplication.processEvents()

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseButtonPress, at(a), left, left)
    for j in range(1, moves + 1):
        send(QEvent.Type.MouseMove, at(a + (b - a) * j // moves), none, left)
    send(QEvent.Type.MouseButtonRelease, at(b), left, none)


def test_a_drag_selection_does_not_repaint_the_margin(qtbot, opened):
    w = opened("busy")
    view, margin = w.transcript, w.transcript.margin
    view.setFocus()
    assert_fresh(qtbot, margin)
    qtbot.wait(50)
    before = margin.paints
    text_paints = []
    view.viewport().installEventFilter(filt := _PaintCounter(text_paints))
    drag(qtbot, view, 5, 160)
    assert view.textCursor().hasSelection()
    drag(qtbot, view, 200, 90)  # another, backwards: the first one's selection redrawn away
    qtbot.wait(30)
    assert view.textCursor().hasSelection()
    assert text_paints, "the text was repainted with its selection"
    assert margin.paints == before, "a selection changes nothing in the margin"
    # The real mouse on the margin's own qtbot path too (press, move, release).
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseMove(vp, QPoint(120, 60))
    qtbot.mouseMove(vp, QPoint(160, 90))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(160, 90))
    qtbot.wait(30)
    assert view.textCursor().hasSelection()
    assert margin.paints == before
    # Shift+arrows extend a selection from the keyboard: nothing for the margin either.
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.wait(30)
    assert margin.paints == before
    view.viewport().removeEventFilter(filt)
    # What the margin shows still repaints it: a coding of the selection, and a scroll.
    w.coding.apply_code(codes_of(w)[1])
    qtbot.waitUntil(lambda: margin.paints > before)
    assert_fresh(qtbot, margin)
    before = margin.paints
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 30)
    qtbot.waitUntil(lambda: margin.paints > before)
    assert_fresh(qtbot, margin)


class _PaintCounter(QObject):
    def __init__(self, out: list):
        super().__init__()
        self.out = out

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.out.append(1)
        return False
