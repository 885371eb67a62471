"""Scenario step 8: choose exemplar quotes per competency from a coding, with undo."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from tests.ui.conftest import code_id


def test_choose_an_exemplar_for_an_aligned_competency(qtbot, window, reopen):
    p = window.project
    fw = p.add_builtin_framework("acgme")
    theme = code_id(window, "Socialisation into medicine")
    belonging = code_id(window, "Socialisation into medicine/Belonging")
    element = p.element_by_name("Professionalism", fw)
    p.align_code(theme, element.id, "belonging shapes professional identity")
    coding = next(c.id for c in p.codings_in_document(window.current_document) if c.code_id == belonging)

    menu = QMenu(window)
    window.coding.add_element_exemplar_menu(menu, coding, belonging)  # a sub-code inherits its theme's
    sub = menu.actions()[0].menu()
    [act] = sub.actions()
    assert act.text() == "Professionalism" and act.isCheckable() and not act.isChecked()
    act.trigger()
    assert reopen().element_exemplar_ids(element.id) == [coding]
    rows = {r.element.name: r for r in reopen().alignment_rows(fw)}
    assert [x.coding_id for x in rows["Professionalism"].exemplars] == [coding]
    window.actions["undo"].trigger()
    assert reopen().element_exemplar_ids(element.id) == []
    window.actions["redo"].trigger()
    menu = QMenu(window)
    window.coding.add_element_exemplar_menu(menu, coding, belonging)
    assert menu.actions()[0].menu().actions()[0].isChecked()


def test_unaligned_code_says_what_to_do(qtbot, window):
    code = code_id(window, "Seeing the system")
    coding = next(c.id for c in window.project.codings_in_document(window.current_document) if c.code_id == code)
    menu = QMenu(window)
    window.coding.add_element_exemplar_menu(menu, coding, code)
    [hint] = menu.actions()[0].menu().actions()
    assert not hint.isEnabled() and "align" in hint.text()


def test_excerpts_panel_offers_the_menu_for_its_row(qtbot, window, monkeypatch):
    seen = []
    monkeypatch.setattr(window.coding, "excerpt_menu", lambda *a: seen.append(a[:2]))
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    view = window.excerpts.view
    qtbot.waitUntil(lambda: view.topLevelItemCount() > 0)
    rect = view.visualItemRect(view.topLevelItem(0))
    view.customContextMenuRequested.emit(rect.center())
    assert seen and seen[0][1] == code_id(window, "Seeing the system")
