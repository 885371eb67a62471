"""File > Export report…: the methods appendix, the report settings remembered in the project as
one undoable step, an empty report said in words; the exemplar menus warn about a passage that
is not a participant's words."""

from __future__ import annotations

import docx
import pytest
from PySide6.QtWidgets import QDialog, QMenu

import npmdesk.ui.export_dialog as export_dialog
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.store.attribution import exemplar_warning
from npmdesk.store.report_settings import report_style
from npmdesk.ui.export_dialog import ExportDialog


@pytest.fixture
def quiet(monkeypatch):
    shown = []
    monkeypatch.setattr(export_dialog, "show_info", lambda *a, **k: shown.append(("info", a[1:])))
    monkeypatch.setattr(export_dialog, "show_error", lambda *a, **k: shown.append(("error", a[1:])))
    return shown


def _accept(monkeypatch, configure):
    def fake_exec(self):
        configure(self)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", fake_exec)


def test_methods_appendix_from_the_dialog_and_settings_remembered(qtbot, window, tmp_path, monkeypatch, quiet):
    out = tmp_path / "methods.docx"

    def configure(d):
        d.report.setCurrentIndex(d.report.findData("methods"))
        assert d.format_key() == "docx" and not d.format.isEnabled()  # Word only
        d.citation.setCurrentIndex(d.citation.findData("located"))
        d.prefix.setText("P")
        d.table_style.setCurrentIndex(d.table_style.findData("apa"))
        d.page_size.setCurrentIndex(d.page_size.findData("a4"))
        d.path_edit.setText(str(out))

    _accept(monkeypatch, configure)
    export_dialog.export_interactively(window)
    assert out.exists() and quiet[-1][0] == "info"
    d = docx.Document(str(out))
    assert [r.cells[0].text for r in d.tables[0].rows][:2] == ["No.", "Domain 1: Research team and reflexivity"]
    assert round(d.sections[0].page_width.mm) == 210
    remembered = report_style(window.project)
    assert (remembered.citation, remembered.prefix, remembered.table_style, remembered.page_size) == \
        ("located", "P", "apa", "a4")
    # The next dialog starts from them; undo forgets them (one step on the stack).
    dialog = ExportDialog(window, window.project)
    qtbot.addWidget(dialog)
    assert dialog.citation.currentData() == "located" and dialog.table_style.currentData() == "apa"
    window.undo_stack.undo()
    assert report_style(window.project) == ReportStyle()


def test_an_empty_report_is_said_and_writes_nothing(qtbot, window, tmp_path, quiet):
    from npmdesk.formats.reports.export import ReportOptions

    out = tmp_path / "empty.docx"
    sel = ReportSelection(code_paths=(window.project.codes()[0].path,), exemplars_only=True, coders=("Nobody",))
    assert export_dialog.run_export(window, window.project, "excerpts", "docx", out,
                                    ReportOptions(selection=sel)) is None
    assert not out.exists()
    assert quiet and (quiet[-1][0] in ("info", "error"))


def test_exemplar_menu_warns_for_an_interviewer_passage(qtbot, window):
    p = window.project
    doc = p.documents()[0]
    text = p.document_text(doc.id)
    start = text.index("What did being")
    code = p.codes()[0]
    coding = window.run("Code the question", lambda: p.apply_coding(doc.id, code.id, start, start + 20)).value
    menu = QMenu(window)
    window.coding._exemplar_action(menu, coding)  # what the transcript and excerpt menus add
    [action] = menu.actions()
    assert "not a participant's words" in action.text() and "Interviewer" in action.toolTip()
    other = QMenu(window)
    theirs = next(e for e in p.excerpts() if exemplar_warning(p, e.coding_id) is None)
    window.coding._exemplar_action(other, theirs.coding_id)
    assert other.actions()[0].text() == "Exemplar quote (on/off)"
    window.coding.toggle_exemplar(coding)
    assert p.coding(coding).exemplar
    assert "Interviewer (not a participant)" in window.statusBar().currentMessage()


def test_the_coder_filter_exports_only_that_coders_passages(qtbot, window, tmp_path, monkeypatch, quiet):
    import csv

    from PySide6.QtCore import Qt

    from npmdesk.store import Project

    w = window
    doc = w.project.documents()[0]
    code = w.project.codes()[0]
    with Project.open(w.project.path, "Ben") as ben:
        ben.apply_coding(doc.id, code.id, 0, 12)
    out = tmp_path / "ben.csv"

    def configure(d):
        d.report.setCurrentIndex(d.report.findData("excerpts"))
        d.format.setCurrentIndex(d.format.findData("csv"))
        names = [d.coders.item(i).text() for i in range(d.coders.count())]
        assert d.coders.objectName() == "exportCoders" and "Ben" in names and "Ana" in names
        d.coders.setFocus()
        d.coders.setCurrentRow(names.index("Ben"))
        qtbot.keyClick(d.coders, Qt.Key.Key_Space)  # ticks the current row
        assert d.options().selection.coders == ("Ben",)
        d.path_edit.setText(str(out))

    _accept(monkeypatch, configure)
    export_dialog.export_interactively(w)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1
    assert set(rows[0].values()) & {"Ben"} or any("Ben" in v for v in rows[0].values())
    assert w.project.counts()["codings"] > 1  # Ana's codings are in the project, not in the export
