"""Intercoder agreement over a project's codings: per code, per document and pooled.

Reads the coders' codings once (one indexed query), builds a Table per code and document with
core/agreement_units.py and computes every measure with core/agreement.py. Only reads: the CLI
opens the project read-only for it.

Which documents are compared: those every one of the coders coded at least once (with any code),
unless the caller names them; a transcript a co-coder never opened is not counted as agreement on
"not coded". Which codes: those named, else every code one of the coders applied there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from npmdesk.core.agreement import MEASURES, Table, bootstrap, measures, total
from npmdesk.core.agreement_units import NEITHER_MEANS, UNITS, unit_table
from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.wording import quoted

CI_CHOICES = ("pooled", "all", "none")


@dataclass(frozen=True)
class AgreementRow:
    scope: str  # "code", "document" or "pooled"
    code: str | None
    code_id: int | None
    document: str | None
    document_id: int | None
    unit: str
    table: Table
    values: dict
    ci: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out: dict = {"code": self.code, "document": self.document, "scope": self.scope, "unit": self.unit,
                     "units": self.table.n, **self.table.counts()}
        for name in MEASURES:
            value = self.values.get(name)
            out[name] = None if value is None else round(value, 6)
        for name in MEASURES:
            interval = self.ci.get(name)
            out[f"{name}_ci"] = None if interval is None else [round(interval[0], 6), round(interval[1], 6)]
        return out


@dataclass
class AgreementResult:
    coders: tuple[str, ...]
    unit: str
    overlap: float
    documents: list[str]
    codes: list[AgreementRow]
    by_document: list[AgreementRow]
    pooled: AgreementRow
    replicates: int

    @property
    def neither_means(self) -> str:
        return NEITHER_MEANS[self.unit]

    def rows(self, per_document: bool = False) -> list[AgreementRow]:
        return [*self.codes, *(self.by_document if per_document else ()), self.pooled]

    def to_json(self, per_document: bool = False) -> list[dict]:
        rows = []
        for r in self.rows(per_document):
            item = r.to_json()
            item["coders"] = list(self.coders)
            if self.unit == "segment":
                item["overlap"] = self.overlap
            rows.append(item)
        return rows


def coder_ids(project, names) -> list[int]:
    names = [n.strip() for n in names if n.strip()]
    if len(names) < 2:
        raise InvalidValueError("agreement needs at least two coders (e.g. --coders Ana,Ben)")
    if len(set(names)) != len(names):
        raise InvalidValueError("each coder may be named once")
    ids = []
    for name in names:
        try:
            ids.append(project.coder_by_name(name))
        except NotFoundError:
            known = ", ".join(c["name"] for c in project.coders()) or "none yet"
            raise NotFoundError(f"no coder named {quoted(name)} in this project (coders: {known})") from None
    return ids


def compared_documents(project, coders: list[int]) -> list[int]:
    """Documents that every one of the coders coded at least once, in interview order."""
    rows = project.db.execute(
        "SELECT d.id FROM documents d WHERE (SELECT count(DISTINCT coder_id) FROM codings cg WHERE "
        "cg.document_id = d.id AND cg.coder_id IN (SELECT value FROM json_each(?))) = ? ORDER BY d.position, d.id",
        (json.dumps(coders), len(coders))).fetchall()
    return [r[0] for r in rows]


def read_spans(project, coders: list[int], documents: list[int], code_ids=None) -> dict:
    """{(code_id, document_id): [spans of coder 0, spans of coder 1, ...]}, each list by start.

    One ordered scan of the by-code index per coder, grouped in C (itertools.groupby)."""
    sql = ("SELECT code_id, document_id, start, end FROM codings WHERE coder_id = ? "
           "AND document_id IN (SELECT value FROM json_each(?))")
    params: list = [json.dumps(documents)]
    if code_ids is not None:
        sql += " AND code_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(code_ids))))
    sql += " ORDER BY code_id, document_id, start, end"
    out: dict = {}
    n = len(coders)
    key = itemgetter(0, 1)
    for i, coder in enumerate(coders):
        for k, group in groupby(project.db.execute(sql, (coder, *params)), key):
            per = out.get(k)
            if per is None:
                per = out[k] = [[] for _ in range(n)]
            per[i] = [(r[2], r[3]) for r in group]
    return out


# Union lengths per code and document in one ordered pass in SQLite: each coding adds the
# characters it reaches past the furthest end of the codings before it, among both coders' (A ∪ B)
# and among its own coder's (A, B).
_UNION_SQL = (
    "SELECT code_id, document_id, sum(max(0, end - max(start, ifnull(reach, 0)))), "
    " sum(CASE WHEN coder_id = ? THEN max(0, end - max(start, ifnull(own, 0))) ELSE 0 END), "
    " sum(CASE WHEN coder_id = ? THEN max(0, end - max(start, ifnull(own, 0))) ELSE 0 END) FROM ("
    " SELECT code_id, document_id, coder_id, start, end,"
    "  max(end) OVER (PARTITION BY code_id, document_id ORDER BY start, end"
    "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach,"
    "  max(end) OVER (PARTITION BY code_id, document_id, coder_id ORDER BY start, end"
    "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS own FROM codings"
    " WHERE coder_id IN (?, ?) AND document_id IN (SELECT value FROM json_each(?)){codes})"
    " GROUP BY code_id, document_id")


def character_cells(project, coders: list[int], documents: list[int], code_ids, doc_rows) -> dict:
    """Two coders' character tables per (code, document) from three union lengths, |A|, |B| and
    |A ∪ B| (so |A ∩ B| = |A| + |B| − |A ∪ B|), computed in one SQL pass."""
    a_id, b_id = coders
    extra, params = "", [a_id, b_id, a_id, b_id, json.dumps(documents)]
    if code_ids is not None:
        extra = " AND code_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(code_ids))))
    cells = {}
    for code, doc, either, a, b in project.db.execute(_UNION_SQL.format(codes=extra), params):
        both = a + b - either
        cells[(code, doc)] = Table.two(both, a - both, b - both, doc_rows[doc][1] - either)
    return cells


def compute_agreement(project, coders, *, code_ids=None, unit: str = "character", overlap: float = 0.8,
                      document_ids=None, ci: str = "pooled", replicates: int = 1000,
                      seed: int = 15) -> AgreementResult:
    """Agreement of the named coders (names, in order: the first is "A")."""
    if unit not in UNITS:
        raise InvalidValueError(f"unknown unit {quoted(unit)} (use {', '.join(UNITS)})")
    if ci not in CI_CHOICES:
        raise InvalidValueError(f"unknown confidence-interval choice {quoted(ci)} (use {', '.join(CI_CHOICES)})")
    if not 0 < overlap <= 1:
        raise InvalidValueError("--overlap is a share of the passage: more than 0, at most 1 (e.g. 0.8)")
    names = tuple(coders)
    ids = coder_ids(project, names)
    if unit == "segment" and len(ids) != 2:
        raise InvalidValueError("segment agreement compares two coders; use character or document for more")
    docs = list(document_ids) if document_ids is not None else compared_documents(project, ids)
    if not docs:
        raise InvalidValueError(f"no document was coded by all of {', '.join(names)}: there is nothing to compare "
                                "(merge the coders' copies first: npmdesk merge)")
    doc_rows = dict((r[0], (r[1], r[2])) for r in project.db.execute(
        "SELECT id, name, length FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(docs),)))
    docs = [d for d in docs if d in doc_rows]
    fast = unit == "character" and len(ids) == 2
    spans = {} if fast else read_spans(project, ids, docs, code_ids)
    m = len(ids)
    if fast:
        cells = character_cells(project, ids, docs, code_ids, doc_rows)
    else:
        cells = {key: unit_table(unit, per_coder, doc_rows[key[1]][1], overlap) for key, per_coder in spans.items()}
    codes = project.codes()
    used = {code for code, _doc in cells}
    chosen = [c for c in codes if (c.id in set(code_ids) if code_ids is not None else c.id in used)]

    # Units of a document in which no coder applied the code: all "neither" (none for segments).
    blank = {d: doc_rows[d][1] if unit == "character" else 1 if unit == "document" else 0 for d in docs}
    all_blank = sum(blank.values())
    by_code: dict[int, dict[int, Table]] = defaultdict(dict)
    by_doc: dict[int, dict[int, Table]] = defaultdict(dict)
    for (code_id, doc), t in cells.items():
        by_code[code_id][doc] = t
        by_doc[doc][code_id] = t

    def untouched(doc: int) -> Table:
        return Table((blank[doc],) + (0,) * m, (0,) * m)

    code_rows = []
    for code in chosen:
        active = by_code.get(code.id, {})
        t = _plus_neither(total(active.values()) if active else Table.empty(m),
                          all_blank - sum(blank[d] for d in active))
        interval = {}
        if ci == "all":
            interval = bootstrap([active.get(d) or untouched(d) for d in docs], replicates, seed)
        code_rows.append(AgreementRow("code", code.path, code.id, None, None, unit, t, measures(t), interval))
    chosen_ids = {c.id for c in chosen}
    document_rows = []
    for d in docs:
        active = {c: t for c, t in by_doc.get(d, {}).items() if c in chosen_ids}
        t = _plus_neither(total(active.values()) if active else Table.empty(m), blank[d] * (len(chosen) - len(active)))
        interval = {}
        if ci == "all":
            interval = bootstrap([active.get(c.id) or untouched(d) for c in chosen], replicates, seed)
        document_rows.append(AgreementRow("document", None, None, doc_rows[d][0], d, unit, t, measures(t), interval))
    doc_totals = [r.table for r in document_rows]
    pooled_table = total(doc_totals) if doc_totals else Table.empty(m)
    pooled_ci = bootstrap(doc_totals, replicates, seed) if ci != "none" else {}
    pooled = AgreementRow("pooled", None, None, None, None, unit, pooled_table, measures(pooled_table), pooled_ci)
    return AgreementResult(names, unit, overlap, [doc_rows[d][0] for d in docs], code_rows, document_rows,
                           pooled, replicates)


def _plus_neither(t: Table, extra: int) -> Table:
    return Table((t.hist[0] + extra, *t.hist[1:]), t.yes) if extra else t
