"""The code tree: a valid item model; move, merge, rename, recolour, delete — by drag, keys and menus,
each undoable and each in the file."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from npmdesk.ui.code_tree_model import CodeTreeModel
from npmdesk.ui.mime import codes_mime
from tests.ui.conftest import code_id, drag_and_drop, row_point, select_text


def test_model_passes_qt_model_tester(qtmodeltester, study):
    from npmdesk.store import Project

    model = CodeTreeModel()
    with Project.open(study, "Ana") as p:
        model.load(p)
        qtmodeltester.check(model)
        p.ensure_code_path("Seeing the system/Loans")
        model.load(p)  # a changed shape resets
        qtmodeltester.check(model)


def test_drag_code_onto_another_moves_it_and_undo(qtbot, window, reopen):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    theme = code_id(window, "Growing as a communicator")
    event = drag_and_drop(tree.viewport(), row_point(tree, theme), codes_mime([system]))
    assert event.dropAction() == Qt.DropAction.IgnoreAction
    assert reopen().code(system).path == "Growing as a communicator/Seeing the system"
    assert window.code_panel.model.codes[system].parent_id == theme
    assert window.code_panel.model.codes[system].id == system  # identity kept, not a copy
    window.actions["undo"].trigger()
    assert reopen().code(system).path == "Seeing the system"
    assert [c.id for c in reopen().codes() if c.parent_id is None][-1] == system  # back in its place


def test_drag_between_rows_reorders(qtbot, window, reopen):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    first = code_id(window, "Socialisation into medicine")
    drag_and_drop(tree.viewport(), row_point(tree, first, "above"), codes_mime([system]))
    assert [c.id for c in reopen().codes() if c.parent_id is None][0] == system


def test_shift_drop_merges_and_undo_restores_codings(qtbot, window, reopen):
    tree = window.code_tree
    teach = code_id(window, "Teaching consolidates knowledge")
    feedback = code_id(window, "Growing as a communicator/Honest feedback")
    before = {(c.code_id, c.start, c.end) for c in reopen().codings_in_document(window.current_document)}
    drag_and_drop(tree.viewport(), row_point(tree, feedback), codes_mime([teach]), Qt.KeyboardModifier.ShiftModifier)
    p = reopen()
    assert teach not in {c.id for c in p.codes()}
    assert p.code_counts()[feedback].codings == 4
    assert "mentor's own understanding" in p.code(feedback).description
    assert teach not in window.code_panel.model.codes
    window.actions["undo"].trigger()
    p = reopen()
    assert p.code(teach).description.startswith("Explaining")
    assert {(c.code_id, c.start, c.end) for c in p.codings_in_document(window.current_document)} == before
    assert teach in window.code_panel.model.codes
    window.actions["redo"].trigger()
    assert teach not in {c.id for c in reopen().codes()}


def test_rename_in_place_and_recolour(qtbot, window, reopen):
    tree = window.code_tree
    system = code_id(window, "Seeing the system")
    tree.setFocus()
    tree.select_code(system)
    qtbot.keyClick(tree, Qt.Key.Key_F2)
    from PySide6.QtWidgets import QLineEdit

    (editor,) = tree.viewport().findChildren(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Seeing the whole system")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)  # the delegate commits on a queued call
    assert reopen().code(system).name == "Seeing the whole system"
    assert window.code_panel.model.codes[system].name == "Seeing the whole system"
    assert window.run("Recolour code", lambda: window.project.recolour_code(system, "#123456")).ok
    assert reopen().code(system).color == "#123456"
    assert window.transcript.highlighter.colors[system].name() == "#123456"
    window.actions["undo"].trigger()
    window.actions["undo"].trigger()
    assert reopen().code(system).name == "Seeing the system"
    assert reopen().code(system).color != "#123456"


def test_delete_with_confirmation_then_undo(qtbot, window, reopen, monkeypatch):
    import npmdesk.ui.coding as coding

    seen = {}

    class Confirm(coding.DeleteCodeDialog):
        def exec(self):
            seen["sub_codes"], seen["codings"] = self.sub_codes, self.any_codings
            self.delete_children.setChecked(True)
            self.delete_codings.setChecked(True)
            return True

    monkeypatch.setattr(coding, "DeleteCodeDialog", Confirm)
    theme = code_id(window, "Socialisation into medicine")
    window.code_tree.setFocus()
    window.code_tree.select_code(theme)
    qtbot.keyClick(window.code_tree, Qt.Key.Key_Delete)
    assert seen["sub_codes"] == 2 and seen["codings"] == 3
    p = reopen()
    assert all(not c.path.startswith("Socialisation") for c in p.codes())
    assert p.counts()["codings"] == 5
    window.actions["undo"].trigger()
    p = reopen()
    assert p.counts()["codings"] == 8
    assert p.code_by_path("Socialisation into medicine/Belonging")


def test_delete_dialog_states_consequences(qtbot, window):
    from npmdesk.ui.dialogs import DeleteCodeDialog

    theme = window.project.code(code_id(window, "Socialisation into medicine"))
    dialog = DeleteCodeDialog(window, theme, 2, 0, 3)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "2 sub-code(s)" in text and "3 coding(s)" in text
    assert dialog.choice() == ("lift", "delete")  # a top-level code's codings have no parent to go to
    assert not dialog.to_parent.isEnabled()


# Code changes follow the tree row by row (issue 14) ---------------------------------------------------


def tree_shown(tree) -> list:
    """What the tree shows, as nested (name, codings, docs, people, expanded?, children) rows."""
    m = tree.model()

    def rows(parent):
        out = []
        for r in range(m.rowCount(parent)):
            idx = m.index(r, 0, parent)
            counts = tuple(m.index(r, c, parent).data() for c in (1, 2, 3))
            kids = rows(idx)
            out.append((idx.data(), *counts, tree.isExpanded(idx) if kids else None, kids))
        return out

    return rows(QModelIndex())


def fresh_tree(qtbot, reopen) -> list:
    """What a fresh load of the stored project shows."""
    from npmdesk.ui.code_panel import CodePanel

    panel = CodePanel()
    qtbot.addWidget(panel)
    panel.reload(reopen())
    return tree_shown(panel.tree)


class Refreshes:
    """The excerpts panel's refreshes (its list shown afresh), and the model's resets."""

    def __init__(self, window, monkeypatch):
        self.shown = 0
        self.resets = 0
        real = window.excerpts.show_paged

        def counted(*args, **kwargs):
            self.shown += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(window.excerpts, "show_paged", counted)
        window.code_panel.model.modelReset.connect(self.reset_seen)

    def reset_seen(self) -> None:
        self.resets += 1

    def during(self, gesture) -> tuple[int, int]:
        """(excerpts refreshes, model resets) by the gesture and the follow-up it left to the loop."""
        from PySide6.QtCore import QCoreApplication

        self.shown = self.resets = 0
        gesture()
        QCoreApplication.processEvents()
        return self.shown, self.resets


def test_each_code_change_updates_the_tree_in_place_as_a_reload_shows_it(qtbot, window, reopen, monkeypatch):
    from PySide6.QtTest import QAbstractItemModelTester

    import npmdesk.ui.coding as coding

    tree, panel = window.code_tree, window.code_panel
    QAbstractItemModelTester(panel.model, QAbstractItemModelTester.FailureReportingMode.Warning, panel)
    warnings: list[str] = []
    from PySide6.QtCore import qInstallMessageHandler

    previous = qInstallMessageHandler(lambda kind, ctx, msg: warnings.append(msg))
    try:
        seen = Refreshes(window, monkeypatch)
        teach = code_id(window, "Teaching consolidates knowledge")
        tree.select_code(teach)
        qtbot.wait(1)
        assert tree_shown(tree) == fresh_tree(qtbot, reopen)

        def check(current, excerpts: int, refreshes: tuple[int, int], closed: str = "") -> None:
            qtbot.wait(1)  # the deferred follow-up (excerpts list) runs
            # listed once at most, after the gesture (the shown list is read again once when the
            # tree changed: its codes' names and places); never a reset
            assert refreshes == (excerpts, 0), refreshes
            expected = fresh_tree(qtbot, reopen)  # every branch open; `closed` as the user left it
            expected = [(*row[:4], False, row[5]) if row[0] == closed else row for row in expected]
            assert tree_shown(tree) == expected
            assert tree.current_code() == current
            assert not [w for w in warnings if "QAbstractItemModelTester" in w or "FAIL" in w], warnings

        # A code added from the filter box: made current, its (empty) excerpts listed once.
        panel.filter.setFocus()
        qtbot.keyClicks(panel.filter, "Peer trust")
        got = seen.during(lambda: qtbot.keyClick(panel.filter, Qt.Key.Key_Return))
        peer = code_id(window, "Peer trust")
        check(peer, 1, got)
        # In-vivo: a new code named by the words, applied, current; excerpts listed once.
        select_text(window.transcript, "honest the feedback was")
        window.transcript.setFocus()
        got = seen.during(lambda: qtbot.keyClick(window.transcript, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier))
        vivo = code_id(window, "honest the feedback was")
        assert reopen().code_counts()[vivo].codings == 1
        check(vivo, 1, got)
        # Its undo: the code goes (no current code, as a reload shows none); redo brings it back.
        check(None, 0, seen.during(window.actions["undo"].trigger))
        check(None, 0, seen.during(window.actions["redo"].trigger))
        assert reopen().code_counts()[vivo].codings == 1
        tree.select_code(teach)
        qtbot.wait(1)
        # Rename, recolour, move under another parent, delete (and undo): the current code stays.
        system = code_id(window, "Seeing the system")
        check(teach, 1, seen.during(lambda: window.coding.rename_code(system, "The whole system")))
        check(teach, 1, seen.during(lambda: window.run(
            "Recolour code", lambda: window.project.recolour_code(system, "#123456"))))
        assert panel.model.index_of(system).data(Qt.ItemDataRole.DecorationRole).name() == "#123456"
        belong = code_id(window, "Socialisation into medicine/Belonging")
        theme = code_id(window, "Growing as a communicator")
        tree.collapse(tree.view_index(theme))
        got = seen.during(lambda: drag_and_drop(tree.viewport(), row_point(tree, teach), codes_mime([belong])))
        assert reopen().code(belong).path == "Teaching consolidates knowledge/Belonging"
        check(teach, 1, got, closed="Growing as a communicator")  # a branch the user closed stays closed
        check(teach, 1, seen.during(window.actions["undo"].trigger), closed="Growing as a communicator")
        tree.expand(tree.view_index(theme))
        check(teach, 1, seen.during(window.actions["redo"].trigger))

        class Confirm(coding.DeleteCodeDialog):
            def exec(self):
                self.delete_children.setChecked(True)
                self.delete_codings.setChecked(True)
                return True

        monkeypatch.setattr(coding, "DeleteCodeDialog", Confirm)
        socialisation = code_id(window, "Socialisation into medicine")
        check(teach, 1, seen.during(lambda: window.coding.delete_code(socialisation)))
        check(teach, 1, seen.during(window.actions["undo"].trigger))  # back with its sub-code, open
        assert socialisation in panel.model.codes
    finally:
        qInstallMessageHandler(previous)


def test_a_large_change_resets_and_keeps_the_current_code_without_listing_it_again(qtbot, window, reopen,
                                                                                    monkeypatch):
    from npmdesk.ui import code_tree_model

    tree = window.code_tree
    seen = Refreshes(window, monkeypatch)
    teach = code_id(window, "Teaching consolidates knowledge")
    tree.select_code(teach)
    qtbot.wait(1)
    monkeypatch.setattr(code_tree_model, "LARGE", 0)  # any change counts as large
    select_text(window.transcript, "honest the feedback was")
    window.transcript.setFocus()
    shown, resets = seen.during(lambda: window.coding.new_code("Candour"))
    qtbot.wait(1)
    assert resets == 1 and shown == 1  # the new code listed; the kept one not listed again
    assert tree_shown(tree) == fresh_tree(qtbot, reopen)
    assert tree.current_code() == code_id(window, "Candour")
    shown, resets = seen.during(window.actions["undo"].trigger)
    assert resets == 1 and shown == 0 and tree.current_code() is None
    tree.select_code(teach)
    qtbot.wait(1)
    system = code_id(window, "Seeing the system")
    shown, resets = seen.during(lambda: window.coding.rename_code(system, "The whole system"))
    # same shape: rows repainted, no reset; the shown list read again once, after the gesture
    assert resets == 0 and shown == 1 and tree.current_code() == teach


def test_count_columns_widen_only_for_a_wider_count(qtbot, window):
    panel = window.code_panel
    header = panel.tree.header()
    widths = [header.sectionSize(c) for c in (1, 2, 3)]
    fitted = []
    monkey = panel.fit_count_columns

    def counted():
        fitted.append(1)
        monkey()

    panel.fit_count_columns = counted
    assert window.coding.new_code("Short") is not None
    assert not fitted and [header.sectionSize(c) for c in (1, 2, 3)] == widths
    panel._widest[1] = 1  # as if every count so far were narrow: the next one shown widens it
    panel._widen_for({code_id(window, "Short")})
    assert header.sectionSize(1) > 15


def test_random_code_changes_follow_row_by_row_as_a_fresh_model_shows_them(qtbot):
    """Codes added (with sub-codes), removed (with theirs), moved (even under a code that was below
    them) and reordered, a few at a time: the model's rows, parents and persistent indexes follow,
    and the tree is the one a fresh model shows."""
    import random

    from PySide6.QtCore import QPersistentModelIndex, qInstallMessageHandler
    from PySide6.QtTest import QAbstractItemModelTester

    from npmdesk.core.code_catalog import CodeCatalog
    from npmdesk.core.model import Code

    def catalog_of(tree: dict[int, int | None], order: list[int]) -> CodeCatalog:
        cat = CodeCatalog()
        cat.load([Code(cid, tree[cid], f"c{cid}", "#808080", "", i, str(cid)) for i, cid in enumerate(order)], {}, {})
        return cat

    def shape(model, parent=QModelIndex()) -> list:
        return [(model.index(r, 0, parent).internalId(), shape(model, model.index(r, 0, parent)))
                for r in range(model.rowCount(parent))]

    warnings: list[str] = []
    previous = qInstallMessageHandler(lambda kind, ctx, msg: warnings.append(msg))
    try:
        rng = random.Random(14)
        tree: dict[int, int | None] = {}
        order: list[int] = []
        next_id = 1
        for _ in range(25):
            tree[next_id] = rng.choice([None, *tree])
            order.append(next_id)
            next_id += 1
        model = CodeTreeModel(catalog_of(tree, order))
        model.shown()
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning, model)
        resets = []
        model.modelReset.connect(lambda: resets.append(1))
        for _step in range(150):
            kept = {cid: QPersistentModelIndex(model.index_of(cid)) for cid in tree}
            for _ in range(rng.randint(1, 4)):
                what = rng.random()
                if what < 0.3 or len(tree) < 5:  # a code, maybe with a sub-code
                    tree[next_id] = rng.choice([None, *tree])
                    order.insert(rng.randint(0, len(order)), next_id)
                    next_id += 1
                elif what < 0.5:  # a code and its sub-codes go
                    gone = {rng.choice(list(tree))}
                    while True:
                        more = {c for c, par in tree.items() if par in gone} - gone
                        if not more:
                            break
                        gone |= more
                    for c in gone:
                        del tree[c]
                    order = [c for c in order if c not in gone]
                elif what < 0.8:  # moved anywhere that is not below itself
                    cid = rng.choice(list(tree))
                    below = {cid}
                    while True:
                        more = {c for c, par in tree.items() if par in below} - below
                        if not more:
                            break
                        below |= more
                    tree[cid] = rng.choice([None, *(c for c in tree if c not in below)])
                else:  # reordered
                    cid = order.pop(rng.randrange(len(order)))
                    order.insert(rng.randint(0, len(order)), cid)
            cat = catalog_of(tree, order)
            model.catalog.load(list(cat.codes.values()), {}, {})
            model.shown()
            fresh = CodeTreeModel(cat)
            fresh.shown()
            assert shape(model) == shape(fresh)
            for cid, idx in kept.items():
                if cid in tree:
                    assert idx.isValid() and idx.internalId() == cid and model.parent(QModelIndex(idx)) == \
                        model.index_of(tree[cid])
                else:
                    assert not idx.isValid()
            assert not warnings, warnings
        assert not resets  # a few codes at a time never reset
    finally:
        qInstallMessageHandler(previous)


def test_a_moved_codes_undo_names_the_code_and_where_it_went(qtbot, window):
    child = code_id(window, "Growing as a communicator/Honest feedback")
    parent = code_id(window, "Seeing the system")
    window.coding.move_code(child, parent, None)
    assert window.undo_stack.undoText() == "Move code “Honest feedback” under “Seeing the system”"
    window.coding.move_code(child, None, None)
    assert window.undo_stack.undoText() == "Move code “Honest feedback” to the top level"


def test_a_click_that_codes_reads_the_codes_excerpts_once_after_the_coding(qtbot, window, reopen, monkeypatch):
    """The mouse press selects the code, the click codes the selection: the code's excerpts are
    read once, after the coding (not for the press and again for the coding), and until then the
    list says whose excerpts are coming and shows no row of the list before."""
    tree = window.code_tree
    seen = Refreshes(window, monkeypatch)
    teach = code_id(window, "Teaching consolidates knowledge")
    tree.select_code(teach)
    qtbot.wait(1)
    assert window.excerpts.view.topLevelItemCount() > 0
    belong = code_id(window, "Socialisation into medicine/Belonging")
    before = reopen().code_counts().get(belong)
    select_text(window.transcript, "honest the feedback was")
    seen.shown = 0
    idx = tree.view_index(belong)
    tree.scrollTo(idx)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(idx).center())
    assert seen.shown == 0  # nothing read yet: the coding is durable and on screen first
    assert reopen().code_counts()[belong].codings == (before.codings if before else 0) + 1
    assert "Belonging" in window.excerpts.title.text() and "loading" in window.excerpts.title.text()
    assert window.excerpts.view.topLevelItemCount() == 0
    qtbot.wait(1)
    assert seen.shown == 1
    texts = [window.excerpts.view.topLevelItem(i).text(0) for i in range(window.excerpts.view.topLevelItemCount())]
    assert "honest the feedback was" in texts
    assert f"{len(texts)} excerpt" in window.excerpts.title.text()
