"""Each Word report re-opened with python-docx: headings, exact quotes, source lines, table cells,
counts, Word plumbing (styles, fields, sections, properties), atomic writing and cancel."""

from __future__ import annotations

import hashlib
import zipfile

import docx
import pytest
from docx.enum.section import WD_ORIENT

from npmdesk.core.errors import CancelledError, InvalidValueError
from npmdesk.formats.reports.codebook import export_codebook_docx
from npmdesk.formats.reports.excerpts import export_excerpts_docx
from npmdesk.formats.reports.tables import export_alignment_docx, export_matrix_docx, export_participants_docx
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.formats.reports.export import ReportOptions, export_report
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)

MULTI_LINE = "Teaching it made me really know it — مرحبا, e\u0301tude, 你好.\nIt also showed me"
QUOTED_MULTI_LINE = MULTI_LINE + "\u2026"  # it stops mid-sentence: an ellipsis says so


def paragraphs(path, style=None):
    d = docx.Document(str(path))
    return [(p.style.name, p.text) for p in d.paragraphs if style is None or p.style.name == style]


def texts(path, style):
    return [t.replace("\u00a0", "").strip() for _, t in paragraphs(path, style)]


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_excerpts_report_headings_quotes_and_sources(study, tmp_path):
    out = tmp_path / "excerpts.docx"
    assert export_excerpts_docx(study.project, out, other_codes=True) == 8
    paras = paragraphs(out)
    headings = [(s, t.replace("\u00a0", "").strip()) for s, t in paras if s.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Socialisation into medicine"), ("Heading 2", "Belonging"), ("Heading 2", "Honest feedback"),
        ("Heading 1", "Teaching consolidates knowledge"), ("Heading 1", "Seeing the system")]
    quotes = texts(out, "Quote")
    assert len(quotes) == 8
    raw_quotes = [t for s, t in paras if s == "Quote"]
    assert "It felt like I belonged here 🏥." in raw_quotes  # exact, emoji included
    assert "Agreed 👍🏽 — it felt safe." in raw_quotes  # skin-tone modifier kept
    assert QUOTED_MULTI_LINE in raw_quotes  # Arabic, combining accent, CJK and the line break, untruncated
    assert "I was nervous, \u201ctruly\u201d nervous; then my mentor said: you, too, belong here." in raw_quotes
    # Order: code tree, then document, then position: Belonging's three quotes by document order.
    i = raw_quotes.index("It felt like I belonged here 🏥.")
    assert raw_quotes[i + 1].startswith("I was nervous") and raw_quotes[i + 2].startswith("Agreed")
    sources = texts(out, "ExcerptSource")  # noBreakHyphen reads back as "-"
    assert "(NPM-1) · Interview 1, ¶ 2 · exemplar" in sources
    assert "(NPM-1) · Interview 1, ¶ 4–5 · exemplar" in sources
    assert "(NPM-3) · Focus group, ¶ 3" in sources
    assert not any("coded by" in s for s in sources)  # the title page names the coders, once
    notes = texts(out, "ExcerptMemo")
    assert "Memo: Contrast with NPM-1: belonging came from the mentor's words." in notes
    assert "Also coded: Socialisation into medicine/Belonging; Socialisation into medicine/Honest feedback" in notes
    assert texts(out, "CodeDefinition")[0] == "Becoming a member of the profession through mentors."
    facts = dict(t.split(": ", 1) for t in texts(out, "ReportFact"))
    assert facts["Project"] == "NPM mentors" and facts["Coders"] == "Ana, Bea"
    assert facts["Filters"] == "none (all coded excerpts)"
    assert facts["Excerpts"] == "8 excerpts from 3 documents, 3 participants"
    # The table of contents reads well before any field update: every heading is listed.
    assert texts(out, "toc 1")[:3] == ["Socialisation into medicine", "Teaching consolidates knowledge",
                                       "Seeing the system"]
    assert "Unused code" not in " ".join(t for _, t in paras)


