"""A report that would contain nothing is refused before anything is written."""

from __future__ import annotations

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.report_style import ReportStyle
from npmdesk.store.report_settings import report_style


class EmptyReportError(NpmdeskError):
    """Nothing matches: no file was written (the CLI exits 1, the window says so)."""


def refuse_if_empty(count: int, what: str) -> None:
    if not count:
        raise EmptyReportError(f"the report would be empty ({what}): nothing was written")


def style_of(project, style: ReportStyle | None) -> ReportStyle:
    """The style asked for, else the project's remembered report settings."""
    return style if style is not None else report_style(project)
