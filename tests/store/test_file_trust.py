"""A project file stays trustworthy at its edges: what lies beside it and what its schema holds.

Every test builds the hostile file itself (tests/store/hostile_files.py) and checks that the
project is refused or repaired with a message, and that its bytes and codings are intact."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading

import pytest

from npmdesk.core.errors import (
    DamagedProjectError,
    HotJournalError,
    UnexpectedSchemaError,
    UnknownVersionError,
    UnsafeFileError,
)
from npmdesk.paths import backups_dir
from npmdesk.store import Project, database

from .hostile_files import count, crash_journal, make_study, raw, write_journal


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def finishes(fn, seconds=10.0):
    """Run fn in a thread; return (finished, exception). A hang shows as finished=False."""
    box = {}

    def target():
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - the caller inspects it
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    return not t.is_alive(), box.get("error")


# Not a regular file --------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_project_is_refused_at_once(tmp_path):
    fifo = tmp_path / "x.npmdesk"
    os.mkfifo(fifo)
    done, error = finishes(lambda: Project.open(fifo, "Ana"), seconds=5)
    assert done, "opening a FIFO must not block"
    assert isinstance(error, UnsafeFileError) and "named pipe" in str(error)


def test_a_device_and_a_folder_are_refused(tmp_path):
    if os.path.exists("/dev/null"):
        link = tmp_path / "dev.npmdesk"
        link.symlink_to("/dev/null")
        with pytest.raises(UnsafeFileError, match="device"):
            Project.open(link, "Ana")
    folder = tmp_path / "folder.npmdesk"
    folder.mkdir()
    with pytest.raises(UnsafeFileError, match="folder"):
        Project.open(folder, "Ana")


# -wal and -shm: never applied -----------------------------------------------------------------------

def _foreign_wal(tmp_path, project):
    """A -wal that deletes half the codings of a copy of `project` (kept while its connection is open)."""
    other = tmp_path / "other.npmdesk"
    shutil.copyfile(project, other)
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("DELETE FROM codings WHERE id % 2 = 0")
    wal = project.with_name(project.name + "-wal")
    shutil.copyfile(other.with_name(other.name + "-wal"), wal)
    shutil.copyfile(other.with_name(other.name + "-shm"), project.with_name(project.name + "-shm"))
    conn.close()
    return wal


def test_a_wal_beside_the_project_is_moved_aside_not_applied(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    before = digest(path)
    wal = _foreign_wal(tmp_path, path)
    # What plain SQLite would have done with it: half the codings gone.
    probe = tmp_path / "probe.npmdesk"
    shutil.copyfile(path, probe)
    shutil.copyfile(wal, probe.with_name(probe.name + "-wal"))
    conn = sqlite3.connect(probe)
    assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == 25
    conn.close()

    db = database.open_connection(path, read_only=True)
    try:
        assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == 50
        notices = db.open_notices
    finally:
        db.conn.close()
    assert not wal.exists() and not path.with_name(path.name + "-shm").exists()
    kept = sorted(tmp_path.glob("study.npmdesk-wal.moved-aside-*"))
    assert len(kept) == 1 and any(str(kept[0]) in n for n in notices)
    assert digest(path) == before
    with Project.open(path, "Ana") as p:
        assert p.counts()["codings"] == 50


# Hot journals: rolled back only over a kept, checked copy ------------------------------------------

def test_a_projects_own_hot_journal_is_rolled_back_over_a_kept_copy(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    before, journal = crash_journal(path, lambda p: p.add_code("Added in the crashed change"))
    as_found = digest(path)
    db = database.open_connection(path)
    try:
        names = {r[0] for r in db.execute("SELECT name FROM codes")}
        notices = db.open_notices
    finally:
        db.conn.close()
    assert "Added in the crashed change" not in names and len(names) == 5
    assert not journal.exists()
    [kept_project] = tmp_path.glob("study.npmdesk.before-rollback-*")
    [kept_journal] = tmp_path.glob("study.npmdesk-journal.rolled-back-*")
    assert digest(kept_project) == as_found
    assert any(str(kept_project) in n and str(kept_journal) in n for n in notices)
    assert path.read_bytes() == before  # exactly the state before the crashed change


def test_a_journal_from_another_project_is_refused_and_changes_nothing(tmp_path):
    mine = make_study(tmp_path / "study.npmdesk", prefix="Mine")
    other = make_study(tmp_path / "other" / "study.npmdesk", codes=7, codings=80, prefix="Theirs")
    _, their_journal = crash_journal(other, lambda p: p.rename_code(1, "Renamed"))
    shutil.copyfile(their_journal, mine.with_name(mine.name + "-journal"))
    before = digest(mine)
    with pytest.raises(HotJournalError, match="another") as caught:
        Project.open(mine, "Ana")
    assert digest(mine) == before
    [kept] = tmp_path.glob("study.npmdesk-journal.kept-*")
    assert str(kept) in str(caught.value)
    with Project.open(mine, "Ana") as p:  # the journal is out of the way: the project opens as it is
        assert sorted(c.name for c in p.codes()) == [f"Mine {i}" for i in range(5)]
        assert p.check()["integrity"] == "ok"


def test_a_stale_journal_beside_a_restored_copy_is_refused(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    restored = path.read_bytes()  # the backup the user will put back
    with Project.open(path, "Ana") as p:
        for i in range(3):
            p.add_code(f"Later {i}")
    _, journal = crash_journal(path, lambda p: p.add_code("Crashed"))
    kept_journal = journal.read_bytes()
    path.write_bytes(restored)  # the user restores the backup; the journal is still there
    journal.write_bytes(kept_journal)
    with pytest.raises(HotJournalError, match="another state of the file"):
        Project.open(path, "Ana")
    assert path.read_bytes() == restored


def test_a_journal_whose_rollback_fails_the_checks_leaves_the_project_as_found(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    data = path.read_bytes()
    pages = len(data) // 4096
    # Passes the header checks (no page 1, the right size) but writes garbage over the tables.
    garbage = {n: bytes([0x0D]) + b"\xa5" * 4095 for n in range(2, pages + 1)}
    write_journal(path.with_name(path.name + "-journal"), data, data, pages=garbage)
    before = digest(path)
    with pytest.raises(HotJournalError, match="failed the checks") as caught:
        Project.open(path, "Ana")
    assert digest(path) == before
    assert "journal.kept-" in str(caught.value)
    assert not list(tmp_path.glob(".study.npmdesk.rollback-*"))  # the working copy is gone


# The schema: exactly what the format must contain ----------------------------------------------------

def test_a_planted_trigger_is_refused_before_any_write(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    raw(path, "CREATE TRIGGER wipe AFTER INSERT ON coders BEGIN DELETE FROM codings; END")
    before = digest(path)
    for read_only in (False, True):
        with pytest.raises(UnexpectedSchemaError, match="unknown trigger 'wipe'"):
            database.open_connection(path, read_only=read_only)
    with pytest.raises(UnexpectedSchemaError, match="repair"):
        Project.open(path, "A new coder")  # a new coder's first change is what fired the trigger
    assert digest(path) == before
    assert count(path) == 50


def test_an_endless_view_in_place_of_a_table_is_refused_without_hanging(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    raw(path, "DROP TABLE chart_cells",
        "CREATE VIEW chart_cells AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n AS case_id, n AS code_id, '' AS summary, '' AS modified FROM r")
    before = digest(path)
    done, error = finishes(lambda: Project.open(path, "Ana"), seconds=10)
    assert done
    assert isinstance(error, UnexpectedSchemaError)
    assert "unknown view 'chart_cells'" in str(error) or "is a view" in str(error)
    assert digest(path) == before


def test_missing_and_unknown_tables_and_indexes_are_refused(tmp_path):
    path = make_study(tmp_path / "a.npmdesk")
    raw(path, "DROP INDEX codings_by_coder")
    with pytest.raises(UnexpectedSchemaError, match="missing index 'codings_by_coder'"):
        Project.open(path, "Ana")
    path = make_study(tmp_path / "b.npmdesk")
    raw(path, "CREATE TABLE extra(x)", "CREATE INDEX extra_x ON extra(x)")
    with pytest.raises(UnexpectedSchemaError, match="unknown table 'extra'"):
        Project.open(path, "Ana")
    path = make_study(tmp_path / "c.npmdesk")
    raw(path, "DROP TRIGGER document_texts_au",
        "CREATE TRIGGER document_texts_au AFTER UPDATE OF text ON document_texts BEGIN SELECT 1; END")
    with pytest.raises(UnexpectedSchemaError, match="defined differently"):
        Project.open(path, "Ana")


def test_an_earlier_format_1_index_is_still_a_format_1_project(tmp_path):
    path = make_study(tmp_path / "early.npmdesk")
    raw(path, "DROP INDEX codings_by_code", "CREATE INDEX codings_by_code ON codings(code_id, document_id, start)")
    with Project.open(path, "Ana") as p:
        assert p.counts()["codings"] == 50


@pytest.mark.parametrize("version", [0])
def test_an_unknown_format_number_is_refused_and_writes_no_backup(tmp_path, version):
    path = make_study(tmp_path / "study.npmdesk")
    raw(path, f"PRAGMA user_version = {version}")
    before = digest(path)
    backups_before = sorted(backups_dir().rglob("*")) if backups_dir().exists() else []
    for _ in range(3):
        with pytest.raises(UnknownVersionError, match="project format 0"):
            Project.open(path, "Ana")
    assert digest(path) == before
    assert (sorted(backups_dir().rglob("*")) if backups_dir().exists() else []) == backups_before


def test_every_known_format_has_an_expected_schema():
    from npmdesk.store.schema_check import verify_schema

    mem = sqlite3.connect(":memory:")
    for statement in database._split_sql(database._schema_sql()):
        mem.execute(statement)
    verify_schema(mem, "memory", 1)  # raises if schema.sql cannot describe format 1
    for target in range(2, database.SCHEMA_VERSION + 1):
        for statement in database._split_sql(database.MIGRATIONS[target]):
            mem.execute(statement)
        verify_schema(mem, "memory", target)


def test_a_damaged_schema_page_is_refused_as_damaged(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    data = bytearray(path.read_bytes())
    data[112:4096] = b"\xff" * 3984  # page 1 past its b-tree header: the root of sqlite_master
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises((DamagedProjectError, UnexpectedSchemaError)):
        Project.open(path, "Ana")
    assert digest(path) == before


def test_open_does_not_read_the_whole_file(tmp_path, monkeypatch):
    """The open verifies sqlite_master only; the full check is for `npmdesk check` and rollbacks."""
    path = make_study(tmp_path / "study.npmdesk")
    seen = []
    real = database._connect

    def tracing(p, readonly=False):
        conn = real(p, readonly)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(database, "_connect", tracing)
    database.open_connection(path, read_only=True).conn.close()
    assert not any("integrity_check" in s or "quick_check" in s for s in seen)


def test_a_project_switched_to_wal_by_another_program_is_read_alone_and_switched_back(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    conn.close()
    db = database.open_connection(path, read_only=True)
    assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == 50
    db.conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.npmdesk"]  # no -wal/-shm left behind
    with Project.open(path, "Ana") as p:
        assert p.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        p.add_code("After")
    assert path.read_bytes()[18:20] == b"\x01\x01"


def test_a_journal_that_is_not_a_regular_file_is_moved_aside(tmp_path):
    path = make_study(tmp_path / "study.npmdesk")
    other = make_study(tmp_path / "other.npmdesk", prefix="Other")
    journal = path.with_name(path.name + "-journal")
    journal.symlink_to(other)  # SQLite would read whatever it points to as this project's journal
    with Project.open(path, "Ana") as p:
        assert p.counts()["codings"] == 50
        assert any("moved aside" in n for n in p.db.open_notices)
    assert not os.path.lexists(journal)


def test_only_the_latest_successful_rollback_is_kept_beside_the_project(tmp_path):
    path = make_study(tmp_path / "study [1].npmdesk")
    for n in range(3):
        crash_journal(path, lambda p, n=n: p.add_code(f"Crashed {n}"))
        database.open_connection(path).conn.close()
    assert len(list(tmp_path.glob("study [[]1].npmdesk.before-rollback-*"))) == 1
    assert len(list(tmp_path.glob("study [[]1].npmdesk-journal.rolled-back-*"))) == 1


def test_a_rollback_keeps_the_file_another_program_has_open(tmp_path):
    """The journal is rolled back in place: a window that has the project open keeps writing to it."""
    path = make_study(tmp_path / "study.npmdesk")
    window = sqlite3.connect(path, isolation_level=None)  # open, idle, as the window would be
    window.execute("SELECT count(*) FROM codes").fetchone()
    crash_journal(path, lambda p: p.add_code("Crashed in the command line"))
    database.open_connection(path, read_only=True).conn.close()  # rolls the journal back
    window.execute("INSERT INTO codes(name, guid, created) VALUES ('Coded in the window', 'g-w', 'now')")
    window.close()
    with Project.open(path, "Ana") as p:
        names = {c.name for c in p.codes()}
    assert "Coded in the window" in names and "Crashed in the command line" not in names
