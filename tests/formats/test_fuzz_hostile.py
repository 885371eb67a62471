"""Hostile files of issue 13, each built here: every one is refused with a one-line message naming
the file and the reason (exit 1 on the command line, project unchanged), or read correctly.

Timings are the benchmark's business (tests/perf/bench_import.py); these tests check behaviour:
what is refused and why, that streaming frees what it has read, that the new paragraph assembly
gives exactly what the old one did, and that names from files lose their control characters.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from npmdesk.cli import main
from npmdesk.core.errors import BadInputError
from npmdesk.core.model import TurnSpec
from npmdesk.formats import blocks as blocks_mod
from npmdesk.formats.blocks import Block, assemble
from npmdesk.formats.framework_files import import_framework_file
from npmdesk.formats.importing import ImportOptions, import_files
from npmdesk.formats.participants_csv import import_participants
from npmdesk.formats.readers import pdf as pdf_reader
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.safe_xml import SafeZip, ZipLimits
from npmdesk.formats.speakers import label_starts, turns_from_starts
from npmdesk.store import Project
from tests.formats import hostile


def digest(project: Project) -> str:
    return hashlib.sha256(project.path.read_bytes()).hexdigest()


def refused(project: Project, path: Path, fn=None) -> BadInputError:
    before = digest(project), project.counts()
    with pytest.raises(BadInputError) as info:
        if fn is None:
            import_files(project, [path])
        else:
            fn(project, path)
    assert (digest(project), project.counts()) == before
    assert info.value.path == str(path) and "\n" not in str(info.value)
    return info.value


def cli(capsys, *argv) -> tuple[int, str]:
    code = main(["--coder", "Ana", *map(str, argv)])
    return code, capsys.readouterr().err


# 1. Damaged deflate streams ------------------------------------------------------------------

@pytest.mark.parametrize("suffix, build, member", [
    (".docx", hostile.docx, "word/document.xml"),
    (".odt", hostile.odt, "content.xml"),
])
def test_damaged_deflate_in_an_office_file(project, tmp_path, suffix, build, member):
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(hostile.damage_deflate(build(), member))
    with zipfile.ZipFile(path) as zf, pytest.raises(zlib.error):
        zf.read(member)  # the file really is damaged inside zlib
    err = refused(project, path)
    assert f"{member} in the archive is damaged (its compressed data is damaged" in err.reason


def test_damaged_deflate_in_a_qdpx(tmp_path, capsys):
    path = tmp_path / "study.qdpx"
    path.write_bytes(hostile.damage_deflate(hostile.qdpx(), "project.qde"))
    target = tmp_path / "new.npmdesk"
    with pytest.raises(BadInputError, match="project.qde in the archive is damaged .its compressed data"):
        import_qdpx(path, target, "Ana")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.qdpx"]
    code, err = cli(capsys, "import-qdpx", path, target)
    assert code == 1 and err.count("\n") == 1 and "damaged" in err and "Traceback" not in err
    assert not target.exists()


def test_damaged_source_text_in_a_qdpx(tmp_path):
    path = tmp_path / "study.qdpx"
    path.write_bytes(hostile.damage_deflate(hostile.qdpx(), f"sources/{hostile.guid(300)}.txt"))
    with pytest.raises(BadInputError, match=r"sources/.*\.txt in the archive is damaged"):
        import_qdpx(path, tmp_path / "new.npmdesk", "Ana")


def test_damaged_office_file_on_the_command_line(tmp_path, capsys):
    proj = tmp_path / "study.npmdesk"
    assert main(["--coder", "Ana", "new", str(proj)]) == 0
    before = proj.read_bytes()
    bad = tmp_path / "interview.docx"
    bad.write_bytes(hostile.damage_deflate(hostile.docx(), "word/document.xml"))
    capsys.readouterr()
    code, err = cli(capsys, "import", proj, bad)
    assert code == 1 and str(bad) in err and "damaged" in err and "Traceback" not in err
    assert proj.read_bytes() == before


# 1. CSV: long cells and bare CR line ends ------------------------------------------------------

def test_participants_with_bare_cr_line_ends_are_read(project, tmp_path):
    path = tmp_path / "participants.csv"
    path.write_bytes(hostile.participants_csv(rows=4, newline="\r"))
    report = import_participants(project, path)
    assert report.created == ["NPM-1", "NPM-2", "NPM-3", "NPM-4"]
    assert report.attributes == {"role": "text", "cohort": "integer", "first-gen": "boolean", "joined": "date"}


def test_framework_with_bare_cr_line_ends_is_read(project, tmp_path):
    path = tmp_path / "competencies.csv"
    path.write_bytes(hostile.framework_csv(rows=3, newline="\r"))
    fw = project.framework(import_framework_file(project, path))
    assert [(e.name, e.description) for e in fw.elements] == [
        (f"Element {i}", f"What element {i} means, in words") for i in (1, 2, 3)]


@pytest.mark.parametrize("kind", ["participants", "framework"])
def test_a_cell_over_the_csv_limit_is_refused(project, tmp_path, capsys, kind):
    path = tmp_path / f"{kind}.csv"
    head = "ID,role\n" if kind == "participants" else "name,description\n"
    path.write_text(head + "NPM-1,short\n" + 'NPM-2,"' + "x" * 140_000 + '"\n', encoding="utf-8")
    fn = import_participants if kind == "participants" else import_framework_file
    err = refused(project, path, fn)
    assert "a cell is longer than 131,072 characters" in err.reason and err.reason.startswith("line ")
    argv = ["cases", project.path, "--import", path] if kind == "participants" else \
        ["framework", "add", project.path, path]
    code, out = cli(capsys, *argv)
    assert code == 1 and "131,072" in out and "Traceback" not in out


def test_a_quoted_cell_keeps_its_line_break(project, tmp_path):
    path = tmp_path / "participants.csv"
    path.write_bytes(b'ID,notes\rNPM-1,"two\rlines"\rNPM-2,one\r')
    import_participants(project, path)
    assert {c.name: c.attributes.get("notes") for c in project.cases()} == {"NPM-1": "two\nlines", "NPM-2": "one"}


# 3. Bounded memory: zip parts ------------------------------------------------------------------

def _zip_with_declared_sizes(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip whose directory declares the given (compressed, uncompressed) sizes; the data is
    whatever is given (a size check must refuse before reading it)."""
    out, central = io.BytesIO(), b""
    for name, data, csize, usize in members:
        offset = out.tell()
        crc = zlib.crc32(data)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, usize, len(name), 0)
                  + name.encode() + data)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize, usize,
                               len(name), 0, 0, 0, 0, 0, offset) + name.encode()
    start = out.tell()
    out.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0))
    return out.getvalue()


