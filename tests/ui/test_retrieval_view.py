"""The retrieval view (issue 18.9): a code's excerpts read as a document, filtered, with context,
jumping to the transcript, following changes, printed and exported as shown; and the excerpts
panel's time stamps (issue 20)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QFileDialog

from npmdesk.store import Project
from tests.ui.conftest import click_code, code_id
from tests.ui.sample_project import build

THEME = "Socialisation into medicine"
MEMO = "Being relied on: compare with NPM-2's family story."


@pytest.fixture
def study(tmp_path):
    """The window's sample study, with roles, recording times on one transcript, a memo, a second
    coder's coding and a document group."""
    path = tmp_path / "study.npmdesk"
    p = build(path)
    p.set_case_attribute(p.ensure_case("NPM-1"), "role", "mentor")
    p.set_case_attribute(p.ensure_case("NPM-2"), "role", "mentee")
    d1, d2 = (d.id for d in p.documents()[:2])
    for i, t in enumerate(p.turns(d1)):
        p.set_turn_time(t.id, 61_000 + 15_000 * i)  # 00:01:01, 00:01:16, ...
    first = p.codings_in_document(d1)[0]
    p.set_memo("coding", first.id, MEMO)
    gid = p.add_group("document", "Second round")
    p.add_group_members(gid, [d2])
    p.close()
    other = Project.open(path, "Ben")
    text = other.document_text(d2)
    phrase = "Better than I expected"
    at = text.index(phrase)
    other.apply_coding(d2, other.code_by_path(f"{THEME}/Imposter feelings").id, at, at + len(phrase))
    other.close()
    return path


def open_view(qtbot, window, path=THEME):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, path))
    qtbot.mouseClick(window.excerpts.read, Qt.MouseButton.LeftButton)
    view = window.retrieval
    qtbot.waitUntil(view.isVisible)
    return view


