"""Print, PDF and Word for the retrieval view (ui/retrieval_view.py): what is shown, with a
heading saying what it holds, and never written over a project (store/output_paths.py)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QFileDialog

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.wording import plural
from npmdesk.ui import dialogs


def _escape(text: str) -> str:
    return html.escape(text)


def printable(view) -> QTextDocument:
    """A copy of the page with a heading saying what it holds (code, filters, count), without
    its links; the caller deletes it (deleteLater) once printed."""
    doc = view.page.document().clone(view)
    root = doc.rootFrame()
    fmt = root.frameFormat()
    fmt.setLeftMargin(0)
    fmt.setRightMargin(0)
    root.setFrameFormat(fmt)
    link, found = "Show in transcript", doc.find("Show in transcript")
    while not found.isNull():  # a link means nothing on paper: it and its " · " go
        if found.charFormat().isAnchor():
            end = found.selectionEnd()
            found.setPosition(end - len(link) - 3)
            found.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            found.removeSelectedText()
        found = doc.find(link, found)
    sel = view.selection()
    cursor = QTextCursor(doc)
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    filters = "; ".join(sel.describe()[1:] if sel else []) or "no filters"
    cursor.insertHtml(f"<h2>{_escape(view.w.project.name)}: {_escape(sel.code_paths[0] if sel else '')}</h2>"
                      f"<p>{_escape(view.count.text().split(' (')[0])} · {_escape(filters)} · "
                      f"context: {_escape(view.context.currentText().lower())}</p>")
    cursor.insertBlock()
    return doc


def print_page(view) -> bool:
    if not view.total or not view.load_all():
        return False
    try:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    except ImportError:  # a bundle built without Qt's print support: PDF still works
        dialogs.show_info(view, "Print", "Printing is not part of this build of npmdesk; use Save as PDF.")
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, view)
    dialog.setWindowTitle("Print excerpts")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    out = printer.outputFileName()
    if out:
        from npmdesk.store.output_paths import check_output_path

        try:  # printing to a file follows the output rules: never over a project
            check_output_path(out, [view.w.project.path])
        except NpmdeskError as e:
            dialogs.show_error(view, f"Nothing was printed.\n\n{e}", "Print refused")
            return False
    doc = view.printable()
    doc.print_(printer)
    doc.deleteLater()  # a copy of the whole page: not kept
    return True


def default_name(view, suffix: str) -> str:
    code = view.w.catalog.get(view.code_id)
    name = (code.name if code else "excerpts").replace("/", "-")
    return str(view.w.project.path.with_name(f"{view.w.project.path.stem} {name} excerpts{suffix}"))


def save_pdf(view, path: str | None = None) -> Path | None:
    if not view.total:
        return None
    if path is None:
        path, _ = QFileDialog.getSaveFileName(view, "Save as PDF", default_name(view, ".pdf"), "PDF (*.pdf)")
        if not path:
            return None
    out = Path(path if path.lower().endswith(".pdf") else f"{path}.pdf")
    if not view.load_all():
        return None
    from PySide6.QtGui import QPageSize, QPdfWriter

    from npmdesk.core.report_style import locale_page_size
    from npmdesk.formats.export_support import atomic_output

    doc = view.printable()
    try:
        with atomic_output(out, protect=[view.w.project.path]) as tmp:
            writer = QPdfWriter(str(tmp))
            writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter if locale_page_size() == "letter"
                                         else QPageSize.PageSizeId.A4))
            writer.setTitle(view.windowTitle())
            doc.print_(writer)
            del writer  # the file is complete once the writer is gone
    except NpmdeskError as e:
        dialogs.show_error(view, f"The PDF was not written.\n\n{e}", "Save as PDF failed")
        return None
    finally:
        doc.deleteLater()  # a copy of the whole page: not kept
    view.w.statusBar().showMessage(f"Saved {len(view.excerpts)} excerpts as {out}", 10000)
    return out


WORD_TOOLTIP = ("The coded-excerpts report of exactly these excerpts, with the context chosen here and "
                "their other codes; the coders are named once, on its title page, not beside each quote")


def export_word(view, path: str | None = None) -> Path | None:
    """The coded-excerpts report (formats/reports/excerpts.py) of exactly these excerpts, with the
    page's context around each quote and their other codes; the project's report settings give its
    look and citations. The report names its coders once ("Coders:"), not per excerpt."""
    sel = view.selection()
    if sel is None or not view.total:
        return None
    if path is None:
        path, _ = QFileDialog.getSaveFileName(view, "Export as shown", default_name(view, ".docx"),
                                              "Word documents (*.docx)")
        if not path:
            return None
    out = Path(path if path.lower().endswith(".docx") else f"{path}.docx")
    from npmdesk.formats.reports.export import ReportOptions
    from npmdesk.ui.export_dialog import run_export

    n = run_export(view, view.w.project, "excerpts", "docx", out, ReportOptions(
        selection=sel, other_codes=True, context=view.context.currentData() or "none"))
    if n is None:
        return None
    view.w.statusBar().showMessage(f"Exported {plural(n, 'excerpt')} to {out}", 10000)
    view.count.setText(f"{view.count.text()} · exported to {out.name}")
    return out
