"""The theme x competency alignment follows the one attribution rule (issue 16): an interviewer's
coded question in NPM-1's interview, chosen as a competency's exemplar, is never credited to
NPM-1 — not in the view's counts or quotes, not in the Word or CSV table — and a passage across
two participants is credited to each."""

from __future__ import annotations

import csv

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npmdesk.cli import main
from npmdesk.store import Project
from tests.formats.export_fixtures import labelled_turns, span

INTERVIEW = (
    "Interviewer: Did your mentor ever tell you how to ask for feedback?\n"
    "NPM-1: Not really, I learned that on my own.\n"
)
FOCUS = (
    "Moderator: Who wants to start?\n"
    "NPM-2: Feedback from a near-peer is easier to hear.\n"
    "NPM-3: Agreed, it felt safe.\n"
)
QUESTION = "Did your mentor ever tell you how to ask for feedback?"


@pytest.fixture
def aligned(tmp_path):
    """'Asking for feedback' is aligned with Interpersonal and Communication Skills; its only
    coding in NPM-1's interview is the interviewer's question, marked exemplar and chosen for the
    competency; in the focus group one coding spans NPM-2's and NPM-3's turns."""
    p = Project.create(tmp_path / "aligned.npmdesk", "Ana", name="Feedback study")
    with p.write("set up"):
        c1, c2, c3 = (p.add_case(n) for n in ("NPM-1", "NPM-2", "NPM-3"))
        d1 = p.add_document("Interview NPM-1", INTERVIEW, case_id=c1, turns=labelled_turns(INTERVIEW))
        d2 = p.add_document("Focus group 1", FOCUS, kind="focus-group", turns=labelled_turns(FOCUS))
        p.link_speaker(d2, "NPM-2", c2)
        p.link_speaker(d2, "NPM-3", c3)
        asking = p.add_code("Asking for feedback")
        safety = p.add_code("Safety with peers")
        question = p.apply_coding(d1, asking, *span(INTERVIEW, QUESTION), exemplar=True)
        both = p.apply_coding(d2, safety, FOCUS.index("Feedback from"), FOCUS.index(", it felt safe.") + 15,
                              exemplar=True)
        fid = p.add_builtin_framework("acgme")
        ics = p.element_by_name("Interpersonal and Communication Skills").id
        prof = p.element_by_name("Professionalism").id
        p.align_code(asking, ics, "Seeking feedback")
        p.align_code(safety, prof, "Psychological safety")
        p.add_element_exemplar(ics, question)
    ids = dict(fid=fid, ics=ics, prof=prof, asking=asking, safety=safety, question=question, both=both)
    yield p, ids
    p.close()


def test_the_alignment_table_credits_no_one_for_an_interviewer_exemplar(aligned):
    p, ids = aligned
    table = p.alignment_table(ids["fid"])
    cell = table.cells[(ids["ics"], ids["asking"])]
    assert cell.excerpts == 1 and cell.participants == 0  # coding_cases would say NPM-1
    [quote] = cell.exemplars
    a = cell.credited[quote.coding_id]
    assert a.participants == () and a.others == ("Interviewer",) and not a.is_participant_quote
    assert table.element_totals[ids["ics"]] == (1, 0)
    group = table.cells[(ids["prof"], ids["safety"])]
    assert group.participants == 2
    spans = group.credited[ids["both"]]
    assert spans.participants == ("NPM-2", "NPM-3") and spans.spans_speakers and spans.is_participant_quote


def test_word_and_csv_competency_tables_leave_the_interviewer_out(aligned, tmp_path):
    p, ids = aligned
    path = p.path
    p.close()
    out = tmp_path / "alignment.docx"
    assert main(["export", str(path), "--report", "alignment", "--out", str(out)]) == 0
    d = docx.Document(str(out))
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in d.tables[0].rows}
    ics = rows["Interpersonal and Communication Skills"]
    assert "Asking for feedback" in ics[2]
    assert QUESTION not in ics[3] and "NPM" not in ics[3] and ics[3] == "—"
    prof = rows["Professionalism"]
    assert prof[3].endswith("(NPM-2; NPM-3)")  # across two participants: credited to each, who says what kept
    assert "NPM-2: Feedback from a near-peer" in prof[3] and "NPM-3: Agreed" in prof[3]
    notes = " ".join(q.text for q in d.paragraphs if q.style.name == "TableNote")
    assert "1 exemplar quote spoken by an interviewer or facilitator" in notes
    csv_out = tmp_path / "alignment.csv"
    assert main(["export", str(path), "--report", "alignment", "--out", str(csv_out)]) == 0
    with open(csv_out, encoding="utf-8-sig", newline="") as f:
        by_element = {r["element"]: r for r in csv.DictReader(f)}
    assert by_element["Interpersonal and Communication Skills"]["illustrative_quotes"] == ""
    assert "(NPM-2; NPM-3)" in by_element["Professionalism"]["illustrative_quotes"]


def test_the_alignment_view_cites_the_interviewer(aligned, qtbot):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt

    from npmdesk.ui.analysis.alignment import AlignmentView

    p, ids = aligned
    view = AlignmentView(p)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    model = view.model
    row = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())].index(
        "Interpersonal and Communication Skills")
    col = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index(
        "Asking for feedback")
    index = model.index(row, col)
    shown = index.data()
    assert shown.startswith("1 excerpt · 0 participants")
    assert "\u26a0" in shown and "(Interviewer, Interview NPM-1)" in shown and "(NPM-1)" not in shown
    assert "not a participant" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "not a participant's own words" in view.status.text()
    total = model.index(row, model.columnCount() - 1)
    assert total.data() == "1 excerpt\n0 participants"
    group = model.index([model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())].index(
        "Professionalism"), [model.headerData(c, Qt.Orientation.Horizontal)
                             for c in range(model.columnCount())].index("Safety with peers"))
    assert "(NPM-2; NPM-3)" in group.data() and "\u26a0" not in group.data()
    # A double-click on the cell still opens all its excerpts, the interviewer's included.
    rect = view.table.visualRect(index)
    with qtbot.waitSignal(view.cell_excerpts_requested) as sig:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [e.coding_id for e in p.excerpts(sig.args[0])] == [ids["question"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12), st.sampled_from(
    ["Interviewer", "NPM-1", "NPM-2", "Respondent", "Student B", None]), st.booleans()), max_size=8),
       st.integers(0, 80), st.integers(0, 30), st.sampled_from(["interview", "focus-group"]),
       st.sampled_from(["NPM-1", None]))
def test_credited_is_what_the_rule_says(raw, start, length, kind, participant):
    """The fast path the counts use gives the participants `attribute` gives, for any turns
    (gaps, overlaps, empty turns, unlinked and role speakers) and any passage."""
    from npmdesk.core.attribution import DocumentSpeakers, SpeakerTurn

    turns = tuple(sorted((SpeakerTurn(s, s + n, who, who if linked and who and who.startswith("NPM") else None)
                         for s, n, who, linked in raw), key=lambda t: (t.start, t.end)))
    doc = DocumentSpeakers("Interview NPM-1", kind, participant, turns)
    end = start + length
    assert doc.credited(start, end) == doc.attribute(start, end).participants
    assert set(doc.credited(start, end)) <= doc.creditable
