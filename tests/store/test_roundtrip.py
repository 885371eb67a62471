"""Every entity survives close and reopen exactly."""

import pytest

from npmdesk.core.errors import InvalidSpanError, InvalidValueError, NameClashError
from npmdesk.store import ExcerptFilter, Project, TurnSpec


def build(project, text):
    fg = project.add_document(
        "focus group 1", text, kind="focus-group", source_name="fg1.txt", encoding="UTF-8",
        turns=[TurnSpec(0, 48, "Interviewer"), TurnSpec(49, 114, "NPM-1", 1000, 5000)],
    )
    case = project.add_case("NPM-1", "second-year mentor")
    project.set_case_attribute(case, "year", 2, "integer")
    project.set_case_attribute(case, "rural", "yes", "boolean")
    project.set_case_attribute(case, "background", "first-generation")
    project.link_speaker(fg, "NPM-1", case)
    theme = project.add_code("Socialisation into medicine", color="#112233", description="How mentors came to belong")
    code = project.add_code("Belonging", theme)
    start = text.index("It felt")
    coding = project.apply_coding(fg, code, start, start + len("It felt like I belonged"), exemplar=True)
    project.set_memo("coding", coding, "key quote 😀")
    project.set_memo("project", None, "Study of near-peer mentors")
    project.set_memo("document", fg, "recorded on zoom")
    project.set_memo("code", theme, "emerged in round 2")
    project.set_memo("case", case, "met twice")
    fw = project.add_builtin_framework("acgme")
    el = project.element_by_name("Professionalism", fw)
    project.align_code(theme, el.id, "belonging shapes professional identity")
    project.add_element_exemplar(el.id, coding)
    return fg, case, theme, code, coding, el


def test_every_entity_round_trips(tmp_path, sample_text):
    path = tmp_path / "p.npmdesk"
    p = Project.create(path, "Ana")
    fg, case, theme, code, coding, el = build(p, sample_text)
    before = {
        "docs": p.documents(), "text": p.document_text(fg), "turns": p.turns(fg), "speakers": p.speakers(fg),
        "cases": p.cases(), "codes": p.codes(), "coding": p.coding(coding), "memos": p.memos(),
        "frameworks": p.frameworks(), "alignments": p.alignments(), "excerpts": p.excerpts(),
        "counts": p.code_counts(), "coders": p.coders(), "attributes": p.attributes(),
    }
    p.close()
    q = Project.open(path, "Ana")
    after = {
        "docs": q.documents(), "text": q.document_text(fg), "turns": q.turns(fg), "speakers": q.speakers(fg),
        "cases": q.cases(), "codes": q.codes(), "coding": q.coding(coding), "memos": q.memos(),
        "frameworks": q.frameworks(), "alignments": q.alignments(), "excerpts": q.excerpts(),
        "counts": q.code_counts(), "coders": q.coders(), "attributes": q.attributes(),
    }
    assert after == before
    assert q.cases()[0].attributes == {"year": 2, "rural": True, "background": "first-generation"}
    assert q.turns(fg)[1].speaker == "NPM-1" and q.turns(fg)[1].begin_ms == 1000
    ex = q.excerpts()[0]
    assert (ex.text, ex.speaker, ex.participant, ex.coder, ex.exemplar, ex.memo) == (
        "It felt like I belonged", "NPM-1", "NPM-1", "Ana", True, "key quote 😀")
    assert q.memo("project") == "Study of near-peer mentors"
    assert q.element_exemplar_ids(el.id) == [coding]
    assert q.check()["integrity"] == "ok"
    q.close()


def test_codings_record_their_coder(tmp_path, sample_text):
    path = tmp_path / "p.npmdesk"
    with Project.create(path, "Ana") as p:
        doc = p.add_document("d", sample_text)
        code = p.add_code("C")
        p.apply_coding(doc, code, 0, 5)
    with Project.open(path, "Ben") as p:
        p.apply_coding(p.document_by_name("d").id, code, 0, 5)  # same span, other coder: allowed
        assert sorted(c.coder for c in p.codings_in_document(doc)) == ["Ana", "Ben"]
        assert [c["name"] for c in p.coders()] == ["Ana", "Ben"]


def test_spans_are_checked(project, sample_text):
    doc = project.add_document("d", sample_text)
    code = project.add_code("C")
    for start, end in ((5, 5), (7, 3), (-1, 4), (0, len(sample_text) + 1)):
        with pytest.raises(InvalidSpanError):
            project.apply_coding(doc, code, start, end)
    project.apply_coding(doc, code, 0, len(sample_text))
    with pytest.raises(NameClashError):
        project.apply_coding(doc, code, 0, len(sample_text))
    assert len(project.codings_in_document(doc)) == 1


def test_document_text_is_normalised(project):
    doc = project.add_document("d", "a\r\nb\rc")
    assert project.document_text(doc) == "a\nb\nc"


def test_deleting_a_document_takes_its_codings_and_memos(project, sample_text):
    doc = project.add_document("d", sample_text)
    code = project.add_code("C")
    coding = project.apply_coding(doc, code, 0, 4)
    project.set_memo("coding", coding, "m")
    project.set_memo("document", doc, "m")
    project.delete_document(doc)
    assert project.counts()["codings"] == 0 and project.counts()["memos"] == 0
    assert project.codes()[0].name == "C"
    assert project.search("mentoring") == []
    assert project.check()["foreign_keys"] == "ok"


