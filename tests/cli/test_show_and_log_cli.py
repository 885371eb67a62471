"""`npmdesk show` numbers paragraphs as the window and the reports do; `npmdesk log` shows the history."""

import json

import pytest

from npmdesk.core.paragraphs import Paragraphs
from npmdesk.formats.speakers import label_starts
from tests.cli.cli_helpers import run

# Blank separator lines, as transcription services write them, and one U+2029 paragraph break.
TEXT = ("Interviewer: What helped?\n\n"
        "NPM-3: Honest feedback helped.\n\n\n"
        "Interviewer: And the system?\u2029NPM-3: The hidden curriculum.\n")


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "s.npmdesk"
    run(capsys, "new", path)
    src = tmp_path / "blank lines.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert run(capsys, "import", path, src)[0] == 0
    return path


def test_show_numbers_paragraphs_as_the_window_and_reports(proj, capsys):
    code, out, _ = run(capsys, "show", proj, "--doc", "blank lines", "--json")
    paras = json.loads(out)
    assert [p["paragraph"] for p in paras] == [1, 2, 3, 4]  # not 1, 3, 6 (blank lines are not paragraphs)
    assert [p["speaker"] for p in paras] == ["Interviewer", "NPM-3", "Interviewer", "NPM-3"]
    assert all(TEXT[p["start"]:p["end"]] == p["text"] for p in paras)
    numbers = Paragraphs(TEXT)  # the numbering the viewer's margin and the Word reports use
    assert [numbers.range(p["start"], p["end"]) for p in paras] == [(n, n) for n in (1, 2, 3, 4)]
    code, out, _ = run(capsys, "show", proj, "--doc", "blank lines")
    assert out.splitlines()[1] == f"¶2 [27:57] {TEXT[27:57]}"


def test_speaker_labels_after_a_paragraph_separator_are_found():
    assert [label for _, label in label_starts(TEXT)] == ["Interviewer", "NPM-3", "Interviewer", "NPM-3"]


def test_log_lists_changes_newest_first(proj, capsys):
    assert run(capsys, "code", proj, "--doc", "blank lines", "--code", "Growth/Feedback", "--find", "Honest")[0] == 0
    code, out, _ = run(capsys, "log", proj, "--json")
    entries = json.loads(out)
    assert code == 0 and {"at", "coder", "action", "detail"} <= set(entries[0])
    actions = [e["action"] for e in entries]
    assert actions[0] == "apply coding" and actions.index("apply coding") < actions.index("import")
    assert entries[0]["coder"] == "Ana" and entries[0]["detail"]["start"] == TEXT.index("Honest")
    assert all(e["at"] >= later["at"] for e, later in zip(entries, entries[1:]))
    code, out, _ = run(capsys, "log", proj, "--limit", "2", "--json")
    assert json.loads(out) == entries[:2]
    code, out, _ = run(capsys, "log", proj, "--limit", "1")
    [line] = out.splitlines()
    assert line.split("\t")[1:3] == ["Ana", "apply coding"] and "start=" in line


def test_log_of_a_new_project_and_bad_limits(tmp_path, capsys):
    path = tmp_path / "empty.npmdesk"
    run(capsys, "new", path)
    code, out, _ = run(capsys, "log", path)
    assert code == 0
    with pytest.raises(SystemExit) as e:
        run(capsys, "log", path, "--limit", "0")
    assert e.value.code == 2
    code, _, err = run(capsys, "log", tmp_path / "missing.npmdesk")
    assert code == 1 and "no such project" in err


def test_search_snippets_flatten_every_line_break(proj, capsys):
    code, out, _ = run(capsys, "search", proj, "curriculum", "--json")
    [hit] = json.loads(out)
    assert "system? NPM-3: The hidden curriculum" in hit["snippet"] and "\u2029" not in hit["snippet"]
