"""Edit mode for the transcript: Edit > Edit transcript text (Ctrl+Shift+T) toggles it.

The viewer stays read-only by default. In edit mode its border and a status-bar banner turn
amber, and every change typed, deleted, pasted or cut is turned into one store edit
(Project.edit_text: codings, turns and participant links follow in the same transaction) run
through MainWindow.run, so it is undoable; consecutive typing merges into one undo step. The
QPlainTextEdit never changes its own text: keys are read here, and after the store has committed
the viewer brings itself up to the stored text in place (TranscriptView._refresh: the edited range
of its document, the coding index and paragraph maps move; undo and redo the same way), so what is
shown is always what is stored. Relabel speaker… renames a speaker in every turn of the transcript
on show.
"""

from __future__ import annotations

import sqlite3
import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel

EDIT_STYLE = "QPlainTextEdit#transcriptView { border: 3px solid #d9822b; }"
_NAVIGATION = {
    Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End,
    Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt,
    Qt.Key.Key_Meta, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape,
}
# Keys the view handles itself; every other key with Ctrl, Alt or Meta is the window's (Undo,
# Redo, Ctrl+Shift+T to stop editing, the menus' Alt keys), never swallowed by edit mode.
_PASS_THROUGH = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.SelectAll)
_BURST_SECONDS = 2.0  # typing at one place within this long of the last key is one undo step


def ask_relabel(w, speakers: list[str]) -> tuple[str, str] | None:
    """Which speaker, and their new label (None: cancelled). Replaced in tests."""
    old, ok = QInputDialog.getItem(w, "Relabel speaker", "Speaker:", speakers, 0, False)
    if not ok:
        return None
    new, ok = QInputDialog.getText(w, "Relabel speaker", f"New label for {old}:", text=old)
    return (old, new) if ok else None


