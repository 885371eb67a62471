"""Matrices, co-occurrence, coverage, saturation, chart summaries and the alignment table, checked
against expected values computed by hand from the small project below.

int1 (interview of P1, 100 chars, no turns)       fg (focus group, 90 chars, no case)
  #1 A [0,40)    #2 B [10,20)  (nested in #1)       turns: Interviewer [0,30)  NPM-2=P2 [30,60)
  #3 C [40,50)   (touches #1: no co-occurrence)            NPM-3=P3 [60,90)
  #4 A [60,70)   #5 C [65,80)  (overlaps #4)         #6 A [25,45) -> P2 (the interviewer is no one)
                                                     #7 B [50,75) -> P2 and P3
A and B are sub-codes of theme T; C is top level.    #8 C [0,10)  -> nobody
P1 cohort 2021, P2 and P3 cohort 2022.               #9 C [70,90) -> P3 (overlaps #7)
"""

import pytest

from npmdesk.core.errors import InvalidValueError, NameClashError, NotFoundError
from npmdesk.store import TurnSpec


@pytest.fixture
def study(project):
    p = project
    ids = {name: p.add_case(name) for name in ("P1", "P2", "P3")}
    for name, cohort in (("P1", 2021), ("P2", 2022), ("P3", 2022)):
        p.set_case_attribute(ids[name], "cohort", cohort, "integer")
    int1 = p.add_document("int1", "a" * 100, case_id=ids["P1"])
    fg = p.add_document("fg", "b" * 90, kind="focus-group",
                        turns=[TurnSpec(0, 30, "Interviewer"), TurnSpec(30, 60, "NPM-2"), TurnSpec(60, 90, "NPM-3")])
    p.link_speaker(fg, "NPM-2", ids["P2"])
    p.link_speaker(fg, "NPM-3", ids["P3"])
    t = p.add_code("T")
    a, b = p.add_code("A", t), p.add_code("B", t)
    c = p.add_code("C")
    cg = {}
    for n, (doc, code, start, end) in enumerate(
        [(int1, a, 0, 40), (int1, b, 10, 20), (int1, c, 40, 50), (int1, a, 60, 70), (int1, c, 65, 80),
         (fg, a, 25, 45), (fg, b, 50, 75), (fg, c, 0, 10), (fg, c, 70, 90)], start=1):
        cg[n] = p.apply_coding(doc, code, start, end)
    return dict(p=p, cases=ids, docs={"int1": int1, "fg": fg}, codes={"T": t, "A": a, "B": b, "C": c}, cg=cg)


def cells(m):
    return [list(row) for row in m.cells]


def flat(rows):
    return [x for row in rows for x in row]


def test_axes_are_labelled_in_tree_and_name_order(study):
    m = study["p"].matrix("codes", "participants")
    assert m.row_labels == ("T", "T/A", "T/B", "C")
    assert m.col_labels == ("P1", "P2", "P3")
    assert m.row_ids == tuple(study["codes"][k] for k in "TABC")
    assert m.measure == "codings" and m.title == "Codes × Participants (codings)"


def test_codes_by_participant_counts_focus_group_turns_for_their_speakers(study):
    m = study["p"].matrix("codes", "participants")
    assert cells(m) == [[0, 0, 0],
                        [2, 1, 0],   # A: #1 #4 | #6 (interviewer part counts for no one)
                        [1, 1, 1],   # B: #2 | #7 spans P2 and P3: counts for both
                        [2, 0, 1]]   # C: #3 #5 | - | #9 (#8 is the interviewer's: nobody)


def test_aggregate_counts_sub_codes_under_their_theme(study):
    m = study["p"].matrix("codes", "participants", aggregate=True)
    assert cells(m)[0] == [3, 2, 1]  # T: #1 #2 #4 | #6 #7 | #7
    assert cells(m)[1:] == cells(study["p"].matrix("codes", "participants"))[1:]


def test_transposed_and_other_axes(study):
    p = study["p"]
    assert cells(p.matrix("participants", "codes")) == [[0, 2, 1, 2], [0, 1, 1, 0], [0, 0, 1, 1]]
    docs = p.matrix("codes", "documents")
    assert docs.col_labels == ("int1", "fg")
    assert cells(docs) == [[0, 0], [2, 1], [1, 1], [2, 2]]
    kinds = p.matrix("codes", "kinds")
    assert kinds.col_labels == ("interview", "focus-group")
    assert cells(kinds) == [[0, 0], [2, 1], [1, 1], [2, 2]]
    cohort = p.matrix("codes", "attribute:cohort")
    assert cohort.col_labels == ("2021", "2022")
    assert cells(cohort) == [[0, 0], [2, 1], [1, 1], [2, 1]]  # #7 counts once for 2022 though two speak
    people = p.matrix("codes", "attribute:cohort", "participants")
    assert cells(people) == [[0, 0], [1, 1], [1, 2], [1, 1]]
    assert cells(p.matrix("participants", "documents")) == [[5, 0], [0, 2], [0, 2]]


