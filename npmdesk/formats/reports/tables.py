"""Table reports for the manuscript: the participant table (the COREQ "description of the
sample"), the code x participant matrix, and the theme-framework alignment table
(Competency | Definition | Themes | Illustrative quotes (participant ID))."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from npmdesk.core.quotes import non_breaking
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.column_widths import natural_widths
from npmdesk.formats.reports.docx_builder import Cell, Indented, ReportBuilder, Run
from npmdesk.formats.reports.empty import refuse_if_empty, style_of
from npmdesk.formats.reports.quoting import QuoteMaker
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.formats.reports.table_data import (
    alignment_tables,
    coded_by,
    matrix_table,
    participant_table,
    sample_summary,
)

MATRIX_FONT = 16  # half-points: 8 pt
SMALL_SAMPLE = 10  # below this, a per-person table of several attributes may identify people

# Where the built-in frameworks' definitions come from (npmdesk ships paraphrases, not the
# official wording): the Definition column says so, and a table note cites the source.
DEFINITION_SOURCES = {
    "acgme": ("paraphrased from the ACGME Common Program Requirements",
              "Accreditation Council for Graduate Medical Education. ACGME Common Program Requirements "
              "(Residency), Section IV.B.1: the six core competencies"),
    "canmeds": ("paraphrased from the CanMEDS 2015 Framework",
                "Frank JR, Snell L, Sherbino J, editors. CanMEDS 2015 Physician Competency Framework. "
                "Ottawa: Royal College of Physicians and Surgeons of Canada; 2015"),
}
ABBREVIATIONS = {
    "acgme": "ACGME, Accreditation Council for Graduate Medical Education",
    "canmeds": "CanMEDS, Canadian Medical Education Directives for Specialists",
}


def _builder(project, title: str, subject: str, landscape: bool, style: ReportStyle, scope: str = "") -> ReportBuilder:
    """The document with its title and a subtitle naming the project, the `scope` (e.g. 'coded by
    Bea' when a table counts one coder's codings) and the date."""
    footer = f"{project.name} · {title}" + (f" ({scope})" if scope else "")
    b = ReportBuilder(f"{title} — {project.name}", subject=subject, footer=footer, landscape=landscape, style=style)
    b.paragraph(title, "Title")
    b.paragraph(" · ".join([project.name, *([scope] if scope else []), f"exported {date.today().isoformat()}"]),
                "Subtitle")
    return b


def _save(b: ReportBuilder, out, steps: Progress) -> None:
    with atomic_output(out) as tmp:
        b.save(tmp)
        steps.finish()


# Participants -------------------------------------------------------------------------------------

def export_participants_docx(project, out: str | Path, selection: ReportSelection | None = None, *,
                             progress: ProgressCallback | None = None, style: ReportStyle | None = None) -> int:
    """Participants with their attributes, documents and codings, then the sample's make-up. With
    the style's `aggregate_only`, only the make-up (no row per person: small samples)."""
    style = style_of(project, style)
    header, rows = participant_table(project, selection, style.labels)
    refuse_if_empty(len(rows), "no participant matches the filters")
    steps = Progress(progress, 2)
    steps.start()
    wide = len(header) > 6 and not style.aggregate_only
    scope = coded_by(selection)
    b = _builder(project, "Participants", f"Participants of the study {project.name}", wide, style, scope)
    n = len(rows)
    if not style.aggregate_only:
        b.caption(f"Participants (n = {n}).")
        attrs = len(header) - 3 - (1 if "Description" in header else 0)
        note = None
        if n < SMALL_SAMPLE and attrs >= 2:
            note = (f"With n = {n}, a row per person with {attrs} attributes may make participants "
                    "identifiable; consider reporting the sample's make-up only (aggregate-only option).")
        b.table(header, rows, font_half_points=19 if wide else None, right_align_from=len(header) - 2, note=note)
    summary = sample_summary(project, selection, style.labels)
    if summary:
        b.caption(f"Description of the sample (n = {n}): participants by attribute.")
        free = any(r[1].startswith("free text") for r in summary)
        b.table(["Characteristic", "Value", "n", "%"], summary, right_align_from=2,
                note="Free-text answers are too varied to count as categories and are not summarised."
                if free else None)
    steps.step()
    _save(b, out, steps)
    return n


