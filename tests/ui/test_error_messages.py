"""The window says what a full disk or a refused write means, not 'something unexpected'."""

import errno
import sqlite3

from npmdesk.ui import errors


def test_a_full_disk_in_the_window_names_the_disk_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(errors, "context_path", tmp_path / "study.npmdesk")
    for exc in (sqlite3.OperationalError("database or disk is full"),
                OSError(errno.ENOSPC, "No space left on device")):
        message = errors.message_for(exc)
        assert "did not expect" not in message
        assert message.startswith("The disk holding") and str(tmp_path) in message
        assert "nothing was lost" in message and "try again" in message


def test_a_read_only_disk_and_a_refused_permission_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(errors, "context_path", tmp_path / "study.npmdesk")
    assert "read-only" in errors.message_for(OSError(errno.EROFS, "Read-only file system"))
    assert "permission denied" in errors.message_for(OSError(errno.EACCES, "Permission denied", "/a/b.docx"))


def test_an_unknown_error_is_still_reported_as_unexpected():
    assert "did not expect" in errors.message_for(ValueError("boom"))