def test_cooccurrence_counts_overlaps_not_touching(study):
    m = study["p"].matrix("codes", "codes")
    assert m.measure == "co-occurrence"
    assert cells(m) == [[0, 0, 0, 0],
                        [0, 0, 1, 1],   # A-B: #1 contains #2; A-C: #4/#5 (not #1/#3, which only touch)
                        [0, 1, 0, 1],   # B-C: #7/#9
                        [0, 1, 1, 0]]
    agg = study["p"].matrix("codes", "codes", aggregate=True)
    assert cells(agg) == [[0, 1, 1, 2],
                          [1, 0, 1, 1],
                          [1, 1, 0, 1],
                          [2, 1, 1, 0]]


def test_touching_codings_never_cooccur(project):
    doc = project.add_document("d", "x" * 30)
    a, b = project.add_code("A"), project.add_code("B")
    project.apply_coding(doc, a, 0, 10)
    project.apply_coding(doc, b, 10, 20)
    assert cells(project.matrix("codes", "codes")) == [[0, 0], [0, 0]]
    project.apply_coding(doc, b, 9, 10)  # one shared character is enough
    assert cells(project.matrix("codes", "codes")) == [[0, 1], [1, 0]]


def test_coverage_per_participant_uses_their_own_characters(study):
    p = study["p"]
    m = p.matrix("codes", "participants", "coverage")
    expected = [[0, 0, 0],
                [50 / 100, 15 / 30, 0],       # A: [0,40)+[60,70) of P1's 100 | [30,45) of P2's [30,60)
                [10 / 100, 10 / 30, 15 / 30],  # B: [10,20) | [50,60) | [60,75)
                [25 / 100, 0, 20 / 30]]       # C: [40,50)+[65,80) | - | [70,90)
    assert flat(cells(m)) == pytest.approx(flat(expected))
    assert cells(p.matrix("codes", "participants", "coverage", aggregate=True))[0] == pytest.approx([0.5, 25 / 30, 0.5])
    assert cells(p.matrix("codes", "documents", "coverage"))[3] == pytest.approx([25 / 100, 30 / 90])
    assert cells(p.matrix("codes", "attribute:cohort", "coverage"))[2] == pytest.approx([10 / 100, 25 / 60])
    assert cells(p.matrix("participants", "codes", "coverage"))[1] == pytest.approx([0, 15 / 30, 10 / 30, 0])


def test_coverage_in_an_interview_with_linked_speakers(project):
    """The interviewer's turns in a participant's own interview are still that participant's
    (as in coding_cases); another participant's linked turn is not."""
    p1, p2 = project.add_case("P1"), project.add_case("P2")
    doc = project.add_document("int", "z" * 40, case_id=p1,
                               turns=[TurnSpec(0, 10, "I"), TurnSpec(10, 30, "NPM-1"), TurnSpec(30, 40, "NPM-2")])
    project.link_speaker(doc, "NPM-1", p1)
    project.link_speaker(doc, "NPM-2", p2)
    code = project.add_code("K")
    project.apply_coding(doc, code, 5, 35)
    assert cells(project.matrix("codes", "participants")) == [[1, 1]]
    assert flat(cells(project.matrix("codes", "participants", "coverage"))) == pytest.approx([25 / 30, 5 / 10])


def test_refusals(study):
    p = study["p"]
    with pytest.raises(InvalidValueError):
        p.matrix("codes", "codes", "coverage")
    with pytest.raises(InvalidValueError):
        p.matrix("participants", "documents", "coverage")
    with pytest.raises(InvalidValueError):
        p.matrix("codes", "people")
    with pytest.raises(InvalidValueError):
        p.matrix("codes", "participants", "sum")
    with pytest.raises(NotFoundError):
        p.matrix("codes", "attribute:nope")


def _cell_codings(p, m, row_label, col_label, **kw):
    flt = p.matrix_cell_filter(m, m.row_labels.index(row_label), m.col_labels.index(col_label), **kw)
    return sorted(e.coding_id for e in p.excerpts(flt))


def test_each_cell_opens_exactly_its_excerpts(study):
    p, cg = study["p"], study["cg"]
    m = p.matrix("codes", "participants")
    assert _cell_codings(p, m, "T/B", "P3") == [cg[7]]
    assert _cell_codings(p, m, "C", "P1") == [cg[3], cg[5]]
    agg = p.matrix("codes", "participants", aggregate=True)
    assert _cell_codings(p, agg, "T", "P2", aggregate=True) == [cg[6], cg[7]]
    cohort = p.matrix("codes", "attribute:cohort")
    assert _cell_codings(p, cohort, "T/B", "2022") == [cg[7]]
    kinds = p.matrix("kinds", "codes")
    assert _cell_codings(p, kinds, "focus-group", "C") == [cg[8], cg[9]]
    co = p.matrix("codes", "codes")
    assert _cell_codings(p, co, "T/A", "C") == [cg[4], cg[5]]
    assert _cell_codings(p, co, "C", "T/A") == [cg[4], cg[5]]
    assert _cell_codings(p, co, "T/A", "T/A") == []
    # Every count cell holds as many excerpts as it says.
    for i in range(len(m.row_ids)):
        for j in range(len(m.col_ids)):
            assert len(p.excerpts(p.matrix_cell_filter(m, i, j))) == m.cells[i][j]


