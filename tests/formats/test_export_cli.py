"""`npmdesk export`: every report in Word and CSV, filters, format from the extension, errors."""

from __future__ import annotations

import csv
import hashlib
import json

import docx
import pytest

from npmdesk.cli import main
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("report", ["excerpts", "codebook", "participants", "matrix", "alignment"])
def test_every_report_in_both_formats(study, tmp_path, capsys, report):
    path = study.project.path
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for fmt in ("docx", "csv"):
        out = tmp_path / f"{report}.{fmt}"
        code, stdout, err = run(capsys, "--coder", "Someone New", "export", path, "--report", report, "--out", out)
        assert code == 0, err
        assert stdout.startswith(f"wrote {out}: {report}, ")
        assert out.exists()
    assert docx.Document(str(tmp_path / f"{report}.docx")).paragraphs
    # exporting, even under a new coder name, leaves the project file byte for byte as it was
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_filters_on_the_command_line(study, tmp_path, capsys):
    out = tmp_path / "x.csv"
    code, stdout, err = run(capsys, "export", study.project.path, "--out", out, "--code", "Socialisation into medicine",
                            "--with-children", "--attribute", "rural=yes", "--coder", "Ana", "--json")
    assert code == 0, err
    assert json.loads(stdout)[0]["items"] == 3
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert {r[2] for r in rows[1:]} == {"NPM-1"} and {r[9] for r in rows[1:]} == {"Ana"}
    code, stdout, _ = run(capsys, "export", study.project.path, "--out", out, "--exemplars-only",
                          "--document", "Interview 1", "--participant", "NPM-1")
    assert code == 0 and stdout.endswith("2 excerpt(s)\n")


def test_errors_are_one_line_and_leave_nothing(study, tmp_path, capsys):
    outdir = tmp_path / "out"
    outdir.mkdir()
    cases = [
        (["--out", outdir / "a.txt"], "cannot tell the format"),
        (["--out", outdir / "a.docx", "--code", "No such code"], "no code 'No such code'"),
        (["--out", outdir / "a.docx", "--participant", "NPM-9"], "no participant named 'NPM-9'"),
        (["--out", outdir / "a.docx", "--attribute", "rural"], "NAME=VALUE"),
        (["--out", outdir / "a.docx", "--report", "codebook", "--coder", "Ana"], "filters do not apply"),
        (["--out", outdir / "a.docx", "--report", "alignment", "--framework", "Nope"], "no framework named"),
        (["--out", tmp_path / "missing" / "a.docx"], "does not exist"),
    ]
    for extra, message in cases:
        code, _, err = run(capsys, "export", study.project.path, *extra)
        assert code == 1 and message in err and err.count("\n") == 1, (extra, err)
    assert list(outdir.iterdir()) == []


def test_exchange_formats_dispatch(study, tmp_path, capsys):
    code, stdout, err = run(capsys, "export", study.project.path, "--format", "qdc", "--out", tmp_path / "c.qdc")
    assert code == 0, err
    assert (tmp_path / "c.qdc").read_bytes().startswith(b"<?xml")
    code, _, err = run(capsys, "export", study.project.path, "--out", tmp_path / "p.qdpx")
    assert code == 0, err
    assert (tmp_path / "p.qdpx").read_bytes()[:2] == b"PK"
    code, _, err = run(capsys, "export", study.project.path, "--out", tmp_path / "p2.qdpx", "--code", "Belonging")
    assert code == 1 and "filters do not apply" in err


def test_qdpx_export_takes_the_target_tool(study, tmp_path, capsys):
    """`npmdesk export --format qdpx --for TOOL` writes what `npmdesk export-qdpx --for TOOL` writes
    (issue 19's targets): NVivo for Windows positions count UTF-16 units, so the study's emoji shift them."""
    import re
    import zipfile

    def positions(path):
        with zipfile.ZipFile(path) as z:
            qde = z.read("project.qde").decode()
        return re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', qde), qde

    path = study.project.path
    code, stdout, err = run(capsys, "export", path, "--out", tmp_path / "nv.qdpx", "--for", "nvivo-windows")
    assert code == 0, err
    assert stdout.startswith(f"wrote {tmp_path / 'nv.qdpx'}: the project for nvivo-windows")
    code, _, err = run(capsys, "export-qdpx", path, "--out", tmp_path / "same.qdpx", "--for", "nvivo-windows")
    assert code == 0, err
    code, _, err = run(capsys, "export", path, "--out", tmp_path / "std.qdpx")
    assert code == 0, err
    nvivo, qde = positions(tmp_path / "nv.qdpx")
    assert nvivo and nvivo == positions(tmp_path / "same.qdpx")[0]
    assert nvivo != positions(tmp_path / "std.qdpx")[0]  # emoji and CRLF counted as NVivo for Windows does
    assert "nvivo-windows" in qde or "NVivo" in qde  # the target is named in the export notes
    code, out, _ = run(capsys, "export", path, "--out", tmp_path / "j.qdpx", "--for", "atlasti", "--json")
    assert code == 0 and json.loads(out)[0]["target"] == "atlasti"
    code, _, err = run(capsys, "export", path, "--format", "qdc", "--out", tmp_path / "c.qdc", "--for", "maxqda")
    assert code == 1 and "--for applies to .qdpx" in err
