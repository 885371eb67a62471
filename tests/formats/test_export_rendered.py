"""Reports as LibreOffice lays them out (skipped where soffice/pdftotext are not installed): the
contents page shows page numbers without anyone updating fields, and no "update fields" note."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from npmdesk.formats.reports.export import ReportOptions, export_report
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                reason="LibreOffice and poppler-utils render the report")


def _pdf_text(docx_path, tmp_path) -> list[str]:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx_path)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (docx_path.stem + ".pdf")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return out.stdout.split("\f")


def test_contents_page_numbers_without_updating_fields(study, tmp_path):
    out = tmp_path / "excerpts.docx"
    export_report(study.project, "excerpts", "docx", out, ReportOptions())
    pages = _pdf_text(out, tmp_path)
    contents = next(p for p in pages if "Contents" in p)
    lines = [ln.strip() for ln in contents.splitlines() if "Belonging" in ln or "Seeing the system" in ln]
    assert lines and all(re.search(r"\.{3,}\s*\d+$", ln) for ln in lines), lines
    number = int(re.search(r"(\d+)$", lines[-1]).group(1))
    assert "Seeing the system" in pages[number - 1]  # the number is the page the heading is on
    assert "update" not in contents.lower()  # no "update fields" note


def _headings_project(path, n):
    from npmdesk.store import Project, TurnSpec

    p = Project.create(path, "Ana", name="Full page")
    text = "NPM-1: " + " ".join(f"Sentence {i} of the interview." for i in range(n)) + "\n"
    with p.write("set up"):
        case = p.add_case("NPM-1")
        doc = p.add_document("Interview NPM-1", text, case_id=case, turns=[TurnSpec(0, len(text) - 1, "NPM-1")])
        for i in range(n):
            code = p.add_code(f"Code {i:02d}")
            start = text.index(f"Sentence {i} ")
            p.apply_coding(doc, code, start, start + len(f"Sentence {i} of the interview."))
    return p


def test_a_full_contents_page_is_not_followed_by_a_blank_page(tmp_path):
    """Find how many contents lines fill the first contents page, then write a report with exactly
    that many headings: the first heading must open the very next page (no blank page between)."""
    p = _headings_project(tmp_path / "probe.npmdesk", 60)
    out = tmp_path / "probe.docx"
    export_report(p, "excerpts", "docx", out, ReportOptions())
    p.close()
    pages = _pdf_text(out, tmp_path)
    first_contents = next(i for i, page in enumerate(pages) if "Contents" in page)
    fit = len(re.findall(r"^\s*Code \d\d\.{3,}", pages[first_contents], re.MULTILINE))
    assert 10 < fit < 60
    p = _headings_project(tmp_path / "full.npmdesk", fit)
    out = tmp_path / "full.docx"
    export_report(p, "excerpts", "docx", out, ReportOptions())
    p.close()
    pages = [page for page in _pdf_text(out, tmp_path) if page.strip()]
    at = next(i for i, page in enumerate(pages) if "Contents" in page)
    assert len(re.findall(r"^\s*Code \d\d\.{3,}", pages[at], re.MULTILINE)) == fit  # the page is full
    after = [ln.strip() for ln in pages[at + 1].splitlines() if ln.strip()]
    assert after[0] == "Code 00", after[:3]  # the next page starts with the first heading
    page_no = int(re.search(r"Code 00\.{3,}\s*(\d+)", pages[at]).group(1))
    assert page_no == at + 2  # and the contents says so (pages count from 1)
    assert all(len([ln for ln in page.splitlines() if ln.strip()]) > 1 for page in pages)  # no blank page


def test_matrix_header_ids_do_not_break_at_their_hyphen(tmp_path):
    """Six participants' IDs over narrow number columns: each stays whole ('NPM-' over '1' was seen)."""
    from npmdesk.store import Project, TurnSpec

    p = Project.create(tmp_path / "six.npmdesk", "Ana", name="Six")
    with p.write("set up"):
        code = p.add_code("Belonging")
        for i in range(1, 7):
            text = f"NPM-{i}: I felt I belonged.\n"
            case = p.add_case(f"NPM-{i}")
            doc = p.add_document(f"Interview NPM-{i}", text, case_id=case,
                                 turns=[TurnSpec(0, len(text) - 1, f"NPM-{i}")])
            p.apply_coding(doc, code, text.index("I felt"), len(text) - 1)
    out = tmp_path / "matrix.docx"
    export_report(p, "matrix", "docx", out, ReportOptions())
    p.close()
    page = _pdf_text(out, tmp_path)[0]
    header = next(ln for ln in page.splitlines() if "Code" in ln and "Total" in ln)
    assert all(f"NPM-{i}" in header.replace("\u2011", "-") for i in range(1, 7)), header
