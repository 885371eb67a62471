"""Read a code's excerpts as a document (Analysis > Read excerpts as a document, Ctrl+Shift+R, or
"Read as document" in the excerpts panel): every excerpt in full with its source line, context
greyed around it on request, the other codes on it and its memo, filtered by coder, participant,
attribute value and document group, printed or exported as shown.

A window of its own beside the main one (a page to read, not a strip under the transcript). It
shows the code selected in the code tree and follows it. Pages of 50 excerpts are written as the
reader scrolls, so a theme with thousands opens at the cost of one page; Print, PDF and Word read
the rest first. "Show in transcript" (or a double-click on an excerpt) jumps through the window's
`jump_to`, which locates the passage without selecting it (a click on a code never codes it).

The filters are a ReportSelection (formats/reports/selection.py), so the page and its Word export
select the same excerpts; a document group becomes the store's group filter on the page and its
documents' names in the report.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction, QColor, QGuiApplication, QKeySequence, QPalette, QTextBlockFormat, QTextCursor, QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QHBoxLayout, QLabel, QProgressDialog, QPushButton,
    QTextBrowser, QVBoxLayout, QWidget,
)

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.model import ExcerptFilter
from npmdesk.core.wording import plural
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.ui import retrieval_output
from npmdesk.ui.retrieval_page import CONTEXTS, PageFacts, excerpt_html, heading_html

PAGE = 50  # excerpts written at a time: a few screens, a few tens of milliseconds
READ_WIDTH = 860  # px: a line a reader's eye can follow; wider windows get margins


class _Page(QTextBrowser):
    """The page; a double-click reports the document position it landed on."""

    positionActivated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._margin = -1

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        super().mouseDoubleClickEvent(event)
        self.positionActivated.emit(self.cursorForPosition(event.position().toPoint()).position())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_width()

    def fit_width(self) -> None:
        margin = max(12, (self.viewport().width() - READ_WIDTH) // 2)
        if margin != self._margin:
            self._margin = margin
            root = self.document().rootFrame()
            fmt = root.frameFormat()
            fmt.setLeftMargin(margin)
            fmt.setRightMargin(margin)
            root.setFrameFormat(fmt)


class RetrievalView(QWidget):
    """The retrieval window over MainWindow `w` (its project, catalog, code tree and jump_to)."""

    def __init__(self, w):
        super().__init__(None, Qt.WindowType.Window)  # not transient: the main window can come in front
        self.w = w
        self.setObjectName("retrievalView")
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # the main window's closing ends npmdesk
        self.setWindowTitle("Excerpts — npmdesk")
        self.code_id: int | None = None
        self.title = QLabel(self, objectName="retrievalTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.count = QLabel(self, objectName="retrievalCount")
        self.subcodes = QCheckBox("Include sub-codes", self, objectName="retrievalSubcodes", checked=True)
        self.coder = self._combo("retrievalCoder", "Coder")
        self.participant = self._combo("retrievalParticipant", "Participant")
        self.attribute = self._combo("retrievalAttribute", "Attribute value")
        self.group = self._combo("retrievalGroup", "Document group")
        self.context = self._combo("retrievalContext", "Context around each excerpt")
        for key, label in CONTEXTS:
            self.context.addItem(label, key)
        self.print_button = QPushButton("&Print…", self, objectName="retrievalPrint")
        self.pdf_button = QPushButton("Save as P&DF…", self, objectName="retrievalPdf")
        self.word_button = QPushButton("Export as shown (&Word)…", self, objectName="retrievalWord")
        self.word_button.setToolTip(retrieval_output.WORD_TOOLTIP)
        self.page = _Page(self)
        self.page.setObjectName("retrievalPage")
        self.page.setAccessibleName("Excerpts as a document")
        self.page.setOpenLinks(False)
        self.page.document().setDocumentMargin(16)
        font = self.page.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.2)
        self.page.document().setDefaultFont(font)

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.count)
        head.addSpacing(12)
        head.addWidget(self.print_button)
        head.addWidget(self.pdf_button)
        head.addWidget(self.word_button)
        filters = QHBoxLayout()
        for label, box in (("Coder", self.coder), ("Participant", self.participant),
                           ("Attribute", self.attribute), ("Group", self.group), ("Context", self.context)):
            caption = QLabel(f"{label}:", self)
            caption.setBuddy(box)
            filters.addWidget(caption)
            filters.addWidget(box)
            if box is self.group:
                self._group_caption = caption
        filters.addWidget(self.subcodes)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(self.page, 1)

        self._reload_timer = QTimer(self, singleShot=True, interval=0)
        self._reload_timer.timeout.connect(lambda: self.reload(keep_loaded=True))
        self._stale = False
        self._gap = QTextBlockFormat()
        self._gap.setTopMargin(22)
        self._heading_gap = QTextBlockFormat()
        self._heading_gap.setTopMargin(34)
        self._reset_page()
        for box in (self.coder, self.participant, self.attribute, self.group):
            box.currentIndexChanged.connect(lambda *_: self.reload())
        self.context.currentIndexChanged.connect(lambda *_: self.reload(keep_loaded=True))
        self.subcodes.toggled.connect(lambda *_: self.reload())
        self.page.anchorClicked.connect(self._link)
        self.page.positionActivated.connect(self._double_clicked)
        self.page.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.print_button.clicked.connect(lambda: self.print_page())
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.word_button.clicked.connect(lambda: self.export_word())
        keys = QKeySequence.StandardKey
        for key, slot in ((keys.Print, self.print_page), (keys.Close, self.close)):
            action = QAction(self)
            action.setShortcut(key)
            action.triggered.connect(slot)
            self.addAction(action)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(12)  # long attribute values are read in the open list
        box.view().setMinimumWidth(280)
        box.setMaximumWidth(280)
        return box

    # What to show ----------------------------------------------------------------------------------

    def open_for(self, code_id: int | None) -> None:
        """Show the window (sized to the screen the first time) with `code_id`'s excerpts."""
        if not self.isVisible():
            self._place()
        self.fill_filters()
        self.show_code(code_id)
        self.show()
        self.raise_()
        self.activateWindow()

    def _place(self) -> None:
        if getattr(self, "_placed", False):
            return
        self._placed = True
        screen = self.w.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        width, height = min(free.width(), max(900, int(free.width() * 0.62))), int(free.height() * 0.9)
        self.resize(width, height)
        self.move(free.right() - width + 1, free.y() + (free.height() - height) // 2)

    def show_code(self, code_id: int | None) -> None:
        self.code_id = code_id
        self.reload()

    def fill_filters(self) -> None:
        """The coders, participants, attribute values and groups of the project, keeping choices."""
        p = self.w.project
        coders = [(c["name"], c["name"]) for c in p.coders()] if p else []
        cases = p.cases() if p else []
        values: dict[tuple[str, str], None] = {}
        for a in (p.attributes() if p else []):
            for c in cases:
                v = c.attributes.get(a.name)
                if v is None or str(v).strip() == "":
                    continue
                text = ("yes" if v else "no") if isinstance(v, bool) else str(v)
                values[(a.name, text)] = None
        groups = p.groups("document") if p else []
        for box, first, items in (
                (self.coder, "All coders", coders),
                (self.participant, "All participants", [(c.name, c.name) for c in cases]),
                (self.attribute, "Any attribute", [(f"{n} = {v}", (n, v)) for n, v in sorted(values)]),
                (self.group, "All documents", [(g.name, g.id) for g in groups])):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(first, None)
            for label, data in items:
                box.addItem(label, data)
            at = box.findData(current) if current is not None else 0
            box.setCurrentIndex(max(at, 0))
            box.blockSignals(False)
        self.group.setVisible(bool(groups))
        self._group_caption.setVisible(bool(groups))

    def selection(self) -> ReportSelection | None:
        """The filters as a report selection (None: no code chosen)."""
        code = self.w.catalog.get(self.code_id)
        if code is None:
            return None
        attribute = self.attribute.currentData()
        documents: tuple[str, ...] = ()
        group = self.group.currentData()
        if group is not None and self.w.project is not None:
            members = next((g.members for g in self.w.project.groups("document") if g.id == group), ())
            names = {d.id: d.name for d in self.w.document_list}
            documents = tuple(names[d] for d in members if d in names)
        return ReportSelection(code_paths=(code.path,), with_children=self.subcodes.isChecked(),
                               participants=(self.participant.currentData(),) if self.participant.currentData() else (),
                               coders=(self.coder.currentData(),) if self.coder.currentData() else (),
                               attributes=(tuple(attribute),) if attribute else (), documents=documents)

    def excerpt_filter(self) -> ExcerptFilter | None:
        sel = self.selection()
        if sel is None:
            return None
        flt = replace(sel, documents=()).to_filter(self.w.project)
        group = self.group.currentData()
        return replace(flt, document_group_ids=(group,)) if group is not None else flt

    def filtered(self) -> bool:
        return any(box.currentData() is not None for box in (self.coder, self.participant, self.attribute, self.group))

    # The page ----------------------------------------------------------------------------------------

    def _reset_page(self) -> None:
        self._writing = True  # clearing moves the scroll bar too
        self.page.clear()
        self._writing = False
        self.page._margin = -1
        self.page.fit_width()
        self.excerpts: list = []  # the excerpts written so far, in page order
        self._starts: list[int] = []  # where each begins in the page (document positions)
        self._last_code: int | None = None
        self._total = 0
        self._all = 0
        self._flt: ExcerptFilter | None = None
        self._facts: PageFacts | None = None

    def reload(self, keep_loaded: bool = False) -> None:
        """Count and write the first page afresh; with `keep_loaded` (a change, another context)
        the excerpt at the top of the page stays there: the excerpts up to it and a page more are
        written, not every one written before (after Print that would be thousands)."""
        self._stale = False
        top, offset = self._top() if keep_loaded else (0, 0)
        self._reset_page()
        p, code = self.w.project, self.w.catalog.get(self.code_id)
        self.word_button.setEnabled(False)
        if p is None or code is None:
            self.title.setText("Select a code or theme in the code tree to read its excerpts.")
            self.count.setText("")
            self.setWindowTitle("Excerpts — npmdesk")
            return
        self.title.setText(f"<b>{_escape(code.path)}</b>")
        self.setWindowTitle(f"{code.path} — excerpts — npmdesk")
        try:
            self._flt = self.excerpt_filter()
        except NpmdeskError as e:  # a chosen participant or coder gone meanwhile
            self.count.setText(str(e))
            return
        self._all = p.count_excerpts(ExcerptFilter(code_ids=(code.id,), with_descendants=self.subcodes.isChecked()))
        self._total = p.count_excerpts(self._flt) if self.filtered() else self._all
        self._facts = PageFacts(p, {c.id: c for c in p.codes()})
        if top > 4 * PAGE:  # deep in a long page: seconds, not a freeze without a sign
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._more(max(PAGE, top + PAGE))
        finally:
            if top > 4 * PAGE:
                QApplication.restoreOverrideCursor()
        if top or offset:
            self._scroll_to(min(top, len(self.excerpts) - 1), offset)
        if not self._total:
            self.page.setHtml(f'<p style="color:{self._colours()[0]};">No excerpt of this code matches the '
                              "filters.</p>" if self._all else "<p>This code has no excerpts yet.</p>")
        self.word_button.setEnabled(self._total > 0)

    def _top(self) -> tuple[int, int]:
        """The excerpt at the top of the page, and how far (px) its start is above the top."""
        i = self.excerpt_at(self.page.cursorForPosition(self.page.viewport().rect().topLeft()).position())
        if i is None:
            return 0, 0
        cur = QTextCursor(self.page.document())
        cur.setPosition(self._starts[i])
        return i, -self.page.cursorRect(cur).top()

    def _scroll_to(self, index: int, offset: int) -> None:
        if index < 0:
            return
        doc = self.page.document()
        block = doc.findBlock(self._starts[index])
        top = doc.documentLayout().blockBoundingRect(block).top()  # lays the page out up to it
        doc.documentLayout().documentSize()  # and to its end
        bar = self.page.verticalScrollBar()
        bar.setValue(int(top) + offset)
        # The scroll bar takes the page's new length on the next turn of the event loop: again then.
        QTimer.singleShot(0, lambda: bar.setValue(int(top) + offset))

    @property
    def total(self) -> int:
        """How many excerpts the page holds under the filters (written or not yet)."""
        return self._total

    def has_more(self) -> bool:
        return self._flt is not None and len(self.excerpts) < self._total

    def _more(self, n: int = PAGE) -> None:
        if not self.has_more():
            self._recount()
            return
        rows = self.w.project.excerpts(self._flt, limit=n, offset=len(self.excerpts))
        if not rows:  # fewer than counted (changed meanwhile): what is shown is all there is
            self._total = len(self.excerpts)
        # Writing moves the scroll bar, whose signal must not write a page inside this one
        # (a QTextDocument edited from inside its own insertion corrupts memory).
        self._writing = True
        try:
            self._write(rows)
        finally:
            self._writing = False
        self._recount()

    def _colours(self) -> tuple[str, str, str]:
        """Grey (text halfway to the page: readable in light and dark), link and text colours."""
        pal = self.page.palette()
        text, base = pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Base)
        grey = QColor((text.red() * 11 + base.red() * 9) // 20, (text.green() * 11 + base.green() * 9) // 20,
                      (text.blue() * 11 + base.blue() * 9) // 20)
        return grey.name(), pal.color(QPalette.ColorRole.Link).name(), text.name()

    def _write(self, rows) -> None:
        facts = self._facts
        assert facts is not None  # set by reload() before any page is read
        grey, link, text = self._colours()
        unit = self.context.currentData()
        cursor = QTextCursor(self.page.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        several = self.subcodes.isChecked() and bool(self.w.catalog.children.get(self.code_id))
        first = cursor.atStart()
        cursor.beginEditBlock()
        for e in rows:
            # Each part's first paragraph goes into the block made for it: the space above it.
            if several and e.code_id != self._last_code:
                if not cursor.atStart():
                    cursor.insertBlock(self._heading_gap)
                cursor.insertHtml(heading_html(facts.codes[e.code_id], text))
            self._last_code = e.code_id
            if not cursor.atStart():
                cursor.insertBlock(self._gap)
            self._starts.append(cursor.position())
            cursor.insertHtml(excerpt_html(len(self.excerpts), e, facts, unit, grey, link))
            self.excerpts.append(e)
        cursor.endEditBlock()
        if first:  # the page's own cursor was at the insertion point and moved along: the top again
            self.page.moveCursor(QTextCursor.MoveOperation.Start)

    def _recount(self) -> None:
        n, shown = self._total, len(self.excerpts)
        words = f"{n} of {plural(self._all, 'excerpt')}" if self.filtered() else plural(n, "excerpt")
        more = f" ({shown} shown; scroll for more)" if shown < n else ""
        self.count.setText(words + more)

    def _scrolled(self, value: int) -> None:
        bar = self.page.verticalScrollBar()
        if self._writing:
            return
        if self.has_more() and value >= bar.maximum() - 2 * bar.pageStep():
            self._more()

    def load_all(self, parent=None) -> bool:
        """Write every remaining excerpt (before printing or exporting), with progress and Cancel
        when there are many; False if cancelled."""
        remaining = self._total - len(self.excerpts)
        progress = None
        if remaining > 4 * PAGE:
            progress = QProgressDialog("Preparing the excerpts…", "Cancel", 0, remaining, parent or self)
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(300)
        start = len(self.excerpts)
        while self.has_more():
            before = len(self.excerpts)
            self._more(4 * PAGE)
            if len(self.excerpts) == before:
                break
            if progress is not None:
                progress.setValue(len(self.excerpts) - start)
                QApplication.processEvents()
                if progress.wasCanceled():
                    return False
        if progress is not None:
            progress.close()
        return True

    # Jumping -----------------------------------------------------------------------------------------

    def excerpt_at(self, position: int) -> int | None:
        """The index of the excerpt written at a page position."""
        i = bisect_right(self._starts, position) - 1
        return i if 0 <= i < len(self.excerpts) else None

    def jump(self, index: int) -> None:
        e = self.excerpts[index]
        self.w.jump_to(e.document_id, e.start, e.end)
        self.w.raise_()
        self.w.activateWindow()

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "jump" and url.path().isdigit() and int(url.path()) < len(self.excerpts):
            self.jump(int(url.path()))

    def _double_clicked(self, position: int) -> None:
        i = self.excerpt_at(position)
        if i is not None:
            self.jump(i)

    # Following the project -------------------------------------------------------------------------

    def on_project_changed(self, changes) -> None:
        if self.w.project is None:
            return
        if (changes.everything or changes.cases or changes.document_list) and self.isVisible():
            # blocked signals: the reload below follows. A hidden view fills them when it opens
            # (open_for), not at every project open (20,000 participants: over half a second).
            self.fill_filters()
        if self.code_id is None:
            return
        shown_docs = {e.document_id for e in self.excerpts}
        if (changes.everything or changes.codes or changes.memos or changes.cases or changes.document_list
                or changes.counted_codes is None or changes.documents & shown_docs
                or (changes.codings and self.code_id in self.w.catalog.ancestors_and_self(changes.counted_codes))):
            if self.isVisible():
                self.count.setText("updating…")
                self._reload_timer.start()
            else:
                self._stale = True

    def on_project_switched(self) -> None:
        self.code_id = None
        self.hide()
        self._reset_page()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload(keep_loaded=True)

    # Print, PDF, Word (ui/retrieval_output.py) -------------------------------------------------------

    def printable(self) -> QTextDocument:
        return retrieval_output.printable(self)

    def print_page(self) -> bool:
        return retrieval_output.print_page(self)

    def save_pdf(self, path: str | None = None) -> Path | None:
        return retrieval_output.save_pdf(self, path)

    def export_word(self, path: str | None = None) -> Path | None:
        return retrieval_output.export_word(self, path)


class _CloseWithWindow(QObject):
    def __init__(self, view: RetrievalView):
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Close:
            self.view.close()
        return False


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def install_retrieval(w) -> RetrievalView:
    """Analysis > Read excerpts as a document (Ctrl+Shift+R) and the excerpts panel's button."""
    view = RetrievalView(w)

    def open_view() -> None:
        view.open_for(w.code_tree.current_code())

    def from_panel() -> None:
        """The panel's code, with its sub-codes choice and document group."""
        mode = getattr(w, "_excerpts_mode", None)
        code_id = mode[1] if mode and mode[0] == "code" else w.code_tree.current_code()
        view.subcodes.blockSignals(True)
        view.subcodes.setChecked(w.excerpts.subcodes.isChecked())
        view.subcodes.blockSignals(False)
        view.fill_filters()
        at = view.group.findData(w.excerpts.document_group())
        view.group.blockSignals(True)
        view.group.setCurrentIndex(max(at, 0))
        view.group.blockSignals(False)
        view.open_for(code_id)

    w.actions["read_excerpts"] = w.add_action("Analysis", "&Read excerpts as a document", open_view, "Ctrl+Shift+R")
    w.excerpts.readRequested.connect(from_panel)
    def follow_tree() -> None:
        code_id = w.code_tree.current_code()
        if view.isVisible() and code_id is not None and code_id != view.code_id:
            view.show_code(code_id)

    w.code_tree.selectionModel().currentChanged.connect(lambda *_: follow_tree())
    w.projectChanged.connect(view.on_project_changed)
    w.projectSwitched.connect(view.on_project_switched)
    w.installEventFilter(_CloseWithWindow(view))
    return view
