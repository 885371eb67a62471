"""Rolling backups, restore and repair: from the CLI, on files the tests build themselves."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date, timedelta

import pytest

from npmdesk.store import Project, backups
from npmdesk.store.backups import daily_backup_if_due, kept, list_backups, project_folder

from ..store.hostile_files import count, make_study, raw
from tests.cli.cli_helpers import run


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def fresh_day(monkeypatch):
    monkeypatch.setattr(backups, "_checked", {})


def test_the_first_change_of_a_day_makes_one_backup(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")  # its first change made today's backup
    [first] = list_backups(path)
    assert first.day == date.today()
    assert count(first.path, "codings") == 0  # the state before the day's first change
    with Project.open(path, "Ana") as p:
        p.add_code("Another")
    assert len(list_backups(path)) == 1
    conn = sqlite3.connect(first.path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x4E504D44
    conn.close()


def test_the_rolling_scheme_keeps_days_then_weeks(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    today = date.today()  # the day's own copy (opening the project) is one of the 60
    with Project.open(path, "Ana") as p:
        for n in range(60):
            daily_backup_if_due(p.db.conn, path, today=today - timedelta(days=59 - n))
    kept_days = [b.day for b in list_backups(path)]
    assert kept_days[:7] == [today - timedelta(days=i) for i in range(7)]
    older = kept_days[7:]
    assert len(older) == 4 and len({d.isocalendar()[:2] for d in older}) == 4
    assert len(kept(list_backups(path))) == len(list_backups(path))


def test_backups_lists_them_and_restore_writes_a_new_file(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    code, out, _ = run(capsys, "backups", path, "--json")
    [b] = json.loads(out)
    assert code == 0 and b["day"] == date.today().isoformat()
    code, out, _ = run(capsys, "backups", path)
    assert date.today().isoformat() in out and "restore" in out
    before = digest(path)
    new = tmp_path / "restored.npmdesk"
    code, out, err = run(capsys, "restore", path, date.today().isoformat(), "--out", new)
    assert code == 0, err
    assert digest(path) == before
    with Project.open(new, "Ana") as p:
        assert p.check()["integrity"] == "ok"
    # never over the project, an existing file or another project
    for target in (path, new, tmp_path / "study.npmdesk-journal"):
        code, _, err = run(capsys, "restore", path, date.today().isoformat(), "--out", target)
        assert code == 1 and ("refused" in err or "already exists" in err)
    assert digest(path) == before
    code, _, err = run(capsys, "restore", path, "1999-01-01", "--out", tmp_path / "x.npmdesk")
    assert code == 1 and "no backup" in err


def test_backups_of_a_project_that_no_longer_opens(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    path.write_bytes(b"\0" * 4096)  # the project is gone bad; its backups are still there
    code, out, _ = run(capsys, "backups", path)
    assert code == 0 and date.today().isoformat() in out
    code, _, err = run(capsys, "restore", path, date.today().isoformat(), "--out", tmp_path / "back.npmdesk")
    assert code == 0, err


def test_no_backups_yet_says_where_they_will_be(tmp_path, capsys):
    path = tmp_path / "new.npmdesk"
    Project.create(path, "Ana").close()  # created, never changed
    code, out, _ = run(capsys, "backups", path)
    assert code == 0 and "no backups" in out and str(project_folder(path)) in out


def test_repair_rebuilds_a_clean_copy_of_a_project_with_a_planted_trigger(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    raw(path, "CREATE TRIGGER wipe AFTER INSERT ON coders BEGIN DELETE FROM codings; END",
        "CREATE TABLE stolen(x)", "DROP TABLE chart_cells",
        "CREATE VIEW chart_cells AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n AS case_id, n AS code_id, '' AS summary, '' AS modified FROM r")
    before = digest(path)
    assert run(capsys, "check", path)[0] == 1  # refused with a message, not a hang
    new = tmp_path / "clean.npmdesk"
    code, out, err = run(capsys, "repair", path, "--out", new, "--json")
    assert code == 0, err
    [report] = json.loads(out)
    assert report["copied"]["codings"] == 50
    assert "trigger wipe" in report["not_copied"] and "table stolen" in report["not_copied"]
    assert digest(path) == before
    with Project.open(new, "A new coder") as p:
        p.add_code("Written by a new coder")
        assert p.counts()["codings"] == 50
        assert p.check()["integrity"] == "ok"
        assert p.search("belonged")
    code, _, err = run(capsys, "repair", path, "--out", new)
    assert code == 1 and "refused" in err


def test_repair_of_an_unknown_format_number(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    raw(path, "PRAGMA user_version = 0")
    code, _, err = run(capsys, "check", path)
    assert code == 1 and "format 0" in err
    new = tmp_path / "fixed.npmdesk"
    assert run(capsys, "repair", path, "--out", new)[0] == 0
    with Project.open(new, "Ana") as p:
        assert p.schema_version >= 1 and p.counts()["codings"] == 50


def test_repair_leaves_out_rows_it_cannot_read(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    conn.close()
    data[(root - 1) * 4096:(root) * 4096] = b"\xa5" * 4096  # the codings table's page: unreadable
    assert root <= pages
    path.write_bytes(bytes(data))
    new = tmp_path / "salvaged.npmdesk"
    code, out, err = run(capsys, "repair", path, "--out", new)
    assert code == 0, err
    with Project.open(new, "Ana") as p:
        counts = p.counts()
        assert counts["documents"] == 1 and counts["codes"] == 5
        assert p.check()["integrity"] == "ok"


def test_the_cli_names_a_side_file_it_moved_aside(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    wal = tmp_path / "study.npmdesk-wal"
    wal.write_bytes(b"\0" * 64)  # not even a valid wal: moved aside all the same
    code, _, err = run(capsys, "docs", path)
    assert code == 0
    [kept] = tmp_path.glob("study.npmdesk-wal.moved-aside-*")
    assert str(kept) in err and not wal.exists()
