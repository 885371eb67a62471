"""The excerpts panel is paged: the first page shows at once, scrolling reads more, and a coding
(or its undo) puts just its excerpt in (or takes it out) without reloading the list."""

from __future__ import annotations

import pytest

from npmdesk.ui import excerpts_panel
from tests.ui.conftest import code_id


def shown(window) -> list[tuple[int, int, int]]:
    view = window.excerpts.view
    return [view.topLevelItem(i).data(0, excerpts_panel.SPAN_ROLE) for i in range(view.topLevelItemCount())]


@pytest.fixture
def many(window, monkeypatch):
    """250 excerpts of one code (pages of 20), made as one step through the window."""
    monkeypatch.setattr(excerpts_panel, "PAGE", 20)
    p = window.project
    code = p.add_code("Many")
    doc = window.current_document
    n = min(250, len(p.document_text(doc)) - 5)
    window.run("Code many", lambda: [p.apply_coding(doc, code, i, i + 5) for i in range(n)])
    window.code_tree.select_code(code)
    return code, doc, n


def test_the_first_page_shows_and_scrolling_reads_more(qtbot, window, many):
    code, doc, n = many
    panel = window.excerpts
    assert panel.view.topLevelItemCount() == 20
    assert panel.total == n and f"{n} excerpt(s)" in panel.title.text() and "20 shown" in panel.title.text()
    assert shown(window) == [(doc, i, i + 5) for i in range(20)]  # document order, then start
    bar = panel.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert panel.view.topLevelItemCount() == 40
    assert shown(window)[20:] == [(doc, i, i + 5) for i in range(20, 40)]
    for _ in range(n):  # the reader scrolls on to the end
        if not panel.has_more():
            break
        bar.setValue(bar.maximum() - bar.pageStep() - 1)
        bar.setValue(bar.maximum())
    assert shown(window) == [(doc, i, i + 5) for i in range(n)]
    assert "shown" not in panel.title.text()


def test_a_coding_adds_its_excerpt_and_undo_takes_it_out(qtbot, window, many):
    code, doc, n = many
    panel = window.excerpts
    before = shown(window)
    reads = []
    real = window.project.excerpts
    window.project.excerpts = lambda *a, **k: reads.append(k) or real(*a, **k)
    window.coding.apply_code(code, (3, 40), doc)
    assert "updating" in panel.title.text()  # never the old count as if it were the new one
    qtbot.waitUntil(lambda: panel.total == n + 1)
    assert f"{n + 1} excerpt(s)" in panel.title.text()
    rows = shown(window)
    assert (doc, 3, 40) in rows and rows.index((doc, 3, 40)) == 4  # after (3, 8): start, then end
    assert [r for r in rows if r != (doc, 3, 40)] == before  # nothing else moved or reloaded
    assert len(reads) == 1 and reads[0]["limit"] == 1  # just the touched excerpt was read
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.total == n)
    assert shown(window) == before
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: panel.total == n + 1)
    assert (doc, 3, 40) in shown(window)


def test_an_excerpt_beyond_the_loaded_rows_waits_for_its_page(qtbot, window, many):
    code, doc, n = many
    panel = window.excerpts
    window.coding.apply_code(code, (n - 3, n + 3), doc)
    qtbot.waitUntil(lambda: panel.total == n + 1)
    assert panel.view.topLevelItemCount() == 20 and (doc, n - 3, n + 3) not in shown(window)
    panel.load_all()
    rows = shown(window)
    assert len(rows) == n + 1 and len(set(rows)) == n + 1 and (doc, n - 3, n + 3) in rows
    assert rows == sorted(rows, key=lambda r: (r[1], r[2]))


def test_a_coding_elsewhere_leaves_the_list_alone(qtbot, window, many, monkeypatch):
    code, doc, n = many
    other = code_id(window, "Seeing the system")
    calls = []
    monkeypatch.setattr(window.excerpts, "apply_delta", lambda *a: calls.append(a))
    monkeypatch.setattr(window.excerpts, "show_paged", lambda *a, **k: calls.append(a))
    window.coding.apply_code(other, (3, 40), doc)
    qtbot.wait(20)
    assert calls == [] and f"{n} excerpt(s)" in window.excerpts.title.text()


def test_search_hits_are_read_a_page_at_a_time(qtbot, window, monkeypatch):
    monkeypatch.setattr(excerpts_panel, "PAGE", 2)
    panel = window.excerpts
    all_hits = window.project.search("the", limit=10_000)
    assert len(all_hits) > 4
    window.search("the", True)
    assert panel.view.topLevelItemCount() == 2 and "scroll for more" in panel.title.text()
    panel.load_all()
    assert panel.shown_hits() == [(h.document_id, h.start, h.end) for h in all_hits]
    assert f"{len(all_hits)} hit(s)" in panel.title.text()
