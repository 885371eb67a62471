"""`npmdesk edit` and `npmdesk deidentify` on a real project file."""

import hashlib
import json

import pytest

from npmdesk.core.model import TurnSpec
from npmdesk.store import Project
from tests.cli.cli_helpers import run

TEXT = ("Interviewer: Where did you train? 😀\n"
        "NPM-1: At Mercy Hospital in Lakeside, with Dr Patel. It felt like home.")


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "study.npmdesk"
    project = Project.create(p, "Ana Ruiz")
    case = project.add_case("NPM-1")
    project.set_case_attribute(case, "home town", "Lakeside")
    project.set_attribute_identifying("home town", True)
    project.set_case_attribute(case, "cohort", "2024")
    doc = project.add_document("Interview Patel", TEXT, case_id=case,
                               turns=[TurnSpec(0, 35, "Interviewer"), TurnSpec(36, len(TEXT), "NPM-1")])
    code = project.add_code("Belonging")
    s = TEXT.index("Mercy Hospital in Lakeside")
    project.apply_coding(doc, code, s, s + len("Mercy Hospital in Lakeside"))
    s = TEXT.index("It felt like home")
    project.apply_coding(doc, code, s, s + len("It felt like home"))
    project.set_pseudonym("Mercy Hospital", "replace", "[hospital]")
    project.set_pseudonym("Patel", "replace", "Dr X")
    project.close()
    return p


def _read(path):
    with Project.open(path, "Ana Ruiz", read_only=True) as p:
        doc = p.documents()[0]
        text = p.document_text_for_edit(doc.id)
        coded = sorted(text[c.start:c.end] for c in p.codings_in_document(doc.id))
        return doc, text, coded, p.document_versions(doc.id)


def test_edit_replaces_text_and_codings_follow(path, capsys):
    s = TEXT.index("Where")
    code, out, err = run(capsys, "edit", path, "--doc", "Interview Patel", "--replace", f"{s}:{s + 5}", "Where exactly")
    assert code == 0 and err == "", err
    assert "1 coding moved" not in out and "codings moved" in out
    _doc, text, coded, versions = _read(path)
    assert text.startswith("Interviewer: Where exactly did you train?")
    assert coded == ["It felt like home", "Mercy Hospital in Lakeside"]
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].text_sha256 == hashlib.sha256(TEXT.encode()).hexdigest()


def test_edit_reports_removed_codings_as_json(path, capsys):
    s = TEXT.index(" It felt like home")
    code, out, _err = run(capsys, "edit", path, "--doc", "Interview Patel", "--replace", f"{s}:{len(TEXT)}", "",
                          "--json")
    assert code == 0
    data = json.loads(out)
    assert [r["text"] for r in data["removed"]] == ["It felt like home"] and data["version"] == 2


def test_relabel_speaker(path, capsys):
    code, out, err = run(capsys, "edit", path, "--doc", "Interview Patel", "--relabel", "NPM-1", "P1")
    assert code == 0, err
    _doc, text, coded, _v = _read(path)
    assert "\nP1: At Mercy" in text and coded == ["It felt like home", "Mercy Hospital in Lakeside"]


@pytest.mark.parametrize("argv, message", [
    (["--replace", "5:2", "x"], "outside"), (["--replace", "0:9999", "x"], "outside"),
    (["--replace", "a:b", "x"], "START:END"), ([], "say what to change"),
    (["--replace", "0:4", "x", "--replace", "2:6", "y"], "overlaps"),
])
def test_bad_edits_say_why_and_change_nothing(path, capsys, argv, message):
    before = path.read_bytes()
    code, out, err = run(capsys, "edit", path, "--doc", "Interview Patel", *argv)
    assert code != 0 and message in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_unknown_document(path, capsys):
    code, _out, err = run(capsys, "edit", path, "--doc", "Nope", "--replace", "0:1", "x")
    assert code != 0 and "Nope" in err


def test_deidentify_writes_a_new_file_and_leaves_the_original(path, tmp_path, capsys):
    before = path.read_bytes()
    out_path = tmp_path / "shared.npmdesk"
    code, out, err = run(capsys, "deidentify", path, "--out", out_path, "--json")
    assert code == 0, err
    assert path.read_bytes() == before
    report = json.loads(out)
    assert report["attributes_dropped"] == ["home town"] and report["codings_removed"] == 0
    doc, text, coded, versions = _read(out_path)
    assert "Mercy" not in text and "Patel" not in text and "Lakeside" not in text
    assert "[hospital] in [home town], with Dr Dr X" in text
    assert coded == ["It felt like home", "[hospital] in [home town]"]
    assert doc.name == "Interview Dr X"
    assert versions[-1].summary == "de-identified copy"
    with Project.open(out_path, "someone", read_only=True) as p:
        assert p.pseudonyms() == []
        assert [c.attributes for c in p.cases()] == [{"cohort": "2024"}]
        assert {r[0] for r in p.db.execute("SELECT name FROM coders")} == {"A.R."}
        assert p.db.execute("SELECT count(*) FROM document_texts_fts WHERE document_texts_fts MATCH 'Mercy'"
                            ).fetchone()[0] == 0
    raw = out_path.read_bytes()
    assert b"Mercy" not in raw and b"Lakeside" not in raw and b"Patel" not in raw


def test_deidentify_never_writes_over_the_project(path, capsys):
    before = path.read_bytes()
    code, _out, err = run(capsys, "deidentify", path, "--out", path)
    assert code != 0 and "refused" in err
    assert path.read_bytes() == before


def test_replacing_a_speaker_label_is_refused_with_the_way_to_relabel(tmp_path, capsys):
    from npmdesk.core.model import TurnSpec
    from npmdesk.store import Project
    from tests.cli.cli_helpers import run

    path = tmp_path / "label.npmdesk"
    text = "Interviewer: Why?\nNPM-1: Because."
    with Project.create(path, "Ana") as p:
        p.add_document("I1", text, turns=[TurnSpec(0, 17, "Interviewer"), TurnSpec(18, len(text), "NPM-1")])
    before = path.read_bytes()
    code, _, err = run(capsys, "edit", path, "--doc", "I1", "--replace", "0:11", "Researcher")
    assert code == 1 and "speaker label 'Interviewer:'" in err and "--relabel" in err
    assert path.read_bytes() == before
    code, out, _ = run(capsys, "edit", path, "--doc", "I1", "--replace", "13:17", "How?")
    assert code == 0
