"""Issue 18.6 and 15 ("see each coder") in the real window: every code on screen has a labelled,
coloured, clickable stripe spanning its coded lines; density and per-coder stripes on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QTextCursor, QWheelEvent
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from npmdesk.store import Project
from tests.ui.conftest import click_code, margin_window, select_text

WORDS = ("mentor feedback belonging exam wards library cohort schedule explain reflect listen "
         "confidence imposter honest teach family college system").split()


def paragraph(k: int, words: int = 45) -> str:
    return f"NPM-{k % 6 + 1}: " + " ".join(WORDS[(k * 7 + i) % len(WORDS)] for i in range(words)) + "."


def build_many(path: str | Path, n_codes: int = 15, paragraphs: int = 30, coder: str = "Ana",
               stacked: bool = False) -> Project:
    """One transcript whose first paragraphs carry `n_codes` overlapping codes (synthetic text);
    `stacked`: all on the same passage of the first paragraph."""
    p = Project.create(path, coder)
    text = "\n".join(paragraph(k) for k in range(paragraphs)) + "\n"
    doc = p.add_document("Busy interview", text)
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for i in range(n_codes):
        code = p.ensure_code_path(f"Theme {i % 3 + 1}/Code {i + 1:02d}")
        if stacked:
            p.apply_coding(doc, code, 5 + 2 * i, 200)
            continue
        a = starts[i % 3] + 5 + 7 * i  # overlapping passages in the first three paragraphs
        p.apply_coding(doc, code, a, a + 90 + 5 * i)
    return p


@pytest.fixture(autouse=True)
def default_margin_options():
    """Margin options are remembered in the settings: each test starts from, and leaves, the defaults."""
    from npmdesk import settings
    from npmdesk.ui.transcript_margin import SETTINGS_KEY

    def reset() -> None:
        data = settings.load()
        data.pop(SETTINGS_KEY, None)
        settings.save(data)

    reset()
    yield
    reset()


@pytest.fixture
def busy(qtbot, tmp_path, messages):
    from npmdesk.ui import MainWindow

    opened = []

    def open_window(n_codes: int = 15, stacked: bool = False) -> MainWindow:
        path = tmp_path / f"busy{n_codes}.npmdesk"
        build_many(path, n_codes, stacked=stacked).close()
        w = margin_window(qtbot, path)
        opened.append(w)
        return w

    yield open_window
    for w in opened:
        w.close()


def pixel(widget, x: int, y: int):
    return widget.grab().toImage().pixelColor(x, y)


def stripe_point(margin, coding_id: int) -> QPoint:
    piece = next(p for p in margin.pieces if p.coding_id == coding_id)
    shift = margin.hscroll.value() if margin.hscroll.isVisible() else 0
    x = margin.area_x() + margin.column_of[piece.key] * margin.column_width() - shift + 1
    return QPoint(x, int((piece.top + piece.bottom) / 2))


def qt_pos(view, cp: int) -> int:
    return view.positions.to_qt(cp)


def line_top_bottom(view, cp: int) -> tuple[int, int]:
    cur = QTextCursor(view.document())
    cur.setPosition(qt_pos(view, cp))
    rect = view.cursorRect(cur)
    return rect.top(), rect.bottom()


def test_every_code_on_screen_has_a_stripe_in_its_colour(qtbot, busy):
    w = busy(15)
    view, margin = w.transcript, w.transcript.margin
    on_screen = {view.index.spans[c].code_id for b in view.visible_blocks() for c in view.index.by_block.get(b, ())}
    assert len(on_screen) == 15
    assert {p.key for p in margin.pieces} == on_screen  # no cap, no "+"
    assert margin.columns < 15  # codes that never meet share a column
    image = margin.grab().toImage()
    for piece in margin.pieces:
        pt = stripe_point(margin, piece.coding_id)
        if margin.area_x() <= pt.x() < margin.area_x() + margin.area_width():
            assert image.pixelColor(pt) == view.formats_color(piece.key), piece


def test_a_stripe_spans_the_coded_lines_not_the_whole_paragraph(qtbot, window):
    view, margin = window.transcript, window.transcript.margin
    text = view.document().toPlainText()
    phrase = "Explaining it out loud made me realise how much I actually knew"
    start = text.index(phrase)
    span = next(s for s in view.index.spans.values() if s.start <= start < s.end)
    margin.repaint()
    piece = next(p for p in margin.pieces if p.coding_id == span.coding_id)
    first_top, _ = line_top_bottom(view, span.start)
    _, last_bottom = line_top_bottom(view, span.end - 1)
    assert abs(piece.top - first_top) <= 2 and abs(piece.bottom - last_bottom) <= 3
    block = view.document().findBlock(qt_pos(view, span.start))
    geo = view.blockBoundingGeometry(block).translated(view.contentOffset())
    assert piece.top > geo.top() + 5  # the paragraph's first line is not coded: no stripe there
    pt = stripe_point(margin, span.coding_id)
    assert pixel(margin, pt.x(), pt.y()) == view.formats_color(span.code_id)
    assert pixel(margin, pt.x(), int(geo.top()) + 3) != view.formats_color(span.code_id)


def test_each_stripe_is_labelled_with_its_code_name(qtbot, busy):
    w = busy(15)
    margin = w.transcript.margin
    labels = {margin.label_of(p.key) for p in margin.pieces}
    assert "Code 01" in labels and "Code 15" in labels
    # The label is drawn beside the stripe's top: the lane there has text-coloured pixels.
    piece = min(margin.pieces, key=lambda p: (margin.column_of[p.key], p.top))
    x0 = margin.area_x() + margin.column_of[piece.key] * margin.column_width() + margin.stripe_w + 1
    image = margin.grab().toImage()
    background = margin.palette().window().color()
    inked = sum(image.pixelColor(x, y) != background for x in range(x0, x0 + margin.lane)
                for y in range(max(0, int(piece.top)) + 2, max(0, int(piece.top)) + 40))
    assert inked > 20


def test_many_codes_narrow_the_stripes_then_scroll_sideways(qtbot, busy):
    w = busy(30, stacked=True)
    margin = w.transcript.margin
    qtbot.waitUntil(lambda: margin.hscroll.isVisible())
    margin.repaint()
    assert margin.stripe_w == 3
    assert len({p.key for p in margin.pieces}) == 30
    assert margin.columns * margin.column_width() > margin.area_width()
    # The far columns come into view with Shift+wheel (and the scroll bar).
    before = margin.hscroll.value()
    pos = QPointF(margin.area_x() + 5, 100)
    wheel = QWheelEvent(pos, QPointF(margin.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ShiftModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(margin, wheel)
    assert margin.hscroll.value() > before
    margin.hscroll.setValue(margin.hscroll.maximum())
    margin.repaint()
    last = max(margin.pieces, key=lambda p: margin.column_of[p.key])
    pt = stripe_point(margin, last.coding_id)
    assert margin.area_x() <= pt.x() < margin.area_x() + margin.area_width()
    assert pixel(margin, pt.x(), pt.y()) == w.transcript.formats_color(last.key)
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pt)
    assert w.transcript.current_coding == margin.codings_at(pt.x(), pt.y())[0]


def test_a_plain_wheel_over_the_margin_scrolls_the_text(qtbot, busy):
    w = busy(15)
    margin, bar = w.transcript.margin, w.transcript.verticalScrollBar()
    pos = QPointF(10, 100)
    wheel = QWheelEvent(pos, QPointF(margin.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(margin, wheel)
    assert bar.value() > 0


def test_click_makes_the_coding_current_and_a_later_code_click_codes_nothing(qtbot, window, reopen):
    view, margin = window.transcript, window.transcript.margin
    margin.repaint()
    piece = margin.pieces[0]
    span = view.index.spans[piece.coding_id]
    before = len(reopen().codings_in_document(window.current_document))
    select_text(view, "Interviewer")  # a selection the user made earlier
    scroll = view.verticalScrollBar().value()
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     stripe_point(margin, piece.coding_id))
    assert view.current_coding == piece.coding_id
    assert not view.textCursor().hasSelection() and view.located is None
    assert view.verticalScrollBar().value() == scroll
    assert window.code_tree.current_code() == span.code_id
    margin.repaint()
    pt = stripe_point(margin, piece.coding_id)  # the current coding's stripe is outlined
    outline = margin.palette().highlight().color()
    assert pixel(margin, pt.x() - 2, pt.y()) == outline
    other = next(c for c in window.code_panel.model.codes if c != span.code_id)
    click_code(qtbot, window, other)
    assert len(reopen().codings_in_document(window.current_document)) == before  # nothing coded
    window.actions["remove_coding"].trigger()  # Delete acts on the clicked coding
    assert piece.coding_id not in {c.id for c in reopen().codings_in_document(window.current_document)}


def test_hover_tells_code_path_coder_and_first_words(qtbot, window):
    view, margin = window.transcript, window.transcript.margin
    margin.repaint()
    piece = margin.pieces[0]
    span = view.index.spans[piece.coding_id]
    pt = stripe_point(margin, piece.coding_id)
    from PySide6.QtGui import QHelpEvent

    QApplication.sendEvent(margin, QHelpEvent(QEvent.Type.ToolTip, pt, margin.mapToGlobal(pt)))
    tip = QToolTip.text()
    coded = view.document().toPlainText()[span.start:span.end]
    assert view.code_names[span.code_id] in tip
    assert "(Ana)" in tip
    assert " ".join(coded.split()[:3]) in tip


def test_right_click_removes_the_coding_undoably_or_goes_to_its_code(qtbot, window, reopen):
    view, margin = window.transcript, window.transcript.margin
    margin.repaint()
    piece = margin.pieces[0]
    cid, code = piece.coding_id, view.index.spans[piece.coding_id].code_id
    chosen: dict = {}

    def answer(pick: str) -> None:
        """Choose `pick` in the menu once it is open (a QTimer, as a user's click would)."""

        def choose() -> None:
            menu = QApplication.activePopupWidget()
            if not isinstance(menu, QMenu):
                QTimer.singleShot(10, choose)
                return
            chosen["texts"] = [a.text() for a in menu.actions() if a.text()]
            action = next(a for a in menu.actions() if a.text() == pick)
            menu.close()
            action.trigger()

        QTimer.singleShot(0, choose)

    window.code_tree.select_code(next(c for c in window.code_panel.model.codes if c != code))
    answer("Go to code in tree")
    qtbot.mouseClick(margin, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, stripe_point(margin, cid))
    if "texts" not in chosen:  # offscreen Qt sends no context-menu event for a synthetic click
        margin.contextMenuEvent(_context_event(margin, stripe_point(margin, cid)))
    assert {"Remove this coding", "Go to code in tree"} <= set(chosen["texts"])
    assert window.code_tree.current_code() == code
    answer("Remove this coding")
    margin.contextMenuEvent(_context_event(margin, stripe_point(margin, cid)))
    assert cid not in {c.id for c in reopen().codings_in_document(window.current_document)}
    margin.repaint()
    assert cid not in {p.coding_id for p in margin.pieces}  # the stripe went with it
    window.actions["undo"].trigger()
    assert cid in {c.id for c in reopen().codings_in_document(window.current_document)}
    margin.repaint()
    assert cid in {p.coding_id for p in margin.pieces}


def _context_event(widget, pt: QPoint):
    from PySide6.QtGui import QContextMenuEvent

    return QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pt, widget.mapToGlobal(pt))


