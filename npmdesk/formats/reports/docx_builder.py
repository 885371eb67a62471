"""A Word document built fast and properly: real styles, a TOC field, page numbers, landscape
sections, colour markers, document properties.

python-docx costs ~0.4 ms per paragraph through its object API; a 10,000-excerpt report has
~30,000 paragraphs. So the body is written as WordprocessingML text (escaped here, once) and
parsed in chunks into the python-docx document's own lxml tree: the result is still an ordinary
python-docx Document, saved by python-docx."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor

from npmdesk import __version__

W_NS = nsdecls("w")
_CHUNK = 2000  # fragments parsed per lxml call: large enough to be fast, small enough for memory
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TWIPS_PER_INCH = 1440
GREY = "595959"

# A run is (text, props); props keys: b, i, color ("rrggbb"), shd ("rrggbb"), sz (half-points).
Run = tuple[str, dict]


def xml_text(text: str) -> str:
    """Escape for XML; characters XML 1.0 cannot hold become U+FFFD instead of breaking the file."""
    return escape(_INVALID_XML.sub("\ufffd", text))


def run_xml(text: str, props: dict | None = None) -> str:
    """One w:r; line breaks become w:br and tabs w:tab, so paragraph.text reads back the same text."""
    props = props or {}
    rpr = []
    if props.get("style"):
        rpr.append(f'<w:rStyle w:val="{props["style"]}"/>')
    if props.get("b"):
        rpr.append("<w:b/><w:bCs/>")
    if props.get("i"):
        rpr.append("<w:i/><w:iCs/>")
    if props.get("color"):
        rpr.append(f'<w:color w:val="{props["color"]}"/>')
    if props.get("sz"):
        rpr.append(f'<w:sz w:val="{props["sz"]}"/><w:szCs w:val="{props["sz"]}"/>')
    if props.get("shd"):
        rpr.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{props["shd"]}"/>')
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{xml_text(piece)}</w:t>')
    return f"<w:r>{'<w:rPr>' + ''.join(rpr) + '</w:rPr>' if rpr else ''}{''.join(parts)}</w:r>"


def marker_run(color: str) -> str:
    """A small swatch of the code's colour (shading accepts any colour; highlight has only 16)."""
    fill = (color or "#cccccc").lstrip("#").upper()
    return run_xml("\u00a0\u00a0\u00a0", {"shd": fill}) + run_xml(" ")


def paragraph_xml(content: str | list[Run] = "", style: str | None = None, *, keep_next: bool = False,
                  extra_ppr: str = "", raw_runs: str = "") -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "") + extra_ppr
    if isinstance(content, str):
        runs = run_xml(content) if content else ""
    else:
        runs = "".join(run_xml(t, p) for t, p in content)
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{raw_runs}{runs}</w:p>"


