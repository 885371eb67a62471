"""One entry point for every report in Word or CSV, shared by File > Export and `npmdesk export`.

Exports only read the project; each writes its file atomically and reports progress through an
optional `progress(done, total) -> bool` callback (False cancels, leaving no file behind)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.export_support import ProgressCallback
from npmdesk.formats.reports import csv_export
from npmdesk.formats.reports.codebook import export_codebook_docx
from npmdesk.formats.reports.empty import EmptyReportError, style_of
from npmdesk.formats.reports.excerpts import export_excerpts_docx
from npmdesk.formats.reports.methods import export_methods_docx
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.formats.reports.tables import export_alignment_docx, export_matrix_docx, export_participants_docx

__all__ = ["EmptyReportError", "FORMATS", "REPORTS", "REPORT_DESCRIPTIONS", "ReportOptions", "export_report"]

REPORTS = ("excerpts", "codebook", "participants", "matrix", "alignment", "methods")
FORMATS = ("docx", "csv")
REPORT_DESCRIPTIONS = {
    "excerpts": "coded excerpts by theme and code, with source lines",
    "codebook": "the code tree with definitions, colours, counts (and example quotes)",
    "participants": "participants and their attributes, and the make-up of the sample",
    "matrix": "code x participant counts",
    "alignment": "Competency | Definition | Themes | Illustrative quotes",
    "methods": "COREQ/SRQR methods appendix: every item the project can answer, the rest to complete",
}


@dataclass(frozen=True)
class ReportOptions:
    selection: ReportSelection = field(default_factory=ReportSelection)
    other_codes: bool = False  # excerpts: list the other codes on the same passage
    examples: int = 0  # codebook: example quotes per code
    framework: str | None = None  # alignment: which framework (default: every aligned one)
    style: ReportStyle | None = None  # look and citations (None: the project's remembered settings)
    deidentified: bool = False  # the pseudonym table applied on the way out (formats/deidentified.py)
    coder_names: str = "role"  # de-identified: coders named by role, initials, or kept ("keep")
    times: bool | None = None  # excerpts: each quote's time stamp hh:mm:ss (None: when any excerpt has one)
    context: str = "none"  # excerpts (Word): text around each quote, "none" | "paragraph" | "turn"


def export_report(project, report: str, fmt: str, out: str | Path, options: ReportOptions | None = None,
                  progress: ProgressCallback | None = None) -> int:
    """Write one report; returns how many items (excerpts, codes, participants, rows) it holds."""
    if report not in REPORTS:
        raise InvalidValueError(f"unknown report {report!r} (use {', '.join(REPORTS)})")
    if fmt not in FORMATS:
        raise InvalidValueError(f"unknown format {fmt!r} for a report (use {', '.join(FORMATS)})")
    o = options or ReportOptions()
    sel = o.selection
    if report in ("codebook", "alignment", "methods") and not sel.is_everything():
        raise InvalidValueError(f"the {report} report covers the whole project: filters do not apply to it")
    if report == "methods" and fmt != "docx":
        raise InvalidValueError("the methods appendix is a Word document: use --format docx (or a .docx name)")
    if o.deidentified:
        from npmdesk.formats.deidentified import deidentified

        with deidentified(project, o.coder_names) as view:
            hidden = {a.casefold() for a in view.deidentification.identifying}
            style = style_of(project, o.style)  # citations are not tagged with identifying attributes
            style = replace(style, tags=tuple(t for t in style.tags or () if t.strip().casefold() not in hidden))
            return export_report(view, report, fmt, out, replace(o, deidentified=False, style=style), progress)
    docx = fmt == "docx"
    style = _checked(project, style_of(project, o.style))
    if report == "excerpts":
        if docx:
            return export_excerpts_docx(project, out, sel, other_codes=o.other_codes, progress=progress,
                                        style=style, times=o.times, context=o.context)
        return csv_export.export_excerpts_csv(project, out, sel, other_codes=o.other_codes, progress=progress,
                                              style=style, times=o.times)
    if report == "codebook":
        if docx:
            return export_codebook_docx(project, out, examples=o.examples, progress=progress, style=style)
        return csv_export.export_codebook_csv(project, out, progress=progress)
    if report == "participants":
        participants = export_participants_docx if docx else csv_export.export_participants_csv
        return participants(project, out, sel, progress=progress, style=style)
    if report == "matrix":
        if docx:
            return export_matrix_docx(project, out, sel, progress=progress, style=style)
        return csv_export.export_matrix_csv(project, out, sel, progress=progress)
    if report == "methods":
        return export_methods_docx(project, out, progress=progress, style=style)
    alignment = export_alignment_docx if docx else csv_export.export_alignment_csv
    return alignment(project, out, o.framework, progress=progress, style=style)


def _checked(project, style: ReportStyle) -> ReportStyle:
    """Attribute names in the style (tags, labels) as the project spells them; unknown ones refused."""
    if not style.tags:
        return style
    known = {a.name.casefold(): a.name for a in project.attributes()}
    missing = [t for t in style.tags if t.strip().casefold() not in known]
    if missing:
        raise InvalidValueError(f"no participant attribute named {missing[0]!r} to tag citations with "
                                f"(attributes: {', '.join(known.values()) or 'none yet'})")
    return replace(style, tags=tuple(known[t.strip().casefold()] for t in style.tags))
