"""The project's report settings (core/report_style.py) in its meta table, and the editable
definitions of framework elements that the competency table prints.

Both are changes through the one write path (`with project.write(...)`), so the window puts
them on the undo stack like any other edit; reading them never writes."""

from __future__ import annotations

from npmdesk.core.errors import NotFoundError
from npmdesk.core.report_style import ReportStyle

META_KEY = "report_style"


def report_style(project) -> ReportStyle:
    row = project.db.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return ReportStyle.from_json(row[0] if row else None)


def set_report_style(project, style: ReportStyle) -> None:
    """Remember the report settings in the project (one undoable step)."""
    with project.write("report settings") as c:
        c.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (META_KEY, style.to_json()))


def set_element_definition(project, element_id: int, definition: str) -> None:
    """Replace the definition of one framework element (the competency table's Definition cell)."""
    with project.write("element definition", element=element_id) as c:
        cur = c.execute("UPDATE framework_elements SET description = ? WHERE id = ?", (definition.strip(), element_id))
        if cur.rowcount == 0:
            raise NotFoundError(f"no framework element with id {element_id}")
