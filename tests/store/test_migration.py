"""Forward migrations run in one transaction after a backup copy."""

import sqlite3

import pytest

from npmdesk.core.errors import ProjectOpenError
from npmdesk.paths import backups_dir
from npmdesk.store import Project, database


def test_migration_backs_up_then_upgrades(tmp_path, monkeypatch):
    path = tmp_path / "old.npmdesk"
    Project.create(path, "Ana").close()
    monkeypatch.setattr(database, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(database.MIGRATIONS, 2, "ALTER TABLE codes ADD COLUMN shortcut TEXT;")
    before = set(backups_dir().glob("old-*")) if backups_dir().exists() else set()
    with Project.open(path, "Ana") as p:
        assert p.schema_version == 2
        p.db.execute("SELECT shortcut FROM codes")
    backups = set(backups_dir().glob("old-*")) - before
    assert len(backups) == 1
    conn = sqlite3.connect(backups.pop())
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_failed_migration_leaves_the_project_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.npmdesk"
    with Project.create(path, "Ana") as p:
        p.add_code("Kept")
    monkeypatch.setattr(database, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(database.MIGRATIONS, 2, "ALTER TABLE codes ADD COLUMN x TEXT;\nTHIS IS NOT SQL;")
    with pytest.raises(ProjectOpenError, match="could not be upgraded.*unchanged.*backup"):
        Project.open(path, "Ana")
    monkeypatch.setattr(database, "SCHEMA_VERSION", 1)
    with Project.open(path, "Ana") as p:
        assert p.schema_version == 1
        assert [c.name for c in p.codes()] == ["Kept"]
        cols = [r[1] for r in p.db.execute("PRAGMA table_info(codes)")]
        assert "x" not in cols
