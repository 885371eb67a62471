"""A code selected reads its excerpts on the next turn of the event loop ("loading…" until then:
ui/window_review.py show_code_excerpts). Whatever the user does meanwhile (arrow keys through the
tree, coding, a search, exemplars, the filters, closing or opening a project), the list never
shows another list's rows, title or count as this one's, and never says "loading…" for good."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt

from npmdesk.ui import excerpts_panel
from tests.ui.conftest import click_code, code_id, select_text


def rows(window) -> list[tuple[int, int, int]]:
    view = window.excerpts.view
    return [view.topLevelItem(i).data(0, excerpts_panel.SPAN_ROLE) for i in range(view.topLevelItemCount())]


def stored(window, code: int, with_descendants: bool = True, group: int | None = None) -> list[tuple[int, int, int]]:
    """The code's excerpts as the tables hold them (document, start, end), whatever the order."""
    p = window.project
    codes = {code}
    if with_descendants:
        todo = [code]
        while todo:
            kids = [r[0] for r in p.db.execute("SELECT id FROM codes WHERE parent_id = ?", (todo.pop(),))]
            codes.update(kids)
            todo += kids
    marks = ",".join("?" * len(codes))
    sql = f"SELECT document_id, start, end FROM codings WHERE code_id IN ({marks})"
    params = list(codes)
    if group is not None:
        sql += " AND document_id IN (SELECT document_id FROM document_group_members WHERE group_id = ?)"
        params.append(group)
    return sorted(p.db.execute(sql, params).fetchall())


def settled(window) -> None:
    QCoreApplication.processEvents()
    assert "loading" not in window.excerpts.title.text() and "updating" not in window.excerpts.title.text()


def assert_shows(window, code: int, **kw) -> None:
    """The panel shows exactly the code's excerpts, titled with its path and their count."""
    settled(window)
    want = stored(window, code, **kw)
    window.excerpts.load_all()
    assert sorted(rows(window)) == want
    title = window.excerpts.title.text()
    assert window.catalog.get(code).path in title and f"{len(want)} excerpt(s)" in title, title


def test_arrow_keys_through_the_tree_show_each_selection_then_its_list(qtbot, window):
    tree = window.code_tree
    tree.setFocus()
    tree.select_code(code_id(window, "Socialisation into medicine"))
    assert_shows(window, tree.current_code())
    seen = []
    for _ in range(6):
        before = tree.current_code()
        qtbot.keyClick(tree, Qt.Key.Key_Down)
        code = tree.current_code()
        if code == before:
            break
        title = window.excerpts.title.text()
        # Before the loop turns: this code's name, no count, no row of the code before.
        assert window.catalog.get(code).path in title and "loading" in title
        assert rows(window) == [] and not window.excerpts.read.isEnabled()
        seen.append(code)
    assert len(seen) >= 3
    assert_shows(window, tree.current_code())
    assert window.excerpts.read.isEnabled()


def test_enter_right_after_selecting_codes_and_the_list_includes_it(qtbot, window):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    select_text(window.transcript, "honest the feedback was")
    tree.setFocus()
    tree.select_code(system)
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # before the list was read
    assert_shows(window, system)
    doc = window.current_document
    assert any(d == doc for d, _, _ in rows(window))


def test_a_search_while_loading_stays_and_runs_once(qtbot, window, monkeypatch):
    calls = []
    real = window._run_search
    monkeypatch.setattr(window, "_run_search", lambda *a: (calls.append(a), real(*a)))
    window.code_tree.select_code(code_id(window, "Teaching consolidates knowledge"))
    window.excerpts.search.setText("feedback")
    qtbot.keyClick(window.excerpts.search, Qt.Key.Key_Return)
    QCoreApplication.processEvents()
    assert "Search <b>feedback</b>" in window.excerpts.title.text()
    assert len(calls) == 1


def test_exemplars_while_loading_stay(qtbot, window):
    window.code_tree.select_code(code_id(window, "Teaching consolidates knowledge"))
    window.show_exemplars()
    QCoreApplication.processEvents()
    assert window.excerpts.title.text().startswith("<b>Exemplar quotes</b>")


def test_the_filters_changed_while_loading(qtbot, window):
    theme = code_id(window, "Socialisation into medicine")
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    assert_shows(window, code_id(window, "Seeing the system"))
    window.code_tree.select_code(theme)
    window.excerpts.subcodes.setChecked(False)  # while loading
    assert_shows(window, theme, with_descendants=False)
    window.excerpts.subcodes.setChecked(True)
    assert_shows(window, theme)


