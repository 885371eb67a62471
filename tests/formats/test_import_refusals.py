"""Bad input: each file gets its own clear message, nothing crashes, and the project is unchanged."""

import hashlib
import shutil
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from npmdesk.core.errors import BadInputError, CancelledError, DuplicateSourceError
from npmdesk.formats.importing import ImportOptions, import_files
from npmdesk.formats.safe_xml import OLE2_MAGIC

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"


def snapshot(project):
    return project.counts(), hashlib.sha256(project.path.read_bytes()).hexdigest()


def refused(project, paths, **options) -> BadInputError:
    before = snapshot(project)
    with pytest.raises(BadInputError) as info:
        import_files(project, [Path(p) for p in paths], ImportOptions(**options))
    assert snapshot(project) == before
    return info.value


def write_zip_bomb(path: Path, size: int = 1536 * 2**20) -> None:
    """A .docx whose word/document.xml inflates to `size` bytes (1.5 GB) from about 2 MB.

    Built without inflating anything: one fully flushed deflate block of 1 MB of XML is repeated,
    which is a valid deflate stream, and the zip headers are written by hand with the right CRC."""
    chunk = b"<w:p/>" * (2**20 // 6)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    repeats = size // len(chunk)
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    members = [("[Content_Types].xml", b"<Types/>", 0, zlib.crc32(b"<Types/>"), 8, 8),
               ("word/document.xml", None, 8, crc, len(block) * repeats + len(tail), len(chunk) * repeats)]
    with open(path, "wb") as f:
        central = b""
        for name, data, method, crc_, csize, usize in members:
            offset = f.tell()
            header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc_, csize, usize,
                                 len(name), 0)
            f.write(header + name.encode())
            if data is not None:
                f.write(data)
            else:
                for _ in range(repeats):
                    f.write(block)
                f.write(tail)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc_, csize,
                                   usize, len(name), 0, 0, 0, 0, 0, offset) + name.encode()
        start = f.tell()
        f.write(central)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0))


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "transcript.docx"
    write_zip_bomb(path)
    return path


def test_zip_bomb_is_a_real_bomb(zip_bomb):
    info = zipfile.ZipFile(zip_bomb).getinfo("word/document.xml")
    assert info.file_size >= 1500 * 2**20 and zip_bomb.stat().st_size < 3 * 2**20
    with zipfile.ZipFile(zip_bomb).open("word/document.xml") as f:  # it really inflates to XML
        assert f.read(12) == b"<w:p/><w:p/>"


def test_zip_bomb_refused_quickly_in_little_memory(project, zip_bomb):
    tracemalloc.start()
    t0 = time.perf_counter()
    err = refused(project, [zip_bomb])
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "word/document.xml would unpack to 1,536 MB" in str(err) and "zip bomb" in str(err)
    assert err.path == str(zip_bomb)
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MB"  # the 2 MB file is read, nothing is inflated
    assert elapsed < 10  # it takes milliseconds; only a pathological slowdown could fail this


def test_highly_compressed_member_under_the_size_limit_is_refused_too(project, tmp_path):
    path = tmp_path / "sneaky.docx"
    write_zip_bomb(path, size=100 * 2**20)
    err = refused(project, [path])
    assert "compressed" in err.reason and "to 1" in err.reason and "zip bomb" in err.reason


@pytest.mark.parametrize("name, message", [
    ("garbage.docx", "this is not a Word document (the file's contents are not a zip archive"),
    ("not_word.docx", "this is a zip archive, not a Word document (it has no Word document part)"),
    ("xxe.docx", "the XML (word/document.xml) declares a DTD, which office files never do"),
    ("empty.txt", "the file is empty"),
    ("binary.txt", "this is not a text file (it contains binary data)"),
    ("scanned.pdf", "this PDF has no text layer (1 page(s) of images only, probably a scan)"),
])
def test_bad_file_refused_with_its_reason(project, name, message):
    err = refused(project, [FIXTURES / name])
    assert err.path == str(FIXTURES / name)
    assert err.reason.startswith(message)
    assert str(err).startswith(f"{FIXTURES / name}: ")


def test_xxe_content_never_reaches_the_text(project, tmp_path):
    """Even asked to skip bad files, the XXE file is skipped, not imported with /etc/passwd in it."""
    report = import_files(project, [FIXTURES / "xxe.docx", FIXTURES / "interview.srt"], ImportOptions(skip_bad=True))
    assert [d.name for d in report.imported] == ["interview"]
    assert report.skipped[0][0] == str(FIXTURES / "xxe.docx") and "DTD" in report.skipped[0][1]
    assert all("root:" not in project.document_text(d.id) for d in project.documents())


def test_old_word_doc_and_file_over_the_size_limit(project, tmp_path):
    doc = tmp_path / "interview5.docx"
    doc.write_bytes(OLE2_MAGIC + bytes(4000))
    assert "old-style Word 97-2003 (.doc)" in refused(project, [doc]).reason
    assert refused(project, [FIXTURES / "interview.srt"], max_bytes=100).reason == (
        "the file is 311 bytes, over the 100 bytes limit for one transcript")


