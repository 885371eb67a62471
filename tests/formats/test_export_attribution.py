"""The one attribution rule through every report, and quotes as manuscripts print them: an
interviewer's words never credited to a participant, labels stripped, ellipses, curly marks,
non-breaking IDs, citation styles; the rule itself on its own (core/attribution.py)."""

from __future__ import annotations

import csv
import zipfile

import docx
import pytest

from npmdesk.cli import main
from npmdesk.core.attribution import OTHER, PARTICIPANT, UNLINKED, DocumentSpeakers, SpeakerTurn, is_role_name
from npmdesk.core.quotes import Citation, QuoteContext, cite, curly, participant_id, quote_parts, quote_text
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.reports.csv_export import export_alignment_csv, export_excerpts_csv
from npmdesk.formats.reports.excerpts import export_excerpts_docx
from npmdesk.formats.reports.tables import export_alignment_docx
from npmdesk.store.attribution import exemplar_warning
from tests.formats.export_fixtures import INTERVIEW_1, span, study  # noqa: F401  (fixture)


def _turns(text):
    out, pos = [], 0
    for line in text.split("\n"):
        if ":" in line:
            out.append(SpeakerTurn(pos, pos + len(line), line.split(":", 1)[0]))
        pos += len(line) + 1
    return tuple(out)


def quotes_and_sources(path):
    paras = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]
    return [(t, paras[i + 1][1]) for i, (s, t) in enumerate(paras) if s == "Quote"]


@pytest.fixture
def interviewer_exemplar(study):
    """The defect of the issue: the interviewer's question in NPM-1's interview, coded under an
    aligned theme, marked exemplar and chosen for a competency."""
    p, ids = study.project, study.ids
    coding = p.apply_coding(ids["d1"], ids["feedback"], *span(INTERVIEW_1, "What did mentoring mean to you?"),
                            exemplar=True)
    p.add_element_exemplar(ids["elements"][ids["communication"]], coding)
    return coding


# The rule ---------------------------------------------------------------------------------------

def test_roles_and_participants_of_a_transcript():
    assert all(is_role_name(n) for n in ("Interviewer", "INTERVIEWER", "Facilitator 2", "Co-facilitator",
                                           "Moderator", "Note-taker", "Q", "I", "Int."))
    assert not any(is_role_name(n) for n in ("NPM-4", "Respondent", "Dr Lee", "Ingrid", "P3"))
    text = "Interviewer: Hello?\nRespondent: Fine.\nFacilitator: Good.\n"
    d = DocumentSpeakers("Interview NPM-4", "interview", "NPM-4", _turns(text))
    assert d.role("Respondent") == (PARTICIPANT, "NPM-4")  # the one non-role speaker of their interview
    assert d.role("Interviewer") == (OTHER, None) and d.role("Facilitator") == (OTHER, None)
    group = "Moderator: Who starts?\nNPM-1: Me.\nStudent B: Then me.\n"
    turns = tuple(SpeakerTurn(t.start, t.end, t.speaker, "NPM-1" if t.speaker == "NPM-1" else None)
                  for t in _turns(group))
    g = DocumentSpeakers("Focus group 2", "focus-group", None, turns)
    assert g.role("Student B") == (UNLINKED, None)  # never guessed in a focus group
    whole = g.attribute(0, len(group))
    assert whole.participants == ("NPM-1",) and whole.others == ("Moderator",) and whole.unlinked == ("Student B",)
    assert whole.spans_speakers and not whole.is_participant_quote
    no_turns = DocumentSpeakers("Notes", "interview", "NPM-2", ())
    assert no_turns.attribute(0, 5).participants == ("NPM-2",)  # no labels: the transcript's participant


def test_a_passage_across_two_participants_is_credited_to_each():
    group = "NPM-1: I agree.\nNPM-3: So do I.\n"
    turns = tuple(SpeakerTurn(t.start, t.end, t.speaker, t.speaker) for t in _turns(group))
    a = DocumentSpeakers("Focus group", "focus-group", None, turns).attribute(0, len(group) - 1)
    assert a.participants == ("NPM-1", "NPM-3") and a.is_participant_quote and a.warning() is None
    ctx = QuoteContext({}, {}, ())
    assert cite(a, Citation(), ctx) == "(NPM\u20111; NPM\u20113)"
    parts = quote_parts(group, 0, len(group) - 1, a, nested=False)
    assert quote_text(parts) == "NPM\u20111: I agree.\nNPM\u20113: So do I."  # who says what stays


def test_quote_text_labels_ellipses_and_curly_marks():
    text = 'NPM-4: Permission, honestly. My mentor said "you belong" and it\'s stayed with me\nInterviewer: Why?\n'
    d = DocumentSpeakers("Interview 4", "interview", "NPM-4", _turns(text))
    whole = text.index("\nInterviewer")
    a = d.attribute(0, whole)
    assert quote_text(quote_parts(text, 0, whole, a, nested=True)) == \
        "Permission, honestly. My mentor said \u2018you belong\u2019 and it\u2019s stayed with me"
    i = text.index("honestly")
    j = text.index(" and it")
    frag = quote_text(quote_parts(text, i, j, d.attribute(i, j), nested=False))
    assert frag == "\u2026honestly. My mentor said \u201cyou belong\u201d\u2026"
    start = text.index("Permission")
    assert quote_text(quote_parts(text, start, start + 11, d.attribute(start, start + 11), nested=False)) \
        == "Permission,\u2026"  # starts after the label: no leading ellipsis
    k = text.index("Permission, honestly") + len("Permission, honestly")  # up to the full stop, not over it
    assert quote_text(quote_parts(text, start, k, d.attribute(start, k), nested=False)) == "Permission, honestly"
    m = text.index("My mentor said")
    n = text.index('you belong"') + len("you belong")  # inside the closing mark: mid-sentence still
    assert quote_text(quote_parts(text, m, n, d.attribute(m, n), nested=False)).endswith("belong\u2026")
    assert curly("'90s \"quoted\" isn't", nested=False) == "\u201990s \u201cquoted\u201d isn\u2019t"


