"""Team merge: telling an edited document from a different one, a large merge done unjournalled
(not undoable, backed up first), and progress with cancel that keeps nothing."""

from __future__ import annotations

import sqlite3

import pytest

from npmdesk.core.errors import BadInputError, CancelledError
from npmdesk.store import Project
from npmdesk.store import team
from npmdesk.store.team import apply_merge, make_team_copy, merge_copies, plan_merge, text_hash

TEXT = "Interviewer: How was it?\nNPM-1: " + "I belonged and the feedback was honest. " * 20 + "\n"


@pytest.fixture
def lead(tmp_path):
    p = Project.create(tmp_path / "lead.npmdesk", "Lead")
    case = p.ensure_case("NPM-1")
    p.add_document("Interview 1", TEXT, case_id=case)
    p.ensure_code_path("Belonging")
    yield p
    p.close()


def _change_text(path, new_text, versions=()):
    """Give the copy's document other text, recording the given (version, text) rows."""
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("BEGIN")
    doc = db.execute("SELECT id FROM documents").fetchone()[0]
    db.execute("UPDATE document_texts SET text = ? WHERE document_id = ?", (new_text, doc))
    db.execute("UPDATE documents SET length = ? WHERE id = ?", (len(new_text), doc))
    for version, text in versions:
        db.execute("INSERT OR REPLACE INTO document_versions(document_id, version, text_sha256, created) "
                   "VALUES (?, ?, ?, '2026-01-01')", (doc, version, text_hash(text)))
    db.execute("COMMIT")
    db.close()


def _record_versions(project, versions):
    doc = project.documents()[0].id
    with sqlite3.connect(str(project.path), isolation_level=None) as db:
        for version, text in versions:
            db.execute("INSERT OR REPLACE INTO document_versions(document_id, version, text_sha256, created) "
                       "VALUES (?, ?, ?, '2026-01-01')", (doc, version, text_hash(text)))


def test_a_document_with_other_text_and_no_shared_version_is_a_different_document(lead, tmp_path):
    make_team_copy(lead, tmp_path / "ana.npmdesk")
    _change_text(tmp_path / "ana.npmdesk", TEXT.replace("honest", "kind"))
    with pytest.raises(BadInputError, match="is a different document from the project's 'Interview 1'"):
        plan_merge(lead, [tmp_path / "ana.npmdesk"])


def test_a_document_edited_in_the_project_since_the_copy_names_the_version(lead, tmp_path):
    make_team_copy(lead, tmp_path / "ana.npmdesk")
    edited = TEXT.replace("honest", "kind")
    _record_versions(lead, [(1, TEXT), (2, edited)])
    # The project's document is now version 2; the copy still has version 1's text.
    with sqlite3.connect(str(lead.path), isolation_level=None) as db:
        db.execute("UPDATE document_texts SET text = ?", (edited,))
        db.execute("UPDATE documents SET length = ?", (len(edited),))
    with pytest.raises(BadInputError, match=r"was edited in the project since the copy was made \(the copy has "
                                            r"version 1, the project version 2\)"):
        plan_merge(lead, [tmp_path / "ana.npmdesk"])


def test_a_document_edited_in_the_copy_is_told_apart(lead, tmp_path):
    make_team_copy(lead, tmp_path / "ana.npmdesk")
    edited = TEXT.replace("honest", "kind")
    _change_text(tmp_path / "ana.npmdesk", edited, [(1, TEXT), (2, edited)])
    with pytest.raises(BadInputError, match=r"was edited in the copy since it was made \(version 1 is the "
                                            r"project's text, the copy has version 2\)"):
        plan_merge(lead, [tmp_path / "ana.npmdesk"])


def _coded_copy(lead, tmp_path, coder, n):
    out = tmp_path / f"{coder}.npmdesk"
    make_team_copy(lead, out, blind=True)
    with Project.open(out, coder) as copy:
        doc, code = copy.documents()[0].id, copy.code_by_path("Belonging").id
        copy.perform(lambda: [copy.apply_coding(doc, code, k, k + 5) for k in range(n)])
    return out


def test_a_large_merge_is_done_but_not_undoable_and_cancel_keeps_nothing(lead, tmp_path, monkeypatch):
    monkeypatch.setattr(team, "UNDOABLE_MERGE_CODINGS", 30)
    monkeypatch.setattr(team, "PROGRESS_CHUNK", 10)
    path = _coded_copy(lead, tmp_path, "Ana", 50)
    before = lead.counts()
    seen: list[tuple[int, int]] = []

    def cancel_at_20(done, total):
        seen.append((done, total))
        return done < 20

    plan = plan_merge(lead, [path])
    with pytest.raises(CancelledError, match="nothing was merged"):
        lead.perform(lambda: apply_merge(lead, plan, cancel_at_20))
    assert seen[:2] == [(10, 50), (20, 50)]
    assert lead.counts() == before  # the cancelled transaction left no row
    # The journal works again after the cancelled unjournalled step: a coding is still undoable.
    doc, code = lead.documents()[0].id, lead.code_by_path("Belonging").id
    _, step = lead.perform(lambda: lead.apply_coding(doc, code, 0, 3))
    assert step.undoable and step.entries
    lead.revert(step)
    report, step = lead.perform(lambda: apply_merge(lead, plan_merge(lead, [path])))
    assert report.codings_added == 50
    assert not step.undoable and "cannot be undone" in step.changes.note
    assert lead.counts()["codings"] == before["codings"] + 50
    # And the next small step journals again.
    _, step = lead.perform(lambda: lead.apply_coding(doc, code, 0, 4))
    assert step.undoable and step.entries


def test_a_small_merge_stays_undoable(lead, tmp_path):
    path = _coded_copy(lead, tmp_path, "Ana", 5)
    report, step = lead.perform(lambda: merge_copies(lead, [path], backup=False))
    assert report.codings_added == 5 and step.undoable
    lead.revert(step)
    assert lead.counts()["codings"] == 0
