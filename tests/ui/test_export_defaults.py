"""File > Export report…: the code selected in the tree is pre-ticked for the coded-excerpts report
only (and the dialog says so); the matrix, participant table and codebook start from the whole
project; an active filter is summed up beside the Export button; the done message counts in words."""

from __future__ import annotations

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

import npmdesk.ui.export_dialog as export_dialog
from npmdesk.ui.export_dialog import ExportDialog
from tests.ui.conftest import click_code, code_id

SYSTEM = "Seeing the system"  # one excerpt in the sample study


@pytest.fixture
def shown(monkeypatch):
    out: list[tuple[str, tuple]] = []
    monkeypatch.setattr(export_dialog, "show_info", lambda *a, **k: out.append(("info", a[1:])))
    monkeypatch.setattr(export_dialog, "show_error", lambda *a, **k: out.append(("error", a[1:])))
    return out


def choose(qtbot, box, data):
    """Pick a combo box entry from the keyboard, as a user would."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == data:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"{data!r} is not in the box")


def toggle(qtbot, lst, value):
    """Tick or untick a list entry from the keyboard (row chosen, Space)."""
    row = next(i for i in range(lst.count()) if lst.item(i).data(Qt.ItemDataRole.UserRole) == value)
    lst.setFocus()
    lst.setCurrentRow(row)
    qtbot.keyClick(lst, Qt.Key.Key_Space)


def ticked(lst) -> list[str]:
    return [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())
            if lst.item(i).checkState() == Qt.CheckState.Checked]


def run_dialog(qtbot, window, monkeypatch, drive):
    """File > Export report… with the dialog shown and driven by `drive(dialog)` instead of exec()."""
    seen = []

    def fake_exec(dialog):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        seen.append(dialog)
        return QDialog.DialogCode.Accepted if drive(dialog) else QDialog.DialogCode.Rejected

    monkeypatch.setattr(ExportDialog, "exec", fake_exec)
    window.actions["export"].trigger()
    assert seen, "File > Export report… opened no dialog"
    return seen[0]


def test_current_code_is_ticked_for_excerpts_and_said(qtbot, window, monkeypatch, shown, tmp_path):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, SYSTEM))
    out = tmp_path / "system.docx"

    def drive(dialog):
        assert dialog.report_key() == "excerpts"
        assert ticked(dialog.codes) == [SYSTEM]
        assert dialog.only_current.isVisible()
        assert dialog.only_current.text() == f"Only: {SYSTEM} — untick for every code"
        assert dialog.summary.isVisible() and dialog.summary.text() == "Filtered: 1 code with sub-codes"
        dialog.path_edit.setText(str(out))
        return True

    run_dialog(qtbot, window, monkeypatch, drive)
    assert shown and shown[-1][0] == "info"
    assert shown[-1][1][1] == "Wrote system.docx (1 excerpt)."  # not "1 items"
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "push students around" in body and "I felt like I belonged" not in body


def test_matrix_defaults_to_the_whole_project(qtbot, window, monkeypatch, shown, tmp_path):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, SYSTEM))
    out = tmp_path / "matrix.docx"

    def drive(dialog):
        choose(qtbot, dialog.report, "matrix")
        assert ticked(dialog.codes) == []
        assert not dialog.only_current.isVisible() and not dialog.summary.isVisible()
        dialog.path_edit.setText(str(out))
        assert dialog.options().selection.code_paths == ()
        return True

    run_dialog(qtbot, window, monkeypatch, drive)
    assert shown[-1][0] == "info" and "(1 item" not in shown[-1][1][1]
    table = docx.Document(str(out)).tables[0]
    rows = "\n".join(c.text for r in table.rows for c in r.cells)
    assert SYSTEM in rows and "Belonging" in rows and "Honest feedback" in rows  # every code, not one


@pytest.mark.parametrize("report", ["participants", "codebook"])
def test_other_reports_start_unfiltered_and_excerpts_come_back(qtbot, window, monkeypatch, report):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, SYSTEM))

    def drive(dialog):
        choose(qtbot, dialog.report, report)
        assert ticked(dialog.codes) == [] and not dialog.summary.isVisible()
        choose(qtbot, dialog.report, "excerpts")  # back: the tree's code is the default again
        assert ticked(dialog.codes) == [SYSTEM] and dialog.only_current.isVisible()
        return False

    run_dialog(qtbot, window, monkeypatch, drive)


def test_the_users_ticks_are_kept_across_reports(qtbot, window, monkeypatch):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, SYSTEM))
    theme = "Socialisation into medicine"

    def drive(dialog):
        toggle(qtbot, dialog.codes, theme)
        assert ticked(dialog.codes) == [theme, SYSTEM]
        assert not dialog.only_current.isVisible()  # no longer "only" the tree's code
        assert dialog.summary.text() == "Filtered: 2 codes with sub-codes"
        choose(qtbot, dialog.report, "matrix")
        assert ticked(dialog.codes) == [theme, SYSTEM]  # chosen by the user: kept, and said
        assert dialog.summary.isVisible() and dialog.summary.text() == "Filtered: 2 codes with sub-codes"
        return False

    run_dialog(qtbot, window, monkeypatch, drive)


def test_summary_names_every_active_filter(qtbot, window, monkeypatch):
    def drive(dialog):
        assert ticked(dialog.codes) == [] and not dialog.summary.isVisible()  # no code selected
        choose(qtbot, dialog.report, "participants")
        toggle(qtbot, dialog.participants, "NPM-1")
        toggle(qtbot, dialog.participants, "NPM-2")
        assert dialog.summary.isVisible() and dialog.summary.text() == "Filtered: 2 participants"
        choose(qtbot, dialog.report, "excerpts")
        toggle(qtbot, dialog.codes, SYSTEM)
        for box in (dialog.with_children, dialog.exemplars):  # sub-codes off, exemplars on
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)
        assert dialog.summary.text() == "Filtered: 1 code, 2 participants, exemplar quotes only"
        choose(qtbot, dialog.report, "codebook")  # the whole project whatever is ticked: nothing to say
        assert not dialog.summary.isVisible()
        return False

    run_dialog(qtbot, window, monkeypatch, drive)