def test_unsupported_suffix(project, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"PK\x03\x04")
    err = refused(project, [path])
    assert err.reason.startswith("npmdesk cannot import .xlsx (it imports .doc")


def test_truncated_docx_is_damaged_not_a_crash(project, tmp_path):
    path = tmp_path / "cut.docx"
    path.write_bytes((FIXTURES / "speaker_table.docx").read_bytes()[:5000])
    assert "damaged" in refused(project, [path]).reason


def test_one_bad_file_stops_the_whole_import(project):
    err = refused(project, [FIXTURES / "cp1252_crlf.txt", FIXTURES / "garbage.docx", FIXTURES / "focus_group.vtt"])
    assert err.path.endswith("garbage.docx")
    assert project.documents() == []


def test_skip_bad_imports_the_rest_and_names_each_skipped_file(project):
    report = import_files(project, [FIXTURES / "cp1252_crlf.txt", FIXTURES / "garbage.docx", FIXTURES / "empty.txt"],
                          ImportOptions(skip_bad=True))
    assert [d.name for d in report.imported] == ["cp1252_crlf"]
    assert [(Path(p).name, r.split(" (")[0]) for p, r in report.skipped] == [
        ("garbage.docx", "this is not a Word document"), ("empty.txt", "the file is empty")]


def test_reimport_refused_unless_forced_and_name_clash(project, tmp_path):
    import_files(project, [FIXTURES / "interview.srt"])
    err = refused(project, [FIXTURES / "interview.srt"])
    assert isinstance(err, DuplicateSourceError) and "already imported as 'interview'" in err.reason
    copy = tmp_path / "interview.srt"
    shutil.copy(FIXTURES / "interview.srt", copy)
    assert "a document named 'interview' already exists" in refused(project, [copy], force=True).reason
    report = import_files(project, [copy], ImportOptions(force=True, numbered_names=True))
    assert report.imported[0].name == "interview (2)"


def test_cancel_from_progress_stores_nothing(project):
    before = snapshot(project)
    calls = []

    def progress(done, total, path):
        calls.append((done, total, Path(path).name if path else ""))
        return done < 1

    with pytest.raises(CancelledError):
        import_files(project, [FIXTURES / "interview.srt", FIXTURES / "focus_group.vtt"], progress=progress)
    assert calls == [(0, 2, "interview.srt"), (1, 2, "focus_group.vtt")]
    assert snapshot(project) == before


def test_refused_xml_features_in_safe_parser():
    from npmdesk.formats.safe_xml import parse_xml

    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b"<lolz>&lol2;</lolz>")
    with pytest.raises(BadInputError, match="declares a DTD"):
        parse_xml(laughs, "bomb.xml")
    with pytest.raises(BadInputError, match="damaged XML"):
        parse_xml(b"<a><b></a>", "bad.xml")
    assert parse_xml(b"<a>ok</a>", "fine.xml").text == "ok"


def test_zip_member_lying_about_its_size_fails_its_check(project, tmp_path):
    """Headers that under-state the size: zipfile stops at the declared size and the CRC fails."""
    src = zipfile.ZipFile(FIXTURES / "speaker_table.docx")
    path = tmp_path / "liar.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    real = src.getinfo("word/document.xml").file_size
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # shrink the declared size in both headers
        i = -1
        while (i := data.find(sig, i + 1)) != -1:
            fixed = 30 if sig == b"PK\x03\x04" else 46
            n_off = 26 if sig == b"PK\x03\x04" else 28
            size_off = 22 if sig == b"PK\x03\x04" else 24
            n = struct.unpack_from("<H", data, i + n_off)[0]
            if bytes(data[i + fixed:i + fixed + n]) == name:
                struct.pack_into("<I", data, i + size_off, real // 10)
    path.write_bytes(bytes(data))
    assert "damaged" in refused(project, [path]).reason


def test_a_very_long_file_name_is_shortened_not_refused(tmp_path, project):
    """Review finding: a 210-character file name aborted the whole import."""
    from npmdesk.formats.importing import import_files

    long = tmp_path / ("Interview with a near-peer mentor about belonging " * 4 + "NPM-3.txt")  # 213 chars
    long.write_text("Interviewer: Hi.\nNPM-3: Hello.\n", encoding="utf-8")
    [doc] = import_files(project, [long]).imported
    assert len(doc.name) <= 194 and doc.name.endswith("…") and doc.name.startswith("Interview with")


def test_a_text_file_over_the_text_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """Plain text is bounded tighter than a .docx (which may be mostly pictures): memory stays bounded."""
    import npmdesk.formats.importing as importing
    from npmdesk.store import Project

    monkeypatch.setattr(importing, "MAX_TEXT_BYTES", 1000)
    big = tmp_path / "long.txt"
    big.write_text("NPM-1: words words words.\n" * 100, encoding="utf-8")
    project = Project.create(tmp_path / "p.npmdesk", "Ana")
    before = project.path.read_bytes()
    with pytest.raises(BadInputError, match="over the 1,000 bytes limit for one transcript"):
        importing.import_files(project, [str(big)], importing.ImportOptions())
    assert project.documents() == [] and project.path.read_bytes() == before
    project.close()
