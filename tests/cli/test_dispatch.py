"""Window or command: argparse decides (global options first, then a command or a project)."""

import pytest

import npmdesk.cli as cli
from npmdesk.cli import main


@pytest.fixture
def windows(monkeypatch):
    """Record what would open the window instead of opening it."""
    opened = []
    monkeypatch.setattr(cli, "start_gui", lambda args: opened.append(args) or 0)
    return opened


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "s.npmdesk"
    assert main(["--coder", "Ana", "new", str(path)]) == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize("head", [["--coder=Ana"], ["--coder", "Ana"]])
def test_global_coder_before_the_command(head, proj, capsys, windows):
    assert main([*head, "docs", str(proj)]) == 0
    assert "no documents yet" in capsys.readouterr().out and windows == []
    assert main([*head, "code", str(proj), "--doc", "x", "--code", "A", "--span", "0:1"]) == 1
    assert "no document named 'x'" in capsys.readouterr().err  # --code was not read as --coder


def test_the_coder_is_the_one_given(proj, capsys, tmp_path):
    src = tmp_path / "i.txt"
    src.write_text("Interviewer: Hello there.\n", encoding="utf-8")
    assert main(["--coder=Bea", "import", str(proj), str(src)]) == 0
    assert main(["--coder=Bea", "code", str(proj), "--doc", "i", "--code", "A", "--find", "Hello"]) == 0
    capsys.readouterr()
    assert main(["excerpts", str(proj), "--code", "A", "--json"]) == 0
    assert '"coder": "Bea"' in capsys.readouterr().out


def test_coder_after_the_command_says_where_it_goes(proj, capsys, windows):
    with pytest.raises(SystemExit) as e:
        main(["docs", str(proj), "--coder", "Ana"])
    assert e.value.code == 2
    assert "put it before the command (npmdesk --coder Ana docs" in capsys.readouterr().err


def test_export_keeps_its_own_coder_filter(proj, capsys, tmp_path):
    out = tmp_path / "e.csv"
    assert main(["export", str(proj), "--out", str(out), "--coder", "Nobody"]) == 1
    assert "no coder named 'Nobody'" in capsys.readouterr().err  # a filter, not the coder's name


@pytest.mark.parametrize("argv, project, demo, self_test", [
    ([], None, False, False),
    (["study.npmdesk"], "study.npmdesk", False, False),
    (["--demo"], None, True, False),
    (["--self-test"], None, False, True),
    (["--coder", "Ana", "study.npmdesk"], "study.npmdesk", False, False),
])
def test_without_a_command_the_window_opens(argv, project, demo, self_test, windows):
    assert main(argv) == 0
    [args] = windows
    assert (args.project, args.demo, args.self_test) == (project, demo, self_test)
    assert args.coder == ("Ana" if "--coder" in argv else None)


def test_a_project_named_like_a_command_opens_when_it_exists(tmp_path, monkeypatch, windows):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study").write_bytes(b"")
    assert main(["study"]) == 0 and windows[0].project == "study"


def test_misspelt_command_is_not_a_project(capsys, windows):
    assert main(["matrx", "s.npmdesk"]) == 2
    assert "unknown command 'matrx' (did you mean 'matrix'?)" in capsys.readouterr().err
    assert main(["--coder", "Ana", "lgo"]) == 2
    assert "did you mean 'log'?" in capsys.readouterr().err
    assert windows == []


def test_window_flags_take_no_command(proj, capsys, windows):
    with pytest.raises(SystemExit) as e:
        main(["--demo", "docs", str(proj)])
    assert e.value.code == 2 and "take no COMMAND" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["study.npmdesk", "other.npmdesk"])
    assert e.value.code == 2 and "unrecognized arguments: other.npmdesk" in capsys.readouterr().err
    assert windows == []


def test_help_and_version(capsys, windows):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith("npmdesk ")
    with pytest.raises(SystemExit) as e:
        main(["--coder", "Ana", "-h"])
    out = capsys.readouterr().out
    assert e.value.code == 0 and "--coder" in out and "log" in out and "excerpts" in out
    with pytest.raises(SystemExit) as e:
        main(["--no-such-flag"])
    assert e.value.code == 2 and windows == []


def test_nested_commands_take_the_global_coder(proj, capsys):
    assert main(["--coder", "Ana", "framework", "list", str(proj), "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
