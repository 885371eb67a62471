"""`npmdesk import` also takes REFI-QDA files: .qdpx makes a new project, .qdc merges a codebook."""


from tests.formats.refi_helpers import QC_DEMO
from tests.cli.cli_helpers import run


def test_qdpx_creates_a_new_project(tmp_path, capsys):
    import pytest

    if QC_DEMO is None:
        pytest.skip("shared REFI-QDA fixture not present")
    target = tmp_path / "qc.npmdesk"
    code, out, err = run(capsys, "import", target, QC_DEMO)
    assert code == 0 and "imported 2 source(s), 262 code(s)" in out
    code, out, err = run(capsys, "import", target, QC_DEMO)
    assert code == 1 and "NEW project" in err


def test_qdc_merges_into_an_existing_project(tmp_path, capsys):
    src = tmp_path / "a.npmdesk"
    run(capsys, "new", src)
    run(capsys, "new", tmp_path / "b.npmdesk")
    from npmdesk.store import Project

    with Project.open(src, "Ana") as p:
        p.ensure_code_path("Belonging/Being seen")
    assert run(capsys, "export-qdc", src, "--out", tmp_path / "book.qdc")[0] == 0
    code, out, err = run(capsys, "import", tmp_path / "b.npmdesk", tmp_path / "book.qdc")
    assert code == 0 and "2 code(s) added" in out
    code, out, err = run(capsys, "import", tmp_path / "b.npmdesk", tmp_path / "book.qdc")
    assert code == 0 and "0 code(s) added, 2 already present" in out


def test_kind_is_suggested_from_speakers(tmp_path, capsys):
    project = tmp_path / "k.npmdesk"
    run(capsys, "new", project)
    fg = tmp_path / "fg.txt"
    fg.write_text("Facilitator: Hello all.\nNPM-2: Hi.\nNPM-5: Hello.\nNPM-6: Hey.\n", encoding="utf-8")
    one = tmp_path / "one.txt"
    one.write_text("Interviewer: Hello.\nNPM-1: Hi.\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", project, fg, one)
    assert "fg: focus-group" in out and "one: interview" in out
