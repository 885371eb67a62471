"""A Word document built fast and properly: real styles, a TOC field, page numbers, landscape
sections, colour markers, document properties; page size, table style, language and author from
the project's report settings (core/report_style.py).

python-docx costs ~0.4 ms per paragraph through its object API; a 10,000-excerpt report has
~30,000 paragraphs. So the body is written as WordprocessingML text (escaped here, once) and
parsed in chunks into the python-docx document's own lxml tree: the result is still an ordinary
python-docx Document, saved by python-docx."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.deidentified import active as deidentification_active
from npmdesk.formats.deidentified import scrub
from npmdesk.formats.reports.column_widths import INDENT_TWIPS, NUMBER_HEADER_SCALE, Cell, Indented, Run, content_widths

W_NS = nsdecls("w")
_CHUNK = 2000  # fragments parsed per lxml call: large enough to be fast, small enough for memory
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TWIPS_PER_INCH = 1440
GREY = "595959"
PAPER = {"a4": (11906, 16838), "letter": (12240, 15840)}  # twips, portrait
_EMU_PER_TWIP = 635



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
    text = scrub(text)  # de-identified exports (formats/deidentified.py); unchanged otherwise
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            for k, bit in enumerate(piece.split("\u2011")):  # U+2011: Word's non-breaking hyphen
                if k:
                    parts.append("<w:noBreakHyphen/>")
                if bit:
                    parts.append(f'<w:t xml:space="preserve">{xml_text(bit)}</w:t>')
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


KEEP_TOGETHER_ROWS = 15  # tables up to this many rows keep together (each row keeps with the next)


class ReportBuilder:
    """Appends headings, paragraphs and tables to a new Word document; `save()` writes it."""

    def __init__(self, title: str, *, author: str = "", subject: str = "", footer: str = "",
                 landscape: bool = False, style: ReportStyle | None = None):
        self.doc = Document()
        self.title = title
        self.style = style or ReportStyle()
        self._body = self.doc.element.body
        self._buf: list[str] = []
        self._headings: list[tuple[int, str, str]] = []  # (level, text, bookmark)
        self._toc_anchor = None
        self._toc_levels = 3
        self._table_no = 0
        self._break_before = False
        section = self.doc.sections[0]
        self._set_page(section, landscape)
        self._setup_styles()
        self._setup_footer(section, footer or title)
        self._setup_properties(title, author if author is not None else "", subject)

    # Content ------------------------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        """Width between the margins of the current section, in twips."""
        s = self.doc.sections[-1]
        width, left, right = s.page_width, s.left_margin, s.right_margin
        assert width is not None and left is not None and right is not None  # the template sets them all
        return int((width - left - right) / _EMU_PER_TWIP)

    def add(self, xml: str) -> None:
        self._buf.append(xml)
        if len(self._buf) >= _CHUNK:
            self.flush()

    def _ppr_break(self) -> str:
        """`<w:pageBreakBefore/>` once after page_break(): a new page without an empty paragraph,
        so a page that is already full is not followed by a blank one."""
        if self._break_before:
            self._break_before = False
            return "<w:pageBreakBefore/>"
        return ""

    def paragraph(self, content: str | list[Run] = "", style: str | None = None, *, keep_next: bool = False,
                  extra_ppr: str = "", raw_runs: str = "") -> None:
        self.add(paragraph_xml(content, style, keep_next=keep_next, extra_ppr=self._ppr_break() + extra_ppr,
                               raw_runs=raw_runs))

    def heading(self, text: str, level: int, color: str | None = None) -> None:
        """Heading 1-3 with a bookmark the table of contents links to, and an optional colour marker.
        It keeps with the next paragraph (its definition, counts and first quote follow it)."""
        level = max(1, min(level, 9))
        n = len(self._headings) + 1
        name = f"_Toc{n:08d}"
        self._headings.append((level, text, name))
        runs = (marker_run(color) if color else "") + run_xml(text)
        self.add(f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/><w:keepNext/><w:keepLines/>{self._ppr_break()}</w:pPr>'
                 f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>{runs}<w:bookmarkEnd w:id="{n}"/></w:p>')

    def page_break(self) -> None:
        """The next paragraph starts a new page."""
        self._break_before = True

    def title_page(self, title: str, subtitle: str, facts: list[tuple[str, str]]) -> None:
        """Title, subtitle and a two-column list of facts (project, date, coders, filters...)."""
        self.paragraph(title, "Title")
        if subtitle:
            self.paragraph(subtitle, "Subtitle")
        for label, value in facts:
            self.paragraph([(f"{label}: ", {"b": True}), (value, {})], "ReportFact")
        deid = deidentification_active()
        if deid is not None:
            self.paragraph([("De-identified: ", {"b": True}), (deid.note, {})], "ReportFact")

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
        self.add(f'<w:p><w:pPr><w:pStyle w:val="Caption"/><w:keepNext/>{self._ppr_break()}</w:pPr>'
                 f'{run_xml("Table ")}{seq}{run_xml(". " + text)}</w:p>')

    def table_note(self, runs: str | list[Run]) -> None:
        """'Note. ...' under a table (APA's table note: abbreviations, sources)."""
        content = [("Note. ", {"i": True}), (runs, {})] if isinstance(runs, str) else [("Note. ", {"i": True}), *runs]
        self.paragraph(content, "TableNote")

    def table(self, header: list[str], rows: Sequence[Sequence[Cell]], widths: list[float] | None = None,
              *, font_half_points: int | None = None, right_align_from: int | None = None,
              fixed: dict[int, float] | None = None, total_row: bool = False, spans: set[int] | None = None,
              note: str | list[Run] | None = None) -> None:
        """A table in the project's table style; the header row repeats on every page.

        Widths follow the content (`content_widths`) unless `widths` (relative) are given; `fixed`
        pins some columns to a share of the width. Columns from `right_align_from` on are
        right-aligned (numbers). `total_row`: the last row is a totals row (a rule above it). Rows
        listed in `spans` are one cell across the table (a group heading). A `note` ("Note. ...")
        follows the table directly and keeps its last row company across a page break."""
        spans = spans or set()
        total = self.text_width
        em = (font_half_points or 22) * 10
        if widths:
            cols = [int(total * w / sum(widths)) for w in widths]
        else:
            sized = [r for i, r in enumerate(rows) if i not in spans]
            cols = content_widths(header, sized, total, em, fixed, right_align_from)
        kind = self.style.table_style
        sz = {"sz": font_half_points} if font_half_points else {}
        borders = _table_borders(kind)
        out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{_TABLE_STYLE_IDS[kind]}"/><w:tblW w:w="{sum(cols)}" w:type="dxa"/>'
               f'{borders}<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
               'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
               + "".join(f'<w:gridCol w:w="{c}"/>' for c in cols) + "</w:tblGrid>"]

        def cell(content: Cell, width: int, col: int, head: bool, rule_above: bool, keep: bool = False,
                 span: int = 1) -> str:
            paras = content if isinstance(content, list) else [content]
            jc = '<w:jc w:val="right"/>' if right_align_from is not None and col >= right_align_from else ""
            tc = ""
            if head and kind == "report":
                tc += '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>'
            if head and kind == "apa":
                tc += '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tcBorders>'
            if rule_above:
                size, colour = (6, "000000") if kind != "report" else (4, "7F7F7F")
                tc += (f'<w:tcBorders><w:top w:val="single" w:sz="{size}" w:space="0" w:color="{colour}"/>'
                       '</w:tcBorders>')
            body = []
            for p in paras:
                ind = f'<w:ind w:left="{p.level * INDENT_TWIPS}"/>' if isinstance(p, Indented) and p.level else ""
                head_sz = ({"sz": int((font_half_points or 22) * NUMBER_HEADER_SCALE)}
                           if right_align_from is not None and col >= right_align_from else sz)
                runs = ([(p, {"b": True, **head_sz})] if head and isinstance(p, str) else
                        ([(p, {**sz, "b": rule_above} if rule_above else sz)] if isinstance(p, str)
                         else [(t, {**sz, **pr}) for t, pr in p]))
                body.append(paragraph_xml(runs, "TableText", keep_next=keep, extra_ppr=ind + jc))
            inner = "".join(body) or paragraph_xml("", "TableText", keep_next=keep)
            grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{tc}</w:tcPr>{inner}</w:tc>'

        out.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
                   + "".join(cell(h, cols[i], i, True, False, True) for i, h in enumerate(header)) + "</w:tr>")
        together = len(rows) <= KEEP_TOGETHER_ROWS  # a short table never breaks across pages
        for n, row in enumerate(rows):
            last = total_row and n == len(rows) - 1
            keep = (note is not None and n == len(rows) - 1) or (together and n < len(rows) - 1)
            if n in spans:
                out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                           + cell(row[0], sum(cols), 0, False, False, True, len(cols)) + "</w:tr>")
                continue
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                       + "".join(cell(c, cols[i], i, False, last, keep) for i, c in enumerate(row)) + "</w:tr>")
        out.append("</w:tbl>")
        if self._break_before:  # a table cannot carry the page break: an empty paragraph does
            self.paragraph("", "TableText")
        self.add("".join(out))
        if note is not None:  # the note is the paragraph Word needs between a table and what follows
            self.table_note(note)
        else:
            self.paragraph("", "TableText")

    def column_widths(self, header: list[str], rows: Sequence[Sequence[Cell]],
                      font_half_points: int | None = None) -> list[int]:
        return content_widths(header, rows, self.text_width, (font_half_points or 22) * 10)

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
        self._set_app_properties()
        self.doc.save(str(path))

    def _insert_toc(self) -> None:
        """The contents: one paragraph per heading, a link to its bookmark and a PAGEREF field for
        its page. Not a TOC field: LibreOffice imports a TOC field's cached text as it is (no page
        numbers until the user updates the index), while it computes PAGEREF fields as it lays the
        document out, so the numbers are there when the file opens or converts. Word updates the
        PAGEREFs on opening (w:updateFields in settings.xml, and each field marked dirty), and with
        F9. No "update fields" note is needed, so none is printed."""
        entries = [h for h in self._headings if h[0] <= self._toc_levels]
        paras = []
        for level, text, name in entries:
            pageref = ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                       f'<w:r><w:instrText xml:space="preserve"> PAGEREF {name} \\h </w:instrText></w:r>'
                       '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
            link = (f'<w:hyperlink w:anchor={quoteattr(name)} w:history="1">{run_xml(text)}'
                    f'<w:r><w:tab/></w:r>{pageref}</w:hyperlink>')
            paras.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>{link}</w:p>')
        if not entries:
            paras.append(f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{run_xml("(no headings)")}</w:p>')
        wrapper = parse_xml(f"<w:body {W_NS}>{''.join(paras)}</w:body>")
        anchor = self._toc_anchor
        assert anchor is not None  # save() inserts the TOC only where one was asked for
        for child in list(wrapper):
            anchor.addnext(child)
            anchor = child

    # Setup --------------------------------------------------------------------------------------

    def _set_page(self, section, landscape: bool) -> None:
        """A4 or US Letter (the report settings, else the locale), 1-inch margins, either way round."""
        width, height = PAPER[self.style.paper]
        if landscape:
            width, height = height, width
            section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = width * _EMU_PER_TWIP, height * _EMU_PER_TWIP
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Inches(1))

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
            h.paragraph_format.keep_together = True
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
        caption.font.bold = False
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.space_after = Pt(4)
        caption.paragraph_format.keep_with_next = True

        def para_style(name: str, size: float | None = None, *, italic=False, grey=False, indent=None,
                       after: float | None = None, before: float | None = None, keep_next=False):
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
            if keep_next:
                s.paragraph_format.keep_with_next = True
            return s

        para_style("ExcerptSource", 9, grey=True, indent=0.4, after=10)
        para_style("ExcerptMemo", 9, italic=True, grey=True, indent=0.4, after=10)
        para_style("CodeDefinition", 10.5, italic=True, after=4, keep_next=True)
        para_style("CodeFacts", 9, grey=True, after=8)
        para_style("ReportFact", 11, after=3)
        para_style("ReportNote", 9, italic=True, grey=True, before=6)
        para_style("TableNote", 9, after=10, before=3)
        para_style("TableText", after=0)
        text_width = self.text_width
        for level in (1, 2, 3):
            s = para_style(f"toc {level}", 10.5, indent=0.25 * (level - 1), after=2)
            s.element.set(qn("w:styleId"), f"TOC{level}")  # Word's own id for its TOC levels
            s.paragraph_format.tab_stops.add_tab_stop(text_width * _EMU_PER_TWIP, WD_TAB_ALIGNMENT.RIGHT,
                                                      WD_TAB_LEADER.DOTS)
        self._add_table_styles()
        self._set_language()
        self._set_update_fields()

    def _set_language(self) -> None:
        """Proofing language of every run: the report settings' language, else the locale's."""
        lang = self.style.lang
        rpr = self.doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is None:
            return
        el = rpr.find(qn("w:lang"))
        if el is None:
            el = parse_xml(f'<w:lang {W_NS}/>')
            rpr.append(el)
        el.set(qn("w:val"), lang)
        el.set(qn("w:eastAsia"), lang)

    def _add_table_styles(self) -> None:
        """'Report Table' (thin grey grid, shaded bold header), 'APA Table' (horizontal rules only:
        above and below the header, below the body) and 'Journal Grid' (black lines, no shading).
        Word applies header formatting via tblStylePr; the cells also carry it directly, for readers
        that ignore conditional styles."""
        margins = ('<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
                   '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>')
        for kind, style_id in _TABLE_STYLE_IDS.items():
            shade = '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/></w:tcPr>' if kind == "report" else ""
            self.doc.styles.element.append(parse_xml(
                f'<w:style {W_NS} w:type="table" w:customStyle="1" w:styleId="{style_id}">'
                f'<w:name w:val="{_TABLE_STYLE_NAMES[kind]}"/><w:basedOn w:val="TableNormal"/>'
                '<w:uiPriority w:val="59"/>'
                '<w:qFormat/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                f'<w:tblPr>{_table_borders(kind)}{margins}</w:tblPr>'
                f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>{shade}</w:tblStylePr></w:style>'))

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
        width = int((section.page_width - section.left_margin - section.right_margin) / _EMU_PER_TWIP)
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
        """Title, subject and author from the project's report settings (never the login name)."""
        props = self.doc.core_properties
        props.title = scrub(title)
        props.author = self.style.author or author
        props.last_modified_by = self.style.author or author
        props.subject = scrub(subject)
        props.keywords = "qualitative research; npmdesk"
        props.comments = f"Exported by npmdesk {__version__}"
        props.language = self.style.lang
        props.created = props.modified = datetime.now().replace(microsecond=0)
        props.revision = 1
        props.category = "Report"

    def _set_app_properties(self) -> None:
        """docProps/app.xml names npmdesk as the application (python-docx's template names Word)."""
        for part in self.doc.part.package.iter_parts():
            if str(part.partname) == "/docProps/app.xml":
                part._blob = (
                    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                    f"<Application>npmdesk {escape(__version__)}</Application><DocSecurity>0</DocSecurity>"
                    "<ScaleCrop>false</ScaleCrop><Company/><LinksUpToDate>false</LinksUpToDate>"
                    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
                    f"<AppVersion>{escape(_app_version())}</AppVersion></Properties>").encode()


_TABLE_STYLE_IDS = {"report": "ReportTable", "apa": "APATable", "grid": "JournalGrid"}
_TABLE_STYLE_NAMES = {"report": "Report Table", "apa": "APA Table", "grid": "Journal Grid"}


def _table_borders(kind: str) -> str:
    def line(side, sz, color):
        return f'<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="{color}"/>'

    def none(side):
        return f'<w:{side} w:val="nil"/>'

    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    if kind == "apa":
        parts = [line("top", 8, "000000"), none("left"), line("bottom", 8, "000000"), none("right"),
                 none("insideH"), none("insideV")]
    elif kind == "grid":
        parts = [line(side, 4, "000000") for side in sides]
    else:
        parts = [line(side, 4, "A6A6A6") for side in sides]
    return "<w:tblBorders>" + "".join(parts) + "</w:tblBorders>"


def _app_version() -> str:
    """AppVersion must read XX.YYYY: npmdesk 0.1.0 -> 00.0100."""
    nums = [int(n) for n in re.findall(r"\d+", __version__)[:3]] + [0, 0, 0]
    return f"{nums[0]:02d}.{nums[1]:02d}{nums[2]:02d}"