def confirm_join(w, old: str, new: str) -> bool:
    """Relabelling a speaker as another speaker of the transcript joins the two: ask first.
    Replaced in tests."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        w, "Relabel speaker",
        f"“{new}” already speaks in this transcript. Relabelling {old} as {new} makes every turn of "
        f"{old} a turn of {new}, and their coded passages are then credited to {new}'s participant "
        "(if any). Undo takes it back.\n\nJoin the two speakers?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


class TranscriptEditor(QObject):
    """Owns edit mode for the window's transcript view."""

    def __init__(self, w):
        super().__init__(w)
        self.w = w
        self.view = w.transcript
        self.editing = False
        # Short enough to show whole beside the path and counts at 1366 px.
        self.banner = QLabel("  Editing transcript text — saved as you type, undoable · Ctrl+Shift+T stops  ")
        self.banner.setObjectName("editModeBanner")
        self.banner.setStyleSheet("QLabel#editModeBanner { background: #d9822b; color: black; font-weight: bold; }")
        self.banner.setVisible(False)
        w.statusBar().addPermanentWidget(self.banner)  # a status message never hides it
        self._cursor_after: int | None = None
        self.last_result = None
        # The typing burst going on: (document, kind, where the next key continues it, when,
        # the undo index after it, its number); one undo step per burst.
        self._burst: tuple | None = None
        self._bursts = 0
        self.view.installEventFilter(self)
        w.projectChanged.connect(self._after_change)

    # The mode ------------------------------------------------------------------------------------

    def set_editing(self, on: bool) -> None:
        on = bool(on) and self.w.project is not None and not self.w.project.read_only \
            and self.view.document_id is not None
        self.editing = on
        view = self.view
        view.setReadOnly(not on)
        view.setUndoRedoEnabled(False)  # undo is the window's: the store's exact steps
        if on:
            view.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        else:
            view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        view.setStyleSheet(EDIT_STYLE if on else "")
        view.setAccessibleName("Transcript (editing)" if on else "Transcript")
        view.paste_text = self._paste if on else None  # every paste Qt makes comes here
        self._burst = None
        self.banner.setVisible(on)
        action = self.w.actions.get("edit_text")
        if action is not None and action.isChecked() != on:
            action.setChecked(on)
        if on:
            view.setFocus()

    def toggle(self) -> None:
        if not self.editing and self.view.document_id is None:
            self.w.statusBar().showMessage("Open a transcript first, then Edit > Edit transcript text", 5000)
            self.set_editing(False)
            return
        self.set_editing(not self.editing)

    # Edits -----------------------------------------------------------------------------------------

    def _cursor_span(self) -> tuple[int, int]:
        cur = self.view.textCursor()
        return self.view.positions.span_from_qt(cur.anchor(), cur.position())

    def replace(self, start: int, end: int, text: str, *, label: str = "Edit text", typing: bool = False) -> bool:
        """Replace [start, end) of the transcript on show with `text`: one undoable store edit."""
        doc = self.view.document_id
        p = self.w.project
        if doc is None or p is None or (start == end and not text):
            return False
        self._cursor_after = start + len(text)
        outcome = self.w.run(label, lambda: p.edit_text(doc, [(start, end, text)]),
                             merge_key=self._burst_key(doc, start, end, text) if typing else None)
        if typing and outcome.ok:
            kind, number = self._burst_kind(text, start, end), self._bursts
            self._burst = (doc, kind, start if not text else start + len(text), time.monotonic(),
                           self.w.undo_stack.index(), number)
        elif not typing:
            self._burst = None
        if outcome.ok:
            self.last_result = outcome.value
            if outcome.value is not None and outcome.value.removed:
                n = len(outcome.value.removed)
                self.w.statusBar().showMessage(
                    f"{n} coding{'s' * (n != 1)} removed: all of {'their' if n != 1 else 'its'} text was "
                    f"deleted (Undo brings {'them' if n != 1 else 'it'} back)", 8000)
        self._place_cursor()
        return bool(outcome.ok)

    @staticmethod
    def _burst_kind(text: str, start: int, end: int) -> str:
        return "type" if text else ("back" if end - start == 1 else "delete")

    def _burst_key(self, doc: int, start: int, end: int, text: str):
        """The undo step a typed key joins: the burst going on if the key continues it where it
        left off (typing on, Backspace or Delete on from the same place), soon after the last,
        with nothing undone or done in between; else a new one."""
        b, kind = self._burst, self._burst_kind(text, start, end)
        continues = b is not None and b[0] == doc and time.monotonic() - b[3] < _BURST_SECONDS \
            and b[4] == self.w.undo_stack.index() and (
                (kind == "type" and b[1] == "type" and start == end == b[2])
                or (kind == "back" and b[1] == "back" and end == b[2])
                or (kind == "delete" and b[1] == "delete" and start == b[2]))
        if not continues:
            self._bursts += 1
        return ("type text", doc, self._bursts)

    def _paste(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            s, e = self._cursor_span()
            self.replace(s, e, text, label="Paste into the transcript")

    def relabel(self) -> None:
        doc = self.view.document_id
        p = self.w.project
        if doc is None or p is None:
            return
        speakers = [s.name for s in p.speakers(doc)]
        if not speakers:
            self.w.statusBar().showMessage("This transcript has no speaker turns to relabel", 5000)
            return
        answer = ask_relabel(self.w, speakers)
        if answer is None:
            return
        old, new = answer
        if new.strip() != old and new.strip() in speakers and not confirm_join(self.w, old, new.strip()):
            return
        self._cursor_after = None
        self.w.run(f"Relabel speaker {old} as {new.strip()}", lambda: p.relabel_speaker(doc, old, new))

    def _place_cursor(self) -> None:
        if self._cursor_after is None or self.view.positions is None:
            return
        cp = min(self._cursor_after, self.view.positions.length)
        cur = QTextCursor(self.view.document())
        cur.setPosition(self.view.positions.to_qt(cp))
        self.view.setTextCursor(cur)
        self.view.ensureCursorVisible()

    def _after_change(self, changes) -> None:
        if self.editing and (self.view.document_id is None or self.w.project is None):
            self.set_editing(False)

    # Keys --------------------------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if not self.editing or obj is not self.view:
            return False
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if self._passes(event):
                return False
            if self._edits(event):
                event.accept()  # an editing key: it is ours, not a menu shortcut's (Delete, digits)
            else:
                event.ignore()  # the window's: Undo, Redo, Ctrl+Shift+T, a menu's Alt key
            return True
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._passes(event):
                return False
            self._key(event)
            return True
        if kind == QEvent.Type.InputMethod:
            text = event.commitString()
            if text:
                s, e = self._cursor_span()
                self.replace(s, e, text, typing=True)
            return True
        return False

    def _passes(self, event: QKeyEvent) -> bool:
        """Keys the view handles itself: moving, selecting, copying."""
        if event.key() in _NAVIGATION:
            return True
        return any(event.matches(k) for k in _PASS_THROUGH)

    @staticmethod
    def _edits(event: QKeyEvent) -> bool:
        """A key that changes the text (typed, Backspace, Delete, Return, Paste, Cut)."""
        if event.matches(QKeySequence.StandardKey.Paste) or event.matches(QKeySequence.StandardKey.Cut):
            return True
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                            | Qt.KeyboardModifier.MetaModifier)
        mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        return bool(event.text()) and event.text().isprintable() and not mods

    def _key(self, event: QKeyEvent) -> None:
        s, e = self._cursor_span()
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Paste):
            self._paste(QGuiApplication.clipboard().text())
            return
        if event.matches(QKeySequence.StandardKey.Cut):
            if e > s:
                QGuiApplication.clipboard().setText(self.w.project.document_text(self.view.document_id)[s:e])
                self.replace(s, e, "", label="Cut from the transcript")
            return
        if key == Qt.Key.Key_Backspace:
            if e > s:
                self.replace(s, e, "", label="Delete text")
            elif s > 0:
                self.replace(s - 1, s, "", label="Delete text", typing=True)
            return
        if key == Qt.Key.Key_Delete:
            if e > s:
                self.replace(s, e, "", label="Delete text")
            elif s < self.view.positions.length:
                self.replace(s, s + 1, "", label="Delete text", typing=True)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.replace(s, e, "\n", label="Type text", typing=True)
            return
        text = event.text()
        mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        if text and text.isprintable() and not mods:
            self.replace(s, e, text, label="Type text", typing=True)  # over a selection: its burst begins
        # anything else (Ctrl+K, Ctrl+Delete, ...) would change the text behind the store's back: ignored


