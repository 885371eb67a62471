"""Code-tree edits on the command line name a code the way every other command does: a short name
after the code moved under a theme, another case or a typo is answered with the full path it
probably meant, and phrases are quoted as typed (issue 18 point 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from npmdesk.core.errors import NotFoundError
from npmdesk.store import Project
from tests.cli.cli_helpers import run

TRANSCRIPT = "Interviewer: How did it feel?\nNPM-1: We're glad to belong here.\nNPM-2: Mostly tired.\n"
HINT = "(did you mean 'Identity/Belonging'?)"


@pytest.fixture
def proj(tmp_path, capsys) -> Path:
    path = tmp_path / "study.npmdesk"
    assert run(capsys, "new", path)[0] == 0
    doc = tmp_path / "fg.txt"
    doc.write_text(TRANSCRIPT, encoding="utf-8")
    assert run(capsys, "import", path, doc)[0] == 0
    for code_path, phrase in (("Identity/Belonging", "glad"), ("Fatigue", "tired")):
        code, _, err = run(capsys, "code", path, "--doc", "fg", "--code", code_path, "--find", phrase)
        assert code == 0, err
    return path


@pytest.mark.parametrize("argv", [
    ("rename-code", "Belonging", "Fitting in"),
    ("move-code", "Belonging", "--to", "/"),
    ("move-code", "Fatigue", "--to", "Belonging"),
    ("merge-codes", "Belonging", "Fatigue"),
    ("merge-codes", "Fatigue", "belonging"),
    ("delete-code", "Belonging", "--codings", "delete"),
    ("describe-code", "Belonging", "Feeling part of the group"),
    ("describe-code", "Identity/Belongng"),
    ("memo", "--code", "Belonging", "--text", "A note"),
])
def test_a_short_or_misspelt_name_suggests_the_full_path(proj, capsys, argv):
    command, *rest = argv
    code, out, err = run(capsys, command, proj, *rest)
    assert code == 1 and out == ""
    wanted = next(a for a in rest if a.casefold().startswith(("belong", "identity")))
    assert err.strip() == f"npmdesk: no code '{wanted}' {HINT}"
    with Project.open(proj, "Ana", read_only=True) as p:  # nothing changed
        assert [c.path for c in p.codes()] == ["Identity", "Identity/Belonging", "Fatigue"]
        assert p.code_definition(p.code_by_path("Identity/Belonging").id).description == ""


def test_the_full_path_still_edits(proj, capsys):
    code, out, err = run(capsys, "rename-code", proj, "Identity/Belonging", "Fitting in")
    assert code == 0, err
    assert run(capsys, "merge-codes", proj, "Fatigue", "Identity/Fitting in")[0] == 0
    with Project.open(proj, "Ana", read_only=True) as p:
        assert [c.path for c in p.codes()] == ["Identity", "Identity/Fitting in"]


def test_show_quotes_a_phrase_that_does_not_occur_as_typed(proj, capsys):
    code, out, err = run(capsys, "show", proj, "--doc", "fg", "--find", "we're lost")
    assert code == 1 and out == ""
    assert err.strip() == "npmdesk: \"we're lost\" does not occur in 'fg'"


def test_the_store_suggests_by_the_last_name_too(proj):
    """The window and every other caller of code_by_path get the same hint as the CLI."""
    with Project.open(proj, "Ana", read_only=True) as p:
        for wanted in ("Belonging", "belonging", "Belongng", "Identity/Belongng"):
            with pytest.raises(NotFoundError) as e:
                p.code_by_path(wanted)
            assert str(e.value) == f"no code '{wanted}' {HINT}"
        with pytest.raises(NotFoundError) as e:
            p.code_by_path("Zebra crossing")
        assert str(e.value) == "no code 'Zebra crossing'"
