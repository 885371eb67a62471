"""Untrusted .qdpx files: refused with a clear message, and a failed import leaves nothing behind."""

from __future__ import annotations

import zipfile

import pytest

from npmdesk.core.errors import BadInputError, NpmdeskError, ProjectOpenError
from npmdesk.formats.refi import importer as qdpx_import
from npmdesk.formats.refi.importer import import_qdpx
from tests.formats.refi_helpers import guid, make_qdpx

GOOD = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="t"><Sources>'
        f'<TextSource guid="{guid(1)}" name="a" plainTextPath="internal://{guid(2)}.txt"/></Sources></Project>')


def _only(tmp_path, *names):
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_good_file_imports(tmp_path):
    make_qdpx(tmp_path / "in.qdpx", GOOD, {f"sources/{guid(2)}.txt": "hello"})
    import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    _only(tmp_path, "in.qdpx", "out.npmdesk")
    from npmdesk.store import Project

    with Project.open(tmp_path / "out.npmdesk", "Ana") as p:
        [doc] = p.documents()
        assert (doc.name, p.document_text(doc.id)) == ("a", "hello")


@pytest.mark.parametrize("member", ["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt", "C:/evil.txt",
                                    "sources\\..\\..\\evil.txt"])
def test_paths_outside_the_archive_are_refused(tmp_path, member):
    make_qdpx(tmp_path / "in.qdpx", GOOD, {member: "x"})
    with pytest.raises(BadInputError, match="outside"):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    _only(tmp_path, "in.qdpx")


def test_entities_and_doctype_are_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>')
    make_qdpx(tmp_path / "in.qdpx", bomb)
    with pytest.raises(BadInputError, match="DTD"):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    xxe = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')
    make_qdpx(tmp_path / "in.qdpx", xxe)
    with pytest.raises(BadInputError):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    _only(tmp_path, "in.qdpx")


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    with zipfile.ZipFile(tmp_path / "in.qdpx", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", GOOD)
        zf.writestr(f"sources/{guid(2)}.txt", b"a" * (20 * 2**20))
    with pytest.raises(BadInputError, match="zip bomb"):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    _only(tmp_path, "in.qdpx")


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "not a valid .qdpx"),
    (None, "no .qde"),
])
def test_not_a_project(tmp_path, content, message):
    path = tmp_path / "in.qdpx"
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "hi")
    else:
        path.write_bytes(content)
    with pytest.raises(BadInputError, match=message) as e:
        import_qdpx(path, tmp_path / "out.npmdesk", "Ana")
    assert str(path) in str(e.value)
    _only(tmp_path, "in.qdpx")


def test_damaged_xml_names_the_file(tmp_path):
    make_qdpx(tmp_path / "in.qdpx", "<Project name='x'><Sources>")
    with pytest.raises(BadInputError, match="project.qde") as e:
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    assert "in.qdpx" in str(e.value)
    _only(tmp_path, "in.qdpx")


def test_existing_target_is_never_touched(tmp_path):
    make_qdpx(tmp_path / "in.qdpx", GOOD, {f"sources/{guid(2)}.txt": "hello"})
    (tmp_path / "out.npmdesk").write_bytes(b"precious")
    with pytest.raises(ProjectOpenError, match="already exists"):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    assert (tmp_path / "out.npmdesk").read_bytes() == b"precious"


def test_failure_midway_leaves_nothing_behind(tmp_path, monkeypatch):
    make_qdpx(tmp_path / "in.qdpx", GOOD, {f"sources/{guid(2)}.txt": "hello"})

    def boom(self):
        raise NpmdeskError("simulated failure while storing")

    monkeypatch.setattr(qdpx_import._Importer, "import_notes", boom)
    with pytest.raises(NpmdeskError, match="simulated"):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    _only(tmp_path, "in.qdpx")


def test_cancel_leaves_nothing_behind(tmp_path):
    make_qdpx(tmp_path / "in.qdpx", GOOD, {f"sources/{guid(2)}.txt": "hello"})
    with pytest.raises(NpmdeskError, match="cancelled"):
        import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana", progress=lambda *a: False)
    _only(tmp_path, "in.qdpx")


def test_external_and_missing_sources_are_skipped_with_reasons(tmp_path):
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="t"><Sources>'
           f'<TextSource guid="{guid(1)}" name="far" plainTextPath="absolute:///etc/passwd"/>'
           f'<TextSource guid="{guid(3)}" name="gone" plainTextPath="internal://{guid(4)}.txt"/>'
           f'<TextSource guid="{guid(5)}" name="rich only" richTextPath="internal://{guid(6)}.docx"/>'
           f'<TextSource guid="{guid(7)}" name="inline"><PlainTextContent>Inline text.</PlainTextContent></TextSource>'
           f'</Sources></Project>')
    make_qdpx(tmp_path / "in.qdpx", qde)
    report = import_qdpx(tmp_path / "in.qdpx", tmp_path / "out.npmdesk", "Ana")
    reasons = dict(report.skipped)
    assert "external file" in reasons["TextSource 'far'"]
    assert "missing" in reasons["TextSource 'gone'"]
    assert "no plain-text version" in reasons["TextSource 'rich only'"]
    assert report.counts["sources"] == 1
