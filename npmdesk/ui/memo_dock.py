"""The memo editor: project, document, code and coding memos, saved as you type.

Typing is saved after a short pause and whenever the target changes or the editor loses focus, so
nothing typed is lost; the editor's own Ctrl+Z undoes typing while it has the focus. Each save is a
step of the window's `run` with a merge key, so one editing burst (until the editor loses focus or
the target changes) is one step on the undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from npmdesk.core.errors import NpmdeskError

SAVE_DELAY_MS = 400


class MemoEditor(QPlainTextEdit):
    focusLost = Signal()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.focusLost.emit()
        super().focusOutEvent(event)


class MemoPanel(QWidget):
    """`set_targets({'project': (None, 'Project'), 'document': (id, name), ...})` names what each
    choice in the combo box edits; `saved(target, id)` is emitted after each save."""

    saved = Signal(str, object)
    failed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.project = None
        self.run = None  # the window's run(text, operation, merge_key=..., on_error=...)
        self._burst = 0
        self.targets: dict[str, tuple[int | None, str]] = {}
        self.current: tuple[str, int | None] | None = None
        self.choice = QComboBox(self)
        self.choice.setObjectName("memoTarget")
        self.choice.setAccessibleName("Memo about")
        self.editor = MemoEditor(self)
        self.editor.setObjectName("memoEditor")
        self.editor.setAccessibleName("Memo text")
        self.editor.setPlaceholderText("Write a memo; it is saved as you type.")
        self.editor.setMinimumHeight(48)  # three lines: the dock may be short on a 768-px laptop
        self.state = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.choice)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.state)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        self.editor.textChanged.connect(self._typed)
        self.editor.focusLost.connect(self._end_burst)
        self.choice.currentIndexChanged.connect(self._choose)
        self._loading = False
        self._dirty = False

    def set_project(self, project) -> None:
        self.save()
        self.project = project
        read_only = bool(project is not None and project.read_only)
        self.editor.setReadOnly(read_only)  # a read-only project is read here, never typed into
        self.editor.setPlaceholderText("This project is open read-only." if read_only
                                       else "Write a memo; it is saved as you type.")
        self.targets = {}
        self.current = None
        self.set_targets({"project": (None, "Project")} if project else {})

    def _end_burst(self) -> None:
        self.save()
        self._burst += 1

    def on_project_changed(self, changes) -> None:
        if changes.everything or changes.memos:
            self.reload()

    def set_targets(self, targets: dict[str, tuple[int | None, str]], prefer: str | None = None) -> None:
        self._end_burst()
        self.targets = dict(targets)
        keep = self.current[0] if self.current else None
        self.choice.blockSignals(True)
        self.choice.clear()
        for key, (_, label) in self.targets.items():
            self.choice.addItem(label, key)
        self.choice.blockSignals(False)
        want = prefer if prefer in self.targets else keep if keep in self.targets else next(iter(self.targets), None)
        if want is not None:
            self.choice.setCurrentIndex(list(self.targets).index(want))
        self._choose()

    def select_target(self, key: str) -> None:
        if key in self.targets:
            self.choice.setCurrentIndex(list(self.targets).index(key))

    def _choose(self, *_) -> None:
        self.save()
        if self._dirty and self.current is not None and self.current[0] in self.targets:
            # The memo could not be saved: stay on it rather than replace the unsaved text.
            self.choice.blockSignals(True)
            self.choice.setCurrentIndex(list(self.targets).index(self.current[0]))
            self.choice.blockSignals(False)
            return
        key = self.choice.currentData()
        if key is None or self.project is None:
            self.current = None
            self._load("")
            self.editor.setEnabled(False)
            return
        target_id = self.targets[key][0]
        self.current = (key, target_id)
        self.editor.setEnabled(True)
        self._load(self.project.memo(key, target_id))

    def reload(self) -> None:
        """Show the stored text again (after undo of a memo command or another change)."""
        if self.current and self.project and not self._dirty:
            self._load(self.project.memo(*self.current))

    def _load(self, text: str) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        self._dirty = False
        self.state.setText("")

    def _typed(self) -> None:
        if not self._loading and not self.editor.isReadOnly():
            self._dirty = True
            self.state.setText("Editing…")
            self.timer.start()

    def save(self) -> None:
        self.timer.stop()
        if not self._dirty or not self.current or self.project is None:
            return
        project, (target, target_id), text = self.project, self.current, self.editor.toPlainText()
        if self.run is None:
            return  # not in a window: nothing here may write to the project
        failures: list[BaseException] = []
        outcome = self.run(f"Edit {target} memo", lambda: project.set_memo(target, target_id, text),
                           merge_key=("memo", target, target_id, self._burst), on_error=failures.append)
        if not outcome.ok:
            self._not_saved(failures[0] if failures else NpmdeskError("the memo was not saved"))
            return
        self._dirty = False  # only once it is really in the file
        self.state.setText("Saved")
        self.saved.emit(*self.current)

    def _not_saved(self, error: BaseException) -> None:
        self.state.setText("Not saved — your text is kept here; it is saved again as you type")
        self.failed.emit(error)
