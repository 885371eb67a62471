"""A code's inclusion and exclusion criteria and example travel through REFI-QDA (.qdc and .qdpx):
written into the code's Description as labelled lines, which every tool shows, and read back into
their fields, so an npmdesk-to-npmdesk exchange keeps them (and the export no longer calls them lost)."""

from __future__ import annotations

import pytest
from lxml import etree

from npmdesk.formats.refi.criteria import Described, join_description, split_description
from npmdesk.formats.refi.exporter import export_qdpx
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.refi.qdc import CodebookNode, export_qdc, import_qdc, parse_qdc
from npmdesk.store import Project
from tests.formats.refi_helpers import NS, assert_valid, qde_of

BELONGING = dict(description="Feeling part of medicine.\nSaid in the participant's own words.",
                 inclusion="The speaker says they fit in, or are relied on",
                 exclusion="Belonging to a family: use First generation\n(see the memo)",
                 example="“I felt like I belonged in medicine” 🌱")


@pytest.fixture
def defined(project):
    theme = project.add_code("Socialisation into medicine")
    belong = project.add_code("Belonging", theme)
    project.set_code_definition(belong, **BELONGING)
    only_example = project.add_code("Imposter feelings", theme)
    project.set_code_definition(only_example, example="I didn’t want to sound like I had it figured out")
    project.add_code("Teaching consolidates knowledge", description="Explaining makes it stick")
    return project


def _definitions(p: Project) -> dict[str, tuple[str, str, str, str]]:
    defs = p.code_definitions()
    return {c.path: (defs[c.id].description, defs[c.id].inclusion, defs[c.id].exclusion, defs[c.id].example)
            for c in p.codes()}


def test_labelled_lines_split_back_exactly():
    text = join_description(**BELONGING)
    assert text == ("Feeling part of medicine.\nSaid in the participant's own words.\n\n"
                    "Inclusion: The speaker says they fit in, or are relied on\n"
                    "Exclusion: Belonging to a family: use First generation\n(see the memo)\n"
                    "Example: “I felt like I belonged in medicine” 🌱")
    assert split_description(text) == Described(**BELONGING)
    assert join_description("Only a definition") == "Only a definition"
    assert split_description("Only a definition") == Described("Only a definition")
    assert join_description("", example="A passage") == "Example: A passage"
    assert split_description("Example: A passage") == Described("", example="A passage")
    # A label inside a line, or out of codebook order, is text, not a field.
    assert split_description("Use it. Inclusion: always") == Described("Use it. Inclusion: always")
    assert split_description("Example: a\nInclusion: b") == Described("", example="a\nInclusion: b")


def test_qdc_writes_criteria_into_the_description_and_reads_them_back(defined, tmp_path):
    export_qdc(defined, tmp_path / "book.qdc")
    root = etree.parse(str(tmp_path / "book.qdc"))
    assert_valid(root, "Codebook.xsd")
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    described = root.xpath("//c:Code[@name='Belonging']/c:Description/text()", namespaces=ns)
    assert described == [join_description(**BELONGING)]
    # Frameworks read a codebook as plain text: the whole description, as any tool shows it.
    tree = parse_qdc(tmp_path / "book.qdc")
    assert isinstance(tree[0], CodebookNode) and tree[0].children[0].description == described[0]
    with Project.create(tmp_path / "other.npmdesk", "Ben") as other:
        report = import_qdc(other, tmp_path / "book.qdc")
        assert report.added == 4
        assert _definitions(other) == _definitions(defined)


def test_qdc_merge_fills_only_the_criteria_a_code_lacks(defined, tmp_path):
    export_qdc(defined, tmp_path / "book.qdc")
    with Project.create(tmp_path / "other.npmdesk", "Ben") as other:
        theme = other.add_code("Socialisation into medicine")
        belong = other.add_code("Belonging", theme)
        other.set_code_definition(belong, inclusion="Our own rule")
        report = import_qdc(other, tmp_path / "book.qdc")
        assert (report.added, report.matched, report.described) == (2, 2, 1)
        d = other.code_definition(belong)
        assert d.inclusion == "Our own rule"  # kept, not overwritten
        assert (d.description, d.exclusion, d.example) == (BELONGING["description"], BELONGING["exclusion"],
                                                           BELONGING["example"])
        assert import_qdc(other, tmp_path / "book.qdc").described == 0  # nothing left to fill


def test_qdpx_round_trip_keeps_criteria_and_no_longer_reports_them_lost(defined, tmp_path):
    summary = export_qdpx(defined, tmp_path / "study.qdpx")
    root = qde_of(tmp_path / "study.qdpx")
    assert_valid(root, "Project.xsd")
    text = root.xpath("//q:Code[@name='Imposter feelings']/q:Description/text()", namespaces=NS)
    assert text == ["Example: I didn’t want to sound like I had it figured out"]
    notes = "\n".join(summary.notes)
    assert "criteria" not in "".join(n for n in summary.notes if n.startswith("not carried"))
    assert "2 code(s) with inclusion/exclusion criteria or an example: written into the code's Description" in notes
    import_qdpx(tmp_path / "study.qdpx", tmp_path / "back.npmdesk", "Ben")
    with Project.open(tmp_path / "back.npmdesk", "Ben", read_only=True) as back:
        assert _definitions(back) == _definitions(defined)
    assert not {k for k in defined.exchange_losses() if "criteria" in k}
