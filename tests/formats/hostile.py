"""Synthetic inputs for the fuzz, hostile-file and import-benchmark tests, built without any tool.

Every builder returns the bytes of a small but valid file of its format (the fuzz tests mutate
them); `turns` scales the transcript for the benchmark. Office files are written as the minimal
zip parts Word and LibreOffice themselves need, so building 100,000 paragraphs takes a second
rather than the minute python-docx would take.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

SPEAKERS = ("Interviewer", "NPM-1", "NPM-2")
_WORDS = ("mentor", "belonging", "feedback", "anatomy", "session", "honest", "student", "teaching", "cohort",
          "résumé", "naïve", "Muñoz", "😀", "مرحبا")


_VOCAB = _WORDS + tuple(
    f"{a}{b}" for a in ("re", "con", "pre", "inter", "trans", "sub", "over", "under", "out", "co")
    for b in ("mentor", "learn", "teach", "view", "form", "act", "think", "speak", "listen", "write", "study",
              "belong", "trust", "plan", "care", "work", "grow", "share"))


def turn_text(i: int, words: int = 12) -> str:
    """Varied words (a fixed pseudo-random walk over a small vocabulary) so that the text
    compresses about as well as real speech does, not a thousand to one."""
    x = (i * 2654435761 + 12345) & 0xFFFFFFFF
    out = []
    for _ in range(words):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(_VOCAB[(x >> 8) % len(_VOCAB)])
    return " ".join(out) + "."


def turns_of(turns: int) -> list[tuple[str, str]]:
    return [(SPEAKERS[i % len(SPEAKERS)], turn_text(i)) for i in range(turns)]


# Plain text family ------------------------------------------------------------------------------

def txt(turns: int = 8) -> bytes:
    return "".join(f"{who}: {said}\n\n" for who, said in turns_of(turns)).encode("utf-8")


def md(turns: int = 8) -> bytes:
    body = "".join(f"**{who}:** {said}\n\n" for who, said in turns_of(turns))
    return ("# Interview 1\n\n" + body + "- a list item\n- another\n").encode("utf-8")


def _stamp(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def vtt(turns: int = 8) -> bytes:
    out = ["WEBVTT", ""]
    for i, (who, said) in enumerate(turns_of(turns)):
        out += [str(i + 1), f"{_stamp(i * 4000, '.')} --> {_stamp(i * 4000 + 3500, '.')}", f"<v {who}>{said}</v>", ""]
    return "\n".join(out).encode("utf-8")


def srt(turns: int = 8) -> bytes:
    out = []
    for i, (who, said) in enumerate(turns_of(turns)):
        out += [str(i + 1), f"{_stamp(i * 4000, ',')} --> {_stamp(i * 4000 + 3500, ',')}", f"{who}: {said}", ""]
    return "\r\n".join(out).encode("utf-8")


def rtf(turns: int = 8, table: bool = True) -> bytes:
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}{\info{\title secret}}",
             r"{\header header text\par}"]
    for who, said in turns_of(turns):
        parts.append(_rtf_escape(f"{who}: {said}") + r"\par" + "\n")
    if table:
        for who, said in (("Interviewer", "And then?"), ("NPM-1", "Then I taught it."), ("Interviewer", "Thanks.")):
            parts.append(r"\trowd\cellx2000\cellx8000\pard\intbl " + _rtf_escape(who) + r"\cell "
                         + _rtf_escape(said) + r"\cell\row" + "\n")
        parts.append(r"\pard ")
    parts.append("}")
    return "".join(parts).encode("latin-1")


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            for unit in struct.unpack(f"<{len(ch.encode('utf-16-le')) // 2}h", ch.encode("utf-16-le")):
                out.append(f"\\u{unit}?")
    return "".join(out)


# Word --------------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '</Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
    'Target="numbering.xml"/></Relationships>')
_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
           '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
           '<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/>'
           '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>')
_NUMBERING = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W}">'
              '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
              '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
              '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')


def _w_para(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return (f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">{ppr}<w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')


def document_xml(turns: int = 8, table: bool = True) -> bytes:
    body = [_w_para("Interview 1: near-peer mentoring")]
    body += [_w_para(f"{who}: {said}") for who, said in turns_of(turns)]
    body += [_w_para("weekly coffee", "ListBullet"), _w_para("a study plan", "ListBullet")]
    if table:
        rows = "".join(f"<w:tr><w:tc><w:p><w:r><w:t>{who}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>"
                       f"{escape(said)}</w:t></w:r></w:p></w:tc></w:tr>"
                       for who, said in (("Interviewer", "And then?"), ("NPM-1", "Then I taught."),
                                         ("Interviewer", "Thanks.")))
        body.append(f"<w:tbl>{rows}</w:tbl>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
            + "".join(body) + '<w:sectPr/></w:body></w:document>').encode("utf-8")


def zip_bytes(members: list[tuple[str, bytes | str]], stored: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)) if name in stored else name,
                        data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def docx(turns: int = 8, table: bool = True, document: bytes | None = None) -> bytes:
    return zip_bytes([("[Content_Types].xml", _DOCX_TYPES), ("_rels/.rels", _DOCX_RELS),
                      ("word/_rels/document.xml.rels", _DOC_RELS), ("word/styles.xml", _STYLES),
                      ("word/numbering.xml", _NUMBERING),
                      ("word/document.xml", document if document is not None else document_xml(turns, table))])


# OpenDocument -----------------------------------------------------------------------------------

_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
             '<manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


def content_xml(turns: int = 8, table: bool = True) -> bytes:
    body = ['<text:h text:outline-level="1">Interview 1</text:h>']
    body += [f"<text:p>{escape(who)}: {escape(said)}</text:p>" for who, said in turns_of(turns)]
    body.append('<text:list text:style-name="L1"><text:list-item><text:p>first</text:p></text:list-item>'
                '<text:list-item><text:p>second</text:p></text:list-item></text:list>')
    if table:
        rows = "".join(f"<table:table-row><table:table-cell><text:p>{who}</text:p></table:table-cell>"
                       f"<table:table-cell><text:p>{said}</text:p></table:table-cell></table:table-row>"
                       for who, said in (("Interviewer", "And then?"), ("NPM-1", "Then I taught."),
                                         ("Interviewer", "Thanks.")))
        body.append(f'<table:table table:name="T">{rows}</table:table>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}><office:automatic-styles>'
            '<text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-format="1" '
            'style:num-suffix="."/></text:list-style></office:automatic-styles><office:body><office:text>'
            + "".join(body) + "</office:text></office:body></office:document-content>").encode("utf-8")


def odt(turns: int = 8, table: bool = True, content: bytes | None = None) -> bytes:
    styles = f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODT_NS}/>'
    return zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("META-INF/manifest.xml", _MANIFEST),
                      ("styles.xml", styles),
                      ("content.xml", content if content is not None else content_xml(turns, table))],
                     stored=("mimetype",))


# PDF ---------------------------------------------------------------------------------------------

def pdf(pages: int = 2, lines: int = 6, content: bytes | None = None, compress: bool = True) -> bytes:
    """A PDF with a text layer (Helvetica, one text object per page), its xref table computed."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for p in range(pages):
        if content is None:
            ops = ["BT /F1 11 Tf 72 760 Td 14 TL"]
            for k, (who, said) in enumerate(turns_of(lines)):
                said = said.encode("ascii", "ignore").decode()
                ops.append(f"({who}: page {p + 1} line {k + 1} {said}) Tj T*")
            ops.append("ET")
            stream = "\n".join(ops).encode("latin-1")
        else:
            stream = content
        filt = b""
        if compress:
            stream, filt = zlib.compress(stream), b" /Filter /FlateDecode"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * p} 0 R >>".encode())
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(stream), filt) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


