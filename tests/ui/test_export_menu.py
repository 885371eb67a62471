"""File > Export… and the REFI-QDA entries, driven through the real dialogs."""

from __future__ import annotations

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

import npmdesk.ui.exchange_menu as exchange_menu
import npmdesk.ui.export_dialog as export_dialog
from npmdesk.ui.export_dialog import ExportDialog, run_export


@pytest.fixture
def quiet(monkeypatch):
    shown = []
    for mod in (export_dialog, exchange_menu):
        monkeypatch.setattr(mod, "show_info", lambda *a, **k: shown.append(("info", a[1:])))
        monkeypatch.setattr(mod, "show_error", lambda *a, **k: shown.append(("error", a[1:])))
    return shown


def test_file_menu_has_export_entries_above_close(window):
    texts = [a.text().replace("&", "") for a in window.menus["File"].actions()]
    assert texts.index("Export report…") < texts.index("Close project")
    assert "Export project as REFI-QDA (.qdpx)…" in texts
    assert window.actions["export"].isEnabled()


def test_export_dialog_writes_filtered_excerpts(qtbot, window, tmp_path, quiet):
    dialog = ExportDialog(window, window.project)
    qtbot.addWidget(dialog)
    dialog.report.setCurrentIndex(dialog.report.findData("excerpts"))
    codes = dialog.codes
    first = codes.item(0)
    first.setCheckState(Qt.CheckState.Checked)
    out = tmp_path / "report.docx"
    dialog.path_edit.setText(str(out))
    assert dialog.path() == out
    opts = dialog.options()
    assert opts.selection.code_paths == (first.data(Qt.ItemDataRole.UserRole),)
    n = run_export(window, window.project, "excerpts", "docx", out, opts)
    assert n and out.exists()
    body = "\n".join(p.text for p in docx.Document(out).paragraphs)
    theme = first.data(Qt.ItemDataRole.UserRole)
    assert theme.split("/")[-1] in body
    assert quiet == []


def test_filters_are_disabled_for_whole_project_reports(qtbot, window):
    dialog = ExportDialog(window, window.project)
    qtbot.addWidget(dialog)
    dialog.report.setCurrentIndex(dialog.report.findData("codebook"))
    assert not dialog.filters.isEnabled() and dialog.examples.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.path().suffix == ".csv" and not dialog.examples.isEnabled()


def test_export_failure_is_a_message_not_a_crash(qtbot, window, tmp_path, quiet):
    from npmdesk.formats.reports.export import ReportOptions

    out = tmp_path / "no-such-folder" / "x.docx"
    assert run_export(window, window.project, "codebook", "docx", out, ReportOptions()) is None
    assert quiet and quiet[0][0] == "error" and "not written" in quiet[0][1][0]
    assert not out.exists()


def test_qdpx_export_then_import_as_new_project(qtbot, window, tmp_path, quiet, monkeypatch):
    out = tmp_path / "shared.qdpx"
    monkeypatch.setattr(exchange_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(exchange_menu.ChoiceDialog, "exec", lambda self: QDialog.DialogCode.Accepted)  # standard
    exchange_menu.export_project_qdpx(window)
    assert out.exists() and quiet[-1][0] == "info"
    codes_before = [c.path for c in window.project.codes()]
    target = tmp_path / "from-qdpx.npmdesk"
    monkeypatch.setattr(exchange_menu.QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(exchange_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    exchange_menu.import_project_qdpx(window)
    assert window.project.path == target
    assert [c.path for c in window.project.codes()] == codes_before
    assert quiet[-1][0] == "info" and "imported" in quiet[-1][1][1]


def test_export_dialog_cancel_writes_nothing(qtbot, window, tmp_path, monkeypatch, quiet):
    monkeypatch.setattr(ExportDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    export_dialog.export_interactively(window)
    assert list(tmp_path.glob("*.docx")) == [] and quiet == []