def test_names_and_values_are_validated(project):
    with pytest.raises(InvalidValueError):
        project.add_code("   ")
    with pytest.raises(InvalidValueError):
        project.add_document("x", "t", kind="novel")
    case = project.add_case("P1")
    with pytest.raises(InvalidValueError):
        project.set_case_attribute(case, "age", "twenty", "integer")
    with pytest.raises(NameClashError):
        project.add_case("P1")


def test_save_copy_is_a_consistent_project(tmp_path, project, sample_text):
    project.add_document("d", sample_text)
    project.save_copy(tmp_path / "copy.npmdesk")
    with Project.open(tmp_path / "copy.npmdesk", "Ana") as copy:
        assert [d.name for d in copy.documents()] == ["d"]


def test_every_action_leaves_an_audit_row(project, sample_text):
    doc = project.add_document("d", sample_text)
    code = project.add_code("C")
    project.apply_coding(doc, code, 0, 4)
    actions = [a["action"] for a in project.audit_log()]
    assert actions[:3] == ["apply coding", "add code", "add document"]
    assert project.audit_log()[0]["coder"] == "Ana"


def test_excerpt_filters(project, sample_text):
    doc = project.add_document("d", sample_text)
    theme = project.add_code("T")
    a = project.add_code("A", theme)
    project.apply_coding(doc, theme, 0, 3)
    project.apply_coding(doc, a, 5, 9, exemplar=True)
    assert len(project.excerpts(ExcerptFilter(code_ids=(theme,)))) == 1
    assert len(project.excerpts(ExcerptFilter(code_ids=(theme,), with_descendants=True))) == 2
    assert [e.code for e in project.excerpts(ExcerptFilter(exemplars_only=True))] == ["T/A"]


def test_attributes_rename_and_delete(project):
    case = project.add_case("P1")
    project.set_case_attribute(case, "cohort", "2024")
    attr = project.attributes()[0]
    project.rename_attribute(attr.id, "Cohort year")
    assert project.case(case).attributes == {"Cohort year": "2024"}
    project.delete_attribute(attr.id)
    assert project.case(case).attributes == {} and project.attributes() == []


def test_participants_sort_naturally(project):
    for name in ("NPM-10", "npm-2", "NPM-1", "Alex"):
        project.add_case(name)
    assert [c.name for c in project.cases()] == ["Alex", "NPM-1", "npm-2", "NPM-10"]


def test_names_have_a_sensible_length_limit(project):
    with pytest.raises(InvalidValueError, match="at most 200 characters"):
        project.add_code("x" * 201)
    assert project.code(project.add_code("y" * 200)).name == "y" * 200


def test_a_reused_document_id_never_shows_the_old_text(tmp_path):
    """Texts are kept in memory between calls; a deleted document's id given to a new one (here by
    another connection) must still read the new text."""
    path = tmp_path / "reuse.npmdesk"
    p = Project.create(path, "Ana")
    doc = p.add_document("old", "the old text")
    assert p.document_text(doc) == "the old text"
    other = Project.open(path, "Ben")
    other.delete_document(doc)
    new = other.add_document("new", "a brand new text")
    other.close()
    assert new == doc  # SQLite reused the id
    assert p.document_text(doc) == "a brand new text"
    assert p.document_texts([doc]) == {doc: "a brand new text"}
    p.close()


def test_text_memory_is_bounded(project, monkeypatch):
    from npmdesk.store import texts

    monkeypatch.setattr(texts, "MAX_CHARS", 25)
    ids = [project.add_document(f"d{i}", f"text number {i}.") for i in range(5)]
    for i in ids:
        project.document_text(i)
    assert sum(len(t) for _, t in project._texts.values()) <= 25 + len("text number 0.")
    assert [project.document_text(i) for i in ids] == [f"text number {i}." for i in range(5)]


def test_undo_of_a_removal_gives_the_coding_back_whole(project, sample_text):
    """Review finding: undoing a removal lost the coding's exemplar choices and its memo's identity."""
    doc = project.add_document("d", sample_text)
    code = project.add_code("C")
    coding = project.apply_coding(doc, code, 0, 5)
    project.set_memo("coding", coding, "key quote")
    element = project.element_by_name("Professionalism", project.add_builtin_framework("acgme"))
    project.align_code(code, element.id, "why")
    project.add_element_exemplar(element.id, coding)
    memo_before = [m for m in project.memos() if m["target"] == "coding"]
    _, step = project.perform(project.remove_coding, coding)
    assert [m for m in project.memos() if m["target"] == "coding"] == []
    project.revert(step)
    assert project.coding_element_exemplars(coding) == {element.id}
    assert [m for m in project.memos() if m["target"] == "coding"] == memo_before


def test_moving_a_coding_onto_an_identical_one_is_refused(project, sample_text):
    doc = project.add_document("d", sample_text)
    code = project.add_code("C")
    project.apply_coding(doc, code, 0, 5)
    other = project.apply_coding(doc, code, 10, 20)
    with pytest.raises(NameClashError):
        project.change_coding_span(other, 0, 5)
    assert project.coding(other).start == 10


def test_search_ignores_accents_both_ways(project):
    """Review finding: the index folded accents but the hit positions did not, so 'José' found 0."""
    text = "NPM-1: José said the café was naïve.\nNPM-2: Jose\u0301 agreed; CAFE culture helps."
    doc = project.add_document("d", text)
    for query, expected in (("José", ["José", "Jose\u0301"]), ("jose", ["José", "Jose\u0301"]),
                            ("cafe", ["café", "CAFE"]), ('"cafe culture"', ["CAFE culture"]),
                            ("naive", ["naïve"])):
        hits = project.search(query)
        assert [text[h.start:h.end] for h in hits] == expected, query
        assert all(h.document_id == doc for h in hits)
