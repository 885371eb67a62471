"""CSV exports re-read with the csv module: BOM, exact multi-line cells, counts."""

from __future__ import annotations

import csv

from npmdesk.formats.reports.csv_export import (
    EXCERPT_COLUMNS,
    export_alignment_csv,
    export_codebook_csv,
    export_excerpts_csv,
    export_matrix_csv,
    export_participants_csv,
)
from npmdesk.formats.reports.selection import ReportSelection
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)

MULTI_LINE = "Teaching it made me really know it — مرحبا, e\u0301tude, 你好.\nIt also showed me"


def read(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_excerpts_csv(study, tmp_path):
    out = tmp_path / "excerpts.csv"
    assert export_excerpts_csv(study.project, out, other_codes=True) == 8
    rows = read(out)
    assert rows[0] == EXCERPT_COLUMNS
    assert len(rows) == 9  # a multi-line excerpt did not split into two rows
    by_text = {r[1]: dict(zip(EXCERPT_COLUMNS, r)) for r in rows[1:]}
    teach = by_text[MULTI_LINE]
    assert teach["code"] == "Teaching consolidates knowledge"
    assert (teach["paragraph_start"], teach["paragraph_end"], teach["exemplar"]) == ("4", "5", "yes")
    quoted = by_text['I was nervous, "truly" nervous; then my mentor said: you, too, belong here.']
    assert quoted["memo"] == "Contrast with NPM-1: belonging came from the mentor's words."
    assert quoted["participant"] == "NPM-2" and quoted["document"] == "Interview 2"
    assert by_text["Agreed 👍🏽 — it felt safe."]["coder"] == "Bea"
    assert by_text["My mentor gave honest feedback."]["other_codes"] == "Socialisation into medicine"
    start, end = int(teach["start"]), int(teach["end"])
    assert study.project.document_text(study.ids["d1"])[start:end] == MULTI_LINE
    # the file uses CRLF between rows and keeps the LF inside the quoted cell
    assert b'me really know it' in out.read_bytes() and b"\xd9\x85\xd8\xb1" in out.read_bytes()


def test_excerpts_csv_filtered(study, tmp_path):
    out = tmp_path / "e.csv"
    n = export_excerpts_csv(study.project, out, ReportSelection(participants=("NPM-3",)))
    assert n == 1 and read(out)[1][1] == "Agreed 👍🏽 — it felt safe."


def test_codebook_csv(study, tmp_path):
    out = tmp_path / "codebook.csv"
    export_codebook_csv(study.project, out)
    rows = read(out)
    assert rows[0][:3] == ["code", "name", "level"]
    assert rows[2] == ["Socialisation into medicine/Belonging", "Belonging", "2", "#8ecae6",
                       "Feeling that one fits in.", "3", "3", "3", "3", ""]
    assert rows[1][5:7] == ["1", "6"]


def test_participants_and_matrix_csv(study, tmp_path):
    out = tmp_path / "participants.csv"
    export_participants_csv(study.project, out)
    assert read(out) == [["Participant", "year", "background", "rural", "Documents", "Codings"],
                         ["NPM-1", "2", "first-generation", "yes", "2", "6"],
                         ["NPM-2", "1", "transfer", "no", "1", "1"],
                         ["NPM-3", "2", "first-generation", "no", "1", "1"]]
    out = tmp_path / "matrix.csv"
    export_matrix_csv(study.project, out)
    rows = read(out)
    assert rows[0] == ["code", "NPM-1", "NPM-2", "NPM-3", "codings", "participants"]
    assert rows[1] == ["Socialisation into medicine", "4", "1", "1", "6", "3"]
    assert rows[-1] == ["Unused code", "0", "0", "0", "0", "0"]


def test_alignment_csv_keeps_multi_line_cells(study, tmp_path):
    out = tmp_path / "alignment.csv"
    export_alignment_csv(study.project, out)
    rows = read(out)
    assert len(rows) == 7
    prof = next(r for r in rows if r[1] == study.ids["professionalism"])
    assert prof[3] == "Socialisation into medicine — Mentors model professional identity."
    assert prof[4] == ("“It felt like I belonged here 🏥.” (NPM-1)\n"
                       "“Feedback from a near-peer is easier to hear.” (NPM-1)")
