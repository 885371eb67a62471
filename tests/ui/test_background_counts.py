"""A project this computer has not counted opens at once; its counts come from a background count.

The study is small, so the in-place limit is lowered to nothing (every open without saved counts
counts in the background), and in the interleaving test every document and participant is a part
of its own, so that a coding can land in a part already read and in one still to come.
"""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from PySide6.QtCore import Qt

from npmdesk.store import Project, counts_cache, counts_parts
from npmdesk.store.counts_cache import covered_characters, full_counts, shares_from


class Gate:
    """Holds the counting thread before one part until released (and says when it is there)."""

    def __init__(self, kind: str = "documents", part: int = 0):
        self.kind, self.part = kind, part
        self.reached = threading.Event()
        self.go = threading.Event()
        self.calls: list[tuple[str, int]] = []

    def __call__(self, kind: str, part: int) -> None:
        self.calls.append((kind, part))
        if (kind, part) == (self.kind, self.part) and not self.go.is_set():
            self.reached.set()
            self.go.wait(20)


@pytest.fixture
def uncounted(study, monkeypatch):
    """The study as a colleague's file: no saved counts on this computer, counted in the background."""
    shutil.rmtree(counts_cache.counts_dir(), ignore_errors=True)
    monkeypatch.setattr(counts_cache, "IN_PLACE_CODINGS", 0)
    return study


def opened(qtbot, path, gate):
    from npmdesk.ui import MainWindow

    w = MainWindow(coder="Ana")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.counting.before_part = gate
    w.show()
    qtbot.waitExposed(w)
    assert w.open_project(path)
    return w


def fresh_counts(path):
    """What a full count from the file says, on a connection of its own."""
    p = Project.open(path, "Checker", read_only=True)
    try:
        return (full_counts(p.db, False), full_counts(p.db, True),
                shares_from(p.db, covered_characters(p.db)), {d.id: d for d in p.documents()})
    finally:
        p.close()


def shown_counts(w) -> dict[int, tuple[str, str, str]]:
    m = w.code_panel.model
    return {cid: tuple(m.data(m.index_of(cid, col)) for col in (1, 2, 3)) for cid in m.codes}


def shown_shares(w) -> dict[int, str]:
    m = w.documents.model_
    return {d.id: m.data(m.index_for(d.id, 2)) for d in w.document_list}


def expected_cells(w, own, total) -> dict[int, tuple[str, ...]]:
    zero = (0, 0, 0)
    out = {}
    for cid in w.code_panel.model.codes:
        a = (own[cid].codings, own[cid].documents, own[cid].participants) if cid in own else zero
        b = (total[cid].codings, total[cid].documents, total[cid].participants) if cid in total else zero
        parent = bool(w.code_panel.model.children.get(cid))
        out[cid] = tuple(f"{x} ({y})" if parent and y != x else str(x) for x, y in zip(a, b))
    return out


def wait_counted(qtbot, w):
    qtbot.waitUntil(lambda: not w.counting.pending, timeout=10_000)


def test_the_window_says_counting_then_shows_the_counted_numbers(qtbot, uncounted, messages):
    gate = Gate("documents", 0)
    w = opened(qtbot, uncounted, gate)
    try:
        assert gate.reached.wait(5), "the count did not start"
        # Interactive at once: codes and documents listed, a document on show, counts pending.
        assert w.counting.pending and w.code_panel.model.codes and w.document_list
        assert w.current_document is not None
        assert set(shown_counts(w).values()) == {("counting…", "…", "…")}
        assert set(shown_shares(w).values()) == {"…"}
        code = next(iter(w.code_panel.model.codes))
        tip = w.code_panel.model.data(w.code_panel.model.index_of(code), Qt.ItemDataRole.ToolTipRole)
        assert "Counting" in tip and "codings in" not in tip
        # A count read elsewhere meanwhile (the excerpts' count) comes from the tables: right, not zero.
        own, total, shares, _ = fresh_counts(uncounted)
        assert w.project.code_counts(code_ids=tuple(own)) == own
        gate.go.set()
        wait_counted(qtbot, w)
        assert shown_counts(w) == expected_cells(w, own, total)
        assert shown_shares(w) == {d: f"{shares.get(d, 0.0):.0%}" for d in shown_shares(w)}
        assert any(v != "0%" for v in shown_shares(w).values())
        # Saved for next time: a second open of the unchanged file counts nothing.
        p = Project.open(uncounted, "Checker", read_only=True)
        try:
            assert counts_cache.counts_ready(p) and p.code_counts(with_descendants=True) == total
        finally:
            p.close()
    finally:
        gate.go.set()
        w.close()


