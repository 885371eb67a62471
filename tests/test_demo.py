"""The demo project: built from resources/demo exactly as described, never touching the resources."""

import hashlib
import shutil

import pytest

from npmdesk import demo
from npmdesk.paths import data_dir
from npmdesk.store import Project
from npmdesk.core.model import ExcerptFilter

ACGME = ("Patient Care", "Medical Knowledge", "Practice-based Learning and Improvement",
         "Interpersonal and Communication Skills", "Professionalism", "Systems-based Practice")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.npmdesk"
    summary = demo.build_demo(path)
    project = Project.open(path, demo.DEMO_CODER)
    yield summary, project
    project.close()


def _tree_digest(folder):
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_counts(built):
    summary, project = built
    counts = project.check()["counts"]
    assert counts["documents"] == 5
    assert counts["cases"] == 6
    assert counts["codes"] == 28
    assert counts["codings"] == len(demo.read_codings()) == summary.codings
    assert 60 <= counts["codings"] <= 120
    assert counts["frameworks"] == 1


def test_integrity_check_ok(built):
    _, project = built
    report = project.check()
    assert (report["integrity"], report["foreign_keys"], report["search_index"]) == ("ok", "ok", "ok")


def test_every_phrase_is_coded_exactly(built):
    summary, project = built
    specs = demo.read_codings()
    for spec, coding_id in zip(specs, summary.coding_ids):
        [ex] = project.excerpts(ExcerptFilter(coding_ids=(coding_id,)))
        assert (ex.document, ex.code, ex.text) == (spec.document, spec.code, spec.phrase)
        assert ex.exemplar == spec.exemplar
        assert ex.memo == spec.memo
        assert project.document_text(ex.document_id).count(spec.phrase) == 1


def test_transcripts_are_the_promised_size_and_speakers(built):
    _, project = built
    docs = {d.name: d for d in project.documents()}
    assert list(docs) == ["Interview NPM-1", "Interview NPM-2", "Interview NPM-3", "Interview NPM-4",
                          "Focus group 1"]
    for n in range(1, 5):
        d = docs[f"Interview NPM-{n}"]
        assert d.kind == "interview" and d.case == f"NPM-{n}"
        assert 1200 <= d.words <= 2000
        assert set(d.speakers) == {"Interviewer", f"NPM-{n}"}
    fg = docs["Focus group 1"]
    assert fg.kind == "focus-group" and fg.case is None
    assert set(fg.speakers) == {"Facilitator", "NPM-2", "NPM-5", "NPM-6"}


def test_participants_have_typed_attributes_and_linked_speakers(built):
    _, project = built
    cases = {c.name: c for c in project.cases()}
    assert sorted(cases) == [f"NPM-{n}" for n in range(1, 7)]
    assert cases["NPM-2"].attributes == {"year": 4, "background": "Latina; first-generation college student",
                                         "rural": True}
    assert cases["NPM-5"].attributes["rural"] is False
    fg = project.document_by_name("Focus group 1").id
    links = {s.name: s.case for s in project.speakers(fg)}
    assert links == {"Facilitator": None, "NPM-2": "NPM-2", "NPM-5": "NPM-5", "NPM-6": "NPM-6"}
    # A focus-group excerpt speaks for the participant who said it, not for the whole group.
    quote = project.excerpts(ExcerptFilter(document_ids=(fg,), code_ids=(
        project.code_by_path("Cost of mentoring/Emotional labour").id,)))
    assert [(e.speaker, e.participant) for e in quote] == [("NPM-2", "NPM-2")]
    # Every participant is behind some coding.
    assert all(project.excerpts(ExcerptFilter(case_ids=(c.id,))) for c in cases.values())


def test_theme_tree_descriptions_and_memos(built):
    _, project = built
    themes = [project.code(i) for i in project.code_children(None)]
    assert [t.name for t in themes] == ["Socialisation into medicine", "Teaching consolidates knowledge",
                                        "Growing as a communicator", "Seeing the system", "Cost of mentoring"]
    for theme in themes:
        assert project.code_children(theme.id)
        assert theme.description and project.memo("code", theme.id)
    assert all(c.description for c in project.codes())
    assert "synthetic" in project.memo("project")
    targets = {m["target"] for m in project.memos()}
    assert {"project", "code", "coding", "document", "case"} <= targets


def test_codings_overlap_and_some_are_exemplars(built):
    _, project = built
    overlaps = 0
    for d in project.documents():
        spans = [(c.start, c.end) for c in project.codings_in_document(d.id)]
        overlaps += sum(1 for i, a in enumerate(spans) for b in spans[i + 1:] if a[0] < b[1] and b[0] < a[1])
    assert overlaps >= 3
    assert len(project.excerpts(ExcerptFilter(exemplars_only=True))) >= 12


def test_aligned_with_acgme_two_exemplars_per_competency(built):
    _, project = built
    fw = project.framework_by_name("ACGME Core Competencies")
    rows = project.alignment_rows(fw.id)
    assert [r.element.name for r in rows] == list(ACGME)
    for row in rows:
        assert row.alignments, row.element.name
        assert all(a.rationale for a in row.alignments)
        assert len(row.exemplars) == 2, row.element.name


def test_phrase_must_occur_exactly_once():
    assert demo.locate("a b a", "b", "x") == (2, 3)
    with pytest.raises(demo.DemoError, match="not found"):
        demo.locate("a b a", "c", "x")
    with pytest.raises(demo.DemoError, match="found 2 times"):
        demo.locate("a b a", "a", "x")


def test_a_drifted_phrase_fails_the_build_and_leaves_no_file(tmp_path):
    resources = tmp_path / "res"
    shutil.copytree(demo.demo_resources(), resources)
    codings = resources / "codings.txt"
    codings.write_text(codings.read_text("utf-8") + "Interview NPM-1 | Cost of mentoring | never said\n", "utf-8")
    with pytest.raises(demo.DemoError, match="never said"):
        demo.build_demo(tmp_path / "d.npmdesk", resources=resources)
    assert not (tmp_path / "d.npmdesk").exists()


def test_demo_copy_is_fresh_and_leaves_resources_alone():
    before = _tree_digest(demo.demo_resources())
    first = demo.demo_copy()
    assert first.parent == data_dir() / "demo" and first.name == demo.DEMO_FILE
    with Project.open(first, "Ana") as p:
        doc = p.documents()[0].id
        p.apply_coding(doc, p.code_by_path("Cost of mentoring").id, 0, 5)
        n = p.counts()["codings"]
    second = demo.demo_copy()
    assert second == first
    with Project.open(second, "Ana") as p:
        assert p.counts()["codings"] == n - 1
    assert [x.name for x in first.parent.iterdir()] == [demo.DEMO_FILE]
    assert _tree_digest(demo.demo_resources()) == before
