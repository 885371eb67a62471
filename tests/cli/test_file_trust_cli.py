"""The command line on hostile project files: a message and exit 1, never a hang or a traceback."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from npmdesk.cli import main
from npmdesk.store import safe_open

from ..store.hostile_files import crash_journal, make_study, raw


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_with_timeout(capsys, *argv, seconds=10.0):
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("code", main(["--coder", "Ana", *map(str, argv)])),
                         daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"npmdesk {' '.join(map(str, argv))} hung"
    out, err = capsys.readouterr()
    return box["code"], out, err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_check_on_a_fifo_returns_at_once(tmp_path, capsys):
    fifo = tmp_path / "x.npmdesk"
    os.mkfifo(fifo)
    code, _, err = run_with_timeout(capsys, "check", fifo, seconds=5)
    assert code == 1 and "named pipe" in err


def test_check_on_a_planted_trigger_and_an_endless_view(tmp_path, capsys):
    path = make_study(tmp_path / "study.npmdesk")
    raw(path, "CREATE TRIGGER wipe AFTER INSERT ON coders BEGIN DELETE FROM codings; END",
        "CREATE VIEW v AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r")
    before = digest(path)
    for argv in (("check", path), ("--coder", "Somebody new", "code", path, "--doc", "int1", "--code", "X",
                                   "--span", "0:5")):
        code, _, err = run_with_timeout(capsys, *argv)
        assert code == 1 and "unknown trigger 'wipe'" in err and "unknown view 'v'" in err
        assert "npmdesk repair" in err and "Traceback" not in err
    assert digest(path) == before


def test_a_hot_journal_that_cannot_be_copied_aside_is_not_rolled_back(tmp_path, capsys, monkeypatch):
    path = make_study(tmp_path / "study.npmdesk")
    _, journal = crash_journal(path, lambda p: p.add_code("Crashed"))
    before, journal_bytes = digest(path), journal.read_bytes()

    def no_room(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safe_open.shutil, "copyfile", no_room)
    code, _, err = run_with_timeout(capsys, "docs", path)
    assert code == 1 and "folder you can write" in err
    assert digest(path) == before and journal.read_bytes() == journal_bytes  # nothing applied, nothing lost
    monkeypatch.undo()
    code, _, err = run_with_timeout(capsys, "codes", path)
    assert code == 0 and "rolled back" in err
    assert not journal.exists()
