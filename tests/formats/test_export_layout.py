"""The Word reports' look, re-read from the files: page size from the settings or the locale,
table styles, widths by content, keep-with-next, the TOC's note inside its field, metadata, a
matrix split into column groups with totals; the settings remembered in the project; CSV cells
neutralised; empty reports refused."""

from __future__ import annotations

import csv
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from npmdesk.cli import main
from npmdesk.core.report_style import ReportStyle, locale_page_size
from npmdesk.formats.reports.codebook import export_codebook_docx
from npmdesk.formats.reports.csv_export import export_excerpts_csv, export_participants_csv, neutralise
from npmdesk.formats.reports.empty import EmptyReportError
from npmdesk.formats.reports.excerpts import export_excerpts_docx
from npmdesk.formats.reports.export import ReportOptions, export_report
from npmdesk.formats.reports.matrix_csv import matrix_csv
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.formats.reports.tables import export_alignment_docx, export_matrix_docx, export_participants_docx
from npmdesk.store.report_settings import report_style, set_element_definition, set_report_style
from tests.formats.export_fixtures import span, study  # noqa: F401  (fixture)

A4 = ReportStyle(page_size="a4")


def widths(table):
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def body_xml(path):
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode()


def test_page_size_from_the_settings_and_the_locale(study, tmp_path, monkeypatch):
    out = tmp_path / "e.docx"
    export_excerpts_docx(study.project, out, style=A4)
    s = docx.Document(str(out)).sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    export_excerpts_docx(study.project, out, style=ReportStyle(page_size="letter"))
    s = docx.Document(str(out)).sections[0]
    assert (round(s.page_width.inches, 2), round(s.page_height.inches, 2)) == (8.5, 11.0)
    export_matrix_docx(study.project, out, style=A4)
    s = docx.Document(str(out)).sections[0]
    assert round(s.page_width.mm) == 297  # landscape A4
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_PAPER", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert locale_page_size() == "a4" and ReportStyle().paper == "a4" and ReportStyle().lang == "en-GB"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert locale_page_size() == "letter"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert locale_page_size() == "a4"


@pytest.mark.parametrize("kind,style_id", [("report", "ReportTable"), ("apa", "APATable"), ("grid", "JournalGrid")])
def test_table_styles(study, tmp_path, kind, style_id):
    out = tmp_path / "c.docx"
    export_codebook_docx(study.project, out, style=ReportStyle(page_size="a4", table_style=kind))
    xml = body_xml(out)
    assert f'<w:tblStyle w:val="{style_id}"/>' in xml
    borders = xml[xml.index("<w:tblBorders>"):xml.index("</w:tblBorders>")]
    if kind == "apa":  # horizontal rules only, no shading
        assert '<w:left w:val="nil"/>' in borders and '<w:insideV w:val="nil"/>' in borders
        assert 'w:fill="E7E6E6"' not in xml
    if kind == "grid":  # black lines, no shading
        assert borders.count('w:color="000000"') == 6 and 'w:fill="E7E6E6"' not in xml
    if kind == "report":
        assert 'w:fill="E7E6E6"' in xml


def test_codebook_widths_follow_the_content(study, tmp_path):
    p = study.project
    p.set_code_description(study.ids["belong"], "Feeling that one fits in among peers, faculty and patients; "
                           "being seen as a future colleague rather than as a guest in the hospital.")
    out = tmp_path / "c.docx"
    export_codebook_docx(p, out, style=A4)
    w = widths(docx.Document(str(out)).tables[0])
    code, definition, *counts = w
    assert definition > max(counts) and sum(counts) < 0.3 * sum(w)  # counts no longer take half the width
    assert definition > 0.5 * sum(w)  # the definitions get the room (was about a third)
    # a header word never breaks: at least ~0.72 em a character of bold 9 pt, plus the cell margins
    for header, width in zip(["Codings", "Docs", "Ppts"], counts):
        assert width >= len(header) * 180 * 0.9 * 0.66 + 200


def test_codebook_note_defines_the_count_abbreviations(study, tmp_path):
    out = tmp_path / "c.docx"
    export_codebook_docx(study.project, out, style=A4)
    texts_ = [p.text for p in docx.Document(str(out)).paragraphs]
    assert any(t.startswith("Note. Docs = documents; Ppts = participants.") for t in texts_)