def test_a_part_inflating_past_the_limit_with_a_plausible_ratio_is_refused_before_inflating(project, tmp_path):
    """The issue's case: a 29 MB .docx whose document.xml inflates to 240 MB (8 to 1, like real
    text) passed the zip-bomb check. Now one part may unpack to at most 128 MB."""
    types = zlib.compressobj(9, zlib.DEFLATED, -15)
    ct = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override ' \
         b'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.' \
         b'wordprocessingml.document.main+xml"/></Types>'
    ct_z = types.compress(ct) + types.flush()
    path = tmp_path / "huge.docx"
    path.write_bytes(_zip_with_declared_sizes([("[Content_Types].xml", ct_z, len(ct_z), len(ct)),
                                               ("word/document.xml", b"\x00" * 16, 29 * 2**20, 240 * 2**20)]))
    err = refused(project, path)
    assert "word/document.xml would unpack to 240 MB, more than the 128 MB limit for one part" in err.reason


def test_the_inflated_bytes_are_counted_not_only_the_declared_size(tmp_path):
    """Defence in depth: the stream counts what zlib actually produces against the part limit."""
    data = hostile.zip_bytes([("a.xml", b"<a>" + b"x" * 50_000 + b"</a>")])
    archive = SafeZip(data, tmp_path / "x.docx", limits=ZipLimits(max_member_bytes=60_000, max_total_bytes=60_000))
    with archive.open("a.xml") as stream:
        stream.limit = 10_000  # as if the directory had under-stated the size
        with pytest.raises(BadInputError, match="a.xml unpacks to more than 10 KB, the limit for one part"):
            stream.read()


