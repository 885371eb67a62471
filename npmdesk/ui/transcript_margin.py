"""The viewer's left margin: paragraph numbers, a labelled stripe per code (as MAXQDA and NVivo draw
them) and, on request, a coding-density bar.

Every code on screen gets a stripe, in a column shared with codes it never meets (core/stripe_layout);
each stripe runs from the first to the last line of its coded characters (measured in the text
layout) and carries the code's name at its top. When many codes are on screen the stripes narrow to
3 px, then the stripe area scrolls sideways (a scroll bar under it, or Shift+wheel). A click on a
stripe makes its coding the current one, selecting no text (a later click on a code codes nothing); hover
tells code path, coder and first words; right-click offers Remove this coding / Go to code in tree.

Painting costs what is on screen: only the visible blocks' codings are measured, and a block's
measurements are kept until its codings or its lines change (a coding re-measures its own
paragraphs only). The columns of a screen are kept until its measurements change, and the view
asks for no repaint when nothing the margin shows changed (a drag-selection, a blinking cursor).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QPainter, QPen, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QScrollBar, QToolTip, QWidget

from npmdesk import settings
from npmdesk.core.model import split_path
from npmdesk.core.stripe_layout import (
    coder_initials,
    columns_needed,
    density,
    layout_stripes,
    merge_runs,
    stripe_width,
)

STRIPE_WIDTHS = (5, 4, 3)  # px: stripes narrow in these steps before the area scrolls
MAX_AREA = 128  # px: the stripe area never takes more of the viewer than this; beyond, it scrolls
MIN_LABEL = 48  # px kept below each stripe's top for its label before another code shares the column
DENSITY_W = 7
SCROLLBAR_H = 10
LABEL_PX = 9  # label font pixel size
OPTIONS = {"stripes": True, "density": False, "by_coder": False}
SETTINGS_KEY = "transcript_margin"
MENU_WORDS = 32  # characters of a coding's text in its right-click menu header
HEAVY = 1500  # codings: above this a document's columns are estimated from its number of codes


class Piece(NamedTuple):
    """One coding as measured on screen."""

    coding_id: int
    key: object  # code id, or (code id, coder id) with stripes by coder
    top: float
    bottom: float


class TranscriptMargin(QWidget):
    """Signals: removeCodingRequested(coding id), goToCodeRequested(code id)."""

    removeCodingRequested = Signal(int)
    goToCodeRequested = Signal(int)

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.setObjectName("transcriptMargin")
        self.setMouseTracking(True)
        stored = settings.load().get(SETTINGS_KEY)
        stored = stored if isinstance(stored, dict) else {}
        self.options = {k: bool(stored.get(k, v)) for k, v in OPTIONS.items()}
        self.label_font = QFont(self.font())
        self.label_font.setPixelSize(LABEL_PX)
        self.lane = QFontMetrics(self.label_font).height()  # a rotated label's width beside its stripe
        self.project_source: Callable[[], object] | None = None  # the open Project (install_margin_menu)
        self._coders_of: dict[int, int] = {}  # coding id -> coder id, read for the open document
        self._coders_doc: tuple | None = None
        self.coder_names: dict[int, str] = {}
        self.initials: dict[int, str] = {}
        self._labels: dict = {}
        self._labels_for: dict | None = None
        self.hscroll = QScrollBar(Qt.Orientation.Horizontal, self)
        self.hscroll.setObjectName("marginScroll")
        self.hscroll.setToolTip("More code stripes: scroll sideways (or Shift+wheel over the stripes)")
        self.hscroll.valueChanged.connect(lambda *_: self.update())
        self.hscroll.hide()
        self._hint_cache: tuple | None = None
        self._seen_columns = 0  # the most columns a screen of this document has needed
        self._growing = False
        # The last paint's measurements, for hover, click and menu (and for tests).
        self.pieces: list[Piece] = []
        self.column_of: dict = {}
        self.columns = 0
        self.stripe_w = STRIPE_WIDTHS[0]
        self.line_counts: list[tuple[float, float, int]] = []  # density: (top, bottom, codes) per line
        self.last_paint_ms = 0.0
        self.paints = 0  # paint events so far (tests: what a gesture repaints)
        # Per block number: (its entries list, its lines, its codings measured from the block's top).
        self._measured: dict[int, tuple[list, tuple, list]] = {}
        self._screen: tuple | None = None  # (what the screen's pieces were measured from, pieces, lines)
        self._stripes: tuple | None = None  # (pieces, order, height, layout): the last paint's columns
        self.painted_state: tuple | None = None  # `state()` at the last paint

    # Geometry ------------------------------------------------------------------------------------

    def numbers_width(self) -> int:
        digits = len(str(max(1, len(self.view.paragraph_numbers))))
        return self.fontMetrics().horizontalAdvance("9") * (digits + 1) + 4

    def column_width(self, stripe: int | None = None) -> int:
        return (self.stripe_w if stripe is None else stripe) + self.lane + 2

    def density_x(self) -> int:
        return self.numbers_width()

    def area_x(self) -> int:
        return self.numbers_width() + (DENSITY_W + 2 if self.options["density"] else 0) + 2

    def area_width(self) -> int:
        """The stripe area: room for the columns this document needs at full width, at most MAX_AREA."""
        if not self.options["stripes"]:
            return 0
        return min(MAX_AREA, max(1, self._document_columns()) * self.column_width(STRIPE_WIDTHS[0]))

    def _document_columns(self) -> int:
        """Columns the open document needs, estimated from its codings' character spans (a
        label's room counted in characters of text), or from its number of codes when heavily
        coded; at least as many as a screen has needed. Cached until the codings change."""
        index = self.view.index
        if index is None:
            return 0
        by_coder = self.options["by_coder"]
        cap = MAX_AREA // self.column_width(STRIPE_WIDTHS[-1]) + 1
        heavy = len(index.spans) > HEAVY
        # Heavily coded, the estimate is the number of codes (kept by the index: no count over the
        # codings per coding); else it is measured again whenever the codings change.
        codes = index.code_count() if heavy else 0
        by_codes = heavy and (not by_coder or codes >= cap)  # a code's coders only add keys
        stamp = (self.view.document_id, id(index), by_coder, min(cap, codes) if by_codes else index.version)
        if self._hint_cache is None or self._hint_cache[0] != stamp:
            if self._hint_cache is None or self._hint_cache[0][:2] != stamp[:2]:
                self._seen_columns = 0  # another document
            spans = index.spans.values()
            if by_codes:
                count = min(cap, codes)
            elif heavy:
                keys: set = set()
                for s in spans:  # stripes by coder, few codes: count keys up to the cap
                    keys.add(self.key_of(s.code_id, s.coding_id))
                    if len(keys) >= cap:
                        break
                count = min(cap, len(keys))
            else:
                # Claims in characters: a label's room is about MIN_LABEL px of lines of text.
                fm = self.view.fontMetrics()
                # The view's own width (not its viewport's, which this margin narrows): the estimate
                # must not change with the width it decides.
                per_line = max(20.0, (self.view.width() - 60) / max(1, fm.averageCharWidth()))
                room = MIN_LABEL / max(1, fm.lineSpacing()) * per_line
                intervals = [(self.key_of(s.code_id, s.coding_id), s.start, s.end) for s in spans]
                count = columns_needed(intervals, self._order({k for k, _, _ in intervals}), room, cap)
            self._hint_cache = (stamp, count)
        return max(self._hint_cache[1], self._seen_columns)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.area_x() + self.area_width() + (2 if self.options["stripes"] else 0), 0)

    def relayout(self) -> None:
        """Take the width the options and codes need (the view's margin follows it)."""
        if self._hint_cache is not None:
            self._hint_cache = (self._hint_cache[0][:2] + (None, None), 0)  # recount, same document
        width = self.sizeHint().width()
        view = self.view
        view.setViewportMargins(width, 0, 0, 0)
        cr = view.contentsRect()
        self.setGeometry(cr.left(), cr.top(), width, cr.height())
        self.update()

    def scroll(self, dx: int, dy: int) -> None:  # type: ignore[override]
        """The view scrolled: redraw (labels stay at the top of the screen, columns follow the codes)."""
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_scrollbar()

    def _place_scrollbar(self) -> None:
        self.hscroll.setGeometry(self.area_x(), self.height() - SCROLLBAR_H, self.area_width(), SCROLLBAR_H)

    # Options -------------------------------------------------------------------------------------

    def set_option(self, name: str, on: bool) -> None:
        if self.options.get(name) == bool(on):
            return
        self.options[name] = bool(on)
        data = settings.load()
        data[SETTINGS_KEY] = dict(self.options)
        try:
            settings.save(data)
        except OSError:
            pass  # an unwritable config dir: the option still holds for this session
        if name == "by_coder":
            self.forget_coders()
        self.relayout()

    def forget_coders(self) -> None:
        self._labels_for = None
        self.coder_names = {}
        self.initials = {}
        self._coders_of = {}
        self._coders_doc = None

    def _project(self):
        return self.project_source() if self.project_source is not None else None

    def _coder_name(self, coder_id) -> str:
        if coder_id is not None and coder_id not in self.coder_names:
            project = self._project()
            if project is not None:
                self.coder_names = {c["id"]: c["name"] for c in project.coders()}
                self.initials = coder_initials(self.coder_names)
        return self.coder_names.get(coder_id, "")

    def coder_of(self, coding_id: int) -> int | None:
        """Who made a coding. The view keeps no coders (hiding a coder filters before it), so they
        are read from the project once per document, and again for codings made since."""
        doc = (self.view.document_id, id(self.view.index))
        if doc != self._coders_doc or coding_id not in self._coders_of:
            project = self._project()
            if project is None or self.view.document_id is None:
                return None
            columns = project.coding_spans(self.view.document_id)
            self._coders_of = dict(zip(columns.ids, columns.coder_ids))
            self._coders_doc = doc
        return self._coders_of.get(coding_id)

    def key_of(self, code_id: int, coding_id: int):
        if self.options["by_coder"]:
            return (code_id, self.coder_of(coding_id))
        return code_id

    def label_of(self, key) -> str:
        """The code's name (its last path part), after the coder's initials with stripes by coder."""
        names = self.view.code_names
        if self._labels_for is not names:  # the view makes a new dict when codes change
            self._labels, self._labels_for = {}, names
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = self._label(key)
        return label

    def _label(self, key) -> str:
        code_id, coder = key if isinstance(key, tuple) else (key, None)
        path = self.view.code_names.get(code_id, "?")
        name = split_path(path)[-1] if path else "?"
        if coder is None:
            return name
        self._coder_name(coder)
        return f"{self.initials.get(coder, '?')} · {name}"

    # Measuring -----------------------------------------------------------------------------------

    def visible_blocks(self):
        """(block, top, bottom) for each block on screen."""
        view = self.view
        block = view.firstVisibleBlock()
        offset = view.contentOffset()
        height = view.viewport().height()
        while block.isValid():
            geo = view.blockBoundingGeometry(block).translated(offset)
            if geo.top() > height:
                break
            if block.isVisible():
                yield block, geo.top(), geo.bottom()
            block = block.next()

    def measure(self, blocks) -> tuple[list[Piece], list[tuple[float, float]]]:
        """Each on-screen coding's extent from the first to the last line of its characters, and the
        screen's lines (for density).

        A block's codings are measured against its lines (each line's first character, top and
        height, read from its layout: a few per paragraph) in Python, and kept with the entries
        list and lines they came from: the index gives a block a new entries list whenever its
        codings change, so a block is measured again only when its codings or its lines did."""
        index = self.view.index
        extent: dict[int, list] = {}
        lines: list[tuple[float, float]] = []
        want_lines = self.options["density"]
        cache = self._measured
        kept: dict[int, tuple[list, tuple, list]] = {}
        used: list = []
        for block, top, _bottom in blocks:
            layout = block.layout()
            count = layout.lineCount()
            if count == 0:
                continue
            shape = []
            for i in range(count):
                line = layout.lineAt(i)
                shape.append((line.textStart(), line.y(), line.height()))
            shape_t = tuple(shape)
            if want_lines:
                lines.extend((top + y, top + y + h) for _s, y, h in shape_t)
            number = block.blockNumber()
            entries = index.entries(number) if index is not None else []
            if not entries:
                continue
            held = cache.get(number)
            if held is not None and held[0] is entries and held[1] == shape_t:
                local = held[2]
            else:
                local = _measure_block(entries, shape_t)
            kept[number] = (entries, shape_t, local)
            used.append((number, top, local))
        self._measured = kept  # the blocks on screen only
        by_coder = self.options["by_coder"]
        screen = self._screen
        if (screen is not None and screen[0][0] == by_coder and len(screen[0][1]) == len(used)
                and all(a[0] == b[0] and a[1] == b[1] and a[2] is b[2] for a, b in zip(screen[0][1], used))):
            return screen[1], lines  # the same blocks at the same places, nothing re-measured
        for _number, top, local in used:
            for cid, code, y0, y1 in local:
                y0 += top
                y1 += top
                known = extent.get(cid)
                if known is None:
                    extent[cid] = [code, y0, y1]
                else:
                    if y0 < known[1]:
                        known[1] = y0
                    if y1 > known[2]:
                        known[2] = y1
        pieces = [Piece(cid, self.key_of(code, cid), y0, y1) for cid, (code, y0, y1) in extent.items()]
        self._screen = ((by_coder, used), pieces)
        return pieces, lines

    def state(self) -> tuple:
        """What the margin shows depends on, short of the lines of the blocks on screen (which
        change only with the text, its width or font, or with codings, code colours or speaker
        labels, all of which are in here or repaint the margin themselves): the view asks for
        no repaint while this is what was painted (a selection, the text cursor blinking)."""
        return self._quick_state() + self._rest_state()

    def _quick_state(self) -> tuple:
        # What changes while a document is opened or re-laid out, compared first (a few calls):
        # a paragraph laid out (as every one is when a document opens) asks the view to repaint.
        view = self.view
        index = view.index
        document = view.document()
        # The objects themselves, not their ids (a new one may take a freed one's id): the same
        # object compares at once, another by its contents.
        return (index, index.version if index is not None else None, document.revision(),
                document.blockCount(), view.verticalScrollBar().value())

    def _rest_state(self) -> tuple:
        view = self.view
        viewport = view.viewport()
        return (view.document_id, view.verticalScrollBar().maximum(), viewport.width(), viewport.height(),
                self.width(), self.height(), view.font().key(), view.current_coding, view.code_names,
                view.code_order, view.formats.rgb, view.paragraph_numbers, tuple(self.options.values()),
                self.hscroll.value(), self.hscroll.isVisible(), self._growing)

    def unchanged(self) -> bool:
        """Is what the margin shows what it last painted? (`state()`, the quick part first.)"""
        held = self.painted_state
        if held is None:
            return False
        quick = self._quick_state()
        return held[:len(quick)] == quick and held[len(quick):] == self._rest_state()

    def _order(self, keys) -> list:
        order = self.view.code_order

        def rank(key):
            code, coder = key if isinstance(key, tuple) else (key, 0)
            return (order.get(code, len(order) + code), coder or 0)

        return sorted(keys, key=rank)

    # Painting ------------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        import time

        started = time.perf_counter()
        self.paints += 1
        if self.sizeHint().width() != self.width() and not self._growing:
            self._growing = True  # codes came or went: take the new width after this paint
            QTimer.singleShot(0, self._grow)
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(event.rect(), pal.window())
        blocks = list(self.visible_blocks())
        self._paint_numbers(painter, blocks)
        pieces, lines = self.measure(blocks)
        if self.options["density"]:
            self._paint_density(painter, lines, merge_runs((p.key, p.top, p.bottom) for p in pieces))
        else:
            self.line_counts = []
        self.pieces = pieces
        if self.options["stripes"]:
            self._paint_stripes(painter, pieces)
        else:
            self.column_of, self.columns = {}, 0
            self.hscroll.hide()
        painter.end()
        self.painted_state = self.state()
        self.last_paint_ms = (time.perf_counter() - started) * 1000

    def _paint_numbers(self, painter: QPainter, blocks) -> None:
        pal = self.palette()
        numbers = self.view.paragraph_numbers
        x0 = self.numbers_width()
        fm_h = self.fontMetrics().height()
        painter.setPen(pal.placeholderText().color())
        for block, top, _bottom in blocks:
            number = numbers.get(block.blockNumber())
            if number is not None:
                painter.drawText(QRect(0, int(top), x0 - 6, fm_h), Qt.AlignmentFlag.AlignRight, str(number))

    def _paint_density(self, painter: QPainter, lines, runs) -> None:
        counts = density(lines, runs)
        self.line_counts = [(t, b, n) for (t, b), n in zip(lines, counts)]
        x = self.density_x()
        base = self.palette().text().color()
        painter.fillRect(QRect(x, 0, DENSITY_W, self.height()), self.palette().base())
        for (top, bottom), n in zip(lines, counts):
            if n:
                shade = QColor(base)
                shade.setAlphaF(min(1.0, 0.18 + 0.16 * (n - 1)))  # 1 code: light; 6 or more: full
                painter.fillRect(QRect(x, int(top), DENSITY_W, max(1, int(bottom) - int(top))), shade)

    def _paint_stripes(self, painter: QPainter, pieces: list[Piece]) -> None:
        view = self.view
        height = self.height()
        area_x = self.area_x()
        area_w = max(0, min(self.area_width(), self.width() - area_x - 2))  # until the new width is taken
        # First the columns at full width; the screen's columns decide how wide the stripes can be.
        # They are kept while the screen's pieces, the codes' order and the height are.
        held = self._stripes
        if held is not None and held[0] is pieces and held[1] is view.code_order and held[2] == height:
            layout = held[3]
        else:
            keys = {p.key for p in pieces}
            layout = layout_stripes(((p.key, p.top, p.bottom) for p in pieces), self._order(keys),
                                    view_top=0, view_bottom=height, min_extent=MIN_LABEL, resolution=1)
            self._stripes = (pieces, view.code_order, height, layout)
        self.column_of, self.columns = layout.column_of, layout.columns
        self.stripe_w = stripe_width(layout.columns, area_w, self.lane + 2, STRIPE_WIDTHS)
        col_w = self.column_width()
        content = layout.columns * col_w
        if content > area_w:
            if area_w < MAX_AREA and not self._growing and layout.columns > self._seen_columns:
                self._seen_columns = layout.columns  # more than estimated: widen once, after this paint
                self._growing = True
                QTimer.singleShot(0, self._grow)
            self.hscroll.setRange(0, content - area_w)
            self.hscroll.setPageStep(area_w)
            self.hscroll.setSingleStep(col_w)
            if not self.hscroll.isVisible():
                self._place_scrollbar()
                self.hscroll.show()
            bottom_limit = height - SCROLLBAR_H
        else:
            self.hscroll.hide()
            self.hscroll.setValue(0)
            bottom_limit = height
        shift = self.hscroll.value() if self.hscroll.isVisible() else 0
        painter.save()
        painter.setClipRect(QRect(area_x - 2, 0, area_w + 2, bottom_limit))  # room for an outline
        s = self.stripe_w
        current = view.current_coding
        highlight = self.palette().highlight().color()
        # Only the columns scrolled into view are drawn.
        first_col, last_col = shift // col_w, (shift + area_w) // col_w
        shown = [p for p in pieces if first_col <= self.column_of[p.key] <= last_col]
        colours: dict[int, QColor] = {}
        for p in sorted(shown, key=lambda p: p.bottom - p.top, reverse=True):  # short ones on top
            x = area_x + self.column_of[p.key] * col_w - shift
            code: int = p.key[0] if isinstance(p.key, tuple) else p.key  # type: ignore[assignment]
            rect = QRect(x, int(p.top), s, max(2, int(p.bottom) - int(p.top) - 1))
            colour = colours.get(code)
            if colour is None:
                colour = colours[code] = view.formats_color(code)
            painter.fillRect(rect, colour)
            if p.coding_id == current:
                painter.setPen(QPen(highlight, 2))
                painter.drawRect(rect.adjusted(-1, -1, 1, 1))
        painter.setFont(self.label_font)
        fm = QFontMetrics(self.label_font)
        painter.setPen(self.palette().text().color())
        least = fm.horizontalAdvance("Abc…")  # a label cut shorter than this says nothing
        for run in layout.runs:
            room = int(run.label_room) - 4
            if room < least or not first_col <= run.column <= last_col:
                continue
            text = fm.elidedText(self.label_of(run.key), Qt.TextElideMode.ElideRight, room)
            x = area_x + run.column * col_w - shift + s + 1
            painter.save()
            painter.translate(x, int(run.label_top) + 2)
            painter.rotate(90)  # reads top to bottom, beside the stripe's top
            painter.drawText(QRect(0, -self.lane, room, self.lane), Qt.AlignmentFlag.AlignVCenter, text)
            painter.restore()
        painter.restore()

    def _grow(self) -> None:
        self._growing = False
        self.relayout()

    # Hit testing, hover, click, menu ---------------------------------------------------------------

    def codings_at(self, x: int, y: int) -> list[int]:
        """The codings whose stripe (or its label lane) is under (x, y), shortest first."""
        if not self.options["stripes"]:
            return []
        area_x, area_w = self.area_x(), self.area_width()
        if not area_x <= x < area_x + area_w:
            return []
        shift = self.hscroll.value() if self.hscroll.isVisible() else 0
        col = (x - area_x + shift) // self.column_width()
        hits = [p for p in self.pieces if self.column_of.get(p.key) == col and p.top <= y < p.bottom]
        return [p.coding_id for p in sorted(hits, key=lambda p: (p.bottom - p.top, p.coding_id))]

    def first_words(self, coding_id: int, limit: int = 90) -> str:
        view = self.view
        span = view.index.spans.get(coding_id) if view.index is not None else None
        if span is None or view.positions is None:
            return ""
        a, b = view.positions.span_to_qt(span.start, span.end)
        cur = QTextCursor(view.document())
        cur.setPosition(a)
        cur.setPosition(min(b, a + limit + 40), QTextCursor.MoveMode.KeepAnchor)
        text = " ".join(cur.selectedText().replace("\u2029", " ").split())
        if len(text) > limit or b > a + limit + 40:
            text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-– ") + "…"  # "was vague…", not "vague,…"
        return text

    def describe(self, coding_id: int) -> str:
        view = self.view
        span = view.index.spans.get(coding_id) if view.index is not None else None
        if span is None:
            return ""
        path = view.code_names.get(span.code_id, "?")
        coder = self._coder_name(self.coder_of(coding_id))
        head = f"{path}  ({coder})" if coder else path
        return f"{head}\n“{self.first_words(coding_id)}”"

    def tooltip_at(self, x: int, y: int) -> str:
        hits = self.codings_at(x, y)
        if not hits:
            row = next((n for t, b, n in self.line_counts if t <= y < b), None)
            if row is not None and self.density_x() <= x < self.density_x() + DENSITY_W:
                return f"{row} code{'s' if row != 1 else ''} on this line"
            return ""
        text = "\n\n".join(self.describe(c) for c in hits[:4])
        if len(hits) > 4:
            text += f"\n\n… and {len(hits) - 4} more"
        return text + "\n\nClick: show this coding · Right-click: remove, go to code"

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            tip = self.tooltip_at(event.pos().x(), event.pos().y())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        p = event.position().toPoint()
        on = bool(self.codings_at(p.x(), p.y()))
        self.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        p = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton:
            hits = self.codings_at(p.x(), p.y())
            if hits:
                self.select_coding(hits[0])
                event.accept()
                return
        super().mousePressEvent(event)

    def select_coding(self, coding_id: int) -> None:
        """What a click on a coded passage does: the coding becomes the current one (outlined in
        the text and the margin; Delete, Ctrl+E and the Code menu act on it) and its code is shown
        in the tree. Any selection is dropped, and nothing is selected in its place: a later click
        on a code codes nothing (issue 18.1); the text stays where it was."""
        view = self.view
        if view.index is None or coding_id not in view.index.spans:
            return
        bar = view.verticalScrollBar()
        keep = bar.value()
        cur = view.textCursor()
        if cur.hasSelection():
            cur.clearSelection()
            view.setTextCursor(cur)
        view.located = None  # an earlier jump's passage is no longer what Enter would code
        bar.setValue(keep)
        view.set_current_coding(coding_id)
        view.codingClicked.emit(coding_id)
        self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802
        delta = event.angleDelta()
        sideways = delta.x() or (delta.y() if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0)
        if sideways and self.hscroll.isVisible():
            steps = max(1, abs(sideways) // 120)
            self.hscroll.setValue(self.hscroll.value() - (steps if sideways > 0 else -steps) * self.column_width())
            event.accept()
            return
        QApplication.sendEvent(self.view.viewport(), event)  # a plain wheel scrolls the text

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        hits = self.codings_at(event.pos().x(), event.pos().y())
        if not hits:
            event.ignore()
            return
        self.coding_menu(hits).exec(event.globalPos())

    def coding_menu(self, hits: list[int]) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("marginMenu")
        view = self.view
        for cid in hits[:6]:
            span = view.index.spans.get(cid)
            if span is None:
                continue
            if len(hits) > 1:
                coder = self._coder_name(self.coder_of(cid))
                words = self.first_words(cid, limit=MENU_WORDS)  # two codings of one code read apart
                menu.addSection(view.code_names.get(span.code_id, "?") + (f" ({coder})" if coder else "")
                                + (f" “{words}”" if words else ""))
            remove = QAction("Remove this coding", menu)
            remove.triggered.connect(lambda *_, c=cid: self.removeCodingRequested.emit(c))
            go = QAction("Go to code in tree", menu)
            go.triggered.connect(lambda *_, c=span.code_id: self.goToCodeRequested.emit(c))
            menu.addAction(remove)
            menu.addAction(go)
        return menu


def _measure_block(entries, shape: tuple) -> list[tuple[int, int, float, float]]:
    """(coding id, code, top, bottom) from the block's top for each of a block's entries (UTF-16
    start, end, code, coding id), given its lines as (first character, top, height): a coding
    runs from the line holding its first character to the one holding its last, as
    QTextLayout.lineForTextPosition finds them (a position past the text is on the last line)."""
    starts = [s for s, _y, _h in shape]
    out = []
    for a, z, code, cid in entries:
        i = max(0, bisect_right(starts, a) - 1)
        j = max(0, bisect_right(starts, z - 1) - 1) if z > a else i
        _s, y0, _h = shape[i]
        _s, y1, h1 = shape[j]
        out.append((cid, code, y0, y1 + h1))
    return out


def install_margin_menu(w) -> QMenu:
    """View > Transcript margin (stripes, density, by coder), and the margin's menu wired to the window."""
    margin: TranscriptMargin = w.transcript.margin
    menu = w.menus["View"].addMenu("Transcript &margin")
    menu.setObjectName("marginOptionsMenu")
    for name, text, tip in (
            ("stripes", "Code &stripes", "A labelled stripe beside the text for each code"),
            ("density", "Coding &density", "A bar shaded by how many codes each line has"),
            ("by_coder", "Stripes by &coder", "One stripe per code and coder, labelled with the coder's initials")):
        action = QAction(text, w)
        action.setCheckable(True)
        action.setChecked(margin.options[name])
        action.setStatusTip(tip)
        action.toggled.connect(lambda on, n=name: margin.set_option(n, on))
        menu.addAction(action)
        w.actions[f"margin_{name}"] = action
    margin.project_source = lambda: w.project
    w.projectSwitched.connect(margin.forget_coders)
    margin.removeCodingRequested.connect(lambda cid: w.coding.remove_coding(cid))

    def go_to_code(code_id: int) -> None:
        w.docks["codesDock"].show()
        w.docks["codesDock"].raise_()
        w.code_tree.select_code(code_id)
        w.code_tree.setFocus()

    margin.goToCodeRequested.connect(go_to_code)
    return menu
