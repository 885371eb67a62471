"""The one write path: every step says what it changed, and undo restores exactly what it removed."""

from __future__ import annotations

import sqlite3

import pytest

from npmdesk.core.changes import Changes
from npmdesk.core.errors import NotFoundError
from npmdesk.store import Project, TurnSpec
from npmdesk.store.journal import UndoConflictError

TEXT = "Interviewer: How was the first week?\nNPM-1: Overwhelming, but my mentor helped.\n"


def _dump(path) -> dict:
    """Every row of every project table except the audit trail and coders (history, not data)."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'document_texts_fts%' "
                                            "AND name NOT IN ('audit', 'coders')")]
        return {n: sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}
    finally:
        conn.close()


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "j.npmdesk", "Ana")
    doc = p.add_document("Interview 1", TEXT, turns=[TurnSpec(0, 37, "Interviewer"), TurnSpec(37, len(TEXT), "NPM-1")])
    case = p.add_case("NPM-1")
    p.link_speaker(doc, "NPM-1", case)
    theme = p.add_code("Socialisation")
    code = p.add_code("Mentor support", theme)
    p.apply_coding(doc, code, 44, 55)
    p.set_memo("code", code, "first thoughts")
    p.add_builtin_framework("acgme")
    p.doc, p.theme_id, p.code_id, p.case_id = doc, theme, code, case
    yield p
    p.close()


def _round_trip(project, operation):
    """Run an operation as one step, undo it, redo it: the file matches before/after exactly."""
    before = _dump(project.path)
    value, step = project.perform(operation)
    after = _dump(project.path)
    assert after != before, "the operation changed nothing"
    redo = project.revert(step, "test")
    assert _dump(project.path) == before
    project.revert(redo, "test")
    assert _dump(project.path) == after
    return value, step


@pytest.mark.parametrize("name, operation", [
    ("apply coding", lambda p: p.apply_coding(p.doc, p.code_id, 0, 11)),
    ("remove coding", lambda p: p.remove_coding(p.codings_in_document(p.doc)[0].id)),
    ("change span", lambda p: p.change_coding_span(p.codings_in_document(p.doc)[0].id, 40, 60)),
    ("merge codes", lambda p: p.merge_codes(p.code_id, p.add_code("Mentors"))),
    ("delete code", lambda p: p.delete_code(p.theme_id, children="delete", codings="delete")),
    ("move code", lambda p: p.move_code(p.code_id, None, 0)),
    ("rename", lambda p: p.rename_code(p.code_id, "Mentoring")),
    ("memo", lambda p: p.set_memo("code", p.code_id, "second thoughts")),
    ("framework to code tree", lambda p: p.add_framework_codes(p.frameworks()[0].id)),
    ("framework", lambda p: p.add_builtin_framework("canmeds")),
    ("attribute", lambda p: p.set_case_attribute(p.case_id, "year", "2")),
    ("delete participant", lambda p: p.delete_case(p.case_id)),
    ("unlink speaker", lambda p: p.link_speaker(p.doc, "NPM-1", None)),
    ("document kind", lambda p: p.set_document_kind(p.doc, "focus-group")),
    ("new document", lambda p: p.add_document("Interview 2", "NPM-2: Hello.\n")),
])
def test_every_step_undoes_and_redoes_exactly(project, name, operation):
    _round_trip(project, lambda: operation(project))


def test_changes_say_what_a_step_touched(project):
    cid, step = project.perform(lambda: project.apply_coding(project.doc, project.theme_id, 0, 11))
    c = step.changes
    assert c.codings_added == {cid} and c.counted_codes == {project.theme_id} and c.documents == {project.doc}
    assert not (c.document_list or c.codes or c.memos or c.frameworks)
    _, step = project.perform(lambda: project.link_speaker(project.doc, "NPM-1", None))
    assert step.changes.cases and step.changes.counted_codes is None  # participants of any code may differ
    _, step = project.perform(lambda: project.add_framework_codes(project.frameworks()[0].id))
    assert len(step.changes.codes) == 7 and step.changes.frameworks  # each new code is aligned with its element
    merged = Changes(codes=frozenset({1})) | Changes(counted_codes=None, memos=True)
    assert merged.codes == {1} and merged.counted_codes is None and merged.memos


def test_only_a_step_that_can_change_a_count_asks_for_a_recount(project):
    """`recounted` names the codes whose counts may differ; a new span alone changes none, so a
    typed letter inside a coding asks the code tree for nothing while the excerpt lists still
    hear of the code (`counted_codes`)."""
    code = project.code_id
    _, step = project.perform(lambda: project.edit_text(project.doc, [(50, 50, "x")]))
    assert step.changes.counted_codes == {code} and step.changes.recounted == set()
    assert not step.changes.recounts()
    # The document's text, length and words changed, not the list of documents.
    assert step.changes.texts == {project.doc} and not step.changes.document_list
    _, rekinded = project.perform(lambda: project.set_document_kind(project.doc, "focus-group"))
    assert rekinded.changes.document_list and not rekinded.changes.texts
    coding = project.codings_in_document(project.doc)[0].id
    _, step = project.perform(lambda: project.change_coding_span(coding, 44, 60))
    assert step.changes.recounted == set()
    # Reaching into a turn of another participant: that code's participant count may differ.
    project.link_speaker(project.doc, "Interviewer", project.add_case("Dr Interviewer"))
    _, step = project.perform(lambda: project.change_coding_span(coding, 20, 60))
    assert step.changes.recounted == {code} and step.changes.recounts()
    _, step = project.perform(lambda: project.edit_text(project.doc, [(15, 65, "")]))  # the coding's words go
    assert step.changes.codings_removed == {coding} and step.changes.recounted == {code}
    _, step = project.perform(lambda: project.apply_coding(project.doc, project.theme_id, 0, 5))
    assert step.changes.recounted == {project.theme_id}
    merged = Changes(recounted=frozenset({1})) | Changes(recounted=None)
    assert merged.recounted is None and merged.recounts()


def test_undo_of_a_merge_keeps_a_coding_another_program_added_meanwhile(project):
    target = project.add_code("Mentors")
    _, step = project.perform(lambda: project.merge_codes(project.code_id, target))
    other = Project.open(project.path, "Cli")  # the CLI, in another process as far as SQLite knows
    theirs = other.apply_coding(project.doc, target, 0, 11)
    other.close()
    project.revert(step, "merge")
    kept = {c.id: c.code_id for c in project.codings_in_document(project.doc)}
    assert kept[theirs] == target  # another writer's coding is never lost
    assert project.code(project.code_id).name == "Mentor support"
    assert sorted(kept.values()) == sorted([target, project.code_id])


def test_undo_refuses_rather_than_lose_another_writers_work(project):
    new_code, step = project.perform(lambda: project.add_code("Brand new"))
    other = Project.open(project.path, "Cli")
    theirs = other.apply_coding(project.doc, new_code, 0, 11)
    other.close()
    before = _dump(project.path)
    with pytest.raises(UndoConflictError, match="Nothing was undone"):
        project.revert(step, "new code")  # deleting the code would take their coding with it
    assert _dump(project.path) == before
    assert project.coding(theirs).code_id == new_code


def test_undo_refuses_when_another_program_edited_the_same_row(project):
    _, step = project.perform(lambda: project.rename_code(project.code_id, "Mentoring"))
    other = Project.open(project.path, "Cli")
    other.rename_code(project.code_id, "Mentoring (peers)")
    other.close()
    with pytest.raises(UndoConflictError):
        project.revert(step, "rename")
    assert project.code(project.code_id).name == "Mentoring (peers)"


def test_a_read_only_open_never_writes_and_records_no_coder(project, tmp_path):
    project.close()
    data = project.path.read_bytes()
    with Project.open(project.path, "Zed", read_only=True) as p:
        assert p.read_only and p.coder_id is None
        assert p.documents() and p.excerpts()
        with pytest.raises(Exception, match="read-only"):
            p.add_code("Nope")
    with Project.open(project.path, "Zed") as p:  # read-write, but nothing done: still no write
        assert p.coder_id is None
    assert project.path.read_bytes() == data


def test_the_coder_is_recorded_with_the_first_change(project):
    project.close()
    with Project.open(project.path, "Bea") as p:
        assert "Bea" not in [c["name"] for c in p.coders()]
        p.add_code("Bea's code")
        assert p.coder_id is not None and "Bea" in [c["name"] for c in p.coders()]


def test_undo_never_attaches_a_restored_coding_to_a_code_that_reused_an_id(project):
    """SQLite gives a deleted row's id to the next new row: undo must notice the code is another."""
    resilience = project.add_code("Resilience")
    coding = project.apply_coding(project.doc, resilience, 0, 11)
    _, step = project.perform(project.remove_coding, coding)
    other = Project.open(project.path, "Cli")
    other.delete_code(resilience, codings="delete")
    reused = other.add_code("Budget cuts")
    other.close()
    assert reused == resilience  # the id came round again
    with pytest.raises(UndoConflictError, match="removed or replaced"):
        project.revert(step, "remove coding")
    assert project.codings_in_document(project.doc) == [c for c in project.codings_in_document(project.doc)
                                                       if c.code_id != reused]


