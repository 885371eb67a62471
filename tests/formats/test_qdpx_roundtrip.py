"""npmdesk -> .qdpx -> npmdesk gives the same project; every export validates against Project.xsd."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npmdesk.formats.importing import import_files
from npmdesk.formats.refi.exporter import export_qdpx
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.store import Project
from tests.formats.refi_helpers import assert_valid, qde_of

CRLF_SOURCE = ("Interviewer: Was feedback hard to hear? 🙂\r\n"
               "NPM-3: At first, yes — “brutal” even. 😬 Then it became how I learned.\r\n"
               "Interviewer: And now?\r\n"
               "NPM-3: Now I give it to my mentees 👩🏽‍⚕️, gently, e\u0301tude by e\u0301tude.\r\n")


def snapshot(p: Project) -> dict:
    """Everything the round trip must keep, keyed by names rather than row ids."""
    docs = {d.id: d for d in p.documents()}
    codes = {c.id: c for c in p.codes()}
    cases = {c.id: c for c in p.cases()}
    codings = {}
    for d in docs.values():
        for c in p.codings_in_document(d.id):
            codings[c.id] = (d.name, codes[c.code_id].path, c.start, c.end, c.coder, c.guid, c.created)

    def target(m):
        kind, tid = m["target"], m["target_id"]
        return {"project": lambda: None, "document": lambda: docs[tid].name, "code": lambda: codes[tid].path,
                "case": lambda: cases[tid].name, "coding": lambda: codings[tid]}[kind]()

    return {
        "texts": {d.name: (p.document_text(d.id), d.guid, d.case) for d in docs.values()},
        "codes": sorted((c.path, c.color, c.description, c.guid) for c in codes.values()),
        "codings": sorted(codings.values()),
        "cases": sorted((c.name, c.description, c.guid, tuple(sorted(c.attributes.items())))
                        for c in cases.values()),
        "attributes": sorted((a.name, a.type, a.guid) for a in p.attributes()),
        "memos": sorted((m["target"], repr(target(m)), m["text"], m["coder"]) for m in p.memos()),
        "coders": sorted((c["name"], c["guid"]) for c in p.coders()),
    }


@pytest.fixture
def rich_project(project, tmp_path):
    p = project
    src = tmp_path / "NPM-3 interview.txt"
    src.write_bytes(CRLF_SOURCE.encode("utf-8"))
    (doc_crlf,) = [d.document_id for d in import_files(p, [src]).imported]
    doc_plain = p.add_document("Focus group <1> & \"friends\"", "Facilitator: Welcome 🎉\nNPM-2: Thanks!\n",
                               kind="focus-group")
    ben = p.ensure_coder("Ben Okafor")
    theme = p.add_code("Growing as a communicator", color="#8ecae6", description="How feedback shapes talk")
    sub = p.add_code("Feedback", theme, description="Receiving & giving <feedback>")
    leaf = p.add_code("in-vivo: “brutal”", sub, color="#e5989b")
    slash = p.add_code("Before/after", None)
    text = p.document_text(doc_crlf)
    spans = [(text.index("feedback"), text.index("hear?") + 5), (text.index("“brutal”"), text.index("even.") + 5),
             (text.index("😬"), text.index("😬") + 1), (text.index("👩🏽‍⚕️"), text.index(", gently")),
             (text.index("e\u0301tude"), len(text) - 1)]
    c1 = p.apply_coding(doc_crlf, sub, *spans[0])
    p.apply_coding(doc_crlf, sub, *spans[0], coder_id=ben)  # same passage, second coder
    p.apply_coding(doc_crlf, leaf, *spans[1])
    p.apply_coding(doc_crlf, theme, *spans[1], coder_id=ben)  # same passage, another code
    p.apply_coding(doc_crlf, slash, *spans[2])
    p.apply_coding(doc_crlf, theme, *spans[3])
    p.apply_coding(doc_crlf, leaf, *spans[4], coder_id=ben)
    p.apply_coding(doc_plain, slash, 13, 21)
    npm3 = p.add_case("NPM-3", "Third mentor, rural")
    npm2 = p.add_case("NPM-2")
    p.set_document_case(doc_crlf, npm3)
    p.set_case_attribute(npm3, "Year", 2, "integer")
    p.set_case_attribute(npm3, "Rural", "yes", "boolean")
    p.set_case_attribute(npm3, "Score", 0.0000001, "float")
    p.set_case_attribute(npm3, "Interviewed", "2024-02-29", "date")
    p.set_case_attribute(npm3, "Background", "First-gen 🌱", "text")
    p.set_case_attribute(npm2, "Year", 3)
    p.set_memo("project", None, "Study memo\nline two 🧭")
    p.set_memo("document", doc_crlf, "Recorded on Zoom")
    p.set_memo("code", sub, "Definition: any evaluative comment")
    p.set_memo("case", npm3, "Spoke slowly")
    p.set_memo("coding", c1, "Turning point")
    return p


def test_export_is_valid_and_round_trips(rich_project, tmp_path):
    out = tmp_path / "study.qdpx"
    summary = export_qdpx(rich_project, out)
    assert_valid(qde_of(out), "Project.xsd")
    assert summary.counts["codings"] == 8 and summary.counts["selections"] == 6
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "project.qde" in names and sum(n.startswith("sources/") for n in names) == 2
    report = import_qdpx(out, tmp_path / "back.npmdesk", "Ana")
    assert report.skipped == [] and report.notes == []
    with Project.open(tmp_path / "back.npmdesk", "Ana") as back:
        before, after = snapshot(rich_project), snapshot(back)
        for key in before:
            assert after[key] == before[key], key
        assert back.memo("project") == "Study memo\nline two 🧭"


def test_second_export_is_identical(rich_project, tmp_path):
    export_qdpx(rich_project, tmp_path / "a.qdpx")
    export_qdpx(rich_project, tmp_path / "b.qdpx")
    with zipfile.ZipFile(tmp_path / "a.qdpx") as a, zipfile.ZipFile(tmp_path / "b.qdpx") as b:
        assert a.read("project.qde") == b.read("project.qde")
        assert sorted(a.namelist()) == sorted(b.namelist())


def test_export_twice_through_a_round_trip_keeps_every_guid(rich_project, tmp_path):
    export_qdpx(rich_project, tmp_path / "a.qdpx")
    import_qdpx(tmp_path / "a.qdpx", tmp_path / "b.npmdesk", "Ana")
    with Project.open(tmp_path / "b.npmdesk", "Ana") as b:
        export_qdpx(b, tmp_path / "b.qdpx")
    first = qde_of(tmp_path / "a.qdpx")
    second = qde_of(tmp_path / "b.qdpx")
    guids = lambda root: sorted(el.get("guid") for el in root.iter() if el.get("guid"))  # noqa: E731
    assert guids(first) == guids(second)


def test_empty_project_exports_valid(project, tmp_path):
    export_qdpx(project, tmp_path / "empty.qdpx")
    assert_valid(qde_of(tmp_path / "empty.qdpx"), "Project.xsd")
    import_qdpx(tmp_path / "empty.qdpx", tmp_path / "empty.npmdesk", "Ana")


_chars = st.sampled_from(list("ab c\n\r😀é\u0301👩🏽‍⚕️—ßx\t"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(_chars, min_size=1, max_size=60), cuts=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)),
                                                                      min_size=1, max_size=5))
def test_any_text_and_spans_round_trip(tmp_path_factory, text, cuts):
    folder = tmp_path_factory.mktemp("rt")
    with Project.create(folder / "p.npmdesk", "Ana") as p:
        doc = p.add_document("d", text)
        stored = p.document_text(doc)
        code = p.add_code("c")
        spans = set()
        for a, b in cuts:
            a, b = sorted((min(a, len(stored)), min(b, len(stored))))
            if b > a and (a, b) not in spans:
                spans.add((a, b))
                p.apply_coding(doc, code, a, b)
        export_qdpx(p, folder / "p.qdpx")
        assert_valid(qde_of(folder / "p.qdpx"), "Project.xsd")
        import_qdpx(folder / "p.qdpx", folder / "q.npmdesk", "Ana")
        with Project.open(folder / "q.npmdesk", "Ana") as q:
            assert snapshot(q) == snapshot(p)