# REFI-QDA ----------------------------------------------------------------------------------------

def guid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def qdc(codes: int = 6, depth: int = 2) -> bytes:
    """A codebook of `codes` codes: top-level themes with `depth`-deep chains of sub-codes."""
    parts, n = [], 0
    while n < codes:
        chain = []
        for _ in range(depth):
            if n >= codes:
                break
            chain.append(n)
            n += 1
        xml = ""
        for k in reversed(chain):
            xml = (f'<Code guid="{guid(k + 1)}" name="code {k} {_WORDS[k % len(_WORDS)]}" isCodable="true" '
                   f'color="#{(k * 2654435761) % 0xFFFFFF:06x}"><Description>Definition {k}</Description>{xml}</Code>')
        parts.append(xml)
    return ('<?xml version="1.0" encoding="UTF-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="tests">'
            "<Codes>" + "".join(parts) + "</Codes></CodeBook>").encode("utf-8")


def qde(turns: int = 6) -> tuple[bytes, bytes]:
    """A project XML with users, codes, one text source with codings, a case, a variable and notes,
    and the source's text (the .qdpx's sources/<guid>.txt)."""
    text = "".join(f"{who}: {said}\n" for who, said in turns_of(turns))
    sels = []
    pos = 0
    for i, line in enumerate(text.split("\n")[:-1]):
        if i % 2:
            sels.append(f'<PlainTextSelection guid="{guid(100 + i)}" name="s{i}" startPosition="{pos}" '
                        f'endPosition="{pos + len(line)}" creatingUser="{guid(900)}"><Coding guid="{guid(200 + i)}" '
                        f'creatingUser="{guid(900)}"><CodeRef targetGUID="{guid(1 + i % 3)}"/></Coding>'
                        + (f'<NoteRef targetGUID="{guid(500)}"/>' if i == 1 else "") +
                        "</PlainTextSelection>")
        pos += len(line) + 1
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Study" '
           f'origin="tests"><Users><User guid="{guid(900)}" name="Ana"/></Users>'
           f'<CodeBook><Codes>{qdc(4).decode().split("<Codes>")[1].split("</Codes>")[0]}</Codes></CodeBook>'
           f'<Variables><Variable guid="{guid(700)}" name="cohort" typeOfVariable="Integer"/></Variables>'
           f'<Cases><Case guid="{guid(600)}" name="NPM-1"><VariableValue><VariableRef targetGUID="{guid(700)}"/>'
           f'<IntegerValue>2</IntegerValue></VariableValue><SourceRef targetGUID="{guid(300)}"/></Case></Cases>'
           f'<Sources><TextSource guid="{guid(300)}" name="Interview 1" plainTextPath="internal://{guid(300)}.txt">'
           + "".join(sels) + "</TextSource></Sources>"
           f'<Notes><Note guid="{guid(500)}" name="memo"><PlainTextContent>A memo.</PlainTextContent></Note></Notes>'
           "</Project>")
    return xml.encode("utf-8"), text.encode("utf-8")