# Matrix ---------------------------------------------------------------------------------------------

def matrix_groups(b: ReportBuilder, participants: list[str], code_cells: list,
                  total_labels: list[str]) -> tuple[list[list[int]], float]:
    """Participants split into column groups that fit the page beside the code column and the
    totals, each column as wide as its ID needs (a header never breaks inside a word)."""
    if not participants:
        return [[]], 0.3
    em = MATRIX_FONT * 10
    header = ["Code", *participants, *total_labels]
    sample = [[c, *(["000"] * len(participants)), *(["0000"] * len(total_labels))] for c in code_cells[:200]]
    widths, wants = natural_widths(header, sample, em)
    code_w = min(max(wants[0], widths[0]), int(b.text_width * 0.25))
    fixed = code_w + sum(widths[len(participants) + 1:])
    room = b.text_width - fixed
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, _ in enumerate(participants):
        w = widths[i + 1]
        if current and used + w > room:
            groups.append(current)
            current, used = [], 0
        current.append(i)
        used += w
    groups.append(current)
    if len(groups) > 1:  # even out the groups: 9 + 9 + 8 rather than 12 + 12 + 2
        per = -(-len(participants) // len(groups))
        groups = [list(range(i, min(i + per, len(participants)))) for i in range(0, len(participants), per)]
    return groups, code_w / b.text_width


def export_matrix_docx(project, out: str | Path, selection: ReportSelection | None = None, *,
                       progress: ProgressCallback | None = None, style: ReportStyle | None = None) -> int:
    """Code x participant counts (themes include their sub-codes). A matrix wider than the page
    is split into column groups; every part repeats the code column and the row totals, and ends
    with the column totals."""
    style = style_of(project, style)
    table = matrix_table(project, selection)
    refuse_if_empty(len(table.rows), "the project has no codes yet")
    refuse_if_empty(len(table.participants), "no participant matches the filters")
    steps = Progress(progress, 2)
    steps.start()
    scope = coded_by(selection)
    b = _builder(project, "Code × participant matrix", f"Codings per code and participant in {project.name}",
                 True, style, scope)
    b.paragraph("Each cell counts the codings" + (f" ({scope} only)" if scope else "")
                + " of a code (with its sub-codes) that speak for a participant; "
                "– is none. “Total” counts each coding of the code once; n is how many participants a code "
                "rests on; the last row counts each participant’s codings once.",
                "ReportNote")
    people = table.participants
    totals = ["Total", "n"]
    code_cells = [Indented([("\u25a0 ", {"color": r.color.lstrip("#").upper()}), (r.name, {"b": r.depth == 0})],
                           r.depth) for r in table.rows]
    groups, code_share = matrix_groups(b, people, [[c] for c in code_cells], totals)
    for n, idx in enumerate(groups):
        header = ["Code", *(non_breaking(people[i]) for i in idx), *totals]  # 'NPM-1' never breaks at its hyphen
        rows: list[list[Cell]] = []
        for r, name in zip(table.rows, code_cells):
            cells = [str(int(r.cells[i])) if r.cells[i] else "–" for i in idx]
            rows.append([[name], *cells, str(r.codings), str(r.participants)])
        rows.append(["Total codings", *(str(table.column_totals[i]) for i in idx), str(table.total_codings),
                     str(sum(1 for v in table.column_totals if v))])
        part = (f" (part {n + 1} of {len(groups)}: participants {idx[0] + 1}–{idx[-1] + 1} of {len(people)})"
                if len(groups) > 1 else "")
        if n:
            b.page_break()
        b.caption(f"Codings per code and participant{f' ({scope})' if scope else ''}{part}.")
        left_out = table.not_credited
        b.table(header, rows, font_half_points=MATRIX_FONT, right_align_from=1, total_row=True,
                fixed={0: code_share} if len(groups) > 1 else None,
                note=(f"A coding counts for the participant whose words it codes; {left_out} coding"
                      f"{'s' * (left_out != 1)} on an interviewer's or facilitator's words only "
                      f"{'are' if left_out != 1 else 'is'} not counted.") if left_out else None)
    steps.step()
    _save(b, out, steps)
    return len(table.rows)


# Alignment ------------------------------------------------------------------------------------------

def definition_source(project, framework_name: str, style: ReportStyle) -> tuple[str, str]:
    """(label, citation) of a framework's definitions: the report settings, else the built-in source."""
    fw = project.framework_by_name(framework_name)
    chosen = style.definition_sources.get(framework_name)
    default = DEFINITION_SOURCES.get(fw.source, ("", ""))
    if isinstance(chosen, dict):
        return str(chosen.get("label", default[0])), str(chosen.get("citation", default[1]))
    if isinstance(chosen, str) and chosen.strip():
        return chosen.strip(), ""
    return default


def participant_prefix(names: list[str]) -> str:
    """The letters participant IDs share ('NPM' of NPM-1 ... NPM-6), '' if none."""
    heads = {m.group(1) for n in names if (m := re.match(r"^([A-Za-z]+)[\s\-_]?\d+$", n.strip()))}
    return heads.pop() if len(heads) == 1 and len(names) > 0 else ""


def export_alignment_docx(project, out: str | Path, framework: str | None = None, *,
                          progress: ProgressCallback | None = None, style: ReportStyle | None = None) -> int:
    """The theme-framework table per framework (one named, else every framework with alignments):
    Definition with its source, theme names (sub-codes and rationale if the settings ask), and
    participants' quotes only (the attribution rule: an interviewer's words never stand as a
    participant's quote)."""
    style = style_of(project, style)
    tables = alignment_tables(project, framework)
    refuse_if_empty(sum(len(t.rows) for t in tables), "the framework has no elements")
    steps = Progress(progress, len(tables) + 1)
    steps.start()
    maker = QuoteMaker(project, style)
    maker.prepare([q for t in tables for r in t.rows for q in r.exemplars])
    codes = {c.id: c for c in project.codes()}
    children: dict[int, list] = {}
    for c in codes.values():
        if c.parent_id is not None:
            children.setdefault(c.parent_id, []).append(c)
    b = _builder(project, "Themes and framework", f"Alignment of themes with frameworks in {project.name}", True, style)
    names = [c.name for c in project.cases()]
    prefix = style.prefix or participant_prefix(names)
    for n, t in enumerate(tables):
        fw = project.framework_by_name(t.framework)
        label, citation = definition_source(project, t.framework, style)
        rows: list[list[Cell]] = []
        left_out = 0
        for r in t.rows:
            themes: list = []
            for a in r.alignments:
                code = codes[a.code_id]
                runs = [(code.name, {"b": True})]
                if style.show_rationale and a.rationale:
                    runs.append((" — " + a.rationale, {"i": True}))
                themes.append(runs)
                if style.show_subcodes:
                    themes += [Indented([(c.name, {})], 1) for c in children.get(code.id, [])]
            quotes: list[str | list[Run]] = []
            for e in r.exemplars:
                q = maker.quote(e, nested=True)
                if q.is_participant_quote:
                    quotes.append(q.run_in())
                else:
                    left_out += 1
            rows.append([[[(r.element.name, {"b": True})]], r.element.description or "—", themes or ["—"],
                         quotes or ["—"]])
        if n:
            b.page_break()
        b.caption(f"Themes aligned with the {t.framework}.")
        definition = f"Definition ({label})" if label else "Definition"
        notes = []
        if citation:
            notes.append(f"Definitions {label or 'from'}: {citation}.")
        abbreviations = [ABBREVIATIONS[fw.source]] if fw.source in ABBREVIATIONS else []
        if prefix:
            abbreviations.insert(0, f"{prefix}\u2011n, participant identifier" if not style.prefix
                                 else f"{prefix}n, participant n")
        if abbreviations:
            notes.append("Abbreviations: " + "; ".join(abbreviations) + ".")
        if left_out:
            notes.append(f"{left_out} exemplar quote{'s' * (left_out != 1)} spoken by an interviewer or "
                         f"facilitator (or together with one) {'are' if left_out != 1 else 'is'} left out.")
        b.table([t.element_label, definition, "Themes", "Illustrative quotes (participant ID)"], rows,
                font_half_points=19, fixed={0: 0.16, 1: 0.26, 2: 0.2}, note=" ".join(notes) if notes else None)
        steps.step()
    _save(b, out, steps)
    return sum(len(t.rows) for t in tables)