def _field_runs(instr: str, cached: str = "") -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {xml_text(instr)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + (run_xml(cached) if cached else "")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


Cell = str | list[str | list[Run]]  # a string, or paragraphs (each a string or runs)


def _cell_text(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell
    return "\n".join(p if isinstance(p, str) else "".join(t for t, _ in p) for p in cell)


def auto_widths(header: list[str], rows: list[list[Cell]]) -> list[float]:
    """Relative column widths: a header word never breaks, long text gets room, up to a cap."""
    widths = []
    for i, h in enumerate(header):
        longest = max((len(_cell_text(r[i])) for r in rows), default=0)
        word = max((len(w) for w in h.split()), default=1)
        widths.append(max(word + 2, min(longest, 40) + 2))
    return widths


class ReportBuilder:
    """Appends headings, paragraphs and tables to a new Word document; `save()` writes it."""

    def __init__(self, title: str, *, author: str = "", subject: str = "", footer: str = "",
                 landscape: bool = False):
        self.doc = Document()
        self.title = title
        self._body = self.doc.element.body
        self._buf: list[str] = []
        self._headings: list[tuple[int, str, str]] = []  # (level, text, bookmark)
        self._toc_anchor = None
        self._toc_levels = 3
        self._table_no = 0
        section = self.doc.sections[0]
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Inches(1))
        if landscape:
            self._make_landscape(section)
        self._setup_styles()
        self._setup_footer(section, footer or title)
        self._setup_properties(title, author, subject)

    # Content ------------------------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        """Width between the margins of the current section, in twips."""
        s = self.doc.sections[-1]
        return int((s.page_width - s.left_margin - s.right_margin) / 635)  # EMU -> twips

    def add(self, xml: str) -> None:
        self._buf.append(xml)
        if len(self._buf) >= _CHUNK:
            self.flush()

    def paragraph(self, content: str | list[Run] = "", style: str | None = None, **kw) -> None:
        self.add(paragraph_xml(content, style, **kw))

    def heading(self, text: str, level: int, color: str | None = None) -> None:
        """Heading 1-3 with a bookmark the table of contents links to, and an optional colour marker."""
        level = max(1, min(level, 9))
        n = len(self._headings) + 1
        name = f"_Toc{n:08d}"
        self._headings.append((level, text, name))
        runs = (marker_run(color) if color else "") + run_xml(text)
        self.add(f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr>'
                 f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>{runs}<w:bookmarkEnd w:id="{n}"/></w:p>')

    def page_break(self) -> None:
        self.add('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def title_page(self, title: str, subtitle: str, facts: list[tuple[str, str]]) -> None:
        """Title, subtitle and a two-column list of facts (project, date, coders, filters...)."""
        self.paragraph(title, "Title")
        if subtitle:
            self.paragraph(subtitle, "Subtitle")
        for label, value in facts:
            self.paragraph([(f"{label}: ", {"b": True}), (value, {})], "ReportFact")

    def toc(self, levels: int = 3) -> None:
        """A 'Contents' heading; the TOC field is inserted after it by save(), when every heading
        is known, so that the document reads well before Word or LibreOffice update the field."""
        self._toc_levels = levels
        self.paragraph("Contents", "TOCHeading")
        self.flush()
        self._toc_anchor = self._body[-2]  # the paragraph just added, before the final sectPr

    def caption(self, text: str) -> None:
        """'Table N. text' with a SEQ field, so Word's cross-references and lists of tables work."""
        self._table_no += 1
        seq = _field_runs("SEQ Table \\* ARABIC", str(self._table_no))
        self.add(f'<w:p><w:pPr><w:pStyle w:val="Caption"/><w:keepNext/></w:pPr>{run_xml("Table ")}{seq}'
                 f'{run_xml(". " + text)}</w:p>')

    def table(self, header: list[str], rows: list[list[Cell]], widths: list[float] | None = None,
              *, font_half_points: int | None = None, right_align_from: int | None = None) -> None:
        """A table in the report table style; the header row repeats on every page.

        `widths` are relative; columns from index `right_align_from` on are right-aligned (numbers)."""
        total = self.text_width
        rel = widths or auto_widths(header, rows)
        cols = [int(total * w / sum(rel)) for w in rel]
        # A header word must fit on one line: ~0.75 em per bold character in a wide fallback font, plus the cell margins.
        em = (font_half_points or 22) * 10
        mins = [int(max((len(w) for w in h.split()), default=1) * 0.75 * em) + 240 for h in header]
        short = sum(max(m - c, 0) for c, m in zip(cols, mins))
        spare = sum(max(c - m, 0) for c, m in zip(cols, mins))
        if short and spare > short:
            cols = [m if c <= m else int(c - (c - m) * short / spare) for c, m in zip(cols, mins)]
        sz = {"sz": font_half_points} if font_half_points else {}
        out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/><w:tblW w:w="{sum(cols)}" w:type="dxa"/>'
               '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
               'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
               + "".join(f'<w:gridCol w:w="{c}"/>' for c in cols) + "</w:tblGrid>"]

        def cell(content: Cell, width: int, col: int, head: bool) -> str:
            paras = content if isinstance(content, list) else [content]
            jc = '<w:jc w:val="right"/>' if right_align_from is not None and col >= right_align_from else ""
            shd = '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>' if head else ""
            body = "".join(
                paragraph_xml([(p, {"b": True, **sz})] if head and isinstance(p, str) else
                              ([(p, sz)] if isinstance(p, str) else [(t, {**sz, **pr}) for t, pr in p]),
                              "TableText", extra_ppr=jc) for p in paras) or paragraph_xml("", "TableText")
            return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shd}</w:tcPr>{body}</w:tc>'

        out.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
                   + "".join(cell(h, cols[i], i, True) for i, h in enumerate(header)) + "</w:tr>")
        for row in rows:
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                       + "".join(cell(c, cols[i], i, False) for i, c in enumerate(row)) + "</w:tr>")
        out.append("</w:tbl>")
        self.add("".join(out))
        self.paragraph("", "TableText")  # Word needs a paragraph between a table and what follows

    # Output -------------------------------------------------------------------------------------

    def flush(self) -> None:
        if not self._buf:
            return
        wrapper = parse_xml(f"<w:body {W_NS}>{''.join(self._buf)}</w:body>")
        self._buf = []
        anchor = self._body.sectPr  # the last section's properties stay the body's last child
        for child in list(wrapper):
            anchor.addprevious(child)

    def save(self, path: str | Path) -> None:
        self.flush()
        if self._toc_anchor is not None:
            self._insert_toc()
        self.doc.save(str(path))

    def _insert_toc(self) -> None:
        entries = [h for h in self._headings if h[0] <= self._toc_levels]
        instr = f'TOC \\o "1-{self._toc_levels}" \\h \\z \\u'
        begin = ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                 f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        paras = []
        for i, (level, text, name) in enumerate(entries):
            pageref = _field_runs("PAGEREF " + name + " \\h")
            link = (f'<w:hyperlink w:anchor={quoteattr(name)} w:history="1">{run_xml(text)}'
                    f'<w:r><w:tab/></w:r>{pageref}</w:hyperlink>')
            paras.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>{begin if i == 0 else ""}{link}</w:p>')
        if not entries:
            paras.append(f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{begin}{run_xml("(no headings)")}</w:p>')
        paras.append('<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
        paras.append(paragraph_xml(
            "Page numbers appear once fields are updated: Word asks when the file opens (or select the "
            "table and press F9); in LibreOffice use Tools > Update > Update All.", "ReportNote"))
        wrapper = parse_xml(f"<w:body {W_NS}>{''.join(paras)}</w:body>")
        anchor = self._toc_anchor
        for child in list(wrapper):
            anchor.addnext(child)
            anchor = child

    # Setup --------------------------------------------------------------------------------------

    @staticmethod
    def _make_landscape(section) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE
        if section.page_width < section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        for level, size in ((1, 16), (2, 13), (3, 11.5)):
            h = styles[f"Heading {level}"]
            h.font.size = Pt(size)
            h.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            h.paragraph_format.space_after = Pt(4)
            h.paragraph_format.keep_with_next = True
        quote = styles["Quote"]
        quote.paragraph_format.left_indent = Inches(0.4)
        quote.paragraph_format.right_indent = Inches(0.4)
        quote.paragraph_format.space_before = Pt(6)
        quote.paragraph_format.space_after = Pt(2)
        quote.paragraph_format.keep_with_next = True  # a quote never ends a page without its source
        quote.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
        caption = styles["Caption"]
        caption.font.color.rgb = RGBColor(0, 0, 0)
        caption.font.size = Pt(10)
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.space_after = Pt(4)

        def para_style(name: str, size: float | None = None, *, italic=False, grey=False, indent=None,
                       after: float | None = None, before: float | None = None):
            s = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            s.base_style = normal
            s.quick_style = True
            if size:
                s.font.size = Pt(size)
            s.font.italic = italic or None
            if grey:
                s.font.color.rgb = RGBColor.from_string(GREY)
            if indent is not None:
                s.paragraph_format.left_indent = Inches(indent)
            if after is not None:
                s.paragraph_format.space_after = Pt(after)
            if before is not None:
                s.paragraph_format.space_before = Pt(before)
            return s

        para_style("ExcerptSource", 9, grey=True, indent=0.4, after=10)
        para_style("ExcerptMemo", 9, italic=True, grey=True, indent=0.4, after=10)
        para_style("CodeDefinition", 10.5, italic=True, after=4)
        para_style("CodeFacts", 9, grey=True, after=8)
        para_style("ReportFact", 11, after=3)
        para_style("ReportNote", 9, italic=True, grey=True, before=6)
        para_style("TableText", after=0)
        for level in (1, 2, 3):
            s = para_style(f"toc {level}", 10.5, indent=0.25 * (level - 1), after=2)
            s.element.set(qn("w:styleId"), f"TOC{level}")  # Word's own id for its TOC levels
            s.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        self._add_table_style()
        self._set_update_fields()

    def _add_table_style(self) -> None:
        """'Report Table': thin rules, a shaded bold header row (Word applies it via tblStylePr;
        the header cells also carry it directly, for readers that ignore conditional styles)."""
        self.doc.styles.element.append(parse_xml(
            f'<w:style {W_NS} w:type="table" w:customStyle="1" w:styleId="ReportTable">'
            '<w:name w:val="Report Table"/><w:basedOn w:val="TableGrid"/><w:uiPriority w:val="59"/><w:qFormat/>'
            '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            '<w:tblPr><w:tblBorders>'
            + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + '</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
            '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
            '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/></w:tcPr></w:tblStylePr></w:style>'))

    def _set_update_fields(self) -> None:
        """Ask Word to update fields (TOC page numbers) on opening; schema order puts it before w:compat."""
        settings = self.doc.settings.element
        flag = parse_xml(f'<w:updateFields {W_NS} w:val="true"/>')
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(flag)
        else:
            settings.append(flag)

    def _setup_footer(self, section, label: str) -> None:
        """'Report title ... Page N of M'; the style's centre tab is cleared, the right one moved to
        the margin of this (first) section."""
        width = int((section.page_width - section.left_margin - section.right_margin) / 635)
        grey = f'<w:rPr><w:color w:val="{GREY}"/><w:sz w:val="18"/></w:rPr>'
        xml = ('<w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="clear" w:pos="4680"/>'
               f'<w:tab w:val="clear" w:pos="9360"/><w:tab w:val="right" w:pos="{width}"/></w:tabs></w:pPr>'
               + run_xml(label + "\tPage ", {"color": GREY, "sz": 18})
               + f'<w:fldSimple w:instr=" PAGE "><w:r>{grey}<w:t>1</w:t></w:r></w:fldSimple>'
               + run_xml(" of ", {"color": GREY, "sz": 18})
               + f'<w:fldSimple w:instr=" NUMPAGES "><w:r>{grey}<w:t>1</w:t></w:r></w:fldSimple>')
        footer = section.footer
        old = footer.paragraphs[0]._p
        old.addprevious(parse_xml(f"<w:p {W_NS}>{xml}</w:p>"))
        old.getparent().remove(old)

    def _setup_properties(self, title: str, author: str, subject: str) -> None:
        props = self.doc.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.subject = subject
        props.keywords = "qualitative research; npmdesk"
        props.comments = f"Exported by npmdesk {__version__}"
        props.created = props.modified = datetime.now().replace(microsecond=0)
        props.revision = 1
        props.category = "Report"