def test_undo_restores_reals_and_blobs_exactly(project):
    """The journal keeps values with their SQLite types: a REAL to the last digit, a BLOB as bytes
    (a file written by another program may hold either where npmdesk writes text or integers)."""
    with project.write():
        project.db.execute("INSERT INTO meta(key, value) VALUES ('b', x'00ff10')")
        project.db.execute("UPDATE codes SET position = 1234.5678901234567 WHERE id = ?", (project.code_id,))

    def values():
        return (project.db.execute("SELECT value, typeof(value) FROM meta WHERE key = 'b'").fetchall(),
                project.db.execute("SELECT position, typeof(position) FROM codes WHERE id = ?",
                                   (project.code_id,)).fetchall())

    before = values()
    assert before[1][0][1] == "real" and before[0][0][1] == "blob"

    def change():
        with project.write():
            project.db.execute("DELETE FROM meta WHERE key = 'b'")
            project.db.execute("UPDATE codes SET position = 2 WHERE id = ?", (project.code_id,))

    _, step = project.perform(change)
    project.revert(step, "change")
    assert values() == before


def test_a_refused_first_change_forgets_the_coder_it_recorded(project):
    project.close()
    p = Project.open(project.path, "Zed")
    with pytest.raises(NotFoundError):
        p.apply_coding(p.documents()[0].id, 999, 0, 5)  # no such code: refused, rolled back
    assert p.coder_id is None and "Zed" not in [c["name"] for c in p.coders()]
    other = Project.open(project.path, "Bob")
    other.add_code("Bob's")  # Bob gets the next coder id
    other.close()
    code = p.add_code("Zed's")
    cid = p.apply_coding(p.documents()[0].id, code, 0, 5)
    assert p.coding(cid).coder == "Zed"
    p.close()