def test_excerpts_filters_and_title_page(study, tmp_path):
    p, ids = study.project, study.ids
    out = tmp_path / "f.docx"
    sel = ReportSelection(code_paths=("Socialisation into medicine",), with_children=True,
                          attributes=(("rural", "no"),))
    assert export_excerpts_docx(p, out, sel) == 2  # NPM-2's and NPM-3's belonging quotes
    assert texts(out, "Quote") == [
        "I was nervous, \u201ctruly\u201d nervous; then my mentor said: you, too, belong here.",
        "Agreed 👍🏽 — it felt safe."]
    facts = dict(t.split(": ", 1) for t in texts(out, "ReportFact"))
    assert facts["Filters"] == ("codes: Socialisation into medicine (with sub-codes); "
                                "participants with rural = no")
    assert export_excerpts_docx(p, out, ReportSelection(coders=("Bea",), exemplars_only=True)) == 1
    assert texts(out, "Quote") == ["Feedback from a near-peer is easier to hear."]
    assert export_excerpts_docx(p, out, ReportSelection(documents=("Interview 2",), participants=("NPM-2",))) == 1
    assert export_excerpts_docx(p, out, ReportSelection(code_paths=("Socialisation into medicine",))) == 1
    assert ids  # fixture ids stay available for the other tests


def test_word_plumbing(study, tmp_path):
    out = tmp_path / "excerpts.docx"
    export_excerpts_docx(study.project, out)
    d = docx.Document(str(out))
    assert d.core_properties.title == "Coded excerpts — NPM mentors"
    assert d.core_properties.author == ""  # from the report settings, never the login or coder names
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode()
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        settings = z.read("word/settings.xml").decode()
    # The contents: a PAGEREF per heading (LibreOffice computes them; Word updates them on opening).
    assert body.count(" PAGEREF _Toc") == len(texts(out, "toc 1")) + len(texts(out, "toc 2")) + len(texts(out, "toc 3"))
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert "<w:updateFields" in settings
    assert 'w:fill="F4D35E"' in body  # the theme's colour marker
    # A multi-line quote is one paragraph with a line break, not two paragraphs.
    assert body.count("<w:br/>") >= 1


def test_codebook(study, tmp_path):
    out = tmp_path / "codebook.docx"
    assert export_codebook_docx(study.project, out, examples=1) == 6
    d = docx.Document(str(out))
    table = d.tables[0]
    rows = [[c.text.replace("\u00a0", "").replace("\u25a0", "").strip() for c in r.cells] for r in table.rows]
    assert rows[0] == ["Code", "Definition", "Codings", "Docs", "Ppts"]
    assert rows[1] == ["Socialisation into medicine", "Becoming a member of the profession through mentors.",
                       "6", "3", "3"]
    assert rows[2] == ["Belonging", "Feeling that one fits in.", "3", "3", "3"]
    assert rows[6] == ["Unused code", "", "0", "0", "0"]
    assert texts(out, "Heading 1") == ["Socialisation into medicine", "Teaching consolidates knowledge",
                                       "Seeing the system", "Unused code"]
    facts = texts(out, "CodeFacts")
    assert facts[0] == ("Colour #f4d35e · 1 coding (6 with sub-codes) · 3 documents · 3 participants")
    quotes = texts(out, "Quote")
    assert "It felt like I belonged here 🏥." in quotes  # the exemplar is chosen first
    assert QUOTED_MULTI_LINE in [t for s, t in paragraphs(out) if s == "Quote"]


def test_participants_table(study, tmp_path):
    out = tmp_path / "participants.docx"
    assert export_participants_docx(study.project, out) == 3
    d = docx.Document(str(out))
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[0] == ["Participant", "year", "background", "rural", "Documents", "Codings"]
    assert rows[1] == ["NPM-1", "2", "first-generation", "yes", "2", "6"]
    assert rows[3] == ["NPM-3", "2", "first-generation", "no", "1", "1"]
    summary = [[c.text for c in r.cells] for r in d.tables[1].rows]
    assert ["rural", "no", "2", "67"] in summary
    assert [p for s, p in paragraphs(out, "Caption")][0] == "Table 1. Participants (n = 3)."
    out2 = tmp_path / "p2.docx"
    assert export_participants_docx(study.project, out2, ReportSelection(attributes=(("year", "2"),))) == 2