def test_coding_density_bar_shades_lines_by_their_number_of_codes(qtbot, busy):
    w = busy(15)
    margin = w.transcript.margin
    width = margin.width()
    action = w.actions["margin_density"]
    w.menus["View"].findChild(QMenu, "marginOptionsMenu").menuAction()  # the option lives in View
    action.trigger()
    assert margin.options["density"] and margin.width() > width
    margin.repaint()
    busiest = max(margin.line_counts, key=lambda r: r[2])
    empty = next(r for r in margin.line_counts if r[2] == 0)
    assert busiest[2] >= 5
    x = margin.density_x() + 2
    dark, light = pixel(margin, x, int((busiest[0] + busiest[1]) / 2)), pixel(margin, x, int((empty[0] + empty[1]) / 2))
    assert dark != light
    tip = margin.tooltip_at(x, int((busiest[0] + busiest[1]) / 2))
    assert tip == f"{busiest[2]} codes on this line"
    # Remembered: the next window's margin starts with density on.
    from npmdesk.ui.transcript_margin import TranscriptMargin

    assert TranscriptMargin(w.transcript).options["density"]
    # Stripes can be switched off: density instead of stripes.
    w.actions["margin_stripes"].trigger()
    margin.repaint()
    assert margin.area_width() == 0 and margin.columns == 0
    assert margin.width() < width


