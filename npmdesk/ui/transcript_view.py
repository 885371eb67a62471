"""The transcript viewer: read-only text, coded ranges in colour, margin stripes, hover and click.

Codings are held in a CodingIndex; `set_codings` diffs the new list against it and re-highlights
only the paragraphs whose codings changed. Transient marks (the current coding, search hits) are
ExtraSelections, which are cheap for a handful of ranges.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from npmdesk.core.paragraphs import Paragraphs
from npmdesk.core.text_edits import diff_edit, edit_bounds, span_map
from npmdesk.ui import mime as mimes
from npmdesk.core.coding_index import CodingIndex, Span, SpanColumns, positions_after_edit, positions_for
from npmdesk.ui.document_runs import document_runs, window_runs
from npmdesk.ui.highlighter import CodingHighlighter, FormatCache
from npmdesk.core.positions import TextPositions
from npmdesk.ui.transcript_margin import TranscriptMargin
from npmdesk.core.word_snap import snap_to_words

__all__ = ["TranscriptView", "snap_to_words"]


LAZY_CODINGS = 1500  # above this many codings a transcript is coloured visible-first
LAZY_STEP = 400  # paragraphs coloured per background step at most
LAZY_BATCH = 100  # paragraphs with their runs made coloured in one pass of Qt's highlighter (~2 ms)
PAGE_SWEEP = 200  # codings listed on the page from which one sweep of them beats one per paragraph
LAZY_BUDGET = 0.008  # seconds of colouring per background step: with the repaint it causes, a step
# stays within a 16 ms frame, so scrolling and gestures never wait for the colouring
REFRESH_LIMIT = 20_000  # characters changed above which (and above a quarter of the text) a reload is fresh


def _paragraph_numbers(text: str) -> dict[int, int]:
    """Paragraph numbers count the lines that have text (as every report does)."""
    paragraphs = Paragraphs(text)
    upto = paragraphs.upto
    return {b: upto[b] for b, filled in enumerate(paragraphs.filled) if filled}


def _filled(text: str, span: tuple[int, int]) -> bool:
    return bool(text[span[0]:span[1]].strip())


class TranscriptView(QPlainTextEdit):
    """Signals: codingClicked(coding_id), quickCode(n 1..9), contextMenuAt(global QPoint, cp|None)."""

    codingClicked = Signal(int)
    quickCode = Signal(int)
    contextMenuAt = Signal(QPoint, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("transcriptView")
        self.setReadOnly(True)
        # Shown only while no transcript is open (an empty project, or none chosen yet).
        self.setPlaceholderText("Choose a transcript on the left, or import transcripts: File > Import "
                                "transcripts… (Ctrl+Shift+I), or drop the files on this window.")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.setAcceptDrops(False)  # files dropped here go to the window (import)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setAccessibleName("Transcript")
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.document_id: int | None = None
        self.positions: TextPositions | None = None
        self.index: CodingIndex | None = None
        self.highlighter: CodingHighlighter | None = None
        self.code_names: dict[int, str] = {}
        self.code_order: dict[int, int] = {}
        self.current_coding: int | None = None
        self.paragraph_numbers: dict[int, int] = {}
        self.formats = FormatCache()
        self._search_marks: list[tuple[int, int]] = []
        self.margin = TranscriptMargin(self)
        self.blockCountChanged.connect(self._update_margin_width)
        self.updateRequest.connect(self._update_margin)
        self._update_margin_width()
        self._text = ""
        # True once the current selection has been coded; a new selection makes it False again.
        self.selection_coded = False
        self.selectionChanged.connect(self._selection_changed)
        # A passage the program showed (jump to an excerpt, a search hit, a stripe): drawn as a
        # "located" mark, not a selection, so a click on a code never codes it by accident.
        self.located: tuple[int, int] | None = None
        self.exact_selection = False  # True for an Alt-drag or keyboard selection: no snapping
        self._snapping = False
        self._lazy_order: list[int] = []
        self._lazy_timer = QTimer(self)
        self._lazy_timer.setInterval(0)
        self._lazy_timer.timeout.connect(self._colour_some)
        self.paste_text = None  # edit mode: callable(text) that saves a paste (ui/transcript_edit.py)

    # Text changes only from the store ------------------------------------------------------------

    def canInsertFromMimeData(self, source) -> bool:  # noqa: N802
        return self.paste_text is not None and source.hasText()

    def insertFromMimeData(self, source) -> None:  # noqa: N802
        """Every paste Qt makes (Ctrl+V, the middle button's selection paste on Linux, a drop)
        goes through the store as one undoable edit, or nowhere."""
        if self.paste_text is not None and source.hasText():
            self.paste_text(source.text())

    # Loading -------------------------------------------------------------------------------------

    def load(self, doc_id: int | None, text: str, codings, turns, codes) -> None:
        """Show a document. `codings`: store SpanColumns (Project.coding_spans) or Codings;
        `turns`: store Turns; `codes`: store Codes.

        The document already on show is refreshed in place (`_refresh`): an edit of its text (or
        its undo) changes only the edited paragraphs of the QTextDocument, the codings index and
        paragraph maps move with it, and only paragraphs whose look changed are re-highlighted."""
        columns = codings if isinstance(codings, SpanColumns) else SpanColumns.of(codings)
        if doc_id is not None and doc_id == self.document_id and self._refresh(text, columns, turns, codes):
            return
        if self.highlighter is not None:
            self.highlighter.setDocument(None)
            self.highlighter.setParent(None)  # the document is reused: free the old index with it
            self.highlighter.deleteLater()
            self.highlighter = None
        self._lazy_timer.stop()
        self.document_id = doc_id
        self.current_coding = None
        self._search_marks = []
        self.located = None
        self.positions = positions_for(text)
        self._text = text
        self.index = CodingIndex(self.positions)
        shown = self._shown(columns)
        self.index.fill(shown)
        self._set_codes(codes)
        self.setPlainText(text)
        self.document().setUndoRedoEnabled(False)  # its text changes only from the store
        if self.document().blockCount() != self.positions.block_count:
            raise RuntimeError("transcript blocks do not match the stored text's lines")
        self.paragraph_numbers = _paragraph_numbers(text)
        labels = self._speaker_labels(text, turns)
        self.formats.set_colors({c.id: c.color for c in codes})
        self.highlighter = CodingHighlighter(self.document(), self.index, self.formats, labels)
        if len(self.index.spans) > LAZY_CODINGS:
            # A heavy transcript: colour what is on screen now and the rest a few paragraphs per
            # turn of the event loop, so opening costs what is visible, not the whole document.
            self.highlighter.pending = set(range(self.positions.block_count))
            # Their runs in one pass over the codings in start order, a chunk per background step.
            self.highlighter.prepare(document_runs(self.formats, shown.code_ids, shown.starts, shown.ends,
                                                   self.positions))
        # QSyntaxHighlighter would colour on the next event-loop turn; do it now so that what is
        # shown and what is stored never disagree, even for a moment. Each paragraph it colours
        # asks for a repaint; the margin is brought up to date once, below, not per paragraph.
        self._background = True
        try:
            self.highlighter.rehighlight()
        finally:
            self._background = False
        if self.highlighter.pending:
            self._colour_visible()
            # The rest from the screen downwards (where a reader goes next), then what is above.
            below = max(self.visible_blocks(), default=-1)
            rest = sorted(self.highlighter.pending)
            ahead = [b for b in rest if b > below]
            self._lazy_order = (ahead + [b for b in rest if b <= below])[::-1]  # popped from the end
            self._lazy_timer.start()
        self.setExtraSelections([])
        self._update_margin_width()
        self.margin.update()

    def _refresh(self, text: str, columns: SpanColumns, turns, codes) -> bool:
        """Bring the document on show up to date in place; False when a fresh load is better
        (most of the text changed)."""
        h, index = self.highlighter, self.index
        if h is None or index is None or self.positions is None:
            return False
        edit = diff_edit(self._text, text)
        touched: set[int] = set()
        if edit is not None:
            start, old_end, middle = edit
            if self._edit_in_place(text, start, old_end, middle,
                                   lambda b0, b1, nb1: self._speaker_labels(text, turns)) is None:
                return False
        else:
            labels = self._speaker_labels(text, turns)
            touched |= {b for b in set(labels) | set(h.labels) if labels.get(b) != h.labels.get(b)}
            h.labels = labels
        touched |= index.sync(self._shown(columns))
        self._finish_refresh(touched, codes)
        return True

    def follow_text_edit(self, text: str, codings_in, turns_starting, changed=(), removed=(), count=None,
                         codes=None, relabel_all: bool = False) -> bool:
        """The stored text of the document on show was edited (or an edit undone) and its codings
        and turns moved with it: come up to the stored state reading only what the edit can have
        moved otherwise than by its shift. Everything before the stretch any such edit lies in
        (core/text_edits.edit_bounds) is where it was and everything after it moved by the change
        in length, whatever the store's rule; `codings_in(lo, hi)` gives the stored codings of the
        stretch (end >= lo, start <= hi) and `turns_starting(lo, hi)` the turns starting in its
        paragraphs. `changed` (store Codings) and `removed` (ids) are what the step wrote besides
        its shift; `count()` the stored number of codings, checked at the end; `relabel_all`:
        a turn began elsewhere than its shift put it, so every speaker label is read again.
        Search marks and the located passage move by the one edit that keeps the most text in
        place (diff_edit), as before. False when a fresh load is better (nothing in place to
        follow, most of the text changed, codings of some coders hidden, or the count disagrees:
        the caller then loads the document). A step with several text updates of the document (the
        undo of merged typing) names none of its codings as only shifted (store/journal.py), so
        they are all read again."""
        h, index, old = self.highlighter, self.index, self.positions
        if h is None or index is None or old is None or self.hidden_coders:
            return False
        bounds = edit_bounds(self._text, text)
        if bounds is None:
            return False
        lo, old_hi = bounds
        hi = old_hi + len(text) - len(self._text)
        if (old_hi - lo) + (hi - lo) > max(REFRESH_LIMIT, len(text) // 4):
            return False

        def relabel(b0: int, b1: int, nb1: int) -> dict[int, tuple[int, int]]:
            # Paragraphs outside the edit keep their labels (renumbered); those in it are read again.
            new = self.positions
            if relabel_all:
                return self._speaker_labels(text, turns_starting(0, len(text)))
            labels = {(b if b < b0 else b + nb1 - b1): v for b, v in h.labels.items() if not b0 <= b <= b1}
            labels.update(self._speaker_labels(text, turns_starting(new.block_starts[b0], new.block_span(nb1)[1])))
            return labels

        if self._edit_in_place(text, lo, old_hi, text[lo:hi], relabel, diff_edit(self._text, text)) is None:
            return False
        touched = index.sync_window(lo, hi, codings_in(lo, hi))
        touched |= index.apply_delta([Span(c.id, c.code_id, c.start, c.end) for c in changed], removed)
        if count is not None and count() != len(index.spans):
            return False
        self._finish_refresh(touched, codes)
        return True

    def _edit_in_place(self, text: str, start: int, old_end: int, middle: str, relabel,
                       marks_edit=None) -> tuple[int, int, int] | None:
        """Replace [start, old_end) of the shown document by `middle` (text being the result):
        positions, coding index, speaker labels (`relabel(b0, b1, nb1)`: the old first and last
        and the new last block of the edit), paragraph numbers and marks follow. Those blocks,
        or None when the blocks came out wrong (reload)."""
        h, index, old = self.highlighter, self.index, self.positions
        assert h is not None and index is not None and old is not None
        new_end = start + len(middle)
        new = positions_after_edit(old, text, start, old_end, new_end)
        mapping = span_map([marks_edit or (start, old_end, middle)])  # for marks, not codings
        # Qt re-highlights the edited blocks; the store's rule, word joins included.
        index.apply_text_edit(new, start, old_end, new_end, span_map([(start, old_end, middle)], self._text))
        b0, b1, nb1 = old.block_of(start), old.block_of(old_end), new.block_of(new_end)
        shift = nb1 - b1
        renumber = lambda b: b if b < b0 else b + shift  # noqa: E731 (blocks after the edit)
        h.pending = {renumber(b) for b in h.pending if not b0 <= b <= b1}
        self._lazy_order = [renumber(b) for b in self._lazy_order if not b0 <= b <= b1]
        a_qt, z_qt = old.span_to_qt(start, old_end)
        # Typing inside a paragraph that keeps (or stays without) text numbers no paragraph anew.
        numbers_change = b0 != b1 or nb1 != b1 or _filled(self._text, old.block_span(b0)) != _filled(
            text, new.block_span(b0))
        self.positions = new
        self._text = text
        # The highlighter colours the edited paragraphs as Qt re-lays them out: the index,
        # labels and positions it reads are the new text's already.
        h.labels = relabel(b0, b1, nb1)
        cur = QTextCursor(self.document())
        cur.setPosition(a_qt)
        cur.setPosition(z_qt, QTextCursor.MoveMode.KeepAnchor)
        cur.insertText(middle)
        if self.document().blockCount() != new.block_count:
            return None
        if numbers_change:
            self.paragraph_numbers = _paragraph_numbers(text)
        self._search_marks = [m for m in (mapping.span(a, z) for a, z in self._search_marks) if m]
        if self.located is not None:
            self.located = mapping.span(*self.located)
        playing = getattr(self, "_playing", None)
        if playing is not None:
            self._playing = mapping.span(*playing)
        return b0, b1, nb1

    def _finish_refresh(self, touched: set[int], codes) -> None:
        h, index = self.highlighter, self.index
        assert h is not None and index is not None
        if codes is not None:
            self._set_codes(codes)
            changed = self.formats.set_colors({c.id: c.color for c in codes})
            if changed:
                touched |= index.blocks_of_codes(changed)
        if self.current_coding is not None and self.current_coding not in index.spans:
            self.current_coding = None
        h.rehighlight_blocks(touched - h.pending)
        self._refresh_marks()
        self._update_margin_width()
        self.margin.update()

    def clear_document(self) -> None:
        self.load(None, "", [], [], [])

    def _set_codes(self, codes) -> None:
        self.code_names = {c.id: c.path for c in codes}
        self.code_order = {c.id: i for i, c in enumerate(codes)}

    def _speaker_labels(self, text: str, turns) -> dict[int, tuple[int, int]]:
        labels = {}
        p = self.positions
        for t in turns:
            if not t.speaker or not text.startswith(t.speaker, t.start):
                continue
            end = t.start + len(t.speaker)
            if text.startswith(":", end):
                end += 1
            block = p.block_of(t.start)
            base = p.block_starts_u16[block]
            labels[block] = (p.to_qt(t.start) - base, p.to_qt(min(end, p.block_span(block)[1])) - base)
        return labels

    # Updating ------------------------------------------------------------------------------------

    hidden_coders: frozenset[int] = frozenset()  # View > Show codings by coder (ui/team_menu.py)

    def _shown(self, columns: SpanColumns) -> SpanColumns:
        hidden = self.hidden_coders
        return columns.without_coders(hidden) if hidden else columns

    def set_codings(self, codings) -> None:
        """Show exactly these codings (SpanColumns or store Codings); re-highlight only the
        paragraphs that changed."""
        if self.index is None:
            return
        columns = codings if isinstance(codings, SpanColumns) else SpanColumns.of(codings)
        touched = self.index.sync(self._shown(columns))
        if self.current_coding is not None and self.current_coding not in self.index.spans:
            self.current_coding = None
        if self.highlighter is not None and touched:
            self.highlighter.rehighlight_blocks(touched)
        self._refresh_marks()
        self.margin.update()

    def apply_delta(self, added, removed_ids) -> None:
        """Show one command's change: `added` store Codings (new or moved), `removed_ids` gone."""
        if self.index is None:
            return
        hidden = self.hidden_coders
        touched = self.index.apply_delta([Span(c.id, c.code_id, c.start, c.end) for c in added
                                          if c.coder_id not in hidden], removed_ids)
        if self.current_coding is not None and self.current_coding not in self.index.spans:
            self.current_coding = None
        if self.highlighter is not None and touched:
            self.highlighter.rehighlight_blocks(touched)
        self._refresh_marks()
        self.margin.update()

    def set_codes(self, codes) -> None:
        """Code colours, names or order changed: recolour the paragraphs that show those codes."""
        self._set_codes(codes)
        changed = self.formats.set_colors({c.id: c.color for c in codes})
        if self.highlighter is None:
            return
        if changed:
            self.highlighter.rehighlight_blocks(self.index.blocks_of_codes(changed))
        self.margin.update()

    def formats_color(self, code_id: int):
        return QColor(*self.formats.rgb.get(code_id, (153, 153, 153)))

    # Selection and marks -------------------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        """The selection as a code-point span, or None when nothing is selected."""
        cur = self.textCursor()
        if not cur.hasSelection() or self.positions is None:
            return None
        start, end = self.positions.span_from_qt(cur.anchor(), cur.position())
        if not self.exact_selection:
            start, end = snap_to_words(self._text, start, end)
        return (start, end) if end > start else None

    def coding_span(self) -> tuple[int, int] | None:
        """What an explicit gesture codes (number key, Enter, context menu, Apply): the user's
        selection, else the located passage. A click on a code uses `selected_span` only."""
        return self.selected_span() or self.located

    def locate(self, start: int, end: int) -> None:
        """Show a passage the program found: cursor at its start, drawn as located, not selected."""
        if self.positions is None:
            return
        cur = QTextCursor(self.document())
        cur.setPosition(self.positions.span_to_qt(start, end)[0])
        self.setTextCursor(cur)
        self.located = (start, end) if end > start else None
        self._refresh_marks()
        a, b = self.positions.span_to_qt(start, end)
        end_cur = QTextCursor(self.document())
        end_cur.setPosition(b)
        self.setTextCursor(end_cur)
        self.ensureCursorVisible()
        self.setTextCursor(cur)
        self.ensureCursorVisible()

    def _selection_changed(self) -> None:
        self.selection_coded = False
        if self.textCursor().hasSelection() and self.located is not None:
            self.located = None
            self._refresh_marks()

    def _snap_drawn_selection(self) -> None:
        """Draw exactly what will be coded: the selection becomes its snapped span."""
        span = self.selected_span()
        cur = self.textCursor()
        if self.positions is None or not cur.hasSelection():
            return
        if span is None:
            cur.clearSelection()
        else:
            a, b = self.positions.span_to_qt(*span)
            if cur.anchor() > cur.position():
                a, b = b, a
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        coded = self.selection_coded
        self.setTextCursor(cur)
        self.selection_coded = coded

    def select_span(self, start: int, end: int) -> None:
        """Select exactly this span (as the user would have; see `locate` for a found passage)."""
        self.exact_selection = False
        a, b = self.positions.span_to_qt(start, end)
        cur = QTextCursor(self.document())
        cur.setPosition(a)
        cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)
        self.ensureCursorVisible()

    def set_current_coding(self, coding_id: int | None) -> None:
        self.current_coding = coding_id
        self._refresh_marks()

    def set_playing_span(self, span: tuple[int, int] | None) -> None:
        """The turn being played (ui/media_menu.py), marked until playback moves on."""
        self._playing = span
        self._refresh_marks()

    def set_search_marks(self, spans: list[tuple[int, int]]) -> None:
        self._search_marks = list(spans)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        if self.positions is None:
            return
        sels = []
        shaded: list[tuple[int, int, QColor]] = []  # (start, end, background), later ones on top
        playing = getattr(self, "_playing", None)
        if playing is not None:
            shaded.append((playing[0], playing[1], QColor("#d6eaff")))
            sels.append(self._extra(playing[0], playing[1], background=QColor("#d6eaff"),
                                    outline=False))
        for start, end in self._search_marks:
            shaded.append((start, end, QColor("#ffe066")))
            sels.append(self._extra(start, end, background=QColor("#ffe066"), outline=False))
        if self.located is not None:
            shaded.append((*self.located, QColor("#ffd6a5")))
            located = self._extra(*self.located, background=QColor("#ffd6a5"), outline=False)
            located.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            located.format.setUnderlineColor(QColor("#c05600"))
            sels.append(located)
        span = self.index.spans.get(self.current_coding) if self.current_coding is not None else None
        if span is not None:
            # Over a shaded mark the outline carries that mark's colours: an outline without them,
            # drawn over a shaded range, left its words invisible (Qt paints the later range's text
            # without the earlier one's pen).
            for a, b, background in _pieces(span.start, span.end, shaded):
                sels.append(self._extra(a, b, background=background, outline=True))
        self.setExtraSelections(sels)

    def _extra(self, start, end, background, outline):
        sel = QTextEdit.ExtraSelection()
        a, b = self.positions.span_to_qt(start, end)
        cur = QTextCursor(self.document())
        cur.setPosition(a)
        cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cur
        fmt = QTextCharFormat()
        if background is not None:
            fmt.setBackground(background)
            fmt.setForeground(QColor("#111111"))
        if outline:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(self.palette().highlight().color())
            fmt.setFontWeight(QFont.Weight.DemiBold)
        sel.format = fmt
        return sel

    # Points and hits -----------------------------------------------------------------------------

    def cp_at(self, viewport_pos: QPoint) -> int | None:
        if self.positions is None or not self.positions.length:
            return None
        cur = self.cursorForPosition(viewport_pos)
        # cursorForPosition gives the nearest gap; the character under the mouse is after it unless
        # the mouse is right of the gap's middle on the previous character.
        cp = self.positions.to_cp(cur.position())
        rect = self.cursorRect(cur)
        if viewport_pos.x() < rect.x() and cp > 0:
            cp -= 1
        return min(cp, self.positions.length - 1)

    def codings_at(self, cp: int | None) -> list[Span]:
        return self.index.codings_at(cp) if cp is not None and self.index else []

    def describe_point(self, cp: int | None) -> str:
        hits = self.codings_at(cp)
        return "\n".join(self.code_names.get(s.code_id, "?") for s in hits)

    # Events --------------------------------------------------------------------------------------

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            tip = self.describe_point(self.cp_at(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            mods = event.modifiers()
            self.exact_selection = bool(mods & Qt.KeyboardModifier.AltModifier)
            if self.located is not None:
                self.located = None
                self._refresh_marks()
            cur = self.textCursor()
            if cur.hasSelection() and not mods & (Qt.KeyboardModifier.ControlModifier
                                                  | Qt.KeyboardModifier.ShiftModifier):
                # A press inside the selection starts a new selection, never a text drag
                # (Ctrl+drag drags the selection onto a code).
                at = self.cursorForPosition(event.position().toPoint())
                if min(cur.anchor(), cur.position()) <= at.position() <= max(cur.anchor(), cur.position()):
                    self.setTextCursor(at)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection():
            self._snap_drawn_selection()
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            hits = self.codings_at(self.cp_at(event.position().toPoint()))
            self.set_current_coding(hits[0].coding_id if hits else None)
            if hits:
                self.codingClicked.emit(hits[0].coding_id)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if (Qt.Key.Key_1 <= key <= Qt.Key.Key_9
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.quickCode.emit(key - Qt.Key.Key_0)
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.exact_selection = True  # shift+arrows select exactly what they show
        super().keyPressEvent(event)

    def _context_menu(self, pos: QPoint) -> None:
        self.contextMenuAt.emit(self.viewport().mapToGlobal(pos), self.cp_at(pos))

    def createMimeDataFromSelection(self):  # noqa: N802
        span = self.selected_span()
        if span is None or self.document_id is None:
            return super().createMimeDataFromSelection()
        # Qt's own text mime data lists a fixed set of formats, so the span needs a plain QMimeData.
        data = QMimeData()
        data.setText(self.textCursor().selection().toPlainText())
        mimes.set_span(data, self.document_id, *span)
        return data

    # Margin --------------------------------------------------------------------------------------

    def _update_margin_width(self, *_):
        self.setViewportMargins(self.margin.sizeHint().width(), 0, 0, 0)

    def visible_blocks(self) -> list[int]:
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        height = self.viewport().height()
        out = []
        while block.isValid() and top <= height:
            out.append(block.blockNumber())
            top += self.blockBoundingRect(block).height()
            block = block.next()
        return out

    def _colour_visible(self) -> None:
        h = self.highlighter
        if h is not None and h.pending:
            visible = self.visible_blocks()
            todo = [b for b in visible if b in h.pending and not h.has_runs(b)]
            page = None
            if len(todo) > 1 and self.index is not None:
                by_block = self.index.by_block
                if sum(len(by_block.get(b, ())) for b in todo) >= PAGE_SWEEP:
                    # The page's runs in one sweep of the codings on it, not one per paragraph.
                    page = window_runs(self.formats, self.index, todo[0], todo[-1])
            h.complete(visible, page)

    def _colour_some(self) -> None:
        """One step of colouring a heavy transcript in the background."""
        h = self.highlighter
        if h is None or not h.pending:
            self._lazy_timer.stop()
            return
        # The pending blocks are taken in their order (sorted once per load), for at most
        # LAZY_BUDGET seconds a step, and a gesture that comes meanwhile waits for one step. Their
        # runs come from one pass over the whole document (ui/document_runs.py), made a chunk at
        # a time (a few steps at 50,000 codings); then the blocks are coloured in stretches, one
        # pass of Qt each, without a repaint for those off screen. Without that pass (stale after
        # a change of codings, text or colours) a block is coloured from its own codings, a few
        # ms when heavy.
        deadline = time.perf_counter() + LAZY_BUDGET
        done = 0
        self._background = True  # colours only: the margin (numbers, stripes) stays as it is
        try:
            order, pending = self._lazy_order, h.pending
            shown = self.visible_blocks()
            top, bottom = (shown[0], shown[-1]) if shown else (0, 1 << 62)  # none shown: held never
            while order and done < LAZY_STEP:
                block = order[-1]
                if block not in pending:
                    order.pop()
                    continue
                if h.making():
                    h.advance()  # the next chunk of the one pass that makes every block's runs
                elif h.has_runs(block):
                    # This block and the ones after it whose runs are made: one pass of Qt.
                    batch = [order.pop()]
                    while (order and len(batch) < LAZY_BATCH and len(batch) + done < LAZY_STEP
                           and order[-1] == batch[-1] + 1 and order[-1] in pending and h.has_runs(order[-1])):
                        batch.append(order.pop())
                    h.complete(batch, unseen=batch[-1] < top or batch[0] > bottom)
                    done += len(batch)
                else:
                    order.pop()
                    h.complete((block,))  # from its own codings
                    done += 1
                if time.perf_counter() >= deadline:
                    break
        finally:
            self._background = False

    _background = False  # True while a background step colours paragraphs

    def _update_margin(self, rect, dy):
        if self._background and not dy:
            return  # a paragraph got its colours: nothing in the margin changed
        if not dy and self.margin.unchanged():
            return  # a selection drawn, the cursor blinking: nothing the margin shows changed
        self._colour_visible()  # a scroll may reveal paragraphs still waiting for their colours
        if dy:
            self.margin.scroll(0, dy)
        else:
            self.margin.update()  # what changed (lines, codings) may move any stripe on screen

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        cr = self.contentsRect()
        self.margin.setGeometry(cr.left(), cr.top(), self.margin.sizeHint().width(), cr.height())


def _pieces(start: int, end: int, shaded: list[tuple[int, int, QColor]]) -> list[tuple[int, int, QColor | None]]:
    """[start, end) cut where shaded ranges begin or end, each piece with the background of the
    last shaded range covering it (None where none does)."""
    cuts = sorted({start, end} | {x for a, b, _ in shaded for x in (a, b) if start < x < end})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        cover = [bg for s0, e0, bg in shaded if s0 <= a and b <= e0]
        out.append((a, b, cover[-1] if cover else None))
    return out

