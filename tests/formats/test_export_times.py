"""Time stamps in the excerpt reports (issue 20): a quote whose turn has a time in the recording
shows it, hh:mm:ss, in its Word source line and in a CSV `time` column; on by default when any
excerpt has a time, off with --no-times or the export dialog's box."""

from __future__ import annotations

import csv

import docx
import pytest

from npmdesk.cli import main
from npmdesk.store import Project, TurnSpec

TIMED = (
    "Interviewer: What did your mentor do first?\n"
    "NPM-3: She asked me what I was worried about. Nobody had asked before.\n"
)
UNTIMED = "Interviewer: And then?\nNPM-4: Then we met every week.\n"


def _turns(text: str, times: list[int | None]) -> list[TurnSpec]:
    out, pos = [], 0
    for line, ms in zip(text.rstrip("\n").split("\n"), times):
        out.append(TurnSpec(pos, pos + len(line), line.split(":", 1)[0], ms))
        pos += len(line) + 1
    return out


def _project(path, *, timed: bool = True) -> Project:
    p = Project.create(path, "Ana", name="Timed study")
    with p.write("set up"):
        c3, c4 = p.add_case("NPM-3"), p.add_case("NPM-4")
        d3 = p.add_document("Interview NPM-3", TIMED, case_id=c3,
                            turns=_turns(TIMED, [741_000, 754_900] if timed else [None, None]))
        d4 = p.add_document("Interview NPM-4", UNTIMED, case_id=c4, turns=_turns(UNTIMED, [None, None]))
        code = p.add_code("Being asked")
        phrase = "She asked me what I was worried about."
        p.apply_coding(d3, code, TIMED.index(phrase), TIMED.index(phrase) + len(phrase))
        phrase = "Then we met every week."
        p.apply_coding(d4, code, UNTIMED.index(phrase), UNTIMED.index(phrase) + len(phrase))
    return p


def _sources(path) -> dict[str, str]:
    paras = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]
    return {t: paras[i + 1][1] for i, (s, t) in enumerate(paras) if s == "Quote"}


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def timed(tmp_path):
    p = _project(tmp_path / "timed.npmdesk")
    path = p.path
    p.close()
    return path


def test_word_source_lines_show_the_turn_time(timed, tmp_path):
    out = tmp_path / "e.docx"
    assert main(["export", str(timed), "--out", str(out)]) == 0
    sources = _sources(out)
    assert sources["She asked me what I was worried about."] == "(NPM-3) · Interview NPM-3, ¶ 2, 00:12:34"
    assert sources["Then we met every week."] == "(NPM-4) · Interview NPM-4, ¶ 2"  # its turn has no time
    notes = " ".join(p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "ReportNote")
    assert "when the quote's turn begins in the recording" in notes
    located = tmp_path / "located.docx"
    assert main(["export", str(timed), "--out", str(located), "--citation", "located", "--id-prefix", "P"]) == 0
    assert _sources(located)["She asked me what I was worried about."] == "(P3, interview 1, ¶\u00a02, 00:12:34)"
    off = tmp_path / "off.docx"
    assert main(["export", str(timed), "--out", str(off), "--no-times"]) == 0
    assert _sources(off)["She asked me what I was worried about."] == "(NPM-3) · Interview NPM-3, ¶ 2"


def test_csv_time_column(timed, tmp_path):
    out = tmp_path / "e.csv"
    assert main(["export", str(timed), "--out", str(out)]) == 0
    rows = {r["text"]: r for r in _rows(out)}
    assert rows["She asked me what I was worried about."]["time"] == "00:12:34"
    assert rows["Then we met every week."]["time"] == ""
    off = tmp_path / "off.csv"
    assert main(["export", str(timed), "--out", str(off), "--no-times"]) == 0
    assert "time" not in _rows(off)[0]


def test_no_times_anywhere_means_none_by_default(tmp_path):
    p = _project(tmp_path / "plain.npmdesk", timed=False)
    path = p.path
    p.close()
    out = tmp_path / "plain.csv"
    assert main(["export", str(path), "--out", str(out)]) == 0
    assert "time" not in _rows(out)[0]
    word = tmp_path / "plain.docx"
    assert main(["export", str(path), "--out", str(word)]) == 0
    assert _sources(word)["She asked me what I was worried about."] == "(NPM-3) · Interview NPM-3, ¶ 2"
    assert main(["export", str(path), "--out", str(out), "--times"]) == 0  # asked for: the column, empty
    assert [r["time"] for r in _rows(out)] == ["", ""]


def test_the_export_dialog_box(tmp_path, qtbot, monkeypatch):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt

    import npmdesk.ui.export_dialog as export_dialog
    from npmdesk.ui.export_dialog import ExportDialog

    monkeypatch.setattr(export_dialog, "show_info", lambda *a, **k: None)
    monkeypatch.setattr(export_dialog, "show_error", lambda *a, **k: pytest.fail(str(a)))
    p = _project(tmp_path / "timed.npmdesk")
    try:
        dialog = ExportDialog(None, p)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.times.isChecked() and dialog.times.isEnabled()  # the project has turn times
        out = tmp_path / "dialog.docx"
        dialog.path_edit.setText(str(out))
        assert export_dialog.run_export(dialog, p, "excerpts", "docx", dialog.path(), dialog.options()) == 2
        assert _sources(out)["She asked me what I was worried about."].endswith(", 00:12:34")
        dialog.times.setFocus()
        qtbot.keyClick(dialog.times, Qt.Key.Key_Space)
        assert not dialog.times.isChecked()
        assert export_dialog.run_export(dialog, p, "excerpts", "docx", dialog.path(), dialog.options()) == 2
        assert _sources(out)["She asked me what I was worried about."] == "(NPM-3) · Interview NPM-3, ¶ 2"
        dialog.report.setCurrentIndex(dialog.report.findData("matrix"))
        assert not dialog.times.isEnabled()
    finally:
        p.close()
    plain = _project(tmp_path / "plain.npmdesk", timed=False)
    try:
        dialog = ExportDialog(None, plain)
        qtbot.addWidget(dialog)
        assert not dialog.times.isChecked()  # no turn times: off by default
    finally:
        plain.close()
