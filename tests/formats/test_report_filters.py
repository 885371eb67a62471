"""The matrix and participants reports filtered by coder (issue 15): `npmdesk export --report
matrix|participants --coder NAME` and the export dialog's coder choice count that coder's codings
only, and the report names the coder in its heading."""

from __future__ import annotations

import csv

import docx
import pytest

from npmdesk.cli import main
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)


def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def closed(study):
    """The study's path, closed (the CLI opens it itself)."""
    path = study.project.path
    study.project.close()
    yield path
    study.project = type(study.project).open(path, "Ana")


def test_matrix_by_one_coder(closed, tmp_path, capsys):
    out = tmp_path / "bea.csv"
    assert main(["export", str(closed), "--report", "matrix", "--coder", "Bea", "--out", str(out)]) == 0
    rows = {r[0]: r[1:] for r in _csv(out)}
    assert rows["code"] == ["NPM-1", "NPM-2", "NPM-3", "codings", "participants"]
    # Bea coded two passages of the focus group: NPM-1's feedback and NPM-3's belonging.
    assert rows["Socialisation into medicine/Honest feedback"] == ["1", "0", "0", "1", "1"]
    assert rows["Socialisation into medicine/Belonging"] == ["0", "0", "1", "1", "1"]
    assert rows["Socialisation into medicine"] == ["1", "0", "1", "2", "2"]
    assert rows["Teaching consolidates knowledge"] == ["0", "0", "0", "0", "0"]  # Ana's only
    everyone = tmp_path / "all.csv"
    assert main(["export", str(closed), "--report", "matrix", "--out", str(everyone)]) == 0
    assert {r[0]: r[1:] for r in _csv(everyone)}["Teaching consolidates knowledge"][:3] == ["1", "0", "0"]
    word = tmp_path / "bea.docx"
    assert main(["export", str(closed), "--report", "matrix", "--coder", "Bea", "--out", str(word)]) == 0
    d = docx.Document(str(word))
    subtitle = next(p.text for p in d.paragraphs if p.style.name == "Subtitle")
    assert "coded by Bea" in subtitle
    assert any("(coded by Bea only)" in p.text for p in d.paragraphs)
    table = {r.cells[0].text.lstrip("■ "): [c.text for c in r.cells[1:]] for r in d.tables[0].rows}
    assert table["Belonging"][:3] == ["–", "–", "1"] and table["Total codings"][:4] == ["1", "0", "1", "2"]
    capsys.readouterr()
    assert main(["export", str(closed), "--report", "matrix", "--coder", "Nobody", "--out", str(word)]) != 0
    assert "no coder named 'Nobody'" in capsys.readouterr().err


def test_participants_by_one_coder(closed, tmp_path):
    out = tmp_path / "p.csv"
    assert main(["export", str(closed), "--report", "participants", "--coder", "Bea", "--out", str(out)]) == 0
    rows = _csv(out)
    assert rows[0][-2:] == ["Documents", "Codings by Bea"]
    assert {r[0]: r[-1] for r in rows[1:]} == {"NPM-1": "1", "NPM-2": "0", "NPM-3": "1"}
    ana = tmp_path / "ana.csv"
    assert main(["export", str(closed), "--report", "participants", "--coder", "Ana", "--out", str(ana)]) == 0
    assert {r[0]: r[-1] for r in _csv(ana)[1:]} == {"NPM-1": "5", "NPM-2": "1", "NPM-3": "0"}
    word = tmp_path / "p.docx"
    assert main(["export", str(closed), "--report", "participants", "--coder", "Bea", "--coder", "Ana",
                 "--out", str(word)]) == 0
    d = docx.Document(str(word))
    assert "coded by Bea and Ana" in next(p.text for p in d.paragraphs if p.style.name == "Subtitle")
    header = [c.text for c in d.tables[0].rows[0].cells]
    assert header[-1] == "Codings by Bea and Ana"
    assert [r.cells[-1].text for r in d.tables[0].rows[1:]] == ["6", "1", "1"]


def test_a_table_still_refuses_an_exemplar_filter(closed, tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert main(["export", str(closed), "--report", "matrix", "--exemplars-only", "--out", str(out)]) != 0
    assert "not by document or exemplar" in capsys.readouterr().err and not out.exists()


def test_the_export_dialog_coder_choice_filters_the_matrix(study, qtbot, tmp_path, monkeypatch):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt

    import npmdesk.ui.export_dialog as export_dialog
    from npmdesk.ui.export_dialog import ExportDialog

    shown = []
    monkeypatch.setattr(export_dialog, "show_info", lambda *a, **k: shown.append(a))
    monkeypatch.setattr(export_dialog, "show_error", lambda *a, **k: shown.append(a))
    dialog = ExportDialog(None, study.project)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.report.setFocus()
    for _ in range(3):  # down the list to the matrix, as a keyboard user picks it
        qtbot.keyClick(dialog.report, Qt.Key.Key_Down)
    assert dialog.report_key() == "matrix"
    assert dialog.coders.isEnabled() and not dialog.exemplars.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    coders = dialog.coders
    row = [coders.item(i).text() for i in range(coders.count())].index("Bea")
    coders.setFocus()
    coders.setCurrentRow(row)
    qtbot.keyClick(coders, Qt.Key.Key_Space)
    assert coders.item(row).checkState() == Qt.CheckState.Checked
    out = tmp_path / "dialog.csv"
    dialog.path_edit.setText(str(out))
    n = export_dialog.run_export(dialog, study.project, dialog.report_key(), dialog.format_key(), dialog.path(),
                                 dialog.options())
    assert n is not None and not shown
    rows = {r[0]: r[1:] for r in _csv(out)}
    assert rows["Socialisation into medicine"] == ["1", "0", "1", "2", "2"]
    assert rows["Teaching consolidates knowledge"][-2:] == ["0", "0"]
