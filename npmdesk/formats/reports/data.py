"""The data behind the excerpt reports (Word and CSV alike): excerpts with paragraph numbers,
other codes on the same passage, the code tree's shape, and the words of a source line."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from npmdesk.core.model import Code, Excerpt
from npmdesk.core.timecode import format_hms
from npmdesk.formats.reports.selection import DocumentTexts, ReportSelection, paragraph_label


@dataclass(frozen=True)
class ExcerptRow:
    excerpt: Excerpt
    paragraphs: tuple[int, int]
    other_codes: tuple[str, ...] = ()


class CodeTree:
    """Depths and ancestors of the codes, in tree order."""

    def __init__(self, codes: list[Code]):
        self.codes = codes
        self.by_id = {c.id: c for c in codes}
        self.order = {c.id: i for i, c in enumerate(codes)}
        self._depth: dict[int, int] = {}
        for c in codes:  # tree order: a parent always comes before its children
            self._depth[c.id] = 0 if c.parent_id is None else self._depth.get(c.parent_id, 0) + 1

    def depth(self, code_id: int) -> int:
        return self._depth.get(code_id, 0)

    def ancestors(self, code_id: int) -> list[int]:
        out, parent = [], self.by_id[code_id].parent_id
        while parent is not None:
            out.append(parent)
            parent = self.by_id[parent].parent_id
        return out

    def with_ancestors(self, code_ids) -> list[Code]:
        """The given codes and every ancestor of them, in tree order (report headings)."""
        wanted = set()
        for cid in code_ids:
            if cid in self.by_id:
                wanted.add(cid)
                wanted.update(self.ancestors(cid))
        return [c for c in self.codes if c.id in wanted]


def excerpt_rows(project, selection: ReportSelection | None = None, *, other_codes: bool = False) -> list[ExcerptRow]:
    """Excerpts in code-tree order, then document, then position, with their paragraph range."""
    selection = selection or ReportSelection()
    excerpts = project.excerpts(selection.to_filter(project))
    texts = DocumentTexts(project)
    others = _OtherCodes(project) if other_codes else None
    return [ExcerptRow(e, texts.paragraphs(e.document_id, e.start, e.end),
                       others.on(e) if others else ()) for e in excerpts]


class _OtherCodes:
    """Codes of other codings overlapping an excerpt's passage (any coder)."""

    def __init__(self, project):
        self.project = project
        self.paths = {c.id: c.path for c in project.codes()}
        self.order = {cid: i for i, cid in enumerate(self.paths)}
        self._docs: dict[int, tuple[list[int], list]] = {}

    def on(self, e: Excerpt) -> tuple[str, ...]:
        doc = self._docs.get(e.document_id)
        if doc is None:
            codings = self.project.codings_in_document(e.document_id)  # sorted by start
            doc = self._docs[e.document_id] = ([c.start for c in codings], codings)
        starts, codings = doc
        found = {c.code_id for c in codings[:bisect_left(starts, e.end)]
                 if c.end > e.start and c.code_id != e.code_id}
        return tuple(self.paths[cid] for cid in sorted(found, key=self.order.get))


def source_line(row: ExcerptRow, citation: str, *, spans_speakers: bool = False,
                coder: bool = False, time: bool = False) -> str:
    """'(NPM‑1) · Interview 1, ¶ 3–4, 00:12:34 · exemplar': the citation (core/quotes.py), where
    the passage is (unless the citation says it already), when its turn begins in the recording
    (`time`, if the turn has a time), and flags. The coder is named only when asked (the title page
    lists the coders)."""
    e = row.excerpt
    where = paragraph_label(*row.paragraphs)
    stamp = format_hms(e.time_ms) if time and e.time_ms is not None else ""
    plain = citation.replace("\u00a0", " ").replace("\u2011", "-")
    if where not in plain:
        place = where if e.document in plain else f"{e.document}, {where}"
        parts = [citation, f"{place}, {stamp}" if stamp else place]
    elif stamp and citation.endswith(")"):  # the located style places it: '(P4, focus group 2, ¶ 12, 00:12:34)'
        parts = [f"{citation[:-1]}, {stamp})"]
    else:
        parts = [citation]
    if coder:
        parts.append(f"coded by {e.coder}")
    if spans_speakers and ", with " not in plain:
        parts.append("spans several speakers")
    if e.exemplar:
        parts.append("exemplar")
    return " · ".join(parts)


def summary_counts(rows: list[ExcerptRow]) -> tuple[int, int, int]:
    """(excerpts, documents, participants) across the rows."""
    docs = {r.excerpt.document_id for r in rows}
    people = {p.strip() for r in rows if r.excerpt.participant for p in r.excerpt.participant.split(",")}
    return len(rows), len(docs), len(people)


def has_times(project) -> bool:
    """Whether any coded passage lies in a transcript with turn times (captions, [00:12:34] stamps,
    transcription): the excerpt reports then print time stamps unless told not to."""
    row = project.db.execute("SELECT 1 FROM codings cg WHERE EXISTS (SELECT 1 FROM turns t WHERE "
                             "t.document_id = cg.document_id AND t.begin_ms IS NOT NULL) LIMIT 1").fetchone()
    return row is not None


def wants_times(rows: list[ExcerptRow], times: bool | None) -> bool:
    """The time-stamp setting for these excerpts: as asked, else on when any of them has a time."""
    if times is not None:
        return times
    return any(r.excerpt.time_ms is not None for r in rows)
