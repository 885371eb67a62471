"""OpenDocument text (.odt): paragraphs, headings, lists and tables of content.xml in order.

Read with the safe zip/XML helpers rather than a library: content.xml is one XML file whose text
elements are few and stable, and odfpy (the only Python reader) has not been released since 2020.
The body is parsed as a stream, one paragraph, list or table at a time.
Headers and footers live in styles.xml and are not read; comments (office:annotation), footnotes
(text:note), tracked deletions and text boxes are not transcript text and are skipped.
"""

from __future__ import annotations

from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.formats.blocks import Block, assemble, plain_table_rows, speaker_table_rows
from npmdesk.formats.importing import ParsedSource, reader
from npmdesk.formats.reports.list_numbering import format_number
from npmdesk.formats.safe_xml import SafeZip

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
ODT_MIMETYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
_FORMAT = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}


def t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


_SKIP = {t("note"), f"{{{OFFICE}}}annotation", f"{{{OFFICE}}}annotation-end", t("tracked-changes"),
         t("sequence-decls"), t("variable-decls"), t("user-field-decls"), t("bookmark-ref"),
         "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame",
         "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}custom-shape"}


@reader(".odt", ".ott")
def read_odt(path: Path, data: bytes, options) -> ParsedSource:
    archive = SafeZip(data, path, what="OpenDocument text")
    mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if archive.has("mimetype") else ""
    if not archive.has("content.xml"):
        if archive.has("[Content_Types].xml"):
            raise BadInputError(path, "this is a Word document, not OpenDocument; rename it to .docx and import again")
        raise BadInputError(path, "this is a zip archive, not an OpenDocument text (it has no content.xml)")
    if mimetype and mimetype not in ODT_MIMETYPES:
        raise BadInputError(path, f"this is an OpenDocument file of another kind ({mimetype}), not a text document")
    shared_lists = _list_styles(archive.read_xml("styles.xml")) if archive.has("styles.xml") else {}
    # content.xml is read as a stream, one body element at a time; its automatic styles come
    # before the body, so they are complete when the first body element arrives.
    stream = archive.iter_xml("content.xml", (f"{{{OFFICE}}}document-content", f"{{{OFFICE}}}body",
                                              f"{{{OFFICE}}}text"))
    walker = None
    for el in stream:
        if walker is None:
            walker = _Walker({**shared_lists, **_list_styles(stream.root)}, _paragraph_list_styles(stream.root))
        walker.walk((el,))
    if not stream.found:
        raise BadInputError(path, "this OpenDocument file has no text body")
    blocks = walker.blocks if walker is not None else []
    text, turns = assemble(blocks, options.speaker_pattern, options.detect_speakers)
    notes = [f"{sum(b.turn for b in blocks)} turns taken from a speaker table"] if any(
        b.turn for b in blocks) else []
    return ParsedSource(text, "OpenDocument (odt)", "odt", turns=turns, notes=notes)


class _Walker:
    def __init__(self, list_styles: dict, paragraph_lists: dict):
        self.list_styles = list_styles  # list style -> {level: ('bullet'|format, prefix, suffix)}
        self.paragraph_lists = paragraph_lists  # paragraph style -> list style
        self.blocks: list[Block] = []
        self.counters: dict[str, list[int]] = {}

    def walk(self, parent, list_style: str | None = None, level: int = 0) -> None:
        for el in parent:
            tag = el.tag
            if tag in (t("p"), t("h")):
                text = paragraph_text(el).strip()
                if text:
                    self.blocks.append(Block(text))
            elif tag == t("list"):
                style = el.get(t("style-name")) or list_style
                if level == 0 and el.get(t("continue-numbering")) != "true" and not el.get(t("continue-list")):
                    self.counters.pop(style or "", None)
                self.walk(el, style, level + 1)
            elif tag == t("list-item"):
                self._list_item(el, list_style, level)
            elif tag == f"{{{TABLE}}}table":
                rows = []
                for row in el.iter(f"{{{TABLE}}}table-row"):
                    if next(row.iterancestors(f"{{{TABLE}}}table")) is not el:
                        continue  # a nested table's rows are read with their cell
                    sub = _Walker(self.list_styles, self.paragraph_lists)
                    cells = []
                    for cell in row:
                        if cell.tag == f"{{{TABLE}}}table-cell":
                            sub.blocks = []
                            sub.walk(cell)
                            cells.append("\n".join(b.text for b in sub.blocks))
                    if cells:
                        rows.append(cells)
                self.blocks.extend(speaker_table_rows(rows) or plain_table_rows(rows))
            elif tag in (t("section"), t("index-body"), f"{{{TABLE}}}table-rows") or tag.endswith("}index"):
                self.walk(el, list_style, level)

    def _list_item(self, item, list_style: str | None, level: int) -> None:
        first = True
        for el in item:
            if el.tag in (t("p"), t("h")) and first:
                first = False
                style = list_style or self.paragraph_lists.get(el.get(t("style-name")))
                text = paragraph_text(el).strip()
                if text:
                    self.blocks.append(Block(self._label(style, level) + text))
            else:
                self.walk([el], list_style, level)

    def _label(self, style: str | None, level: int) -> str:
        kind = self.list_styles.get(style or "", {}).get(level)
        if kind is None:
            return "• "
        fmt, prefix, suffix = kind
        if fmt == "bullet":
            return "• "
        counts = self.counters.setdefault(style or "", [0] * 11)
        counts[level] += 1
        for deeper in range(level + 1, 11):
            counts[deeper] = 0
        return f"{prefix}{format_number(fmt, counts[level])}{suffix} "


def paragraph_text(p) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        if el.text:
            parts.append(el.text)
        for c in el:
            tag = c.tag
            if tag in _SKIP:
                pass
            elif tag == t("s"):
                parts.append(" " * _space_count(c.get(t("c"))))
            elif tag == t("tab"):
                parts.append("\t")
            elif tag == t("line-break"):
                parts.append("\n")
            else:
                walk(c)
            if c.tail:
                parts.append(c.tail)

    walk(p)
    return "".join(parts)


_MAX_SPACES = 100  # <text:s text:c="2000000000"/> is 30 bytes of XML; it must not be 2 GB of text


def _space_count(value: str | None) -> int:
    try:
        return max(0, min(int(value or 1), _MAX_SPACES))
    except ValueError:
        return 1


def _list_styles(root) -> dict:
    out = {}
    for ls in root.iter(t("list-style")):
        levels = {}
        for lvl in ls:
            level = int(lvl.get(t("level"), "1"))
            if lvl.tag == t("list-level-style-bullet"):
                levels[level] = ("bullet", "", "")
            elif lvl.tag == t("list-level-style-number"):
                levels[level] = (_FORMAT.get(lvl.get(f"{{{STYLE}}}num-format", "1"), "decimal"),  # every item
                                 lvl.get(f"{{{STYLE}}}num-prefix", "")[:16],  # repeats these: kept short
                                 lvl.get(f"{{{STYLE}}}num-suffix", "")[:16])
        out[ls.get(f"{{{STYLE}}}name")] = levels
    return out


def _paragraph_list_styles(root) -> dict:
    return {st.get(f"{{{STYLE}}}name"): st.get(f"{{{STYLE}}}list-style-name")
            for st in root.iter(f"{{{STYLE}}}style") if st.get(f"{{{STYLE}}}list-style-name")}
