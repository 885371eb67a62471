"""SCENARIO.md carried through the real window, start to finish: create, import (with a broken
file refused), participants, linking focus-group speakers, open coding with undo, themes, merge,
review and search, alignment with exemplars per competency, Word reports, REFI-QDA, and a project
that reopens intact. Each step is checked in what the window shows and in the file."""

from __future__ import annotations

import docx
from PySide6.QtCore import Qt

from npmdesk.formats.refi.exporter import export_qdpx
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.reports.export import ReportOptions, export_report
from npmdesk.store import Project
from tests.ui.conftest import select_text

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Facilitator>What did being a mentor teach you?

00:00:05.500 --> 00:00:12.000
<v NPM-2>Teaching the cranial nerves made me finally understand them.

00:00:12.500 --> 00:00:20.000
<v NPM-5>Honest feedback from my mentee changed how I explain things.

00:00:20.500 --> 00:00:28.000
<v NPM-6>I saw how the schedule pushes first-generation students around.
"""


def make_sources(folder):
    d = docx.Document()
    d.add_paragraph("Interview with NPM-1")
    table = d.add_table(rows=3, cols=2)
    rows = [("Interviewer", "How did mentoring start for you?"),
            ("NPM-1", "I felt like I belonged in medicine for the first time."),
            ("Interviewer", "And feedback?")]
    for row, (who, said) in zip(table.rows, rows):
        row.cells[0].text, row.cells[1].text = who, said
    d.save(folder / "Interview NPM-1.docx")
    (folder / "Focus group.vtt").write_text(VTT, encoding="utf-8")
    (folder / "Interview NPM-3.txt").write_bytes(
        "Interviewer: Was it hard?\r\nNPM-3: My mentor said \u201cyou belong here\u201d \u2014 Mu\u00f1oz, "
        "na\u00efve me, believed it. Honest feedback helped.\r\n".encode("cp1252"))
    (folder / "attachment.docx").write_bytes(b"this is not really a Word file" * 10)
    (folder / "participants.csv").write_text(
        "ID,year,background,rural\nNPM-1,3,Biology,no\nNPM-2,2,Nursing,yes\nNPM-3,4,Chemistry,no\n"
        "NPM-5,3,Biology,yes\nNPM-6,2,Physics,no\n", encoding="utf-8")


def test_the_study_end_to_end(qtbot, tmp_path, messages, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from npmdesk.formats.participants_csv import import_participants
    from npmdesk.ui import MainWindow
    from npmdesk.ui.import_dialog import ImportDialog

    monkeypatch.setattr(ImportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    src = tmp_path / "from the service"
    src.mkdir()
    make_sources(src)
    path = tmp_path / "Documents" / "npm-mentors.npmdesk"

    # 2. Create the project.
    w = MainWindow(None, coder="Ana")
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    assert w.new_project(path)

    # 3. Import: the broken attachment is refused by name and nothing changes; then the rest.
    files = [str(src / n) for n in ("Interview NPM-1.docx", "Focus group.vtt", "Interview NPM-3.txt",
                                    "attachment.docx")]
    w.import_paths(files)
    assert any("attachment.docx" in m and "Nothing was imported" in m for m in messages)
    assert w.project.documents() == []
    w.import_paths(files[:3])
    docs = {d.name: d for d in w.project.documents()}
    assert set(docs) == {"Interview NPM-1", "Focus group", "Interview NPM-3"}
    assert docs["Focus group"].kind == "focus-group" and docs["Interview NPM-3"].encoding == "cp1252"
    assert "Muñoz, naïve me" in w.project.document_text(docs["Interview NPM-3"].id)

    # 4. Participants: the CSV links interviews and focus-group speakers by ID; not the facilitator.
    import_participants(w.project, src / "participants.csv")
    w.refresh()
    docs = {d.name: d for d in w.project.documents()}
    assert docs["Interview NPM-1"].case == "NPM-1"
    fg = docs["Focus group"].id
    assert {s.name: s.case for s in w.project.speakers(fg)} == {
        "Facilitator": None, "NPM-2": "NPM-2", "NPM-5": "NPM-5", "NPM-6": "NPM-6"}

    # 5. Open coding in the viewer: new codes by typing, in-vivo, overlap, undo.
    w.open_document(fg)
    select_text(w.transcript, "Teaching the cranial nerves made me finally understand them")
    qtbot.keyClicks(w.code_panel.filter, "Teaching consolidates knowledge/Explaining to learn")
    qtbot.keyClick(w.code_panel.filter, Qt.Key.Key_Return)
    select_text(w.transcript, "Honest feedback from my mentee")
    w.coding.in_vivo()
    select_text(w.transcript, "Honest feedback from my mentee changed how I explain things")
    qtbot.keyClicks(w.code_panel.filter, "Feedback")
    qtbot.keyClick(w.code_panel.filter, Qt.Key.Key_Return)
    select_text(w.transcript, "the schedule pushes first-generation students around")
    qtbot.keyClicks(w.code_panel.filter, "Seeing the system")
    qtbot.keyClick(w.code_panel.filter, Qt.Key.Key_Return)
    select_text(w.transcript, "I saw how")
    qtbot.keyClick(w.transcript, Qt.Key.Key_4)  # numbers in order of first use: 4 = Seeing the system
    w.actions["undo"].trigger()  # a mistake, undone
    w.open_document(docs["Interview NPM-3"].id)
    select_text(w.transcript, "Honest feedback helped")
    qtbot.keyClick(w.transcript, Qt.Key.Key_3)  # 3 = Feedback, as it was
    p = w.project
    feedback = p.code_by_path("Feedback").id
    assert p.code_counts()[feedback].codings == 2 and p.code_counts()[feedback].participants == 2

    # 6. Themes: nest, merge the in-vivo duplicate, define, memo.
    theme = p.add_code("Growing as a communicator")
    w.refresh()
    w.coding.drop_code(feedback, theme, 0, merge=False)
    invivo = p.code_by_path("Honest feedback from my mentee").id
    w.coding.merge_code(invivo, feedback)
    p.set_code_description(theme, "Communication skills mentors develop and carry to patients.")
    p.set_memo("code", theme, "Emerged in the focus group first.")
    assert [c.path for c in p.codes()] == [
        "Teaching consolidates knowledge", "Teaching consolidates knowledge/Explaining to learn",
        "Seeing the system", "Growing as a communicator", "Growing as a communicator/Feedback"]

    # 7. Review: excerpts with participant and speaker, search, matrix.
    w.code_tree.select_code(theme)
    # The merged in-vivo coding (a shorter span) stays beside the longer one: 3 excerpts.
    qtbot.waitUntil(lambda: w.excerpts.view.topLevelItemCount() == 3)
    rows = [(w.excerpts.view.topLevelItem(i).text(3), w.excerpts.view.topLevelItem(i).text(4)) for i in range(3)]
    assert sorted(rows) == [("NPM-3", "NPM-3"), ("NPM-5", "NPM-5"), ("NPM-5", "NPM-5")]
    hits = p.search("feedback")
    assert {h.document for h in hits} == {"Focus group", "Interview NPM-3", "Interview NPM-1"}
    m = p.matrix("codes", "participants", aggregate=True)
    row = m.row_labels.index("Growing as a communicator")
    assert {m.col_labels[j] for j, n in enumerate(m.cells[row]) if n} == {"NPM-3", "NPM-5"}

    # 8. Align with ACGME, with a rationale and an exemplar quote per competency.
    fw = p.add_builtin_framework("acgme")
    ics = p.element_by_name("Interpersonal and Communication Skills", fw)
    p.align_code(theme, ics.id, "Mentors learn to give and take feedback.")
    coding = next(e.coding_id for e in p.excerpts()
                  if e.text == "Honest feedback from my mentee changed how I explain things")
    from PySide6.QtWidgets import QMenu

    menu = QMenu(w)
    w.coding.add_element_exemplar_menu(menu, coding, feedback)
    menu.actions()[0].menu().actions()[0].trigger()
    [ics_row] = [r for r in p.alignment_rows(fw) if r.element.id == ics.id]
    assert [x.participant for x in ics_row.exemplars] == ["NPM-5"]

    # 9. Word reports open with the exact quotes.
    out = tmp_path / "report"
    out.mkdir()
    for report in ("excerpts", "codebook", "participants", "alignment"):
        export_report(p, report, "docx", out / f"{report}.docx", ReportOptions())
    alignment = docx.Document(out / "alignment.docx")
    cells = [c.text for t in alignment.tables for r in t.rows for c in r.cells]
    assert any("Honest feedback from my mentee changed how I explain things" in c and "NPM-5" in c for c in cells)
    excerpts_text = "\n".join(x.text for x in docx.Document(out / "excerpts.docx").paragraphs)
    assert "Honest feedback helped" in excerpts_text

    # 10. Share: .qdpx for a reviewer, and the .npmdesk file itself reopens intact elsewhere.
    export_qdpx(p, tmp_path / "for-reviewer.qdpx")
    assert import_qdpx(tmp_path / "for-reviewer.qdpx", tmp_path / "reviewer.npmdesk", "Reviewer").counts["codings"] == 5
    with Project.open(tmp_path / "reviewer.npmdesk", "Reviewer") as r:
        assert [c.path for c in r.codes()] == [c.path for c in p.codes()]
    w.close_project()
    copy = tmp_path / "co-author.npmdesk"
    copy.write_bytes(path.read_bytes())  # e-mailed: one file, nothing beside it
    with Project.open(copy, "Co-author") as q:
        assert q.check()["integrity"] == "ok"
        assert q.code_counts(with_descendants=True)[theme].codings == 3
        assert q.memo("code", theme) == "Emerged in the focus group first."
    w.close()
