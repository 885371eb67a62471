"""The command line: commands, JSON fields, exit codes, exact offsets."""

import json
import subprocess
import sys

import pytest

from npmdesk.store.database import SCHEMA_VERSION

from tests.cli.cli_helpers import run

CRLF_EMOJI = ("Interviewer: Welcome 😀 to the study.\r\n"
              "NPM-3: Mentoring 👩🏽‍⚕️ made me feel seen.\r\n"
              "Interviewer: Thanks.\r\n")


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "study.npmdesk"
    assert run(capsys, "new", path)[0] == 0
    src = tmp_path / "int3.txt"
    src.write_bytes(CRLF_EMOJI.encode("utf-8"))
    code, out, _ = run(capsys, "import", path, src, "--case", "NPM-3")
    assert code == 0
    assert "int3: interview, text, UTF-8" in out and "speakers: Interviewer, NPM-3" in out
    return path


def test_docs_json_fields(proj, capsys):
    code, out, _ = run(capsys, "docs", proj, "--json")
    assert code == 0
    [doc] = json.loads(out)
    assert {"name", "kind", "words", "encoding", "turns", "speakers"} <= set(doc)
    assert (doc["name"], doc["kind"], doc["encoding"], doc["turns"]) == ("int3", "interview", "UTF-8", 3)
    assert doc["speakers"] == ["Interviewer", "NPM-3"]


def test_code_and_excerpts_are_exact_for_emoji_and_crlf(proj, capsys):
    text = CRLF_EMOJI.replace("\r\n", "\n")
    start = text.index("Mentoring")
    end = text.index("seen.") + len("seen.")
    code, out, _ = run(capsys, "code", proj, "--doc", "int3", "--code", "Belonging/Being seen",
                       "--span", f"{start}:{end}")
    assert code == 0 and out.strip().isdigit()
    code, out, _ = run(capsys, "excerpts", proj, "--code", "Belonging", "--with-children", "--json")
    [ex] = json.loads(out)
    assert ex["text"] == text[start:end] == "Mentoring 👩🏽‍⚕️ made me feel seen."
    assert {"document", "code", "start", "end", "text", "speaker", "participant", "coder"} <= set(ex)
    assert (ex["code"], ex["speaker"], ex["participant"], ex["coder"]) == ("Belonging/Being seen", "NPM-3", "NPM-3",
                                                                           "Ana")
    code, out, _ = run(capsys, "excerpts", proj, "--code", "Belonging", "--json")
    assert json.loads(out) == []


def test_codes_json_counts(proj, capsys):
    run(capsys, "code", proj, "--doc", "int3", "--code", "A/B", "--span", "0:5")
    code, out, _ = run(capsys, "codes", proj, "--json")
    items = {c["path"]: c for c in json.loads(out)}
    assert items["A/B"]["codings"] == 1 and items["A/B"]["documents"] == 1 and items["A/B"]["participants"] == 1
    assert items["A"]["codings"] == 0 and items["A"]["codings_with_children"] == 1


def test_search_finds_words_and_phrases(proj, capsys):
    code, out, _ = run(capsys, "search", proj, '"feel seen"', "--json")
    [hit] = json.loads(out)
    text = CRLF_EMOJI.replace("\r\n", "\n")
    assert text[hit["start"]:hit["end"]] == "feel seen" and hit["speaker"] == "NPM-3"
    code, out, _ = run(capsys, "search", proj, "nothinglikethis", "--json")
    assert json.loads(out) == []


def test_check(proj, capsys):
    code, out, _ = run(capsys, "check", proj)
    assert code == 0 and "integrity: ok" in out and f"schema version: {SCHEMA_VERSION}" in out


def test_errors_exit_1_with_one_line(proj, capsys, tmp_path):
    code, out, err = run(capsys, "code", proj, "--doc", "int3", "--code", "X", "--span", "5:5")
    assert code == 1 and err.strip().count("\n") == 0 and "empty" in err
    code, out, err = run(capsys, "docs", tmp_path / "missing.npmdesk")
    assert code == 1 and "no such project" in err
    code, out, err = run(capsys, "code", proj, "--doc", "nope", "--code", "X", "--span", "1:2")
    assert code == 1 and "no document named 'nope'" in err


def test_real_process_exit_codes(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "npmdesk", "codes"], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr
    err = subprocess.run([sys.executable, "-m", "npmdesk", "check", str(tmp_path / "x.npmdesk")],
                         capture_output=True, text=True)
    assert err.returncode == 1 and err.stderr.startswith("npmdesk: ") and "Traceback" not in err.stderr
    ok = subprocess.run([sys.executable, "-m", "npmdesk", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "import" in ok.stdout and "excerpts" in ok.stdout