def test_a_coding_made_while_counting_is_in_the_numbers_shown(qtbot, uncounted, messages, monkeypatch):
    monkeypatch.setattr(counts_parts, "PART_CODINGS", 1)  # one document (one participant) per part
    gate = Gate("documents", 1)  # the first document's part is read; the others are not yet
    w = opened(qtbot, uncounted, gate)
    try:
        assert gate.reached.wait(5)
        docs = [d.id for d in w.document_list]
        p = w.project
        first = p.db.execute("SELECT min(document_id) FROM codings").fetchone()[0]
        later = max(d for d in docs if d != first)
        leaf = next(c.id for c in p.codes() if c.parent_id is not None)
        # Into the part already counted, and into one not counted yet.
        assert w.coding.apply_code(leaf, (0, 12), first)
        assert w.coding.apply_code(leaf, (3, 30), later)
        assert set(shown_counts(w).values()) == {("counting…", "…", "…")}  # still pending, never stale
        assert set(shown_shares(w).values()) == {"…"}
        calls = len(gate.calls)
        gate.go.set()
        wait_counted(qtbot, w)
        assert len(gate.calls) > calls + 1  # the parts changed meanwhile were counted again
        own, total, shares, _ = fresh_counts(uncounted)
        assert shown_counts(w) == expected_cells(w, own, total)
        assert shown_shares(w) == {d: f"{shares.get(d, 0.0):.0%}" for d in shown_shares(w)}
        # And kept in step from here as before: undo the last coding, the numbers follow.
        w.undo_stack.undo()
        qtbot.waitUntil(lambda: shown_counts(w) == expected_cells(w, *fresh_counts(uncounted)[:2]), timeout=5000)
    finally:
        gate.go.set()
        w.close()


def test_another_programs_write_while_counting_is_counted_too(qtbot, uncounted, messages, reopen):
    gate = Gate("cases", 0)
    w = opened(qtbot, uncounted, gate)
    try:
        assert gate.reached.wait(5)
        other = reopen()
        doc = other.documents()[1].id
        code = other.codes()[-1].id
        other.apply_coding(doc, code, 0, 9)
        gate.go.set()
        wait_counted(qtbot, w)
        own, total, shares, _ = fresh_counts(uncounted)
        assert own[code].codings >= 1
        assert shown_counts(w) == expected_cells(w, own, total)
        assert shown_shares(w) == {d: f"{shares.get(d, 0.0):.0%}" for d in shown_shares(w)}
    finally:
        gate.go.set()
        w.close()


@pytest.mark.parametrize("how", ["close project", "close window", "open another"])
def test_closing_while_counting_neither_hangs_nor_crashes(qtbot, uncounted, messages, tmp_path, how):
    gate = Gate("documents", 0)
    w = opened(qtbot, uncounted, gate)
    job = w.counting._job
    assert gate.reached.wait(5) and job is not None
    t0 = time.monotonic()
    if how == "close project":
        w.close_project()
    elif how == "close window":
        w.close()
    else:
        from tests.ui.sample_project import build

        build(tmp_path / "other.npmdesk").close()
        w.counting.before_part = None  # the other project, not counted either, is counted unheld
        assert w.open_project(tmp_path / "other.npmdesk")
    assert time.monotonic() - t0 < 3
    assert w.counting._job is not job
    assert w.counting.pending == (how == "open another")  # (the other project is counted in its turn)
    gate.go.set()  # the held count goes on: it was called off, and stops at its next part
    job.thread.join(5)
    assert not job.thread.is_alive()
    qtbot.wait(50)  # nothing queued from it reaches the window
    if how == "open another":
        assert w.project is not None and w.project.path.name == "other.npmdesk"
        wait_counted(qtbot, w)
        assert shown_counts(w) == expected_cells(w, *fresh_counts(tmp_path / "other.npmdesk")[:2])
    else:
        assert w.project is None
    w.close()


