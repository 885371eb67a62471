"""npmdesk describe-code: the definition, inclusion/exclusion criteria, example and category flag the
window's definition editor sets, from the command line (same store call); without them it prints."""

import hashlib
import json

from npmdesk.store import Project
from tests.cli.cli_helpers import run


def test_describe_code_sets_and_prints_criteria(tmp_path, capsys):
    path = tmp_path / "s.npmdesk"
    run(capsys, "new", path)
    src = tmp_path / "Interview NPM-3.txt"
    src.write_text("NPM-3: Honest feedback helped.\n", encoding="utf-8")
    run(capsys, "import", path, src)
    assert run(capsys, "code", path, "--doc", "Interview NPM-3", "--code", "Growth/Feedback",
               "--find", "Honest feedback")[0] == 0
    code, out, _ = run(capsys, "describe-code", path, "Growth/Feedback", "Frank comments",
                       "--inclusion", "Said plainly", "--exclusion", "Praise alone", "--example", "Honest feedback")
    assert code == 0 and out.strip() == "described Growth/Feedback"
    # Criteria alone leave the definition as it is.
    assert run(capsys, "describe-code", path, "Growth/Feedback", "--example", "She told me when I was vague.")[0] == 0
    with Project.open(path, "x", read_only=True) as p:
        d = p.code_definition(p.code_by_path("Growth/Feedback").id)
    assert (d.description, d.inclusion, d.exclusion, d.example) == (
        "Frank comments", "Said plainly", "Praise alone", "She told me when I was vague.")
    # Printing reads the project without writing to it.
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    code, out, _ = run(capsys, "describe-code", path, "Growth/Feedback")
    assert out.splitlines() == ["Growth/Feedback", "Definition: Frank comments", "Inclusion: Said plainly",
                                "Exclusion: Praise alone", "Example: She told me when I was vague."]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # A theme that only groups becomes a category; a code with codings is refused, saying why.
    assert run(capsys, "describe-code", path, "Growth", "--category")[0] == 0
    code, out, _ = run(capsys, "describe-code", path, "Growth", "--json")
    assert json.loads(out)["codable"] is False
    code, _, err = run(capsys, "describe-code", path, "Growth/Feedback", "--category")
    assert code == 1 and "1 coding" in err and "sub-code" in err
    assert run(capsys, "describe-code", path, "Growth", "--codable")[0] == 0
    code, out, _ = run(capsys, "describe-code", path, "Growth", "--json")
    assert json.loads(out)["codable"] is True
