"""Export for a target tool (--for): positions and line ends as that tool reads them, checked by
an independent reading of the written file; each target round-trips; a focus group's
speaker-to-participant links travel as case selections; the notes list what REFI-QDA cannot carry."""

from __future__ import annotations

import zipfile

import pytest

from npmdesk.formats.refi.exporter import TARGETS, export_qdpx
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.speakers import detect_turns
from npmdesk.store import Project
from tests.formats.refi_helpers import assert_valid, qde_of
from tests.formats.test_qdpx_roundtrip import rich_project, snapshot  # noqa: F401  (a fixture)

Q = "{urn:QDA-XML:project:1.0}"


def read_as(unit: str, written: str, pos: int) -> int:
    """Where position `pos` of the target's convention falls in the written text (code points)."""
    if unit == "codepoints":
        return pos
    if unit == "utf16":
        units = 0
        for i, ch in enumerate(written):
            if units >= pos:
                return i
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(written)
    assert unit == "codepoints-crlf1"
    seen = 0
    for i, ch in enumerate(written):
        if seen >= pos and not (ch == "\n" and i and written[i - 1] == "\r"):
            return i
        if not (ch == "\r" and written[i + 1: i + 2] == "\n"):
            seen += 1
    return len(written)


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_target_lands_every_selection_on_its_text_and_round_trips(rich_project, tmp_path, target):  # noqa: F811
    out = tmp_path / f"{target}.qdpx"
    summary = export_qdpx(rich_project, out, target)
    t = TARGETS[target]
    assert summary.target == target and any(t.tool in n for n in summary.notes)
    root = qde_of(out)
    assert_valid(root, "Project.xsd")
    assert f"positions={t.unit}" in root.get("origin")
    with zipfile.ZipFile(out) as zf:
        for src in root.iter(f"{Q}TextSource"):
            written = zf.read("sources/" + src.get("plainTextPath").split("://")[1]).decode("utf-8")
            assert ("\r\n" in written) == (t.newline == "\r\n") or "\n" not in written
            doc = rich_project.document_by_name(src.get("name"))
            stored = rich_project.document_text(doc.id)
            expected = {" ".join(stored[c.start:c.end].split()) for c in rich_project.codings_in_document(doc.id)}
            got = set()
            for sel in src.iter(f"{Q}PlainTextSelection"):
                a = read_as(t.unit, written, int(sel.get("startPosition")))
                b = read_as(t.unit, written, int(sel.get("endPosition")))
                got.add(" ".join(written[a:b].split()))
            assert got == expected
    import_qdpx(out, tmp_path / f"{target}.npmdesk", "Ana")
    with Project.open(tmp_path / f"{target}.npmdesk", "Ana") as back:
        assert snapshot(back) == snapshot(rich_project)


def test_nvivo_windows_counts_differ_from_the_standard_on_emoji_and_crlf(rich_project, tmp_path):  # noqa: F811
    export_qdpx(rich_project, tmp_path / "std.qdpx")
    export_qdpx(rich_project, tmp_path / "nv.qdpx", "nvivo-windows")
    ends = lambda p: sorted(int(s.get("endPosition")) for s in qde_of(p).iter(f"{Q}PlainTextSelection"))  # noqa: E731
    assert ends(tmp_path / "std.qdpx") != ends(tmp_path / "nv.qdpx")


FOCUS_GROUP = ("Facilitator: What helped most in first year?\n"
               "NPM-2: Having someone a year ahead who looked like me.\n"
               "NPM-5: Honestly the group chat, late at night.\n"
               "Facilitator: Say more?\n"
               "NPM-2: They told me failing a quiz was normal.\n"
               "NPM-5: And that asking for help is a skill.\n")


def test_a_focus_groups_participants_travel_as_case_selections(project, tmp_path):
    p = project
    doc = p.add_document("Focus group 1", FOCUS_GROUP, kind="focus-group", turns=detect_turns(FOCUS_GROUP))
    npm2, npm5 = p.add_case("NPM-2"), p.add_case("NPM-5")
    p.link_speaker(doc, "NPM-2", npm2)
    p.link_speaker(doc, "NPM-5", npm5)
    code = p.add_code("Peer support")
    text = p.document_text(doc)
    p.apply_coding(doc, code, text.index("Having"), text.index("like me.") + 8)
    summary = export_qdpx(p, tmp_path / "fg.qdpx", "nvivo-windows")
    notes = " | ".join(summary.notes)
    assert "speaker-participant link(s) are written as each participant's turns" in notes
    assert "document kind(s)" in notes  # the focus-group kind has no REFI-QDA element
    root = qde_of(tmp_path / "fg.qdpx")
    assert_valid(root, "Project.xsd")
    selections = {s.get("guid"): s for s in root.iter(f"{Q}PlainTextSelection")}
    cases = {c.get("name"): [r.get("targetGUID") for r in c.iter(f"{Q}SelectionRef")] for c in root.iter(f"{Q}Case")}
    assert len(cases["NPM-2"]) == 2 and len(cases["NPM-5"]) == 2
    assert all(g in selections for refs in cases.values() for g in refs)
    report = import_qdpx(tmp_path / "fg.qdpx", tmp_path / "fg.npmdesk", "Ana")
    assert report.counts["speaker_links"] == 2 and report.skipped == []
    with Project.open(tmp_path / "fg.npmdesk", "Ana") as back:
        (d,) = back.documents()
        assert {s.name: s.case for s in back.speakers(d.id)} == {"Facilitator": None, "NPM-2": "NPM-2",
                                                                "NPM-5": "NPM-5"}
        (coding,) = back.codings_in_document(d.id)
        assert back.document_text(d.id)[coding.start:coding.end].startswith("Having someone")


def test_export_notes_list_what_the_standard_cannot_carry(tmp_path):
    from npmdesk.demo import build_demo

    build_demo(tmp_path / "demo.npmdesk")
    with Project.open(tmp_path / "demo.npmdesk", "Ana", read_only=True) as p:
        summary = export_qdpx(p, tmp_path / "demo.qdpx")
    notes = " | ".join(summary.notes)
    for expected in ("framework(s)", "alignment(s)", "exemplar quote(s)", "exemplar mark(s)", "document kind(s)"):
        assert expected in notes
    assert_valid(qde_of(tmp_path / "demo.qdpx"), "Project.xsd")
