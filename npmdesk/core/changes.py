"""What one step changed in a project, as every view needs to know it.

A `Changes` record is derived from the rows a step wrote (see store/journal.py), never written by
hand, so no mutator can forget to say what it touched. Views receive it through the window's one
`projectChanged(Changes)` signal and decide for themselves what to redraw. Records merge with `|`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

_EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Changes:
    codes: frozenset[int] = _EMPTY  # code rows added, removed, renamed, recoloured, moved, described
    codings_added: frozenset[int] = _EMPTY
    codings_removed: frozenset[int] = _EMPTY
    codings_changed: frozenset[int] = _EMPTY  # span or exemplar flag edited
    # Of codings_changed, those only moved by a text edit's shift (all later codings by one
    # amount): a view that applies the edit's arithmetic need not read them again.
    shifted: frozenset[int] = _EMPTY
    # documents whose text changed (an edit, its undo or redo), and their length and word count with
    # it; the document list (names, order, kinds, cases) is the same unless document_list says so
    texts: frozenset[int] = _EMPTY
    # documents where a turn was added, removed, or began or changed speaker other than by a shift
    turns_moved: frozenset[int] = _EMPTY
    # Codes whose codings were added, removed or changed (their excerpts, and maybe their counts,
    # differ now); None: any code's (e.g. a speaker now speaks for someone).
    counted_codes: frozenset[int] | None = _EMPTY
    # Of those, the codes whose counts (codings, documents, participants) may differ: not a code
    # whose codings only changed span or exemplar flag (an edit growing a coding) while each
    # spoke for the same participants. None: any code's.
    recounted: frozenset[int] | None = _EMPTY
    documents: frozenset[int] = _EMPTY  # documents whose codings, turns, speakers or metadata changed
    turns: frozenset[int] = _EMPTY  # of those, documents whose turns or speakers changed (a shift too)
    media: frozenset[int] = _EMPTY  # of those, documents whose recording link changed
    document_list: bool = False  # a document added, removed, renamed, reordered, re-kinded or re-cased
    memos: bool = False
    cases: bool = False  # participants, their attributes, speaker links
    frameworks: bool = False  # frameworks, elements, alignments, exemplar choices, chart summaries
    meta: bool = False  # project name and settings
    everything: bool = False  # reload all: another program changed the file, or a project was opened
    undoable: bool = True
    note: str = field(default="", compare=False)  # what the window says when a step cannot be undone

    @classmethod
    def all(cls) -> Changes:
        return cls(counted_codes=None, recounted=None, document_list=True, memos=True, cases=True, frameworks=True,
                   meta=True, everything=True)

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, Any] = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name in ("counted_codes", "recounted"):
                merged[f.name] = None if a is None or b is None else a | b
            elif f.name == "undoable":
                merged[f.name] = a and b
            elif f.name == "note":
                merged[f.name] = "; ".join(x for x in (a, b) if x)
            else:
                merged[f.name] = a | b
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("undoable", "note")) \
            or self.counted_codes is None or self.recounted is None

    @property
    def codings(self) -> frozenset[int]:
        """Every coding added, removed or edited."""
        return self.codings_added | self.codings_removed | self.codings_changed

    def recounts(self) -> bool:
        """Whether any code's counts may differ (`recounted`)."""
        return self.recounted is None or bool(self.recounted)
