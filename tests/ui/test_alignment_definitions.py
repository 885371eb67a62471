"""Framework element definitions edited in the Alignment dock: F2 opens the element's definition
and the framework's source, Save is one undoable step, and the competency table prints them."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialogButtonBox

from npmdesk.store.report_settings import report_style
from tests.ui.conftest import code_id


def test_edit_an_element_definition_and_its_source_in_the_alignment_dock(qtbot, window, reopen):
    from PySide6.QtCore import Qt

    w = window
    p = w.project
    fw = p.add_builtin_framework("acgme")
    element = p.element_by_name("Professionalism", fw)
    p.align_code(code_id(w, "Socialisation into medicine"), element.id, "identity")
    view = w.analysis.show("alignment")
    view.select_framework(fw)
    view.refresh()
    row = [e.name for e in view.model.table.framework.elements].index("Professionalism")
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(row, 0))
    assert view.edit_button.objectName() == "alignmentEditDefinition"

    def fill():
        d = view.dialog
        assert d is not None and d.objectName() == "elementDefinitionDialog"
        assert d.definition.toPlainText() == element.description  # the current wording
        d.definition.selectAll()
        qtbot.keyClicks(d.definition, "Acting with integrity toward peers and patients (our wording).")
        d.source.clear()
        qtbot.keyClicks(d.source, "adapted from ACGME Common Program Requirements")
        qtbot.keyClicks(d.citation, "ACGME, 2023")
        save = d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.dialog is None)
    stored = reopen().element_by_name("Professionalism", fw)
    assert stored.description == "Acting with integrity toward peers and patients (our wording)."
    fw_name = p.framework(fw).name
    assert report_style(reopen()).definition_sources[fw_name] == {
        "label": "adapted from ACGME Common Program Requirements", "citation": "ACGME, 2023"}
    header = view.model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert header == stored.description  # the dock shows the new wording

    w.actions["undo"].trigger()  # one step takes back both
    assert reopen().element_by_name("Professionalism", fw).description == element.description
    assert fw_name not in report_style(reopen()).definition_sources


def test_cancel_changes_nothing(qtbot, window, reopen):
    w = window
    fw = w.project.add_builtin_framework("acgme")
    view = w.analysis.show("alignment")
    view.select_framework(fw)
    before = [e.description for e in reopen().framework(fw).elements]

    def cancel():
        d = view.dialog
        qtbot.keyClicks(d.definition, "not kept")
        d.reject()

    QTimer.singleShot(0, cancel)
    assert not view.edit_definition(0)
    assert [e.description for e in reopen().framework(fw).elements] == before
