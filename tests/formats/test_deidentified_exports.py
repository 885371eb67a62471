"""De-identified exports: the pseudonym table applied on the way out of every Word and CSV report,
identifying attributes left out, coders by role or initials; the project itself never changes."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile

import docx
import pytest

from npmdesk.cli import main
from npmdesk.formats.deidentified import deidentified, initials, scrub
from npmdesk.formats.reports.export import REPORTS, ReportOptions, export_report
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)


def all_text(path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    parts.extend(p.text for s in d.sections for p in s.footer.paragraphs)
    parts += [d.core_properties.title or "", d.core_properties.subject or ""]
    return "\n".join(parts).replace("\u2011", "-").replace("\u00a0", " ")


@pytest.fixture
def marked(study):
    p = study.project
    with p.write("mark"):
        p.set_pseudonym("NPM-1", "replace", "P-01")
        p.set_pseudonym("NPM-2", "replace", "P-02")
        p.set_pseudonym("NPM-3", "replace", "P-03")
        p.set_pseudonym("hospital", "replace", "[hospital]")
        p.set_pseudonym("mentor", "keep")
        p.set_attribute_identifying("background", True)
        p.set_coder_role("Ana", "PI")
    return study


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_excerpts_report_de_identified(marked, tmp_path):
    p = marked.project
    before = digest(p.path)
    out = tmp_path / "excerpts.docx"
    assert export_report(p, "excerpts", "docx", out, ReportOptions(deidentified=True)) == 8
    text = all_text(out)
    for gone in ("NPM-1", "NPM-2", "NPM-3", "hospital system", "Ana"):
        assert gone not in text, gone
    assert "P-01" in text and "the [hospital] system works" in text and "my mentor said" in text
    assert "Coders: PI, B." in text
    assert "De-identified: names and other identifiers are replaced" in text
    # the plain export still says everything, and the project file did not change
    plain = tmp_path / "plain.docx"
    export_report(p, "excerpts", "docx", plain)
    assert "NPM-1" in all_text(plain) and "De-identified" not in all_text(plain)
    assert digest(p.path) == before
    assert p.document_text(marked.ids["d1"]).count("hospital") == 1


def test_identifying_attributes_are_left_out(marked, tmp_path):
    p = marked.project
    out = tmp_path / "participants.docx"
    export_report(p, "participants", "docx", out, ReportOptions(deidentified=True))
    text = all_text(out)
    assert "first-generation" not in text and "background" not in text and "transfer" not in text
    assert "P-02" in text and "year" in text.lower()
    csv_out = tmp_path / "participants.csv"
    export_report(p, "participants", "csv", csv_out, ReportOptions(deidentified=True))
    rows = list(csv.reader(csv_out.open(encoding="utf-8-sig")))
    assert "background" not in rows[0] and [r[0] for r in rows[1:]] == ["P-01", "P-02", "P-03"]


def test_every_report_and_format_is_de_identified(marked, tmp_path):
    p = marked.project
    for report in REPORTS:
        for fmt in ("docx", "csv"):
            if report == "methods" and fmt == "csv":
                continue
            out = tmp_path / f"{report}.{fmt}"
            export_report(p, report, fmt, out, ReportOptions(deidentified=True))
            if fmt == "csv":
                text = out.read_text(encoding="utf-8-sig")
            else:
                text = all_text(out)
                with zipfile.ZipFile(out) as z:
                    text += z.read("docProps/core.xml").decode()
            assert not re.search(r"NPM-[123]\b", text), (report, fmt)
            assert "first-generation" not in text, (report, fmt)


def test_excerpt_csv_quotes_and_coders(marked, tmp_path):
    out = tmp_path / "excerpts.csv"
    export_report(marked.project, "excerpts", "csv", out, ReportOptions(deidentified=True))
    body = out.read_text(encoding="utf-8-sig")
    assert "how the [hospital] system works" in body and "Ana" not in body and "PI" in body
    assert "Bea" not in body and ",B.," in body  # Bea has no role: her initials stand for her


def test_scrub_is_inactive_outside_and_initials():
    assert scrub("NPM-1") == "NPM-1"
    assert initials("Ana María Ruiz") == "A.M.R." and initials("bea") == "B."


def test_cli_export_deidentified(marked, tmp_path, capsys):
    path = marked.project.path
    marked.project.close()
    out = tmp_path / "e.docx"
    code = main(["--coder", "Ana", "export", str(path), "--out", str(out), "--deidentified", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed[0]["deidentified"] is True
    assert "NPM-1" not in all_text(out) and "P-01" in all_text(out)


def test_nested_views_and_coder_roles_apply_to_non_breaking_ids(marked):
    with deidentified(marked.project) as view:
        with deidentified(view) as again:
            assert again is view
        assert scrub("(NPM\u20111, interview 1)") == "(P-01, interview 1)"
        assert "background" not in {a.name for a in view.attributes()}
        assert all("background" not in c.attributes for c in view.cases())
    assert scrub("NPM-1") == "NPM-1"


def test_qdpx_is_written_from_a_de_identified_copy(marked, tmp_path, capsys):
    path = marked.project.path
    marked.project.close()
    before = digest(path)
    out = tmp_path / "d.qdpx"
    assert main(["--coder", "Ana", "export", str(path), "--out", str(out), "--deidentified"]) == 0
    with zipfile.ZipFile(out) as z:
        body = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".qde", ".txt")))
    assert not re.search(r"NPM-[123]\b", body) and "[hospital] system" in body and "hospital system" not in body
    assert digest(path) == before


@pytest.mark.parametrize("coder_names, shown, hidden, says", [
    ("initials", ["A.", "B."], ["Ana", "Bea", "PI"], "coders are named by their initials"),
    ("keep", ["Ana", "Bea"], ["PI"], "coders keep their names"),
])
def test_coders_can_be_named_by_initials_or_kept(marked, tmp_path, coder_names, shown, hidden, says):
    p = marked.project
    out = tmp_path / "excerpts.docx"
    export_report(p, "excerpts", "docx", out, ReportOptions(deidentified=True, coder_names=coder_names))
    text = all_text(out)
    assert "NPM-1" not in text and "P-01" in text  # the pseudonyms apply whatever coders are called
    coders_line = next(line for line in text.splitlines() if line.startswith("Coders: "))
    for name in shown:
        assert name in coders_line, (coder_names, coders_line)
    for name in hidden:
        assert name not in coders_line, (coder_names, coders_line)
    assert says in text


def test_cli_coder_names_for_an_export_and_the_copy(marked, tmp_path, capsys):
    p = marked.project
    path = str(p.path)
    p.close()
    out = tmp_path / "excerpts.csv"
    assert main(["export", path, "--report", "excerpts", "--out", str(out), "--deidentified",
                 "--coder-names", "keep"]) == 0
    body = out.read_text(encoding="utf-8-sig")
    assert "Ana" in body and "PI" not in body and "NPM-1" not in body
    copy = tmp_path / "shared.npmdesk"
    assert main(["deidentify", path, "--out", str(copy), "--coder-names", "initials"]) == 0
    from npmdesk.store import Project

    shared = Project.open(copy, "Reviewer", read_only=True)
    try:
        names = {c for c in shared.coder_roles()}
    finally:
        shared.close()
    assert {"A.", "B."} <= names and not {"Ana", "Bea", "PI"} & names
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:
        main(["deidentify", path, "--out", str(tmp_path / "x.npmdesk"), "--coder-names", "nicknames"])
    assert refused.value.code == 2 and not (tmp_path / "x.npmdesk").exists()
    assert "invalid choice" in capsys.readouterr().err
