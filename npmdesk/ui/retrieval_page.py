"""What the retrieval view writes for one excerpt: its source line, the passage with its context
greyed around it, the other codes on it and its memo, as the HTML a QTextDocument understands.

`PageFacts` reads, once per document and per build, what the excerpts of a page need beyond the
store's Excerpt: paragraph numbers (core/paragraphs.py, the numbering the viewer and reports use),
the document's speaker turns (for "turn" context) and its codings (for the other codes on a
passage). A page of 50 excerpts reads only the documents it shows.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left

from npmdesk.core.model import Code, Excerpt
from npmdesk.core.paragraphs import Paragraphs
from npmdesk.core.spread import ExcerptContext
from npmdesk.core.timecode import format_hms
from npmdesk.formats.reports.selection import paragraph_label

CONTEXTS = (("none", "No context"), ("paragraph", "1 paragraph around"), ("turn", "The speaker turn"))


class PageFacts:
    """Per-document facts for the excerpts shown; forget them (a new instance) after a change."""

    def __init__(self, project, codes: dict[int, Code]):
        self.project = project
        self.codes = codes
        self._texts: dict[int, str] = {}
        self._paragraphs: dict[int, Paragraphs] = {}
        self._contexts: dict[tuple[int, bool], ExcerptContext] = {}
        self._codings: dict[int, tuple[list[int], list, int]] = {}

    def text(self, doc_id: int) -> str:
        text = self._texts.get(doc_id)
        if text is None:
            text = self._texts[doc_id] = self.project.document_text(doc_id)
        return text

    def _numbers(self, doc_id: int) -> Paragraphs:
        numbers = self._paragraphs.get(doc_id)
        if numbers is None:
            numbers = self._paragraphs[doc_id] = Paragraphs(self.text(doc_id))
        return numbers

    def paragraphs(self, e: Excerpt) -> str:
        return paragraph_label(*self._numbers(e.document_id).range(e.start, e.end))

    def context(self, e: Excerpt, unit: str) -> tuple[str, str]:
        """The text before and after the passage, by the one rule reports use too (core/spread.py)."""
        if unit == "none":
            return "", ""
        key = (e.document_id, unit == "turn")
        rule = self._contexts.get(key)
        if rule is None:
            turns = [(t.start, t.end) for t in self.project.turns(e.document_id)] if unit == "turn" else None
            rule = self._contexts[key] = ExcerptContext(self.text(e.document_id), turns,
                                                        self._numbers(e.document_id))
        return rule.around(e.start, e.end, unit)

    def other_codes(self, e: Excerpt) -> list[Code]:
        """Codes of other codings overlapping the passage (any coder), in code-tree order."""
        known = self._codings.get(e.document_id)
        if known is None:
            codings = self.project.codings_in_document(e.document_id)  # by start
            longest = max((c.end - c.start for c in codings), default=0)
            known = self._codings[e.document_id] = ([c.start for c in codings], codings, longest)
        starts, codings, longest = known
        found = set()
        # Only codings that start before the passage ends and no further back than the longest one.
        for i in range(bisect_left(starts, e.end) - 1, bisect_left(starts, e.start - longest) - 1, -1):
            c = codings[i]
            if c.end > e.start and c.code_id != e.code_id:
                found.add(c.code_id)
        order = {cid: i for i, cid in enumerate(self.codes)}
        return [self.codes[c] for c in sorted(found, key=lambda c: order.get(c, 0)) if c in self.codes]


def source_words(e: Excerpt, paragraphs: str) -> list[str]:
    """Participant, speaker, document and ¶, time, coder, as a reader places a quote."""
    parts = [e.participant or "no participant"]
    if e.speaker and e.speaker != e.participant:
        parts.append(f"speaker {e.speaker}")
    parts.append(f"{e.document}, {paragraphs}")
    if e.time_ms is not None:
        parts.append(format_hms(e.time_ms))
    parts.append(f"coded by {e.coder}")
    if e.exemplar:
        parts.append("★ exemplar")
    return parts


_BLANK_LINES = re.compile("[ \t]*[\n\u2029][\\s\u2029]*[\n\u2029]")


def _lines(text: str) -> str:
    """Line breaks kept, blank separator lines dropped (a page, not the transcript's layout)."""
    return html.escape(_BLANK_LINES.sub("\n", text)).replace("\n", "<br/>").replace("\u2029", "<br/>")


def heading_html(code: Code, text_color: str) -> str:
    swatch = html.escape(code.color or "#999999")
    return (f'<p style="margin-top:0px; margin-bottom:10px;"><span style="background-color:{swatch};">'
            f'&nbsp;&nbsp;&nbsp;</span>&nbsp; <span style="font-size:large; font-weight:600; color:{text_color};">'
            f'{html.escape(code.path)}</span></p>')


def excerpt_html(index: int, e: Excerpt, facts: PageFacts, unit: str, grey: str, link: str) -> str:
    """One excerpt: source line, the passage (context greyed), other codes, memo."""
    before, after = facts.context(e, unit)
    words = " · ".join(html.escape(w) for w in source_words(e, facts.paragraphs(e)))
    out = [f'<p style="margin-top:0px; margin-bottom:2px; color:{grey}; font-size:small;">{words} · '
           f'<a href="jump:{index}" style="color:{link};">Show in transcript</a></p>']
    passage = ""
    if before:
        passage += f'<span style="color:{grey};">{_lines(before)}</span>'
    passage += f"<span>{_lines(e.text)}</span>"
    if after:
        passage += f'<span style="color:{grey};">{_lines(after)}</span>'
    out.append(f'<p style="margin-top:2px; margin-bottom:4px; margin-left:14px; line-height:130%;">{passage}</p>')
    others = facts.other_codes(e)
    if others:
        names = "; ".join(html.escape(c.path) for c in others)
        out.append(f'<p style="margin-left:14px; margin-top:0px; margin-bottom:0px; color:{grey};">'
                   f"<b>Also coded:</b> {names}</p>")
    if e.memo.strip():
        out.append(f'<p style="margin-left:14px; margin-top:0px; margin-bottom:0px;"><b>Memo:</b> '
                   f"<i>{_lines(e.memo.strip())}</i></p>")
    return "".join(out)
