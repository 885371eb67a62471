"""Excerpts, search, memos, documents, file import by drop, start page, errors and the entry point."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl

from npmdesk.ui.documents_panel import DOC_ROLE
from tests.ui.conftest import click_code, code_id, drag_and_drop


def test_excerpts_of_a_code_and_jump(qtbot, window):
    theme = code_id(window, "Socialisation into medicine")
    window.code_tree.setFocus()
    click_code(qtbot, window, theme)  # no selection: a click only browses the code
    view = window.excerpts.view
    assert view.objectName() == "excerptsView"
    assert view.topLevelItemCount() == 3  # with sub-codes
    texts = [view.topLevelItem(i).text(0) for i in range(3)]
    assert "first in the family to go to college" in texts
    window.excerpts.subcodes.setChecked(False)
    assert view.topLevelItemCount() == 0
    window.excerpts.subcodes.setChecked(True)
    item = next(view.topLevelItem(i) for i in range(3) if view.topLevelItem(i).text(2) == "Interview NPM-2")
    assert item.text(3) == "NPM-2" and item.text(4) == "NPM-2"
    view.setCurrentItem(item)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.current_document == next(d.id for d in window.project.documents() if d.name == "Interview NPM-2")
    t = window.transcript  # a jump locates the passage (drawn, not selected: a code click must not code it)
    assert not t.textCursor().hasSelection() and t.located is not None
    assert window.project.document_text(window.current_document)[slice(*t.located)] == \
        "first in the family to go to college"


def test_search_in_document_and_project(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.excerpts.scope.currentIndex() == 1
    qtbot.keyClicks(window.excerpts.search, "feedback")
    qtbot.keyClick(window.excerpts.search, Qt.Key.Key_Return)
    docs = {window.excerpts.view.topLevelItem(i).text(2) for i in range(window.excerpts.view.topLevelItemCount())}
    assert docs == {"Interview NPM-1", "Focus group"}
    assert window.transcript.extraSelections()  # hits marked in the open document
    window.excerpts.focus_search(False)
    qtbot.keyClick(window.excerpts.search, Qt.Key.Key_Return)
    docs = {window.excerpts.view.topLevelItem(i).text(2) for i in range(window.excerpts.view.topLevelItemCount())}
    assert docs == {"Interview NPM-1"}


def test_memo_is_saved_as_you_type(qtbot, window, reopen):
    memos = window.memos
    memos.select_target("document")
    qtbot.keyClicks(memos.editor, "Rich on belonging; revisit.")
    qtbot.waitUntil(lambda: reopen().memo("document", window.current_document) == "Rich on belonging; revisit.")
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    memos.select_target("code")
    qtbot.keyClicks(memos.editor, "Structural forces.")
    memos.editor.clearFocus()
    memos.save()
    assert reopen().memo("code", code_id(window, "Seeing the system")) == "Structural forces."


def test_documents_grouped_by_participant(qtbot, window):
    docs = window.documents
    assert docs.objectName() == "documentList"
    model = docs.model()
    assert model.group_names() == ["NPM-1", "NPM-2", "Not linked to a participant"]
    # Each participant's row, then its documents' rows.
    group = model.group_index(0)
    assert group.data() == "NPM-1" and docs.visualRect(group).isValid()
    assert group.data(Qt.ItemDataRole.ToolTipRole) == "Participant NPM-1"
    assert model.group_index(0, 1).data() == ""
    assert not model.group_index(0).flags() & Qt.ItemFlag.ItemIsSelectable
    first = [group.siblingAtRow(group.row() + 1).siblingAtColumn(c).data() for c in range(3)]
    assert first[1] == "interview" and first[2].endswith("%") and first[2] != "0%"
    assert "words" in group.siblingAtRow(group.row() + 1).data(Qt.ItemDataRole.ToolTipRole)
    # A click on a participant's row chooses nothing; a click on a document opens it.
    before = window.current_document
    qtbot.mouseClick(docs.viewport(), Qt.MouseButton.LeftButton, pos=docs.visualRect(model.group_index(2)).center())
    assert window.current_document == before
    target = model.index(model.group_index(2).row() + 1, 0)
    qtbot.mouseClick(docs.viewport(), Qt.MouseButton.LeftButton, pos=docs.visualRect(target).center())
    assert window.transcript.toPlainText().startswith("Moderator:")
    assert window.current_document == target.data(DOC_ROLE) == model.documents_in(2)[0].id
    # The keyboard: Up goes to the document above, over the participant's row.
    docs.setFocus()
    qtbot.keyClick(docs, Qt.Key.Key_Up)
    assert window.current_document == model.documents_in(1)[-1].id
    qtbot.keyClick(docs, Qt.Key.Key_Home)
    assert window.current_document == model.documents_in(0)[0].id


def test_documents_dock_follows_a_coding_and_a_rename(qtbot, window, reopen):
    docs = window.documents
    model = docs.model()
    doc = reopen().documents()[0]
    row = docs.item_for(doc.id)
    share_before = row.siblingAtColumn(2).data()
    window.open_document(doc.id)
    text = window.transcript.toPlainText()
    start = text.index(":") + 2
    code = next(iter(window.catalog.codes.values()))
    window.run("Code a passage", lambda: window.project.apply_coding(doc.id, code.id, start, len(text)))
    qtbot.waitUntil(lambda: docs.item_for(doc.id).siblingAtColumn(2).data() != share_before)
    assert docs.item_for(doc.id).siblingAtColumn(2).data() == f"{reopen().coded_shares()[doc.id]:.0%}"
    case = reopen().case_by_name("NPM-1")
    window.run("Rename participant", lambda: window.project.rename_case(case.id, "AAA-1"))
    assert model.index(0, 0).data() == "AAA-1" and docs.current_document().id == doc.id
    window.undo_stack.undo()
    assert model.group_names() == ["NPM-1", "NPM-2", "Not linked to a participant"]


def test_dropping_files_imports_them(qtbot, window, tmp_path, messages, reopen):
    good = tmp_path / "Interview NPM-7.txt"
    good.write_bytes("Interviewer: Hello?\r\nNPM-7: Hi \u2014 caf\u00e9.\r\n".encode("cp1252"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good))])
    drag_and_drop(window, QPoint(600, 300), mime)
    assert "Interview NPM-7" in {d.name for d in reopen().documents()}
    assert any("Interview NPM-7" in m and "speakers" in m for m in messages)
    assert window.documents.item_for(reopen().document_by_name("Interview NPM-7").id) is not None
    # A bad file: told which and why; nothing imported.
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    other = tmp_path / "other.txt"
    other.write_text("NPM-8: fine")
    mime.setUrls([QUrl.fromLocalFile(str(other)), QUrl.fromLocalFile(str(empty))])
    before = len(reopen().documents())
    drag_and_drop(window, QPoint(600, 300), mime)
    assert len(reopen().documents()) == before
    assert any("empty.txt" in m and "Nothing was imported" in m for m in messages)
    assert "Traceback" not in "".join(messages)


def test_import_can_be_cancelled(qtbot, window, tmp_path, messages, reopen, monkeypatch):
    from PySide6.QtWidgets import QProgressDialog

    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    f = tmp_path / "x.txt"
    f.write_text("NPM-9: words")
    before = len(reopen().documents())
    window.import_paths([str(f)])
    assert len(reopen().documents()) == before
    assert any("cancelled" in m for m in messages)


def test_start_page_without_project(qtbot, messages, study):
    from npmdesk import settings
    from npmdesk.ui import MainWindow

    settings.add_recent_project(study)
    w = MainWindow(None, coder="Ana")
    qtbot.addWidget(w)
    assert w.project is None and w.central.currentWidget() is w.start_page
    assert not w.actions["import"].isEnabled()
    recent = w.start_page.recent
    assert recent.item(0).data(Qt.ItemDataRole.UserRole) == str(study.resolve())
    recent.itemActivated.emit(recent.item(0))
    assert w.project is not None and w.transcript.toPlainText()
    w.close_project()
    assert w.project is None
    w.open_project(study.with_name("missing.npmdesk"))
    assert any("no such project file" in m for m in messages)
    w.close()


def test_excepthook_shows_a_dialog_without_traceback(monkeypatch, tmp_path):
    import npmdesk.ui.dialogs as dialogs
    from npmdesk.ui.errors import install_excepthook

    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, msg, *a: shown.append(msg))
    old = sys.excepthook
    try:
        install_excepthook()
        try:
            raise ZeroDivisionError("boom")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    assert shown and "ZeroDivisionError" in shown[0] and "Traceback" not in shown[0]
    assert "saved" in shown[0]


def test_self_test_entry_point_without_selftest_module(monkeypatch, capsys):
    from npmdesk.ui import app

    monkeypatch.setitem(sys.modules, "npmdesk.ui.selftest", None)  # import fails
    assert app.run(SimpleNamespace(project=None, demo=False, self_test=True)) == 1
    assert "self-test" in capsys.readouterr().err


def test_keyboard_reaches_every_panel(qtbot, window):
    for n, name in ((1, "documentList"), (2, "transcriptView"), (3, "codeFilter"), (4, "excerptsView")):
        window.actions[f"focus{n}"].trigger()
        assert window.focusWidget().objectName() == name
    from npmdesk.ui.menus import shortcut_rows

    keys = dict(shortcut_rows(window))
    assert "1 … 9" in keys and any("In-vivo" in v for v in keys.values())


def test_file_open_event_opens_the_project(qtbot, window, tmp_path):
    """A project double-clicked while npmdesk runs (macOS) arrives as a FileOpen event."""
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from npmdesk.store import Project
    from npmdesk.ui.app import _file_open_filter

    other = tmp_path / "other.npmdesk"
    Project.create(other, "Ana").close()
    flt = _file_open_filter(window)
    QApplication.instance().installEventFilter(flt)
    try:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(other)))
    finally:
        QApplication.instance().removeEventFilter(flt)
    assert window.project.path == other


def test_changes_made_by_another_program_reload_the_views(qtbot, window, reopen):
    """Found in a trial: codes added by `npmdesk code` while the window was open stayed invisible."""
    other = reopen()
    doc = other.document_by_name("Interview NPM-1").id
    text = other.document_text(doc)
    start = text.index("Nobody tells you")
    code = other.ensure_code_path("Hidden curriculum/System as curriculum")
    other.apply_coding(doc, code, start, start + 16)
    assert window.external.check() is True
    assert code in window.code_panel.model.codes
    assert window.code_panel.model.own[code].codings == 1
    assert window.undo_stack.count() == 0
    assert window.external.check() is False  # once per outside change
    # The window's own writes never count as outside changes.
    window.coding.apply_code(code, (0, 5), window.current_document)
    assert window.external.check() is False


def test_an_empty_project_says_how_to_start(qtbot, tmp_path, messages):
    from npmdesk.store import Project
    from npmdesk.ui import MainWindow

    path = tmp_path / "empty.npmdesk"
    Project.create(path, "Ana").close()
    w = MainWindow(path, coder="Ana")
    qtbot.addWidget(w)
    assert w.transcript.toPlainText() == ""
    assert "import transcripts" in w.transcript.placeholderText().lower()
    w.close()


def test_a_memo_that_cannot_be_saved_is_kept(qtbot, window, reopen, monkeypatch, messages):
    """Review finding: a failed save marked the memo clean, and switching target then lost it."""
    from npmdesk.core.errors import ProjectBusyError

    memos = window.memos
    memos.select_target("document")
    real = window.project.set_memo

    def busy(*a, **k):
        raise ProjectBusyError("the project is busy in another program")

    monkeypatch.setattr(window.project, "set_memo", busy)
    qtbot.keyClicks(memos.editor, "Do not lose me.")
    memos.save()
    assert "Not saved" in memos.state.text()
    memos.select_target("project")  # refused while the text is unsaved
    assert memos.current[0] == "document" and memos.editor.toPlainText() == "Do not lose me."
    monkeypatch.setattr(window.project, "set_memo", real)
    memos.save()
    assert reopen().memo("document", window.current_document) == "Do not lose me."


def test_dropping_a_code_on_its_own_row_edge_does_nothing(qtbot, window, reopen):
    """Review finding: it raised ValueError (the 'something went wrong' dialog)."""
    from npmdesk.ui import mime as mimes
    from tests.ui.conftest import drag_and_drop, row_point

    tree = window.code_tree
    code = code_id(window, "Seeing the system")
    before = [c.path for c in reopen().codes()]
    mime = mimes.codes_mime([code])
    drag_and_drop(tree.viewport(), row_point(tree, code, "above"), mime)
    assert [c.path for c in reopen().codes()] == before


def test_open_analysis_views_refresh_once_coding_pauses(qtbot, window, monkeypatch):
    """Review finding: every coding recomputed every open matrix (hundreds of ms at study scale)."""
    from npmdesk.ui.analysis.menu import REFRESH_DELAY_MS

    view = window.analysis.show("matrix")
    calls = []
    monkeypatch.setattr(view, "refresh", lambda: calls.append(1))
    code = code_id(window, "Seeing the system")
    for start in (0, 10, 20):
        window.coding.apply_code(code, (start, start + 5), window.current_document)
    assert calls == []  # none while coding goes on
    qtbot.wait(REFRESH_DELAY_MS + 300)
    assert calls == [1]


def test_help_has_a_user_guide(qtbot, window):
    window.actions["guide"].trigger()
    guide = window.guide
    qtbot.addWidget(guide)
    from PySide6.QtWidgets import QTextBrowser

    text = guide.findChild(QTextBrowser).toPlainText()
    assert "Import transcripts" in text and "Exemplar for" in text and "REFI-QDA" in text
    guide.close()


def test_no_two_actions_share_a_shortcut(window):
    """Found in a trial: Ctrl+Shift+Z (redo) and Ctrl+Shift+M were each bound twice, so Qt ran neither."""
    from PySide6.QtGui import QAction

    seen: dict[str, str] = {}
    clashes = []
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            if text in seen and seen[text] != action.text():
                clashes.append((text, seen[text], action.text()))
            seen[text] = action.text()
    assert clashes == []
    assert "Ctrl+Shift+Z" in [k.toString() for k in window.actions["redo"].shortcuts()]


def test_export_report_opens_with_a_code_selected(qtbot, window, monkeypatch):
    """Found in a trial: File > Export report… crashed when a code was selected in the tree."""
    from PySide6.QtWidgets import QDialog

    from npmdesk.ui.export_dialog import ExportDialog

    seen = []
    monkeypatch.setattr(ExportDialog, "exec", lambda self: seen.append(self) or QDialog.DialogCode.Rejected)
    window.code_tree.select_code(code_id(window, "Seeing the system"))
    window.actions["export"].trigger()
    [dialog] = seen
    checked = [dialog.codes.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.codes.count())
               if dialog.codes.item(i).checkState() == Qt.CheckState.Checked]
    assert checked == ["Seeing the system"]


def test_analysis_views_fit_a_laptop_screen(qtbot, window):
    """Found in a trial: each analysis dock opened beside the others and the window's minimum
    width grew past 1,900 px."""
    for key in ("matrix", "alignment", "chart", "saturation"):
        window.analysis.show(key)
    window.media.dock.show()  # the recording player as well (above the transcript)
    assert window.minimumSizeHint().width() <= 1366
    assert window.minimumSizeHint().height() <= 728  # 768 less a taskbar
    texts = [a.text() for a in window.menus["View"].actions()]
    assert any("Matrix" in t for t in texts) or any("matrix" in t.lower() for t in texts)


def test_file_dialogs_start_where_the_last_file_was(qtbot, window, tmp_path):
    """Found in a trial: every dialog started in the home folder."""
    from npmdesk import settings
    from npmdesk.store import Project

    folder = tmp_path / "Interviews 2026"
    folder.mkdir()
    Project.create(folder / "x.npmdesk", "Ana").close()
    window.open_project(folder / "x.npmdesk")
    assert settings.last_folder() == str(folder.resolve())
