"""Participants' counts follow the attribution rule: a coding on an interviewer's words in NPM-1's
interview is not one of NPM-1's codings in the matrix report (Word and CSV), and the note says how
many were left out; a passage across two participants' turns counts for each."""

from __future__ import annotations

import csv

import docx

from npmdesk.formats.reports.export import ReportOptions, export_report
from npmdesk.formats.reports.table_data import credited_codings, matrix_table
from tests.formats.export_fixtures import FOCUS, INTERVIEW_1, span, study  # noqa: F401  (fixture)


def test_an_interviewers_words_do_not_count_for_the_participant(study, tmp_path):  # noqa: F811
    p, ids = study.project, study.ids
    before = matrix_table(p)
    npm1 = before.participants.index("NPM-1")
    teach_row = next(r for r in before.rows if r.code_id == ids["teach"])
    p.apply_coding(ids["d1"], ids["teach"], *span(INTERVIEW_1, "And teaching?"))  # the interviewer's question
    after = matrix_table(p)
    row = next(r for r in after.rows if r.code_id == ids["teach"])
    assert row.cells[npm1] == teach_row.cells[npm1] and row.codings == teach_row.codings
    assert after.column_totals == before.column_totals and after.not_credited == before.not_credited + 1
    assert after.total_codings == before.total_codings

    out = tmp_path / "m.docx"
    export_report(p, "matrix", "docx", out, ReportOptions())
    text = "\n".join(par.text for par in docx.Document(str(out)).paragraphs)
    assert "1 coding on an interviewer's or facilitator's words only is not counted" in text

    out_csv = tmp_path / "m.csv"
    export_report(p, "matrix", "csv", out_csv, ReportOptions())
    with out_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    teach_csv = next(r for r in rows if "Teaching consolidates knowledge" in r[0] or
                     any(c == "Teaching consolidates knowledge" for c in r))
    assert teach_csv[header.index("NPM-1")] == str(int(teach_row.cells[npm1]))


def test_a_passage_across_two_participants_counts_for_each(study):  # noqa: F811
    p, ids = study.project, study.ids
    start = span(FOCUS, "Feedback from a near-peer")[0]
    end = span(FOCUS, "it felt safe.")[1]
    p.apply_coding(ids["d3"], ids["system"], start, end)
    credited = [people for code, people in credited_codings(p, [ids["system"]])]
    assert ("NPM-1", "NPM-3") in credited
    table = matrix_table(p)
    row = next(r for r in table.rows if r.code_id == ids["system"])
    assert row.cells[table.participants.index("NPM-3")] == 1


def test_codebook_participants_count_only_whose_words_are_coded(study, tmp_path):  # noqa: F811
    from npmdesk.formats.reports.codebook import codebook_rows

    p, ids = study.project, study.ids
    p.apply_coding(ids["d1"], ids["system"], *span(INTERVIEW_1, "And teaching?"))  # interviewer only
    p.apply_coding(ids["d2"], ids["system"], 0, 10)  # "Interviewer: Tell me…" in NPM-2's interview
    row = next(r for r in codebook_rows(p) if r[0].id == ids["system"])
    assert row[3].codings == 3 and row[3].participants == 1  # NPM-1's own words only; NPM-2 not counted
