"""The player reads a transcript's turns and recording again only when a step changed them
(Changes.turns, Changes.media: ui/media_menu.py), not on every coding: after linking a recording,
setting a turn's time, relabelling a speaker, editing the timed transcript, and undoing each, it
shows the stored turns and the stored recording."""

from __future__ import annotations

import shutil

from npmdesk.formats import media as media_files
from tests.ui.test_player import FIXTURE, TEXT, recorded, rwindow  # noqa: F401 (fixtures)


def _stored_turns(w, doc):
    timed = sorted((t.begin_ms, t.start, t.end) for t in w.project.turns(doc) if t.begin_ms is not None)
    return [b for b, _, _ in timed], [(s, e) for _, s, e in timed]


def _check(w, doc):
    panel = w.media.panel
    assert (panel.turn_starts, panel.turn_spans) == _stored_turns(w, doc)
    link = w.project.media_link(doc)
    if link is None:
        assert "No recording linked" in panel.title.text()
    else:
        assert link.stored_path.split("/")[-1] in panel.title.text()


def test_the_player_follows_links_times_relabels_edits_and_their_undo(rwindow, qtbot, tmp_path):
    w = rwindow
    doc = w.document_list[0].id
    w.open_document(doc)
    p = w.project
    _check(w, doc)
    reads = []
    real = p.turns
    p.turns = lambda *a, **k: reads.append((a, k)) or real(*a, **k)
    budget = w.run("New code", lambda: p.add_code("Budget")).value
    w.coding.apply_code(budget, (40, 50), doc)
    assert reads == []  # a coding: neither the turns nor the recording read again
    p.turns = real
    _check(w, doc)
    turn = p.turns(doc)[1]
    w.run("Set turn time", lambda: p.set_turn_time(turn.id, 6000))
    _check(w, doc)
    assert w.media.panel.turn_starts == [0, 6000]
    w.run("Relabel", lambda: p.relabel_speaker(doc, "NPM-1", "Mentor"))
    _check(w, doc)
    w.run("Edit", lambda: p.edit_text(doc, [(0, 0, "Note: a first line before the turns.\n")]))
    _check(w, doc)
    assert w.media.panel.turn_spans[0][0] > 0
    shutil.copy(FIXTURE, tmp_path / "i2.wav")
    info = media_files.describe(tmp_path / "i2.wav")
    w.run("Link", lambda: p.link_media(doc, info.path, info.sha256, info.size, info.duration_ms))
    _check(w, doc)
    assert "i2.wav" in w.media.panel.title.text()
    for _ in range(4):
        w.undo_stack.undo()
        _check(w, doc)
    assert "i1.wav" in w.media.panel.title.text() and w.media.panel.turn_starts == [0, 5000]
    for _ in range(4):
        w.undo_stack.redo()
        _check(w, doc)
    assert "i2.wav" in w.media.panel.title.text()
