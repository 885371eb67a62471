"""Word .docx: body paragraphs and tables in order, list items numbered, speaker tables as turns.

The archive is size-checked and every XML part is parsed with the safe parser (no DTDs, no
entities). The body is walked as XML rather than through python-docx's paragraph objects because
those skip tracked insertions, content controls (w:sdt) and field results, which transcription
services do produce; and it is read as a stream, one body paragraph or table at a time, so a
huge document costs the memory of its text, not of its whole XML tree. The numbering and style
parts are found through the main part's relationships, as Word finds them. Headers, footers,
comments, footnotes, text boxes, deleted text and field codes are not transcript text and are
left out.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.formats.blocks import Block, assemble, plain_table_rows, speaker_table_rows
from npmdesk.formats.importing import ParsedSource, reader
from npmdesk.formats.reports.list_numbering import ListCounter
from npmdesk.formats.safe_xml import SafeZip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WORD_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Run content that is not what a reader sees: deleted or moved-away text, field instructions,
# drawings and text boxes (often duplicated in mc:Fallback), properties.
_SKIP = {w("del"), w("moveFrom"), w("instrText"), w("delText"), w("pPr"), w("rPr"), w("drawing"), w("pict"),
         w("object"), w("footnoteReference"), w("endnoteReference"), w("commentReference"),
         f"{{{MC_NS}}}AlternateContent"}
_CHARS = {w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-", w("softHyphen"): ""}


@reader(".docx", ".docm", ".dotx")
def read_docx(path: Path, data: bytes, options) -> ParsedSource:
    archive = SafeZip(data, path, what="Word document")
    main = _main_part_name(archive, path)
    if not archive.has(main):
        raise BadInputError(path, f"the Word document part {main} is missing from the archive")
    parts = _related_parts(archive, main)
    counter = ListCounter(_numbering_formats(archive, parts.get("numbering")),
                          _style_numbering(archive, parts.get("styles")))
    blocks: list[Block] = []
    for el in archive.iter_xml(main, (w("document"), w("body")), tags=_BLOCK_TAGS):
        _walk((el,), blocks, counter)
    text, turns = assemble(blocks, options.speaker_pattern, options.detect_speakers)
    notes = []
    if any(b.turn for b in blocks):
        notes.append(f"{sum(b.turn for b in blocks)} turns taken from a speaker table")
    return ParsedSource(text, "Word (docx)", "docx", turns=turns, notes=notes)


def _related_parts(archive: SafeZip, main: str) -> dict[str, str]:
    """Relationship type ('numbering', 'styles') -> part name, from the main part's .rels."""
    folder, base = posixpath.split(main)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if not archive.has(rels):
        return {}
    out: dict[str, str] = {}
    for rel in archive.read_xml(rels):
        target, kind = rel.get("Target"), (rel.get("Type") or "").rsplit("/", 1)[-1]
        if not target or rel.get("TargetMode") == "External" or kind in out:
            continue
        name = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
        if archive.has(name):
            out[kind] = name
    return out


def _main_part_name(archive: SafeZip, path: Path) -> str:
    if not archive.has("[Content_Types].xml"):
        if archive.has("mimetype") or archive.has("content.xml"):
            raise BadInputError(path, "this is an OpenDocument file, not a Word document; rename it to .odt "
                                      "(or save it as .docx) and import again")
        raise BadInputError(path, "this is a zip archive, not a Word document (it has no Word document part)")
    types = archive.read_xml("[Content_Types].xml")
    for el in types:
        if el.get("ContentType") in WORD_MAIN_TYPES and el.get("PartName"):
            return el.get("PartName").lstrip("/")
    raise BadInputError(path, "this is an Office file but not a Word document (an Excel or PowerPoint file "
                              "renamed .docx?)")


_BLOCK_TAGS = (w("p"), w("tbl"), w("sdt"), w("customXml"), w("sdtContent"), w("ins"), w("moveTo"))  # what _walk reads


def _walk(parent, out: list[Block], counter: ListCounter) -> None:
    for child in parent:
        tag = child.tag
        if tag == w("p"):
            text = paragraph_text(child).strip()
            if text:
                out.append(Block(counter.prefix(child) + text))
        elif tag == w("tbl"):
            _table(child, out, counter)
        elif tag in (w("sdt"), w("customXml"), w("sdtContent"), w("ins"), w("moveTo")):
            _walk(child, out, counter)


def paragraph_text(p) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        for c in el:
            tag = c.tag
            if tag in _SKIP:
                continue
            if tag == _T:
                parts.append(c.text or "")
            elif tag in _CHARS:
                parts.append(_CHARS[tag])
            else:
                walk(c)

    walk(p)
    return "".join(parts)


_T = w("t")


def _table(tbl, out: list[Block], counter: ListCounter) -> None:
    rows: list[list[str]] = []
    for tr in _rows(tbl):
        cells = []
        for tc in tr:
            if tc.tag == w("tc"):
                cell_blocks: list[Block] = []
                _walk(tc, cell_blocks, counter)  # a nested table is read into its cell
                cells.append("\n".join(b.text for b in cell_blocks))
        if cells:
            rows.append(cells)
    out.extend(speaker_table_rows(rows) or plain_table_rows(rows))


def _rows(tbl):
    for child in tbl:
        if child.tag == w("tr"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):
            yield from (tr for tr in child.iter(w("tr")) if tr.getparent().getparent() is child
                        or tr.getparent() is child)


_MAX_LABEL = 32  # a list label's template ("%1.%2)"), which every numbered paragraph repeats


def _numbering_formats(archive: SafeZip, part: str | None) -> dict:
    """numId -> {ilvl: (numFmt, lvlText, start)} from the numbering part, if there is one."""
    if part is None:
        return {}
    numbering = archive.read_xml(part)
    abstract = {}
    for an in numbering.findall(w("abstractNum")):
        levels = {}
        for lvl in an.findall(w("lvl")):
            fmt = lvl.find(w("numFmt"))
            txt = lvl.find(w("lvlText"))
            start = lvl.find(w("start"))
            levels[_int(lvl.get(w("ilvl")), 0)] = (
                fmt.get(w("val")) if fmt is not None else "decimal",
                (txt.get(w("val")) or "")[:_MAX_LABEL] if txt is not None else "",  # copied to every item
                _int(start.get(w("val")), 1) if start is not None else 1,
            )
        abstract[an.get(w("abstractNumId"))] = levels
    formats = {}
    for num in numbering.findall(w("num")):
        ref = num.find(w("abstractNumId"))
        if ref is not None:
            formats[num.get(w("numId"))] = abstract.get(ref.get(w("val")), {})
    return formats


def _style_numbering(archive: SafeZip, part: str | None) -> dict:
    """styleId -> (numId, ilvl) for paragraph styles that number their paragraphs (List Bullet)."""
    out: dict = {}
    if part is None:
        return out
    styles = archive.read_xml(part)
    for st in styles.findall(w("style")):
        num_pr = st.find(f"{w('pPr')}/{w('numPr')}")
        if num_pr is not None:
            num_id = num_pr.find(w("numId"))
            ilvl = num_pr.find(w("ilvl"))
            out[st.get(w("styleId"))] = (num_id.get(w("val")) if num_id is not None else None,
                                         _int(ilvl.get(w("val")), 0) if ilvl is not None else 0)
    return out


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default
