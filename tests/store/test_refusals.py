"""Files npmdesk must refuse with a clear message, leaving their bytes unchanged."""

import hashlib
import sqlite3

import pytest

from npmdesk.core.errors import (
    DamagedProjectError,
    NewerVersionError,
    NotAProjectError,
    NotSQLiteError,
    ProjectOpenError,
)
from npmdesk.store import Project
from npmdesk.store.database import SCHEMA_VERSION


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refuse(path, error, message):
    before = digest(path) if path.exists() else None
    with pytest.raises(error, match=message):
        Project.open(path, "Ana")
    if before is not None:
        assert digest(path) == before


def test_not_sqlite(tmp_path):
    path = tmp_path / "notes.npmdesk"
    path.write_bytes(b"Just some notes, not a database.\n" * 10)
    refuse(path, NotSQLiteError, "not an npmdesk project")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.npmdesk"
    path.write_bytes(b"")
    refuse(path, NotSQLiteError, "not an SQLite database")


def test_other_programs_sqlite(tmp_path):
    path = tmp_path / "other.npmdesk"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    refuse(path, NotAProjectError, "another program")


def test_newer_version(tmp_path):
    path = tmp_path / "new.npmdesk"
    Project.create(path, "Ana").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    refuse(path, NewerVersionError, "newer npmdesk")


def test_damaged_file(tmp_path, sample_text):
    path = tmp_path / "damaged.npmdesk"
    with Project.create(path, "Ana") as p:
        for i in range(30):
            p.add_document(f"d{i}", sample_text * 50)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 2):  # scribble over many pages, keep the header
        data[offset + 100 : offset + 900] = b"\xa5" * 800
    path.write_bytes(bytes(data))
    refuse(path, DamagedProjectError, "damaged")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ProjectOpenError, match="no such project"):
        Project.open(tmp_path / "nope.npmdesk", "Ana")
    assert not (tmp_path / "nope.npmdesk").exists()
    with pytest.raises(ProjectOpenError, match="folder"):
        Project.open(tmp_path, "Ana")


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "x.npmdesk"
    path.write_text("precious")
    with pytest.raises(ProjectOpenError, match="already exists"):
        Project.create(path, "Ana")
    assert path.read_text() == "precious"


def test_file_is_self_describing(project):
    from npmdesk.store.database import APPLICATION_ID

    assert project.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_read_only_project_says_so(tmp_path, monkeypatch):
    """Writing to a read-only file must say 'read-only', not 'busy in another program'."""
    from npmdesk.core.errors import ProjectReadOnlyError
    from npmdesk.store import database

    path = tmp_path / "ro.npmdesk"
    Project.create(path, "Ana").close()
    real = database._connect

    def read_only(p, readonly=False):
        return real(p, readonly=True)  # as the file system would for a file without write permission

    monkeypatch.setattr(database, "_connect", read_only)
    with Project.open(path, "A new coder") as p:  # a new coder is recorded with a first change, not at open
        assert p.coder_id is None and p.documents() == []
        with pytest.raises(ProjectReadOnlyError, match="read-only"):
            p.add_code("C")
    with Project.open(path, "Ana") as p:  # reading works
        assert p.documents() == []
        with pytest.raises(ProjectReadOnlyError):
            p.add_code("C")
