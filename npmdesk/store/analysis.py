"""Analysis over the whole project: matrices (code x participant / document / attribute value /
document kind, code co-occurrence), the excerpts behind a matrix cell, the saturation series and
the Framework Method chart (participant x theme summaries).

Who a coding speaks for always comes from `coding_cases`, so a focus-group passage counts for the
participant(s) whose turns it overlaps, and an interview passage for the interview's participant.

Co-occurrence (rows="codes", cols="codes") counts pairs of codings of two different codes in the
same document whose spans share at least one character, as ATLAS.ti's code co-occurrence table
does: [10, 20) and [15, 30) co-occur; [10, 20) and [20, 30) only touch and do NOT co-occur. A
coding nested inside another co-occurs with it. Two codings of the same code are not counted, and
the diagonal is 0.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from npmdesk.core import intervals
from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.model import DOCUMENT_KINDS, ExcerptFilter, Matrix
from npmdesk.core.wording import quoted
from npmdesk.store.database import now
from npmdesk.store.base import StoreBase

DIMENSIONS = ("codes", "participants", "documents", "kinds", "attribute:NAME")
MEASURES = ("codings", "coverage", "participants")
_TITLES = {"codes": "Codes", "participants": "Participants", "documents": "Documents", "kinds": "Document kinds"}

# Every code with itself and each of its ancestors: a coding of Theme/Sub counts for Theme too when
# a matrix aggregates sub-codes into their themes.
_ANCESTORS_CTE = ("anc(code_id, key) AS (SELECT id, id FROM codes UNION ALL "
                  "SELECT anc.code_id, c.parent_id FROM anc JOIN codes c ON c.id = anc.key "
                  "WHERE c.parent_id IS NOT NULL)")


@dataclass(frozen=True)
class SaturationPoint:
    """One transcript in interview order and the codes that appeared for the first time in it."""

    document_id: int
    document: str
    position: int
    new_codes: int
    total_codes: int  # distinct codes used so far, this document included
    new_code_paths: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"document": self.document, "position": self.position, "new_codes": self.new_codes,
                "total_codes": self.total_codes, "new_code_paths": list(self.new_code_paths)}


@dataclass(frozen=True)
class ChartCell:
    """One Framework Method cell: the researcher's summary and how many excerpts lie behind it."""

    case_id: int
    code_id: int
    summary: str
    excerpts: int


