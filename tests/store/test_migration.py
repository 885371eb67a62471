"""Forward migrations run in one transaction after a backup copy."""

import sqlite3

import pytest

from npmdesk.core.errors import AlreadyDoneError, ProjectOpenError
from npmdesk.paths import backups_dir
from npmdesk.store import Project, database, schema_check

CURRENT = database.SCHEMA_VERSION


def make_format_1(path, monkeypatch, with_study=True, version=1):
    """A project exactly as npmdesk 0.1 (format 1), or a later build (`version`), wrote it."""
    with monkeypatch.context() as m:
        m.setattr(database, "SCHEMA_VERSION", version)
        with Project.create(path, "Ana") as p:
            if with_study:
                doc = p.add_document("Interview 1", "Interviewer: Why?\nNPM-1: Because budget cuts hurt.\n")
                code = p.add_code("Budget")
                p.apply_coding(doc, code, 33, 44)
    return path


def test_migration_backs_up_then_upgrades(tmp_path, monkeypatch):
    path = tmp_path / "old.npmdesk"
    Project.create(path, "Ana").close()
    monkeypatch.setattr(database, "SCHEMA_VERSION", CURRENT + 1)
    monkeypatch.setitem(database.MIGRATIONS, CURRENT + 1, "ALTER TABLE codes ADD COLUMN shortcut TEXT;")
    before = set(backups_dir().glob("old-*")) if backups_dir().exists() else set()
    with Project.open(path, "Ana") as p:
        assert p.schema_version == CURRENT + 1
        p.db.execute("SELECT shortcut FROM codes")
    backups = set(backups_dir().glob("old-*")) - before
    assert len(backups) == 1
    conn = sqlite3.connect(backups.pop())
    assert conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT
    conn.close()


def test_failed_migration_leaves_the_project_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.npmdesk"
    with Project.create(path, "Ana") as p:
        p.add_code("Kept")
    monkeypatch.setattr(database, "SCHEMA_VERSION", CURRENT + 1)
    monkeypatch.setitem(database.MIGRATIONS, CURRENT + 1, "ALTER TABLE codes ADD COLUMN x TEXT;\nTHIS IS NOT SQL;")
    with pytest.raises(ProjectOpenError, match="could not be upgraded.*unchanged.*backup"):
        Project.open(path, "Ana")
    monkeypatch.setattr(database, "SCHEMA_VERSION", CURRENT)
    with Project.open(path, "Ana") as p:
        assert p.schema_version == CURRENT
        assert [c.name for c in p.codes()] == ["Kept"]
        cols = [r[1] for r in p.db.execute("PRAGMA table_info(codes)")]
        assert "x" not in cols


def test_a_format_1_project_is_upgraded_to_the_same_schema_a_new_project_has(tmp_path, monkeypatch):
    old = make_format_1(tmp_path / "old.npmdesk", monkeypatch)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'document_text_immutable'").fetchone()[0] == 1
    conn.close()
    with Project.open(old, "Ana") as p:
        assert p.schema_version == CURRENT
        upgraded = schema_check.read_schema(p.db.conn)
        assert p.counts()["codings"] == 1
    with Project.create(tmp_path / "new.npmdesk", "Ana") as fresh:
        assert schema_check.read_schema(fresh.db.conn) == upgraded


def test_after_the_upgrade_text_can_change_and_the_search_index_follows(tmp_path, monkeypatch):
    old = make_format_1(tmp_path / "old.npmdesk", monkeypatch)
    with Project.open(old, "Ana") as p:
        doc = p.documents()[0].id
        p.db.execute("UPDATE document_texts SET text = 'NPM-1: staffing shortages' WHERE document_id = ?", (doc,))
        hits = p.db.execute("SELECT rowid FROM document_texts_fts WHERE document_texts_fts MATCH 'staffing'").fetchall()
        gone = p.db.execute("SELECT rowid FROM document_texts_fts WHERE document_texts_fts MATCH 'budget'").fetchall()
        assert hits == [(doc,)] and gone == []


def test_a_format_1_project_is_read_without_being_upgraded(tmp_path, monkeypatch):
    old = make_format_1(tmp_path / "old.npmdesk", monkeypatch)
    before = old.read_bytes()
    with Project.open(old, "Ana", read_only=True) as p:
        assert p.schema_version == CURRENT
        assert [e.text for e in p.excerpts()] == ["budget cuts"]
    assert old.read_bytes() == before  # still format 1 on disk, byte for byte
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_a_format_2_project_gets_one_unique_index_by_document_that_still_refuses_a_repeated_span(
        tmp_path, monkeypatch):
    old = make_format_1(tmp_path / "old.npmdesk", monkeypatch, version=2)
    conn = sqlite3.connect(old)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert "codings_unique_span" in names
    with Project.open(old, "Ana") as p:
        assert p.schema_version == CURRENT
        indexes = {r[0]: r[1] for r in p.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                                    "AND tbl_name = 'codings'")}
        assert "codings_unique_span" not in indexes
        assert indexes["codings_by_document"].startswith("CREATE UNIQUE INDEX")
        doc, code = p.documents()[0].id, p.codes()[0].id
        with pytest.raises(Exception, match="UNIQUE"):
            p.db.execute("INSERT INTO codings(document_id, code_id, start, end, coder_id, created, guid) "
                         "SELECT document_id, code_id, start, end, coder_id, created, 'x' FROM codings")
        with pytest.raises(AlreadyDoneError):  # the same span again through the store: refused
            p.apply_coding(doc, code, 33, 44)
        assert p.counts()["codings"] == 1
        p.edit_text(doc, [(0, 0, "A ")])  # and an edit still shifts it
        assert [e.text for e in p.excerpts()] == ["budget cuts"]
        upgraded = schema_check.read_schema(p.db.conn)
    with Project.create(tmp_path / "new.npmdesk", "Ana") as fresh:
        assert schema_check.read_schema(fresh.db.conn) == upgraded