def test_wrapped_sub_code_names_keep_their_indent(study, tmp_path):
    out = tmp_path / "c.docx"
    export_codebook_docx(study.project, out, style=A4)
    table = docx.Document(str(out)).tables[0]
    belonging = table.rows[2].cells[0].paragraphs[0]
    assert belonging.paragraph_format.left_indent is not None and belonging.paragraph_format.left_indent > 0
    assert "\u00a0" not in belonging.text  # an indent, not leading spaces that a wrap loses


def test_keep_with_next_on_headings_definitions_and_counts(study, tmp_path):
    out = tmp_path / "e.docx"
    export_excerpts_docx(study.project, out, style=A4)
    d = docx.Document(str(out))
    for p in d.paragraphs:
        if p.style.name.startswith("Heading") or p.style.name in ("CodeDefinition", "CodeFacts", "Quote"):
            keep = p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
            assert keep, (p.style.name, p.text)
    # no empty page-break paragraph: a full contents page is not followed by a blank one
    xml = body_xml(out)
    assert '<w:br w:type="page"/>' not in xml and xml.count("<w:pageBreakBefore/>") == 2
    # no "update fields" note: every contents line's page is a PAGEREF field, marked for update
    assert "update" not in xml.lower() or "Update All" not in xml
    assert "Page numbers appear" not in xml
    refs = xml.count(" PAGEREF _Toc")
    assert refs >= 3 and xml.count('<w:fldChar w:fldCharType="begin" w:dirty="true"/>') >= refs


def test_metadata_language_author_and_application(study, tmp_path):
    out = tmp_path / "e.docx"
    style = ReportStyle(page_size="a4", language="en-GB", author="A. Researcher")
    export_excerpts_docx(study.project, out, style=style)
    d = docx.Document(str(out))
    assert d.core_properties.author == "A. Researcher" and d.core_properties.language == "en-GB"
    with zipfile.ZipFile(out) as z:
        styles = z.read("word/styles.xml").decode()
        app = z.read("docProps/app.xml").decode()
    assert '<w:lang w:val="en-GB"' in styles
    assert "<Application>npmdesk 0.1.0</Application>" in app and "Microsoft" not in app


def _wide_study(p, n=40):
    with p.write("forty participants"):
        code = p.add_code("Wide theme")
        for i in range(n):
            case = p.add_case(f"P-{i + 10}")
            text = f"P-{i + 10}: Something worth saying number {i}.\n"
            doc = p.add_document(f"Interview wide {i}", text, case_id=case)
            p.apply_coding(doc, code, 0, len(text) - 1)
    return code


def test_a_wide_matrix_splits_into_column_groups_with_totals(study, tmp_path):
    p = study.project
    _wide_study(p)
    out = tmp_path / "m.docx"
    export_matrix_docx(p, out, style=A4)
    d = docx.Document(str(out))
    tables = d.tables
    assert 3 <= len(tables) <= 6  # 43 participants, several to a part (was ten to a table, 21 pages)
    people = []
    for t in tables:
        header = [c.text for c in t.rows[0].cells]
        assert header[0] == "Code" and header[-2:] == ["Total", "n"]  # row totals on every part
        assert t.rows[-1].cells[0].text == "Total codings"  # column totals on every part
        assert t.rows[-1].cells[-2].text == "48"  # each coding once
        people += header[1:-2]
        assert sum(widths(t)) <= d.sections[0].page_width.twips - 2 * 1440 + 5
    assert len(people) == 43 and len(set(people)) == 43
    captions = [q.text for q in d.paragraphs if q.style.name == "Caption"]
    assert captions[0].startswith("Table 1. Codings per code and participant (part 1 of ")


