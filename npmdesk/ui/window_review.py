"""The window's review side: the excerpts panel (a code's excerpts, exemplar quotes, search hits)
and which memo targets the memo dock offers. A mixin of MainWindow, split out to keep it small."""

from __future__ import annotations

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.model import ExcerptFilter


class ReviewMixin:
    def _refresh_excerpts(self) -> None:
        mode = self._excerpts_mode
        if self.project is None or mode is None:
            self.excerpts.clear()
            return
        if mode[0] == "code":
            code = self.catalog.get(mode[1])
            if code is None:
                self._excerpts_mode = None
                self.excerpts.clear()
                return
            flt = ExcerptFilter(code_ids=(code.id,), with_descendants=self.excerpts.subcodes.isChecked(),
                                coder_ids=getattr(self, "shown_coders", None))  # ui/team_menu.py
            self.excerpts.show_excerpts(code.path, self.project.excerpts(flt))
        elif mode[0] == "exemplars":
            self.excerpts.show_excerpts("Exemplar quotes", self.project.excerpts(ExcerptFilter(exemplars_only=True)))
        elif mode[0] == "search":
            self._run_search(mode[1], mode[2])

    def show_exemplars(self) -> None:
        self._excerpts_mode = ("exemplars",)
        self._refresh_excerpts()
        self.docks["excerptsDock"].show()

    def search(self, query: str, whole_project: bool) -> None:
        self._excerpts_mode = ("search", query, whole_project)
        self._run_search(query, whole_project)

    def _run_search(self, query: str, whole_project: bool) -> None:
        docs = None if whole_project or self.current_document is None else [self.current_document]
        try:
            hits = self.project.search(query, document_ids=docs)
        except NpmdeskError as e:
            self.report_error(e)
            return
        self.excerpts.show_hits(query, hits)
        self.transcript.set_search_marks([(h.start, h.end) for h in hits if h.document_id == self.current_document])

    def _update_memo_targets(self) -> None:
        if self.project is None:
            return
        targets = {"project": (None, f"Project: {self.project.name}")}
        if self.current_document is not None:
            doc = self.documents.currentItem()
            name = doc.text(0) if doc is not None else str(self.current_document)
            targets["document"] = (self.current_document, f"Document: {name}")
        code_id = self.code_tree.current_code()
        code = self.catalog.get(code_id)
        if code is not None:
            targets["code"] = (code.id, f"Code: {code.path}")
        span = self.transcript.index.spans.get(self.transcript.current_coding) if self.transcript.index else None
        if span is not None:
            label = self.catalog.get(span.code_id)
            targets["coding"] = (span.coding_id, f"Coding: {label.path if label else ''} ({span.start}–{span.end})")
        if targets != self.memos.targets:
            self.memos.set_targets(targets)
