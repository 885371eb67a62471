"""File > Export…: choose a report, its filters, its look and citation style, and a file; write it
with progress and cancel. The look and citations are the project's report settings: changed here,
they are remembered in the project (one undoable step through window.run).

The code selected in the tree is pre-ticked for the coded-excerpts report only (and the dialog says
so); the tables and the codebook start from the whole project. Whenever a filter is active a line by
the Export button says what the report will hold, so a one-row matrix is never a surprise."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QFrame, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressDialog, QPushButton, QScrollArea, QSpinBox,
    QVBoxLayout, QWidget,
)

from npmdesk.core.errors import CancelledError, NpmdeskError
from npmdesk.core.quotes import CITATION_STYLES
from npmdesk.core.wording import plural
from npmdesk.core.report_style import TABLE_STYLES, ReportStyle, locale_page_size
from npmdesk.formats.reports.data import has_times
from npmdesk.formats.reports.empty import EmptyReportError
from npmdesk.formats.reports.export import REPORT_DESCRIPTIONS, REPORTS, ReportOptions, export_report
from npmdesk.formats.reports.selection import ReportSelection
from npmdesk.store.report_settings import report_style, set_report_style
from npmdesk.ui.dialogs import show_error, show_info

REPORT_TITLES = {
    "excerpts": "Coded excerpts",
    "codebook": "Codebook",
    "participants": "Participant table",
    "matrix": "Code × participant matrix",
    "alignment": "Theme–framework alignment table",
    "methods": "Methods appendix (COREQ and SRQR)",
}
FILTERABLE = {"excerpts", "participants", "matrix"}
WORD_ONLY = {"methods"}
ITEM_WORDS = {"excerpts": "excerpt", "codebook": "code", "participants": "participant"}  # else "item"
CITATION_LABELS = {"id": "Participant ID", "spaced": "ID with a space", "tagged": "ID and attributes",
                   "located": "ID, document and ¶"}


class ExportDialog(QDialog):
    """The choices of `npmdesk export`, as a form. `options()` and `path()` give the result."""

    def __init__(self, parent, project, current_code=None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.project = project
        form = QFormLayout()
        self.report = QComboBox(objectName="exportReport")
        for key in REPORTS:
            self.report.addItem(REPORT_TITLES[key], key)
            self.report.setItemData(self.report.count() - 1, REPORT_DESCRIPTIONS[key], Qt.ItemDataRole.ToolTipRole)
        form.addRow("&Report:", self.report)
        self.format = QComboBox(objectName="exportFormat")
        self.format.addItem("Word (.docx)", "docx")
        self.format.addItem("CSV for spreadsheets (.csv)", "csv")
        form.addRow("&Format:", self.format)
        self.description = QLabel(wordWrap=True)
        form.addRow("", self.description)

        # Indented names read as the tree does; the full path is the item's data and tooltip.
        self.codes = _checklist("exportCodes", [("    " * _depth(c.path) + c.name, c.path) for c in project.codes()])
        # The tree's code is a default for the excerpts report only, until the user ticks codes.
        self.current_code = current_code
        self._codes_by_user = False
        self._defaulting = False
        self.only_current = QLabel(objectName="exportOnlyCode", wordWrap=True)
        if current_code is not None:
            self.only_current.setText(f"Only: {current_code.path} — untick for every code")
        self.only_current.setVisible(False)
        self.with_children = QCheckBox("Include sub-codes of the chosen codes", checked=True)
        self.participants = _checklist("exportParticipants", [(c.name, c.name) for c in project.cases()])
        self.coders = _checklist("exportCoders", [(c["name"], c["name"]) for c in project.coders()])
        self.exemplars = QCheckBox("Exemplar quotes only")
        self.other_codes = QCheckBox("Show the other codes on each passage")
        self.times = QCheckBox("Time stamps (hh:mm:ss) in source lines",
                               objectName="exportTimes", checked=has_times(project))
        self.times.setToolTip("When each quote's turn begins in the recording; on by default when transcripts "
                              "have turn times (captions, [00:12:34] stamps, transcription)")
        self.examples = QSpinBox(minimum=0, maximum=20)
        frameworks = [f.name for f in project.frameworks()]
        self.framework = QComboBox(objectName="exportFramework")
        self.framework.addItem("Every aligned framework", None)
        for name in frameworks:
            self.framework.addItem(name, name)
        self.filters = QWidget()
        fl = QFormLayout(self.filters)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addRow("", self.only_current)
        fl.addRow("Codes (none ticked: all):", self.codes)
        fl.addRow("", self.with_children)
        fl.addRow("Participants (none ticked: all):", self.participants)
        fl.addRow("Coders (none ticked: all; e.g. only Consensus):", self.coders)
        fl.addRow("", self.exemplars)
        form.addRow(self.filters)
        form.addRow("", self.other_codes)
        form.addRow("", self.times)
        form.addRow("Example quotes per code:", self.examples)
        form.addRow("Framework:", self.framework)
        self._add_style_controls(form, report_style(project))

        replaced = sum(p.action == "replace" for p in project.pseudonyms())
        self.deidentified = QCheckBox(f"&De-identified: apply the pseudonym table ({replaced} terms) and leave out "
                                      "identifying attributes", objectName="exportDeidentified")
        self.deidentified.setToolTip("Mark terms in Edit > Find identifiers…; the project itself is not changed")
        form.addRow("", self.deidentified)
        self.coder_names = QComboBox(objectName="exportCoderNames")
        for label, key in (("by role (initials when none is set)", "role"), ("by initials", "initials"),
                           ("by name, as they are", "keep")):
            self.coder_names.addItem(label, key)
        self.coder_names.setToolTip("Roles are set in File > Team > Coders…")
        self.coder_names.setEnabled(False)
        self.deidentified.toggled.connect(self.coder_names.setEnabled)
        form.addRow("De-identified coders named:", self.coder_names)

        self.path_edit = QLineEdit(objectName="exportPath")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        save_label = QLabel("&Save as:")
        save_label.setBuddy(self.path_edit)
        form.addRow(save_label, row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.summary = QLabel(objectName="exportSummary")
        self.summary.setToolTip("What the filters above leave in the report")
        bold = self.summary.font()
        bold.setBold(True)
        self.summary.setFont(bold)  # a filtered report is never a surprise
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        self.setMinimumWidth(640)
        # The form is taller than a 1366x768 laptop's screen: it scrolls, the buttons stay in view.
        body = QWidget(objectName="exportForm")
        body.setLayout(form)
        scroll = QScrollArea(objectName="exportScroll")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        screen = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
        room = screen.availableGeometry().height() - 80 if screen is not None else 700
        self.resize(max(body.sizeHint().width() + 40, 640), min(body.sizeHint().height() + 60, max(room, 400)))
        self.report.currentIndexChanged.connect(self._update)
        self.format.currentIndexChanged.connect(self._update)
        self.codes.itemChanged.connect(self._codes_ticked)
        for lst in (self.participants, self.coders):
            lst.itemChanged.connect(lambda *_: self._summarise())
        for box in (self.with_children, self.exemplars):
            box.toggled.connect(lambda *_: self._summarise())
        self._update()

    def _codes_ticked(self, *_) -> None:
        if not self._defaulting:
            self._codes_by_user = True
        self._summarise()

    def _default_codes(self) -> None:
        """The current code ticked for the excerpts report, none for the others, until the user ticks."""
        if self._codes_by_user or self.current_code is None:
            return
        wanted = {self.current_code.path} if self.report_key() == "excerpts" else set()
        self._defaulting = True
        try:
            for i in range(self.codes.count()):
                item = self.codes.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in wanted
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        finally:
            self._defaulting = False

    def filter_summary(self) -> str:
        """'Filtered: 1 code, 2 participants' for the report chosen, or '' when it covers everything."""
        key = self.report_key()
        if key not in FILTERABLE:
            return ""
        parts = []
        codes = _checked(self.codes) if key != "participants" else []
        if codes:
            parts.append(plural(len(codes), "code") + (" with sub-codes" if self.with_children.isChecked() else ""))
        if people := _checked(self.participants):
            parts.append(plural(len(people), "participant"))
        if coders := _checked(self.coders):
            parts.append(plural(len(coders), "coder"))
        if key == "excerpts" and self.exemplars.isChecked():
            parts.append("exemplar quotes only")
        return f"Filtered: {', '.join(parts)}" if parts else ""

    def _summarise(self) -> None:
        text = self.filter_summary()
        self.summary.setText(text)
        self.summary.setVisible(bool(text))
        codes = _checked(self.codes)
        self.only_current.setVisible(self.current_code is not None and self.report_key() == "excerpts"
                                     and codes == [self.current_code.path])

    def _add_style_controls(self, form: QFormLayout, style: ReportStyle) -> None:
        """The project's report settings: citation style, table style, page size and options."""
        self.remembered = style
        self.citation = QComboBox(objectName="exportCitation")
        for key, example in CITATION_STYLES.items():
            self.citation.addItem(f"{CITATION_LABELS[key]}: {example}", key)
        self.citation.setCurrentIndex(max(self.citation.findData(style.citation), 0))
        self.prefix = QLineEdit(style.prefix, objectName="exportIdPrefix", placeholderText="e.g. P (NPM-4 becomes P4)")
        self.table_style = QComboBox(objectName="exportTableStyle")
        for key, label in TABLE_STYLES.items():
            self.table_style.addItem(label, key)
        self.table_style.setCurrentIndex(max(self.table_style.findData(style.table_style), 0))
        self.page_size = QComboBox(objectName="exportPageSize")
        local = "A4" if locale_page_size() == "a4" else "US Letter"
        self.page_size.addItem(f"From the locale ({local})", "auto")
        self.page_size.addItem("A4", "a4")
        self.page_size.addItem("US Letter", "letter")
        self.page_size.setCurrentIndex(max(self.page_size.findData(style.page_size), 0))
        self.aggregate_only = QCheckBox("Participants: the sample's make-up only (no row per person)",
                                        checked=style.aggregate_only)
        self.show_rationale = QCheckBox("Alignment: print each theme's rationale", checked=style.show_rationale)
        self.show_subcodes = QCheckBox("Alignment: list sub-codes under each theme", checked=style.show_subcodes)
        self.tags = QLineEdit(", ".join(style.tags or ()), objectName="exportTags",
                              placeholderText="attributes to tag citations with, e.g. year, rural")
        self.labels = QLineEdit("; ".join(f"{k}={v}" for k, v in style.labels.items()), objectName="exportLabels",
                                placeholderText="e.g. rural=Rural background; year=Year of study")
        self.language = QLineEdit(style.language, objectName="exportLanguage",
                                  placeholderText=f"proofing language (default: {style.lang})")
        self.author = QLineEdit(style.author, objectName="exportAuthor",
                                placeholderText="the document's author (optional)")
        self.remember = QCheckBox("Remember these settings in the project", checked=not self.project.read_only,
                                  objectName="exportRemember")
        self.remember.setEnabled(not self.project.read_only)
        form.addRow("&Citations:", self.citation)
        form.addRow("ID prefix:", self.prefix)
        form.addRow("Citation tags:", self.tags)
        form.addRow("Attribute labels:", self.labels)
        form.addRow("&Table style:", self.table_style)
        form.addRow("Page si&ze:", self.page_size)
        form.addRow("Language:", self.language)
        form.addRow("Author:", self.author)
        form.addRow("", self.aggregate_only)
        form.addRow("", self.show_rationale)
        form.addRow("", self.show_subcodes)
        form.addRow("", self.remember)

    def style(self) -> ReportStyle:
        tags = tuple(t.strip() for t in self.tags.text().split(",") if t.strip())
        labels = {}
        for pair in self.labels.text().split(";"):
            name, sep, label = pair.partition("=")
            if sep and name.strip() and label.strip():
                labels[name.strip()] = label.strip()
        known = {a.name.casefold(): a.name for a in self.project.attributes()}
        tags = tuple(known[t.casefold()] for t in tags if t.casefold() in known)  # unknown names dropped
        return replace(self.remembered.with_changes(
            citation=self.citation.currentData(), prefix=self.prefix.text().strip(),
            language=self.language.text().strip(), labels=labels,
            table_style=self.table_style.currentData(), page_size=self.page_size.currentData(),
            author=self.author.text().strip(), aggregate_only=self.aggregate_only.isChecked(),
            show_rationale=self.show_rationale.isChecked(), show_subcodes=self.show_subcodes.isChecked()),
            tags=tags or None)

    def report_key(self) -> str:
        return self.report.currentData()

    def format_key(self) -> str:
        return self.format.currentData()

    def _default_path(self) -> str:
        stem = f"{self.project.path.stem} {REPORT_TITLES[self.report_key()].lower()}"
        return str(self.project.path.with_name(f"{stem}.{self.format_key()}"))

    def _update(self) -> None:
        key = self.report_key()
        self.description.setText(REPORT_DESCRIPTIONS[key].capitalize() + ".")
        self._default_codes()
        self._summarise()
        self.filters.setEnabled(key in FILTERABLE)
        self.exemplars.setEnabled(key == "excerpts")  # the tables count codings: no exemplar filter
        self.codes.setEnabled(key != "participants")
        self.with_children.setEnabled(key != "participants")
        self.other_codes.setEnabled(key == "excerpts" and self.format_key() == "docx")
        self.times.setEnabled(key == "excerpts")
        self.examples.setEnabled(key == "codebook" and self.format_key() == "docx")
        self.framework.setEnabled(key == "alignment")
        self.format.setEnabled(key not in WORD_ONLY)
        if key in WORD_ONLY and self.format_key() != "docx":
            self.format.setCurrentIndex(self.format.findData("docx"))
            return  # _update runs again for the format change
        self.aggregate_only.setEnabled(key == "participants")
        self.show_rationale.setEnabled(key == "alignment")
        self.show_subcodes.setEnabled(key == "alignment")
        current = self.path_edit.text()
        if not current or Path(current).stem.startswith(self.project.path.stem):
            self.path_edit.setText(self._default_path())

    def _browse(self) -> None:
        fmt = self.format_key()
        label = "Word documents (*.docx)" if fmt == "docx" else "CSV files (*.csv)"
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(), label)
        if path:
            self.path_edit.setText(path if path.lower().endswith(f".{fmt}") else f"{path}.{fmt}")

    def _accept(self) -> None:
        if not self.path_edit.text().strip():
            show_error(self, "Choose where to save the export.")
            return
        self.accept()

    def path(self) -> Path:
        path = Path(self.path_edit.text().strip())
        return path if path.suffix.lower() == f".{self.format_key()}" else path.with_name(
            f"{path.name}.{self.format_key()}")

    def options(self) -> ReportOptions:
        key = self.report_key()
        selection = ReportSelection()
        if key in FILTERABLE:
            selection = ReportSelection(code_paths=tuple(_checked(self.codes)) if key != "participants" else (),
                                        with_children=self.with_children.isChecked(),
                                        participants=tuple(_checked(self.participants)),
                                        coders=tuple(_checked(self.coders)),
                                        exemplars_only=self.exemplars.isChecked() and key == "excerpts")
        return ReportOptions(selection=selection, other_codes=self.other_codes.isChecked(),
                             examples=self.examples.value(), framework=self.framework.currentData(),
                             style=self.style(), deidentified=self.deidentified.isChecked(),
                             coder_names=self.coder_names.currentData(),
                             times=self.times.isChecked() if key == "excerpts" else None)


