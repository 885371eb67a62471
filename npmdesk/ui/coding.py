"""CodingController: every coding and code-tree gesture, run as one undoable step (window.run).

Gestures: click or Enter on a code, a selection dropped on a code, keys 1–9 (recent codes), a new
name typed in the filter box, in-vivo coding, context menus on the transcript and on the tree.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QMenu

from npmdesk.core.model import split_path
from npmdesk.store.attribution import exemplar_warning
from npmdesk.ui.dialogs import DeleteCodeDialog, ask_memo, ask_text, choose_code
from npmdesk.ui.errors import nothing_to_do

IN_VIVO_MAX = 60


def in_vivo_name(text: str) -> str:
    """The participant's own words as a code name: one line, trimmed, without outer quotes."""
    name = " ".join(text.replace("\u2029", " ").split())
    name = name.strip(" \"'“”‘’.,;:!?…-—")
    if len(name) > IN_VIVO_MAX:
        name = name[:IN_VIVO_MAX].rsplit(" ", 1)[0] + "…"
    return name


class _EnterWatcher(QObject):
    """Notes Enter on the code tree, so that Enter (explicit) and a click (browsing) can be told apart."""

    def __init__(self, controller, parent):
        super().__init__(parent)
        self.controller = controller

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            self.controller._enter_pressed = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        elif event.type() == QEvent.Type.MouseButtonPress:
            self.controller._enter_pressed = False
        return False


