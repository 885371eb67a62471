"""Quotes for every report, through the one attribution rule (store/attribution.py) and the
project's citation style (core/quotes.py): what the quote says, who it is credited to, and whether
it may stand as a participant's quote."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from npmdesk.core.attribution import Attribution
from npmdesk.core.model import Excerpt
from npmdesk.core.quotes import QuoteContext, cite, quote_parts, quote_text
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.reports.selection import DocumentTexts
from npmdesk.store.attribution import Attributions

TEXT_CHARS = 32_000_000  # transcripts kept while a report is written (a 500-transcript study fits)
KIND_LABELS = {"interview": "interview", "focus-group": "focus group", "field-notes": "field notes",
               "other": "document"}


@dataclass(frozen=True)
class Quote:
    excerpt: Excerpt
    attribution: Attribution
    text: str  # as printed: labels stripped, ellipses, curly marks
    citation: str  # '(NPM‑4)'

    @property
    def is_participant_quote(self) -> bool:
        return self.attribution.is_participant_quote

    def run_in(self) -> str:
        """“text” (NPM‑4): a quote inside a sentence or a table cell."""
        return f"\u201c{self.text}\u201d {self.citation}"


class QuoteMaker:
    """Formats excerpts of one project as quotes; reads each transcript once."""

    def __init__(self, project, style: ReportStyle, texts: DocumentTexts | None = None):
        self.project = project
        self.style = style
        self.attributions = Attributions(project)
        self.texts = texts or DocumentTexts(project)
        self._doc_text: OrderedDict[int, str] = OrderedDict()
        self._chars = 0
        cases = project.cases()
        self._attrs = {c.name: c.attributes for c in cases}
        self._order = tuple(a.name for a in project.attributes())
        self._labels = {a: style.label(a) for a in self._order}
        self._doc_labels = _document_labels(project)

    def prepare(self, excerpts) -> None:
        self.attributions.load({e.document_id for e in excerpts})

    def attribution(self, e: Excerpt) -> Attribution:
        return self.attributions.of_excerpt(e)

    def quote(self, e: Excerpt, *, nested: bool = True, paragraphs: tuple[int, int] | None = None) -> Quote:
        a = self.attribution(e)
        doc = self._text(e.document_id)
        parts = quote_parts(doc, e.start, e.end, a, nested=nested, participant_style=self.style.cite)
        if paragraphs is None and self.style.citation == "located":
            paragraphs = self.texts.paragraphs(e.document_id, e.start, e.end)
        ctx = QuoteContext(self._attrs, self._labels, self._order, self._doc_labels.get(e.document_id, ""), paragraphs)
        return Quote(e, a, quote_text(parts) if parts else e.text.strip(), cite(a, self.style.cite, ctx))

    def _text(self, doc_id: int) -> str:
        """The transcript's text, kept for the report (least recently used dropped past
        TEXT_CHARS): quotes come in code order, so the same transcripts are wanted again and again,
        and each fetch from the project costs a query."""
        text = self._doc_text.get(doc_id)
        if text is None:
            text = self._doc_text[doc_id] = self.project.document_text(doc_id)
            self._chars += len(text)
            while self._chars > TEXT_CHARS and len(self._doc_text) > 1:
                _, dropped = self._doc_text.popitem(last=False)
                self._chars -= len(dropped)
        else:
            self._doc_text.move_to_end(doc_id)
        return text


def _document_labels(project) -> dict[int, str]:
    """'focus group 2', 'interview 3': the kind and the document's number among its kind."""
    counts: dict[str, int] = {}
    out = {}
    for d in project.documents():  # in the document list's order
        counts[d.kind] = counts.get(d.kind, 0) + 1
        out[d.id] = f"{KIND_LABELS.get(d.kind, 'document')} {counts[d.kind]}"
    return out