def run_export(parent, project, report: str, fmt: str, out: Path, options: ReportOptions) -> int | None:
    """Write the export with a cancellable progress dialog; returns the item count or None."""
    progress = QProgressDialog(f"Writing {out.name}…", "Cancel", 0, 100, parent)
    progress.setObjectName("exportProgress")
    progress.setWindowTitle("Export")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def report_progress(done: int, total: int) -> bool:
        progress.setMaximum(max(total, 1))
        progress.setValue(min(done, max(total, 1)))
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        n = export_report(project, report, fmt, out, options, report_progress)
    except EmptyReportError as e:
        progress.close()
        show_info(parent, "Nothing to export", f"{str(e)[0].upper()}{str(e)[1:]}.")
        return None
    except CancelledError:
        progress.close()
        show_info(parent, "Export cancelled", "The export was cancelled; no file was written.")
        return None
    except (NpmdeskError, OSError) as e:
        progress.close()
        show_error(parent, f"The export was not written.\n\n{e}", "Export failed")
        return None
    progress.close()
    return n


def export_interactively(w) -> None:
    code_id = w.code_tree.current_code()
    dialog = ExportDialog(w, w.project, w.project.code(code_id) if code_id is not None else None)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    out = dialog.path()
    style = dialog.style()
    if dialog.remember.isChecked() and style != dialog.remembered:
        w.run("Report settings", lambda: set_report_style(w.project, style))
    n = run_export(w, w.project, dialog.report_key(), dialog.format_key(), out, dialog.options())
    if n is not None:
        items = plural(n, ITEM_WORDS.get(dialog.report_key(), "item"))
        w.statusBar().showMessage(f"Exported {REPORT_TITLES[dialog.report_key()].lower()} ({items}) to {out}", 10000)
        show_info(w, "Export finished", f"Wrote {out.name} ({items}"
                  + (", de-identified" if dialog.deidentified.isChecked() else "") + ").", str(out))


def _checklist(name: str, items: list[tuple[str, str]]) -> QListWidget:
    lst = QListWidget(objectName=name)
    for label, data in items:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setToolTip(data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        lst.addItem(item)
    lst.setMaximumHeight(110)
    return lst


def _checked(lst: QListWidget) -> list[str]:
    return [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())
            if lst.item(i).checkState() == Qt.CheckState.Checked]


def _depth(path: str) -> int:
    from npmdesk.core.model import split_path

    return len(split_path(path)) - 1
