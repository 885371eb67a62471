"""Command-line reading and editing: show, code --find, docs --set-*, tree edits, memos, exemplars,
and helpful refusals for misspelt commands and names."""

import json
import subprocess
import sys

import pytest

from npmdesk.store import Project
from tests.cli.cli_helpers import run

TEXT = ("Interviewer: What helped?\n"
        "NPM-3: Honest feedback helped. Honest feedback is rare.\n"
        "Interviewer: And the system?\n"
        "NPM-3: The hidden curriculum was everywhere.\n")


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "s.npmdesk"
    run(capsys, "new", path)
    src = tmp_path / "Interview NPM-3.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert run(capsys, "import", path, src)[0] == 0
    return path


def test_show_prints_paragraph_positions_and_finds_phrases(proj, capsys):
    code, out, _ = run(capsys, "show", proj, "--doc", "Interview NPM-3", "--json")
    paras = json.loads(out)
    assert [p["speaker"] for p in paras] == ["Interviewer", "NPM-3", "Interviewer", "NPM-3"]
    assert all(TEXT[p["start"]:p["end"]] == p["text"] for p in paras)
    code, out, _ = run(capsys, "show", proj, "--doc", "Interview NPM-3", "--find", "Honest feedback")
    assert out.count("Honest feedback") == 2


def test_code_by_phrase(proj, capsys):
    code, out, err = run(capsys, "code", proj, "--doc", "Interview NPM-3", "--code", "Feedback",
                         "--find", "Honest feedback")
    assert code == 1 and "occurs 2 times" in err
    code, out, err = run(capsys, "code", proj, "--doc", "Interview NPM-3", "--code", "Feedback",
                         "--find", "Honest feedback", "--occurrence", "2")
    assert code == 0, err
    with Project.open(proj, "x") as p:
        [c] = p.codings_in_document(p.document_by_name("Interview NPM-3").id)
        assert TEXT[c.start:c.end] == "Honest feedback" and c.start == TEXT.index("Honest feedback is")


def test_docs_set_participant_and_kind(proj, capsys):
    with Project.open(proj, "x") as p:
        p.add_case("NPM-3")
    code, out, err = run(capsys, "docs", proj, "--set-participant", "Interview NPM-3=NPM-3",
                         "--set-kind", "Interview NPM-3=field-notes", "--json")
    assert code == 0, err
    [doc] = json.loads(out)
    assert (doc["case"], doc["kind"]) == ("NPM-3", "field-notes")
    code, out, err = run(capsys, "docs", proj, "--set-participant", "Interview NPM-3=NPM-9")
    assert code == 1 and "no participant named 'NPM-9'" in err


def test_tree_edits_memo_and_exemplar(proj, capsys):
    for path, phrase in (("Growth/Feedback", "Honest feedback helped"), ("Growth/Candour", "is rare"),
                         ("System", "hidden curriculum")):
        assert run(capsys, "code", proj, "--doc", "Interview NPM-3", "--code", path, "--find", phrase)[0] == 0
    assert run(capsys, "rename-code", proj, "System", "Seeing the system")[0] == 0
    assert run(capsys, "move-code", proj, "Seeing the system", "--to", "Growth")[0] == 0
    code, out, _ = run(capsys, "merge-codes", proj, "Growth/Candour", "Growth/Feedback")
    assert code == 0 and "(2 codings)" in out
    code, _, err = run(capsys, "delete-code", proj, "Growth")
    assert code == 1 and "sub-code" in err
    assert run(capsys, "describe-code", proj, "Growth/Feedback", "Mentors' frank comments")[0] == 0
    assert run(capsys, "memo", proj, "--code", "Growth/Feedback", "--text", "emerged early")[0] == 0
    code, out, _ = run(capsys, "memo", proj, "--code", "Growth/Feedback")
    assert out.strip() == "emerged early"
    run(capsys, "framework", "add", proj, "acgme")
    with Project.open(proj, "x") as p:
        coding = p.excerpts()[0].coding_id
    code, out, err = run(capsys, "exemplar", proj, "--coding", coding, "--element", "Professionalism")
    assert code == 1 and "not aligned" in err  # a quote illustrates an element only through its theme
    assert run(capsys, "align", proj, "--code", "Growth", "--element", "Professionalism")[0] == 0
    code, out, err = run(capsys, "exemplar", proj, "--coding", coding, "--element", "Professionalism")
    assert code == 0, err
    with Project.open(proj, "x") as p:
        assert [c.path for c in p.codes()] == ["Growth", "Growth/Feedback", "Growth/Seeing the system"]
        assert p.code_by_path("Growth/Feedback").description == "Mentors' frank comments"
        element = p.element_by_name("Professionalism")
        assert p.element_exemplar_ids(element.id) == [coding] and p.coding(coding).exemplar


def test_misspellings_get_suggestions(proj, capsys):
    code, out, err = run(capsys, "matrx", proj)
    assert code == 2 and "unknown command 'matrx' (did you mean 'matrix'?)" in err
    run(capsys, "code", proj, "--doc", "Interview NPM-3", "--code", "Seeing the system", "--find", "hidden")
    code, _, err = run(capsys, "excerpts", proj, "--code", "Seeing the sytem")
    assert code == 1 and "did you mean 'Seeing the system'?" in err
    run(capsys, "framework", "add", proj, "acgme")
    code, _, err = run(capsys, "align", proj, "--code", "Seeing the system", "--element", "Systems Practice",
                       "--framework", "ACGME")
    assert code == 1 and "did you mean 'Systems-based Practice'?" in err


def test_a_misspelt_command_alone_does_not_open_the_window():
    r = subprocess.run([sys.executable, "-m", "npmdesk", "codse"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "unknown command 'codse' (did you mean 'code" in r.stderr
