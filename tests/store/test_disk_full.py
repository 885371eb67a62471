"""A full disk says what happened and what to do, and leaves the project consistent.

The disk is made 'full' with SQLite's own limit: `PRAGMA max_page_count` set to the pages the
project already has, so the next page a change needs cannot be had (SQLITE_FULL), exactly as on a
disk with no space left."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from npmdesk.cli import main
from npmdesk.core.errors import DiskFullError, NpmdeskError
from npmdesk.store import Project, database
from npmdesk.store.storage_errors import translate


def fill_up(conn: sqlite3.Connection) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_change_on_a_full_disk_is_undone_whole_and_said_plainly(tmp_path, sample_text):
    path = tmp_path / "study.npmdesk"
    with Project.create(path, "Ana") as p:
        doc = p.add_document("int1", sample_text)
        p.apply_coding(doc, p.add_code("Belonging"), 0, 10)
        before = p.counts()
        fill_up(p.db.conn)
        with pytest.raises((sqlite3.OperationalError, NpmdeskError)) as caught:
            p.add_document("big", sample_text * 2000)
        message = str(translate(caught.value, path))
        assert "is full" in message and "nothing was lost" in message and "try again" in message
        assert str(tmp_path) in message
        assert p.counts() == before
        assert not p.db.conn.in_transaction
    with Project.open(path, "Ana") as p:
        report = p.check()
        assert report["integrity"] == "ok" and report["foreign_keys"] == "ok"
        assert report["counts"]["documents"] == 1


def test_the_cli_says_the_disk_is_full_and_exits_1(tmp_path, capsys, monkeypatch, sample_text):
    path = tmp_path / "study.npmdesk"
    assert main(["--coder", "Ana", "new", str(path)]) == 0
    src = tmp_path / "big.txt"
    src.write_text(sample_text * 200, encoding="utf-8")
    real = database.open_connection

    def full_disk(p, read_only=False):
        db = real(p, read_only)
        fill_up(db.conn)
        return db

    monkeypatch.setattr(database, "open_connection", full_disk)
    capsys.readouterr()
    assert main(["--coder", "Ana", "import", str(path), str(src)]) == 1
    err = capsys.readouterr().err
    assert "is full" in err and "nothing was lost" in err and "Traceback" not in err
    monkeypatch.setattr(database, "open_connection", real)
    with Project.open(path, "Ana") as p:
        assert p.counts()["documents"] == 0
        assert p.check()["integrity"] == "ok"


@pytest.mark.parametrize("exc, words", [
    (OSError(errno.ENOSPC, "No space left on device"), "is full"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only disk"),
    (OSError(errno.EACCES, "Permission denied", "/x/y.npmdesk"), "not allowed to write /x/y.npmdesk"),
    (sqlite3.OperationalError("database or disk is full"), "is full"),
    (sqlite3.OperationalError("disk I/O error"), "read or write error"),
    (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
])
def test_os_and_sqlite_errors_have_plain_words(exc, words, tmp_path):
    known = translate(exc, tmp_path / "study.npmdesk")
    assert known is not None and words in str(known)
    if "full" in words:
        assert isinstance(known, DiskFullError)


def test_other_errors_are_not_dressed_up():
    assert translate(ValueError("x")) is None
    assert translate(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
