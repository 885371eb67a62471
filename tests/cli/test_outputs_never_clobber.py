"""Outputs never clobber inputs: no export, copy or restore writes over a project."""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3

import pytest

from npmdesk.core.errors import OutputClobbersProjectError
from npmdesk.store import Project
from tests.cli.cli_helpers import run


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.npmdesk"
    with Project.create(path, "Ana") as p:
        doc = p.add_document("int1", "Interviewer: Hello.\nNPM-1: It felt like I belonged.\n")
        p.apply_coding(doc, p.add_code("Belonging"), 20, 40)
    return path


@pytest.mark.parametrize("argv", [
    ("export-qdpx", "{p}", "--out", "{p}"),
    ("export-qdc", "{p}", "--out", "{p}"),
    ("export", "{p}", "--report", "codebook", "--out", "{p}"),
    ("export", "{p}", "--report", "codebook", "--format", "docx", "--out", "{p}"),
    ("export", "{p}", "--report", "matrix", "--format", "csv", "--out", "{p}"),
    ("export", "{p}", "--format", "docx", "--out", "{p}"),
    ("export", "{p}", "--format", "qdpx", "--out", "{p}"),
])
def test_an_export_onto_the_project_itself_is_refused(study, capsys, argv):
    before = digest(study)
    code, _, err = run(capsys, *(a.format(p=study) for a in argv))
    assert code == 1
    assert "refused" in err or "npmdesk project" in err or "format" in err
    assert digest(study) == before
    with Project.open(study, "Ana") as p:
        assert p.counts()["codings"] == 1


def test_other_spellings_links_and_other_projects_are_refused(study, tmp_path, capsys):
    before = digest(study)
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.qdpx"
    link.symlink_to(study)
    hard = tmp_path / "hard.qdpx"
    os.link(study, hard)
    renamed = tmp_path / "study-copy.bak"  # a project under another name: known by its application_id
    Project.open(study, "Ana").save_copy(renamed)
    other = tmp_path / "other.npmdesk"
    Project.create(other, "Ben").close()
    other_before = digest(other)
    for out in (tmp_path / "sub" / ".." / "study.npmdesk", link, hard, renamed, other,
                tmp_path / "study.npmdesk-journal", tmp_path / "study.npmdesk-wal"):
        code, _, err = run(capsys, "export-qdpx", study, "--out", out)
        assert code == 1, out
        assert "refused" in err
    assert digest(study) == before and digest(other) == other_before
    assert not (tmp_path / "study.npmdesk-journal").exists()


def test_an_ordinary_export_still_replaces_an_older_export(study, tmp_path, capsys):
    out = tmp_path / "study.qdpx"
    out.write_bytes(b"an old export")
    assert run(capsys, "export-qdpx", study, "--out", out)[0] == 0
    assert out.read_bytes()[:2] == b"PK"


def test_save_a_copy_never_writes_over_the_open_project(study, tmp_path):
    before = digest(study)
    with Project.open(study, "Ana") as p:
        with pytest.raises(OutputClobbersProjectError, match="open project itself"):
            p.save_copy(study)
        (tmp_path / "x").mkdir()
        with pytest.raises(OutputClobbersProjectError):
            p.save_copy(tmp_path / "x" / ".." / "study.npmdesk")
        other = tmp_path / "other.npmdesk"
        Project.create(other, "Ben").close()
        with pytest.raises(OutputClobbersProjectError, match="npmdesk project"):
            p.save_copy(other)
        from npmdesk.store import database

        database.save_copy(p.db.conn, other, replace_project=True)  # a deliberate copy
        conn = sqlite3.connect(other)
        assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == 1
        conn.close()
    assert digest(study) == before


def test_a_full_disk_during_an_export_says_so_and_writes_nothing(study, tmp_path, capsys, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    before = digest(study)
    out = tmp_path / "report.docx"
    code, _, err = run(capsys, "export", study, "--report", "codebook", "--out", out)
    assert code == 1
    assert "is full" in err and "nothing was written" in err and "try again" in err
    assert not out.exists() and not list(tmp_path.glob(".report.docx*"))
    assert digest(study) == before