def test_stripes_by_coder_and_hiding_a_coder(qtbot, window, reopen):
    view, margin = window.transcript, window.transcript.margin
    margin.repaint()
    piece = margin.pieces[0]
    span = view.index.spans[piece.coding_id]
    ben = window.project.ensure_coder("Ben Okafor")
    window.run("Ben codes", lambda: (window.project.apply_coding(window.current_document, span.code_id,
                                                                 span.start, span.end, coder_id=ben), None)[1])
    window._load_document(window.current_document, keep_scroll=True)
    margin.repaint()
    assert len({p.key for p in margin.pieces if p.key == span.code_id}) == 1  # one stripe per code
    window.actions["margin_by_coder"].trigger()
    margin.repaint()
    keys = {p.key for p in margin.pieces if p.key[0] == span.code_id}
    ana = window.project.coder_by_name("Ana")
    assert keys == {(span.code_id, ana), (span.code_id, ben)}
    assert margin.label_of((span.code_id, ben)).startswith("BO · ")
    assert margin.label_of((span.code_id, ana)).startswith("An · ")
    window.team.show_coder(ben, False)  # View > Show codings by coder: Ben unticked
    margin.repaint()
    assert (span.code_id, ben) not in {p.key for p in margin.pieces}
    assert (span.code_id, ana) in {p.key for p in margin.pieces}
    window.team.show_coder(ben, True)
    margin.repaint()
    assert (span.code_id, ben) in {p.key for p in margin.pieces}


def test_the_margin_widens_when_new_codes_need_more_columns(qtbot, window):
    focus = next(d.id for d in window.document_list if d.name == "Focus group")
    window.open_document(focus)
    view, margin = window.transcript, window.transcript.margin
    assert not view.index.spans
    width = margin.width()
    codes = list(window.code_panel.model.codes)[:3]
    for code, phrase in zip(codes, ("More structured feedback", "structured feedback", "feedback sessions")):
        select_text(view, phrase)  # three overlapping passages, coded by clicks on the code tree
        click_code(qtbot, window, code)
    qtbot.waitUntil(lambda: margin.width() > width)
    margin.repaint()
    assert {p.key for p in margin.pieces} == set(codes)
    assert margin.columns == 3 and not margin.hscroll.isVisible()
    assert view.viewportMargins().left() == margin.width()  # the text moved over with it
