"""A file imported twice: the CLI names its own option, `--force`, to keep a second copy."""

from tests.cli.cli_helpers import run


def test_duplicate_names_the_force_option(tmp_path, capsys):
    project = tmp_path / "d.npmdesk"
    run(capsys, "new", project)
    one = tmp_path / "one.txt"
    one.write_text("Interviewer: Hello.\nNPM-1: Hi.\n", encoding="utf-8")
    run(capsys, "import", project, one)
    code, out, err = run(capsys, "import", project, one)
    assert code != 0
    assert "--force" in err and "with force" not in err
    assert "Traceback" not in err