def test_a_step_that_changes_nothing_leaves_no_trace(project):
    project.close()
    p = Project.open(project.path, "Newcomer")
    before = p.path.read_bytes()
    value, step = p.perform(lambda: p.set_memo("document", p.documents()[0].id, ""))  # no memo to clear
    assert step.entries == () and p.path.read_bytes() == before
    assert "Newcomer" not in [c["name"] for c in p.coders()]
    p.close()


def test_a_step_opens_its_transaction_at_its_first_write(project):
    """Work before a step's first write (reading, parsing files) holds no lock on the project."""
    def slow_then_write():
        other = Project.open(project.path, "Cli")
        other.add_code("Written while the step was still reading")  # would wait 10 s if locked
        other.close()
        return project.add_code("The step's own")
    _, step = project.perform(slow_then_write)
    assert {"Written while the step was still reading", "The step's own"} <= {c.name for c in project.codes()}
    assert len(step.changes.codes) == 1


def test_an_exemplar_needs_its_theme_aligned_with_the_element(project):
    """Found in a trial: a quote of an unaligned theme went into the competency table."""
    from npmdesk.core.errors import InvalidValueError

    fw = project.frameworks()[0]
    element = fw.elements[0]
    coding = project.codings_in_document(project.doc)[0].id
    with pytest.raises(InvalidValueError, match="not aligned"):
        project.add_element_exemplar(element.id, coding)
    project.align_code(project.theme_id, element.id, "a sub-code inherits its theme's alignment")
    project.add_element_exemplar(element.id, coding)
    assert project.coding_element_exemplars(coding) == {element.id}


def test_changes_say_whose_turns_or_recording_changed(project, tmp_path):
    """A coding touches a document but neither its turns nor its recording (the player reads
    them again only for those); an edit's shift moves turns, a speaker link and a recording say so."""
    doc = project.doc
    _, step = project.perform(lambda: project.apply_coding(doc, project.theme_id, 0, 11))
    assert step.changes.documents == {doc} and not step.changes.turns and not step.changes.media
    _, step = project.perform(lambda: project.edit_text(doc, [(2, 2, "x")]))  # every later turn shifts
    assert step.changes.turns == {doc} and not step.changes.media
    _, step = project.perform(lambda: project.link_speaker(doc, "NPM-1", None))
    assert step.changes.turns == {doc}
    audio = tmp_path / "one.wav"
    audio.write_bytes(b"RIFF")
    _, step = project.perform(lambda: project.link_media(doc, audio, "0" * 64, 4, 1000))
    assert step.changes.media == {doc} and not step.changes.turns
