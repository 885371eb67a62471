"""Command-line papercuts (issue 18 points 10 and 11): a focus group imported as an interview is
pointed out, a code that moved under a theme is suggested by its full path, phrases are quoted as
typed, yes/no attributes read yes/no, and header lines are reported as such."""

from __future__ import annotations

import json
from pathlib import Path

from npmdesk.store import Project
from tests.cli.cli_helpers import run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
FOCUS_GROUP = "Interviewer: Hi, all.\nNPM-1: Hi.\nNPM-2: Hello, we're glad to be here.\nNPM-3: Hey.\n"


def _project(tmp_path, capsys) -> Path:
    proj = tmp_path / "study.npmdesk"
    assert run(capsys, "new", proj)[0] == 0
    return proj


def test_three_participants_in_an_interview_suggest_focus_group(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    fg = tmp_path / "Session 2.txt"
    fg.write_text(FOCUS_GROUP, encoding="utf-8")
    code, out, err = run(capsys, "import", proj, fg, "--kind", "interview")
    assert code == 0 and err == ""  # a note, not an error
    assert "imported Session 2: interview" in out
    assert ("note: 3 participants speak (NPM-1, NPM-2, NPM-3): if this is a focus group, import it with "
            "--kind focus-group") in out
    assert "--set-kind 'Session 2=focus-group'" in out
    with Project.open(proj, "Ana", read_only=True) as p:
        assert p.document_by_name("Session 2").kind == "interview"  # as asked: only a suggestion


def test_an_interview_with_one_participant_gets_no_suggestion(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    one = tmp_path / "one.txt"
    one.write_text("Interviewer: Hi.\nNote taker: Recording.\nNPM-1: Hello.\nInterviewer: Ok.\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", proj, one, "--kind", "interview")
    assert code == 0 and "focus-group" not in out
    two = tmp_path / "auto.txt"
    two.write_text(FOCUS_GROUP, encoding="utf-8")
    code, out, _ = run(capsys, "import", proj, two)  # no --kind: suggested focus-group already
    assert code == 0 and "auto: focus-group" in out and "--kind focus-group" not in out


def test_import_reports_header_lines_as_text_not_speakers(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    code, out, _ = run(capsys, "import", proj, FIXTURES / "header_interview.txt")
    assert code == 0
    assert "speakers: Interviewer, NPM-3\n" in out
    assert ("note: header lines kept as text, not speakers: Date: 12 March 2026, Location: Zoom, Duration: 45 min"
            in out)


def _coded_project(tmp_path, capsys) -> Path:
    proj = _project(tmp_path, capsys)
    doc = tmp_path / "fg.txt"
    doc.write_text(FOCUS_GROUP, encoding="utf-8")
    run(capsys, "import", proj, doc)
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "Identity/Belonging", "--find", "glad")
    assert code == 0, err
    return proj


def test_a_short_name_after_a_move_suggests_the_full_path(tmp_path, capsys):
    proj = _coded_project(tmp_path, capsys)
    code, out, err = run(capsys, "excerpts", proj, "--code", "Belonging")
    assert code == 1 and out == ""
    assert err.strip() == "npmdesk: no code 'Belonging' (did you mean 'Identity/Belonging'?)"
    code, _, err = run(capsys, "excerpts", proj, "--code", "Identity/Belongng")  # a typo
    assert code == 1 and "(did you mean 'Identity/Belonging'?)" in err
    assert run(capsys, "framework", "add", proj, "acgme")[0] == 0
    code, _, err = run(capsys, "align", proj, "--code", "belonging", "--element", "Professionalism")
    assert code == 1 and "no code 'belonging' (did you mean 'Identity/Belonging'?)" in err


def test_coding_with_a_short_name_refuses_a_duplicate_code(tmp_path, capsys):
    proj = _coded_project(tmp_path, capsys)
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "Belonging", "--find", "Hey")
    assert code == 1
    assert "no code 'Belonging' (did you mean 'Identity/Belonging'?)" in err and "--new-code" in err
    with Project.open(proj, "Ana", read_only=True) as p:
        assert [c.path for c in p.codes()] == ["Identity", "Identity/Belonging"]  # nothing created
        assert len(p.excerpts()) == 1
    code, out, err = run(capsys, "code", proj, "--doc", "fg", "--code", "Belonging", "--find", "Hey", "--new-code")
    assert code == 0 and out.strip().isdigit()
    with Project.open(proj, "Ana", read_only=True) as p:
        assert sorted(c.path for c in p.codes()) == ["Belonging", "Identity", "Identity/Belonging"]


def test_a_new_sub_code_is_not_told_it_meant_its_own_theme(tmp_path, capsys):
    proj = _coded_project(tmp_path, capsys)
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "Identity/Othering", "--find", "Hey")
    assert code == 0 and "did you mean 'Identity'" not in err
    with Project.open(proj, "Ana", read_only=True) as p:
        assert "Identity/Othering" in [c.path for c in p.codes()]


def test_phrases_are_quoted_as_typed(tmp_path, capsys):
    proj = _coded_project(tmp_path, capsys)
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "X", "--find", "we are")
    assert code == 1 and err.strip() == "npmdesk: the phrase 'we are' does not occur in 'fg'"
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "X", "--find", "we're not")
    assert code == 1 and err.strip() == "npmdesk: the phrase \"we're not\" does not occur in 'fg'"
    assert "\\'" not in err
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "X", "--find", "Hi")
    assert code == 1 and "the phrase 'Hi' occurs 2 times in 'fg': add --occurrence N" in err
    code, _, err = run(capsys, "code", proj, "--doc", "fg", "--code", "X", "--find", "Hi", "--occurrence", "3")
    assert code == 1 and "occurs 2 times in 'fg', not 3" in err


def test_cases_print_yes_and_no(tmp_path, capsys):
    proj = _project(tmp_path, capsys)
    csv_path = tmp_path / "participants.csv"
    csv_path.write_text("id,first_generation,year,cohort\nNPM-1,yes,2,evening\nNPM-2,no,3,day\n", encoding="utf-8")
    code, _, err = run(capsys, "cases", proj, "--import", csv_path)
    assert code == 0, err
    code, out, _ = run(capsys, "cases", proj)
    assert code == 0
    assert out.splitlines() == ["NPM-1\tfirst_generation=yes, year=2, cohort=evening",
                                "NPM-2\tfirst_generation=no, year=3, cohort=day"]
    assert "True" not in out and "False" not in out
    code, out, _ = run(capsys, "cases", proj, "--json")  # JSON keeps its own true/false
    assert [c["attributes"]["first_generation"] for c in json.loads(out)] == [True, False]
