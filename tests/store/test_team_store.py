"""Team coding in the store: copies, exact merge and its undo, memos, coder filters on matrices,
agreement for more coders, reconciliation choices."""

from __future__ import annotations

import pytest

from npmdesk.core.errors import BadInputError, InvalidValueError
from npmdesk.store import ExcerptFilter, Project
from npmdesk.store.agreement import compute_agreement
from npmdesk.store.reconcile import disagreements, reconcile
from npmdesk.store.team import make_team_copy, merge_copies, plan_merge

TEXT = "Interviewer: How was it?\nNPM-1: " + "I belonged and the feedback was honest. " * 20 + "\n"


@pytest.fixture
def lead(tmp_path):
    p = Project.create(tmp_path / "lead.npmdesk", "Lead")
    case = p.ensure_case("NPM-1")
    p.add_document("Interview 1", TEXT, case_id=case)
    p.add_document("Interview 2", TEXT.replace("honest", "useful"), case_id=case)
    p.ensure_code_path("Belonging")
    p.ensure_code_path("Feedback/Honest")
    yield p
    p.close()


def _copy(lead, tmp_path, coder, blind=True):
    out = tmp_path / f"{coder}.npmdesk"
    make_team_copy(lead, out, blind=blind)
    return Project.open(out, coder)


def test_blind_copy_drops_codings_and_their_history(lead, tmp_path):
    doc = lead.documents()[0].id
    lead.apply_coding(doc, lead.code_by_path("Belonging").id, 0, 10)
    copy = _copy(lead, tmp_path, "Ana")
    assert copy.counts()["codings"] == 0
    assert [a["action"] for a in copy.audit_log()] == ["team copy"]
    copy.close()
    full = _copy(lead, tmp_path, "Ben", blind=False)
    assert full.counts()["codings"] == 1
    full.close()


def test_merge_is_one_step_that_undo_takes_back_exactly(lead, tmp_path):
    ana = _copy(lead, tmp_path, "Ana")
    d1 = ana.documents()[0].id
    ana.apply_coding(d1, ana.code_by_path("Belonging").id, 40, 80)
    new = ana.ensure_code_path("In vivo/honest")
    ana.apply_coding(d1, new, 60, 90)
    coding = ana.codings_in_document(d1)[0].id
    ana.set_memo("coding", coding, "Ana: belonging, said twice")
    ana.set_memo("code", ana.code_by_path("Belonging").id, "Definition from Ana")
    ana.close()
    lead.set_memo("code", lead.code_by_path("Belonging").id, "Definition from Lead")
    before = lead.counts()
    report, step = lead.perform(lambda: merge_copies(lead, [tmp_path / "Ana.npmdesk"], backup=False))
    assert report.copies[0].codes_added == ["In vivo", "In vivo/honest"]
    assert report.copies[0].coders == {"Ana": {"added": 2, "already_present": 0}}
    assert lead.memo("code", lead.code_by_path("Belonging").id) == "Definition from Lead\n\nDefinition from Ana"
    merged = [c for c in lead.codings_in_document(1) if c.coder == "Ana"]
    assert {(c.start, c.end) for c in merged} == {(40, 80), (60, 90)}
    assert any(m["text"] == "Ana: belonging, said twice" and m["coder"] == "Ana" for m in lead.memos())
    # Who a merged coding speaks for is derived as for any coding.
    assert lead.excerpts(ExcerptFilter(coder_ids=(lead.coder_by_name("Ana"),)))[0].participant == "NPM-1"
    lead.revert(step)
    after = lead.counts()
    assert {k: v for k, v in after.items() if k != "coders"} == {k: v for k, v in before.items() if k != "coders"}
    assert lead.memo("code", lead.code_by_path("Belonging").id) == "Definition from Lead"


def test_merge_refuses_unknown_document_by_name(lead, tmp_path):
    other = Project.create(tmp_path / "other.npmdesk", "Ben")
    other.add_document("Field notes", "Nothing like the interviews.")
    other.close()
    with pytest.raises(BadInputError, match="Field notes.*not in the project"):
        plan_merge(lead, [tmp_path / "other.npmdesk"])
    with pytest.raises(InvalidValueError):
        plan_merge(lead, [lead.path])


def test_matrices_and_excerpts_by_coder(lead):
    ben = lead.ensure_coder("Ben")
    belonging = lead.code_by_path("Belonging").id
    honest = lead.code_by_path("Feedback/Honest").id
    lead.apply_coding(1, belonging, 0, 50)
    lead.apply_coding(1, honest, 10, 60)
    lead.apply_coding(1, belonging, 0, 50, coder_id=ben)
    everyone = lead.matrix("codes", "participants")
    only_ben = lead.matrix("codes", "participants", coder_ids=(ben,))
    row = everyone.row_ids.index(belonging)
    assert everyone.cells[row][0] == 2 and only_ben.cells[row][0] == 1
    assert sum(map(sum, only_ben.cells)) == 1
    co = lead.matrix("codes", "codes")
    co_ben = lead.matrix("codes", "codes", coder_ids=(ben,))
    assert sum(map(sum, co.cells)) > 0 and sum(map(sum, co_ben.cells)) == 0
    cov = lead.matrix("codes", "documents", "coverage", coder_ids=(ben,))
    assert cov.cells[cov.row_ids.index(honest)][0] == 0
    flt = lead.matrix_cell_filter(only_ben, row, 0, coder_ids=(ben,))
    assert [e.coder for e in lead.excerpts(flt)] == ["Ben"]


