"""Team coding in the window: a blind copy coded by a second coder in their own window, merged
as one undoable step, compared in the agreement view (rendered offscreen), reconciled, exported,
and each coder's codings shown or hidden."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from npmdesk.store import Project
from tests.ui.conftest import select_text

SHOTS = Path(os.environ.get("NPMDESK_SHOTS", "/tmp/npmdesk-shots"))


@pytest.fixture
def quiet(monkeypatch, messages):
    import npmdesk.ui.team_menu as team_menu

    def record(*args, **kwargs):
        messages.append(" | ".join(str(a) for a in args[1:]))

    monkeypatch.setattr(team_menu, "show_error", record)
    monkeypatch.setattr(team_menu, "show_info", record)
    return messages


def _code_selection(qtbot, w, phrase: str, code_path: str) -> None:
    select_text(w.transcript, phrase)
    code = next(c for c in w.project.codes() if c.path == code_path)
    start, end = w.transcript.selected_span()
    outcome = w.run("Apply code", lambda: w.project.apply_coding(w.current_document, code.id, start, end))
    assert outcome.ok


def test_copy_code_merge_agree_reconcile(qtbot, window, quiet, tmp_path, study):
    from npmdesk.ui import MainWindow

    w = window
    assert w.actions["team_copy"].isEnabled() and w.actions["agreement"].isEnabled()
    ana_count = w.project.counts()["codings"]
    copy_path = tmp_path / "ben-copy.npmdesk"
    assert w.team.copy_for_coder(copy_path, blind=True)
    with Project.open(copy_path, "x", read_only=True) as c:
        assert c.counts()["codings"] == 0 and c.counts()["documents"] == w.project.counts()["documents"]

    # Ben codes his blind copy in his own window.
    ben = MainWindow(copy_path, coder="Ben")
    qtbot.addWidget(ben)
    ben.show()
    doc = ben.project.documents()[0]
    ben.open_document(doc.id)
    _code_selection(qtbot, ben, "I felt like I belonged in medicine", "Socialisation into medicine/Belonging")
    _code_selection(qtbot, ben, "Teaching it consolidated it.", "Teaching consolidates knowledge")
    ben.close()

    # Ana merges it: one step on the undo stack, and undo takes it back exactly.
    w.open_document(doc.id)
    assert w.team.merge([copy_path])
    assert any("coding(s) added" in m for m in quiet)
    ben_id = w.project.coder_by_name("Ben")
    assert w.project.counts()["codings"] == ana_count + 2
    w.undo_stack.undo()
    assert w.project.counts()["codings"] == ana_count
    w.undo_stack.redo()
    assert w.project.counts()["codings"] == ana_count + 2

    # Hide Ben's codings: the transcript and the excerpts show Ana's only.
    shown_before = set(w.transcript.index.spans)
    ben_codings = {c.id for c in w.project.codings_in_document(doc.id) if c.coder_id == ben_id}
    assert ben_codings <= shown_before
    w.team.show_coder(ben_id, False)
    assert not ben_codings & set(w.transcript.index.spans)
    w.team.show_coder(ben_id, True)
    assert ben_codings <= set(w.transcript.index.spans)

    # The agreement view: table, sentence, disagreements; rendered offscreen.
    view = w.team.show_agreement()
    view.coder_a.setCurrentText("Ana")
    view.coder_b.setCurrentText("Ben")
    assert view.compute()
    assert view.table.rowCount() >= 2
    assert view.table.item(view.table.rowCount() - 1, 0).text() == "All codes (pooled)"
    assert "Two coders (Ana, Ben)" in view.sentence.text()
    n = view.list.topLevelItemCount()
    assert n >= 1
    w.team.dock.resize(1100, 520)
    view.resize(1100, 520)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / "agreement-view.png"))

    # Resolve the first with Accept B, the rest with Both: written as "Consensus", undoable.
    view.list.setCurrentItem(view.list.topLevelItem(0))
    assert view.resolve("b")
    consensus = w.project.coder_by_name("Consensus")
    assert w.project.count_excerpts(__import__("npmdesk.store", fromlist=["x"]).ExcerptFilter(
        coder_ids=(consensus,))) >= 1
    pending = [int(view.list.topLevelItem(i).text(0)) for i in range(view.list.topLevelItemCount())
               if view.list.topLevelItem(i).text(5) == "pending"]
    if pending:
        assert view.resolve("both", pending)
    assert all(view.list.topLevelItem(i).text(5) == "resolved" for i in range(view.list.topLevelItemCount()))
    assert w.undo_stack.count() >= 2

    # Export the table.
    out = tmp_path / "agreement.docx"
    assert view.export_to(str(out)) and out.stat().st_size > 0
    assert view.export_to(str(tmp_path / "agreement.csv"))


def test_merge_refusal_changes_nothing(qtbot, window, quiet, tmp_path):
    w = window
    other = Project.create(tmp_path / "other.npmdesk", "Ben")
    other.add_document("Interview NPM-1", "A different text altogether.")
    other.close()
    before = w.project.counts()
    assert not w.team.merge([tmp_path / "other.npmdesk"])
    assert any("Nothing was merged" in m and "Interview NPM-1" in m for m in quiet)
    assert w.project.counts() == before


def test_edit_writes_the_passage_selected_in_the_transcript(qtbot, window, quiet):
    w = window
    doc = w.project.documents()[0].id
    ben = w.project.ensure_coder("Ben")
    code = next(c for c in w.project.codes() if c.path == "Teaching consolidates knowledge").id
    text = w.project.document_text(doc)
    s = text.index("Explaining it out loud")
    w.project.apply_coding(doc, code, s, s + 40, coder_id=ben)  # Ben alone: a disagreement
    w.open_document(doc)
    view = w.team.show_agreement()
    view.coder_a.setCurrentText("Ana")
    view.coder_b.setCurrentText("Ben")
    assert view.compute()
    row = next(i for i in range(view.list.topLevelItemCount())
               if view.list.topLevelItem(i).text(2) == "Teaching consolidates knowledge"
               and int(view.list.topLevelItem(i).text(3).split("–")[0]) <= s
               < int(view.list.topLevelItem(i).text(3).split("–")[1]))
    view.list.setCurrentItem(view.list.topLevelItem(row))
    select_text(w.transcript, "Explaining it out loud")
    assert view.resolve("edit")
    consensus = w.project.coder_by_name("Consensus")
    mine = [(c.start, c.end) for c in w.project.codings_in_document(doc)
            if c.coder_id == consensus and c.code_id == code]
    assert (s, s + len("Explaining it out loud")) in mine
    w.undo_stack.undo()
    assert (s, s + len("Explaining it out loud")) not in [
        (c.start, c.end) for c in w.project.codings_in_document(doc) if c.coder_id == consensus]


def _blind_copy_coded(w, tmp_path, coder: str, n: int) -> Path:
    path = tmp_path / f"{coder}.npmdesk"
    assert w.team.copy_for_coder(path, blind=True)
    with Project.open(path, coder) as copy:
        doc = copy.documents()[0]
        code = copy.codes()[0]
        copy.perform(lambda: [copy.apply_coding(doc.id, code.id, k, k + 4) for k in range(n)])
    return path


def test_merge_progress_cancel_rolls_back_and_a_large_merge_says_it_cannot_be_undone(
        qtbot, window, quiet, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QPushButton

    import npmdesk.store.team as team

    monkeypatch.setattr(team, "UNDOABLE_MERGE_CODINGS", 20)
    monkeypatch.setattr(team, "PROGRESS_CHUNK", 10)
    w = window
    path = _blind_copy_coded(w, tmp_path, "Ben", 40)
    before = w.project.counts()
    shown: list[int] = []

    def press_cancel():
        dialog = w.team.progress_dialog
        assert dialog is not None and dialog.objectName() == "mergeProgress"
        shown.append(dialog.maximum())
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press_cancel)  # fires in the first progress tick's event processing
    assert not w.team.merge([path])
    assert shown == [40]
    assert w.project.counts() == before  # cancel kept nothing
    assert "cancelled" in w.statusBar().currentMessage()
    assert not any("Merge refused" in m for m in quiet)

    assert w.team.merge([path])
    assert w.project.counts()["codings"] == before["codings"] + 40
    assert any("cannot be undone" in m for m in quiet)
    qtbot.waitUntil(lambda: not w.undo_stack.canUndo())
    assert "cannot be undone" in w.statusBar().currentMessage()