def test_the_document_group_changed_while_loading(qtbot, window):
    p = window.project
    npm2 = next(d.id for d in p.documents() if d.name == "Interview NPM-2")
    gid = window.run("New group", lambda: p.add_group("document", "Second round")).value
    window.run("Add to group", lambda: p.add_group_members(gid, [npm2]))
    theme = code_id(window, "Socialisation into medicine")
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    settled(window)
    window.code_tree.select_code(theme)
    box = window.excerpts.group
    box.setCurrentIndex(box.findData(gid))  # while loading
    assert_shows(window, theme, group=gid)
    assert {d for d, _, _ in rows(window)} == {npm2}
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    box.setCurrentIndex(0)
    assert_shows(window, code_id(window, "Seeing the system"))


def test_closing_or_opening_a_project_while_loading(qtbot, window, study, tmp_path):
    from tests.ui.sample_project import build

    window.code_tree.select_code(code_id(window, "Teaching consolidates knowledge"))
    window.close_project()
    QCoreApplication.processEvents()
    assert window.excerpts.title.text() == "Select a code to see its excerpts." and rows(window) == []
    window.open_project(study)
    window.code_tree.select_code(code_id(window, "Teaching consolidates knowledge"))
    other = tmp_path / "other.npmdesk"
    build(other).close()
    window.open_project(other)
    QCoreApplication.processEvents()
    assert "loading" not in window.excerpts.title.text()
    assert window.excerpts.title.text() == "Select a code to see its excerpts." and rows(window) == []


def test_the_retrieval_view_follows_the_selection_while_loading(qtbot, window):
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    settled(window)
    window.excerpts.read.click()
    view = window.retrieval
    assert view.isVisible()
    teach = code_id(window, "Teaching consolidates knowledge")
    window.code_tree.select_code(teach)
    assert view.code_id == teach
    assert_shows(window, teach)


def test_a_cells_list_follows_its_own_filter_not_the_code_selected_before(qtbot, window):
    """An analysis cell's excerpts (Analysis views, ui/analysis/menu.py) shown in the panel: a
    coding of the code selected before neither adds its row nor puts that code's count under
    the cell's title; a coding of the cell's own code comes in, with the cell's new count."""
    from npmdesk.core.model import ExcerptFilter

    system = code_id(window, "Seeing the system")
    teach = code_id(window, "Teaching consolidates knowledge")
    window.code_tree.select_code(system)
    settled(window)
    window.analysis.show_excerpts("Teaching × all", ExcerptFilter(code_ids=(teach,)))
    cell = sorted(rows(window))
    assert cell == stored(window, teach) and "Teaching × all" in window.excerpts.title.text()
    # "Read as document" reads a code's excerpts, not a cell's: it says so rather than open another list.
    assert not window.excerpts.read.isEnabled() and "code tree" in window.excerpts.read.toolTip()
    select_text(window.transcript, "honest the feedback was")
    window.coding.apply_code(system)  # a coding of the code selected before the cell
    title = window.excerpts.title.text()
    assert "updating" not in title  # a code the cell does not name: nothing to follow
    settled(window)
    assert "Teaching × all" in title and f"{len(cell)} excerpt(s)" in title, title
    assert sorted(rows(window)) == cell
    window.coding.apply_code(teach)
    assert "updating" in window.excerpts.title.text()
    settled(window)
    title = window.excerpts.title.text()
    assert sorted(rows(window)) == stored(window, teach) != cell
    assert "Teaching × all" in title and f"{len(cell) + 1} excerpt(s)" in title, title
    window.actions["undo"].trigger()
    settled(window)
    assert sorted(rows(window)) == cell and f"{len(cell)} excerpt(s)" in window.excerpts.title.text()
    # A click on the code still current in the tree brings its own list back.
    click_code(qtbot, window, system)
    settled(window)
    assert sorted(rows(window)) == stored(window, system) and "Seeing the system" in window.excerpts.title.text()
    assert window.excerpts.read.isEnabled() and "code tree" not in window.excerpts.read.toolTip()


