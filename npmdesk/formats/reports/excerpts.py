"""The coded-excerpts report: title page, contents, one heading per theme and code (with its
definition), and every excerpt as a quote with its source line, memo and other codes, optionally
with the text around it (`context`: the rule of the retrieval view, core/spread.py) in a lighter,
smaller type before and after the quote.

Quotes go through the one attribution rule (formats/reports/quoting.py): an interviewer's words
are cited as theirs, "(Interviewer, Interview 1)", never as the participant's."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.report_style import ReportStyle
from npmdesk.core.spread import CONTEXT_UNITS, ExcerptContext
from npmdesk.core.wording import plural
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.data import CodeTree, ExcerptRow, excerpt_rows, source_line, wants_times
from npmdesk.formats.reports.docx_builder import GREY, ReportBuilder
from npmdesk.formats.reports.empty import refuse_if_empty, style_of
from npmdesk.formats.reports.quoting import Quote, QuoteMaker
from npmdesk.formats.reports.selection import ReportSelection

TITLE = "Coded excerpts"


def export_excerpts_docx(project, out: str | Path, selection: ReportSelection | None = None, *,
                         other_codes: bool = False, progress: ProgressCallback | None = None,
                         style: ReportStyle | None = None, times: bool | None = None,
                         context: str = "none") -> int:
    """Write the report to `out` (atomically); returns the number of excerpts in it.

    `times`: print when each quote's turn begins in the recording (hh:mm:ss) in its source line;
    None: when any excerpt has a time. `context`: "none", "paragraph" (the paragraph each side) or
    "turn" (the rest of the speaker turn) printed around each quote. `progress(done, total)` is
    called now and then; returning False cancels (no file is written). A selection that matches
    nothing raises EmptyReportError and writes nothing."""
    if context not in CONTEXT_UNITS:
        raise InvalidValueError(f"unknown context {context!r} (use {', '.join(CONTEXT_UNITS)})")
    selection = selection or ReportSelection()
    rows = excerpt_rows(project, selection, other_codes=other_codes)
    refuse_if_empty(len(rows), "no coded excerpt matches the filters")
    steps = Progress(progress, len(rows) + 1)
    steps.start()
    builder = build_excerpts_report(project, rows, selection, steps, style_of(project, style),
                                    times=wants_times(rows, times), context=context)
    with atomic_output(out) as tmp:
        builder.save(tmp)
        steps.finish()
    return len(rows)


def _counts(quotes: list[Quote]) -> tuple[int, int, int]:
    docs = {q.excerpt.document_id for q in quotes}
    people = {p for q in quotes for p in q.attribution.participants}
    return len(quotes), len(docs), len(people)



def build_excerpts_report(project, rows: list[ExcerptRow], selection: ReportSelection,
                          steps: Progress | None = None, style: ReportStyle | None = None, *,
                          times: bool = False, context: str = "none") -> ReportBuilder:
    style = style or ReportStyle()
    maker = QuoteMaker(project, style)
    maker.prepare([r.excerpt for r in rows])
    quotes = [maker.quote(r.excerpt, nested=False, paragraphs=r.paragraphs) for r in rows]
    coders = sorted({r.excerpt.coder for r in rows}, key=str.lower)
    b = ReportBuilder(f"{TITLE} — {project.name}", subject=f"Coded excerpts of the study {project.name}",
                      footer=f"{project.name} · {TITLE}", style=style)
    n, docs, people = _counts(quotes)
    others = sum(1 for q in quotes if not q.attribution.participants)
    b.title_page(TITLE, project.name, [
        ("Project", project.name),
        ("Exported", date.today().isoformat()),
        ("Coders", ", ".join(coders) or "—"),
        ("Filters", "; ".join(selection.describe())),
        ("Excerpts", f"{plural(n, 'excerpt')} from {plural(docs, 'document')}, {plural(people, 'participant')}"
                     + (f"; {others} spoken by interviewers or other non-participants" if others else "")),
    ])
    b.paragraph("Excerpts are ordered by the code tree, then by document and position. Each quote is the "
                "coded text with the speaker's label left out; … marks a passage that starts or ends "
                "mid-sentence. A quote is credited to the participant whose turn it lies in; words of an "
                "interviewer or facilitator are credited to them. ¶ numbers count the paragraphs of the "
                "imported transcript."
                + (" A time (hh:mm:ss) is when the quote's turn begins in the recording." if times else "")
                + (f" The {_CONTEXT_NOTES[context]} around each quote is printed before and after it in "
                   "smaller grey type." if context != "none" else ""),
                "ReportNote")
    b.page_break()
    b.toc()
    b.page_break()

    around = _Contexts(project, context)
    tree = CodeTree(project.codes())
    by_code: dict[int, list[tuple[ExcerptRow, Quote]]] = {}
    for r, q in zip(rows, quotes):
        by_code.setdefault(r.excerpt.code_id, []).append((r, q))
    for code in tree.with_ancestors(by_code):
        b.heading(code.name, min(tree.depth(code.id) + 1, 3), code.color)
        if code.description.strip():
            b.paragraph(code.description.strip(), "CodeDefinition", keep_next=True)
        own = by_code.get(code.id, [])
        if own:
            n, docs, people = _counts([q for _, q in own])
            b.paragraph(f"{plural(n, 'excerpt')} · {plural(docs, 'document')} · {plural(people, 'participant')}",
                        "CodeFacts", keep_next=True)
        for r, q in own:
            _excerpt(b, r, q, times, around)
            if steps:
                steps.step()
    return b


_CONTEXT_NOTES = {"paragraph": "paragraph", "turn": "speaker turn"}
_BLANK_LINES = re.compile(r"[ \t]*\n\s*\n")
_CONTEXT_RUN = {"color": GREY, "sz": 18}  # 9 pt grey: lighter and smaller than the quote
_TIGHT = '<w:spacing w:before="0" w:after="0"/>'


class _Contexts:
    """The text around each excerpt, one ExcerptContext per document (read once)."""

    def __init__(self, project, unit: str):
        self.project = project
        self.unit = unit
        self._docs: dict[int, ExcerptContext] = {}

    def around(self, r: ExcerptRow) -> tuple[str, str]:
        if self.unit == "none":
            return "", ""
        e = r.excerpt
        rule = self._docs.get(e.document_id)
        if rule is None:
            turns = ([(t.start, t.end) for t in self.project.turns(e.document_id)]
                     if self.unit == "turn" else None)
            rule = self._docs[e.document_id] = ExcerptContext(self.project.document_text(e.document_id), turns)
        before, after = rule.around(e.start, e.end, self.unit)
        return _BLANK_LINES.sub("\n", before).strip(), _BLANK_LINES.sub("\n", after).strip()


def _excerpt(b: ReportBuilder, r: ExcerptRow, q: Quote, times: bool = False, around: _Contexts | None = None) -> None:
    e = r.excerpt
    before, after = around.around(r) if around else ("", "")
    if before:
        b.paragraph([(before, _CONTEXT_RUN)], "Quote", keep_next=True, extra_ppr=_TIGHT)
    b.paragraph(q.text, "Quote", extra_ppr='<w:spacing w:before="40" w:after="40"/>' if before or after else "")
    if after:
        b.paragraph([(after, _CONTEXT_RUN)], "Quote", keep_next=True, extra_ppr='<w:spacing w:before="0"/>')
    tail = e.memo.strip() or r.other_codes
    b.paragraph(source_line(r, q.citation, spans_speakers=q.attribution.spans_speakers, time=times),
                "ExcerptSource", extra_ppr='<w:spacing w:after="0"/>' if tail else "")
    if e.memo.strip():
        last = not r.other_codes
        b.paragraph([("Memo: ", {"b": True}), (e.memo.strip(), {})], "ExcerptMemo",
                    extra_ppr="" if last else '<w:spacing w:after="0"/>')
    if r.other_codes:
        b.paragraph([("Also coded: ", {"b": True}), ("; ".join(r.other_codes), {})], "ExcerptMemo")