def test_three_coders_and_segment_unit(lead):
    ben, cleo = lead.ensure_coder("Ben"), lead.ensure_coder("Cleo")
    code = lead.code_by_path("Belonging").id
    for coder, (s, e) in ((None, (0, 100)), (ben, (5, 100)), (cleo, (0, 40))):
        lead.apply_coding(1, code, s, e, coder_id=coder)
    r = compute_agreement(lead, ["Lead", "Ben", "Cleo"])
    assert r.pooled.table.coders == 3 and r.pooled.values["alpha"] is not None
    with pytest.raises(InvalidValueError, match="two coders"):
        compute_agreement(lead, ["Lead", "Ben", "Cleo"], unit="segment")
    seg = compute_agreement(lead, ["Lead", "Ben"], unit="segment", overlap=0.9)
    assert (seg.pooled.table.both, seg.pooled.table.neither) == (1, 0)  # 95/100 shared
    seg = compute_agreement(lead, ["Lead", "Cleo"], unit="segment", overlap=0.9)
    assert (seg.pooled.table.only_a, seg.pooled.table.only_b) == (1, 1)
    doc = compute_agreement(lead, ["Lead", "Ben"], unit="document")
    assert doc.pooled.table.n == 1  # one document both coded, one code


def test_reconcile_choices_keep_the_originals(lead):
    ben = lead.ensure_coder("Ben")
    code = lead.code_by_path("Belonging").id
    lead.apply_coding(1, code, 0, 100)
    lead.apply_coding(1, code, 10, 100, coder_id=ben)
    lead.apply_coding(1, code, 200, 240, coder_id=ben)
    lead.apply_coding(1, code, 300, 320)
    lead.apply_coding(1, code, 400, 420)
    lead.apply_coding(1, code, 400, 420, coder_id=ben)
    items = disagreements(lead, "Lead", "Ben")
    assert [d.kind for d in items] == ["boundaries", "only_b", "only_a"]
    originals = len(lead.codings_in_document(1))
    reconcile(lead, "Lead", "Ben", [1], "edit", span=(5, 100))
    report = reconcile(lead, "Lead", "Ben", [2], "neither")
    assert report.agreed_copied == 0  # the agreed passage was copied by the first reconciliation
    reconcile(lead, "Lead", "Ben", [3], "a")
    consensus = lead.coder_by_name("Consensus")
    mine = sorted((c.start, c.end) for c in lead.codings_in_document(1) if c.coder_id == consensus)
    assert mine == [(5, 100), (300, 320), (400, 420)]
    assert all(d.resolved for d in disagreements(lead, "Lead", "Ben"))
    assert len([c for c in lead.codings_in_document(1) if c.coder_id != consensus]) == originals
    reconcile(lead, "Lead", "Ben", [1], "b")  # decided again: replaces the earlier decision
    mine = sorted((c.start, c.end) for c in lead.codings_in_document(1) if c.coder_id == consensus)
    assert mine == [(10, 100), (300, 320), (400, 420)]
    with pytest.raises(InvalidValueError):
        reconcile(lead, "Lead", "Ben", [1], "a", consensus="Ben")


def test_character_tables_in_sql_match_the_python_sweep(lead):
    import random

    from npmdesk.core.agreement_units import character_table
    from npmdesk.store.agreement import character_cells, read_spans

    rng = random.Random(7)
    ben = lead.ensure_coder("Ben")
    codes = [lead.code_by_path("Belonging").id, lead.code_by_path("Feedback/Honest").id]
    length = lead.document(1).length
    seen = set()
    for _ in range(120):  # overlapping, nested and touching spans, per coder
        s = rng.randrange(0, length - 60)
        key = (rng.choice(codes), s, s + rng.randint(1, 60), rng.choice([None, ben]))
        if key not in seen:
            seen.add(key)
            lead.apply_coding(1, key[0], key[1], key[2], coder_id=key[3])
    ids = [lead.coder_by_name("Lead"), ben]
    doc_rows = {1: ("Interview 1", length)}
    fast = character_cells(lead, ids, [1], None, doc_rows)
    slow = {k: character_table(v, length) for k, v in read_spans(lead, ids, [1]).items()}
    assert fast == slow and len(fast) == 2


def test_merge_notes_a_code_tree_changed_since_the_copy(lead, tmp_path):
    copy = _copy(lead, tmp_path, "Ana")
    copy.apply_coding(1, copy.code_by_path("Belonging").id, 0, 20)
    copy.close()
    lead.ensure_code_path("Added later")
    report = merge_copies(lead, [tmp_path / "Ana.npmdesk"], backup=False)
    assert any("codebook version" in n for n in report.copies[0].notes)
    assert any("note: the copy was made with codebook version" in line for line in report.lines())
