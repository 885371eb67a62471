"""Coded text stays readable at any depth of overlapping codings, in the light and dark themes.

A run's background is its codes' mean colour, darkened 0.88 per extra layer up to the third
(DARKEST_LAYER); its text is dark grey unless that falls below 4.5:1 on the background, then white
(or black). Before, the darkening went on per layer: 20 layers of the shapes' yellow were
rgb(21, 18, 8) under #111111 text (1.1:1)."""

from __future__ import annotations

import random

import pytest
from PySide6.QtGui import QColor

from npmdesk.store.codes import PALETTE
from npmdesk.ui.highlighter import (DARKEST_LAYER, MIN_CONTRAST, TEXT, FormatCache, blend, contrast,
                                    luminance, text_color)

# Palettes codes really take: npmdesk's default (cycled for new codes), the perf shapes' one
# colour for every code, a palette with darker colours (tests/perf/profile_window.py --palette),
# and colours picked at random (a user may pick any, #123456 too).
SHAPES = ("#f4d35e",)
DARKER = ("#f4d35e", "#ee964b", "#f95738", "#83c5be", "#a0c4ff", "#bdb2ff", "#ffc6ff", "#caffbf",
          "#9bf6ff", "#fdffb6", "#ffadad", "#d4a373", "#90be6d", "#f9c74f", "#43aa8b", "#577590")
_rng = random.Random(20)
RANDOM = tuple(f"#{_rng.randrange(0x1000000):06x}" for _ in range(60))
PALETTES = {"default": PALETTE, "shapes": SHAPES, "darker": DARKER, "random": RANDOM}


def rgb(c: QColor) -> tuple[int, int, int]:
    return (c.red(), c.green(), c.blue())


def stacked(codes: int, seed: int) -> list[tuple[int, int, int, int]]:
    """`codes` codings nested around one point, in random order: every depth 1..codes occurs."""
    order = list(range(1, codes + 1))
    random.Random(seed).shuffle(order)
    return sorted((k, 2 * codes + 1 - k, code, k) for k, code in enumerate(order, 1))


def worst_contrast(cache: FormatCache, entries) -> tuple[float, int]:
    worst, depth_at = 99.0, 0
    for a, b, fmt in cache.runs(entries):
        depth = min(a, 2 * len(entries) + 1 - b) if len(entries) else 0
        ratio = contrast(rgb(fmt.foreground().color()), rgb(fmt.background().color()))
        if ratio < worst:
            worst, depth_at = ratio, depth
    return worst, depth_at


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_text_contrasts_with_its_background_at_every_depth_up_to_150(qapp, palette):
    colours = PALETTES[palette]
    for seed in range(4):
        cache = FormatCache()
        cache.set_colors({c: colours[(c + seed) % len(colours)] for c in range(1, 151)})
        worst, depth = worst_contrast(cache, stacked(150, seed))
        assert worst >= MIN_CONTRAST, (palette, seed, depth, worst)
        # The per-combination path (FormatCache.get) agrees.
        for n in (1, 2, 3, 4, 20, 100, 150):
            fmt = cache.get(tuple(range(1, n + 1)))
            assert contrast(rgb(fmt.foreground().color()), rgb(fmt.background().color())) >= MIN_CONTRAST


def test_the_default_palette_keeps_dark_text_at_every_depth(qapp):
    """With npmdesk's own colours the text is the usual dark grey on every run (no switching
    between dark and white text inside a passage), at >= 4.5:1 however deep."""
    rng = random.Random(4)
    cache = FormatCache()
    cache.set_colors({c: PALETTE[c % len(PALETTE)] for c in range(1, 151)})
    for _ in range(300):
        n = rng.randrange(1, 151)
        fmt = cache.get(tuple(sorted(rng.sample(range(1, 151), n))))
        assert rgb(fmt.foreground().color()) == TEXT
        assert contrast(TEXT, rgb(fmt.background().color())) >= MIN_CONTRAST


def test_the_shapes_heavy_transcript_is_no_longer_near_black(qapp):
    cache = FormatCache()
    cache.set_colors({c: "#f4d35e" for c in range(1, 151)})
    for n in (20, 100, 150):  # the heavy shape's depths at 10,000 and 50,000 codings
        fmt = cache.get(tuple(range(1, n + 1)))
        bg = rgb(fmt.background().color())
        assert luminance(bg) > 0.3 and contrast(TEXT, bg) > 7, (n, bg)  # was rgb(21, 18, 8) at 20
        assert rgb(fmt.foreground().color()) == TEXT


