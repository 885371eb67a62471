"""Undoable user actions. Each does one store operation (one transaction) in redo() and its inverse
in undo(), so the file on disk follows the undo stack step by step.

A command talks to a context (the MainWindow) through three things: `ctx.project`,
`ctx.after_change(what, documents)` to refresh views, and `ctx.report_error(exc)` for a refusal
(e.g. a name clash). A command whose first redo is refused makes itself obsolete, so QUndoStack
drops it instead of keeping a step that did nothing.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtGui import QUndoCommand

from npmdesk.core.errors import NpmdeskError

ALL = None  # after_change(documents=ALL): codings of any document may have changed


class ProjectCommand(QUndoCommand):
    changes: tuple[str, ...] = ("codings",)

    def __init__(self, ctx, text: str):
        super().__init__(text)
        self.ctx = ctx
        self.done_once = False
        self.failed = False
        self.documents: set[int] | None = set()
        # (added Codings, removed coding ids) when a command knows exactly what changed, so the
        # viewer updates one coding instead of re-reading the document's codings.
        self.delta = None
        # The codes whose counts a coding command changed (None: any), so the code tree
        # recounts those and their ancestors instead of the whole project.
        self.counted_codes: set[int] | None = None

    @property
    def project(self):
        return self.ctx.project

    def redo(self) -> None:
        self._run(self.do)
        self.done_once = True

    def undo(self) -> None:
        self._run(self.undo_it)

    def _run(self, fn) -> None:
        self.delta = None
        self.counted_codes = None
        try:
            fn()
        except (NpmdeskError, sqlite3.Error) as e:  # the store refused: nothing changed, no step
            self.failed = True
            # The window reads this dict after push(): Qt may already have deleted an obsolete command.
            getattr(self, "outcome", {})["failed"] = True
            self.setObsolete(True)
            self.ctx.report_error(e)
        finally:
            self.ctx.after_change(self.changes, self.documents, delta=self.delta, counted=self.counted_codes)

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError


# Codings ---------------------------------------------------------------------------------------

class ApplyCoding(ProjectCommand):
    def __init__(self, ctx, doc_id: int, code_id: int, start: int, end: int, label: str = ""):
        super().__init__(ctx, f"Code “{label}”" if label else "Apply code")
        self.args = (doc_id, code_id, start, end)
        self.documents = {doc_id}
        self.coding_id: int | None = None
        self.removed = None

    def do(self):
        if self.removed is None:
            self.coding_id = self.project.apply_coding(*self.args)
        else:
            self.project.restore_coding(*self.removed)
        self.delta = ([self.project.coding(self.coding_id)], [])
        self.counted_codes = {self.args[1]}

    def undo_it(self):
        self.removed = self.project.remove_coding(self.coding_id)
        self.delta = ([], [self.coding_id])
        self.counted_codes = {self.args[1]}


class RemoveCoding(ProjectCommand):
    def __init__(self, ctx, coding_id: int):
        super().__init__(ctx, "Remove coding")
        self.coding_id = coding_id
        self.removed = None

    def do(self):
        self.removed = self.project.remove_coding(self.coding_id)
        self.documents = {self.removed[0].document_id}
        self.delta = ([], [self.coding_id])
        self.counted_codes = {self.removed[0].code_id}

    def undo_it(self):
        self.project.restore_coding(*self.removed)
        self.delta = ([self.removed[0]], [])
        self.counted_codes = {self.removed[0].code_id}


class ChangeCodingSpan(ProjectCommand):
    def __init__(self, ctx, coding_id: int, doc_id: int, start: int, end: int):
        super().__init__(ctx, "Change coded passage")
        self.coding_id, self.new, self.old = coding_id, (start, end), None
        self.documents = {doc_id}

    def do(self):
        self.old = self.project.change_coding_span(self.coding_id, *self.new)
        coding = self.project.coding(self.coding_id)
        self.delta, self.counted_codes = ([coding], []), {coding.code_id}

    def undo_it(self):
        self.project.change_coding_span(self.coding_id, *self.old)
        coding = self.project.coding(self.coding_id)
        self.delta, self.counted_codes = ([coding], []), {coding.code_id}


class SetExemplar(ProjectCommand):
    changes = ("codings", "excerpts")

    def __init__(self, ctx, coding_id: int, exemplar: bool):
        super().__init__(ctx, "Mark exemplar quote" if exemplar else "Unmark exemplar quote")
        self.coding_id, self.value = coding_id, exemplar

    def do(self):
        self.project.set_exemplar(self.coding_id, self.value)
        self.counted_codes = set()

    def undo_it(self):
        self.project.set_exemplar(self.coding_id, not self.value)
        self.counted_codes = set()


class SetElementExemplar(ProjectCommand):
    """Choose (or un-choose) a coding as an illustrative quote for a framework element."""

    changes = ("excerpts",)

    def __init__(self, ctx, element_id: int, element: str, coding_id: int, chosen: bool):
        super().__init__(ctx, f"Exemplar for {element}" if chosen else f"Not an exemplar for {element}")
        self.element_id, self.coding_id, self.chosen = element_id, coding_id, chosen
        self.counted_codes = set()

    def _set(self, chosen: bool) -> None:
        if chosen:
            self.project.add_element_exemplar(self.element_id, self.coding_id)
        else:
            self.project.remove_element_exemplar(self.element_id, self.coding_id)
        self.counted_codes = set()

    def do(self):
        self._set(self.chosen)

    def undo_it(self):
        self._set(not self.chosen)


class SetMemo(ProjectCommand):
    changes = ("memos",)

    def __init__(self, ctx, target: str, target_id: int | None, text: str):
        super().__init__(ctx, f"Edit {target} memo")
        self.target, self.target_id, self.text, self.old = target, target_id, text, None

    def do(self):
        self.old = self.project.memo(self.target, self.target_id)
        self.project.set_memo(self.target, self.target_id, self.text)

    def undo_it(self):
        self.project.set_memo(self.target, self.target_id, self.old)


# The code tree ------------------------------------------------------------------------------------

class SnapshotCommand(ProjectCommand):
    """An operation whose undo restores a snapshot of the codes it touched (ids stay the same, so
    later commands on the stack still find their codes)."""

    changes = ("codes", "codings")

    def __init__(self, ctx, text: str, code_ids):
        super().__init__(ctx, text)
        self.code_ids = list(code_ids)
        self.documents = ALL
        self.snapshot = None

    def do(self):
        self.snapshot = self.project.snapshot_codes(self.code_ids)
        self.operation()

    def undo_it(self):
        self.project.restore_codes(self.snapshot)

    def operation(self):
        raise NotImplementedError


class AddCode(ProjectCommand):
    changes = ("codes",)

    def __init__(self, ctx, name: str, parent_id: int | None = None, color: str | None = None):
        super().__init__(ctx, f"New code “{name}”")
        self.name, self.parent_id, self.color = name, parent_id, color
        self.code_id: int | None = None
        self.snapshot = None

    def do(self):
        if self.snapshot is None:
            self.code_id = self.project.add_code(self.name, self.parent_id, color=self.color)
        else:
            self.project.restore_codes(self.snapshot)

    def undo_it(self):
        # Snapshot taken while the code exists, so redo brings it back with the same id.
        self.snapshot = self.project.snapshot_codes([self.code_id])
        self.project.delete_code(self.code_id, children="delete", codings="delete")


class SetCodeField(ProjectCommand):
    """Change one field of a code (name, colour or definition); undo sets the old value back."""

    changes = ("codes",)
    field = ""  # the Code attribute

    def __init__(self, ctx, code_id: int, value: str, text: str):
        super().__init__(ctx, text)
        self.code_id, self.value, self.old = code_id, value, None

    def do(self):
        self.old = getattr(self.project.code(self.code_id), self.field)
        self._set(self.value)

    def undo_it(self):
        self._set(self.old)

    def _set(self, value: str) -> None:
        raise NotImplementedError


class RenameCode(SetCodeField):
    field = "name"

    def __init__(self, ctx, code_id: int, name: str):
        super().__init__(ctx, code_id, name, f"Rename code to “{name}”")

    def _set(self, value: str) -> None:
        self.project.rename_code(self.code_id, value)


class RecolourCode(SetCodeField):
    field = "color"

    def __init__(self, ctx, code_id: int, color: str):
        super().__init__(ctx, code_id, color, "Recolour code")

    def _set(self, value: str) -> None:
        self.project.recolour_code(self.code_id, value)


class DescribeCode(SetCodeField):
    field = "description"

    def __init__(self, ctx, code_id: int, description: str):
        super().__init__(ctx, code_id, description, "Edit code definition")

    def _set(self, value: str) -> None:
        self.project.set_code_description(self.code_id, value)


class MoveCode(ProjectCommand):
    changes = ("codes",)

    def __init__(self, ctx, code_id: int, parent_id: int | None, position: int | None):
        super().__init__(ctx, "Move code")
        self.code_id, self.target, self.old = code_id, (parent_id, position), None

    def do(self):
        code = self.project.code(self.code_id)
        self.old = (code.parent_id, self.project.code_children(code.parent_id).index(self.code_id))
        self.project.move_code(self.code_id, *self.target)

    def undo_it(self):
        self.project.move_code(self.code_id, *self.old)


class MergeCodes(SnapshotCommand):
    def __init__(self, ctx, source_id: int, target_id: int, label: str = ""):
        super().__init__(ctx, f"Merge into “{label}”" if label else "Merge codes", [source_id, target_id])
        self.source_id, self.target_id = source_id, target_id

    def operation(self):
        self.project.merge_codes(self.source_id, self.target_id)


class DeleteCode(SnapshotCommand):
    def __init__(self, ctx, code_id: int, children: str | None, codings: str | None, label: str = ""):
        super().__init__(ctx, f"Delete code “{label}”" if label else "Delete code", [code_id])
        self.code_id, self.children, self.codings = code_id, children, codings

    def operation(self):
        self.project.delete_code(self.code_id, children=self.children, codings=self.codings)
