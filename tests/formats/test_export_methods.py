"""The COREQ/SRQR methods appendix re-read from the file, and the saturation rule of Guest et al.
(2020) on its own, in the CLI and beside the appendix."""

from __future__ import annotations

import json

import docx
import pytest

from npmdesk.cli import main
from npmdesk.core.errors import InvalidValueError
from npmdesk.core.saturation import guest_saturation
from npmdesk.formats.reports.empty import EmptyReportError
from npmdesk.formats.reports.export import export_report
from npmdesk.formats.reports.methods import COREQ, SRQR, export_methods_docx
from npmdesk.store import Project, TurnSpec
from npmdesk.store.methods import study_facts
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)


def test_guest_rule():
    r = guest_saturation([20, 8, 5, 3, 2, 1, 1, 0, 0, 0])
    assert r.base_codes == 36 and r.reached_after == 6
    assert r.deciding_run.first == 7 and r.deciding_run.last == 8 and r.deciding_run.new_codes == 1
    assert "reached after 6 transcripts" in r.statement() and "base size 4" in r.rule()
    strict = guest_saturation([20, 8, 5, 3, 2, 1, 1, 0, 0, 0], threshold=0)
    assert strict.reached_after == 7  # transcripts 8-9 add nothing at all
    assert guest_saturation([10, 5, 5, 5, 5, 5]).reached_after is None
    assert "Too few transcripts" in guest_saturation([5, 1, 1]).statement()
    assert guest_saturation([3, 3, 3, 3, 0, 0, 0], base_size=3, run_length=3).reached_after == 4
    with pytest.raises(ValueError):
        guest_saturation([1], base_size=0)


def _timed(p):
    """An interview and a focus group with caption timings (30 and 45 minutes), the first code
    created before any coding (a priori)."""
    with p.write("timed"):
        case = p.add_case("NPM-9")
        text = "Interviewer: Start.\nNPM-9: A long answer.\n"
        p.add_document("Interview 9", text, case_id=case, turns=[
            TurnSpec(0, 19, "Interviewer", 0, 60_000), TurnSpec(20, 41, "NPM-9", 60_000, 1_800_000)])
        p.add_document("Focus group 2", "Moderator: Go.\nNPM-9: Yes.\n", kind="focus-group", turns=[
            TurnSpec(0, 14, "Moderator", 5_000, 10_000), TurnSpec(15, 26, "NPM-9", 10_000, 2_705_000)])


def test_methods_appendix_answers_what_the_project_knows(study, tmp_path):
    p = study.project
    _timed(p)
    out = tmp_path / "methods.docx"
    answered = export_methods_docx(p, out)
    d = docx.Document(str(out))
    coreq = {r.cells[0].text: [c.text for c in r.cells] for r in d.tables[0].rows}
    assert [str(n) for n, _, _ in COREQ] == [k for k in coreq if k.isdigit()]  # every item, numbered
    assert coreq["12"][2].startswith("4 participants; 3 interviews, 2 focus groups")
    assert "year: 1 1 (25 %), 2 2 (50 %)" in coreq["16"][2]
    assert "Interviews: 30 min median" in coreq["21"][2] and "Focus groups: 45 min median" in coreq["21"][2]
    assert "caption timings of 1 of 3" in coreq["21"][2]
    assert coreq["24"][2] == "2 coders: Ana (6 codings), Bea (2 codings)."
    assert coreq["27"][2].startswith("npmdesk 0.1.0")
    assert "Guest, Namey and Chen (2020): base size 4" in coreq["22"][2]
    assert "identified by participant ID, e.g. (NPM-4)" in coreq["29"][2]
    assert coreq["1"][2].startswith("To complete: Which author(s) conducted")
    assert coreq["23"][2].startswith("To complete")
    srqr = {r.cells[0].text: [c.text for c in r.cells] for r in d.tables[1].rows}
    assert list(srqr)[1:] == [n for n, _ in SRQR]
    assert srqr["S1"][2] == "To complete" and "2 coders" in srqr["S14"][2]
    filled = [r for t in d.tables[:2] for r in t.rows[1:] if r.cells[2].text
              and not r.cells[2].text.startswith("To complete") and not r.cells[0].text.startswith("Domain")]
    assert answered == len(filled)
    headings = [q.text for q in d.paragraphs if q.style.name == "Heading 1"]
    assert "Data saturation (COREQ 22)" in headings
    assert "Coding tree and derivation of themes (COREQ 25–26)" in headings
    tree = [[c.text for c in r.cells] for r in d.tables[-2].rows]  # coding tree, then saturation
    assert tree[0] == ["Code", "Origin", "Appeared", "Codings"]
    assert any(r[1].startswith("emergent (first applied in Interview 1)") for r in tree)
    assert any(r[0] == "Unused code" and r[1].startswith("unused") for r in tree)


def test_a_priori_codes_from_a_framework_or_made_before_coding(tmp_path):
    p = Project.create(tmp_path / "s.npmdesk", "Ana")
    with p.write("setup"):
        planned = p.add_code("Planned theme")
        fw = p.add_builtin_framework("canmeds")
        p.add_framework_codes(fw)
        doc = p.add_document("Interview 1", "NPM-1: Something.\n", case_id=p.add_case("NPM-1"))
    p.db.execute("UPDATE codes SET created = '2020-01-01T00:00:00'")  # the tree was drafted first
    p.apply_coding(doc, planned, 7, 17)
    later = p.add_code("Emergent idea")
    p.apply_coding(doc, later, 7, 12)
    origins = {c.path: c for c in study_facts(p).codes}
    assert origins["Planned theme"].origin == "a priori" and "before coding began" in origins["Planned theme"].source
    assert origins["Emergent idea"].origin == "emergent"
    canmeds = [c for path, c in origins.items() if path.startswith("CanMEDS")]
    assert canmeds and all(c.origin == "a priori" and c.source.startswith("framework") for c in canmeds)
    p.close()


def test_methods_on_the_command_line_and_in_the_saturation_command(study, tmp_path, capsys):
    path = study.project.path
    out = tmp_path / "m.docx"
    assert main(["export", str(path), "--report", "methods", "--out", str(out)]) == 0
    assert "methods, " in capsys.readouterr().out and out.exists()
    assert main(["export", str(path), "--report", "methods", "--out", str(tmp_path / "m.csv")]) == 1
    assert "Word document" in capsys.readouterr().err
    assert main(["saturation", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Too few transcripts (3)" in text and "Rule: Guest, Namey and Chen (2020)" in text
    assert main(["saturation", str(path), "--base", "1", "--run", "1", "--threshold", "0", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["saturation"]["base_size"] == 1 and rows[0]["saturation"]["threshold"] == 0
    assert main(["saturation", str(path), "--base", "0"]) == 1


def test_an_empty_project_has_no_appendix(tmp_path):
    p = Project.create(tmp_path / "e.npmdesk", "Ana")
    with pytest.raises(EmptyReportError):
        export_report(p, "methods", "docx", tmp_path / "m.docx")
    with pytest.raises(InvalidValueError):
        export_report(p, "methods", "csv", tmp_path / "m.csv")
    assert not (tmp_path / "m.docx").exists()
    p.close()