def qdpx(turns: int = 6) -> bytes:
    project, text = qde(turns)
    return zip_bytes([("project.qde", project), (f"sources/{guid(300)}.txt", text)])


# CSV ---------------------------------------------------------------------------------------------

def participants_csv(rows: int = 6, newline: str = "\r\n") -> bytes:
    lines = ["ID,role,cohort,first-gen,joined"]
    lines += [f"NPM-{i},{'mentor' if i % 2 else 'mentee'},{2020 + i % 3},{'yes' if i % 3 else 'no'},"
              f"2024-0{1 + i % 9}-15"
              for i in range(1, rows + 1)]
    return (newline.join(lines) + newline).encode("utf-8")


def framework_csv(rows: int = 6, newline: str = "\r\n") -> bytes:
    lines = ["name,description"] + [f'Element {i},"What element {i} means, in words"' for i in range(1, rows + 1)]
    return (newline.join(lines) + newline).encode("utf-8")


# Damage ------------------------------------------------------------------------------------------

def damage_deflate(archive: bytes, member: str) -> bytes:
    """The archive with `member`'s deflate stream corrupted in the middle (headers and CRC intact),
    so that inflating it fails inside zlib."""
    zf = zipfile.ZipFile(io.BytesIO(archive))
    info = zf.getinfo(member)
    local = info.header_offset
    name_len, extra_len = struct.unpack("<HH", archive[local + 26:local + 30])
    start = local + 30 + name_len + extra_len
    data = bytearray(archive)
    # 0xFF bytes make an invalid block type / distance at once: zlib reports "invalid ..." errors.
    for k in range(start, start + min(info.compress_size, 64)):
        data[k] = 0xFF
    return bytes(data)
