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
