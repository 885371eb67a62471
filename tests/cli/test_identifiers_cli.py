"""`npmdesk identifiers` and `npmdesk pseudonym` on a real project file."""

import json

import pytest

from npmdesk.core.model import TurnSpec
from npmdesk.store import Project
from tests.cli.cli_helpers import run

TEXT = ("Interviewer: Where did you train?\n"
        "NPM-1: At Mercy Hospital in Lakeside, with Dr Patel. Mail me at p1@example.org.")


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "study.npmdesk"
    project = Project.create(p, "Ana")
    case = project.add_case("NPM-1")
    project.set_case_attribute(case, "home town", "Lakeside")
    project.add_document("Interview 1", TEXT, case_id=case,
                         turns=[TurnSpec(0, 33, "Interviewer"), TurnSpec(34, len(TEXT), "NPM-1")])
    project.close()
    return p


def test_identifiers_lists_kinds_counts_and_context(path, capsys):
    code, out, err = run(capsys, "identifiers", path, "--json")
    assert code == 0 and err == ""
    rows = {r["term"]: r for r in json.loads(out)}
    assert rows["NPM-1"]["kind"] == "participant" and rows["Interviewer"]["kind"] == "speaker"
    assert rows["Mercy Hospital"]["kind"] == "name" and rows["p1@example.org"]["kind"] == "email"
    assert rows["Dr Patel"]["contexts"][0]["document"] == "Interview 1"
    code, out, _ = run(capsys, "identifiers", path, "--kind", "email")
    assert code == 0 and "p1@example.org" in out and "Mercy" not in out and "1 documents" in out
    code, _, err = run(capsys, "identifiers", path, "--kind", "people")
    assert code == 1 and "--kind is one of" in err


def test_pseudonym_set_keep_ignore_remove_list(path, capsys):
    code, out, err = run(capsys, "pseudonym", path, "--set", "Mercy Hospital=[hospital]", "--set", "Lakeside=[town]",
                         "--keep", "Interviewer", "--ignore", "Dr", "--identifying", "home town")
    assert code == 0 and "3 term(s)" not in err and "attribute home town: identifying" in out
    code, out, _ = run(capsys, "pseudonym", path, "--remove", "dr", "--json")
    assert json.loads(out) == [
        {"term": "Interviewer", "action": "keep", "replacement": "", "source": "user"},
        {"term": "Lakeside", "action": "replace", "replacement": "[town]", "source": "user"},
        {"term": "Mercy Hospital", "action": "replace", "replacement": "[hospital]", "source": "user"}]
    code, out, _ = run(capsys, "pseudonym", path)
    assert "Mercy Hospital  → [hospital]" in out and "identifying attributes" in out and "home town" in out
    code, out, _ = run(capsys, "identifiers", path, "--json")
    rows = {r["term"]: r for r in json.loads(out)}
    assert rows["Mercy Hospital"]["action"] == "replace" and rows["Lakeside"]["replacement"] == "[town]"


def test_bad_input_is_one_clear_line_and_changes_nothing(path, capsys):
    before = path.read_bytes()
    code, _, err = run(capsys, "pseudonym", path, "--set", "Mercy")
    assert code == 1 and "takes TERM=REPLACEMENT" in err and "Traceback" not in err
    code, _, err = run(capsys, "pseudonym", path, "--set", "A=x", "--remove", "nothing here")
    assert code == 1 and "no pseudonym for 'nothing here'" in err
    code, _, err = run(capsys, "pseudonym", path, "--identifying", "age")
    assert code == 1 and "no attribute named 'age'" in err
    code, out, _ = run(capsys, "pseudonym", path, "--json")
    assert json.loads(out) == []  # the failed command's --set A=x was rolled back with it
    assert path.read_bytes() == before
