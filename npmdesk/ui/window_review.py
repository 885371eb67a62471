"""The window's review side: the excerpts panel (a code's excerpts, exemplar quotes, search hits)
and which memo targets the memo dock offers. A mixin of MainWindow, split out to keep it small.

The panel is paged (ui/excerpts_panel.py): showing a theme reads its count and one page. After a
step, the list follows only if the step touched the shown code's subtree (`counted_codes`), and
then only by the excerpts it touched (ExcerptFilter(coding_ids=...)), on the next turn of the
event loop: off the gesture's critical path, with the title saying "updating…" until it is done.
"""

from __future__ import annotations

from dataclasses import replace

from npmdesk.core.changes import Changes
from npmdesk.core.errors import NpmdeskError
from npmdesk.core.model import ExcerptFilter
from npmdesk.core.spread import paragraph_span, sentence_span

_UNIT_WORDS = {"hit": "search hit", "sentence": "hit's sentence", "paragraph": "hit's paragraph",
               "turn": "hit's speaker turn"}


class ReviewMixin:
    _excerpts_pending: Changes | None = None
    _excerpts_reload = False  # the list shown is another's (a code just selected): read it afresh
    _before_search: tuple | None = None  # the list shown before a search (back to it if its query is refused)

    def _excerpts_filter(self) -> ExcerptFilter | None:
        mode = self._excerpts_mode
        if mode is None:
            return None
        if mode[0] == "code":
            group = self.excerpts.document_group()
            return ExcerptFilter(code_ids=(mode[1],), with_descendants=self.excerpts.subcodes.isChecked(),
                                 coder_ids=getattr(self, "shown_coders", None),  # ui/team_menu.py
                                 document_group_ids=(group,) if group is not None else None)
        if mode[0] == "exemplars":
            return ExcerptFilter(exemplars_only=True)
        if mode[0] == "filter":  # an analysis cell's excerpts (show_filtered_excerpts)
            return mode[2]
        return None

    def _excerpt_key(self):
        """The store's order of excerpts (store/excerpts.py): code tree, document, start, end, id.
        Its maps are made again only when the catalog or the document list was read again (a
        survey's 20,000 documents are not walked on every refresh)."""
        docs = getattr(self, "document_list", None)
        if docs is None:
            docs = self.project.documents()
        cached = getattr(self, "_excerpt_orders", None)
        if cached is None or cached[0] is not self.catalog.codes or cached[1] is not docs:
            cached = self._excerpt_orders = (self.catalog.codes, docs,
                                             {cid: i for i, cid in enumerate(self.catalog.codes)},
                                             {d.id: d.position for d in docs})
        code_order, doc_order = cached[2], cached[3]
        return lambda e: (code_order.get(e.code_id, 0), doc_order.get(e.document_id, 0), e.document_id,
                          e.start, e.end, e.coding_id)

    def _count_excerpts(self, flt: ExcerptFilter) -> int | None:
        """How many excerpts the list has: a code's count from the counts cache (kept up to date
        incrementally, store/counts_cache.py) when only codes restrict it, else counted. None while
        the project's counts are made in the background (counted from the tables, a big theme of
        400,000 codings would hold the window for half a second): `_excerpts_counted` gives it."""
        if flt.code_ids is not None and len(flt.code_ids) == 1 and flt == ExcerptFilter(
                code_ids=flt.code_ids, with_descendants=flt.with_descendants):
            if self.counting.pending:
                return None
            n = self.project.code_counts(with_descendants=flt.with_descendants, code_ids=flt.code_ids)
            return n[flt.code_ids[0]].codings if flt.code_ids[0] in n else 0
        return self.project.count_excerpts(flt)

    def _refresh_excerpts(self, keep_loaded: bool = False) -> None:
        """Show the current list afresh: its count and first page (with `keep_loaded`, as many rows
        as were shown, at the same scroll position)."""
        self._excerpts_pending, self._excerpts_reload = None, False
        self._excerpts_timer.stop()  # a follow-up already due would only show this list again
        mode = self._excerpts_mode
        if self.project is None or mode is None:
            self.excerpts.clear()
            return
        if mode[0] == "search":
            if not self._run_search(mode[1], mode[2]):
                # A query the index refuses (the error says why): the list shown before stays
                # what the panel follows, under its own title.
                self._excerpts_mode = self._before_search
                self.excerpts.retitle()
            return
        if mode[0] == "code":
            code = self.catalog.get(mode[1])
            if code is None:
                self._excerpts_mode = None
                self.excerpts.clear()
                return
            title = code.path
        elif mode[0] == "filter":
            title = mode[1]
        else:
            title = "Exemplar quotes"
        flt = self._excerpts_filter()
        project = self.project

        def fetch(offset: int, limit: int):
            return project.excerpts(flt, limit=limit, offset=offset) if self.project is project else []

        self.excerpts.show_paged(title, self._count_excerpts(flt), fetch, self._excerpt_key(),
                                 loaded=self.excerpts.loaded if keep_loaded else 0, readable=mode[0] != "filter")

    def _excerpts_counted(self) -> None:
        """The background count is in: a list shown uncounted gets its total."""
        flt = self._excerpts_filter()
        if flt is not None and self.project is not None and self._excerpts_mode[0] == "code":
            total = self._count_excerpts(flt)
            if total is not None:
                self.excerpts.set_total(total)

    def show_code_excerpts(self, code_id: int) -> None:
        """A code selected: its excerpts are read on the next turn of the loop, the list saying
        "loading…" until then. A click on a code selects it and codes the selection: the list is
        read once, after the coding is on screen, not before it and again after."""
        self._excerpts_mode = ("code", code_id)
        self._excerpts_reload = True
        code = self.catalog.get(code_id)
        self.excerpts.show_loading(code.path if code is not None else "")
        self._excerpts_timer.start(0)

    def _code_activated(self, code_id: int) -> None:
        """A click (or Enter) on the code already current, while the panel shows another list
        (an analysis cell's, exemplars, a search): its own excerpts come back."""
        if self._excerpts_mode != ("code", code_id):
            self.show_code_excerpts(code_id)

    def show_filtered_excerpts(self, title: str, flt: ExcerptFilter) -> None:
        """The excerpts an analysis cell stands for (ui/analysis/menu.py): the list the panel
        shows from now on, so that a later step is followed by this filter's rows and count, not
        by those of the code selected before."""
        self._excerpts_mode = ("filter", title, flt)
        self._refresh_excerpts()
        self.docks["excerptsDock"].show()
        self.docks["excerptsDock"].raise_()

    def _refresh_group_box(self) -> None:
        """The excerpts panel's document groups: read when the project opens and after a change
        that may touch groups (their tables count as 'everything'), never on each refresh."""
        groups = self.project.groups("document") if self.project is not None else []
        self.excerpts.set_groups([(g.id, g.name) for g in groups])

    def _excerpts_follow(self, changes: Changes) -> None:
        """Which part of a step the list must follow; the work itself waits for the event loop."""
        if changes.everything:
            self._refresh_group_box()
        mode = self._excerpts_mode
        if mode is None or self.project is None:
            return
        if mode[0] == "search":
            # Hits depend on the texts, names and speakers, not on codings.
            if not (changes.everything or changes.document_list or changes.texts or changes.cases):
                return
        elif not (changes.everything or changes.codes or changes.memos or changes.counted_codes is None
                  or changes.document_list or changes.texts or changes.cases or self._touches_shown(changes)):
            return
        self._excerpts_pending = changes if self._excerpts_pending is None else self._excerpts_pending | changes
        self.excerpts.mark_updating()
        self._excerpts_timer.start(0)

    def _touches_shown(self, changes: Changes) -> bool:
        if not changes.codings:
            return False
        mode = self._excerpts_mode
        if mode[0] == "exemplars":
            return True
        if mode[0] == "filter":  # an analysis cell: the codes its filter names, if it names them
            flt = mode[2]
            if flt.code_ids is None or flt.code_group_ids is not None:
                return True
            codes, below = set(flt.code_ids), flt.with_descendants
        else:
            codes, below = {mode[1]}, self.excerpts.subcodes.isChecked()
        if not below:
            return bool(codes & changes.counted_codes)
        # A shown code is an ancestor of (or is) a code the step counted.
        return bool(codes & self.catalog.ancestors_and_self(changes.counted_codes)) or bool(
            changes.codings_removed & self.excerpts.shown_codings())

    def _follow_excerpts(self) -> None:
        """The deferred part: just the touched excerpts in and out, or a reload when the step
        changed what the list is (codes renamed or moved, documents, participants, memos)."""
        changes, self._excerpts_pending = self._excerpts_pending, None
        mode = self._excerpts_mode
        if changes is None or self._excerpts_reload or mode is None or self.project is None or mode[0] == "search":
            self._refresh_excerpts()
            return
        if changes.everything or changes.codes or changes.memos or changes.document_list or changes.texts \
                or changes.cases or changes.counted_codes is None:
            self._refresh_excerpts(keep_loaded=True)
            return
        flt = self._excerpts_filter()
        touched = changes.codings_added | changes.codings_changed
        fresh = self.project.excerpts(replace(flt, coding_ids=tuple(sorted(touched))), limit=len(touched)) \
            if touched else []
        self.excerpts.apply_delta(changes.codings_removed | changes.codings_changed, fresh,
                                  self._count_excerpts(flt))

    def show_exemplars(self) -> None:
        self._excerpts_mode = ("exemplars",)
        self._refresh_excerpts()
        self.docks["excerptsDock"].show()

    def search(self, query: str, whole_project: bool) -> None:
        self._before_search = self._excerpts_mode
        self._excerpts_mode = ("search", query, whole_project)
        self._refresh_excerpts()  # (a list still due, a code's just selected, is not read after it)

    def _run_search(self, query: str, whole_project: bool) -> bool:
        """Hits are read a page at a time as the list scrolls (iter_search); the open document's
        hits are marked in the viewer, found by a search of that document alone."""
        current = self.current_document
        try:
            here = self.project.search(query, document_ids=[current], limit=100_000) if current is not None else []
            hits = self.project.iter_search(query) if whole_project else here
        except NpmdeskError as e:
            self.report_error(e)
            return False
        self.excerpts.show_hits(query, hits)
        self.transcript.set_search_marks([(h.start, h.end) for h in here])
        return True

    def all_hits(self) -> list:
        """Every hit of the search shown (not only the rows read so far)."""
        mode = self._excerpts_mode
        if self.project is None or not mode or mode[0] != "search":
            return []
        if mode[2]:
            return list(self.project.iter_search(mode[1]))
        if self.current_document is None:
            return []
        return self.project.search(mode[1], document_ids=[self.current_document], limit=10**9)

    def hit_spans(self, unit: str) -> list[tuple[int, int, int]]:
        """(document, start, end) to code for each hit: the hit itself, or its sentence, paragraph
        (core/spread.py) or speaker turn (the store's turns); the same span once."""
        spans: dict[tuple[int, int, int], None] = {}
        texts: dict[int, str] = {}
        turns: dict[int, list] = {}
        for h in self.all_hits():
            a, b = h.start, h.end
            if unit in ("sentence", "paragraph"):
                text = texts.get(h.document_id)
                if text is None:
                    text = texts[h.document_id] = self.project.document_text(h.document_id)
                a, b = (sentence_span if unit == "sentence" else paragraph_span)(text, a, b)
            elif unit == "turn":
                doc_turns = turns.get(h.document_id)
                if doc_turns is None:
                    doc_turns = turns[h.document_id] = self.project.turns(h.document_id)
                for t in doc_turns:
                    if t.start <= h.start < t.end:
                        a, b = t.start, max(t.end, h.end)
                        break
            spans[(h.document_id, a, b)] = None
        return list(spans)

    def code_hits(self, unit: str = "hit", code_id: int | None = None) -> int:
        """Code every hit (or its enclosing unit) with one code, as one undoable step; spans
        already coded with that code are skipped. Returns how many codings were made."""
        if self.project is None:
            return 0
        spans = self.hit_spans(unit)
        if not spans:
            self.statusBar().showMessage("There are no search hits to code.", 5000)
            return 0
        if code_id is None:
            from npmdesk.ui.code_picker import pick_code
            code_id = pick_code(self, "Code search hits", f"Code each {_UNIT_WORDS[unit]} ({len(spans)}) with:",
                                self.project.codes())
            if code_id is None:
                return 0
        code = self.catalog.get(code_id)
        name = code.path if code is not None else str(code_id)
        p = self.project
        existing: set[tuple[int, int, int]] = set()
        for doc in {d for d, _, _ in spans}:
            existing.update((doc, c.start, c.end) for c in p.codings_in_document(doc) if c.code_id == code_id)
        todo = [s for s in spans if s not in existing]
        skipped = len(spans) - len(todo)
        note = f" ({skipped} already coded with it)" if skipped else ""
        if not todo:
            self.statusBar().showMessage(f"Every {_UNIT_WORDS[unit]} is already coded with {name}.", 8000)
            return 0
        done = self.run(f"Code {len(todo)} search hit(s) with {name}",
                        lambda: [p.apply_coding(d, code_id, a, b) for d, a, b in todo])
        if not done.ok:
            return 0
        self.remember_code(code_id)  # applied: it gets a number key, as any coding gesture gives
        self.statusBar().showMessage(f"Coded {len(todo)} {_UNIT_WORDS[unit]}(s) with {name}{note}.", 8000)
        return len(todo)

    def _update_memo_targets(self) -> None:
        if self.project is None:
            return
        targets = {"project": (None, f"Project: {self.project.name}")}
        if self.current_document is not None:
            doc = self.documents.current_document()
            name = doc.name if doc is not None else str(self.current_document)
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