def choose(qtbot, box, text):
    """Pick an entry of a combo box from the keyboard, as a user would."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentText() == text:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == text


def page_text(view) -> str:
    return view.page.toPlainText()


def test_read_as_document_shows_each_excerpt_in_full_with_its_source_memo_and_other_codes(qtbot, window):
    view = open_view(qtbot, window)
    assert view.title.text() == f"<b>{THEME}</b>" and view.count.text() == "4 excerpts"
    text = page_text(view)
    p = window.project
    stored = p.excerpts(view.excerpt_filter())
    assert [e.coding_id for e in view.excerpts] == [e.coding_id for e in stored]
    for e in stored:
        assert " ".join(e.text.split()) in " ".join(text.split())  # in full, never cut
    # Source lines: participant, document and ¶, the turn's time where the recording has one, coder.
    assert "NPM-1 · Interview NPM-1, ¶ 2 · 00:01:16 · coded by Ana · Show in transcript" in text
    assert "NPM-2 · Interview NPM-2, ¶ 4 · coded by Ben" in text  # no recording times: no time
    assert f"Memo: {MEMO}" in text
    # Sub-codes under their headings, in the code tree's order.
    assert text.index(f"{THEME}/Belonging") < text.index(f"{THEME}/Imposter feelings")


def test_other_codes_on_a_passage_are_listed(qtbot, window):
    view = open_view(qtbot, window, "Teaching consolidates knowledge")
    assert view.count.text() == "2 excerpts"
    text = page_text(view)
    # "I started to give clearer explanations on the wards too" overlaps an Honest feedback coding.
    second = text[text.index("I started to give clearer explanations on the wards too"):]
    assert "Also coded: Growing as a communicator/Honest feedback" in second
    assert "Also coded" not in text[:text.index("I started to give clearer explanations on the wards too")]


def test_the_shortcut_opens_the_selected_codes_page(qtbot, window):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, "Seeing the system"))
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.retrieval
    qtbot.waitUntil(view.isVisible)
    assert view.count.text() == "1 excerpt" and "the exam calendar push students around" in page_text(view)
    # It follows the code tree while open.
    click_code(qtbot, window, code_id(window, "Teaching consolidates knowledge"))
    assert view.count.text() == "2 excerpts" and "Teaching it consolidated it." in page_text(view)


def _format_at(view, phrase):
    doc = view.page.document()
    at = doc.find(phrase)
    assert not at.isNull(), phrase
    cur = QTextCursor(doc)
    cur.setPosition(at.selectionStart() + 1)
    return cur.charFormat().foreground().color().name()


def test_context_around_each_excerpt_is_greyed(qtbot, window):
    view = open_view(qtbot, window, "Seeing the system")
    assert "And the wider system?" not in page_text(view)
    choose(qtbot, view.context, "1 paragraph around")
    text = page_text(view)
    # The paragraph before (the question), the rest of its own paragraph after it.
    assert "Interviewer: And the wider system?" in text
    assert "Nobody tells you that the system is part of the curriculum." in text
    quote, context = _format_at(view, "push students around"), _format_at(view, "And the wider system?")
    assert quote != context and _format_at(view, "Nobody tells you") == context
    choose(qtbot, view.context, "The speaker turn")
    text = page_text(view)
    assert "And the wider system?" not in text and "Nobody tells you that the system" in text
    assert "NPM-1: I saw how the schedule" in text  # the turn from its label on


def test_filters_narrow_the_page_and_say_how_many(qtbot, window):
    view = open_view(qtbot, window)
    choose(qtbot, view.participant, "NPM-2")
    assert view.count.text() == "2 of 4 excerpts"
    assert {e.participant for e in view.excerpts} == {"NPM-2"}
    assert "I felt like I belonged" not in page_text(view)
    choose(qtbot, view.participant, "All participants")
    choose(qtbot, view.attribute, "role = mentor")
    assert view.count.text() == "2 of 4 excerpts" and {e.participant for e in view.excerpts} == {"NPM-1"}
    choose(qtbot, view.attribute, "Any attribute")
    choose(qtbot, view.coder, "Ben")
    assert view.count.text() == "1 of 4 excerpts" and [e.coder for e in view.excerpts] == ["Ben"]
    choose(qtbot, view.coder, "All coders")
    assert view.group.isVisible()
    choose(qtbot, view.group, "Second round")
    assert view.count.text() == "2 of 4 excerpts" and {e.document for e in view.excerpts} == {"Interview NPM-2"}
    choose(qtbot, view.attribute, "role = mentor")  # mentors in the second round: none
    assert view.count.text() == "0 of 4 excerpts" and "No excerpt of this code matches" in page_text(view)
    assert not view.word_button.isEnabled()


def test_double_click_or_link_jumps_to_the_passage_located_not_selected(qtbot, window):
    view = open_view(qtbot, window, "Seeing the system")
    e = view.excerpts[0]
    window.open_document(next(d.id for d in window.document_list if d.name == "Focus group"))
    page = view.page
    found = page.document().find("the exam calendar")
    rect = page.cursorRect(QTextCursor(found))
    qtbot.mouseDClick(page.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(4, 0))
    t = window.transcript
    assert window.current_document == e.document_id
    assert t.located == (e.start, e.end) and not t.textCursor().hasSelection()
    # Clicking a code now browses it and codes nothing (issue 18.1).
    before = len(window.project.codings_in_document(e.document_id))
    click_code(qtbot, window, code_id(window, "Teaching consolidates knowledge"))
    assert len(window.project.codings_in_document(e.document_id)) == before
    # The "Show in transcript" link does the same.
    window.open_document(next(d.id for d in window.document_list if d.name == "Focus group"))
    view.show_code(code_id(window, "Seeing the system"))
    link = page.document().find("Show in transcript")
    cur = QTextCursor(page.document())
    cur.setPosition(link.selectionStart() + 3)
    qtbot.mouseClick(page.viewport(), Qt.MouseButton.LeftButton, pos=page.cursorRect(cur).center())
    assert window.current_document == e.document_id and t.located == (e.start, e.end)


def test_the_page_follows_codings_added_undone_and_memos(qtbot, window):
    view = open_view(qtbot, window)
    p = window.project
    d2 = next(d.id for d in window.document_list if d.name == "Interview NPM-2")
    text = p.document_text(d2)
    at = text.index("We met in the library café")
    imposter = code_id(window, f"{THEME}/Imposter feelings")
    window.run("Code", lambda: p.apply_coding(d2, imposter, at, at + len("We met in the library café")))
    qtbot.waitUntil(lambda: view.count.text() == "5 excerpts")
    assert "We met in the library café" in page_text(view)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: view.count.text() == "4 excerpts")
    assert "We met in the library café" not in page_text(view)
    coding = view.excerpts[-1].coding_id
    window.run("Memo", lambda: p.set_memo("coding", coding, "Ask about the family."))
    qtbot.waitUntil(lambda: "Memo: Ask about the family." in page_text(view))


def test_a_long_theme_is_written_a_page_at_a_time(qtbot, window):
    p = window.project
    d1 = next(d.id for d in window.document_list if d.name == "Interview NPM-1")
    many = window.run("New code", lambda: p.ensure_code_path("Many")).value
    n = len(p.document_text(d1)) - 2
    window.run("Code", lambda: [p.apply_coding(d1, many, i, i + 2) for i in range(0, min(n, 2 * 160), 2)])
    view = open_view(qtbot, window, "Many")
    assert view.count.text().startswith("160 excerpts (") and len(view.excerpts) < 160
    bar = view.page.verticalScrollBar()
    while view.has_more():
        before = len(view.excerpts)
        bar.setValue(bar.maximum())
        assert len(view.excerpts) > before
    assert view.count.text() == "160 excerpts" and len(view.excerpts) == 160
    # Another context rewrites the page up to where the reader is, and keeps that excerpt on top.
    bar.setValue(bar.maximum() * 2 // 3)
    top, _ = view._top()
    assert top > 50
    choose(qtbot, view.context, "1 paragraph around")
    qtbot.wait(20)
    assert view._top()[0] == top and top < len(view.excerpts) < 160


def test_print_pdf_and_word_export_as_shown(qtbot, window, tmp_path, monkeypatch, messages):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    view = open_view(qtbot, window)
    choose(qtbot, view.participant, "NPM-2")
    printed = tmp_path / "printed.pdf"

    def accept(dialog):  # the user picks "Print to file (PDF)" and presses Print
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    assert printed.read_bytes().startswith(b"%PDF")
    paper = view.printable().toPlainText()  # what is printed: a heading, no links
    assert paper.startswith(f"study: {THEME}\n2 of 4 excerpts · participants: NPM-2")
    assert "Show in transcript" not in paper and "NPM-2 · Interview NPM-2, ¶ 4 · coded by Ana\n" in paper

    pdf = tmp_path / "belonging.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
    assert pdf.read_bytes().startswith(b"%PDF")

    word = tmp_path / "as shown.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(word), ""))
    choose(qtbot, view.context, "1 paragraph around")  # the Word file holds the context shown
    assert "How did it go?" in view.page.toPlainText()
    qtbot.mouseClick(view.word_button, Qt.MouseButton.LeftButton)
    import docx

    paragraphs = docx.Document(str(word)).paragraphs
    body = "\n".join(par.text for par in paragraphs)
    assert "first in the family to go to college" in body and "Better than I expected" in body
    assert "I felt like I belonged" not in body  # NPM-1's excerpts were filtered out of the page
    assert "participants: NPM-2" in body
    context = [par for par in paragraphs if "How did it go?" in par.text]  # shown around a quote, not coded
    assert context and all(par.style.name == "Quote" and par.runs[0].font.size.pt == 9 for par in context)


def test_outputs_never_overwrite_a_project(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog

    import npmdesk.ui.dialogs as dialogs

    view = open_view(qtbot, window)
    project_file = window.project.path
    before = project_file.read_bytes()
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: errors.append(message))

    def print_over_project(dialog):
        dialog.printer().setOutputFileName(str(project_file))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", print_over_project)
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    assert errors and "open project" in errors[-1] and project_file.read_bytes() == before
    # A copy of a project under a .pdf name is still a project: refused too.
    disguised = tmp_path / "copy.pdf"
    window.project.save_copy(disguised)
    kept = disguised.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(disguised), ""))
    qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
    assert "npmdesk project" in errors[-1] and disguised.read_bytes() == kept


def test_excerpts_panel_shows_time_stamps_when_the_turn_has_one(qtbot, window):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, THEME))
    view = window.excerpts.view
    assert not view.isColumnHidden(5) and view.headerItem().text(5) == "Time"
    rows = {view.topLevelItem(i).text(2): view.topLevelItem(i).text(5) for i in range(view.topLevelItemCount())}
    assert rows["Interview NPM-1"] == "00:01:16" and rows["Interview NPM-2"] == ""
    click_code(qtbot, window, code_id(window, "Teaching consolidates knowledge"))
    assert [view.topLevelItem(i).text(5) for i in range(view.topLevelItemCount())] == ["00:01:46", "00:02:16"]


def test_read_as_document_keeps_the_panels_group_and_sub_code_choice(qtbot, window):
    window.code_tree.setFocus()
    click_code(qtbot, window, code_id(window, THEME))
    choose(qtbot, window.excerpts.group, "Group: Second round")
    assert window.excerpts.view.topLevelItemCount() == 2
    qtbot.mouseClick(window.excerpts.read, Qt.MouseButton.LeftButton)
    view = window.retrieval
    assert view.group.currentText() == "Second round" and view.subcodes.isChecked()
    assert view.count.text() == "2 of 4 excerpts"
    assert {e.coding_id for e in view.excerpts} == {
        window.excerpts.view.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 3)[0] for i in range(2)}


def test_the_filters_are_filled_when_the_view_opens_not_at_every_change_while_hidden(qtbot, window):
    """A hidden view does not read every participant at each project change (20,000 of them took
    over half a second of every open); opening it fills its filters with what is there now."""
    view = window.retrieval
    assert not view.isVisible()
    fills = []
    original = view.fill_filters
    view.fill_filters = lambda: (fills.append(1), original())
    window.project.add_case("NPM-99")  # a change of participants while the view is hidden
    window.reload_all()
    assert fills == []
    click_code(qtbot, window, code_id(window, "Seeing the system"))
    window.actions["read_excerpts"].trigger()
    qtbot.waitUntil(view.isVisible)
    assert fills and view.participant.findText("NPM-99") >= 0