def test_citation_styles():
    text = "NPM-4: It helped.\n"
    a = DocumentSpeakers("FG 2", "focus-group", None,
                         (SpeakerTurn(0, len(text) - 1, "NPM-4", "NPM-4"),)).attribute(7, 17)
    ctx = QuoteContext({"NPM-4": {"year": 3, "rural": True, "background": "transfer"}}, {"year": "year"},
                       ("year", "rural"), "focus group 2", (12, 12))
    assert cite(a, Citation("id"), ctx) == "(NPM\u20114)"
    assert cite(a, Citation("spaced"), ctx) == "(NPM\u00a04)"
    assert cite(a, Citation("tagged"), ctx) == "(NPM\u20114, year\u00a03, rural)"
    assert cite(a, Citation("located", "P"), ctx) == "(P4, focus group 2, \u00b6\u00a012)"
    assert cite(a, Citation("id", tags=("rural",)), ctx) == "(NPM\u20114, rural)"
    assert participant_id("NPM 12", "spaced") == "NPM\u00a012"
    with pytest.raises(ValueError):
        Citation("apa")


# Through the reports ------------------------------------------------------------------------------

def test_interviewer_words_are_credited_to_the_interviewer(study, tmp_path, interviewer_exemplar):
    p = study.project
    out = tmp_path / "e.docx"
    export_excerpts_docx(p, out)
    pairs = dict(quotes_and_sources(out))
    assert pairs["What did mentoring mean to you?"].startswith("(Interviewer, Interview\u00a01) · ¶ 1")
    assert all("(NPM-1" not in source for q, source in pairs.items() if q.startswith("What did"))
    # The competency table leaves it out, says so, and keeps the participant's chosen quote.
    export_alignment_docx(p, tmp_path / "a.docx")
    d = docx.Document(str(tmp_path / "a.docx"))
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in d.tables[0].rows}
    ics = rows[study.ids["communication"]]
    assert "What did mentoring" not in ics[3] and "Feedback from a near-peer" in ics[3]
    note = [q.text for q in d.paragraphs if q.style.name == "TableNote"][0]
    assert "2 exemplar quotes spoken by an interviewer or facilitator" in note  # one per competency
    # CSV: not credited to a participant; the row says who spoke.
    export_excerpts_csv(p, tmp_path / "e.csv")
    with open(tmp_path / "e.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    row = next(r for r in rows if r["text"] == "What did mentoring mean to you?")
    assert (row["participant"], row["credited_to"], row["participant_quote"]) == ("", "Interviewer", "no")
    assert row["citation"] == "(Interviewer, Interview 1)"
    export_alignment_csv(p, tmp_path / "a.csv")
    assert "What did mentoring" not in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")


def test_exemplar_warns_for_an_interviewer_passage(study, capsys, interviewer_exemplar):
    p = study.project
    assert "Interviewer (not a participant)" in exemplar_warning(p, interviewer_exemplar)
    assert exemplar_warning(p, study.ids["k_belong1"]) is None
    path = p.path
    p.close()
    assert main(["exemplar", str(path), "--coding", str(interviewer_exemplar)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"coding {interviewer_exemplar}: exemplar") and "warning:" in err
    assert main(["exemplar", str(path), "--coding", str(interviewer_exemplar), "--off"]) == 0
    assert "warning" not in capsys.readouterr().err
    study.project = type(p).open(path, "Ana")


def test_whole_turn_coding_drops_the_label(study, tmp_path):
    p, ids = study.project, study.ids
    turn = "NPM-1: It felt like I belonged here 🏥. My mentor gave honest feedback."
    p.apply_coding(ids["d1"], ids["system"], *span(INTERVIEW_1, turn))
    out = tmp_path / "e.docx"
    export_excerpts_docx(p, out, style=ReportStyle(citation="tagged", tags=("year",)))
    pairs = quotes_and_sources(out)
    assert ("It felt like I belonged here 🏥. My mentor gave honest feedback.",
            "(NPM-1, year\u00a02) · Interview 1, ¶ 2") in pairs
    assert not any(q.startswith("NPM-1:") for q, _ in pairs)


def test_citation_styles_in_the_word_report(study, tmp_path):
    p = study.project
    seen = {}
    for style in ("id", "spaced", "tagged", "located"):
        out = tmp_path / f"{style}.docx"
        export_excerpts_docx(p, out, style=ReportStyle(citation=style, prefix="P" if style == "located" else ""))
        seen[style] = dict(quotes_and_sources(out))["Agreed 👍🏽 — it felt safe."]
        with zipfile.ZipFile(out) as z:
            body = z.read("word/document.xml").decode()
        if style != "spaced" and style != "located":
            assert "NPM<w:noBreakHyphen/>" in body or "NPM</w:t><w:noBreakHyphen/>" in body  # never breaks
    assert seen["id"] == "(NPM-3) · Focus group, ¶ 3"
    assert seen["spaced"] == "(NPM\u00a03) · Focus group, ¶ 3"
    assert seen["tagged"] == "(NPM-3, year\u00a02, first-generation, not rural) · Focus group, ¶ 3"
    assert seen["located"] == "(P3, focus group 1, ¶\u00a03)"  # the citation places it: no repeat
