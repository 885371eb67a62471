"""The highlighter's one-sweep runs colour every character as the blend of the codes on it."""

from __future__ import annotations

import random

from npmdesk.core.coding_index import segments
from npmdesk.ui.highlighter import FormatCache, blend


def test_runs_colour_each_character_as_the_blend_of_its_codes(qapp):
    rng = random.Random(3)
    cache = FormatCache()
    cache.set_colors({c: f"#{rng.randrange(0x1000000):06x}" for c in range(1, 30)})
    entries = []
    for cid in range(200):
        a = rng.randrange(0, 2000)
        entries.append((a, a + rng.randrange(0, 400), rng.randrange(1, 31), cid))  # code 30 has no colour
    entries.sort()
    colour = {}
    for a, b, fmt in cache.runs(entries):
        for x in range(a, b):
            colour[x] = fmt.background().color()
    expected = {}
    for a, b, codes in segments(entries):
        want = blend([cache.rgb.get(c, (204, 204, 204)) for c in codes])
        for x in range(a, b):
            expected[x] = (want, len(codes))
    assert colour.keys() == expected.keys()
    for x, (want, n) in expected.items():
        got = colour[x]
        tolerance = 0 if n == 1 else FormatCache.QUANTUM
        assert all(0 <= w - g < tolerance or w == g for w, g in
                   ((want.red(), got.red()), (want.green(), got.green()), (want.blue(), got.blue()))), x
    assert len(cache._by_colour) < 200  # shared by colour, not one per combination


def test_one_codes_colour_is_exact(qapp):
    cache = FormatCache()
    cache.set_colors({7: "#e0a3b7"})
    [(a, b, fmt)] = cache.runs([(2, 9, 7, 1), (4, 6, 7, 2)])
    assert (a, b) == (2, 9) and fmt.background().color().name() == "#e0a3b7"


def test_block_runs_are_the_runs_of_the_blocks_entries(qapp):
    from npmdesk.core.coding_index import CodingIndex, Span
    from npmdesk.core.positions import TextPositions

    text = ("Interviewer: How was it? 😀\nP1: Fine, the café 🩺 was busy 👩🏽‍⚕️ today.\n\n"
            "P1: 学习很重要, I said.\nInterviewer: And then?\nP1: Nothing more 😀😀.") * 3
    rng = random.Random(11)
    cache = FormatCache()
    cache.set_colors({c: f"#{rng.randrange(0x1000000):06x}" for c in range(1, 12)})
    index = CodingIndex(TextPositions(text))
    spans = []
    for cid in range(1, 400):
        a = rng.randrange(len(text) - 1)
        spans.append(Span(cid, rng.randrange(1, 13), a, rng.randrange(a + 1, min(len(text), a + 90) + 1)))
    index.update(spans)
    for block in range(index.positions.block_count):
        assert cache.block_runs(index, block) == cache.runs(index.entries(block)), block
