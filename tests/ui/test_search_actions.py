"""Search you can act on: the scope reruns the search, and the hits' context menu codes every hit
(or its sentence, paragraph or speaker turn) as one undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from npmdesk.core.spread import context_after, context_before, paragraph_span, sentence_span
from tests.ui.conftest import code_id


def _search(qtbot, window, query: str) -> None:
    box = window.excerpts.search
    box.setFocus()
    box.clear()
    qtbot.keyClicks(box, query)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_sentence_and_paragraph_rules():
    text = "Hello there. We are here! And a clearer view.\n\nSecond para. Yes."
    s = text.index("are")
    assert text[slice(*sentence_span(text, s, s + 3))] == "We are here!"
    assert text[slice(*paragraph_span(text, s, s + 3))] == "Hello there. We are here! And a clearer view."
    assert text[slice(*context_before(text, text.index("We"), "sentence"))] == "Hello there. "
    assert text[slice(*context_after(text, text.index("And") - 1, "sentence"))] == " And a clearer view."
    end = text.index("\n")
    assert text[slice(*context_after(text, end, "sentence"))].strip() == "Second para."


def test_changing_the_scope_reruns_the_search(qtbot, window):
    panel = window.excerpts
    _search(qtbot, window, "feedback")
    here = len(panel.shown_hits())
    assert here >= 1 and {d for d, _, _ in panel.shown_hits()} == {window.current_document}
    panel.scope.setFocus()
    qtbot.keyClick(panel.scope, Qt.Key.Key_Down)  # "Whole project", by keyboard
    assert panel.scope.currentIndex() == 1
    docs = {d for d, _, _ in panel.shown_hits()}
    assert len(docs) > 1 and len(panel.shown_hits()) > here
    assert "hit(s)" in panel.title.text()


def test_code_all_hits_with_a_code_is_one_undoable_step(qtbot, window, monkeypatch):
    import npmdesk.ui.code_picker as picker
    p = window.project
    panel = window.excerpts
    target = code_id(window, "Seeing the system")
    _search(qtbot, window, "first")
    panel.scope.setCurrentIndex(1)
    hits = panel.shown_hits()
    assert len(hits) >= 3
    d, a, b = hits[0]
    window.run("pre", lambda: p.apply_coding(d, target, a, b))  # one hit already coded: skipped
    before = {(c.document_id, c.start, c.end) for doc in {h[0] for h in hits}
              for c in p.codings_in_document(doc) if c.code_id == target}
    chosen = []

    def fake_exec(self):
        qtbot.keyClicks(self.filter, "seeing")  # the searchable list narrows to one code
        chosen.append([self.list.item(i).text() for i in range(self.list.count()) if not self.list.item(i).isHidden()])
        return picker.QDialog.DialogCode.Accepted
    monkeypatch.setattr(picker.CodePicker, "exec", fake_exec)
    menu = panel.hits_menu()
    assert [a.text().replace("&", "") for a in menu.actions()][0] == "Code all hits with…"
    depth = window.undo_stack.count()
    menu.actions()[0].trigger()
    assert chosen == [["Seeing the system"]]
    after = {(c.document_id, c.start, c.end) for doc in {h[0] for h in hits}
             for c in p.codings_in_document(doc) if c.code_id == target}
    assert after - before == set(hits) - {(d, a, b)}
    assert window.undo_stack.count() == depth + 1
    assert f"Coded {len(hits) - 1} search hit(s)" in window.statusBar().currentMessage()
    assert "1 already coded" in window.statusBar().currentMessage()
    assert target in window.recent_codes  # applied by a gesture: it now has a number key
    window.undo_stack.undo()
    again = {(c.document_id, c.start, c.end) for doc in {h[0] for h in hits}
             for c in p.codings_in_document(doc) if c.code_id == target}
    assert again == before


def test_spread_to_sentence_and_turn(qtbot, window):
    p = window.project
    panel = window.excerpts
    target = code_id(window, "Seeing the system")
    doc = window.current_document
    text = p.document_text(doc)
    _search(qtbot, window, "consolidated")
    assert len(panel.shown_hits()) == 1
    n = window.code_hits("sentence", target)
    assert n == 1
    spans = {(c.start, c.end) for c in p.codings_in_document(doc) if c.code_id == target}
    assert "Teaching it consolidated it." in {text[a:b] for a, b in spans}
    window.code_hits("turn", target)
    turn = next(t for t in p.turns(doc) if t.start <= text.index("consolidated") < t.end)
    spans = {(c.start, c.end) for c in p.codings_in_document(doc) if c.code_id == target}
    assert (turn.start, turn.end) in spans
    assert window.code_hits("turn", target) == 0  # already coded: nothing new, no step
    assert "already coded" in window.statusBar().currentMessage()
