"""framework / align / matrix / saturation on the command line."""

import csv
import json

import pytest

from npmdesk.cli import main
from npmdesk.store import Project
from tests.cli.cli_helpers import run


@pytest.fixture
def proj(tmp_path):
    path = tmp_path / "study.npmdesk"
    with Project.create(path, "Ana") as p:
        p1, p2 = p.add_case("NPM-1"), p.add_case("NPM-2")
        p.set_case_attribute(p1, "cohort", "2021")
        p.set_case_attribute(p2, "cohort", "2022")
        d1 = p.add_document("int1", "I felt I belonged. Teaching made me know it.", case_id=p1)
        d2 = p.add_document("int2", "Feedback was honest. I belonged here too.", case_id=p2)
        belong = p.ensure_code_path("Socialisation/Belonging")
        teach = p.ensure_code_path("Teaching consolidates knowledge")
        p.apply_coding(d1, belong, 0, 18)
        p.apply_coding(d1, teach, 19, 44)
        p.apply_coding(d1, teach, 10, 25)
        p.apply_coding(d2, belong, 21, 41)
    return path


def test_framework_add_builtin_list_and_align(proj, capsys):
    code, out, _ = run(capsys, "framework", "add", proj, "acgme")
    assert code == 0 and "6 element(s)" in out
    code, out, _ = run(capsys, "align", proj, "--code", "Socialisation", "--element", "professionalism",
                       "--rationale", "mentors model conduct")
    assert code == 0 and "aligned" in out
    code, out, _ = run(capsys, "framework", "list", proj, "--json")
    [fw] = json.loads(out)
    assert fw["name"] == "ACGME Core Competencies"
    prof = next(e for e in fw["elements"] if e["name"] == "Professionalism")
    assert prof["themes"] == ["Socialisation"]
    code, _, err = run(capsys, "align", proj, "--code", "Nope", "--element", "Professionalism")
    assert code == 1 and "Nope" in err and err.count("\n") == 1


def test_framework_add_to_codes_and_from_files(proj, tmp_path, capsys):
    code, out, _ = run(capsys, "framework", "add", proj, "canmeds", "--to-codes")
    assert code == 0 and "CanMEDS 2015 Roles" in out
    src = tmp_path / "EPAs.csv"
    src.write_text("Name,Definition\nGather a history,Take a history and examine\n"
                   "Handover,Give or receive a handover\n",
                   encoding="utf-8")
    code, out, _ = run(capsys, "framework", "add", proj, src)
    assert code == 0 and "'EPAs' with 2 element(s)" in out
    qdc = tmp_path / "roles.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="11111111-1111-1111-1111-111111111111" name="Mentor roles" isCodable="true">'
        '<Description>How near-peer mentors act</Description>'
        '<Code guid="22222222-2222-2222-2222-222222222222" name="Guide" isCodable="true"/>'
        '<Code guid="33333333-3333-3333-3333-333333333333" name="Advocate" isCodable="true">'
        '<Code guid="44444444-4444-4444-4444-444444444444" name="For mentees" isCodable="true"/></Code>'
        '</Code></Codes></CodeBook>', encoding="utf-8")
    code, out, _ = run(capsys, "framework", "add", proj, qdc)
    assert code == 0 and "'Mentor roles' with 3 element(s)" in out
    with Project.open(proj, "Ana") as p:
        fw = p.framework_by_name("Mentor roles")
        assert [e.name for e in fw.elements] == ["Guide", "Advocate", "Advocate / For mentees"]
        assert fw.description == "How near-peer mentors act"
        assert len(p.frameworks()) == 3


def test_framework_add_refuses_bad_files_without_change(proj, tmp_path, capsys):
    bad = tmp_path / "evil.qdc"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><CodeBook><Codes>'
                   '<Code name="&e;"/></Codes></CodeBook>', encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("name,description\n", encoding="utf-8")
    dup = tmp_path / "dup.csv"
    dup.write_text("A\nB\na\n", encoding="utf-8")
    for f in (bad, empty, dup, tmp_path / "missing.csv", tmp_path / "x.txt"):
        if f.suffix == ".txt":
            f.write_text("A\n")
        code, _, err = run(capsys, "framework", "add", proj, f)
        assert code == 1 and f.name in err, err
    with Project.open(proj, "Ana") as p:
        assert p.frameworks() == []
    code, _, err = run(capsys, "framework", "add", proj, "acgme")
    code, _, err = run(capsys, "framework", "add", proj, "acgme")
    assert code == 1 and "already exists" in err


def test_matrix_text_json_and_csv(proj, tmp_path, capsys):
    code, out, _ = run(capsys, "matrix", proj, "--rows", "codes", "--cols", "participants", "--json")
    assert code == 0
    rows = {r["row"]: r for r in json.loads(out)}
    assert rows["Socialisation/Belonging"] == {"row": "Socialisation/Belonging", "NPM-1": 1, "NPM-2": 1}
    assert rows["Teaching consolidates knowledge"]["NPM-1"] == 2
    assert rows["Socialisation"]["NPM-2"] == 0
    code, out, _ = run(capsys, "matrix", proj, "--rows", "codes", "--cols", "participants", "--themes", "--json")
    assert {r["row"]: r for r in json.loads(out)}["Socialisation"]["NPM-2"] == 1
    out_csv = tmp_path / "m.csv"
    code, out, _ = run(capsys, "matrix", proj, "--rows", "codes", "--cols", "codes", "--csv", out_csv)
    assert code == 0 and "co-occurrence" in out
    with open(out_csv, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][1:] == ["Socialisation", "Socialisation/Belonging", "Teaching consolidates knowledge"]
    assert table[2] == ["Socialisation/Belonging", "0", "0", "1"]  # [0,18) overlaps [10,25)
    code, out, _ = run(capsys, "matrix", proj, "--rows", "attribute:cohort", "--cols", "codes",
                       "--measure", "coverage", "--json")
    assert code == 0 and json.loads(out)[0]["Socialisation/Belonging"] == pytest.approx(18 / 44)
    code, _, err = run(capsys, "matrix", proj, "--rows", "codes", "--cols", "attribute:nope")
    assert code == 1 and "nope" in err
    with pytest.raises(SystemExit) as e:
        main(["matrix", str(proj), "--rows", "codes"])
    assert e.value.code == 2


def test_saturation(proj, capsys):
    code, out, _ = run(capsys, "saturation", proj, "--json")
    assert code == 0
    series = [(s["document"], s["new_codes"], s["total_codes"]) for s in json.loads(out)]
    assert series == [("int1", 2, 2), ("int2", 0, 2)]
    code, out, _ = run(capsys, "saturation", proj)
    assert "int1  +2  = 2" in out