def ask_copy_path(w) -> str:
    """Where to save the de-identified copy ('' : cancelled). Replaced in tests."""
    from npmdesk import PROJECT_SUFFIX

    suggested = w.project.path.with_name(f"{w.project.path.stem} de-identified{PROJECT_SUFFIX}")
    path, _ = QFileDialog.getSaveFileName(w, "Save a de-identified copy", str(suggested),
                                          f"npmdesk projects (*{PROJECT_SUFFIX})")
    return path


def save_deidentified(w) -> None:
    """File > Save a de-identified copy…: a new project file; the open one is not changed."""
    from npmdesk.core.errors import NpmdeskError
    from npmdesk.store.deidentified_copy import save_deidentified_copy
    from npmdesk.ui import dialogs

    if w.project is None:
        return
    path = ask_copy_path(w)
    if not path:
        return
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        report = save_deidentified_copy(w.project, path)
    except (NpmdeskError, OSError, sqlite3.Error) as e:
        dialogs.show_error(w, f"No de-identified copy was saved.\n\n{e}", "Save a de-identified copy")
        return
    finally:
        QGuiApplication.restoreOverrideCursor()
    w.statusBar().showMessage(f"Saved a de-identified copy as {report.path}: {report.summary()}", 10000)


def install_transcript_edit(w) -> TranscriptEditor:
    """Edit > Edit transcript text (checkable), Edit > Relabel speaker…, File > Save a de-identified copy…."""
    editor = TranscriptEditor(w)
    deid = w.add_action("File", "Save a de-&identified copy…", lambda: save_deidentified(w))
    deid.setObjectName("saveDeidentifiedCopyAction")
    w.actions["save_deidentified"] = deid
    save_as = w.actions.get("save_copy")
    if save_as is not None:  # beside Save a copy…
        w.menus["File"].removeAction(deid)
        actions = w.menus["File"].actions()
        at = actions.index(save_as) + 1
        w.menus["File"].insertAction(actions[at] if at < len(actions) else None, deid)
    menu = w.menus["Edit"]
    menu.addSeparator()
    toggle = w.add_action("Edit", "Edit &transcript text", editor.toggle, "Ctrl+Shift+T")
    toggle.setCheckable(True)
    toggle.setObjectName("editTranscriptAction")
    w.actions["edit_text"] = toggle
    relabel = w.add_action("Edit", "Re&label speaker…", editor.relabel)
    relabel.setObjectName("relabelSpeakerAction")
    w.actions["relabel_speaker"] = relabel
    return editor
