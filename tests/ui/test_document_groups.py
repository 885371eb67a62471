"""Document groups (REFI-QDA sets, `npmdesk groups`) filter a code's excerpts in the window."""

from PySide6.QtCore import Qt

from tests.ui.conftest import click_code, code_id


def test_a_document_group_narrows_a_codes_excerpts(qtbot, window):
    p = window.project
    npm2 = next(d.id for d in p.documents() if d.name == "Interview NPM-2")
    gid = window.run("New group", lambda: p.add_group("document", "Second round")).value
    window.run("Add to group", lambda: p.add_group_members(gid, [npm2]))
    theme = code_id(window, "Socialisation into medicine")
    window.code_tree.setFocus()
    click_code(qtbot, window, theme)
    view, box = window.excerpts.view, window.excerpts.group
    assert box.isVisible() and box.count() == 2
    everywhere = view.topLevelItemCount()
    assert {view.topLevelItem(i).text(2) for i in range(everywhere)} > {"Interview NPM-2"}
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # "Group: Second round"
    shown = {view.topLevelItem(i).text(2) for i in range(view.topLevelItemCount())}
    assert shown == {"Interview NPM-2"} and view.topLevelItemCount() < everywhere
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert view.topLevelItemCount() == everywhere
