"""The documents dock lists a focus group under every participant linked to one of its speakers,
not only under one (or under "Not linked")."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Qt

from npmdesk.ui.documents_panel import DOC_ROLE, NO_PARTICIPANT, group_documents


def _names(model, group: str) -> list[str]:
    return [d.name for d in model.documents_in(model.group_names().index(group))]


def _link(window, speaker: str, participant: str) -> None:
    p = window.project
    doc = p.document_by_name("Focus group")

    def link():
        p.link_speaker(doc.id, speaker, p.ensure_case(participant))

    assert window.run(f"Link {speaker}", link).ok


def test_a_focus_group_is_listed_under_each_linked_participant(qtbot, window, reopen):
    docs = window.documents
    model = docs.model()
    assert _names(model, NO_PARTICIPANT) == ["Focus group"]
    _link(window, "NPM-3", "NPM-3")
    _link(window, "NPM-5", "NPM-5")
    assert model.group_names() == ["NPM-1", "NPM-2", "NPM-3", "NPM-5"]  # nobody is left unlinked
    assert _names(model, "NPM-3") == ["Focus group"] and _names(model, "NPM-5") == ["Focus group"]
    stored = reopen()
    fg = stored.document_by_name("Focus group")
    assert {s.name: s.case for s in stored.speakers(fg.id)} == {"Moderator": None, "NPM-3": "NPM-3",
                                                                 "NPM-5": "NPM-5", "NPM-6": None}
    # Both rows are the focus group: a click on the one under NPM-5 opens it.
    under_5 = model.index(model.group_index(model.group_names().index("NPM-5")).row() + 1, 0)
    assert under_5.data() == "Focus group" and under_5.data(DOC_ROLE) == fg.id
    assert "Listed under: NPM-3, NPM-5" in under_5.data(Qt.ItemDataRole.ToolTipRole)
    qtbot.mouseClick(docs.viewport(), Qt.MouseButton.LeftButton, pos=docs.visualRect(under_5).center())
    assert window.current_document == fg.id
    assert window.transcript.toPlainText().startswith("Moderator:")
    assert docs.currentIndex().row() == under_5.row()  # the row clicked stays current
    # A coding in it updates the coded share in every row that lists it.
    under_3 = model.index(model.group_index(model.group_names().index("NPM-3")).row() + 1, 2)
    assert under_3.data() == under_5.siblingAtColumn(2).data() == "0%"
    code = next(c for c in window.catalog.codes.values() if c.name == "Honest feedback")
    text = window.transcript.toPlainText()
    window.run("Code", lambda: window.project.apply_coding(fg.id, code.id, 0, len(text) // 2))
    qtbot.waitUntil(lambda: under_3.data() != "0%")
    assert under_3.data() == under_5.siblingAtColumn(2).data() == f"{reopen().coded_shares()[fg.id]:.0%}"
    # Undoing a link takes the document from under that participant only.
    window.undo_stack.undo()  # the coding
    window.undo_stack.undo()  # NPM-5's link
    assert "NPM-5" not in model.group_names()  # the participant came with the link: both undone
    assert _names(model, "NPM-3") == ["Focus group"]


def test_a_document_with_its_own_participant_is_listed_once_under_them():
    def doc(i, name, case=None):
        return SimpleNamespace(id=i, name=name, case=case)

    documents = [doc(1, "Interview NPM-1", "NPM-1"), doc(2, "Focus group", None), doc(3, "Dyad", "NPM-2")]
    links = {1: ["NPM-1"], 2: ["NPM-3", "NPM-1", "NPM-3"], 3: ["NPM-4"]}
    grouped = {k: [d.name for d in ds] for k, ds in group_documents(documents, links)}
    assert grouped == {"NPM-1": ["Interview NPM-1", "Focus group"], "NPM-2": ["Dyad"],
                       "NPM-3": ["Focus group"], "NPM-4": ["Dyad"]}
    assert [k for k, _ in group_documents(documents)] == ["NPM-1", "NPM-2", NO_PARTICIPANT]
