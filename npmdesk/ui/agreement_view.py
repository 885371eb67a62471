"""The intercoder agreement view: the table per code and pooled, the methods sentence, and the
list of disagreements with Accept A / Accept B / Both / Neither / Edit.

Computing reads only; every resolution goes through `window.run` (one undoable step) and writes
codings of the consensus coder (store/reconcile.py), so both coders' own codings stay.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from npmdesk.core.agreement_units import UNITS
from npmdesk.core.errors import NpmdeskError
from npmdesk.formats.agreement_report import fmt, methods_sentence
from npmdesk.store.agreement import compute_agreement
from npmdesk.store.reconcile import CHOICE_LABELS, DEFAULT_CONSENSUS, KIND_LABELS, disagreements, reconcile

COLUMNS = ["Code", "Both", "Only A", "Only B", "Neither", "Percent", "κ", "α", "AC1", "B–P"]
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


class AgreementView(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("agreementView")
        self.main_window = window  # not `self.window`: that would hide QWidget.window()
        self.result = None
        self.coder_a, self.coder_b = QComboBox(self), QComboBox(self)
        self.coder_a.setObjectName("agreementCoderA")
        self.coder_b.setObjectName("agreementCoderB")
        self.unit = QComboBox(self)
        self.unit.setObjectName("agreementUnit")
        self.unit.addItems(UNITS)
        self.overlap = QDoubleSpinBox(self)
        self.overlap.setRange(0.05, 1.0)
        self.overlap.setSingleStep(0.05)
        self.overlap.setValue(0.8)
        self.overlap.setToolTip("Segment unit: the share of their characters two passages must share to agree")
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.setObjectName("agreementCompute")
        self.export_button = QPushButton("Export table…", self)
        top = QHBoxLayout()
        for label, widget in (("A:", self.coder_a), ("B:", self.coder_b), ("Unit:", self.unit),
                              ("Overlap:", self.overlap)):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addWidget(self.compute_button)
        top.addWidget(self.export_button)
        top.addStretch(1)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("agreementTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sentence = QLabel(self)
        self.sentence.setObjectName("agreementSentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QTreeWidget(self)
        self.list.setObjectName("disagreementList")
        self.list.setHeaderLabels(["#", "Document", "Code", "Passage", "Difference", "Status"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAlternatingRowColors(True)
        self.pending = QLabel(self)
        self.pending.setObjectName("disagreementsPending")
        self.consensus = QLineEdit(DEFAULT_CONSENSUS, self)
        self.consensus.setObjectName("consensusName")
        self.consensus.setMaximumWidth(160)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Resolve as", self))
        buttons.addWidget(self.consensus)
        self.choice_buttons = {}
        for choice, label in CHOICE_LABELS.items():
            b = QPushButton(label, self)
            b.setObjectName(f"reconcile_{choice}")
            b.clicked.connect(lambda *_, c=choice: self.resolve(c))
            buttons.addWidget(b)
            self.choice_buttons[choice] = b
        self.choice_buttons["edit"].setToolTip("Write the passage selected in the transcript as the consensus")
        buttons.addStretch(1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.pending)
        lower_layout.addWidget(self.list, 1)
        lower_layout.addLayout(buttons)
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addWidget(self.sentence)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([300, 220])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.compute_button.clicked.connect(self.compute)
        self.export_button.clicked.connect(self.export)
        self.list.itemActivated.connect(self._jump)
        self.list.itemDoubleClicked.connect(self._jump)
        self.load_coders()

    # Coders and computing ----------------------------------------------------------------------

    def load_coders(self) -> None:
        project = self.main_window.project
        names = [c["name"] for c in project.coders()] if project is not None else []
        for box, pick in ((self.coder_a, 0), (self.coder_b, 1)):
            current = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            if current in names:
                box.setCurrentText(current)
            elif len(names) > pick:
                box.setCurrentIndex(pick)
            box.blockSignals(False)

    def coders(self) -> tuple[str, str]:
        return self.coder_a.currentText(), self.coder_b.currentText()

    def compute(self) -> bool:
        project = self.main_window.project
        if project is None:
            return False
        a, b = self.coders()
        try:
            self.result = compute_agreement(project, [a, b], unit=self.unit.currentText(),
                                            overlap=round(self.overlap.value(), 2))
            items = disagreements(project, a, b, consensus=self.consensus.text().strip() or DEFAULT_CONSENSUS)
        except NpmdeskError as e:
            self.result = None
            self.table.setRowCount(0)
            self.list.clear()
            self.sentence.setText(str(e))
            return False
        self._fill_table()
        self._fill_list(items)
        return True

    def _fill_table(self) -> None:
        rows = self.result.rows(per_document=True)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            t, v = r.table, r.values
            label = r.code if r.scope == "code" else f"Document: {r.document}" if r.scope == "document" \
                else "All codes (pooled)"
            cells = [label, t.both, t.only_a, t.only_b, t.neither, fmt(v["percent"], 1), fmt(v["kappa"]),
                     fmt(v["alpha"]), fmt(v["ac1"]), fmt(v["bp"])]
            for j, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r.scope == "pooled":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                elif r.scope == "document":
                    item.setForeground(QBrush(QColor("#555555")))
                self.table.setItem(i, j, item)
        self.sentence.setText(methods_sentence(self.result))

    def _fill_list(self, items) -> None:
        self.list.clear()
        rows = []
        for d in items:
            item = QTreeWidgetItem([str(d.number), d.document, d.code, f"{d.start}–{d.end}", KIND_LABELS[d.kind],
                                    "resolved" if d.resolved else "pending"])
            item.setData(0, ITEM_ROLE, (d.number, d.document_id, d.start, d.end))
            if d.resolved:
                for col in range(6):
                    item.setForeground(col, QBrush(QColor("#777777")))
            rows.append(item)
        self.list.addTopLevelItems(rows)
        pending = sum(not d.resolved for d in items)
        self.pending.setText(f"<b>Disagreements</b>: {len(items)}, {pending} pending — double-click one to see it "
                             "in the transcript; resolve the selected ones below (written as the consensus coder)")
        for col in range(6):
            self.list.resizeColumnToContents(col)

    def _jump(self, item, _column=0) -> None:
        _n, doc, start, end = item.data(0, ITEM_ROLE)
        self.main_window.jump_to(doc, start, end)

    # Reconciling -------------------------------------------------------------------------------

    def selected_numbers(self) -> list[int]:
        return [it.data(0, ITEM_ROLE)[0] for it in self.list.selectedItems()]

    def resolve(self, choice: str, numbers: list[int] | None = None) -> bool:
        project = self.main_window.project
        numbers = numbers if numbers is not None else self.selected_numbers()
        if project is None or not numbers:
            return False
        span = None
        if choice == "edit":
            span = self.main_window.transcript.selected_span()
            docs = {it.data(0, ITEM_ROLE)[1] for it in self.list.selectedItems()}
            if span is None or len(numbers) != 1 or docs != {self.main_window.current_document}:
                self.main_window.report_error(NpmdeskError("Edit: select one disagreement, then the passage the "
                                                      "consensus should code in the transcript"))
                return False
        a, b = self.coders()
        name = self.consensus.text().strip() or DEFAULT_CONSENSUS
        outcome = self.main_window.run(
            f"Reconcile {len(numbers)} disagreement(s): {CHOICE_LABELS[choice]}",
            lambda: reconcile(project, a, b, numbers, choice, consensus=name, span=span))
        if outcome.ok:
            self.load_coders()
            self.compute()
        return outcome.ok

    # Export ------------------------------------------------------------------------------------

    def export(self) -> None:
        if self.result is None and not self.compute():
            return
        default = str(self.main_window.project.path.with_name(self.main_window.project.path.stem + "-agreement.docx"))
        path, chosen = QFileDialog.getSaveFileName(self, "Export the agreement table", default,
                                                   "Word document (*.docx);;CSV (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        from npmdesk.formats.agreement_report import export_agreement_csv, export_agreement_docx

        writer = export_agreement_csv if path.lower().endswith(".csv") else export_agreement_docx
        try:
            writer(self.result, path)
        except NpmdeskError as e:
            self.main_window.report_error(e)
            return False
        self.main_window.statusBar().showMessage(f"Wrote the agreement table to {path}", 8000)
        return True
