"""Participants and speakers: who the participants are (with attributes), which participant each
document belongs to, which participant each speaker label stands for — so that a focus group's
turns count for the right people in every matrix and report — and each document's recording
(linked, unlinked, or missing from where it was linked).

Edits are saved as they are made, each one undoable step of the window's `run` (Ctrl+Z in the
window undoes them one by one); every view follows through the window's change signal."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from npmdesk import settings
from npmdesk.core.model import ATTRIBUTE_TYPES, DOCUMENT_KINDS
from npmdesk.formats.participants_csv import import_participants
from npmdesk.ui.dialogs import ask_text, show_error, show_info
from npmdesk.ui.media_links import link_recording_to, recording_status, unlink_recording_from

NOT_A_PARTICIPANT = "(not a participant)"
RECORDING = 3  # the documents table's column


class ParticipantsDialog(QDialog):
    def __init__(self, parent, project, run):
        super().__init__(parent)
        self.run = run  # the window's one entry point: every edit is an undoable step
        self.setObjectName("participantsDialog")
        self.setWindowTitle("Participants and speakers")
        self.resize(820, 520)
        self.project = project
        self.changed = False
        tabs = QTabWidget(self)
        tabs.addTab(self._participants_tab(), "&Participants")
        tabs.addTab(self._documents_tab(), "&Documents and speakers")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(QLabel("Changes are saved as you make them."))
        layout.addWidget(buttons)
        self.fill_participants()
        self.fill_documents()

    # Participants ---------------------------------------------------------------------------------

    def _participants_tab(self) -> QWidget:
        page = QWidget()
        self.table = QTableWidget()
        self.table.setObjectName("participantsTable")
        self.table.itemChanged.connect(self._cell_edited)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        row = QHBoxLayout()
        for text, slot in (("&Add participant…", self.add_participant),
                           ("&Delete participant", self.delete_participant),
                           ("Add a&ttribute…", self.add_attribute), ("&Import from CSV…", self.import_csv)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.table)
        layout.addLayout(row)
        return page

    def fill_participants(self) -> None:
        self._filling = True
        cases = self.project.cases()
        attrs = self.project.attributes()
        self.table.clear()
        self.table.setColumnCount(1 + len(attrs))
        self.table.setHorizontalHeaderLabels(["Participant"] + [f"{a.name} ({a.type})" for a in attrs])
        self.table.setRowCount(len(cases))
        for i, case in enumerate(cases):
            name = QTableWidgetItem(case.name)
            name.setData(Qt.ItemDataRole.UserRole, case.id)
            self.table.setItem(i, 0, name)
            for j, a in enumerate(attrs, 1):
                value = case.attributes.get(a.name)
                text = "" if value is None else ("yes" if value is True else "no" if value is False else str(value))
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.name)
                self.table.setItem(i, j, item)
        self._filling = False

    def _cell_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        first = self.table.item(item.row(), 0)
        assert first is not None  # every row starts with its participant's cell
        case_id = first.data(Qt.ItemDataRole.UserRole)
        p, text = self.project, item.text()
        if item.column() == 0:
            self._try(lambda: p.rename_case(case_id, text), "Rename participant")
        else:
            name = item.data(Qt.ItemDataRole.UserRole)
            self._try(lambda: p.set_case_attribute(case_id, name, text), f"Set {name}")

    def _selected_case(self) -> int | None:
        row = self.table.currentRow()
        if row < 0:
            return None
        first = self.table.item(row, 0)
        assert first is not None  # every row starts with its participant's cell
        return first.data(Qt.ItemDataRole.UserRole)

    def add_participant(self) -> None:
        name = ask_text(self, "Add participant", "Participant ID (e.g. NPM-7):")
        if name:
            self._try(lambda: self.project.add_case(name), f"Add participant {name}")

    def delete_participant(self) -> None:
        case_id = self._selected_case()
        if case_id is not None:
            self._try(lambda: self.project.delete_case(case_id), "Delete participant")

    def add_attribute(self) -> None:
        name = ask_text(self, "Add attribute", "Attribute name (e.g. year, background, rural):")
        if not name:
            return
        from PySide6.QtWidgets import QInputDialog

        type_, ok = QInputDialog.getItem(self, "Add attribute", f"Type of “{name}”:", list(ATTRIBUTE_TYPES), 0, False)
        if ok:
            self._try(lambda: self.project.add_attribute(name, type_), f"Add attribute {name}")

    def import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import participants", settings.last_folder(),
                                              "Spreadsheets saved as CSV (*.csv *.tsv *.txt);;All files (*)")
        if not path:
            return
        project, failures = self.project, list[Exception]()
        outcome = self.run(f"Import participants from {Path(path).name}",
                           lambda: import_participants(project, path), on_error=failures.append)
        report = outcome.value if outcome.ok else None
        if report is None:
            show_error(self, f"Nothing was imported.\n\n{failures[0] if failures else ''}", "Import refused")
            return
        self.changed = True
        self.fill_participants()
        self.fill_documents()
        types = ", ".join(f"{n} ({t})" for n, t in report.attributes.items())
        links = [f"document {d} → {c}" for d, c in report.linked_documents]
        links += [f"speaker {sp} in {d} → {sp}" for d, sp in report.linked_speakers]
        show_info(self, "Participants imported",
                  f"{len(report.created)} new and {len(report.updated)} updated participant(s); "
                  f"attributes: {types or 'none'}; encoding {report.encoding}. "
                  f"{len(links)} document(s) and speaker(s) linked by participant ID.", "\n".join(links))

    # Documents and speakers -----------------------------------------------------------------------

    def _documents_tab(self) -> QWidget:
        page = QWidget()
        self.docs = QTableWidget()
        self.docs.setObjectName("documentsTable")
        self.docs.setColumnCount(4)
        self.docs.setHorizontalHeaderLabels(["Document", "Kind", "Participant", "Recording"])
        self.docs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, RECORDING):
            self.docs.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.docs.currentCellChanged.connect(lambda *_: self.fill_speakers())
        self.docs.currentCellChanged.connect(lambda *_: self._update_recording_buttons())
        recording = QHBoxLayout()
        self.link_button = QPushButton("&Link a recording…")
        self.link_button.setObjectName("participantsLinkRecording")
        self.link_button.setToolTip("Link an audio or video file to the selected document (its path, hash and "
                                    "length are stored, never the file)")
        self.link_button.clicked.connect(self.link_recording)
        self.unlink_button = QPushButton("&Unlink recording")
        self.unlink_button.setObjectName("participantsUnlinkRecording")
        self.unlink_button.clicked.connect(self.unlink_recording)
        recording.addWidget(self.link_button)
        recording.addWidget(self.unlink_button)
        recording.addStretch(1)
        self.speakers = QTableWidget()
        self.speakers.setObjectName("speakersTable")
        self.speakers.setColumnCount(2)
        self.speakers.setHorizontalHeaderLabels(["Speaker label", "Is participant"])
        self.speakers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.speakers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(page)
        layout.addWidget(self.docs, 3)
        layout.addLayout(recording)
        layout.addWidget(QLabel("Speakers in the selected document (the interviewer is not a participant):"))
        layout.addWidget(self.speakers, 2)
        return page

    def _case_combo(self, current: int | None, empty: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(empty, None)
        for case in self.project.cases():
            combo.addItem(case.name, case.id)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        return combo

    def fill_documents(self) -> None:
        keep = self.docs.currentRow()
        docs = self.project.documents()
        self.docs.blockSignals(True)  # one speakers refill at the end, not one per row built
        self.docs.setRowCount(0)  # drops the old rows' cell widgets
        self.docs.setRowCount(len(docs))
        for i, doc in enumerate(docs):
            item = QTableWidgetItem(doc.name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setData(Qt.ItemDataRole.UserRole, doc.id)
            self.docs.setItem(i, 0, item)
            kind = QComboBox()
            kind.addItems(DOCUMENT_KINDS)
            kind.setCurrentText(doc.kind)
            # A document's kind or participant changes nothing else shown here: no rebuild, so the
            # row (and the speakers below it) stay as they are.
            kind.currentTextChanged.connect(
                lambda k, d=doc.id: self._try(lambda: self.project.set_document_kind(d, k), "Set document kind",
                                              refill=False))
            self.docs.setCellWidget(i, 1, kind)
            case = self._case_combo(doc.case_id, "(none)")
            case.currentIndexChanged.connect(
                lambda _, d=doc.id, c=case: self._try(partial(self.project.set_document_case, d, c.currentData()),
                                                      "Set document's participant", refill=False))
            self.docs.setCellWidget(i, 2, case)
            self.docs.setItem(i, RECORDING, self._recording_item(doc.id))
        if docs:
            self.docs.setCurrentCell(min(max(keep, 0), len(docs) - 1), 0)
        self.docs.blockSignals(False)
        self.fill_speakers()
        self._update_recording_buttons()

    def _recording_item(self, doc_id: int) -> QTableWidgetItem:
        status, found = recording_status(self.project, doc_id)
        item = QTableWidgetItem(status if found is not None else "—")
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        item.setData(Qt.ItemDataRole.UserRole, found)
        link = self.project.media_link(doc_id)
        if link is None:
            item.setToolTip("No recording linked: Link a recording… below")
        elif found:
            item.setToolTip(str(link.path_from(self.project.path)))
        else:
            item.setForeground(Qt.GlobalColor.red)  # as the import preview marks a refused file
            item.setToolTip(f"Not found at {link.path_from(self.project.path)}: opening the transcript looks "
                            "for it by name and hash nearby; or link it again.")
        return item

    def _selected_document(self) -> int | None:
        row = self.docs.currentRow()
        item = self.docs.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_recording_buttons(self) -> None:
        doc = self._selected_document()
        writable = doc is not None and not self.project.read_only
        self.link_button.setEnabled(writable)
        self.unlink_button.setEnabled(writable and self.project.media_link(doc) is not None)

    def link_recording(self) -> None:
        doc = self._selected_document()
        if doc is not None and link_recording_to(self, self.project, self.run, doc,
                                                 on_error=lambda e: show_error(self, str(e))):
            self.changed = True
            self.fill_documents()

    def unlink_recording(self) -> None:
        doc = self._selected_document()
        if doc is not None and unlink_recording_from(self, self.project, self.run, doc):
            self.changed = True
            self.fill_documents()

    def fill_speakers(self) -> None:
        row = self.docs.currentRow()
        item = self.docs.item(row, 0) if row >= 0 else None
        if item is None:
            return  # focus moved into a cell's list: keep showing the document's speakers
        speakers = self.project.speakers(item.data(Qt.ItemDataRole.UserRole))
        self.speakers.setRowCount(0)
        self.speakers.setRowCount(len(speakers))
        for i, sp in enumerate(speakers):
            label = QTableWidgetItem(sp.name)
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.speakers.setItem(i, 0, label)
            combo = self._case_combo(sp.case_id, NOT_A_PARTICIPANT)
            combo.currentIndexChanged.connect(
                lambda _, s=sp, c=combo: self._try(
                    partial(self.project.link_speaker, s.document_id, s.name, c.currentData()),
                    f"Link speaker {s.name}", refill=False))
            self.speakers.setCellWidget(i, 1, combo)

    def _try(self, action, text: str = "Edit participants", refill: bool = True) -> None:
        self.changed |= self.run(text, action, on_error=lambda e: show_error(self, str(e))).ok
        if refill:  # later: the widget that sent the signal is replaced by the refill
            QTimer.singleShot(0, self._refill)

    def _refill(self) -> None:
        self.fill_participants()
        self.fill_documents()


def edit_participants(w) -> None:
    ParticipantsDialog(w, w.project, run=w.run).exec()