def test_saturation_follows_interview_order(study):
    p = study["p"]
    assert [(s.document, s.new_codes, s.total_codes) for s in p.saturation()] == [("int1", 3, 3), ("fg", 0, 3)]
    p.move_document(study["docs"]["fg"], 0)
    d = p.add_code("D")
    p.apply_coding(study["docs"]["int1"], d, 90, 95)
    series = p.saturation()
    assert [(s.document, s.new_codes, s.total_codes) for s in series] == [("fg", 3, 3), ("int1", 1, 4)]
    assert series[1].new_code_paths == ("D",)
    assert series[0].new_code_paths == ("C", "T/A", "T/B")


def test_saturation_of_empty_documents(project):
    project.add_document("one", "text")
    assert [(s.new_codes, s.total_codes) for s in project.saturation()] == [(0, 0)]


def test_chart_summaries_are_saved_and_cleared(study):
    p, ids, codes = study["p"], study["cases"], study["codes"]
    p.set_chart_summary(ids["P2"], codes["T"], "Teaches peers; feels the gap in feedback.")
    assert p.chart_summary(ids["P2"], codes["T"]) == "Teaches peers; feels the gap in feedback."
    chart = p.chart_cells()
    assert set(chart) == {(c, k) for c in ids.values() for k in (codes["T"], codes["C"])}
    assert chart[(ids["P2"], codes["T"])].excerpts == 2 and chart[(ids["P2"], codes["T"])].summary.startswith("Teaches")
    assert chart[(ids["P3"], codes["C"])].excerpts == 1
    p.set_chart_summary(ids["P2"], codes["T"], "  ")
    assert p.chart_summary(ids["P2"], codes["T"]) == ""
    with pytest.raises(NotFoundError):
        p.set_chart_summary(999, codes["T"], "x")


def test_alignment_table_counts_excerpts_participants_and_exemplars(study):
    p, codes, cg = study["p"], study["codes"], study["cg"]
    fid = p.add_builtin_framework("acgme")
    prof = p.element_by_name("Professionalism").id
    ics = p.element_by_name("Interpersonal and Communication Skills").id
    p.align_code(codes["T"], prof, "mentors model conduct")
    p.align_code(codes["T"], ics, "talking with mentees")
    p.align_code(codes["C"], prof)
    p.add_element_exemplar(prof, cg[7])
    p.set_exemplar(cg[1], True)
    table = p.alignment_table(fid)
    assert [t.path for t in table.themes] == ["T", "C"]
    cell = table.cells[(prof, codes["T"])]
    assert (cell.excerpts, cell.participants, cell.rationale) == (5, 3, "mentors model conduct")
    assert [e.coding_id for e in cell.exemplars] == [cg[7]]
    assert table.cells[(prof, codes["C"])].excerpts == 4 and table.cells[(prof, codes["C"])].participants == 2
    assert table.cells[(prof, codes["C"])].exemplars == []  # the chosen quote is not under C
    assert [e.coding_id for e in table.cells[(ics, codes["T"])].exemplars] == [cg[1]]  # flagged stands in
    assert table.element_totals[prof] == (9, 3)
    assert table.element_totals[p.element_by_name("Patient Care").id] == (0, 0)
    assert (p.element_by_name("Patient Care").id, codes["T"]) not in table.cells


def test_framework_added_to_code_tree_for_deductive_coding(project):
    fid = project.add_builtin_framework("canmeds")
    root = project.add_framework_codes(fid)
    paths = [c.path for c in project.codes()]
    assert paths[0] == "CanMEDS 2015 Roles" and "CanMEDS 2015 Roles/Health Advocate" in paths
    assert len(project.code_children(root)) == 7
    assert {a.element for a in project.alignments(fid)} == {e.name for e in project.framework(fid).elements}
    assert project.code_by_path("CanMEDS 2015 Roles/Scholar").description.startswith("Learns continuously")
    with pytest.raises(NameClashError):
        project.add_framework_codes(fid)  # the top-level code exists already: refused whole
    assert len(project.codes()) == 8


def test_boolean_attribute_columns_read_yes_and_no(project):
    from npmdesk.store import TurnSpec

    doc = project.add_document("d", "NPM-1: hello there", turns=[TurnSpec(0, 18, "NPM-1")])
    case = project.add_case("NPM-1")
    project.set_case_attribute(case, "rural", "yes", "boolean")
    project.set_document_case(doc, case)
    code = project.add_code("C")
    project.apply_coding(doc, code, 7, 12)
    m = project.matrix("codes", "attribute:rural")
    assert m.col_labels == ("yes",) and m.col_ids == ("true",) and m.cells == ((1,),)
