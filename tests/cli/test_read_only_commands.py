"""Every command that only reads leaves the project file byte-identical, for any coder, and works on
a project that cannot be written; a refused import writes nothing either."""

from __future__ import annotations

import hashlib

import pytest

from npmdesk.cli import main
from npmdesk.store import Project, TurnSpec

TEXT = "Interviewer: What helped?\nNPM-1: Feedback from my mentor helped.\nNPM-2: Budget cuts did not.\n"


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.npmdesk"
    with Project.create(path, "Ana") as p:
        doc = p.add_document("Focus group", TEXT, kind="focus-group",
                             turns=[TurnSpec(0, 26, "Interviewer"), TurnSpec(26, 65, "NPM-1"),
                                    TurnSpec(65, len(TEXT), "NPM-2")])
        for name in ("NPM-1", "NPM-2"):
            p.link_speaker(doc, name, p.add_case(name))
        code = p.ensure_code_path("Support/Mentor feedback")
        p.apply_coding(doc, code, 33, 54)
        p.set_memo("project", None, "a memo")
        p.add_builtin_framework("acgme")
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


READING = [
    ["docs", "{p}"], ["docs", "{p}", "--json"], ["codes", "{p}"], ["codes", "{p}", "--json"],
    ["excerpts", "{p}", "--code", "Support", "--with-children"], ["search", "{p}", "feedback"],
    ["search", "{p}", '"budget cuts"'], ["show", "{p}", "--doc", "Focus group"], ["check", "{p}"],
    ["matrix", "{p}", "--rows", "codes", "--cols", "participants"], ["saturation", "{p}"],
    ["speakers", "{p}"], ["cases", "{p}"], ["framework", "list", "{p}"], ["log", "{p}"],
    ["memo", "{p}", "--project-memo"],
    ["export", "{p}", "--report", "codebook", "--out", "{d}/codebook.docx"],
    ["export", "{p}", "--report", "excerpts", "--out", "{d}/excerpts.csv"],
    ["export-qdpx", "{p}", "--out", "{d}/study.qdpx"], ["export-qdc", "{p}", "--out", "{d}/codebook.qdc"],
]


@pytest.mark.parametrize("argv", READING, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize("coder", ["Ana", "Zed"])  # Zed has never written to this project
def test_a_reading_command_leaves_the_file_byte_identical(study, tmp_path, capsys, argv, coder):
    before = _sha(study)
    code = main(["--coder", coder, *[a.format(p=study, d=tmp_path) for a in argv]])
    assert code == 0, capsys.readouterr().err
    assert _sha(study) == before
    with Project.open(study, "Checker", read_only=True) as p:
        assert "Zed" not in [c["name"] for c in p.coders()]


def test_reading_commands_work_on_a_project_that_cannot_be_written(study, tmp_path, capsys, monkeypatch):
    from npmdesk.store import database

    monkeypatch.setattr(database, "is_writable", lambda path: False)
    assert main(["--coder", "Zed", "codes", str(study)]) == 0
    assert main(["--coder", "Zed", "check", str(study)]) == 0
    assert "Mentor feedback" in capsys.readouterr().out
    assert main(["--coder", "Zed", "code", str(study), "--doc", "Focus group", "--code", "X", "--span", "0:5"]) == 1
    assert "read-only" in capsys.readouterr().err


def test_a_refused_import_writes_nothing(study, tmp_path, capsys):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 this is not a real docx")
    before = _sha(study)
    assert main(["--coder", "Zed", "import", str(study), str(bad)]) == 1
    assert "broken.docx" in capsys.readouterr().err
    assert _sha(study) == before
