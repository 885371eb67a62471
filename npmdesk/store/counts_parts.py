"""A whole project's counts, counted in parts on a connection of its own (on any thread).

The first open of a project this computer has not counted (received from a colleague, or its
saved counts deleted) counts every coding. The window does that off its own thread
(ui/background_counts.py) with `count_parts`, which needs no Qt and no thread of its own:

* **Parts.** The documents are split by id into ranges of about `PART_CODINGS` codings, the
  participants (cases) likewise. A documents part gives, for its documents, the codings and
  documents per code and per subtree and the coded characters of each document; a participants
  part gives the participants per code and per subtree. Ranges do not overlap, so every number
  is a sum over parts, and one part counted again replaces just its own share.
* **Short reads.** Each part is a few statements of 10-25 ms, run by SQLite with the GIL
  released (the work is in SQL, not in a Python loop), so the window keeps its turns. In
  rollback-journal mode a reader holds off commits only while a statement runs: a coding made
  meanwhile waits at most one statement, never the whole count.
* **Changes meanwhile.** Statements read at different moments, so what the window committed while
  the count ran may be in some parts and not in others. The window's connection logs every change
  of this kind (store/counts_cache.py's TEMP triggers), and `CountsCache.take` counts again exactly
  the parts whose documents or participants the log names (a change to the code tree, or another
  program's commit, counts everything again), until a count finishes with nothing logged: then
  the result is the file as it is.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PART_CODINGS = 20_000  # codings per part: a statement of 10-25 ms at 2,000 documents / 400,000 codings
_END = 1 << 62  # past every rowid

_ANCESTORS = ("WITH RECURSIVE anc(code_id, root) AS (SELECT id, id FROM codes UNION ALL "
              "SELECT anc.code_id, c.parent_id FROM anc JOIN codes c ON c.id = anc.root "
              "WHERE c.parent_id IS NOT NULL), ")
# Each statement returns its rows as one JSON array: the sqlite3 module takes the GIL back for
# every row it returns, and each time it may wait out the window's thread (5 ms switch interval).
# Per code (kind 0) and per subtree root (kind 1): codings and documents, in one range of documents.
_DOCUMENTS_SQL = _ANCESTORS + (
    "cd(code_id, document_id, n) AS MATERIALIZED (SELECT code_id, document_id, count(*) FROM codings "
    "WHERE document_id >= ? AND document_id < ? GROUP BY document_id, code_id), "
    "out(kind, code_id, n, docs) AS (SELECT 0, code_id, sum(n), count(*) FROM cd GROUP BY code_id UNION ALL "
    "SELECT 1, anc.root, sum(cd.n), count(DISTINCT cd.document_id) FROM anc JOIN cd ON cd.code_id = anc.code_id "
    "GROUP BY anc.root) SELECT json_group_array(json_array(kind, code_id, n, docs)) FROM out")
# Per code and per subtree root: participants, in one range of participants.
_CASES_SQL = _ANCESTORS + (
    "cp(code_id, case_id) AS MATERIALIZED (SELECT DISTINCT cg.code_id, cc.case_id FROM coding_cases cc "
    "JOIN codings cg ON cg.id = cc.coding_id WHERE cc.case_id >= ? AND cc.case_id < ?), "
    "out(kind, code_id, n) AS (SELECT 0, code_id, count(*) FROM cp GROUP BY code_id UNION ALL "
    "SELECT 1, anc.root, count(DISTINCT cp.case_id) FROM anc JOIN cp ON cp.code_id = anc.code_id GROUP BY anc.root) "
    "SELECT json_group_array(json_array(kind, code_id, n)) FROM out")
# Coded characters (the union of each document's codings, as counts_cache.covered_characters) and
# the document's length.
_COVERED_SQL = (
    "SELECT json_group_array(json_array(c.document_id, c.n, d.length)) FROM ("
    " SELECT document_id, sum(max(0, end - max(start, reach))) AS n FROM ("
    "  SELECT document_id, start, end, ifnull(max(end) OVER (PARTITION BY document_id ORDER BY start, end"
    "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS reach FROM codings"
    "  WHERE document_id >= ? AND document_id < ?) GROUP BY document_id"
    ") c LEFT JOIN documents d ON d.id = c.document_id")
_SIZES_SQL = ("SELECT json_group_array(json_array(id, n)) FROM "
              "(SELECT {col} AS id, count(*) AS n FROM {table} GROUP BY {col})")


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list:
    return json.loads(conn.execute(sql, params).fetchone()[0])


class Cancelled(Exception):
    """The count was called off (the project closed)."""


@dataclass
class DocumentsPart:
    own: dict[int, tuple[int, int]]  # code -> (codings, documents)
    agg: dict[int, tuple[int, int]]  # subtree root -> (codings, documents)
    covered: dict[int, int]  # document -> coded characters
    shares: dict[int, float]  # document -> coded share


@dataclass
class CasesPart:
    own: dict[int, int]  # code -> participants
    agg: dict[int, int]  # subtree root -> participants


@dataclass
class Counted:
    """Every part's counts, and the ranges they cover (kept when parts are counted again)."""

    document_bounds: list[int]  # part i holds ids in [bounds[i-1], bounds[i]) (open at both ends)
    case_bounds: list[int]
    documents: dict[int, DocumentsPart] = field(default_factory=dict)
    cases: dict[int, CasesPart] = field(default_factory=dict)
    # Set by `finish` (on the counting thread): the totals, and their saved form.
    state: tuple | None = None
    saved: str | None = None

    def finish(self) -> Counted:
        self.state = self.totals()
        self.saved = state_json(*self.state)
        return self

    def document_part(self, document_id: int) -> int:
        return bisect_right(self.document_bounds, document_id)

    def case_part(self, case_id: int) -> int:
        return bisect_right(self.case_bounds, case_id)

    def totals(self) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int], dict[int, float]]:
        """(own, agg, covered, shares) as CountsCache keeps them: code -> [codings, documents, participants]."""
        own: dict[int, list[int]] = {}
        agg: dict[int, list[int]] = {}
        covered: dict[int, int] = {}
        shares: dict[int, float] = {}
        for d in self.documents.values():
            for target, part in ((own, d.own), (agg, d.agg)):
                for code, (n, docs) in part.items():
                    row = target.setdefault(code, [0, 0, 0])
                    row[0] += n
                    row[1] += docs
            covered.update(d.covered)
            shares.update(d.shares)
        for c in self.cases.values():
            for target, people in ((own, c.own), (agg, c.agg)):
                for code, n in people.items():
                    if code in target:  # (a code is linked to participants only through its codings)
                        target[code][2] += n
        return own, agg, covered, shares


