"""The import preview: what was found per file, per-file kind and participant, refusals shown."""

from __future__ import annotations

from npmdesk.ui.import_dialog import NO_PARTICIPANT, ImportDialog


def test_preview_suggests_kind_and_participant(qtbot, window, tmp_path, reopen):
    interview = tmp_path / "Interview NPM-2 second.txt"
    interview.write_text("Interviewer: Hello.\nNPM-2: Hi there.\n", encoding="utf-8")
    fg = tmp_path / "fg.txt"
    fg.write_text("Facilitator: Welcome.\nNPM-3: Hi.\nNPM-5: Hello.\nNPM-6: Hey.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    dialog = ImportDialog(window, window.project, [str(interview), str(fg), str(empty)])
    qtbot.addWidget(dialog)
    t = dialog.table
    assert "speakers: Interviewer, NPM-2" in t.item(0, 1).text()
    assert t.cellWidget(0, 2).currentText() == "interview" and t.cellWidget(0, 3).currentText() == "NPM-2"
    assert t.cellWidget(1, 2).currentText() == "focus-group" and t.cellWidget(1, 3).currentText() == NO_PARTICIPANT
    assert t.item(2, 1).text().startswith("refused: ") and "empty" in t.item(2, 1).text()
    assert dialog.skip_bad.isEnabled() and not dialog.skip_bad.isChecked()
    t.cellWidget(1, 2).setCurrentText("field-notes")
    t.cellWidget(0, 3).setEditText("NPM-9")  # a participant not yet in the project
    dialog.skip_bad.setChecked(True)
    opts = dialog.options()
    assert opts.per_file[str(interview)] == ("interview", "NPM-9")
    assert opts.per_file[str(fg)] == ("field-notes", None)
    from npmdesk.formats.importing import import_files

    report = import_files(window.project, dialog.paths, opts)
    assert [d.name for d in report.imported] == ["Interview NPM-2 second", "fg"]
    assert report.skipped and "empty.txt" in report.skipped[0][0]
    stored = {d.name: d for d in reopen().documents()}
    assert stored["Interview NPM-2 second"].case == "NPM-9" and stored["fg"].kind == "field-notes"


def test_cancelling_the_preview_imports_nothing(qtbot, window, tmp_path, reopen, monkeypatch):
    from PySide6.QtWidgets import QDialog

    monkeypatch.setattr(ImportDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    f = tmp_path / "x.txt"
    f.write_text("NPM-9: words")
    before = len(reopen().documents())
    window.import_paths([str(f)])
    assert len(reopen().documents()) == before


def test_import_waits_for_a_decision_about_refused_files(qtbot, window, tmp_path):
    """Found in a trial: Import with a refused file stopped, and every choice in the preview was lost."""
    good = tmp_path / "ok.txt"
    good.write_text("Interviewer: Hi.\nNPM-1: Hello.\n", encoding="utf-8")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"garbage" * 20)
    dialog = ImportDialog(window, window.project, [str(good), str(bad)])
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled() and "Skip" in dialog.ok.toolTip()
    dialog.skip_bad.setChecked(True)
    assert dialog.ok.isEnabled()
    only_bad = ImportDialog(window, window.project, [str(bad)])
    qtbot.addWidget(only_bad)
    only_bad.skip_bad.setChecked(True)
    assert not only_bad.ok.isEnabled()  # nothing left to import


def test_a_duplicate_file_is_flagged_and_kept_only_when_asked(qtbot, window, tmp_path):
    from PySide6.QtCore import Qt

    from npmdesk.ui.import_dialog import ImportDialog

    src = tmp_path / "Interview NPM-9.txt"
    src.write_text("Interviewer: Hello?\nNPM-9: Hello there.\n", encoding="utf-8")
    window.import_paths([str(src)])
    before = len(window.project.documents())
    dialog = ImportDialog(window, window.project, [str(src)])
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 1).text().startswith("already in the project as")
    assert not dialog.ok.isEnabled()
    assert "force" not in dialog.ok.toolTip()
    dialog.keep_copies.setFocus()
    qtbot.keyClick(dialog.keep_copies, Qt.Key.Key_Space)
    assert dialog.keep_copies.isChecked() and dialog.ok.isEnabled()
    dialog.numbered.setFocus()  # the copy needs its own name: "Interview NPM-9 (2)"
    qtbot.keyClick(dialog.numbered, Qt.Key.Key_Space)
    options = dialog.options()
    assert options.force
    from npmdesk.formats.importing import import_files

    import_files(window.project, [str(src)], options)
    assert len(window.project.documents()) == before + 1
