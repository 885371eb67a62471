"""A heavy transcript is coloured where it is shown first, then in the background; never wrongly."""

from __future__ import annotations

import random

from npmdesk.store import Project
from npmdesk.ui.transcript_view import LAZY_CODINGS
from tests.ui.conftest import coloured_ranges, open_window


def heavy_project(path, paragraphs=300, codings=LAZY_CODINGS + 500):
    p = Project.create(path, "Ana")
    lines = [f"NPM-{i % 6 + 1}: paragraph {i} about mentoring, feedback and belonging 😀." for i in range(paragraphs)]
    text = "\n".join(lines)
    doc = p.add_document("heavy", text)
    codes = [p.ensure_code_path(f"Theme/Code {i}") for i in range(12)]
    rng = random.Random(7)
    with p.write():
        made = set()
        while len(made) < codings:
            a = rng.randrange(0, len(text) - 40)
            b = a + rng.randrange(5, 200)
            key = (rng.choice(codes), a, min(b, len(text)))
            if key not in made:
                made.add(key)
                p.apply_coding(doc, *key)
    p.close()
    return doc


def open_heavy(qtbot, tmp_path):
    path = tmp_path / "heavy.npmdesk"
    return open_window(qtbot, path, heavy_project(path))


def test_visible_first_then_all(qtbot, tmp_path, messages):
    w = open_heavy(qtbot, tmp_path)
    view = w.transcript
    h = view.highlighter
    visible = view.visible_blocks()
    assert visible and not h.pending.intersection(visible)  # what is on screen is coloured at once
    qtbot.waitUntil(lambda: not h.pending, timeout=10000)
    # Once done, exactly the coded characters are coloured, as in a synchronous pass.
    lazy = coloured_ranges(view)
    h.pending = set()
    h.rehighlight()
    assert coloured_ranges(view) == lazy
    w.close()


def test_scrolling_colours_what_it_reveals(qtbot, tmp_path, messages):
    w = open_heavy(qtbot, tmp_path)
    view = w.transcript
    view._lazy_timer.stop()  # no background help: only scrolling
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: not view.highlighter.pending.intersection(view.visible_blocks()), timeout=5000)
    assert view.visible_blocks()[-1] == view.document().blockCount() - 1
    w.close()
