"""CSV for statistics and spreadsheets: excerpts, the codebook, participants, the code x
participant matrix and the alignment table.

UTF-8 with a byte-order mark, so that Excel shows every script correctly; the csv module quotes
fields holding commas, quotes or line breaks, so a multi-line excerpt stays one cell (a
hand-written join would split it into rows, a known bug elsewhere). Text is written exactly as
coded: no cell is altered."""

from __future__ import annotations

import csv
from pathlib import Path

from npmdesk.formats.reports.codebook import codebook_rows
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.data import excerpt_rows
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.formats.reports.table_data import alignment_tables, display_path, matrix_table, participant_table

EXCERPT_COLUMNS = ["code", "text", "participant", "speaker", "document", "paragraph_start", "paragraph_end",
                   "start", "end", "coder", "exemplar", "memo", "other_codes", "coding_id"]


def _write(out, header: list[str], rows, steps: Progress) -> int:
    n = 0
    with atomic_output(out) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                n += 1
                steps.step()
        steps.finish()
    return n


def export_excerpts_csv(project, out: str | Path, selection: ReportSelection | None = None, *,
                        other_codes: bool = False, progress: ProgressCallback | None = None) -> int:
    """One row per excerpt, in report order; returns the number of excerpts."""
    rows = excerpt_rows(project, selection, other_codes=other_codes)
    steps = Progress(progress, len(rows) + 1, every=1000)
    steps.start()

    def cells():
        for r in rows:
            e = r.excerpt
            yield [e.code, e.text, e.participant or "", e.speaker or "", e.document, r.paragraphs[0],
                   r.paragraphs[1], e.start, e.end, e.coder, "yes" if e.exemplar else "no", e.memo,
                   "; ".join(r.other_codes), e.coding_id]

    return _write(out, EXCERPT_COLUMNS, cells(), steps)


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
                            progress: ProgressCallback | None = None) -> int:
    header, rows = participant_table(project, selection)
    steps = Progress(progress, len(rows) + 1)
    steps.start()
    cells = (row[:-2] + [int(row[-2]), int(row[-1])] for row in rows)
    return _write(out, header, cells, steps)


def export_matrix_csv(project, out: str | Path, selection: ReportSelection | None = None, *,
                      progress: ProgressCallback | None = None) -> int:
    """Code x participant counts (themes include sub-codes), zeros written as 0."""
    table = matrix_table(project, selection)
    steps = Progress(progress, len(table.rows) + 1)
    steps.start()
    header = ["code", *table.participants, "codings", "participants"]
    cells = ([r.path, *(int(v) for v in r.cells), r.codings, r.participants] for r in table.rows)
    return _write(out, header, cells, steps)


def export_alignment_csv(project, out: str | Path, framework: str | None = None, *,
                         progress: ProgressCallback | None = None) -> int:
    """One row per framework element; themes and quotes one per line inside their cell."""
    tables = alignment_tables(project, framework)
    steps = Progress(progress, sum(len(t.rows) for t in tables) + 1)
    steps.start()
    header = ["framework", "element", "definition", "themes", "illustrative_quotes"]

    def cells():
        for t in tables:
            for r in t.rows:
                themes = "\n".join(display_path(a.code) + (f" — {a.rationale}" if a.rationale else "")
                                   for a in r.alignments)
                quotes = "\n".join(f"“{q.text}” ({q.participant or q.document})" for q in r.exemplars)
                yield [t.framework, r.element.name, r.element.description, themes, quotes]

    return _write(out, header, cells(), steps)
