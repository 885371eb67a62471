"""Disagreements between two coders and their reconciliation into a consensus coder.

A disagreement is a passage of one document where, for one code, the two coders' codings differ:
only A coded it, only B did, or both did with different boundaries (overlapping codings of
either coder form one passage). They are numbered in document order, then code-tree order, then
position, over every passage (resolved ones too), so a number stays the same while a team works
through the list.

Reconciling writes codings of a third coder ("Consensus" unless named otherwise), so the
originals stay as they were: Accept A copies A's codings of the passage, Accept B copies B's,
Both copies both, Edit writes one coding of the span given, Neither writes none and records the
decision (meta `team.consensus.neither`, so the passage counts as resolved). Passages where the
coders agree exactly are copied to the consensus coder on the first reconciliation. Deciding a
passage again replaces the earlier decision. Each call is one transaction (one undoable step).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from npmdesk.core.agreement_units import differences
from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.store.agreement import coder_ids, compared_documents, read_spans
from npmdesk.store.database import new_guid, now

CHOICES = ("a", "b", "both", "neither", "edit")
CHOICE_LABELS = {"a": "Accept A", "b": "Accept B", "both": "Both", "neither": "Neither", "edit": "Edit"}
KIND_LABELS = {"only_a": "only A", "only_b": "only B", "boundaries": "different boundaries"}
NEITHER_KEY = "team.consensus.neither"
DEFAULT_CONSENSUS = "Consensus"


@dataclass(frozen=True)
class Disagreement:
    number: int
    document_id: int
    document: str
    code_id: int
    code: str
    start: int
    end: int
    kind: str
    a_spans: tuple
    b_spans: tuple
    resolved: bool

    def to_json(self) -> dict:
        return {"number": self.number, "document": self.document, "code": self.code, "start": self.start,
                "end": self.end, "kind": self.kind, "a_spans": [list(s) for s in self.a_spans],
                "b_spans": [list(s) for s in self.b_spans], "resolved": self.resolved}


@dataclass
class ReconcileReport:
    consensus: str
    resolved: int
    codings_written: int
    agreed_copied: int

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _passages(project, a: str, b: str, code_ids=None):
    ids = coder_ids(project, [a, b])
    docs = compared_documents(project, ids)
    spans = read_spans(project, ids, docs, code_ids)
    return ids, docs, spans


def disagreements(project, coder_a: str, coder_b: str, *, code_ids=None,
                  consensus: str = DEFAULT_CONSENSUS) -> list[Disagreement]:
    _ids, docs, spans = _passages(project, coder_a, coder_b, code_ids)
    return _numbered(project, docs, spans, consensus)[0]


def _numbered(project, docs, spans, consensus):
    codes = project.codes()
    order = {c.id: i for i, c in enumerate(codes)}
    paths = {c.id: c.path for c in codes}
    doc_order = {d: i for i, d in enumerate(docs)}
    names = dict(project.db.execute("SELECT id, name FROM documents").fetchall())
    found, agreed = [], []
    for (code, doc), (a, b) in spans.items():
        diff, same = differences(a, b)
        found += [(doc_order[doc], order.get(code, 0), d.start, d.end, doc, code, d) for d in diff]
        agreed += [(doc, code, a_spans) for _s, _e, a_spans, _b in same]
    found.sort(key=lambda r: r[:4])
    decided = _decided(project, consensus)
    out = [Disagreement(i + 1, doc, names[doc], code, paths.get(code, "?"), d.start, d.end, d.kind, d.a_spans,
                        d.b_spans, _is_resolved(project, decided, doc, code, d.start, d.end))
           for i, (_o1, _o2, _s, _e, doc, code, d) in enumerate(found)]
    return out, agreed


def _decided(project, consensus):
    row = project.db.execute("SELECT id FROM coders WHERE name = ?", (consensus,)).fetchone()
    neither = set(tuple(x) for x in _neither_records(project).get(consensus, []))
    return (row[0] if row else None), neither, _guids(project)


def _guids(project):
    return (dict(project.db.execute("SELECT id, guid FROM documents").fetchall()),
            dict(project.db.execute("SELECT id, guid FROM codes").fetchall()))


def _is_resolved(project, decided, doc, code, start, end) -> bool:
    coder, neither, (doc_guids, code_guids) = decided
    if (doc_guids.get(doc), code_guids.get(code), start, end) in neither:
        return True
    if coder is None:
        return False
    return project.db.execute("SELECT 1 FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? "
                              "AND start < ? AND end > ? LIMIT 1",
                              (doc, code, coder, end, start)).fetchone() is not None


def _neither_records(project) -> dict:
    row = project.db.execute("SELECT value FROM meta WHERE key = ?", (NEITHER_KEY,)).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def reconcile(project, coder_a: str, coder_b: str, numbers, choice: str, *, consensus: str = DEFAULT_CONSENSUS,
              span: tuple[int, int] | None = None, code_ids=None) -> ReconcileReport:
    """Resolve the numbered disagreements (see `disagreements`) with one choice, as one step."""
    choice = choice.lower()
    if choice not in CHOICES:
        raise InvalidValueError(f"unknown choice {choice!r} (use {', '.join(CHOICES)})")
    consensus = project._clean_name(consensus, "coder")
    if consensus in (coder_a, coder_b):
        raise InvalidValueError("the consensus coder must be a third name, so that both coders' work stays as it was")
    if choice == "edit" and (span is None or len(set(numbers)) != 1):
        raise InvalidValueError("Edit writes the span you give (--span START:END) for one disagreement")
    with project.write("reconcile", coders=[coder_a, coder_b], choice=choice, consensus=consensus) as c:
        _ids, docs, spans = _passages(project, coder_a, coder_b, code_ids)
        listed, agreed = _numbered(project, docs, spans, consensus)
        by_number = {d.number: d for d in listed}
        missing = [n for n in numbers if n not in by_number]
        if missing:
            raise NotFoundError(f"no disagreement numbered {missing[0]} (there are {len(listed)}: "
                                "npmdesk disagreements lists them)")
        target = project.ensure_coder(consensus)
        doc_guids, code_guids = _guids(project)
        records = _neither_records(project)
        neither = [list(x) for x in records.get(consensus, [])]
        agreed_copied = 0
        if not c.execute("SELECT 1 FROM codings WHERE coder_id = ? LIMIT 1", (target,)).fetchone():
            for doc, code, a_spans in agreed:
                agreed_copied += sum(_write(project, c, doc, code, s, e, target) for s, e in a_spans)
        written = 0
        for n in dict.fromkeys(numbers):
            d = by_number[n]
            key = [doc_guids[d.document_id], code_guids[d.code_id], d.start, d.end]
            neither = [x for x in neither if x != key]
            c.execute("DELETE FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? AND start < ? "
                      "AND end > ?", (d.document_id, d.code_id, target, d.end, d.start))
            chosen = {"a": d.a_spans, "b": d.b_spans, "both": (*d.a_spans, *d.b_spans), "neither": (),
                      "edit": (span,) if span else ()}[choice]
            if choice == "neither":
                neither.append(key)
            written += sum(_write(project, c, d.document_id, d.code_id, s, e, target) for s, e in dict.fromkeys(chosen))
        if neither or consensus in records:
            records[consensus] = neither
            c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (NEITHER_KEY, json.dumps(records)))
    return ReconcileReport(consensus, len(set(numbers)), written, agreed_copied)


def _write(project, c, doc: int, code: int, start: int, end: int, coder: int) -> int:
    length = c.execute("SELECT length FROM documents WHERE id = ?", (doc,)).fetchone()[0]
    if not 0 <= start < end <= length:
        raise InvalidValueError(f"span {start}:{end} lies outside the document (0:{length})")
    cur = c.execute("INSERT OR IGNORE INTO codings(document_id, code_id, start, end, coder_id, exemplar, created, "
                    "guid) VALUES (?,?,?,?,?,0,?,?)", (doc, code, start, end, coder, now(), new_guid()))
    if cur.rowcount:
        project._assign_coding_cases(c, cur.lastrowid, doc, start, end)
    return cur.rowcount
