"""Context around each quote in the coded-excerpts report: "none", the paragraph each side, or the
rest of the speaker turn, printed before and after the quote in a smaller grey type by the same rule
the retrieval view shows (core/spread.py ExcerptContext)."""

from __future__ import annotations

import docx
import pytest
from docx.shared import Pt, RGBColor

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.spread import ExcerptContext
from npmdesk.formats.reports.export import ReportOptions, export_report
from npmdesk.store import Project, TurnSpec

TEXT = (
    "Interviewer: How did the first week go?\n"
    "\n"
    "NPM-3: It was a lot. I did not know anyone.\n"
    "Then my mentor called me. She asked how I was.\n"
    "After that it got easier.\n"
    "By October I was helping others.\n"
    "Interviewer: What changed?\n"
)
PHRASE = "Then my mentor called me."


def _project(path) -> Project:
    lines = TEXT.split("\n")
    at = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
    turns = [TurnSpec(at[0], at[0] + len(lines[0]), "Interviewer"),
             TurnSpec(at[2], at[5] + len(lines[5]), "NPM-3"),  # one turn over four lines
             TurnSpec(at[6], at[6] + len(lines[6]), "Interviewer")]
    p = Project.create(path, "Ana", name="Context study")
    with p.write("set up"):
        doc = p.add_document("Interview NPM-3", TEXT, case_id=p.add_case("NPM-3"), turns=turns)
        start = TEXT.index(PHRASE)
        p.apply_coding(doc, p.add_code("Being called"), start, start + len(PHRASE))
    return p


def _paragraphs(out) -> list:
    return [par for par in docx.Document(str(out)).paragraphs if par.text.strip()]


def _around_quote(out) -> tuple[str | None, str, str | None]:
    """The paragraphs just before and after the quote, when they are context (not a source line)."""
    paras = _paragraphs(out)
    i = next(i for i, par in enumerate(paras) if par.text.strip() == PHRASE)
    before = paras[i - 1].text if paras[i - 1].style.name == "Quote" else None
    after = paras[i + 1].text if paras[i + 1].style.name == "Quote" else None
    return before, paras[i].text, after


@pytest.fixture
def study(tmp_path):
    p = _project(tmp_path / "context.npmdesk")
    yield p
    p.close()


def test_no_context_by_default(study, tmp_path):
    out = tmp_path / "none.docx"
    assert export_report(study, "excerpts", "docx", out, ReportOptions()) == 1
    before, quote, after = _around_quote(out)
    assert before is None and after is None and quote == PHRASE
    assert "around each quote" not in "\n".join(p.text for p in _paragraphs(out))


def test_paragraph_context_is_the_paragraph_each_side(study, tmp_path):
    out = tmp_path / "paragraph.docx"
    export_report(study, "excerpts", "docx", out, ReportOptions(context="paragraph"))
    before, _, after = _around_quote(out)
    assert before == "NPM-3: It was a lot. I did not know anyone."
    assert after == "She asked how I was.\nAfter that it got easier."
    assert "By October" not in after  # two paragraphs away
    body = "\n".join(p.text for p in _paragraphs(out))
    assert "The paragraph around each quote is printed before and after it in smaller grey type." in body


def test_turn_context_is_the_rest_of_the_speaker_turn(study, tmp_path):
    out = tmp_path / "turn.docx"
    export_report(study, "excerpts", "docx", out, ReportOptions(context="turn"))
    before, _, after = _around_quote(out)
    assert before == "NPM-3: It was a lot. I did not know anyone."  # the turn from its speaker label on
    assert after == "She asked how I was.\nAfter that it got easier.\nBy October I was helping others."
    assert "What changed" not in after and "first week" not in before  # the interviewer's turns are not it


def test_context_is_smaller_and_lighter_than_the_quote(study, tmp_path):
    out = tmp_path / "look.docx"
    export_report(study, "excerpts", "docx", out, ReportOptions(context="paragraph"))
    paras = _paragraphs(out)
    i = next(i for i, par in enumerate(paras) if par.text.strip() == PHRASE)
    quote_run, context_run = paras[i].runs[0], paras[i - 1].runs[0]
    assert context_run.font.size == Pt(9) and quote_run.font.size is None  # the Quote style's own size
    assert context_run.font.color.rgb == RGBColor(0x59, 0x59, 0x59) and quote_run.font.color.rgb is None
    assert paras[i + 2].style.name == "ExcerptSource"  # the source line still follows the passage


def test_report_and_page_share_one_rule(study, tmp_path):
    """What the report prints is what ExcerptContext gives (the retrieval page calls it too)."""
    e = study.excerpts()[0]
    turns = [(t.start, t.end) for t in study.turns(e.document_id)]
    rule = ExcerptContext(study.document_text(e.document_id), turns)
    for unit in ("paragraph", "turn"):
        out = tmp_path / f"{unit}.docx"
        export_report(study, "excerpts", "docx", out, ReportOptions(context=unit))
        before, _, after = _around_quote(out)
        want_before, want_after = (s.strip() for s in rule.around(e.start, e.end, unit))
        assert (before, after) == (want_before, want_after)


def test_turn_context_without_turns_is_the_paragraph():
    text = "First line.\nThe coded words here.\nLast line.\n"
    start = text.index("The coded")
    rule = ExcerptContext(text)
    assert rule.around(start, start + 9, "turn") == rule.around(start, start + 9, "paragraph")
    assert rule.around(start, start + 9, "paragraph") == ("First line.\n", " words here.\nLast line.")
    assert rule.around(start, start + 9, "none") == ("", "")


def test_unknown_context_is_refused_and_writes_nothing(study, tmp_path):
    out = tmp_path / "bad.docx"
    with pytest.raises(InvalidValueError, match="unknown context"):
        export_report(study, "excerpts", "docx", out, ReportOptions(context="sentence"))
    assert not out.exists()


def test_de_identified_context_applies_the_pseudonyms(study, tmp_path):
    with study.write("pseudonyms"):
        study.set_pseudonym("October", "replace", "[month]")
    out = tmp_path / "deid.docx"
    export_report(study, "excerpts", "docx", out, ReportOptions(context="turn", deidentified=True))
    _, _, after = _around_quote(out)
    assert after.endswith("By [month] I was helping others.") and "October" not in after


def test_cli_context_option(study, tmp_path, capsys):
    from npmdesk.cli import main

    path = str(study.path)
    study.close()
    out = tmp_path / "turn.docx"
    assert main(["export", path, "--report", "excerpts", "--out", str(out), "--context", "turn"]) == 0
    before, quote, after = _around_quote(out)
    assert quote == PHRASE and before and "It was a lot" in before
    csv_out = tmp_path / "x.csv"
    assert main(["export", path, "--report", "excerpts", "--out", str(csv_out), "--context", "turn"]) == 1
    assert "--context applies to the coded-excerpts Word report" in capsys.readouterr().err
    assert not csv_out.exists()
