"""The one-pass colouring of a whole transcript (ui/document_runs.py) gives every paragraph exactly the
runs, and the very formats, of the per-paragraph path (FormatCache.block_runs): overlapping codings
of one code and of many, the 3-layer darkening cap and the contrast rule on dark colours, astral
characters, empty paragraphs, codings that only cover a line break or run past the text; and a
heavy transcript coloured in the background looks the same as one coloured paragraph by paragraph,
also when a coding is applied or the text edited while the background colouring is under way."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from PySide6.QtGui import QTextCharFormat

from npmdesk.core.coding_index import CodingIndex, Span, SpanColumns, positions_for
from npmdesk.core.text_edits import span_map
from npmdesk.ui import transcript_view
from npmdesk.ui.document_runs import document_runs, window_runs
from npmdesk.ui.highlighter import FormatCache, contrast
from npmdesk.ui.transcript_view import TranscriptView

PIECES = ("Interviewer: ", "NPM-2: ", "mentoring ", "feedback, ", "belonging ", "😀 ", "café ", "👩🏽‍⚕️ ",
          "学习很重要 ", "e\u0301tude ", "\n", "\n", "\n\n", "\u2029")


def random_text(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(pieces))


def random_palette(rng: random.Random, codes) -> dict[int, str]:
    # Light, dark (white text by the contrast rule) and the shapes' one yellow; some codes have
    # no colour at all (grey).
    choices = ("#f4d35e", "#1b1b3a", "#0b6e4f", "#ffffff", "#000000", "#ffc6ff")
    return {c: (rng.choice(choices) if rng.random() < 0.5 else f"#{rng.randrange(1 << 24):06x}")
            for c in codes if rng.random() < 0.9}


def random_codings(rng: random.Random, text: str, n: int, codes) -> list[Span]:
    out = []
    for cid in range(1, n + 1):
        kind = rng.random()
        a = rng.randrange(0, len(text) + 1)
        if kind < 0.05:
            b = a  # empty
        elif kind < 0.1:
            a = text.find("\n", a)
            if a < 0:
                a = 0
            b = a + 1  # only a line break
        elif kind < 0.15:
            b = len(text) + rng.randrange(0, 5)  # to (or past) the end
        elif kind < 0.25:
            b = a + rng.randrange(1, len(text) // 2 + 2)  # across many paragraphs
        else:
            b = a + rng.randrange(1, 60)
        out.append(Span(cid, rng.choice(codes), a, b))
    return out


def columns_of(spans: list[Span]) -> SpanColumns:
    rows = sorted(spans, key=lambda s: (s.start, s.end, s.code_id, s.coding_id))
    return SpanColumns([s.coding_id for s in rows], [s.code_id for s in rows], [s.start for s in rows],
                       [s.end for s in rows], [0] * len(rows))


def all_runs(cache: FormatCache, columns: SpanColumns, positions, chunk: int = 50) -> dict[int, list]:
    out: dict[int, list] = {}
    for done in document_runs(cache, columns.code_ids, columns.starts, columns.ends, positions, chunk=chunk):
        for block, runs in done:
            assert block not in out  # each block named once
            out[block] = runs
    return out


def assert_same_runs(cache: FormatCache, index: CodingIndex, got: dict[int, list]) -> int:
    assert sorted(got) == list(range(index.positions.block_count))
    layered = 0
    for block in range(index.positions.block_count):
        want = cache.block_runs(index, block)
        assert [(a, b) for a, b, _ in got[block]] == [(a, b) for a, b, _ in want], block
        for (_, _, f), (_, _, w) in zip(got[block], want):
            assert f is w, block  # the same cached format, not just an equal one
        layered += sum(1 for _, _, f in want if f.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine)
    return layered


@pytest.mark.parametrize("seed", range(8))
def test_one_pass_gives_every_paragraph_the_per_paragraph_runs(qapp, seed):
    rng = random.Random(seed)
    text = random_text(rng, rng.choice((40, 400, 1500)))
    codes = list(range(1, 1 + rng.choice((3, 12, 150))))
    if seed % 2:
        codes.append(1 << 40)  # an id too big to pack: block_runs takes its slower path
    cache = FormatCache()
    cache.set_colors(random_palette(rng, codes))
    spans = random_codings(rng, text, rng.choice((30, 300, 2000)), codes)
    positions = positions_for(text)
    index = CodingIndex(positions)
    columns = columns_of(spans)
    index.fill(columns)
    layered = assert_same_runs(cache, index, all_runs(cache, columns, positions))
    assert layered  # overlaps were there to blend
    # A page's runs from the codings listed on it (what is on screen, first).
    for _ in range(5):
        first = rng.randrange(positions.block_count)
        last = min(positions.block_count - 1, first + rng.randrange(0, 8))
        page = window_runs(cache, index, first, last)
        assert sorted(page) == list(range(first, last + 1))
        for block, runs in page.items():
            want = cache.block_runs(index, block)
            assert [(a, b) for a, b, _ in runs] == [(a, b) for a, b, _ in want] and all(
                f is w for (_, _, f), (_, _, w) in zip(runs, want)), block
    # Unsorted columns (in coding id order) give the same.
    rows = sorted(spans)
    shuffled = SpanColumns([s.coding_id for s in rows], [s.code_id for s in rows], [s.start for s in rows],
                           [s.end for s in rows], [0] * len(rows))
    assert_same_runs(cache, index, all_runs(cache, shuffled, positions))


def test_deep_overlaps_keep_the_layer_cap_and_contrast(qapp):
    """150 codes over one passage, dark and light: the one pass blends, caps and picks the text
    colour as the per-paragraph path does (same formats), and every run stays readable."""
    rng = random.Random(4)
    text = "NPM-1: " + "word " * 400 + "\n" + "more words here " * 30
    codes = list(range(1, 151))
    cache = FormatCache()
    cache.set_colors({c: ("#101010" if c % 3 == 0 else f"#{rng.randrange(1 << 24):06x}") for c in codes})
    spans = [Span(k, codes[k % 150], k, 2 * 400 - k) for k in range(1, 300)]
    positions = positions_for(text)
    index = CodingIndex(positions)
    index.fill(columns_of(spans))
    got = all_runs(cache, columns_of(spans), positions)
    assert_same_runs(cache, index, got)
    for _, _, fmt in got[0]:
        fg, bg = fmt.foreground().color(), fmt.background().color()
        assert contrast((fg.red(), fg.green(), fg.blue()), (bg.red(), bg.green(), bg.blue())) >= 4.5


def test_after_codings_and_an_edit_the_one_pass_still_agrees(qapp):
    rng = random.Random(9)
    text = random_text(rng, 800)
    codes = list(range(1, 40))
    cache = FormatCache()
    cache.set_colors(random_palette(rng, codes))
    spans = random_codings(rng, text, 1500, codes)
    index = CodingIndex(positions_for(text))
    index.fill(columns_of(spans))
    index.apply_delta([Span(9001, 3, 10, 400), Span(9002, 3, 200, 250)], [spans[0].coding_id, spans[5].coding_id])
    at = text.find("\n", len(text) // 3)
    new_text = text[:at] + " typed 😀 text\nand a new line" + text[at + 1:]
    index.apply_text_edit(positions_for(new_text), at, at + 1, at + len(" typed 😀 text\nand a new line"),
                          span_map([(at, at + 1, " typed 😀 text\nand a new line")], text))
    held = list(index.spans.values())
    assert_same_runs(cache, index, all_runs(cache, columns_of(held), index.positions))


# The viewer ------------------------------------------------------------------------------------


def heavy_inputs(seed: int = 2, paragraphs: int = 120, codings: int = 4000):
    rng = random.Random(seed)
    lines, turns, pos = [], [], 0
    for i in range(paragraphs):
        speaker = "Interviewer" if i % 2 == 0 else "NPM-1"
        line = f"{speaker}: " + " ".join(rng.choice(("mentoring", "feedback", "😀", "café", "belonging",
                                                      "exam", "学习")) for _ in range(rng.randrange(5, 60)))
        lines.append(line)
        turns.append(SimpleNamespace(start=pos, end=pos + len(line), speaker=speaker))
        pos += len(line) + 1
    text = "\n".join(lines)
    code_ids = list(range(1, 61))
    palette = random_palette(rng, code_ids)
    codes = [SimpleNamespace(id=c, color=palette.get(c, "#f4d35e"), path=f"Theme/Code {c}") for c in code_ids]
    spans = random_codings(rng, text, codings, code_ids)
    return text, turns, codes, spans


def block_formats(view) -> list[list[tuple]]:
    out = []
    block = view.document().begin()
    while block.isValid():
        rows = []
        for r in block.layout().formats():
            f = r.format
            rows.append((r.start, r.length, f.background().color().name(), f.foreground().color().name(),
                         f.underlineStyle(), f.fontWeight()))
        out.append(rows)
        block = block.next()
    return out


def shown(qtbot, size=(700, 500)) -> TranscriptView:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def reference(qtbot, monkeypatch, text, columns, turns, codes) -> list[list[tuple]]:
    """Every paragraph coloured at load by its own codings (the per-paragraph path)."""
    with monkeypatch.context() as m:
        m.setattr(transcript_view, "LAZY_CODINGS", 10 ** 9)
        view = shown(qtbot)
        view.load(1, text, columns, turns, codes)
        assert not view.highlighter.pending
        return block_formats(view)


def test_background_colouring_looks_as_per_paragraph_colouring(qtbot, monkeypatch):
    text, turns, codes, spans = heavy_inputs()
    columns = columns_of(spans)
    want = reference(qtbot, monkeypatch, text, columns, turns, codes)
    monkeypatch.setattr(transcript_view, "PAGE_SWEEP", 0)  # the page in one sweep however light
    view = shown(qtbot)
    calls = []
    real = view.formats.block_runs
    monkeypatch.setattr(view.formats, "block_runs", lambda index, block: calls.append(block) or real(index, block))
    view.load(1, text, columns, turns, codes)
    h = view.highlighter
    assert h.pending and h._source is not None  # heavy: visible first, the rest from the one pass
    assert len(view.visible_blocks()) > 1 and not h.pending.intersection(view.visible_blocks())
    qtbot.waitUntil(lambda: not h.pending, timeout=10000)
    assert not calls  # the page in one sweep (window_runs), the rest from the one pass: no block swept alone
    assert block_formats(view) == want
    assert any(any(f[4] == QTextCharFormat.UnderlineStyle.DotLine for f in b) for b in want)  # layered runs


def test_a_coding_or_an_edit_during_background_colouring_is_shown_right(qtbot, monkeypatch):
    text, turns, codes, spans = heavy_inputs(seed=5, paragraphs=300)
    monkeypatch.setattr(transcript_view, "LAZY_STEP", 20)  # a step colours 20 paragraphs at most
    view = shown(qtbot)
    view.load(1, text, columns_of(spans), turns, codes)
    view._lazy_timer.stop()
    h = view.highlighter
    # Part of the pass is made and some paragraphs coloured from it, then a coding is applied.
    while len(h.pending) > 200:
        view._colour_some()
    assert h._ready and h.pending
    late = max(h.pending)
    start = view.positions.block_starts[late]
    added = SimpleNamespace(id=50_000, code_id=7, start=max(0, start - 30), end=start + 20, coder_id=0)
    view.apply_delta([added], [spans[3].coding_id])
    spans = [s for s in spans if s.coding_id != spans[3].coding_id] + [Span(50_000, 7, added.start, added.end)]
    # Then the text is edited (a refresh in place) before the background is done.
    at = text.find("\n", len(text) // 2)
    insert = " new words 😀\nInterviewer: and more"
    new_text = text[:at] + insert + text[at:]
    mapping = span_map([(at, at, insert)], text)
    moved = [Span(s.coding_id, s.code_id, *m) for s in spans if (m := mapping.span(s.start, s.end)) is not None]
    new_turns = [SimpleNamespace(start=mapping.span(t.start, t.end)[0], end=0, speaker=t.speaker) for t in turns]
    view.load(1, new_text, columns_of(moved), new_turns, codes)
    view._lazy_timer.start()
    qtbot.waitUntil(lambda: not h.pending, timeout=10000)
    assert view.highlighter is h  # refreshed in place, not reloaded
    assert block_formats(view) == reference(qtbot, monkeypatch, new_text, columns_of(moved), new_turns, codes)


def test_colouring_paragraphs_off_screen_repaints_nothing(qtbot, monkeypatch):
    """Qt's layout asks to repaint the whole page when several paragraphs get their formats; a
    background step that colours only paragraphs off screen holds that request (nothing shown
    changed), and what it coloured shows once scrolled to."""
    from PySide6.QtCore import QEvent, QObject

    text, turns, codes, spans = heavy_inputs(seed=3, paragraphs=300)
    want = reference(qtbot, monkeypatch, text, columns_of(spans), turns, codes)
    view = shown(qtbot)
    view.load(1, text, columns_of(spans), turns, codes)
    view._lazy_timer.stop()
    view.viewport().repaint()
    qtbot.wait(10)

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                Paints.count += 1
            return False

    paints = Paints()
    view.viewport().installEventFilter(paints)
    h = view.highlighter
    before = len(h.pending)
    while len(h.pending) == before:
        view._colour_some()  # the pass first, then paragraphs below the page
    qtbot.wait(10)
    assert len(h.pending) < before and Paints.count == 0
    while h.pending:
        view._colour_some()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    qtbot.wait(10)
    assert Paints.count > 0  # scrolling repaints
    assert block_formats(view) == want
