"""Edit > Find identifiers…: the list, marking terms by mouse and keyboard, undo, identifying attributes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from npmdesk.ui.identifiers_panel import COUNT, KIND, MARK, REPLACEMENT, TERM, IdentifiersPanel


def open_panel(qtbot, window) -> IdentifiersPanel:
    window.actions["find_identifiers"].trigger()
    panel = window.identifiers_panel
    qtbot.waitExposed(panel)
    return panel


def row_of(panel, term: str) -> int:
    for r in range(panel.proxy.rowCount()):
        if panel.proxy.index(r, TERM).data() == term:
            return r
    listed = [panel.proxy.index(r, TERM).data() for r in range(panel.proxy.rowCount())]
    raise AssertionError(f"{term} not listed: {listed}")


def cell(panel, term: str, col: int):
    return panel.proxy.index(row_of(panel, term), col).data()


def select(qtbot, panel, term: str) -> None:
    index = panel.proxy.index(row_of(panel, term), TERM)
    panel.table.scrollTo(index)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_lists_identifiers_with_kind_count_and_context(qtbot, window):
    panel = open_panel(qtbot, window)
    assert panel.objectName() == "identifiersPanel" and panel.isVisible()
    assert cell(panel, "NPM-1", KIND) == "participant" and cell(panel, "NPM-1", COUNT) == 4
    assert cell(panel, "Interviewer", KIND) == "speaker"
    assert "NPM-1" in cell(panel, "NPM-1", 5)  # context snippet with the term in brackets
    assert "documents" in panel.status.text() and "words searched" in panel.status.text()
    qtbot.keyClicks(panel.filter, "npm-2")
    assert panel.proxy.rowCount() == 1 and cell(panel, "NPM-2", TERM) == "NPM-2"
    panel.filter.clear()
    panel.kind.setCurrentIndex(panel.kind.findData("speaker"))
    assert all(panel.proxy.index(r, KIND).data() == "speaker" for r in range(panel.proxy.rowCount()))


def test_replace_keep_ignore_are_stored_and_undoable(qtbot, window, reopen):
    panel = open_panel(qtbot, window)
    select(qtbot, panel, "NPM-1")
    panel.replacement.setFocus()
    panel.replacement.lineEdit().selectAll()
    qtbot.keyClicks(panel.replacement.lineEdit(), "P-01")
    qtbot.keyClick(panel.replacement.lineEdit(), Qt.Key.Key_Return)
    assert cell(panel, "NPM-1", MARK) == "replace" and cell(panel, "NPM-1", REPLACEMENT) == "P-01"
    check = reopen()
    assert [(p.term, p.action, p.replacement) for p in check.pseudonyms()] == [("NPM-1", "replace", "P-01")]
    window.undo_stack.undo()
    assert cell(panel, "NPM-1", MARK) == "—" and window.project.pseudonyms() == []
    window.undo_stack.redo()
    assert cell(panel, "NPM-1", REPLACEMENT) == "P-01"

    select(qtbot, panel, "Interviewer")
    qtbot.mouseClick(panel.keep_button, Qt.MouseButton.LeftButton)
    assert cell(panel, "Interviewer", MARK) == "keep"
    select(qtbot, panel, "Moderator")
    qtbot.mouseClick(panel.ignore_button, Qt.MouseButton.LeftButton)
    assert "Moderator" not in [panel.proxy.index(r, TERM).data() for r in range(panel.proxy.rowCount())]
    panel.show_ignored.setChecked(True)
    assert cell(panel, "Moderator", MARK) == "ignore"
    assert {p.term: p.action for p in window.project.pseudonyms()} == {"NPM-1": "replace", "Interviewer": "keep",
                                                                       "Moderator": "ignore"}
    select(qtbot, panel, "Moderator")
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert cell(panel, "Moderator", MARK) == "—"


def test_edit_replacement_in_the_table_and_add_a_term_by_keyboard(qtbot, window):
    panel = open_panel(qtbot, window)
    index = panel.proxy.index(row_of(panel, "NPM-2"), REPLACEMENT)
    assert panel.proxy.setData(index, "P-02")
    assert window.project.pseudonym("NPM-2").replacement == "P-02"
    panel.new_term.setFocus()
    qtbot.keyClicks(panel.new_term, "Lakeside Medical School")
    panel.replacement.setCurrentText("[school]")
    qtbot.keyClick(panel.new_term, Qt.Key.Key_Return)
    assert panel.new_term.text() == ""
    assert cell(panel, "Lakeside Medical School", REPLACEMENT) == "[school]"
    assert cell(panel, "Lakeside Medical School", COUNT) == ""  # not in any transcript
    window.undo_stack.undo()
    assert window.project.pseudonym("Lakeside Medical School") is None


def test_identifying_attributes_toggle_through_the_window(qtbot, window, reopen):
    window.run("attribute", lambda: window.project.set_case_attribute(
        window.project.add_case("NPM-9"), "home town", "Lakeside"))
    panel = open_panel(qtbot, window)
    item = panel.attributes.findItems("home town", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)
    assert reopen().identifying_attributes() == {"home town"}
    window.undo_stack.undo()
    assert window.project.identifying_attributes() == set()
    item = panel.attributes.findItems("home town", Qt.MatchFlag.MatchExactly)[0]
    assert item.checkState() == Qt.CheckState.Unchecked


def test_shortcut_opens_it_and_the_table_has_focus(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.identifiers_panel
    assert panel is not None and panel.isVisible()


def test_export_dialog_writes_a_de_identified_report(qtbot, window, tmp_path):
    import docx

    from npmdesk.ui.export_dialog import ExportDialog, run_export

    panel = open_panel(qtbot, window)
    select(qtbot, panel, "NPM-1")
    panel.replacement.setCurrentText("P-01")
    qtbot.mouseClick(panel.replace_button, Qt.MouseButton.LeftButton)
    dialog = ExportDialog(window, window.project)
    qtbot.addWidget(dialog)
    box = dialog.findChild(type(dialog.deidentified), "exportDeidentified")
    assert box is dialog.deidentified and "(1 terms)" in box.text() and not box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert dialog.options().deidentified
    dialog.report.setCurrentIndex(dialog.report.findData("excerpts"))
    out = tmp_path / "deid.docx"
    assert run_export(window, window.project, "excerpts", "docx", out, dialog.options())
    body = "\n".join(p.text for p in docx.Document(out).paragraphs).replace("\u2011", "-")
    assert "NPM-1" not in body and "P-01" in body and "De-identified:" in body
    assert "NPM-1" in window.project.document_text(window.project.documents()[0].id)


def test_export_dialog_names_de_identified_coders_as_chosen(qtbot, window, tmp_path):
    from npmdesk.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window, window.project)
    qtbot.addWidget(dialog)
    names = dialog.findChild(type(dialog.report), "exportCoderNames")
    assert names is dialog.coder_names and not names.isEnabled()  # only for a de-identified export
    qtbot.mouseClick(dialog.deidentified, Qt.MouseButton.LeftButton)
    assert names.isEnabled() and dialog.options().coder_names == "role"
    names.setCurrentIndex(names.findData("keep"))
    assert dialog.options().deidentified and dialog.options().coder_names == "keep"
