"""Team coding through the command line: blind copies coded by two coders, an exact merge,
agreement checked against independent implementations, reconciliation, and the exports."""

from __future__ import annotations

import json
import random

import pytest

from npmdesk.cli import main
from npmdesk.store import ExcerptFilter, Project

TEXTS = {
    "int1": "Interviewer: What did mentoring mean?\nNPM-1: " + " ".join(
        f"I felt seen by my mentor in week {i} and asked for help." for i in range(12)) + "\n",
    "int2": "Interviewer: How was feedback?\nNPM-2: " + " ".join(
        f"Honest feedback in block {i} made the anatomy exam easier." for i in range(10)) + "\n",
}


def run(capsys, coder, *argv):
    code = main(["--coder", coder, *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def code_span(capsys, coder, path, doc, code, start, end):
    rc, out, err = run(capsys, coder, "code", path, "--doc", doc, "--code", code, "--span", f"{start}:{end}")
    assert rc == 0, err


@pytest.fixture
def team(tmp_path, capsys):
    """The lead's project (two transcripts, a code tree), and a blind copy for each coder."""
    lead = tmp_path / "study.npmdesk"
    assert run(capsys, "Lead", "new", lead)[0] == 0
    files = []
    for name, text in TEXTS.items():
        f = tmp_path / f"{name}.txt"
        f.write_text(text, encoding="utf-8")
        files.append(f)
    assert run(capsys, "Lead", "import", lead, *files)[0] == 0
    code_span(capsys, "Lead", lead, "int1", "Belonging/Being seen", 0, 11)  # the lead's own try
    with Project.open(lead, "Lead") as p:
        p.ensure_code_path("Feedback/Honest")
    copies = {}
    for coder in ("Ana", "Ben"):
        out = tmp_path / f"copy-{coder}.npmdesk"
        rc, text, err = run(capsys, "Lead", "team", "copy", lead, "--out", out, "--blind")
        assert rc == 0, err
        assert "blind copy (no codings)" in text and "2 document(s)" in text
        copies[coder] = out
    return lead, copies


def _code_randomly(capsys, copies, seed=3):
    """Each coder codes both transcripts; B agrees with A on part of it."""
    rng = random.Random(seed)
    spans = {"Ana": [], "Ben": []}
    for doc, text in TEXTS.items():
        n = len(text)
        for _ in range(4):
            s = rng.randrange(0, n - 40)
            e = s + rng.randint(5, 40)
            code = rng.choice(["Belonging/Being seen", "Feedback/Honest"])
            spans["Ana"].append((doc, code, s, e))
            if rng.random() < 0.6:  # Ben agrees, with slightly different boundaries half the time
                d = rng.choice([0, 0, 3])
                spans["Ben"].append((doc, code, s + d, e))
        s = rng.randrange(0, n - 30)
        spans["Ben"].append((doc, "Feedback/Honest", s, s + 25))
    for coder, items in spans.items():
        for doc, code, s, e in items:
            rc, _, err = run(capsys, coder, "code", copies[coder], "--doc", doc, "--code", code, "--span", f"{s}:{e}")
            assert rc == 0 or "already has" in err, err
    return spans


def test_blind_copy_has_documents_and_codes_but_no_codings(team):
    lead, copies = team
    with Project.open(lead, "x", read_only=True) as p, Project.open(copies["Ana"], "x", read_only=True) as c:
        assert [d.guid for d in p.documents()] == [d.guid for d in c.documents()]
        assert [x.guid for x in p.codes()] == [x.guid for x in c.codes()]
        assert c.counts()["codings"] == 0 and p.counts()["codings"] == 1
        made = json.loads(c.db.execute("SELECT value FROM meta WHERE key = 'team.made_from'").fetchone()[0])
        assert made["blind"] is True and made["path"] == str(lead) and made["codebook_version"]
        assert c.db.execute("SELECT value FROM meta WHERE key = 'guid'").fetchone() != \
            p.db.execute("SELECT value FROM meta WHERE key = 'guid'").fetchone()


def test_merge_agreement_reconcile_export(team, capsys, tmp_path):
    krippendorff = pytest.importorskip("krippendorff")
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    lead, copies = team
    _code_randomly(capsys, copies)
    # Ben creates a code of his own.
    code_span(capsys, "Ben", copies["Ben"], "int2", "In vivo/easier", 10, 20)
    rc, out, err = run(capsys, "Lead", "merge", lead, copies["Ana"], copies["Ben"], "--json")
    assert rc == 0, err
    [report] = json.loads(out)
    assert report["backup"] and "In vivo/easier" in report["copies"][1]["codes_added"]
    with Project.open(lead, "x", read_only=True) as p:
        for coder in ("Ana", "Ben"):
            with Project.open(copies[coder], "x", read_only=True) as c:
                mine = {(x.document_id, x.start, x.end) for x in c.codings_in_document(1) + c.codings_in_document(2)}
            cid = p.coder_by_name(coder)
            merged = {(x.document_id, x.start, x.end) for d in (1, 2) for x in p.codings_in_document(d)
                      if x.coder_id == cid}
            assert merged == mine  # nothing dropped, nothing invented
    # Merging again adds nothing: identical codings by the same coder collapse.
    rc, out, _ = run(capsys, "Lead", "merge", lead, copies["Ana"], copies["Ben"], "--json")
    assert json.loads(out)[0]["codings_added"] == 0

    rc, out, err = run(capsys, "Lead", "agreement", lead, "--coders", "Ana,Ben", "--json")
    assert rc == 0, err
    rows = json.loads(out)
    pooled = [r for r in rows if r["code"] is None]
    assert len(pooled) == 1
    for r in rows:
        assert {"code", "unit", "both", "only_a", "only_b", "neither", "percent", "kappa", "alpha", "ac1",
                "bp"} <= set(r)
    # The reference implementations on the same characters.
    with Project.open(lead, "x", read_only=True) as p:
        a_id, b_id = p.coder_by_name("Ana"), p.coder_by_name("Ben")
        for row in rows:
            if row["code"] is None:
                continue
            code = p.code_by_path(row["code"])
            a_vec, b_vec = [], []
            for d in p.documents():
                n = d.length
                va, vb = [0] * n, [0] * n
                for x in p.codings_in_document(d.id):
                    if x.code_id == code.id:
                        for i in range(x.start, x.end):
                            (va if x.coder_id == a_id else vb if x.coder_id == b_id else [0] * n)[i] = 1
                a_vec += va
                b_vec += vb
            assert row["both"] == sum(x and y for x, y in zip(a_vec, b_vec))
            if row["kappa"] is not None:
                assert row["kappa"] == pytest.approx(sklearn_metrics.cohen_kappa_score(a_vec, b_vec), abs=1e-5)
                assert row["alpha"] == pytest.approx(
                    krippendorff.alpha(reliability_data=[a_vec, b_vec], level_of_measurement="nominal"), abs=1e-5)

    rc, out, _ = run(capsys, "Lead", "agreement", lead, "--coders", "Ana,Ben")
    assert "(pooled)" in out and "independently coded 2 transcripts" in out and "'neither' counts" in out
    rc, out, err = run(capsys, "Lead", "agreement", lead, "--coders", "Ana,Ben", "--unit", "segment", "--json")
    assert rc == 0 and all(r["neither"] == 0 and r["overlap"] == 0.8 for r in json.loads(out))
    rc, out, _ = run(capsys, "Lead", "agreement", lead, "--coders", "Ana,Ben", "--unit", "document", "--json")
    assert rc == 0

    rc, out, _ = run(capsys, "Lead", "disagreements", lead, "--coders", "Ana,Ben", "--json")
    items = json.loads(out)
    assert items and {"only_b"} <= {d["kind"] for d in items}
    first, second = items[0]["number"], items[1]["number"]
    rc, out, err = run(capsys, "Lead", "reconcile", lead, "--coders", "Ana,Ben", "--item", first, "--accept", "b")
    assert rc == 0 and "as Consensus" in out, err
    rc, out, err = run(capsys, "Lead", "reconcile", lead, "--coders", "Ana,Ben", "--item", second,
                       "--accept", "neither")
    assert rc == 0, err
    rc, out, _ = run(capsys, "Lead", "disagreements", lead, "--coders", "Ana,Ben", "--pending", "--json")
    assert len(json.loads(out)) == len(items) - 2
    rc, out, err = run(capsys, "Lead", "reconcile", lead, "--coders", "Ana,Ben", "--all-pending", "--accept", "both")
    assert rc == 0, err
    rc, out, _ = run(capsys, "Lead", "disagreements", lead, "--coders", "Ana,Ben", "--pending", "--json")
    assert json.loads(out) == []
    with Project.open(lead, "x", read_only=True) as p:
        consensus = p.coder_by_name("Consensus")
        ana = p.coder_by_name("Ana")
        assert p.count_excerpts(ExcerptFilter(coder_ids=(consensus,))) > 0
        assert p.count_excerpts(ExcerptFilter(coder_ids=(ana,))) == \
            sum(1 for d in (1, 2) for x in p.codings_in_document(d) if x.coder_id == ana)

    csv_out, docx_out = tmp_path / "agreement.csv", tmp_path / "agreement.docx"
    assert run(capsys, "Lead", "agreement", lead, "--coders", "Ana,Ben", "--csv", csv_out, "--per-document")[0] == 0
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("scope,code,document,unit") and any(x.startswith("pooled,") for x in lines)
    assert run(capsys, "Lead", "agreement", lead, "--coders", "Ana,Ben", "--docx", docx_out)[0] == 0
    import docx

    text = "\n".join(p.text for p in docx.Document(str(docx_out)).paragraphs)
    assert "Two coders (Ana, Ben) independently coded 2 transcripts" in text and "κ" in text
    # Matrices and reports by the consensus coder only.
    rc, out, err = run(capsys, "Lead", "matrix", lead, "--rows", "codes", "--cols", "documents", "--coder",
                       "Consensus", "--json")
    assert rc == 0, err
    with Project.open(lead, "x", read_only=True) as p:
        total = sum(1 for d in (1, 2) for x in p.codings_in_document(d) if x.coder == "Consensus")
    assert sum(v for r in json.loads(out) for k, v in r.items() if k != "row") == total
    report = tmp_path / "consensus.csv"
    rc, _, err = run(capsys, "Lead", "export", lead, "--format", "csv", "--out", report, "--coder", "Consensus")
    assert rc == 0, err


def test_merge_refuses_a_changed_document_and_merges_nothing(team, capsys, tmp_path):
    lead, copies = team
    code_span(capsys, "Ana", copies["Ana"], "int1", "Belonging/Being seen", 5, 30)
    other = tmp_path / "other.npmdesk"
    assert run(capsys, "Ben", "new", other)[0] == 0
    f = tmp_path / "int1.txt"
    f.write_text(TEXTS["int1"].replace("mentor", "tutor"), encoding="utf-8")
    assert run(capsys, "Ben", "import", other, f)[0] == 0
    before = lead.read_bytes()
    rc, _, err = run(capsys, "Lead", "merge", lead, copies["Ana"], other)
    assert rc == 1 and "int1" in err and "Nothing was merged" in err
    assert lead.read_bytes() == before


def test_merge_matches_an_independent_project_by_text(team, capsys, tmp_path):
    lead, _copies = team
    other = tmp_path / "independent.npmdesk"
    assert run(capsys, "Cleo", "new", other)[0] == 0
    f = tmp_path / "int2.txt"
    f.write_text(TEXTS["int2"], encoding="utf-8")
    assert run(capsys, "Cleo", "import", other, f)[0] == 0
    code_span(capsys, "Cleo", other, "int2", "Feedback/Honest", 3, 40)
    rc, out, err = run(capsys, "Lead", "merge", lead, other)
    assert rc == 0, err
    assert "1 by their text" in out and "Cleo: 1 coding(s) added" in out


def test_hand_worked_agreement_through_the_store(tmp_path):
    from npmdesk.store.agreement import compute_agreement

    p = Project.create(tmp_path / "hand.npmdesk", "Ana")
    doc = p.add_document("d", "x" * 1000)
    code = p.ensure_code_path("C")
    ben = p.ensure_coder("Ben")
    p.apply_coding(doc, code, 0, 100)
    p.apply_coding(doc, code, 50, 150, coder_id=ben)
    r = compute_agreement(p, ["Ana", "Ben"])
    row = r.to_json()[0]
    assert (row["both"], row["only_a"], row["only_b"], row["neither"]) == (50, 50, 50, 850)
    assert row["percent"] == 90.0 and round(row["kappa"], 3) == 0.444
    p.close()