def test_another_programs_write_later_is_counted_in_the_background_too(qtbot, uncounted, messages, reopen):
    w = opened(qtbot, uncounted, None)
    try:
        wait_counted(qtbot, w)
        other = reopen()
        code = other.codes()[-1].id
        other.apply_coding(other.documents()[2].id, code, 0, 9)
        assert w.external.check()  # what its timer does every two seconds
        assert w.counting.pending and set(shown_counts(w).values()) == {("counting…", "…", "…")}
        wait_counted(qtbot, w)
        own, total, shares, _ = fresh_counts(uncounted)
        assert shown_counts(w) == expected_cells(w, own, total)
        assert shown_shares(w) == {d: f"{shares.get(d, 0.0):.0%}" for d in shown_shares(w)}
    finally:
        w.close()


def test_codes_made_and_moved_while_counting_are_counted_afresh(qtbot, uncounted, messages):
    gate = Gate("cases", 0)
    w = opened(qtbot, uncounted, gate)
    try:
        assert gate.reached.wait(5)
        p = w.project
        leaf = next(c for c in p.codes() if c.parent_id is not None)
        w.coding.move_code(leaf.id, None, None)  # its counts leave its theme's subtree total
        new = w.coding.new_code("Made while counting")
        assert new is not None and new in w.code_panel.model.codes
        assert set(shown_counts(w).values()) == {("counting…", "…", "…")}  # the new row says so too
        calls = len(gate.calls)
        gate.go.set()
        wait_counted(qtbot, w)
        assert ("documents", 0) in gate.calls[calls:]  # every part counted again (the tree changed)
        own, total, _, _ = fresh_counts(uncounted)
        assert shown_counts(w) == expected_cells(w, own, total)
        assert shown_counts(w)[new] == ("0", "0", "0")
    finally:
        gate.go.set()
        w.close()


def test_a_themes_excerpts_while_counting_show_a_page_and_then_their_count(qtbot, uncounted, messages, monkeypatch):
    """Counting a theme's excerpts from the tables while the project is counted would hold the
    window (half a second for a big theme at 400,000 codings): the list shows its first page and
    says "counting…", reads on as the reader scrolls, and takes its total when the count is in.
    A list shorter than a page is counted by reading it."""
    from npmdesk.ui import excerpts_panel

    monkeypatch.setattr(excerpts_panel, "PAGE", 2)
    gate = Gate("documents", 0)
    w = opened(qtbot, uncounted, gate)
    try:
        assert gate.reached.wait(5), "the count did not start"
        own, total, _, _ = fresh_counts(uncounted)
        theme = max((c for c in w.code_panel.model.codes if c in total), key=lambda c: total[c].codings)
        n = total[theme].codings
        assert 2 < n <= 4
        w.code_tree.select_code(theme)
        qtbot.waitUntil(lambda: w.excerpts.loaded > 0)
        panel = w.excerpts
        assert panel.loaded == 2 and "2 shown; counting…" in panel.title.text()
        assert panel.has_more() and panel.read.isEnabled()
        panel._more()  # the reader scrolls down: the last page, short, counts the list
        assert panel.loaded == n and f"{n} excerpt(s)" in panel.title.text() and not panel.has_more()
        single = next(c for c, n in own.items() if n.codings == 1)
        w.code_tree.select_code(single)
        qtbot.waitUntil(lambda: w.excerpts.loaded == 1)
        assert "1 excerpt(s)" in panel.title.text() and not panel.has_more()
        w.code_tree.select_code(theme)
        qtbot.waitUntil(lambda: w.excerpts.loaded == 2)
        gate.go.set()
        wait_counted(qtbot, w)
        assert f"{n} excerpt(s) (2 shown; scroll for more)" in panel.title.text()
        panel.load_all()
        assert panel.loaded == n and "counting" not in panel.title.text()
    finally:
        gate.go.set()
        w.close()
