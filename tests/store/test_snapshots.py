"""Undo of deleting and merging codes (whole subtrees, with codings and memos) restores them exactly."""

import pytest

from npmdesk.store import Project
from npmdesk.store.journal import UndoConflictError


def _state(p):
    return (
        [(c.id, c.parent_id, c.name, c.color, c.description, c.position, c.guid) for c in p.codes()],
        sorted((g.id, g.code_id, g.start, g.end, g.guid, g.exemplar) for d in p.documents()
               for g in p.codings_in_document(d.id)),
        sorted((m["target"], m["target_id"], m["text"]) for m in p.memos()),
    )


def _setup(project, sample_text):
    doc = project.add_document("i1", sample_text)
    theme = project.ensure_code_path("Theme")
    a = project.ensure_code_path("Theme/A")
    a1 = project.ensure_code_path("Theme/A/A1")
    b = project.ensure_code_path("Theme/B")
    project.ensure_code_path("Theme/B/A1")
    c1 = project.apply_coding(doc, a, 0, 10)
    project.apply_coding(doc, a1, 5, 20)
    project.apply_coding(doc, b, 0, 10)
    project.set_memo("code", a, "memo of A")
    project.set_memo("coding", c1, "why")
    project.set_code_description(a, "def A")
    return doc, theme, a, b


def test_restore_after_merge(project, sample_text):
    _, _, a, b = _setup(project, sample_text)
    before = _state(project)
    _, step = project.perform(project.merge_codes, a, b)
    assert _state(project) != before
    redo = project.revert(step)
    assert _state(project) == before
    assert project.check()["foreign_keys"] == "ok"
    project.revert(redo)  # redo works on the restored ids
    assert a not in {c.id for c in project.codes()}


def test_restore_after_delete_variants(project, sample_text):
    _, theme, a, b = _setup(project, sample_text)
    before = _state(project)
    for kwargs in ({"children": "delete", "codings": "delete"}, {"children": "lift", "codings": "parent"}):
        _, step = project.perform(lambda kwargs=kwargs: project.delete_code(a, **kwargs))
        project.revert(step)
        assert _state(project) == before
    _, step = project.perform(lambda: project.delete_code(theme, children="delete", codings="delete"))
    assert project.codes() == []
    project.revert(step)
    assert _state(project) == before
    reopened = Project.open(project.path, "Ben")
    assert _state(reopened) == before
    reopened.close()


def test_coded_shares(project):
    doc = project.add_document("d", "x" * 100)
    code = project.ensure_code_path("C")
    other = project.ensure_code_path("D")
    project.apply_coding(doc, code, 0, 30)
    project.apply_coding(doc, other, 20, 40)
    project.apply_coding(doc, other, 60, 70)
    assert project.coded_shares() == {doc: 0.5}


def test_undo_refuses_when_what_it_refers_to_was_deleted_meanwhile(project, sample_text):
    """Undo of a code deletion after a participant and a framework it referred to were deleted
    outside its history: refused whole, with a message, and the project left as it is."""
    from npmdesk.store import TurnSpec

    doc = project.add_document("d", sample_text, turns=[TurnSpec(0, len(sample_text), "NPM-1")])
    case = project.add_case("NPM-1")
    project.link_speaker(doc, "NPM-1", case)
    code = project.add_code("C")
    coding = project.apply_coding(doc, code, 0, 5)
    fw = project.add_builtin_framework("acgme")
    element = project.element_by_name("Professionalism", fw)
    project.align_code(code, element.id, "why")
    project.add_element_exemplar(element.id, coding)
    _, step = project.perform(lambda: project.delete_code(code, codings="delete"))
    project.delete_case(case)
    project.delete_framework(fw)
    before = _state(project)
    with pytest.raises(UndoConflictError, match="Nothing was undone"):
        project.revert(step)
    assert _state(project) == before and project.codings_in_document(doc) == []
    assert project.check()["foreign_keys"] == "ok"
