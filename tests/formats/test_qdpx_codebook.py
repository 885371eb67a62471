"""Codebooks (.qdc): valid export, plain-tree parsing for frameworks, merge by name path, and the CLI."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from npmdesk.cli import main
from npmdesk.core.errors import BadInputError
from npmdesk.formats.refi.qdc import CodebookNode, export_qdc, import_qdc, parse_qdc
from npmdesk.store import Project
from tests.formats.refi_helpers import QC_DEMO, assert_valid, guid


@pytest.fixture
def coded(project):
    t = project.add_code("Socialisation into medicine", color="#f4a261", description="Becoming one of them")
    project.add_code("Hidden curriculum", t, description="Rules nobody says <aloud> & why")
    project.add_code("Belonging 🌱", t)
    project.add_code("Teaching consolidates knowledge")
    project.set_memo("code", t, "memos stay out of a codebook")
    return project


def test_export_validates_and_parses_back_to_a_plain_tree(coded, tmp_path):
    export_qdc(coded, tmp_path / "book.qdc")
    assert_valid(etree.parse(str(tmp_path / "book.qdc")), "Codebook.xsd")
    tree = parse_qdc(tmp_path / "book.qdc")
    assert tree == [
        CodebookNode("Socialisation into medicine", "Becoming one of them", "#f4a261", (
            CodebookNode("Hidden curriculum", "Rules nobody says <aloud> & why", coded.code_by_path(
                "Socialisation into medicine/Hidden curriculum").color, ()),
            CodebookNode("Belonging 🌱", "", coded.code_by_path("Socialisation into medicine/Belonging 🌱").color, ()),
        )),
        CodebookNode("Teaching consolidates knowledge", "",
                     coded.code_by_path("Teaching consolidates knowledge").color, ()),
    ]
    name, description, color, children = tree[0]  # plain tuples for the frameworks engineer
    assert len(children) == 2


def test_import_merges_by_path_and_never_duplicates(coded, tmp_path):
    export_qdc(coded, tmp_path / "book.qdc")
    with Project.create(tmp_path / "other.npmdesk", "Ben") as other:
        other.add_code("Socialisation into medicine")  # exists, without a description
        report = import_qdc(other, tmp_path / "book.qdc")
        assert (report.added, report.matched, report.described) == (3, 1, 1)
        again = import_qdc(other, tmp_path / "book.qdc")
        assert (again.added, again.matched) == (0, 4)
        paths = [c.path for c in other.codes()]
        assert len(paths) == len(set(paths)) == 4
        assert other.code_by_path("Socialisation into medicine").description == "Becoming one of them"


def test_foreign_codebook_with_short_colours_and_braced_guids(project, tmp_path):
    qdc = tmp_path / "atlas.qdc"
    qdc.write_text(f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">'
                   f'<Codes><Code guid="{{{guid(1).upper()}}}" name="Coke" isCodable="true" color="#963">'
                   f'<Code guid="{guid(2)}" name="diet Coke" isCodable="true"/></Code></Codes>'
                   f'<Sets><Set guid="{guid(3)}" name="s"><MemberCode guid="{guid(2)}"/></Set></Sets></CodeBook>',
                   encoding="utf-8")
    report = import_qdc(project, qdc)
    assert report.added == 2
    coke = project.code_by_path("Coke")
    assert coke.color == "#996633" and coke.guid == guid(1)


def test_not_a_codebook(project, tmp_path):
    bad = tmp_path / "bad.qdc"
    bad.write_text("<html/>")
    with pytest.raises(BadInputError, match="not a REFI-QDA codebook"):
        import_qdc(project, bad)
    assert project.codes() == []


def test_cli_export_and_import(coded, tmp_path, capsys):
    path = str(coded.path)
    coded.close()
    assert main(["--coder", "Ana", "export-qdpx", path, "--out", str(tmp_path / "s.qdpx")]) == 0
    assert main(["--coder", "Ana", "export-qdc", path, "--out", str(tmp_path / "s.qdc")]) == 0
    capsys.readouterr()
    assert main(["--coder", "Ana", "import-qdpx", str(tmp_path / "s.qdpx"), str(tmp_path / "n.npmdesk"),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["codes"] == 4 and out[0]["skipped"] == []
    assert main(["--coder", "Ana", "import-qdpx", str(tmp_path / "s.qdpx"), str(tmp_path / "n.npmdesk")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["--coder", "Ana", "import-qdc", str(tmp_path / "n.npmdesk"), str(tmp_path / "s.qdc")]) == 0
    assert "0 code(s) added, 4 already present" in capsys.readouterr().out


@pytest.mark.skipif(QC_DEMO is None, reason="qc_demo.qdpx fixture not available")
def test_cli_imports_the_real_export(tmp_path, capsys):
    assert main(["--coder", "Ana", "import-qdpx", str(QC_DEMO), str(tmp_path / "demo.npmdesk")]) == 0
    assert "205 coding(s)" in capsys.readouterr().out
    assert main(["--coder", "Ana", "export-qdpx", str(tmp_path / "demo.npmdesk"), "--out",
                 str(tmp_path / "demo.qdpx")]) == 0
