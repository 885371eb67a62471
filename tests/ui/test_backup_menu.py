"""File > Restore from backup… writes a NEW file and offers to open it; on-open notices are shown."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from npmdesk.store import Project, backups
from npmdesk.ui import backup_menu, errors


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_from_backup_writes_a_new_file_and_opens_it(window, study, tmp_path, monkeypatch, messages):
    monkeypatch.setattr(backups, "_checked", {})
    with Project.open(study, "Ana") as p:  # a change today: today's backup
        p.add_code("Made today")
    [made] = backups.list_backups(study)
    out = tmp_path / "restored.npmdesk"
    monkeypatch.setattr(backup_menu.QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    monkeypatch.setattr(backup_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(backup_menu.QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.open_project(study)
    before = digest(study)
    assert "restore_backup" in window.actions and window.actions["restore_backup"].isEnabled()
    assert backup_menu.restore_from_backup(window) == out
    assert digest(study) == before
    assert window.project is not None and Path(window.project.path) == out
    assert errors.context_path == window.project.path
    # a second restore onto that (now existing) file is refused with a message
    window.open_project(study)
    assert backup_menu.restore_from_backup(window) is None
    assert any("Nothing was restored" in m for m in messages)


def test_no_backups_says_so(window, study, tmp_path, monkeypatch, messages):
    fresh = tmp_path / "fresh.npmdesk"
    Project.create(fresh, "Ana").close()
    window.open_project(fresh)
    assert backup_menu.restore_from_backup(window) is None
    assert any("No backups yet" in m for m in messages)


def test_a_moved_aside_wal_is_named_when_the_window_opens_the_project(window, study, tmp_path, qtbot, messages):
    window.close_project()
    wal = study.with_name(study.name + "-wal")
    wal.write_bytes(b"\0" * 32)
    window.open_project(study)
    qtbot.waitUntil(lambda: any("moved aside" in m for m in messages), timeout=3000)
    assert not wal.exists()


def test_rebuild_a_clean_copy_of_a_refused_project(window, study, tmp_path, monkeypatch, messages):
    import sqlite3

    conn = sqlite3.connect(study)
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON coders BEGIN DELETE FROM codings; END")
    conn.commit()
    conn.close()
    window.close_project()
    assert not window.open_project(study)  # refused, with a message
    assert any("unknown trigger" in m for m in messages)
    before = digest(study)
    out = tmp_path / "clean.npmdesk"
    monkeypatch.setattr(backup_menu.QFileDialog, "getOpenFileName", lambda *a, **k: (str(study), ""))
    monkeypatch.setattr(backup_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    asked = []
    monkeypatch.setattr(backup_menu.QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    assert backup_menu.repair_project(window) == out
    assert "trigger wipe" in asked[0]
    assert digest(study) == before
    assert window.project is not None and Path(window.project.path) == out


def test_save_a_copy_onto_the_open_project_is_refused_in_the_window(window, study, monkeypatch, messages):
    from npmdesk.ui import menus

    window.open_project(study)
    before = digest(study)
    monkeypatch.setattr(menus.QFileDialog, "getSaveFileName", lambda *a, **k: (str(study), ""))
    menus.save_copy(window)
    assert any("No copy was saved" in m and "open project itself" in m for m in messages)
    assert digest(study) == before