@pytest.mark.parametrize("build, path", [
    (lambda n: hostile.docx(n, table=False), ("document", "body")),
    (lambda n: hostile.odt(n, table=False), ("document-content", "body", "text")),
])
def test_the_body_is_streamed_and_freed_as_it_is_read(tmp_path, build, path):
    """Each body element is freed once read: the tree never holds more than one paragraph, so
    memory follows the largest paragraph, not the document."""
    data = build(2000)
    archive = SafeZip(data, tmp_path / "x")
    part = "word/document.xml" if archive.has("word/document.xml") else "content.xml"
    xml = archive.read(part)
    ns = {"document": hostile.W, "body": hostile.W}
    odt_ns = {"document-content": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
              "body": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
              "text": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
    tags = tuple(f"{{{(ns if part.startswith('word') else odt_ns)[p]}}}{p}" for p in path)
    stream = SafeZip(data, tmp_path / "x").iter_xml(part, tags)
    seen, most = 0, 0
    for el in stream:
        seen += 1
        most = max(most, sum(1 for _ in el.itersiblings(preceding=True)))
    assert seen > 2000 and stream.found and len(xml) > 200_000
    # Nothing read is kept: before the current element there is at most one sibling not yet freed
    # (what lies after it is only the parser's read-ahead of one buffer).
    assert most <= 1


def test_a_dtd_is_refused_in_a_streamed_part(project, tmp_path):
    path = tmp_path / "xxe.docx"
    doc = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="' + hostile.W.encode() + b'"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
           b"</w:body></w:document>")
    path.write_bytes(hostile.docx(document=doc))
    assert "the XML (word/document.xml) declares a DTD" in refused(project, path).reason


def test_damaged_xml_in_a_streamed_part_names_it(project, tmp_path):
    path = tmp_path / "cut.odt"
    path.write_bytes(hostile.odt(content=hostile.content_xml(50)[:-200]))
    assert refused(project, path).reason.startswith("damaged XML (content.xml): ")


# 3. Bounded work: PDF --------------------------------------------------------------------------

def _pdf(tmp_path, name="scan.pdf", **kw) -> Path:
    path = tmp_path / name
    path.write_bytes(hostile.pdf(**kw))
    return path


def test_pdf_page_limit(project, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 5)
    err = refused(project, _pdf(tmp_path, pages=6, lines=1))
    assert err.reason.startswith("the PDF has 6 pages, more than the 5 npmdesk reads from one transcript")
    assert import_files(project, [_pdf(tmp_path, "ok.pdf", pages=5, lines=2)]).imported


def test_pdf_page_with_megabytes_of_drawing_is_refused_before_it_is_interpreted(project, tmp_path):
    """A few KB of compressed operators ('0 0 m' five million times) took minutes in pypdf."""
    path = _pdf(tmp_path, pages=1, content=b"BT /F1 11 Tf (NPM-1: hi) Tj ET\n" + b"0 0 m\n" * 1_000_000)
    assert path.stat().st_size < 20_000
    err = refused(project, path)
    assert "page 1 of the PDF holds 6 MB of drawing instructions, more than the 4 MB a page" in err.reason


def test_pdf_stream_with_too_many_tokens_is_refused(project, tmp_path):
    path = _pdf(tmp_path, pages=1, content=b"BT /F1 11 Tf (NPM-1: hi) Tj ET\n" + b"0 0 m\n" * 40_000)
    err = refused(project, path)
    assert err.reason.startswith("page 1 of the PDF is too complex to read as text (")


