"""CSV for statistics and spreadsheets: excerpts, the codebook, participants, the code x
participant matrix and the alignment table.

UTF-8 with a byte-order mark, so that Excel shows every script correctly; the csv module quotes
fields holding commas, quotes or line breaks, so a multi-line excerpt stays one cell (a
hand-written join would split it into rows, a known bug elsewhere).

Text is written as coded, with one exception: a cell that begins with = + - @, a tab or a carriage
return gets a leading apostrophe (OWASP's advice against CSV injection), so that Excel and Calc
show it as text instead of running it as a formula (`=HYPERLINK(...)` would become a live link).
Numbers are written as numbers and never altered."""

from __future__ import annotations

import csv
from pathlib import Path

from npmdesk.core.report_style import ReportStyle
from npmdesk.core.timecode import format_hms
from npmdesk.formats.deidentified import scrub
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.codebook import codebook_rows
from npmdesk.formats.reports.data import excerpt_rows, wants_times
from npmdesk.formats.reports.empty import refuse_if_empty, style_of
from npmdesk.formats.reports.quoting import QuoteMaker
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.formats.reports.table_data import (
    alignment_tables,
    display_path,
    matrix_table,
    participant_table,
    sample_summary,
)

EXCERPT_COLUMNS = ["code", "text", "participant", "speaker", "document", "paragraph_start", "paragraph_end",
                   "start", "end", "coder", "exemplar", "memo", "other_codes", "coding_id", "credited_to",
                   "participant_quote", "citation"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula, made text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write(out, header: list[str], rows, steps: Progress) -> int:
    n = 0
    with atomic_output(out) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([neutralise(scrub(h)) for h in header])
            for row in rows:
                writer.writerow([neutralise(scrub(v)) for v in row])  # scrub: de-identified exports
                n += 1
                steps.step()
        steps.finish()
    return n


def export_excerpts_csv(project, out: str | Path, selection: ReportSelection | None = None, *,
                        other_codes: bool = False, progress: ProgressCallback | None = None,
                        style: ReportStyle | None = None, times: bool | None = None) -> int:
    """One row per excerpt, in report order; returns the number of excerpts. `text` is the exact
    coded text; `participant` who it is credited to by the attribution rule (empty for an
    interviewer's words: `credited_to` names them), `citation` as the Word reports print it.
    With `times` (None: when any excerpt has one) a last column `time` holds when the quote's turn
    begins in the recording, hh:mm:ss (empty where its transcript has no times)."""
    rows = excerpt_rows(project, selection, other_codes=other_codes)
    refuse_if_empty(len(rows), "no coded excerpt matches the filters")
    timed = wants_times(rows, times)
    steps = Progress(progress, len(rows) + 1, every=1000)
    steps.start()
    maker = QuoteMaker(project, style_of(project, style))
    maker.prepare([r.excerpt for r in rows])

    def cells():
        for r in rows:
            e = r.excerpt
            q = maker.quote(e, nested=False, paragraphs=r.paragraphs)
            a = q.attribution
            yield [e.code, e.text, ", ".join(a.participants), e.speaker or "", e.document, r.paragraphs[0],
                   r.paragraphs[1], e.start, e.end, e.coder, "yes" if e.exemplar else "no", e.memo,
                   "; ".join(r.other_codes), e.coding_id, ", ".join(a.participants + a.others + a.unlinked),
                   "yes" if a.is_participant_quote else "no", q.citation.replace("\u2011", "-").replace("\u00a0", " ")
                   ] + ([format_hms(e.time_ms)] if timed else [])

    return _write(out, EXCERPT_COLUMNS + (["time"] if timed else []), cells(), steps)


def export_codebook_csv(project, out: str | Path, *, progress: ProgressCallback | None = None) -> int:
    rows = codebook_rows(project)
    steps = Progress(progress, len(rows) + 1)
    steps.start()
    header = ["code", "name", "level", "color", "description", "codings", "codings_with_subcodes",
              "documents", "participants", "memo"]
    cells = ([c.path, c.name, depth + 1, c.color, c.description, own.codings, total.codings, total.documents,
              total.participants, project.memo("code", c.id)] for c, depth, own, total in rows)
    return _write(out, header, cells, steps)


def export_participants_csv(project, out: str | Path, selection: ReportSelection | None = None, *,
                            progress: ProgressCallback | None = None, style: ReportStyle | None = None) -> int:
    """One row per participant; with the settings' aggregate-only option, the sample's make-up
    (attribute, value, n, %) instead, so that no per-person row leaves the project."""
    style = style_of(project, style)
    header, rows = participant_table(project, selection, style.labels)
    refuse_if_empty(len(rows), "no participant matches the filters")
    steps = Progress(progress, len(rows) + 1)
    steps.start()
    if style.aggregate_only:
        summary = sample_summary(project, selection, style.labels)
        _write(out, ["characteristic", "value", "n", "percent"],
               ([a, v, int(n), int(p)] for a, v, n, p in summary), steps)
        return len(rows)
    cells = (row[:-2] + [int(row[-2]), int(row[-1])] for row in rows)
    return _write(out, header, cells, steps)


def export_matrix_csv(project, out: str | Path, selection: ReportSelection | None = None, *,
                      progress: ProgressCallback | None = None) -> int:
    """Code x participant counts (themes include sub-codes), zeros written as 0."""
    table = matrix_table(project, selection)
    refuse_if_empty(len(table.rows), "the project has no codes yet")
    steps = Progress(progress, len(table.rows) + 1)
    steps.start()
    header = ["code", *table.participants, "codings", "participants"]
    cells = ([r.path, *(int(v) for v in r.cells), r.codings, r.participants] for r in table.rows)
    return _write(out, header, cells, steps)


def export_alignment_csv(project, out: str | Path, framework: str | None = None, *,
                         progress: ProgressCallback | None = None, style: ReportStyle | None = None) -> int:
    """One row per framework element; themes and quotes one per line inside their cell. Quotes
    are participants' words only (the attribution rule), as in the Word table."""
    tables = alignment_tables(project, framework)
    refuse_if_empty(sum(len(t.rows) for t in tables), "the framework has no elements")
    steps = Progress(progress, sum(len(t.rows) for t in tables) + 1)
    steps.start()
    maker = QuoteMaker(project, style_of(project, style))
    maker.prepare([q for t in tables for r in t.rows for q in r.exemplars])
    header = ["framework", "element", "definition", "themes", "illustrative_quotes"]

    def plain(text: str) -> str:
        return text.replace("\u2011", "-").replace("\u00a0", " ")

    def cells():
        for t in tables:
            for r in t.rows:
                themes = "\n".join(display_path(a.code) + (f" — {a.rationale}" if a.rationale else "")
                                   for a in r.alignments)
                quotes = [maker.quote(e, nested=True) for e in r.exemplars]
                text = "\n".join(plain(q.run_in()) for q in quotes if q.is_participant_quote)
                yield [t.framework, r.element.name, r.element.description, themes, text]

    return _write(out, header, cells(), steps)