def test_report_settings_are_remembered_in_the_project(study, tmp_path):
    p = study.project
    assert report_style(p) == ReportStyle()
    chosen = ReportStyle(citation="located", prefix="P", table_style="apa", page_size="a4")
    set_report_style(p, chosen)
    step = p.last_step
    assert step.changes.meta and report_style(p) == chosen
    out = tmp_path / "e.docx"
    export_report(p, "excerpts", "docx", out)  # no style given: the project's
    assert '<w:tblStyle w:val="APATable"/>' not in body_xml(out)  # (the excerpts report has no table)
    assert any(t.startswith("(P1, interview 1, ¶") for t in (q.text for q in docx.Document(str(out)).paragraphs))
    p.revert(step)
    assert report_style(p) == ReportStyle()


def test_csv_cells_that_would_be_formulas_are_neutralised(study, tmp_path):
    p, ids = study.project, study.ids
    text = "=HYPERLINK(\"http://example.invalid\",\"x\")\n+1\n-2\n@SUM(A1)\n\tTab\n"
    with p.write("hostile"):
        doc = p.add_document("Hostile", text, case_id=ids["c1"])
        for line in ("=HYPERLINK", "+1", "-2", "@SUM(A1)"):
            i = text.index(line)
            p.apply_coding(doc, ids["teach"], i, text.index("\n", i))
        p.set_memo("coding", p.apply_coding(doc, ids["system"], *span(text, "Tab")), "\tmemo")
    out = tmp_path / "e.csv"
    export_excerpts_csv(p, out)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    cells = [r["text"] for r in rows if r["document"] == "Hostile"]
    assert cells == ["'=HYPERLINK(\"http://example.invalid\",\"x\")", "'+1", "'-2", "'@SUM(A1)", "Tab"]
    assert [r["memo"] for r in rows if r["document"] == "Hostile"][-1] == "'\tmemo"
    assert all(not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values()) for r in rows)
    assert neutralise("\rx") == "'\rx" and neutralise(-3) == -3 and neutralise("a=b") == "a=b"
    m = p.matrix("codes", "participants", "codings")
    assert "'=" not in matrix_csv(m)  # ordinary labels untouched


def test_an_empty_report_says_so_and_writes_nothing(study, tmp_path, capsys):
    outdir = tmp_path / "out"
    outdir.mkdir()
    sel = ReportSelection(code_paths=("Seeing the system",), participants=("NPM-2",))
    with pytest.raises(EmptyReportError, match="empty"):
        export_excerpts_docx(study.project, outdir / "e.docx", sel)
    with pytest.raises(EmptyReportError):
        export_excerpts_csv(study.project, outdir / "e.csv", sel)
    path = study.project.path
    code = main(["export", str(path), "--out", str(outdir / "e.docx"), "--code", "Seeing the system",
                 "--participant", "NPM-2"])
    _, err = capsys.readouterr()
    assert code == 1 and "would be empty" in err and err.count("\n") == 1
    assert list(outdir.iterdir()) == []


def test_cli_style_options(study, tmp_path, capsys):
    out = tmp_path / "a.docx"
    code = main(["export", str(study.project.path), "--report", "alignment", "--out", str(out), "--style", "grid",
                 "--page-size", "a4", "--citation", "tagged", "--tag", "Year", "--rationale", "--language", "fr-FR"])
    assert code == 0, capsys.readouterr().err
    d = docx.Document(str(out))
    assert round(d.sections[0].page_width.mm) == 297 and d.core_properties.language == "fr-FR"
    assert '<w:tblStyle w:val="JournalGrid"/>' in body_xml(out)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in d.tables[0].rows}
    ics = rows["Interpersonal and Communication Skills"]
    assert ics[2] == "Honest feedback — Giving and receiving feedback."  # rationale on request
    assert ics[3] == "“Feedback from a near-peer is easier to hear.” (NPM-1, year\u00a02)"
    code = main(["export", str(study.project.path), "--out", str(out), "--tag", "nosuch"])
    assert code == 1 and "no participant attribute named 'nosuch'" in capsys.readouterr().err


