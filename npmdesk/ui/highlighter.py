"""Colours codings and emphasises speaker labels, one paragraph at a time.

QSyntaxHighlighter only touches formats (never the document or its undo stack) and is asked for a
block only when that block must be re-laid out, so cost follows what changes, not the document
size. Overlapping codings are blended (and darkened a little per extra layer) so that two codes on
the same words look different from either alone; the margin stripes say exactly which codes.

Readable at any depth: the darkening stops at the third layer (DARKEST_LAYER), so a passage under
20 or 150 codings is as dark as one under three, not near-black (0.88 per layer went to rgb(21, 18,
8) at 20 layers, under near-black text). One to three layers have the same backgrounds as before
(and the same text, unless it fell below MIN_CONTRAST: a dark code colour). Whatever the code
colours, a run's text is dark grey when that stands out from its background by MIN_CONTRAST
(WCAG relative luminance), else the one of white and black that stands out more (one always
reaches 4.58): dark grey on the default palette at every depth, white on a dark colour a user
picked. Every run sets its text colour as well as its background, so the theme's own text colour
(light in the dark theme) never lands on a code colour.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

from npmdesk.core.coding_index import CodingIndex


DARKEN = 0.88  # a run of k codes is their mean colour darkened by DARKEN ** (k - 1) …
DARKEST_LAYER = 3  # … up to this many layers; deeper runs are darkened as much as this many
MIN_CONTRAST = 4.5  # text against its run's background (WCAG AA for body text)
TEXT, LIGHT_TEXT, BLACK = (17, 17, 17), (255, 255, 255), (0, 0, 0)
# Mean then shade in one factor, by number of codes (a table: looked up per run while painting).
_SHADE = [0.0] + [DARKEN ** (min(k, DARKEST_LAYER) - 1) / k for k in range(1, 257)]
_DEEPEST = DARKEN ** (DARKEST_LAYER - 1)


def _shade(n: int) -> float:
    return _SHADE[n] if n < len(_SHADE) else _DEEPEST / n


def blend(colors: list[tuple[int, int, int]]) -> QColor:
    """The background of a run of these code colours (before FormatCache rounds it)."""
    n = len(colors)
    r = g = b = 0
    for cr, cg, cb in colors:
        r += cr
        g += cg
        b += cb
    shade = _shade(n)
    return QColor(int(r * shade), int(g * shade), int(b * shade))


def _linear(v: int) -> float:
    c = v / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


_LINEAR = [_linear(v) for v in range(256)]


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour (0 black … 1 white)."""
    r, g, b = rgb
    return 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b]


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_color(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """The text colour for a run on this background: dark grey (as always) when it reaches
    MIN_CONTRAST, else whichever of white and black stands out more (one reaches 4.58 on any
    background)."""
    if contrast(background, TEXT) >= MIN_CONTRAST:
        return TEXT
    return LIGHT_TEXT if contrast(background, LIGHT_TEXT) >= contrast(background, BLACK) else BLACK


class FormatCache:
    """Blended formats by combination of codes; kept by the viewer across documents, because
    building a QTextCharFormat costs more than colouring a whole paragraph with a cached one.

    In a heavily coded transcript nearly every run has its own combination of codes (12,441
    combinations in 12,819 runs at 10,000 codings), so formats are shared by their blended colour,
    rounded to what the eye tells apart (QUANTUM per channel; one code's colour is exact): a few
    dozen formats with one colour for every code, some hundreds with a real palette (886 for the
    heavy shape at 10,000 codings in the default palette), each built once, instead of a new
    QTextCharFormat per run."""

    QUANTUM = 4

    def __init__(self):
        self.rgb: dict[int, tuple[int, int, int]] = {}
        self.formats: dict[tuple[int, ...], QTextCharFormat] = {}
        self._by_colour: dict[tuple[int, int, int, bool], QTextCharFormat] = {}
        self.generation = 0  # changes with every change of colours (runs made before are stale)

    def set_colors(self, colors: dict[int, str]) -> set[int]:
        """Take new code colours; return the codes whose colour changed."""
        rgb = {}
        for cid, c in colors.items():
            q = QColor(c)
            rgb[cid] = (q.red(), q.green(), q.blue())
        changed = {c for c in set(rgb) | set(self.rgb) if rgb.get(c) != self.rgb.get(c)}
        if changed:
            self.formats = {k: f for k, f in self.formats.items() if not changed.intersection(k)}
            self.generation += 1
        self.rgb = rgb
        return changed

    def get(self, codes: tuple[int, ...]) -> QTextCharFormat:
        fmt = self.formats.get(codes)
        if fmt is None:
            if len(self.formats) > 50_000:  # bounded: a session of heavy transcripts
                self.formats.clear()
            rgb, grey = self.rgb, (204, 204, 204)
            r = g = b = 0
            for c in codes:
                cr, cg, cb = rgb.get(c, grey)
                r += cr
                g += cg
                b += cb
            n = len(codes)
            shade = _shade(n)
            q = self.QUANTUM if n > 1 else 1  # one code's own colour stays exact
            key = (int(r * shade) // q, int(g * shade) // q, int(b * shade) // q, n > 1)
            fmt = self._by_colour.get(key)
            if fmt is None:
                fmt = self._by_colour[key] = _format(QColor(key[0] * q, key[1] * q, key[2] * q), n > 1)
            self.formats[codes] = fmt
        return fmt

    def runs(self, entries) -> list[tuple[int, int, QTextCharFormat]]:
        """A block's codings, as (start, end, code, coding id) entries, cut into coloured runs:
        (start, end, format). Codes are numbered locally so that any code id packs into an event."""
        local: dict[int, int] = {}
        events: list[int] = []
        for a, b, code, _ in entries:
            if b > a:
                k = local.setdefault(code, len(local))
                events.append((a << _POS_SHIFT) | (k << 1) | 1)
                events.append((b << _POS_SHIFT) | (k << 1))
        events.sort()
        grey = (204, 204, 204)
        return self._sweep(events, {k: self.rgb.get(code, grey) for code, k in local.items()})

    def block_runs(self, index: CodingIndex, block: int) -> list[tuple[int, int, QTextCharFormat]]:
        """`runs(index.entries(block))` in one pass: each coding on the block becomes two events
        packed in one int (position, code, start or end), so the block's codings are neither
        turned into entry tuples nor sorted as tuples; the sweep is `runs`'s. A heavy paragraph
        (150 overlapping codings) is coloured in about half the time."""
        ids = index.by_block.get(block)
        if not ids:
            return []
        spans = index.spans
        p = index.positions
        b_start, b_end = p.block_span(block)
        astral = p.map.astral_positions
        local: list[int] | tuple = ()
        if astral:
            k0 = bisect_left(astral, b_start)
            local = astral[k0:bisect_left(astral, b_end, k0)]
        events: list[int] = []
        add = events.append
        for cid in ids:
            _c, code, start, end = spans[cid]
            if code >= _CODE_LIMIT or code < 0:
                return self.runs(index.entries(block))
            a = start if start > b_start else b_start
            z = end if end < b_end else b_end
            if z <= a:
                continue
            if local:
                a += bisect_left(local, a)
                z += bisect_left(local, z)
            add(((a - b_start) << _POS_SHIFT) | (code << 1) | 1)
            add(((z - b_start) << _POS_SHIFT) | (code << 1))
        if not events:
            return []
        events.sort()
        return self._sweep(events, self.rgb)

    def _sweep(self, events: list[int], rgb) -> list[tuple[int, int, QTextCharFormat]]:
        """One pass over sorted packed events (position << 32 | code << 1 | start). The blend is kept
        as running sums (a code joining or leaving the run adds or takes away its colour), so a run
        costs the same with 2 or 40 codes on it, and no tuple of codes is built per run."""
        grey, by_colour, quantum = (204, 204, 204), self._by_colour, self.QUANTUM
        shades, tabled = _SHADE, len(_SHADE)
        active: dict[int, int] = {}
        r = g = bl = n = 0
        out: list[tuple[int, int, QTextCharFormat]] = []
        last_key = None
        prev = -1
        i, m = 0, len(events)
        while i < m:
            pos = events[i] >> _POS_SHIFT
            if prev >= 0 and pos > prev and n:
                q = quantum if n > 1 else 1
                shade = shades[n] if n < tabled else _DEEPEST / n
                key = (int(r * shade) // q, int(g * shade) // q, int(bl * shade) // q, n > 1)
                if key == last_key and out[-1][1] == prev:
                    out[-1] = (out[-1][0], pos, out[-1][2])
                else:
                    fmt = by_colour.get(key)
                    if fmt is None:
                        fmt = by_colour[key] = _format(QColor(key[0] * q, key[1] * q, key[2] * q), n > 1)
                    out.append((prev, pos, fmt))
                    last_key = key
            while i < m:
                ev = events[i]
                if ev >> _POS_SHIFT != pos:
                    break
                code = (ev >> 1) & _CODE_MASK
                count = active.get(code, 0)
                if not count:
                    cr, cg, cb = rgb.get(code, grey)
                    r, g, bl, n = r + cr, g + cg, bl + cb, n + 1
                count += 1 if ev & 1 else -1
                if count:
                    active[code] = count
                else:
                    del active[code]
                    cr, cg, cb = rgb.get(code, grey)
                    r, g, bl, n = r - cr, g - cg, bl - cb, n - 1
                i += 1
            prev = pos
        return out


_POS_SHIFT = 32  # an event: position << 32 | code << 1 | (1 for a start)
_CODE_LIMIT = 1 << 31
_CODE_MASK = _CODE_LIMIT - 1


def _format(background: QColor, layered: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    # The text colour is set on every run, in light and dark themes alike (the dark theme's light
    # text would vanish on a light code colour): dark grey, or whatever reaches MIN_CONTRAST.
    ink = text_color((background.red(), background.green(), background.blue()))
    fmt.setForeground(QColor(*ink))
    if layered:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor("#333333") if ink != LIGHT_TEXT else QColor("#dddddd"))
    return fmt


class CodingHighlighter(QSyntaxHighlighter):
    def __init__(self, document, index: CodingIndex, cache: FormatCache, labels: dict[int, tuple[int, int]]):
        super().__init__(document)
        self.index = index
        self.cache = cache
        self.labels = labels  # block -> (start, end) of the speaker label, UTF-16 units in the block
        # Blocks whose codings are not coloured yet (a heavy transcript is coloured where it is
        # shown first, then the rest a few paragraphs at a time; see TranscriptView).
        self.pending: set[int] = set()
        # Runs made for the pending blocks in one pass over the whole document (`prepare`), taken
        # by highlightBlock while the index and colours are still those they were made from.
        self._source: Iterator[list[tuple[int, list]]] | None = None
        self._ready: dict[int, list[tuple[int, int, QTextCharFormat]]] = {}
        self._made_for: tuple[int, int] | None = None
        self._label_format = QTextCharFormat()
        self._label_format.setFontWeight(QFont.Weight.Bold)

    # Runs made ahead, for the whole document at once (ui/document_runs.py) ---------------------

    def prepare(self, source: Iterator[list[tuple[int, list]]]) -> None:
        """Colour the pending blocks from `source` (document_runs over the codings the index
        holds now), pulled a chunk at a time by `advance`. Any change of the index or of the
        colours makes what it made stale: the rest is then coloured block by block."""
        self._source = source
        self._ready = {}
        self._made_for = (self.index.version, self.cache.generation)

    def _fresh(self) -> bool:
        if self._made_for is not None and self._made_for != (self.index.version, self.cache.generation):
            self._source, self._ready, self._made_for = None, {}, None
        return self._made_for is not None

    def making(self) -> bool:
        """Whether a pass is under way (and what it makes still fresh)."""
        return self._fresh() and self._source is not None

    _page: dict[int, list[tuple[int, int, QTextCharFormat]]] = {}  # while `complete` runs: its page's runs

    def has_runs(self, block: int) -> bool:
        """Whether this block's runs are made (by the pass) and still fresh."""
        return block in self._ready and self._fresh()

    def advance(self) -> None:
        """One chunk of the pass (about a millisecond)."""
        if not self._fresh() or self._source is None:
            return
        try:
            self._ready.update(next(self._source))
        except StopIteration:
            self._source = None

    @property
    def colors(self) -> dict[int, QColor]:
        return {cid: QColor(*rgb) for cid, rgb in self.cache.rgb.items()}

    def color(self, code_id: int) -> QColor:
        return QColor(*self.cache.rgb.get(code_id, (153, 153, 153)))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock().blockNumber()
        if block < self._batch_last:
            # One pass of Qt over the whole batch (rehighlight_blocks): a block whose state
            # changed makes Qt go on to the next one within the same document edit.
            self.setCurrentBlockState(self.currentBlockState() ^ 1)
        label = self.labels.get(block)
        if label is not None:
            self.setFormat(label[0], label[1] - label[0], self._label_format)
        if block in self.pending:
            return
        runs = self._page.get(block) if self._page else None
        if runs is None and self._ready and self._fresh():
            runs = self._ready.pop(block, None)
        if runs is None:
            runs = self.cache.block_runs(self.index, block)
        for a, b, fmt in runs:
            if label is not None and a < label[1]:
                # Keep the label bold where a coding covers it.
                bold = QTextCharFormat(fmt)
                bold.setFontWeight(QFont.Weight.Bold)
                cut = min(b, label[1])
                self.setFormat(a, cut - a, bold)
                if cut < b:
                    self.setFormat(cut, b - cut, fmt)
            else:
                self.setFormat(a, b - a, fmt)

    def complete(self, blocks, page: dict[int, list[tuple[int, int, QTextCharFormat]]] | None = None,
                 unseen: bool = False) -> None:
        """Colour these blocks now if they were still waiting; `page`: runs just made for some of
        them from the index as it is (ui/document_runs.window_runs); `unseen`: none of them is on
        screen (see rehighlight_blocks)."""
        todo = self.pending.intersection(blocks)
        if not todo:
            return
        self.pending -= todo
        outer = self._page  # a repaint within may colour more (TranscriptView._colour_visible)
        if page:
            self._page = page
        try:
            self.rehighlight_blocks(todo, unseen)
        finally:
            self._page = outer
        if not self.pending:  # all coloured: what the pass made ahead is of no more use
            self._source, self._ready = None, {}

    def rehighlight_blocks(self, blocks, unseen: bool = False) -> None:
        """Colour these blocks again, each stretch of consecutive blocks in one pass of Qt's
        highlighter: Qt takes one change of the document's formats per stretch (its layout
        dropped and the view updated once) instead of one per block, about a quarter of the cost
        for 330 heavy paragraphs.

        `unseen`: none of the blocks is on screen. Qt's plain-text layout answers a change of
        several blocks' formats by asking to repaint the whole view (2-3 ms with a heavy page on
        screen), though nothing on it changed; for such a stretch that request is not sent (the
        layout's signals are held while Qt colours it: its blocks' sizes stay, so no other
        signal is due)."""
        doc = self.document()
        count = doc.blockCount()
        layout = doc.documentLayout()
        for first, last in _stretches(sorted(blocks)):
            block = doc.findBlockByNumber(first)
            if not block.isValid():
                continue
            self._batch_last = min(last, count - 1)
            hold = unseen and self._batch_last > first  # one block alone is laid out again: not held
            if hold:
                layout.blockSignals(True)
            try:
                self.rehighlightBlock(block)
            finally:
                self._batch_last = -1
                if hold:
                    layout.blockSignals(False)

    _batch_last = -1  # while rehighlight_blocks runs: the last block of the stretch Qt is colouring


def _stretches(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct numbers as (first, last) of each run of consecutive ones."""
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out