class AnalysisMixin(StoreBase):
    # Matrices -----------------------------------------------------------------------------------

    def matrix(self, rows: str, cols: str, measure: str = "codings", *, aggregate: bool = False,
               code_ids: tuple[int, ...] | None = None, coder_ids: tuple[int, ...] | None = None) -> Matrix:
        """A table of counts. rows/cols: "codes", "participants", "documents", "kinds" (interview,
        focus group, ...) or "attribute:NAME" (one column per value of a participant attribute).

        measure "codings": codings in the cell; "participants": distinct participants behind them;
        "coverage": share of the participant's / document's characters coded (codes on one side).
        rows="codes", cols="codes": co-occurrence (see the module docstring).
        `aggregate` counts each theme's sub-codes under the theme; `code_ids` limits the code axis;
        `coder_ids` counts only those coders' codings (a consensus coder's, one team member's)."""
        coders = _coder_json(coder_ids)
        if measure not in MEASURES:
            raise InvalidValueError(f"unknown measure {quoted(measure)} (use {', '.join(MEASURES)})")
        rdim = self._axis(rows, code_ids)
        cdim = self._axis(cols, code_ids)
        if rows == cols == "codes":
            if measure != "codings":
                raise InvalidValueError("code co-occurrence counts codings; coverage and participants do not apply")
            counts = self._cooccurrence(aggregate, coders)
            measure = "co-occurrence"
        elif measure == "coverage":
            counts = self._coverage_cells(rows, cols, aggregate, coders)
        else:
            counts = self._count_cells(rows, cols, measure, aggregate, coders)
        cells = tuple(tuple(float(counts.get((r, c), 0)) for c in cdim[1]) for r in rdim[1])
        return Matrix(title=f"{_title(rows)} × {_title(cols)} ({measure})", row_kind=rows, col_kind=cols,
                      measure=measure, row_labels=tuple(rdim[0]), col_labels=tuple(cdim[0]),
                      row_ids=tuple(rdim[1]), col_ids=tuple(cdim[1]), cells=cells)

    def matrix_cell_filter(self, matrix: Matrix, row: int, col: int, *, aggregate: bool = False,
                           coder_ids: tuple[int, ...] | None = None) -> ExcerptFilter:
        """The excerpts behind one cell of a matrix made by `matrix()` (same `aggregate`, `coder_ids`)."""
        rk, ck = matrix.row_kind, matrix.col_kind
        rid, cid = matrix.row_ids[row], matrix.col_ids[col]
        coders = tuple(coder_ids) if coder_ids else None
        if rk == ck == "codes":
            pairs = self._cooccurring_codings(rid, cid, aggregate, _coder_json(coders))
            return ExcerptFilter(coding_ids=tuple(pairs), coder_ids=coders)
        simple = {"codes": "code_ids", "participants": "case_ids", "documents": "document_ids"}
        if rk in simple and ck in simple:  # the excerpt filter says it directly
            fields: dict[str, Any] = {simple[rk]: (rid,), simple[ck]: (cid,)}
            return ExcerptFilter(**fields, with_descendants=aggregate and "codes" in (rk, ck), coder_ids=coders)
        rsql, rparams = self._dimension_sql(rk, aggregate)
        csql, cparams = self._dimension_sql(ck, aggregate)
        ids = [r[0] for r in self.db.execute(
            f"{self._with(rk, ck, aggregate)}SELECT DISTINCT r.coding_id FROM ({rsql}) r "
            f"JOIN ({csql}) c ON c.coding_id = r.coding_id WHERE r.key = ? AND c.key = ?",
            (*rparams, *cparams, rid, cid))]
        return ExcerptFilter(coding_ids=tuple(sorted(ids)), coder_ids=coders)

    def _axis(self, kind: str, code_ids) -> tuple[list[str], list]:
        """(labels, ids) of one axis, in the order a researcher expects."""
        if kind == "codes":
            codes = [c for c in self.codes() if code_ids is None or c.id in code_ids]
            return [c.path for c in codes], [c.id for c in codes]
        if kind == "participants":
            cases = self.cases()
            return [c.name for c in cases], [c.id for c in cases]
        if kind == "documents":
            docs = self.db.execute("SELECT id, name FROM documents ORDER BY position, id").fetchall()
            return [d[1] for d in docs], [d[0] for d in docs]
        if kind == "kinds":
            present = {r[0] for r in self.db.execute("SELECT DISTINCT kind FROM documents")}
            kinds = [k for k in DOCUMENT_KINDS if k in present]
            return kinds, kinds
        if kind.startswith("attribute:"):
            attr_id = self._attribute_id(kind)
            values = [r[0] for r in self.db.execute(
                "SELECT DISTINCT value FROM case_attributes WHERE attribute_id = ? AND value IS NOT NULL", (attr_id,))]
            values.sort(key=_natural)
            type_ = self.db.execute("SELECT type FROM attributes WHERE id = ?", (attr_id,)).fetchone()[0]
            if type_ == "boolean":  # stored true/false; shown as the yes/no researchers typed
                return [{"true": "yes", "false": "no"}.get(v, v) for v in values], values
            return values, values
        raise InvalidValueError(f"unknown matrix axis {quoted(kind)} (use {', '.join(DIMENSIONS)})")

    def _attribute_id(self, kind: str) -> int:
        name = kind.split(":", 1)[1].strip()
        row = self.db.execute("SELECT id FROM attributes WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"no participant attribute named {quoted(name)}")
        return row[0]

    def _dimension_sql(self, kind: str, aggregate: bool) -> tuple[str, tuple]:
        """A query of (coding_id, key) pairs, each pair once: which cell(s) of an axis a coding is in."""
        if kind == "codes":
            if aggregate:
                return ("SELECT cg.id AS coding_id, anc.key AS key FROM codings cg "
                        "JOIN anc ON anc.code_id = cg.code_id"), ()
            return "SELECT id AS coding_id, code_id AS key FROM codings", ()
        if kind == "participants":
            return "SELECT coding_id, case_id AS key FROM coding_cases", ()
        if kind == "documents":
            return "SELECT id AS coding_id, document_id AS key FROM codings", ()
        if kind == "kinds":
            return ("SELECT cg.id AS coding_id, d.kind AS key FROM codings cg "
                    "JOIN documents d ON d.id = cg.document_id"), ()
        return ("SELECT DISTINCT cc.coding_id AS coding_id, ca.value AS key FROM coding_cases cc "
                "JOIN case_attributes ca ON ca.case_id = cc.case_id AND ca.attribute_id = ? "
                "WHERE ca.value IS NOT NULL"), (self._attribute_id(kind),)

    @staticmethod
    def _with(rows: str, cols: str, aggregate: bool) -> str:
        return f"WITH RECURSIVE {_ANCESTORS_CTE} " if aggregate and "codes" in (rows, cols) else ""

    def _count_cells(self, rows: str, cols: str, measure: str, aggregate: bool, coders: str | None = None) -> dict:
        rsql, rparams = self._dimension_sql(rows, aggregate)
        csql, cparams = self._dimension_sql(cols, aggregate)
        if measure == "participants":
            select = "count(DISTINCT cc.case_id)"
            join = " JOIN coding_cases cc ON cc.coding_id = r.coding_id"
        else:
            select, join = "count(*)", ""
        where, wparams = (_CODER_WHERE.format(column="r.coding_id"), (coders,)) if coders else ("", ())
        sql = (f"{self._with(rows, cols, aggregate)}SELECT r.key, c.key, {select} FROM ({rsql}) r "
               f"JOIN ({csql}) c ON c.coding_id = r.coding_id{join}{where} GROUP BY r.key, c.key")
        return {(r[0], r[1]): r[2] for r in self.db.execute(sql, (*rparams, *cparams, *wparams))}

    # Co-occurrence ----------------------------------------------------------------------------------

    def _overlapping_pairs_sql(self, coders: str | None = None) -> tuple[str, tuple]:
        # Each overlapping pair once: b starts inside a (ties on start broken by id). The range on
        # b.start is served by the codings_by_document index, so only real overlaps are visited.
        sql = ("FROM codings a JOIN codings b ON b.document_id = a.document_id AND b.start >= a.start "
               "AND b.start < a.end AND (b.start > a.start OR b.id > a.id) WHERE a.code_id != b.code_id")
        if not coders:
            return sql, ()
        return (sql + " AND a.coder_id IN (SELECT value FROM json_each(?)) "
                "AND b.coder_id IN (SELECT value FROM json_each(?))"), (coders, coders)

    def _cooccurrence(self, aggregate: bool, coders: str | None = None) -> dict:
        keys = self._code_keys(aggregate)
        pairs_sql, params = self._overlapping_pairs_sql(coders)
        # Counting in Python is twice as fast as SQLite's GROUP BY here (no temporary b-tree); each
        # pair is counted unordered, so the fan-out to themes below runs once per pair of codes.
        pairs = Counter((x, y) if x < y else (y, x) for x, y in
                        self.db.execute(f"SELECT a.code_id, b.code_id {pairs_sql}", params))
        counts: dict = {}
        get = counts.get
        for (x, y), n in pairs.items():
            for kx in keys.get(x, (x,)):
                for ky in keys.get(y, (y,)):
                    if kx != ky:
                        key = (kx, ky) if kx < ky else (ky, kx)
                        counts[key] = get(key, 0) + n
        for (kx, ky), n in list(counts.items()):
            counts[(ky, kx)] = n
        return counts

    def _cooccurring_codings(self, row_code: int, col_code: int, aggregate: bool,
                             coders: str | None = None) -> list[int]:
        keys = self._code_keys(aggregate)
        found: set[int] = set()
        pairs_sql, params = self._overlapping_pairs_sql(coders)
        for a, b, x, y in self.db.execute(f"SELECT a.id, b.id, a.code_id, b.code_id {pairs_sql}", params):
            kx, ky = keys.get(x, (x,)), keys.get(y, (y,))
            if (row_code in kx and col_code in ky) or (row_code in ky and col_code in kx):
                if row_code != col_code:
                    found.update((a, b))
        return sorted(found)

    def _code_keys(self, aggregate: bool) -> dict[int, tuple[int, ...]]:
        """code id -> the matrix keys its codings count for (itself, plus ancestors if aggregating)."""
        if not aggregate:
            return {}
        keys: dict[int, list[int]] = {}
        for code_id, key in self.db.execute(f"WITH RECURSIVE {_ANCESTORS_CTE} SELECT code_id, key FROM anc"):
            keys.setdefault(code_id, []).append(key)
        return {k: tuple(v) for k, v in keys.items()}

    # Coverage ---------------------------------------------------------------------------------------

    def _coverage_cells(self, rows: str, cols: str, aggregate: bool, coders: str | None = None) -> dict:
        if (rows == "codes") == (cols == "codes"):
            raise InvalidValueError("coverage needs codes on one side and participants, documents, document kinds "
                                    "or an attribute on the other")
        other = cols if rows == "codes" else rows
        regions = self._regions(other)
        totals: dict = {}
        for per_key in regions.values():
            for key, spans in per_key.items():
                totals[key] = totals.get(key, 0) + intervals.size(spans)
        keys = self._code_keys(aggregate)
        lengths = dict(self.db.execute("SELECT id, length FROM documents").fetchall())
        covered: dict = {}
        doc, by_code = None, {}  # type: tuple[int | None, dict[int, list]]

        def flush():
            for code, spans in by_code.items():
                merged = intervals.merge(spans)
                for key, region in regions.get(doc, {}).items():
                    # Most regions are a whole interview: no sweep needed.
                    whole = len(region) == 1 and region[0] == (0, lengths[doc])
                    n = intervals.size(merged) if whole else intervals.overlap_size(merged, region)
                    if n:
                        covered[(code, key)] = covered.get((code, key), 0) + n

        where, params = (_CODER_WHERE.format(column="id"), (coders,)) if coders else ("", ())
        for d, code, start, end in self.db.execute("SELECT document_id, code_id, start, end FROM codings"
                                                   f"{where} ORDER BY document_id", params):
            if d != doc:
                flush()
                doc, by_code = d, {}
            for k in keys.get(code, (code,)):
                by_code.setdefault(k, []).append((start, end))
        flush()
        share = {k: n / totals[k[1]] for k, n in covered.items() if totals.get(k[1])}
        return share if rows == "codes" else {(k[1], k[0]): v for k, v in share.items()}

    def _regions(self, kind: str) -> dict[int, dict]:
        """document id -> {axis key: merged spans of that document belonging to the key}.

        A participant's characters mirror coding_cases: the turns of speakers linked to them, and,
        in a document that is theirs, every character not in a linked speaker's turn."""
        docs = self.db.execute("SELECT id, length, case_id, kind FROM documents").fetchall()
        if kind == "documents":
            return {d: {d: [(0, n)]} for d, n, _, _ in docs if n}
        if kind == "kinds":
            return {d: {k: [(0, n)]} for d, n, _, k in docs if n}
        linked: dict[int, dict[int, list]] = {}
        for d, case, start, end in self.db.execute(
                "SELECT t.document_id, s.case_id, t.start, t.end FROM turns t JOIN speakers s ON s.id = t.speaker_id "
                "WHERE s.case_id IS NOT NULL"):
            linked.setdefault(d, {}).setdefault(case, []).append((start, end))
        by_case: dict[int, dict[int, list]] = {}
        for d, n, owner, _ in docs:
            turns = linked.get(d, {})
            per = {case: intervals.merge(spans) for case, spans in turns.items()}
            if owner is not None:
                rest = intervals.complement(intervals.merge([s for spans in turns.values() for s in spans]), n)
                per[owner] = intervals.union(per.get(owner, []), rest)
            by_case[d] = {c: s for c, s in per.items() if s}
        if kind == "participants":
            return by_case
        attr_id = self._attribute_id(kind)
        value_of = {r[0]: r[1] for r in self.db.execute(
            "SELECT case_id, value FROM case_attributes WHERE attribute_id = ? AND value IS NOT NULL", (attr_id,))}
        out: dict[int, dict] = {}
        for d, per in by_case.items():
            grouped: dict = {}
            for case, spans in per.items():
                if case in value_of:
                    grouped.setdefault(value_of[case], []).extend(spans)
            out[d] = {v: intervals.merge(s) for v, s in grouped.items()}
        return out

    # Saturation -------------------------------------------------------------------------------------

    def saturation(self) -> list[SaturationPoint]:
        """New codes per transcript in interview order (documents.position): the usual evidence for
        data saturation. A code is new in the first document (in that order) where it is applied."""
        docs = self.db.execute("SELECT id, name, position FROM documents ORDER BY position, id").fetchall()
        order = {d[0]: i for i, d in enumerate(docs)}
        first: dict[int, int] = {}
        for code_id, doc_id in self.db.execute("SELECT DISTINCT code_id, document_id FROM codings"):
            if code_id not in first or order[doc_id] < order[first[code_id]]:
                first[code_id] = doc_id
        paths = {c.id: c.path for c in self.codes()}
        new_by_doc: dict[int, list[str]] = {}
        for code_id, doc_id in first.items():
            new_by_doc.setdefault(doc_id, []).append(paths[code_id])
        out, total = [], 0
        for doc_id, name, position in docs:
            new = sorted(new_by_doc.get(doc_id, []), key=str.lower)
            total += len(new)
            out.append(SaturationPoint(doc_id, name, position, len(new), total, tuple(new)))
        return out

    # Framework Method chart -------------------------------------------------------------------------

    def chart_summary(self, case_id: int, code_id: int) -> str:
        row = self.db.execute("SELECT summary FROM chart_cells WHERE case_id = ? AND code_id = ?",
                              (case_id, code_id)).fetchone()
        return row[0] if row else ""

    def set_chart_summary(self, case_id: int, code_id: int, summary: str) -> None:
        """Write (or, if blank, clear) the summary for one participant x theme cell."""
        with self.write("chart summary", case=case_id, code=code_id) as c:
            if not c.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone():
                raise NotFoundError(f"no participant with id {case_id}")
            self._code_row(c, code_id)
            if summary.strip():
                c.execute("INSERT INTO chart_cells(case_id, code_id, summary, modified) VALUES (?,?,?,?) "
                          "ON CONFLICT(case_id, code_id) DO UPDATE SET summary = excluded.summary, "
                          "modified = excluded.modified", (case_id, code_id, summary, now()))
            else:
                c.execute("DELETE FROM chart_cells WHERE case_id = ? AND code_id = ?", (case_id, code_id))

    def chart_cells(self, code_ids: tuple[int, ...] | None = None) -> dict[tuple[int, int], ChartCell]:
        """(case id, theme id) -> cell for every participant x theme (default themes: the top-level
        codes), with the count of excerpts of the theme and its sub-codes that speak for the case."""
        if code_ids is None:
            code_ids = tuple(self.code_children(None))
        counts = self._count_cells("participants", "codes", "codings", True) if code_ids else {}
        summaries = {(r[0], r[1]): r[2] for r in self.db.execute("SELECT case_id, code_id, summary FROM chart_cells")}
        return {(case.id, cid): ChartCell(case.id, cid, summaries.get((case.id, cid), ""),
                                          counts.get((case.id, cid), 0))
                for case in self.cases() for cid in code_ids}


# Only the chosen coders' codings (a JSON list of coder ids as the one parameter).
_CODER_WHERE = " WHERE {column} IN (SELECT id FROM codings WHERE coder_id IN (SELECT value FROM json_each(?)))"


def _coder_json(coder_ids) -> str | None:
    return json.dumps(sorted(set(coder_ids))) if coder_ids else None


def _title(kind: str) -> str:
    return _TITLES.get(kind) or kind.split(":", 1)[-1]


def _natural(value: str):
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value.lower())
