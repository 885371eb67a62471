"""The day's first change of a big project does not wait for its backup: the copy is made in the
background through a read-only connection, is one consistent state, and a failure only logs."""

from __future__ import annotations

import sqlite3
import time

import pytest

from npmdesk.store import Project, backups

from .hostile_files import make_study


@pytest.fixture(autouse=True)
def fresh_day(monkeypatch):
    monkeypatch.setattr(backups, "_checked", {})
    monkeypatch.setattr(backups, "SYNC_BYTES", 0)  # every project counts as big
    monkeypatch.setattr(backups, "STEP_PAGES", 2)  # many steps, so commits land in between
    yield
    backups.wait_for_backups()


def test_a_big_projects_backup_is_made_in_the_background_and_is_consistent(tmp_path):
    path = make_study(tmp_path / "study.npmdesk", codings=400)
    backups.wait_for_backups()
    for b in backups.list_backups(path):
        b.path.unlink()
    backups._checked.clear()
    with Project.open(path, "Ana") as p:
        doc = p.documents()[0].id
        code = p.codes()[0].id
        t0 = time.perf_counter()
        p.apply_coding(doc, code, 1, 9)  # the day's first change: returns without the copy
        first = time.perf_counter() - t0
        for i in range(20):  # commits while the copy is going on restart it; none is lost
            p.apply_coding(doc, code, i, i + 3)
        backups.wait_for_backups()
        [made] = backups.list_backups(path)
        conn = sqlite3.connect(made.path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x4E504D44
            n = conn.execute("SELECT count(*) FROM codings").fetchone()[0]
        finally:
            conn.close()
        assert 400 <= n <= 421  # one state of the project between the first change and the last
        assert first < 5  # (generous: the point is that it does not wait for the copy)
        assert not list(backups.project_folder(path).glob("*.partial"))


def test_a_failed_background_copy_only_logs(tmp_path, monkeypatch, caplog):
    path = make_study(tmp_path / "study.npmdesk")
    backups.wait_for_backups()
    for b in backups.list_backups(path):
        b.path.unlink()
    backups._checked.clear()

    monkeypatch.setattr(backups, "_write_copy", lambda copy, *a: copy(_Refusing()))
    with Project.open(path, "Ana") as p:
        p.add_code("Still saved")
        backups.wait_for_backups()
        assert "Still saved" in {c.name for c in p.codes()}
    assert backups.list_backups(path) == []
    assert any("daily backup failed" in r.getMessage() for r in caplog.records)


class _Refusing:
    """A destination the copy cannot write to."""

    def __getattr__(self, name):
        raise sqlite3.OperationalError("disk I/O error")