def test_alignment_definitions_sources_sub_codes_and_abbreviations(study, tmp_path):
    p, ids = study.project, study.ids
    element = ids["elements"][ids["professionalism"]]
    set_element_definition(p, element, "Our own wording of professionalism.")
    style = ReportStyle(page_size="a4", show_subcodes=True, definition_sources={
        "ACGME Core Competencies": {"label": "adapted from ACGME Common Program Requirements",
                                    "citation": "ACGME. Common Program Requirements (Residency). 2023"}})
    out = tmp_path / "a.docx"
    export_alignment_docx(p, out, style=style)
    d = docx.Document(str(out))
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[0][1] == "Definition (adapted from ACGME Common Program Requirements)"
    prof = next(r for r in rows if r[0] == ids["professionalism"])
    assert prof[1] == "Our own wording of professionalism."
    assert prof[2].split("\n") == ["Socialisation into medicine", "Belonging", "Honest feedback"]  # names only
    note = [q.text for q in d.paragraphs if q.style.name == "TableNote"][0]
    assert note.startswith("Note. Definitions adapted from ACGME Common Program Requirements: ACGME. Common")
    assert "NPM-n, participant identifier" in note and "ACGME, Accreditation Council for Graduate" in note


def test_participants_free_text_labels_and_aggregate_only(study, tmp_path):
    p = study.project
    with p.write("free text"):
        for c, answer in zip(p.cases(), ("Spanish at home", "spanish at home ", "Tagalog and English")):
            p.set_case_attribute(c.id, "languages", answer)
    out = tmp_path / "p.docx"
    style = ReportStyle(page_size="a4", labels={"rural": "Rural background", "languages": "Languages spoken"})
    export_participants_docx(p, out, style=style)
    d = docx.Document(str(out))
    header = [c.text for c in d.tables[0].rows[0].cells]
    assert "Rural background" in header and "rural" not in header
    summary = [[c.text for c in r.cells] for r in d.tables[1].rows]
    assert ["Languages spoken", "Spanish at home", "2", "67"] in summary  # one answer, two spellings
    notes = [q.text for q in d.paragraphs if q.style.name == "TableNote"]
    assert any("may make participants identifiable" in n for n in notes)  # n = 3 with four attributes
    with p.write("more free text"):
        for i in range(8):
            cid = p.add_case(f"NPM-{20 + i}")
            p.set_case_attribute(cid, "languages", f"language number {i}")
    export_participants_docx(p, out, style=style)
    summary = [[c.text for c in r.cells] for r in docx.Document(str(out)).tables[1].rows]
    assert ["Languages spoken", "free text (10 different answers; not summarised)", "11", "100"] in summary
    export_participants_docx(p, out, style=ReportStyle(page_size="a4", aggregate_only=True))
    d = docx.Document(str(out))
    assert len(d.tables) == 1 and [c.text for c in d.tables[0].rows[0].cells] == ["Characteristic", "Value", "n", "%"]
    export_participants_csv(p, tmp_path / "p.csv", style=ReportStyle(aggregate_only=True))
    assert (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "characteristic,value,n,percent"


def test_export_options_route_the_style(study, tmp_path):
    out = tmp_path / "x.docx"
    export_report(study.project, "codebook", "docx", out, ReportOptions(style=ReportStyle(table_style="apa")))
    assert '<w:tblStyle w:val="APATable"/>' in body_xml(out)


def test_definitions_and_labels_from_the_command_line(study, tmp_path, capsys):
    path = str(study.project.path)
    study.project.close()
    assert main(["framework", "define", path, "--framework", "ACGME Core Competencies", "--element",
                 "Professionalism", "--definition", "Our wording.", "--source", "adapted from the ACGME CPR",
                 "--citation", "ACGME. Common Program Requirements. 2023"]) == 0
    out = tmp_path / "a.docx"
    assert main(["export", path, "--report", "alignment", "--out", str(out)]) == 0
    d = docx.Document(str(out))
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[0][1] == "Definition (adapted from the ACGME CPR)"
    assert ["Professionalism", "Our wording."] == [r[:2] for r in rows if r[0] == "Professionalism"][0]
    assert main(["export", path, "--report", "participants", "--out", str(tmp_path / "p.docx"),
                 "--label", "rural=Rural background"]) == 0
    header = [c.text for c in docx.Document(str(tmp_path / "p.docx")).tables[0].rows[0].cells]
    assert "Rural background" in header
    assert main(["framework", "define", path, "--framework", "ACGME Core Competencies"]) == 1
    capsys.readouterr()