def test_one_to_three_layers_look_as_before(qapp):
    """Low depth is unchanged: mean colour darkened 0.88 per extra layer, dark text; the darkening
    stops there, so any deeper run is as dark as three layers of the same colours."""
    cache = FormatCache()
    cache.set_colors({c: PALETTE[c % len(PALETTE)] for c in range(1, 13)})
    for n in (1, 2, 3):
        for first in range(12):
            codes = tuple(sorted(((first + k) % 12) + 1 for k in range(n)))
            cols = [cache.rgb[c] for c in codes]
            shade = 0.88 ** (n - 1) / n  # the old rule
            old = tuple(int(sum(c[i] for c in cols) * shade) for i in range(3))
            fmt = cache.get(codes)
            got = rgb(fmt.background().color())
            assert all(0 <= o - g < FormatCache.QUANTUM for o, g in zip(old, got)) or old == got, (codes, old, got)
            if n == 1:
                assert got == old
            assert rgb(fmt.foreground().color()) == TEXT
    yellow = QColor("#f4d35e")
    three = blend([rgb(yellow)] * DARKEST_LAYER)
    assert blend([rgb(yellow)] * 40) == three == blend([rgb(yellow)] * 4)
    assert blend([rgb(yellow)] * 2) != three  # 1, 2 and 3 layers still differ


def test_a_dark_colour_keeps_its_colour_and_takes_light_text(qapp):
    cache = FormatCache()
    cache.set_colors({1: "#577590", 2: "#123456", 3: "#f4d35e"})
    for codes in ((1,), (2,), (1, 2)):
        fmt = cache.get(codes)
        bg = rgb(fmt.background().color())
        assert text_color(bg) == (255, 255, 255) == rgb(fmt.foreground().color())
        assert contrast((255, 255, 255), bg) >= MIN_CONTRAST
    assert cache.get((1,)).background().color().name() == "#577590"  # one code's colour is exact
    assert rgb(cache.get((3,)).foreground().color()) == TEXT


def test_some_ink_always_reaches_the_minimum():
    for v in range(0, 256, 3):
        for bg in ((v, v, v), (v, 0, 0), (0, v, 0), (0, 0, v), (v, v, 0), (255, v, 255 - v)):
            assert contrast(text_color(bg), bg) >= MIN_CONTRAST, bg


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_rendered_text_stands_out_in_both_themes(qapp, dark):
    """On screen: a paragraph under 1..150 nested codings in a text view with the light or the dark
    theme's palette; in the middle (150 layers) the glyphs' ink stands out from the background."""
    from PySide6.QtGui import QFont, QPalette
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from npmdesk.core.coding_index import CodingIndex, Span
    from npmdesk.core.positions import TextPositions
    from npmdesk.ui.highlighter import CodingHighlighter
    from npmdesk.ui.theme import dark_palette

    app = QApplication.instance()
    before = QPalette(app.palette())
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    try:
        text = "x" * 150 + " HEAVY MEHW " + "x" * 150
        index = CodingIndex(TextPositions(text))
        index.update([Span(k, k, k - 1, len(text) - k + 1) for k in range(1, 151)])
        cache = FormatCache()
        cache.set_colors({k: PALETTE[k % len(PALETTE)] for k in range(1, 151)})
        view = QPlainTextEdit()
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont(view.font())
        font.setPointSize(28)
        view.setFont(font)
        view.resize(900, 140)
        view.setPlainText(text)
        highlighter = CodingHighlighter(view.document(), index, cache, {})
        highlighter.rehighlight()
        view.show()
        cursor = view.textCursor()
        cursor.setPosition(text.index("HEAVY"))
        view.setTextCursor(cursor)
        view.centerCursor()
        qapp.processEvents()
        word = view.cursorRect(cursor)
        image = view.viewport().grab().toImage()
        expected_bg = rgb(cache.get(tuple(range(1, 151))).background().color())
        pixels = [rgb(QColor(image.pixel(x, y)))
                  for x in range(word.left() + 2, min(image.width(), word.left() + 200))
                  for y in range(word.top() + 2, word.bottom() - 1)]
        seen = {}
        for p in pixels:
            seen[p] = seen.get(p, 0) + 1
        bg = max(seen, key=seen.get)
        assert all(abs(a - b) <= 2 for a, b in zip(bg, expected_bg)), (bg, expected_bg)
        ink = max(seen, key=lambda p: contrast(p, bg))
        assert contrast(ink, bg) >= MIN_CONTRAST, (ink, bg)
        view.close()
        highlighter.setDocument(None)
    finally:
        app.setPalette(before)
