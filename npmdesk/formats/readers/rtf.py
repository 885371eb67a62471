"""Rich Text Format (.rtf): a small tokenizer over RTF's groups and control words.

Why our own reader: the Python RTF libraries are either writers or, like striprtf, a regular
expression port of a forum answer that flattens tables into "a|b|" and keeps some header text.
RTF's text model is small (groups, control words, \\uN with its fallback, \\'hh in the document's
code page, destinations to skip), so a careful 200-line reader gives paragraphs, tables (speaker
tables become turns, as in .docx) and list labels, and leaves headers, footers, footnotes,
comments, pictures and field instructions out.
"""

from __future__ import annotations

import re
from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.formats.blocks import Block, assemble, plain_table_rows, speaker_table_rows
from npmdesk.formats.importing import ParsedSource, reader

_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|([^\\{}\r\n]+)")
_MAX_DEPTH = 500
_SURROGATE = re.compile("[\ud800-\udfff]")
# Destinations whose content is not body text.
_SKIP = {
    "fonttbl", "colortbl", "stylesheet", "info", "listtable", "listoverridetable", "revtbl", "rsidtbl",
    "pict", "object", "objdata", "themedata", "colorschememapping", "latentstyles", "datastore", "generator",
    "xmlnstbl", "filetbl", "userprops", "shp", "shpinst", "nonshppict", "shptxt", "pgdsctbl", "fldinst",
    "header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr", "footerf", "footnote",
    "annotation", "atnid", "atnauthor", "atndate", "atnref", "atrfstart", "atrfend", "txe", "xe", "tc",
    "bkmkstart", "bkmkend", "template", "docvar", "mmathPr", "ftnsep", "ftnsepc", "aftnsep", "aftnsepc",
    "do", "pn", "listpicture", "wgrffmtfilter",
}
_SYMBOLS = {"emdash": "\u2014", "endash": "\u2013", "lquote": "\u2018", "rquote": "\u2019",
            "ldblquote": "\u201c", "rdblquote": "\u201d", "bullet": "\u2022", "emspace": "\u2003",
            "enspace": "\u2002", "qmspace": "\u2005", "line": "\n", "tab": "\t"}
_ESCAPES = {"~": "\u00a0", "-": "", "_": "\u2011", "\\": "\\", "{": "{", "}": "}"}


@reader(".rtf")
def read_rtf(path: Path, data: bytes, options) -> ParsedSource:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise BadInputError(path, "this is not an RTF file (it does not start with {\\rtf)")
    parser = _RtfText(data.decode("latin-1"), path)
    blocks = parser.run()
    text, turns = assemble(blocks, options.speaker_pattern, options.detect_speakers)
    notes = [f"{sum(b.turn for b in blocks)} turns taken from a speaker table"] if any(b.turn for b in blocks) else []
    return ParsedSource(text, f"RTF ({parser.codepage})", "rtf", turns=turns, notes=notes)


class _RtfText:
    def __init__(self, source: str, path):
        self.source = source
        self.path = path
        self.codepage = "cp1252"
        self.blocks: list[Block] = []
        self.para: list[str] = []  # characters (UTF-16 units for \uN) of the paragraph being read
        self.cell_paras: list[str] = []
        self.row: list[str] = []
        self.rows: list[list[str]] = []
        self.in_table = False

    def run(self) -> list[Block]:
        skip_depth: int | None = None  # depth of the destination being skipped
        stack = [(1, False)]  # (uc, listtext) per group
        uc, listtext = 1, False
        pending_skip = 0  # fallback characters still to skip after a \uN
        star = False
        depth = 0
        first_word = False
        pos, end = 0, len(self.source)
        while pos < end:
            m = _TOKEN.match(self.source, pos)
            if m is None:  # a lone backslash at the very end
                break
            pos = m.end()
            word, arg, hexbyte, escape, brace, literal = m.groups()
            if word == "bin" and arg:  # raw bytes follow: they are never text, and may contain braces
                pos += max(0, int(arg))
                continue
            if brace == "{":
                depth += 1
                if depth > _MAX_DEPTH:
                    raise BadInputError(self.path, "the RTF groups are nested too deeply to be a real document")
                stack.append((uc, listtext))
                first_word, star = True, False
                continue
            if brace == "}":
                if skip_depth is not None and depth <= skip_depth:
                    skip_depth = None
                depth -= 1
                if depth < 0:
                    break
                uc, listtext = stack.pop() if len(stack) > 1 else (1, False)
                first_word = False
                continue
            if skip_depth is not None:
                continue
            if escape == "*":
                star = True
                continue
            if word is not None:
                if first_word and word in ("listtext", "pntext"):  # the list label as displayed: "•", "2."
                    listtext = True
                elif first_word and (star or word in _SKIP):
                    skip_depth = depth
                    continue
                first_word = False
                if pending_skip and word != "u":  # a control word in a \uN fallback counts as one character
                    pending_skip -= 1
                    continue
                uc, pending_skip = self._control(word, arg, uc, listtext, pending_skip)
                continue
            first_word = False
            if hexbyte is not None:
                if pending_skip:
                    pending_skip -= 1
                    continue
                self.para.append(bytes([int(hexbyte, 16)]).decode(self.codepage, "replace"))
            elif escape is not None:
                self.para.append(_ESCAPES.get(escape, ""))
            elif literal is not None:
                if pending_skip:
                    n = min(pending_skip, len(literal))
                    literal, pending_skip = literal[n:], pending_skip - n
                self.para.append(literal)
        self._end_paragraph()
        self._flush_table()
        return self.blocks

    def _control(self, word: str, arg: str | None, uc: int, listtext: bool, pending: int) -> tuple[int, int]:
        if word == "u" and arg is not None:
            code = int(arg)
            self.para.append(chr(code + 65536 if code < 0 else code))
            return uc, uc
        if word == "uc" and arg is not None:
            return max(0, int(arg)), pending
        if word == "ansicpg" and arg:
            self.codepage = f"cp{arg}" if _known_codec(f"cp{arg}") else self.codepage
        elif word in ("par", "sect", "page"):
            self._end_paragraph()
        elif word == "pard":
            self.in_table = False
        elif word == "intbl":
            self.in_table = True
        elif word in ("cell", "nestcell"):
            self._end_paragraph(into_cell=True)
            self.row.append("\n".join(p for p in self.cell_paras if p))
            self.cell_paras = []
        elif word == "row":
            if self.row:
                self.rows.append(self.row)
            self.row = []
        elif word == "tab" and listtext:
            self.para.append(" ")
        elif word in _SYMBOLS:
            self.para.append(_SYMBOLS[word])
        return uc, pending

    def _end_paragraph(self, into_cell: bool = False) -> None:
        text = _join_utf16(self.para).strip()
        self.para = []
        if into_cell or self.in_table:
            self.cell_paras.append(text)
            return
        self._flush_table()
        if text:
            self.blocks.append(Block(text))

    def _flush_table(self) -> None:
        if self.rows:
            self.blocks.extend(speaker_table_rows(self.rows) or plain_table_rows(self.rows))
            self.rows = []


def _join_utf16(chars: list[str]) -> str:
    """Join characters; \\uN surrogate pairs (how RTF writes emoji) become one character."""
    text = "".join(chars)
    if _SURROGATE.search(text):  # (a regex: a per-character test in Python was half the reading time)
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _known_codec(name: str) -> bool:
    import codecs

    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False