def test_matrix_landscape_and_counts(study, tmp_path):
    out = tmp_path / "matrix.docx"
    export_matrix_docx(study.project, out)
    d = docx.Document(str(out))
    assert d.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert d.sections[0].page_width > d.sections[0].page_height
    rows = [[c.text.replace("\u00a0", "").replace("\u25a0", "").strip() for c in r.cells] for r in d.tables[0].rows]
    assert rows[0] == ["Code", "NPM-1", "NPM-2", "NPM-3", "Total", "n"]
    assert rows[1] == ["Socialisation into medicine", "4", "1", "1", "6", "3"]
    assert rows[3] == ["Honest feedback", "2", "–", "–", "2", "1"]
    assert rows[-1] == ["Total codings", "6", "1", "1", "8", "3"]  # each coding once


def test_alignment_table(study, tmp_path):
    out = tmp_path / "alignment.docx"
    assert export_alignment_docx(study.project, out) == 6
    d = docx.Document(str(out))
    assert d.sections[0].orientation == WD_ORIENT.LANDSCAPE
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert rows[0] == ["Competency", "Definition (paraphrased from the ACGME Common Program Requirements)",
                       "Themes", "Illustrative quotes (participant ID)"]
    by_name = {r[0]: r for r in rows[1:]}
    ics = by_name[study.ids["communication"]]
    assert ics[2] == "Honest feedback"  # the theme's name; no path, no rationale unless asked
    assert ics[3] == "“Feedback from a near-peer is easier to hear.” (NPM-1)"  # the chosen exemplar
    prof = by_name[study.ids["professionalism"]]
    assert prof[3].split("\n") == ["“It felt like I belonged here 🏥.” (NPM-1)",
                                   "“Feedback from a near-peer is easier to hear.” (NPM-1)"]
    assert by_name["Patient Care"][2:] == ["—", "—"]
    assert by_name[study.ids["systems"]][2] == "Seeing the system"


def test_exports_never_modify_the_project(study, tmp_path):
    before = sha(study.project.path)
    for report in ("excerpts", "codebook", "participants", "matrix", "alignment"):
        for fmt in ("docx", "csv"):
            export_report(study.project, report, fmt, tmp_path / f"{report}.{fmt}")
    assert sha(study.project.path) == before


def test_cancel_leaves_no_file_and_keeps_an_old_one(study, tmp_path):
    tmp_path = tmp_path / "out"  # the project lives in tmp_path itself
    tmp_path.mkdir()
    out = tmp_path / "excerpts.docx"
    seen = []

    def cancel_midway(done, total):
        seen.append((done, total))
        return len(seen) < 2

    with pytest.raises(CancelledError):
        export_excerpts_docx(study.project, out, progress=cancel_midway)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    out.write_bytes(b"an older report")
    with pytest.raises(CancelledError):
        export_excerpts_docx(study.project, out, progress=lambda done, total: done < total)
    assert out.read_bytes() == b"an older report"
    assert [p.name for p in tmp_path.iterdir()] == ["excerpts.docx"]
    calls = []
    export_excerpts_docx(study.project, out, progress=lambda d, t: calls.append((d, t)) or True)
    assert calls[0] == (0, 9) and calls[-1] == (9, 9)


def test_failure_midway_leaves_no_partial_file(study, tmp_path, monkeypatch):
    tmp_path = tmp_path / "out"  # the project lives in tmp_path itself
    tmp_path.mkdir()
    out = tmp_path / "excerpts.docx"

    def broken_save(self, path):
        open(path, "wb").write(b"half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("docx.document.Document.save", broken_save)
    with pytest.raises(Exception, match="No space left"):
        export_excerpts_docx(study.project, out)
    assert list(tmp_path.iterdir()) == []


def test_filters_that_do_not_apply_are_refused(study, tmp_path):
    tmp_path = tmp_path / "out"  # the project lives in tmp_path itself
    tmp_path.mkdir()
    with pytest.raises(InvalidValueError):
        export_report(study.project, "codebook", "docx", tmp_path / "c.docx",
                      ReportOptions(selection=ReportSelection(coders=("Ana",))))
    with pytest.raises(InvalidValueError):
        export_report(study.project, "matrix", "docx", tmp_path / "m.docx",
                      ReportOptions(selection=ReportSelection(documents=("Interview 1",))))
    assert list(tmp_path.iterdir()) == []
