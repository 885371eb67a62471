"""REVIEW (branch review): after edits (typing, a typed label, undo, redo) every dock shows what a
fresh window on the same file shows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import open_window

TEXT = ("Interviewer: What helped in the first week?\n"
        "NPM-1: My mentor. She met me every morning and we went through the schedule.\n"
        "Interviewer: And the exams?\n"
        "NPM-2: Harder than I thought.\n")


def _docs_dock(w):
    m = w.documents.model_
    out = []
    def walk(parent):
        for r in range(m.rowCount(parent)):
            row = []
            for c in range(m.columnCount(parent)):
                ix = m.index(r, c, parent)
                row.append((m.data(ix, Qt.ItemDataRole.DisplayRole), m.data(ix, Qt.ItemDataRole.ToolTipRole)))
            out.append(tuple(row))
            walk(m.index(r, 0, parent))
    walk(m.index(-1, -1))
    return out


def _project(tmp_path):
    from npmdesk.formats.speakers import detect_turns
    from npmdesk.store import Project

    path = tmp_path / "v.npmdesk"
    p = Project.create(path, "Ana")
    doc = p.add_document("Interview 1", TEXT, turns=detect_turns(TEXT))
    for name in ("NPM-1", "NPM-2"):
        p.link_speaker(doc, name, p.add_case(name))
    code = p.add_code("Mentor")
    p.apply_coding(doc, code, TEXT.index("My mentor"), TEXT.index(" She"))
    p.close()
    return path, doc


def test_review_documents_dock_after_edits_matches_a_fresh_window(qtbot, tmp_path):
    path, doc = _project(tmp_path)
    w = open_window(qtbot, path, doc)
    w.transcript_edit.set_editing(True)
    end = len(TEXT)
    steps = [(end, end, "And the second week was calm too, really."),  # after every coding
             (TEXT.index(" She"), TEXT.index(" She") + 1, "\nNPM-2: ")]  # a typed label: a turn
    for at, old_end, middle in steps:
        w.transcript_edit.replace(at, old_end, middle, label="type")
        qtbot.wait(50)
        shown = _docs_dock(w)
        fresh = open_window(qtbot, path, doc)
        qtbot.wait(50)
        assert shown == _docs_dock(fresh), middle
        fresh.close()
    for act in (w.undo_stack.undo, w.undo_stack.undo, w.undo_stack.redo):
        act()
        qtbot.wait(50)
        fresh = open_window(qtbot, path, doc)
        qtbot.wait(50)
        assert _docs_dock(w) == _docs_dock(fresh)
        fresh.close()
    w.close()


def _viewer(w):
    h = w.transcript.highlighter
    return dict(h.labels), dict(w.transcript.paragraph_numbers), w.transcript.toPlainText()


def test_review_typed_labels_viewer_matches_a_fresh_window(qtbot, tmp_path):
    """A label typed (a turn begins), a label taken away (the turn joins the one before), their
    undo and redo: the viewer's bold labels and numbers are what a fresh window shows."""
    path, doc = _project(tmp_path)
    w = open_window(qtbot, path, doc)
    w.transcript_edit.set_editing(True)
    she = TEXT.index(" She")
    w.transcript_edit.replace(she, she + 1, "\nNPM-2: ", label="type")
    text = w.project.document_text(doc)
    at = text.index("NPM-2: Harder")
    w.transcript_edit.replace(at, at + 7, "", label="type")
    for act in (None, w.undo_stack.undo, w.undo_stack.undo, w.undo_stack.redo, w.undo_stack.redo):
        if act is not None:
            act()
        qtbot.wait(20)
        fresh = open_window(qtbot, path, doc)
        assert _viewer(w) == _viewer(fresh)
        fresh.close()
    w.close()