def test_random_gestures_each_leave_the_list_of_the_mode_shown(qtbot, window, study):
    """Random gestures, several before the loop turns: selecting codes, coding, undo, a search,
    exemplars, the sub-codes box, a project closed and opened. Once the loop has turned, the
    panel never says "loading…" or "updating…", and a code's list is exactly its excerpts."""
    import random

    rng = random.Random(3)
    tree = window.code_tree
    phrases = ("honest the feedback was", "budget", "mentor")
    for _ in range(60):
        for _ in range(rng.randint(1, 3)):  # gestures that reach the window before the loop turns
            op = rng.random()
            if window.project is None:
                window.open_project(study)
                continue
            codes = list(window.catalog.codes)
            if op < 0.35:
                tree.select_code(rng.choice(codes))
            elif op < 0.5:
                text = window.transcript.document().toPlainText()
                phrase = rng.choice([p for p in phrases if p in text] or [text[:10]])
                select_text(window.transcript, phrase)
                window.coding.apply_code(rng.choice(codes))
            elif op < 0.6 and window.undo_stack.canUndo():
                window.undo_stack.undo()
            elif op < 0.68:
                window.search(rng.choice(("feedback", "the")), rng.random() < 0.5)
            elif op < 0.74:
                window.show_exemplars()
            elif op < 0.84:
                window.excerpts.subcodes.setChecked(not window.excerpts.subcodes.isChecked())
            elif op < 0.88:
                window.close_project()
            elif op < 0.94 and tree.current_code() is not None:
                window.actions["code_excerpts"].trigger()
        settled(window)
        mode = window._excerpts_mode
        if window.project is None:
            assert window.excerpts.title.text() == "Select a code to see its excerpts." and rows(window) == []
        elif mode is not None and mode[0] == "code":
            assert_shows(window, mode[1], with_descendants=window.excerpts.subcodes.isChecked())


def test_number_keys_right_after_selecting_and_ctrl_shift_x(qtbot, window):
    """Down in the tree, then number keys in the transcript before the loop turns: the list read
    afterwards has the new codings and their count. Ctrl+Shift+X shows the selected code's list."""
    tree = window.code_tree
    a = code_id(window, "Seeing the system")
    b = code_id(window, "Teaching consolidates knowledge")
    window.remember_code(a)
    window.remember_code(b)
    tree.setFocus()
    tree.select_code(a)
    settled(window)
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    up = tree.current_code()
    select_text(window.transcript, "At first I thought")
    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_1)
    qtbot.keyClick(window.transcript, Qt.Key.Key_2)
    assert_shows(window, up)
    tree.select_code(b)
    window.show_exemplars()
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "loading" in window.excerpts.title.text()
    assert_shows(window, b)
    assert any(window.transcript.document().toPlainText()[s:e] == "At first I thought" for _, s, e in rows(window))


def test_a_cell_with_sub_codes_follows_a_sub_codes_coding_and_its_deletion(qtbot, window):
    from npmdesk.core.model import ExcerptFilter

    p = window.project
    theme = code_id(window, "Socialisation into medicine")
    belong = code_id(window, "Socialisation into medicine/Belonging")
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    settled(window)
    window.analysis.show_excerpts("Socialisation × NPM-1", ExcerptFilter(code_ids=(theme,), with_descendants=True))
    settled(window)
    assert sorted(rows(window)) == stored(window, theme)
    select_text(window.transcript, "honest the feedback was")
    window.coding.apply_code(belong)
    settled(window)
    assert sorted(rows(window)) == stored(window, theme)
    window.run("Delete code", lambda: p.delete_code(belong, children="lift", codings="delete"))
    settled(window)
    window.excerpts.load_all()
    assert sorted(rows(window)) == stored(window, theme)
    assert f"{len(stored(window, theme))} excerpt(s)" in window.excerpts.title.text()
    assert "Socialisation × NPM-1" in window.excerpts.title.text()


def test_a_refused_search_leaves_the_list_shown_and_its_title(qtbot, window, messages):
    """A query the search index refuses says why and leaves the code's list as it was: a later
    coding of that code is followed (new row, new count) and no "updating…" is left behind."""
    teach = code_id(window, "Teaching consolidates knowledge")
    window.code_tree.select_code(teach)
    settled(window)
    before = sorted(rows(window))
    window.search("   ", True)  # nothing to search for: refused
    assert messages and "search" in messages[-1].lower()
    assert sorted(rows(window)) == before and "Teaching consolidates knowledge" in window.excerpts.title.text()
    select_text(window.transcript, "honest the feedback was")
    window.coding.apply_code(teach)
    settled(window)
    assert sorted(rows(window)) == stored(window, teach) != before
    assert f"{len(before) + 1} excerpt(s)" in window.excerpts.title.text()