def _ranges(sizes, target: int) -> list[int]:
    """Boundaries that cut (id, size) rows, in id order, into runs of about `target`."""
    bounds: list[int] = []
    run = 0
    for ident, n in sorted(sizes):
        if run and run + n > target:
            bounds.append(ident)
            run = 0
        run += n
    return bounds


def _span(bounds: list[int], part: int) -> tuple[int, int]:
    return (bounds[part - 1] if part > 0 else -_END), (bounds[part] if part < len(bounds) else _END)


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to the project file (SQLite's mode=ro: it never writes the file)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=False)  # made on the counting thread; interrupted from the window's
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA cache_size = -32768")
    return conn


def count_parts(conn: sqlite3.Connection, counted: Counted | None = None, documents=None, cases=None,
                cancelled: Callable[[], bool] = lambda: False,
                before_part: Callable[[str, int], None] | None = None) -> Counted:
    """Count every part (no `counted`), or again the `documents` and `cases` parts of `counted`
    (sets of part numbers; None: all). `before_part(kind, number)` is called before each part is
    read (tests hold the count there); `cancelled()` is asked between parts."""
    if counted is None:
        counted = Counted(
            _ranges(_rows(conn, _SIZES_SQL.format(col="document_id", table="codings")), PART_CODINGS),
            _ranges(_rows(conn, _SIZES_SQL.format(col="case_id", table="coding_cases")), PART_CODINGS))
        documents = cases = None
    doc_parts = range(len(counted.document_bounds) + 1) if documents is None else sorted(documents)
    case_parts = range(len(counted.case_bounds) + 1) if cases is None else sorted(cases)
    for part in doc_parts:
        if cancelled():
            raise Cancelled
        if before_part is not None:
            before_part("documents", part)
            if cancelled():
                raise Cancelled
        lo, hi = _span(counted.document_bounds, part)
        own: dict[int, tuple[int, int]] = {}
        agg: dict[int, tuple[int, int]] = {}
        for kind, code, n, docs in _rows(conn, _DOCUMENTS_SQL, (lo, hi)):
            (agg if kind else own)[code] = (n, docs)
        rows = _rows(conn, _COVERED_SQL, (lo, hi))
        covered = {d: n for d, n, _ in rows}
        shares = {d: min(1.0, n / length) for d, n, length in rows if length}  # as counts_cache.shares_from
        counted.documents[part] = DocumentsPart(own, agg, covered, shares)
    for part in case_parts:
        if cancelled():
            raise Cancelled
        if before_part is not None:
            before_part("cases", part)
            if cancelled():
                raise Cancelled
        lo, hi = _span(counted.case_bounds, part)
        own_p: dict[int, int] = {}
        agg_p: dict[int, int] = {}
        for kind, code, n in _rows(conn, _CASES_SQL, (lo, hi)):
            (agg_p if kind else own_p)[code] = n
        counted.cases[part] = CasesPart(own_p, agg_p)
    return counted.finish()


def state_json(own, agg, covered, shares) -> str:
    """The saved form of a state, without its key (CountsCache writes it under the key it is for)."""
    docs = list(covered)
    return json.dumps({"own": own, "agg": agg, "documents": docs, "covered": [covered[d] for d in docs],
                       "shares": [shares.get(d) for d in docs]}, separators=(",", ":"))


__all__ = ["Cancelled", "CasesPart", "Counted", "DocumentsPart", "connect", "count_parts", "state_json"]