class CodingController:
    def __init__(self, window):
        self.w = window
        t = window.transcript
        t.quickCode.connect(self.quick_code)
        t.contextMenuAt.connect(self.transcript_menu)
        tree = window.code_tree
        tree.activatedCode.connect(self.tree_activated)
        tree.spanDropped.connect(self.drop_span)
        tree.codeDropped.connect(self.drop_code)
        tree.deleteRequested.connect(self.delete_code)
        self._enter_pressed = False  # the next activation of a code came from Enter, not a click
        tree.installEventFilter(_EnterWatcher(self, tree))
        tree.setContextMenuPolicy(tree.contextMenuPolicy().CustomContextMenu)
        tree.customContextMenuRequested.connect(self.tree_menu)
        window.code_panel.model.renameRequested.connect(self.rename_code)
        window.code_panel.createRequested.connect(lambda name: self.new_code(name, as_path=True))

    @property
    def project(self):
        return self.w.project

    def _status(self, text: str) -> None:
        self.w.statusBar().showMessage(text, 5000)

    # Applying codes -------------------------------------------------------------------------------

    def apply_code(self, code_id: int, span: tuple[int, int] | None = None, doc_id: int | None = None,
                   explicit: bool = True) -> bool:
        """Code the span given, else the selection; an `explicit` gesture (number key, Enter,
        context menu, Apply) also codes a located passage (a jump or search hit), a click never."""
        if self.project is None:
            return False
        doc_id = doc_id if doc_id is not None else self.w.current_document
        t = self.w.transcript
        span = span or (t.coding_span() if explicit else t.selected_span())
        if doc_id is None or span is None:
            return False  # a click on a code without a selection only browses it
        code = self.w.catalog.get(code_id)
        p = self.project
        if code_id in p.non_codable_codes():  # a category groups codes; it is never applied itself
            self.w.statusBar().showMessage(f"“{code.name if code else code_id}” is a category and cannot be "
                                           "applied: code the passage with one of its codes.", 8000)
            return False
        ok = self.w.run(f"Code “{code.name}”" if code else "Apply code",
                        lambda: p.apply_coding(doc_id, code_id, *span), on_error=self._refused).ok
        if ok:
            self.w.remember_code(code_id)
            self.w.transcript.selection_coded = True
            self._status(f"Coded with “{code.path if code else code_id}”")
        return ok

    def _refused(self, exc: BaseException) -> None:
        """A coding refused: a passage that has the code already is a note (nothing to do), not an error."""
        note = nothing_to_do(exc)
        if note is None:
            self.w.report_error(exc)
        else:
            self.w.statusBar().showMessage(note, 8000)

    def tree_activated(self, code_id: int) -> None:
        """A click (or Enter) on a code codes the selection only if it was made since the last
        coding: clicking a code later, to browse or align it, never codes an old passage again.
        Number keys, the context menu and dragging code the visible selection as it is."""
        t = self.w.transcript
        if t.selected_span() is not None and t.selection_coded:
            self._status("That selection is already coded; select text again to code it with this code too "
                         "(or press the code's number key).")
            return
        typed = self.w.code_panel.filter.hasFocus()
        by_key, self._enter_pressed = self._enter_pressed, False
        if t.selected_span() is None and t.located is not None and not (by_key or typed):
            self._status("The found passage is only shown, not selected: press Enter on the code, a number "
                         "key, or right-click > Code selection with… to code it (or select text).")
            return
        if self.apply_code(code_id, explicit=by_key or typed) and typed:
            self.w.transcript.setFocus()  # so that Ctrl+Z undoes the coding, not the typing

    def drop_span(self, code_id: int, doc_id: int, start: int, end: int) -> None:
        self.apply_code(code_id, (start, end), doc_id)

    def quick_code(self, n: int) -> None:
        if 1 <= n <= len(self.w.recent_codes) and self.w.recent_codes[n - 1] is not None:
            code_id = self.w.recent_codes[n - 1]
            if self.project is not None and (self.w.current_document is None
                                             or self.w.transcript.coding_span() is None):
                code = self.w.catalog.get(code_id)
                self._status(f"Select the words to code first, then press {n} for "
                             f"“{code.path if code else code_id}”.")
                return
            self.apply_code(code_id)
        else:
            self._status(f"No recent code {n} yet: apply a code once and it gets a number key.")

    def new_code(self, name: str | None = None, parent_id: int | None = None, as_path: bool = False) -> int | None:
        """Create a code (asking its name if not given) and apply it to the selection, if any.

        With `as_path` (a name typed in the filter box), "Theme/Code" means Code under Theme, as on
        the command line; missing levels are created in the same undo step."""
        if self.project is None:
            return None
        if name is None:
            name = ask_text(self.w, "New code", "Name of the new code:")
            if not name:
                return None
        parts = [name]
        if as_path and "/" in name.replace("//", ""):
            try:
                parts = split_path(name)
            except ValueError as e:
                self._status(str(e))
                return None
        span = self.w.transcript.selected_span()
        doc_id = self.w.current_document
        p, catalog = self.project, self.w.catalog

        def create() -> int:
            code_id = parent_id
            for i, part in enumerate(parts):
                existing = catalog.child_named(code_id, part)
                if existing is not None and i < len(parts) - 1:
                    code_id = existing
                    continue
                code_id = p.add_code(part, code_id)
            if span is not None and doc_id is not None:
                p.apply_coding(doc_id, code_id, *span)
            return code_id

        outcome = self.w.run(f"New code “{parts[-1]}”", create)  # the code and its first coding: one step
        if not outcome.ok:
            return None
        code_id = outcome.value
        if span is not None and doc_id is not None:
            self.w.transcript.selection_coded = True
            self._status(f"Coded with “{catalog.codes[code_id].path}”")
            self.w.transcript.setFocus()  # Ctrl+Z next undoes this step, not the typing
            self.w.remember_code(code_id)  # a number key goes with a coding, never with creation alone
        self.w.code_tree.select_code(code_id)
        return code_id

    def in_vivo(self) -> int | None:
        span = self.w.transcript.selected_span()
        if span is None:
            self._status("Select the participant's words first; they become the code's name.")
            return None
        text = self.project.document_text(self.w.current_document)[span[0]:span[1]]
        name = in_vivo_name(text)
        if not name:
            self._status("The selection has no words to name a code with.")
            return None
        existing = self.w.code_panel.matching_code(name)
        if existing is not None:
            self.apply_code(existing, span)
            return existing
        return self.new_code(name)

    # The current coding ---------------------------------------------------------------------------

    def current_coding(self) -> int | None:
        return self.w.transcript.current_coding

    def remove_coding(self, coding_id: int | None = None) -> None:
        coding_id = coding_id or self.current_coding()
        if coding_id is not None:
            self.w.run("Remove coding", lambda: self.project.remove_coding(coding_id))

    def change_span(self, coding_id: int | None = None) -> None:
        coding_id = coding_id or self.current_coding()
        span = self.w.transcript.selected_span()
        if coding_id is None or span is None:
            self._status("Click a coding, then select the new passage and choose Change coded passage.")
            return
        self.w.run("Change coded passage", lambda: self.project.change_coding_span(coding_id, *span))

    def toggle_exemplar(self, coding_id: int | None = None) -> None:
        coding_id = coding_id or self.current_coding()
        if coding_id is not None:
            on = not self.project.coding(coding_id).exemplar
            self.w.run("Mark exemplar quote" if on else "Unmark exemplar quote",
                       lambda: self.project.set_exemplar(coding_id, on))
            if on:
                self._warn_exemplar(coding_id)

    def _warn_exemplar(self, coding_id: int) -> None:
        """Marked as asked; but if the passage is not a participant's words, say so (the reports
        will cite it as the interviewer's and leave it out of participant-quote tables)."""
        warning = exemplar_warning(self.project, coding_id)
        if warning:
            self.w.statusBar().showMessage(f"Warning: {warning}", 15000)

    def _exemplar_action(self, menu, coding_id: int) -> None:
        """'Exemplar quote (on/off)', flagged in the menu when the passage is not a participant's words."""
        warning = exemplar_warning(self.project, coding_id)
        label = "Exemplar quote (on/off)" + ("  \u26a0 not a participant's words" if warning else "")
        act = menu.addAction(label, lambda: self.toggle_exemplar(coding_id))
        if warning:
            act.setToolTip(warning)
            act.setStatusTip(warning)

    def coding_memo(self, coding_id: int | None = None) -> None:
        coding_id = coding_id or self.current_coding()
        if coding_id is None:
            return
        text = ask_memo(self.w, "Memo on this coding", self.project.memo("coding", coding_id))
        if text is not None:
            self.w.run("Edit coding memo", lambda: self.project.set_memo("coding", coding_id, text))

    # The code tree -----------------------------------------------------------------------------------

    def rename_code(self, code_id: int, name: str | None = None) -> None:
        if name is None:
            idx = self.w.code_tree.view_index(code_id)
            self.w.code_tree.setCurrentIndex(idx)
            self.w.code_tree.edit(idx)
            return
        self.w.run(f"Rename code to “{name}”", lambda: self.project.rename_code(code_id, name))

    def recolour_code(self, code_id: int) -> None:
        old = QColor(self.project.code(code_id).color)
        color = QColorDialog.getColor(old, self.w, "Code colour")
        if color.isValid() and color != old:
            self.w.run("Recolour code", lambda: self.project.recolour_code(code_id, color.name()))

    def describe_code(self, code_id: int) -> None:
        """Definition, inclusion/exclusion criteria, example, codable: one dialog, one undo step."""
        from npmdesk.ui.definition_dialog import edit_definition

        edit_definition(self.w, code_id)

    def drop_code(self, source: int, target, position, merge: bool) -> None:
        if merge and target is not None:
            self.merge_code(source, target)
        else:
            self.move_code(source, target, position)

    def merge_code(self, source: int, target: int | None = None) -> None:
        codes = self.w.catalog.codes
        if target is None:
            from npmdesk.ui.merge_dialog import choose_merge_target

            target = choose_merge_target(self.w, self.project.codes(), source)
            if target is None:
                return
        self.w.run(f"Merge into “{codes[target].path}”", lambda: self.project.merge_codes(source, target))

    def delete_code(self, code_id: int) -> None:
        code = self.project.code(code_id)
        subtree = self.project.code_descendants(code_id)
        own = self.project.code_counts(code_ids=(code_id,)).get(code_id)  # one code's, not the whole dict
        total = self.project.code_counts(with_descendants=True, code_ids=(code_id,)).get(code_id)
        dialog = DeleteCodeDialog(self.w, code, len(subtree) - 1, own.codings if own else 0,
                                  total.codings if total else 0)
        if dialog.exec():
            children, codings = dialog.choice()
            self.w.run(f"Delete code “{code.path}”",
                       lambda: self.project.delete_code(code_id, children=children, codings=codings))

    def move_code(self, code_id: int, parent_id: int | None, position: int | None) -> None:
        code = self.w.catalog.get(code_id)
        parent = self.w.catalog.get(parent_id)
        where = f" under “{parent.path}”" if parent is not None else (" to the top level" if code and code.parent_id
                                                                     else "")
        label = f"Move code “{code.name}”{where}" if code is not None else "Move code"
        self.w.run(label, lambda: self.project.move_code(code_id, parent_id, position))

    # Context menus --------------------------------------------------------------------------------------

    def transcript_menu(self, global_pos, cp) -> None:
        menu = QMenu(self.w)
        t = self.w.transcript
        if t.coding_span() is not None:
            code_menu = menu.addMenu("Code selection with" if t.selected_span() else "Code found passage with")
            codes = self.w.catalog.codes
            for n, cid in enumerate(self.w.recent_codes, 1):
                if cid in codes:
                    code_menu.addAction(f"&{n}  {codes[cid].path}", lambda c=cid: self.apply_code(c))
            if self.w.recent_codes:
                code_menu.addSeparator()
            code_menu.addAction("Other code…", self._apply_chosen)
            menu.addAction("New code…", lambda: self.new_code())
            menu.addAction("In-vivo code", self.in_vivo)
            menu.addSeparator()
        for span in t.codings_at(cp):
            name = t.code_names.get(span.code_id, "?")
            sub = menu.addMenu(f"Coding: {name}")
            sub.addAction("Remove coding", lambda c=span.coding_id: self.remove_coding(c))
            act = sub.addAction("Change coded passage to the selection", lambda c=span.coding_id: self.change_span(c))
            act.setEnabled(t.selected_span() is not None)
            sub.addAction("Memo…", lambda c=span.coding_id: self.coding_memo(c))
            self._exemplar_action(sub, span.coding_id)
            self.add_element_exemplar_menu(sub, span.coding_id, span.code_id)
        menu.addSeparator()
        menu.addAction(self.w.actions["copy"])
        menu.exec(global_pos)

    def excerpt_menu(self, coding_id: int, code_id: int, global_pos) -> None:
        menu = QMenu(self.w)
        self._exemplar_action(menu, coding_id)
        self.add_element_exemplar_menu(menu, coding_id, code_id)
        menu.addAction("Memo…", lambda: self.coding_memo(coding_id))
        menu.addAction("Remove coding", lambda: self.remove_coding(coding_id))
        menu.exec(global_pos)

    def add_element_exemplar_menu(self, menu, coding_id: int, code_id: int) -> None:
        """'Exemplar for ▸' the competencies (framework elements) the coding's code is aligned with."""
        elements = self.project.aligned_elements(code_id)
        sub = menu.addMenu("Exemplar for")
        if not elements:
            sub.addAction("(align the code or its theme with a framework first)").setEnabled(False)
            return
        chosen = self.project.coding_element_exemplars(coding_id)
        warning = exemplar_warning(self.project, coding_id)
        if warning:  # the competency table leaves such a passage out: say so before it is chosen
            sub.setToolTipsVisible(True)
            note = sub.addAction("\u26a0 Not a participant's words: the table will leave it out")
            note.setEnabled(False)
            note.setToolTip(warning)
        for e in elements:
            act = sub.addAction(e.name, lambda e=e, on=e.id not in chosen: self.set_element_exemplar(e, coding_id, on))
            act.setCheckable(True)
            act.setChecked(e.id in chosen)
            if warning:
                act.setToolTip(warning)

    def set_element_exemplar(self, element, coding_id: int, chosen: bool) -> None:
        p = self.project
        if chosen:
            self.w.run(f"Exemplar for {element.name}", lambda: p.add_element_exemplar(element.id, coding_id))
            self._warn_exemplar(coding_id)
        else:
            self.w.run(f"Not an exemplar for {element.name}", lambda: p.remove_element_exemplar(element.id, coding_id))

    def _apply_chosen(self) -> None:
        cid = choose_code(self.w, "Apply code", "Code the selection with:", self.project.codes())
        if cid is not None:
            self.apply_code(cid)

    def tree_menu(self, pos) -> None:
        tree = self.w.code_tree
        code_id = tree.id_at(tree.indexAt(pos))
        menu = QMenu(self.w)
        menu.addAction("New top-level code…", lambda: self.new_code())
        if code_id is not None:
            menu.addAction("New sub-code…", lambda: self.new_code(parent_id=code_id))
            menu.addAction("Apply to selection", lambda: self.apply_code(code_id))
            menu.addSeparator()
            menu.addAction("Rename", lambda: self.rename_code(code_id))
            menu.addAction("Colour…", lambda: self.recolour_code(code_id))
            menu.addAction("Definition…", lambda: self.describe_code(code_id))
            menu.addAction("Merge into…", lambda: self.merge_code(code_id))
            menu.addAction("Move to top level", lambda: self.move_code(code_id, None, None))
            menu.addSeparator()
            self.w.quick_codes.add_pin_menu(menu, code_id)  # Pin to key ▸ 1…9, Unpin key
            menu.addSeparator()
            menu.addAction("Delete…", lambda: self.delete_code(code_id))
        menu.exec(tree.viewport().mapToGlobal(pos))