def test_pdf_operator_budget_for_the_whole_file(project, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_OPERATORS", 500)
    path = _pdf(tmp_path, pages=60, lines=10)  # about 25 operators a page
    err = refused(project, path)
    assert err.reason.startswith("the PDF draws more than 500 operators (stopped at page ")


def test_pdf_time_limit(project, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_SECONDS", -1.0)
    err = refused(project, _pdf(tmp_path, pages=2, lines=3))
    assert err.reason.startswith("reading the PDF's text took longer than -1 s (stopped at page 1)")


# 3. Paragraph assembly: linear, and the same result ----------------------------------------------

def _reference_assemble(blocks, pattern, detect):
    """The assembly as it was (a rescan of every boundary per label), kept here as the oracle."""
    parts, spans, pos = [], [], 0
    for b in blocks:
        text = b.text
        if b.turn and b.speaker and not b.labelled:
            text = f"{b.speaker}: {text}" if text else f"{b.speaker}:"
        parts.append(text)
        spans.append((pos, pos + len(text)))
        pos += len(text) + 1
    joined = "\n".join(parts)
    turns = []
    structural = [(s, e, b) for b, (s, e) in zip(blocks, spans) if b.turn]
    for s, e, b in structural:
        turns.append(TurnSpec(s, blocks_mod._trim_end(joined, s, e), b.speaker, b.begin_ms, b.end_ms))
    if detect:
        known = {b.speaker for _, _, b in structural if b.speaker}
        in_structure = [(s, e) for s, e, _ in structural]
        free = [(p, label) for p, label in label_starts(joined, pattern, known)
                if not any(s <= p < max(e, s + 1) for s, e in in_structure)]
        bounds = sorted([s for s, _ in in_structure] + [p for p, _ in free])
        for p, label in free:
            nxt = next((b for b in bounds if b > p), len(joined) + 1)
            turns.extend(turns_from_starts(joined, [(p, label)], limit=nxt - 1 if nxt <= len(joined) else len(joined)))
    turns.sort(key=lambda t: t.start)
    return joined, turns


@pytest.mark.parametrize("seed", range(30))
def test_assembly_matches_the_reference(seed):
    rng = random.Random(seed)
    blocks = []
    for i in range(rng.randrange(1, 60)):
        kind = rng.random()
        who = rng.choice(("Interviewer", "NPM-1", "NPM-2", "Moderator"))
        if kind < 0.3:
            blocks.append(Block(rng.choice(("", "yes.", hostile.turn_text(i, 3))), turn=True,
                                speaker=rng.choice((who, None)), begin_ms=rng.choice((None, i * 1000))))
        elif kind < 0.7:
            blocks.append(Block(f"{who}: {hostile.turn_text(i, 4)}"))
        else:
            blocks.append(Block(rng.choice(("A heading", "Things that helped:", "- a list item", "  \t "))))
    for pattern in (None, r"^(?P<speaker>NPM-\d+):"):
        assert assemble(blocks, pattern, True) == _reference_assemble(blocks, pattern, True)
    assert assemble(blocks, None, False) == _reference_assemble(blocks, None, False)


def test_a_large_mixed_transcript_assembles_as_the_reference_does():
    blocks = []
    for i, (who, said) in enumerate(hostile.turns_of(3000)):
        blocks.append(Block(said, turn=True, speaker=who) if i % 3 == 0 else Block(f"{who}: {said}"))
    assert assemble(blocks, None, True) == _reference_assemble(blocks, None, True)


@pytest.mark.parametrize("pattern", [None, r"^(?P<speaker>\w+-?\d*):"])
def test_labels_are_found_after_every_kind_of_line_break(pattern):
    text = "Interviewer: hi\nNPM-1: x\u2029NPM-2: y\n\nInterviewer - ok\n  NPM-1: z\n"
    found = [label for _, label in label_starts(text, pattern)]
    assert found[:3] == ["Interviewer", "NPM-1", "NPM-2"]
    assert label_starts(text, pattern) == label_starts(text.replace("\u2029", "\n"), pattern)


# 4. Names from files lose control and text-direction characters ---------------------------------

def test_a_file_name_with_a_right_to_left_override(project, tmp_path):
    path = tmp_path / "interview\u202etxt.exe.txt"
    path.write_bytes(hostile.txt(4))
    [doc] = import_files(project, [path]).imported
    assert doc.name == "interviewtxt.exe"


def test_a_speaker_label_with_controls_from_a_subtitle_file(project, tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v NPM\u202e-2>Hello there.</v>\n\n"
                    "00:00:03.000 --> 00:00:04.000\n<v Inter\x85viewer>And you?</v>\n", encoding="utf-8")
    [doc] = import_files(project, [path], ImportOptions(autocode="speaker")).imported
    assert doc.speakers == ["NPM-2", "Inter viewer"]
    assert sorted(c.name for c in project.codes()) == ["Inter viewer", "NPM-2", "Speakers"]


def test_code_names_from_a_qdpx_lose_overrides(tmp_path):
    qde, text = hostile.qde(4)
    qde = qde.replace(b'name="code 0 ', 'name="x\u202egpj '.encode(), 1)
    qde = qde.replace(b'name="code 1 ', b'name="a&#x85;b ', 1)
    path = tmp_path / "study.qdpx"
    path.write_bytes(hostile.zip_bytes([("project.qde", qde), (f"sources/{hostile.guid(300)}.txt", text)]))
    import_qdpx(path, tmp_path / "new.npmdesk", "Ana")
    with Project.open(tmp_path / "new.npmdesk", "Ana") as p:
        names = [c.name for c in p.codes()]
    assert names[0].startswith("xgpj ") and names[1].startswith("a b ")
    assert not any(ch in "".join(names) for ch in "\u202e\x85")


def test_framework_elements_from_a_csv_lose_controls(project, tmp_path):
    path = tmp_path / "fw\u202e.csv"
    path.write_bytes("name,description\nPatient\u202eCare,x\nSys\x85tems,y\n".encode("utf-8"))
    fw = project.framework(import_framework_file(project, path))
    assert fw.name == "fw" and [e.name for e in fw.elements] == ["PatientCare", "Sys tems"]


# 3. Bounded memory: a few bytes of XML must not become gigabytes of text -----------------------

def test_an_odt_space_run_is_capped(project, tmp_path):
    path = tmp_path / "spaces.odt"
    content = hostile.content_xml(3).replace(b"<text:p>NPM-1: ", b'<text:p>NPM-1:<text:s text:c="2000000000"/>', 1)
    path.write_bytes(hostile.odt(content=content))
    [doc] = import_files(project, [path]).imported
    text = project.document_text(doc.document_id)
    assert "NPM-1:" + " " * 100 in text and " " * 101 not in text


def test_docx_list_numbering_cannot_blow_up_labels(project, tmp_path):
    numbering = (f'<w:numbering xmlns:w="{hostile.W}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
                 '<w:start w:val="2000000000"/><w:numFmt w:val="lowerLetter"/>'
                 f'<w:lvlText w:val="{"%1" * 5000}"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
    data = hostile.docx(2)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i.filename, numbering if i.filename == "word/numbering.xml" else zf.read(i)) for i in zf.infolist()]
    path = tmp_path / "numbers.docx"
    path.write_bytes(hostile.zip_bytes(members))
    [doc] = import_files(project, [path]).imported
    lines = project.document_text(doc.document_id).split("\n")
    items = [line for line in lines if line.endswith(("weekly coffee", "a study plan"))]
    assert len(items) == 2 and all(len(line) < 400 for line in items)
    assert items[0].startswith("2000000000" * 16)  # decimal, and the template cut to 32 characters
