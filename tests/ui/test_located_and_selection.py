"""Issue 18.1 and 18.7 in the real window: a passage the program found is located, not selected, and a
click on a code never codes it; mouse selections snap as a reader sees words and draw what is coded."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from tests.ui.conftest import click_code, code_id, select_text


def stored(reopen, doc):
    p = reopen()
    text = p.document_text(doc)
    return sorted((c.code_id, text[c.start:c.end]) for c in p.codings_in_document(doc))


def point_of(view, phrase: str, offset: int = 0, occurrence: int = 0) -> QPoint:
    text = view.document().toPlainText()
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    cur = QTextCursor(view.document())
    cur.setPosition(len(text[:at + offset].encode("utf-16-le")) // 2)
    rect = view.cursorRect(cur)
    return QPoint(rect.x() + 1, rect.center().y())


def drag(qtbot, view, a: QPoint, b: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, modifier, a)
    qtbot.mouseMove(vp, QPoint((a.x() + b.x()) // 2, b.y()))
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, modifier, b)


def test_search_hit_jump_then_code_click_stores_nothing(qtbot, window, reopen):
    doc = window.current_document
    b = code_id(window, "Teaching consolidates knowledge")
    before = stored(reopen, doc)
    text = reopen().document_text(doc)
    at = text.index("the system is part")
    window.excerpts.jumpTo.emit(doc, at, at + len("the system"))  # what a search hit's double-click sends
    t = window.transcript
    assert t.located == (at, at + len("the system")) and not t.textCursor().hasSelection()
    click_code(qtbot, window, b)
    assert stored(reopen, doc) == before
    # A number key is explicit: code 1 is the first code applied, so give b a key first.
    window.remember_code(b)
    t.setFocus()
    qtbot.keyClick(t, Qt.Key.Key_1)
    assert (window.recent_codes[0], "the system") in stored(reopen, doc)


def test_a_user_selection_after_a_jump_codes_on_click(qtbot, window, reopen):
    doc = window.current_document
    b = code_id(window, "Teaching consolidates knowledge")
    text = reopen().document_text(doc)
    at = text.index("the system is part")
    window.jump_to(doc, at, at + 10)
    select_text(window.transcript, "anatomy exam")
    assert window.transcript.located is None
    click_code(qtbot, window, b)
    assert (b, "anatomy exam") in stored(reopen, doc)


def test_drag_snaps_and_draws_what_is_coded(qtbot, window, reopen):
    t = window.transcript
    t.setFocus()
    phrase = "Nobody tells you that the system"
    drag(qtbot, t, point_of(t, phrase, 2), point_of(t, phrase, len(phrase) - 2))
    assert t.textCursor().selectedText() == phrase  # drawn = snapped
    assert t.document().toPlainText()[slice(*t.selected_span())] == phrase


def test_drag_inside_selection_starts_a_new_selection(qtbot, window):
    t = window.transcript
    select_text(t, "Nobody tells you that the system is part of the curriculum")
    phrase = "tells you"
    drag(qtbot, t, point_of(t, phrase, 1), point_of(t, phrase, len(phrase) - 1))
    assert t.textCursor().selectedText() == "tells you"


def test_alt_drag_selects_exact_characters(qtbot, window, reopen):
    doc = window.current_document
    t = window.transcript
    phrase = "Nobody tells you"
    drag(qtbot, t, point_of(t, phrase, 2), point_of(t, phrase, 9), Qt.KeyboardModifier.AltModifier)
    assert t.textCursor().selectedText() == "body te"
    code = code_id(window, "Seeing the system")
    click_code(qtbot, window, code)
    assert (code, "body te") in stored(reopen, doc)


def test_a_located_passage_that_is_also_the_current_coding_keeps_its_words_visible(qtbot, window):
    """Found by the stripes work: a jump's mark under the current coding's outline left the words
    invisible (the rectangle painted, no text)."""
    from PySide6.QtGui import QTextCursor

    t = window.transcript
    coding_id, span = next(iter(t.index.spans.items()))
    t.locate(span.start, span.end)
    t.set_current_coding(coding_id)
    qtbot.wait(20)
    image = t.viewport().grab().toImage()
    a, _ = t.positions.span_to_qt(span.start, span.start)
    cur = QTextCursor(t.document())
    cur.setPosition(a)
    rect = t.cursorRect(cur)
    dark = sum(1 for x in range(rect.x(), min(rect.x() + 120, image.width()))
               for y in range(rect.y(), rect.y() + rect.height())
               if image.pixelColor(x, y).lightness() < 90)
    assert dark > 40  # glyphs of the first words are drawn
