"""Table reports for the manuscript: the participant table (the COREQ "description of the
sample"), the code x participant matrix, and the theme-framework alignment table
(Competency | Definition | Themes / roles | Illustrative quotes (participant ID))."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from npmdesk.formats.reports.docx_builder import ReportBuilder
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.table_data import (
    alignment_tables,
    display_path,
    matrix_table,
    participant_table,
    sample_summary,
)
from npmdesk.formats.reports.selection import ReportSelection

_MATRIX_COLUMNS_PER_TABLE = 10  # participants side by side on a landscape page at 8 pt


def _builder(project, title: str, subject: str, landscape: bool) -> ReportBuilder:
    b = ReportBuilder(f"{title} — {project.name}", author=", ".join(c["name"] for c in project.coders()),
                      subject=subject, footer=f"{project.name} · {title}", landscape=landscape)
    b.paragraph(title, "Title")
    b.paragraph(f"{project.name} · exported {date.today().isoformat()}", "Subtitle")
    return b


def _save(b: ReportBuilder, out, steps: Progress) -> None:
    with atomic_output(out) as tmp:
        b.save(tmp)
        steps.finish()


def export_participants_docx(project, out: str | Path, selection: ReportSelection | None = None, *,
                             progress: ProgressCallback | None = None) -> int:
    """Participants with their attributes, documents and codings, then the sample's make-up."""
    header, rows = participant_table(project, selection)
    steps = Progress(progress, 2)
    steps.start()
    b = _builder(project, "Participants", f"Participants of the study {project.name}", len(header) > 6)
    b.caption(f"Participants (n = {len(rows)}).")
    b.table(header, rows, font_half_points=19 if len(header) > 6 else None,
            right_align_from=len(header) - 2)
    summary = sample_summary(project, selection)
    if summary:
        b.caption("Description of the sample: participants by attribute.")
        b.table(["Attribute", "Value", "n", "%"], summary, [2.5, 3, 0.8, 0.8], right_align_from=2)
    steps.step()
    _save(b, out, steps)
    return len(rows)


def export_matrix_docx(project, out: str | Path, selection: ReportSelection | None = None, *,
                       progress: ProgressCallback | None = None) -> int:
    """Code x participant counts (themes include their sub-codes); wide matrices are split into
    several tables of at most ten participants, each repeating the code column."""
    table = matrix_table(project, selection)
    steps = Progress(progress, 2)
    steps.start()
    b = _builder(project, "Code × participant matrix", f"Codings per code and participant in {project.name}", True)
    b.paragraph("Each cell counts the codings of a code (with its sub-codes) that speak for a participant; "
                "– is none. “Codings” counts each coding once; “Participants” is how many participants a code "
                "rests on.", "ReportNote")
    people = table.participants
    chunks = [people[i:i + _MATRIX_COLUMNS_PER_TABLE] for i in range(0, len(people), _MATRIX_COLUMNS_PER_TABLE)] or [[]]
    for n, chunk in enumerate(chunks):
        idx = [people.index(p) for p in chunk]
        last = n == len(chunks) - 1
        header = ["Code", *chunk] + (["Codings", "Participants"] if last else [])
        rows = []
        for r in table.rows:
            name = [("\u00a0" * 3 * r.depth, {}), ("\u25a0 ", {"color": r.color.lstrip("#").upper()}),
                    (r.name, {"b": r.depth == 0})]
            cells = [str(int(r.cells[i])) if r.cells[i] else "–" for i in idx]
            rows.append([[name], *cells] + ([str(r.codings), str(r.participants)] if last else []))
        part = f" (participants {n * _MATRIX_COLUMNS_PER_TABLE + 1}–{n * _MATRIX_COLUMNS_PER_TABLE + len(chunk)} "\
               f"of {len(people)})" if len(chunks) > 1 else ""
        b.caption(f"Codings per code and participant{part}.")
        b.table(header, rows, [3.2] + [1] * (len(header) - 1), font_half_points=16, right_align_from=1)
    if not table.rows:
        b.paragraph("The project has no codes yet.")
    steps.step()
    _save(b, out, steps)
    return len(table.rows)


def export_alignment_docx(project, out: str | Path, framework: str | None = None, *,
                          progress: ProgressCallback | None = None) -> int:
    """The theme-framework table per framework (one named, else every framework with alignments)."""
    tables = alignment_tables(project, framework)
    steps = Progress(progress, len(tables) + 1)
    steps.start()
    b = _builder(project, "Themes and framework", f"Alignment of themes with frameworks in {project.name}", True)
    for t in tables:
        b.caption(f"Themes aligned with the {t.framework}.")
        rows = []
        for r in t.rows:
            themes = [[(display_path(a.code), {"b": True})] + ([(" — " + a.rationale, {"i": True})] if a.rationale else [])
                      for a in r.alignments] or ["—"]
            quotes = [f"“{q.text}” ({q.participant or q.document})" for q in r.exemplars] or ["—"]
            rows.append([[[(r.element.name, {"b": True})]], r.element.description or "—", themes, quotes])
        b.table([t.element_label, "Definition", "Themes / roles", "Illustrative quotes (participant ID)"], rows,
                [1.9, 2.5, 2.3, 4.0], font_half_points=19)
        steps.step()
    _save(b, out, steps)
    return sum(len(t.rows) for t in tables)
