"""The coded-excerpts report: title page, contents, one heading per theme and code (with its
definition), and every excerpt as a quote with its source line, memo and other codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from npmdesk.formats.reports.docx_builder import ReportBuilder
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.data import CodeTree, ExcerptRow, excerpt_rows, source_line, summary_counts
from npmdesk.formats.reports.selection import ReportSelection

TITLE = "Coded excerpts"


def export_excerpts_docx(project, out: str | Path, selection: ReportSelection | None = None, *,
                         other_codes: bool = False, progress: ProgressCallback | None = None) -> int:
    """Write the report to `out` (atomically); returns the number of excerpts in it.

    `progress(done, total)` is called now and then; returning False cancels (no file is written)."""
    selection = selection or ReportSelection()
    rows = excerpt_rows(project, selection, other_codes=other_codes)
    steps = Progress(progress, len(rows) + 1)
    steps.start()
    builder = build_excerpts_report(project, rows, selection, steps)
    with atomic_output(out) as tmp:
        builder.save(tmp)
        steps.finish()
    return len(rows)


def build_excerpts_report(project, rows: list[ExcerptRow], selection: ReportSelection,
                          steps: Progress | None = None) -> ReportBuilder:
    coders = sorted({r.excerpt.coder for r in rows}, key=str.lower)
    b = ReportBuilder(f"{TITLE} — {project.name}", author=", ".join(coders) or project.name,
                      subject=f"Coded excerpts of the study {project.name}", footer=f"{project.name} · {TITLE}")
    n, docs, people = summary_counts(rows)
    b.title_page(TITLE, project.name, [
        ("Project", project.name),
        ("Exported", date.today().isoformat()),
        ("Coders", ", ".join(coders) or "—"),
        ("Filters", "; ".join(selection.describe())),
        ("Excerpts", f"{n} excerpt{'s' * (n != 1)} from {docs} document{'s' * (docs != 1)}, "
                     f"{people} participant{'s' * (people != 1)}"),
    ])
    b.paragraph("Excerpts are ordered by the code tree, then by document and position. Each quote is the "
                "exact coded text; ¶ numbers count the lines (paragraphs) of the imported transcript.",
                "ReportNote")
    b.page_break()
    b.toc()
    b.page_break()

    tree = CodeTree(project.codes())
    by_code: dict[int, list[ExcerptRow]] = {}
    for r in rows:
        by_code.setdefault(r.excerpt.code_id, []).append(r)
    if not rows:
        b.paragraph("No coded excerpts match the filters.")
    for code in tree.with_ancestors(by_code):
        b.heading(code.name, min(tree.depth(code.id) + 1, 3), code.color)
        if code.description.strip():
            b.paragraph(code.description.strip(), "CodeDefinition")
        own = by_code.get(code.id, [])
        if own:
            n, docs, people = summary_counts(own)
            b.paragraph(f"{n} excerpt{'s' * (n != 1)} · {docs} document{'s' * (docs != 1)} · "
                        f"{people} participant{'s' * (people != 1)}", "CodeFacts")
        for r in own:
            _excerpt(b, r)
            if steps:
                steps.step()
    return b


def _excerpt(b: ReportBuilder, r: ExcerptRow) -> None:
    e = r.excerpt
    b.paragraph(e.text, "Quote")
    tail = e.memo.strip() or r.other_codes
    b.paragraph(source_line(r), "ExcerptSource", extra_ppr='<w:spacing w:after="0"/>' if tail else "")
    if e.memo.strip():
        last = not r.other_codes
        b.paragraph([("Memo: ", {"b": True}), (e.memo.strip(), {})], "ExcerptMemo",
                    extra_ppr="" if last else '<w:spacing w:after="0"/>')
    if r.other_codes:
        b.paragraph([("Also coded: ", {"b": True}), ("; ".join(r.other_codes), {})], "ExcerptMemo")
