"""Code counts and coded shares kept up to date incrementally, and remembered between sessions.

Counting every coding of a big project takes about a second (400,000 codings); opening it must
not. So the numbers behind the code tree (`code_counts`, with and without descendants) and the
documents list (`coded_shares`) are computed once, then:

* **kept in step with this connection's own changes** by TEMP triggers (they live in the
  connection's temp schema, never in the project file) that log each coding added, removed or
  moved and each participant link of a coding. A later read applies only what the log says: per
  document and per participant touched, one indexed query over that document's (participant's)
  codings says which codes were present before and after, so a recount costs what the change
  touched, not what the project holds;
* **recomputed** whenever another connection (the CLI, a second window) committed: SQLite's
  `PRAGMA data_version` says so, and the log then misses changes;
* **saved beside the user's data** (not in the project: reading a project never writes it; at
  most once a minute while coding goes on, and when the project is closed and let go), keyed
  by the file's identity and SQLite's file change counter (header bytes 24-27, incremented by
  every commit in rollback-journal mode), its size and modification time. A project opened again
  unchanged finds its counts there; any commit by anyone moves the key, and a stale entry is never
  used. In WAL mode the counter does not move, so nothing is saved.

Inside an open write transaction the numbers are computed straight from the tables (the log and
the saved state only ever describe committed data).

A project with no saved state and more than IN_PLACE_CODINGS codings is not counted where it is
first read by the window: `begin_background` marks the counts **pending** and the window counts
them in parts on a connection of its own (store/counts_parts.py, ui/background_counts.py). While
pending, reads answer straight from the tables (never a stale or zero number), and the log goes on
recording this connection's changes; `take` adopts a finished count only when nothing it may have
missed was logged (else it names the parts to count again) and saves it. The command line and
other readers count in place, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.model import CodeCounts
from npmdesk.store.counts_parts import count_parts, state_json
from npmdesk.store.journal import ensure_shifting

FORMAT = 4  # 4: shares saved by 3 may be stale after an edit that moved no coding
# After the first save, later states are written at most this often while coding goes on (a write
# is 30-60 ms for 20,000 documents), and once more when the project is closed and collected.
SAVE_EVERY_S = 60.0
# Up to this many codings a project is counted where it is read (about 50 ms at most); beyond, the
# window counts it in the background (ui/background_counts.py) and shows "counting…" meanwhile.
IN_PLACE_CODINGS = 10_000

_TRIGGERS = (
    "CREATE TEMP TABLE IF NOT EXISTS npm_span_log(code_id INTEGER, document_id INTEGER, start INTEGER, end INTEGER, "
    "sign INTEGER)",
    "CREATE TEMP TABLE IF NOT EXISTS npm_case_log(code_id INTEGER, case_id INTEGER, sign INTEGER)",
    "CREATE TEMP TABLE IF NOT EXISTS npm_tree_log(code_id INTEGER)",
    "CREATE TEMP TABLE IF NOT EXISTS npm_shift_log(document_id INTEGER)",
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_shifting_ai AFTER INSERT ON temp.npm_shifting WHEN new.tbl = 'codings' "
    "BEGIN INSERT INTO npm_shift_log VALUES (new.document_id); END",
    # An edit that moves no coding (typed after the last one) still changes the share's length.
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_documents_length_au AFTER UPDATE OF length ON main.documents "
    "WHEN new.length IS NOT old.length BEGIN INSERT INTO npm_shift_log VALUES (new.id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_codings_ai AFTER INSERT ON main.codings BEGIN "
    " INSERT INTO npm_span_log VALUES (new.code_id, new.document_id, new.start, new.end, 1); END",
    # Before the row goes (and its coding_cases rows with it), while its participants can be read.
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_codings_bd BEFORE DELETE ON main.codings BEGIN "
    " INSERT INTO npm_case_log SELECT old.code_id, case_id, -1 FROM main.coding_cases WHERE coding_id = old.id; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_codings_ad AFTER DELETE ON main.codings BEGIN "
    " INSERT INTO npm_span_log VALUES (old.code_id, old.document_id, old.start, old.end, -1); END",
    # A shift (store/journal.py shift_rows) moves a document's codings by one amount: no count
    # changes, so its rows are not logged one by one; the document's coded characters are counted
    # again instead (npm_shift_log).
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_codings_au AFTER UPDATE OF code_id, document_id, start, end "
    "ON main.codings WHEN NOT EXISTS (SELECT 1 FROM temp.npm_shifting) BEGIN "
    " INSERT INTO npm_span_log VALUES (old.code_id, old.document_id, old.start, old.end, -1),"
    "  (new.code_id, new.document_id, new.start, new.end, 1);"
    " INSERT INTO npm_case_log SELECT old.code_id, case_id, -1 FROM main.coding_cases"
    "  WHERE coding_id = new.id AND old.code_id != new.code_id;"
    " INSERT INTO npm_case_log SELECT new.code_id, case_id, 1 FROM main.coding_cases"
    "  WHERE coding_id = new.id AND old.code_id != new.code_id; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_cases_ai AFTER INSERT ON main.coding_cases BEGIN "
    " INSERT INTO npm_case_log SELECT code_id, new.case_id, 1 FROM main.codings WHERE id = new.coding_id; END",
    # A coding's own deletion was logged before it went (npm_codings_bd); this is a link removed
    # while the coding stays (a speaker re-linked, a span moved, a participant deleted).
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_cases_ad AFTER DELETE ON main.coding_cases BEGIN "
    " INSERT INTO npm_case_log SELECT code_id, old.case_id, -1 FROM main.codings WHERE id = old.coding_id; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_codes_au AFTER UPDATE OF parent_id ON main.codes BEGIN "
    " INSERT INTO npm_tree_log VALUES (old.parent_id), (new.parent_id), (new.id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS npm_codes_ad AFTER DELETE ON main.codes BEGIN "
    " INSERT INTO npm_tree_log VALUES (old.parent_id), (old.id); END",
)

# Union length of each document's codings in one ordered pass (a window over codings_by_document):
# each coding adds what reaches past the furthest end before it.
_COVERED_SQL = (
    "SELECT document_id, sum(max(0, end - max(start, reach))) FROM ("
    " SELECT document_id, start, end, ifnull(max(end) OVER (PARTITION BY document_id ORDER BY start, end"
    "  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS reach FROM codings{where}"
    ") GROUP BY document_id"
)


def counts_dir() -> Path:
    from npmdesk.paths import data_dir
    return data_dir() / "counts"


def covered_characters(db, document_ids=None) -> dict[int, int]:
    """document id -> characters under at least one coding (documents without codings absent)."""
    if document_ids is None:
        return dict(db.execute(_COVERED_SQL.format(where="")).fetchall())
    out: dict[int, int] = {}
    ids = list(document_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update(db.execute(_COVERED_SQL.format(where=f" WHERE document_id IN ({','.join('?' * len(chunk))})"),
                              chunk).fetchall())
    return out


def shares_from(db, covered: dict[int, int]) -> dict[int, float]:
    if not covered:
        return {}
    ids = list(covered)
    lengths: dict[int, int] = {}
    if len(ids) > 2000:  # most of the project: one scan of the documents beats many lookups
        lengths = dict(db.execute("SELECT id, length FROM documents").fetchall())
        ids = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        lengths.update(db.execute(f"SELECT id, length FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                                  chunk).fetchall())
    return {d: min(1.0, n / lengths[d]) for d, n in covered.items() if lengths.get(d)}


def full_counts(db, with_descendants: bool) -> dict[int, CodeCounts]:
    """Codings, documents and participants per code (or per subtree), straight from the tables."""
    if not with_descendants:
        counts = {r[0]: CodeCounts(r[1], r[2], 0) for r in db.execute(
            "SELECT code_id, count(*), count(DISTINCT document_id) FROM codings GROUP BY code_id")}
        for code_id, participants in db.execute(
            "SELECT cg.code_id, count(DISTINCT cc.case_id) FROM codings cg "
            "JOIN coding_cases cc ON cc.coding_id = cg.id GROUP BY cg.code_id"
        ):
            c = counts[code_id]
            counts[code_id] = CodeCounts(c.codings, c.documents, participants)
        return counts
    # Aggregate per (code, document) and per (code, participant) first, then fan those few
    # rows out to every ancestor: one pass over the codings instead of one per subtree root.
    anc = ("WITH RECURSIVE anc(code_id, root) AS ("
           " SELECT id, id FROM codes UNION ALL"
           " SELECT anc.code_id, c.parent_id FROM anc JOIN codes c ON c.id = anc.root"
           " WHERE c.parent_id IS NOT NULL) ")
    rows = db.execute(
        anc + ", cd(code_id, document_id, n) AS (SELECT code_id, document_id, count(*) FROM codings "
        "GROUP BY code_id, document_id) "
        "SELECT anc.root, sum(cd.n), count(DISTINCT cd.document_id) FROM anc "
        "JOIN cd ON cd.code_id = anc.code_id GROUP BY anc.root"
    ).fetchall()
    participants = dict(db.execute(
        anc + ", cp(code_id, case_id) AS (SELECT DISTINCT cg.code_id, cc.case_id FROM codings cg "
        "JOIN coding_cases cc ON cc.coding_id = cg.id) "
        "SELECT anc.root, count(DISTINCT cp.case_id) FROM anc JOIN cp ON cp.code_id = anc.code_id "
        "GROUP BY anc.root"))
    return {r[0]: CodeCounts(r[1], r[2], participants.get(r[0], 0)) for r in rows}


def subtree_counts(db, code_ids, with_descendants: bool) -> dict[int, CodeCounts]:
    """full_counts for a few codes only, at a cost that follows their codings."""
    code_ids = tuple(code_ids)
    if not code_ids:
        return {}
    out: dict[int, CodeCounts] = {}
    for i in range(0, len(code_ids), 400):
        chunk = code_ids[i:i + 400]
        marks = ",".join("?" * len(chunk))
        sub = f"WITH sub(code_id, root) AS (SELECT id, id FROM codes WHERE id IN ({marks})) "
        if with_descendants:
            sub = (f"WITH RECURSIVE sub(code_id, root) AS (SELECT id, id FROM codes WHERE id IN ({marks}) "
                   "UNION ALL SELECT c.id, sub.root FROM codes c JOIN sub ON c.parent_id = sub.code_id) ")
        rows = db.execute(
            sub + "SELECT sub.root, count(*), count(DISTINCT cg.document_id) FROM sub "
            "JOIN codings cg ON cg.code_id = sub.code_id GROUP BY sub.root", chunk).fetchall()
        participants = dict(db.execute(
            sub + "SELECT sub.root, count(DISTINCT cc.case_id) FROM sub JOIN codings cg ON cg.code_id = sub.code_id "
            "JOIN coding_cases cc ON cc.coding_id = cg.id GROUP BY sub.root", chunk))
        out.update({r[0]: CodeCounts(r[1], r[2], participants.get(r[0], 0)) for r in rows})
    return out


@dataclass(frozen=True)
class Take:
    """What `CountsCache.take` made of a finished count: adopted; or count these parts again
    (`documents`, `cases`: part numbers), or every part afresh; or ask again `later` (a write
    transaction is open); or `stale` (a count since called off or superseded)."""

    adopted: bool = False
    documents: frozenset[int] = frozenset()
    cases: frozenset[int] = frozenset()
    afresh: bool = False
    later: bool = False
    stale: bool = False


class CountsCache:
    """The counts and shares of one open project, as of `version` (see the module docstring)."""

    def __init__(self, project):
        self.path = getattr(project, "path", None)  # not the project: the finalizer below must not keep it
        self.db = project.db
        self.loaded = False  # the dicts below hold a state (counted, or read from a saved one)
        self.own: dict[int, list[int]] = {}  # code -> [codings, documents, participants]
        self.agg: dict[int, list[int]] = {}  # the same over each code's subtree
        self.covered: dict[int, int] = {}  # document -> coded characters
        self.shares: dict[int, float] = {}
        # Documents whose coded characters a text edit's shift left to count again: counted when
        # a coded share is asked for (or the state saved), not on the edit's way to the screen.
        self.stale_covered: set[int] = set()
        self.data_version = None
        self.saved_key = self.synced_key = None
        self.last_save = 0.0
        self._guid: str | None = None
        # Counting in the background (store/counts_parts.py, ui/background_counts.py): while
        # `pending`, reads answer straight from the tables and the state above is not used.
        self.pending = False
        self._token = 0
        self._pending_version = None
        self._install()
        weakref.finalize(project, self.flush)  # on close-and-collect, or at exit

    def _install(self) -> None:
        ensure_shifting(self.db.conn)
        for sql in _TRIGGERS:
            self.db.execute(sql)
        self._clear_log()

    def _case_size(self, case: int) -> int:
        """How many codings speak for a participant: counted once (a participant of a heavy
        transcript speaks in 50,000), then kept in step by the log."""
        size = self.case_sizes.get(case)
        if size is None:
            size = self.case_sizes[case] = self.db.execute("SELECT count(*) FROM coding_cases WHERE case_id = ?",
                                                           (case,)).fetchone()[0]
        return size

    def _longest(self, doc: int) -> int:
        """An upper bound of the document's coding lengths (exact when first read; raised by new
        codings, never lowered): the codings overlapping a stretch start at most this far before it."""
        size = self.longest.get(doc)
        if size is None:
            size = self.longest[doc] = self.db.execute("SELECT ifnull(max(end - start), 0) FROM codings "
                                                       "WHERE document_id = ?", (doc,)).fetchone()[0]
        return size

    def _clear_log(self, folded: bool = False) -> None:
        if not folded:  # what the log held is not in the sizes below: they are read again when needed
            self.case_sizes: dict[int, int] = {}
            self.longest: dict[int, int] = {}
        for table in ("npm_span_log", "npm_case_log", "npm_tree_log", "npm_shift_log"):
            self.db.execute(f"DELETE FROM temp.{table}")

    # Reading ---------------------------------------------------------------------------------------

    def code_counts(self, with_descendants: bool, code_ids=None) -> dict[int, CodeCounts]:
        if self.db.conn.in_transaction or self.pending:
            if code_ids is not None:
                return subtree_counts(self.db, code_ids, with_descendants)
            return full_counts(self.db, with_descendants)
        self.sync()
        table = self.agg if with_descendants else self.own
        ids = table if code_ids is None else (c for c in dict.fromkeys(code_ids) if c in table)
        return {c: CodeCounts(*table[c]) for c in ids if table[c][0] > 0}

    def coded_shares(self, document_ids=None) -> dict[int, float]:
        if self.db.conn.in_transaction or self.pending:
            return shares_from(self.db, covered_characters(self.db, document_ids))
        self.sync()
        if self.stale_covered and (document_ids is None or not self.stale_covered.isdisjoint(document_ids)):
            self._settle_covered()
        if document_ids is None:
            return dict(self.shares)
        return {d: self.shares[d] for d in document_ids if d in self.shares}

    # Keeping in step -------------------------------------------------------------------------------

    def sync(self) -> None:
        version = self._version()
        if not self.loaded or version != self.data_version:
            self._start_over(version, count=True)
            return
        span_log = self.db.execute("SELECT code_id, document_id, start, end, sign FROM temp.npm_span_log").fetchall()
        case_log = self.db.execute("SELECT code_id, case_id, sum(sign) FROM temp.npm_case_log "
                                   "GROUP BY case_id, code_id").fetchall()
        tree_log = [r[0] for r in self.db.execute("SELECT DISTINCT code_id FROM temp.npm_tree_log "
                                                  "WHERE code_id IS NOT NULL")]
        shifted = {r[0] for r in self.db.execute("SELECT DISTINCT document_id FROM temp.npm_shift_log")}
        if not (span_log or case_log or tree_log or shifted):
            return
        self._clear_log(folded=True)  # the log says exactly how each known size moved:
        sizes, longest = self.case_sizes, self.longest
        for _code, case, n in case_log:
            if case in sizes:
                sizes[case] += n
        for _code, doc, start, end, sign in span_log:
            if sign > 0 and doc in longest:
                longest[doc] = max(longest[doc], end - start)
        for doc in shifted:  # an edit resized codings unlogged
            longest.pop(doc, None)
        parents = dict(self.db.execute("SELECT id, parent_id FROM codes").fetchall())
        children: dict[int, list[int]] = {}
        for c, parent in parents.items():
            children.setdefault(parent, []).append(c)
        chains: dict[int, tuple[int, ...]] = {}
        subtrees: dict[int, str] = {}

        def chain(code):
            got = chains.get(code)
            if got is None:
                got = chains[code] = _chain(code, parents)
            return got

        def subtree(root) -> str:  # the root and its descendants, as a JSON array for json_each
            got = subtrees.get(root)
            if got is None:
                out, todo = [], [root]
                while todo:
                    c = todo.pop()
                    out.append(c)
                    todo += children.get(c, ())
                got = subtrees[root] = json.dumps(out)
            return got

        recomputed: set[int] = set()
        if tree_log:  # subtrees changed: the ancestors on either side are counted again
            for code in tree_log:
                recomputed.update(chain(code))
            for table in (self.own, self.agg):
                for code in [c for c in table if c not in parents]:
                    del table[code]
            fresh = subtree_counts(self.db, sorted(recomputed), True)
            for code in recomputed:
                c = fresh.get(code)
                if c is None:
                    self.agg.pop(code, None)
                else:
                    self.agg[code] = [c.codings, c.documents, c.participants]
        net: dict[tuple[int, int], int] = {}
        for code, doc, _, _, sign in span_log:
            net[(doc, code)] = net.get((doc, code), 0) + sign
        db = self.db

        def in_document(doc, root, codes_json, limit):
            return db.execute("SELECT count(*) FROM (SELECT 1 FROM codings WHERE document_id = ? AND code_id IN "
                              "(SELECT value FROM json_each(?)) LIMIT ?)", (doc, codes_json, limit)).fetchone()[0]

        def for_case(case, root, codes_json, limit):
            # Walk whichever side is smaller: the participant's codings or the subtree's.
            subtree_size = (self.agg.get(root) or self.own.get(root) or [0])[0]
            if subtree_size < self._case_size(case):
                sql = ("SELECT count(*) FROM (SELECT 1 FROM codings cg CROSS JOIN coding_cases cc "
                       "ON cc.coding_id = cg.id AND cc.case_id = ? "
                       "WHERE cg.code_id IN (SELECT value FROM json_each(?)) LIMIT ?)")
            else:
                sql = ("SELECT count(*) FROM (SELECT 1 FROM coding_cases cc "
                       "CROSS JOIN codings cg ON cg.id = cc.coding_id "
                       "WHERE cc.case_id = ? AND cg.code_id IN (SELECT value FROM json_each(?)) LIMIT ?)")
            return db.execute(sql, (case, codes_json, limit)).fetchone()[0]

        self._fold(net, 1, in_document, chain, subtree, recomputed)
        self._fold({(case, code): n for code, case, n in case_log if n}, 2, for_case, chain, subtree, recomputed)
        # Shifted codings are not in the log: those documents' coded characters are counted afresh
        # when next asked for; until then no span change is folded into their stale totals.
        self.stale_covered |= shifted
        self._fold_spans([r for r in span_log if r[1] not in self.stale_covered])
        self.synced_key = key = self._key()
        if time.monotonic() - self.last_save > SAVE_EVERY_S:
            self._save(key)

    def _version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _start_over(self, version: int, count: bool) -> bool:
        """The state from the saved one for the file as it is, else (with `count`) counted here
        and now. False: nothing saved, and not counted."""
        key = self._key()
        # Whatever the log holds is already in the tables we are about to read or load.
        self._clear_log()
        self.stale_covered = set()
        if not self._load(key):
            if not count:
                return False
            self._compute()
            self._save(key)
        self.loaded = True
        self.synced_key = key if key is not None and self._key() == key else None
        self.data_version = version
        return True

    # Counting in the background ---------------------------------------------------------------------

    def ready(self) -> bool:
        """Whether the counts can be read without counting every coding: in step, or saved for
        the file as it is now (then loaded)."""
        if self.pending:
            return False
        if self.db.conn.in_transaction:
            return True  # read straight from the tables until the transaction is over
        version = self._version()
        if self.loaded and version == self.data_version:
            return True
        return self._start_over(version, count=False)

    def begin_background(self) -> int:
        """Counting starts elsewhere (counts_parts.count_parts on a connection of its own): reads
        answer from the tables until `take` adopts a count. From here the log says what this
        connection changed meanwhile. Returns the count's token."""
        assert not self.db.conn.in_transaction
        self.pending = True
        self.loaded = False
        self.synced_key = None
        self._token += 1
        self._pending_version = self._version()
        self._clear_log()
        self.stale_covered = set()
        return self._token

    def end_background(self, token: int) -> None:
        """The count was called off or failed: the next read counts here, as without one."""
        if token == self._token:
            self.pending = False

    def take(self, token: int, counted, in_place: bool = False) -> Take:
        """A count of every part (store/counts_parts.py) is done. Adopted if nothing changed since
        it began; else the parts to count again: those of the documents and participants this
        connection changed meanwhile (logged), or every part afresh when the code tree changed or
        another connection committed (that is not logged). With `in_place` (coding goes on faster
        than those parts are counted again elsewhere) the logged parts are counted here and now,
        on this connection, where no change can come between, and the count is adopted."""
        if token != self._token or not self.pending:
            return Take(stale=True)
        if self.db.conn.in_transaction:
            return Take(later=True)
        version = self._version()
        if version != self._pending_version or self.db.execute("SELECT 1 FROM temp.npm_tree_log LIMIT 1").fetchone():
            self._pending_version = version
            self._clear_log()
            return Take(afresh=True)
        docs = {r[0] for r in self.db.execute("SELECT document_id FROM temp.npm_span_log UNION "
                                              "SELECT document_id FROM temp.npm_shift_log")}
        cases = {r[0] for r in self.db.execute("SELECT DISTINCT case_id FROM temp.npm_case_log")}
        if docs or cases:
            self._clear_log()
            again = Take(documents=frozenset(counted.document_part(d) for d in docs),
                         cases=frozenset(counted.case_part(c) for c in cases))
            if not in_place:
                return again
            counted = count_parts(self.db.conn, counted, again.documents, again.cases)
        self.own, self.agg, self.covered, self.shares = counted.state or counted.totals()
        self.pending = False
        self.loaded = True
        self.data_version = version
        key = self.synced_key = self._key()
        self._save(key, counted.saved)
        return Take(adopted=True)

    def flush(self) -> None:
        """Save the state if it is newer than the saved one and still describes the file."""
        if self.synced_key is not None and self.synced_key != self.saved_key:
            self._save(self.synced_key)

    def _settle_covered(self) -> None:
        docs, self.stale_covered = self.stale_covered, set()
        covered = covered_characters(self.db, docs)
        shares = shares_from(self.db, covered)
        for doc in docs:
            if doc in shares:
                self.covered[doc], self.shares[doc] = covered[doc], shares[doc]
            else:
                self.covered.pop(doc, None)
                self.shares.pop(doc, None)

    def _fold(self, net: dict, slot: int, probe, chain, subtree, recomputed: set[int]) -> None:
        """Fold net changes per (container, code) into the counts. `slot` is 1 for documents, 2 for
        participants (the codings total moves with the documents only). Whether a code (or subtree)
        is present in the container before and after is asked with a probe that stops as soon as
        it knows (LIMIT n + 1), over an index: the cost follows the change, not the project."""
        by_root: dict[tuple[int, int], int] = {}
        for (container, code), n in net.items():
            if not n:
                continue
            row = self.own.setdefault(code, [0, 0, 0])
            if slot == 1:
                row[0] += n
            row[slot] += self._presence_change(probe, container, code, json.dumps([code]), n)
            for root in chain(code):
                if root not in recomputed:
                    by_root[(container, root)] = by_root.get((container, root), 0) + n
        for (container, root), n in by_root.items():
            if not n:
                continue
            row = self.agg.setdefault(root, [0, 0, 0])
            if slot == 1:
                row[0] += n
            row[slot] += self._presence_change(probe, container, root, subtree(root), n)
        for table in (self.own, self.agg):
            for code in [c for c, row in table.items() if row[0] <= 0]:
                del table[code]

    @staticmethod
    def _presence_change(probe, container, root, codes_json, n: int) -> int:
        """+1 if the container gained its first coding of these codes, -1 if it lost its last, else 0;
        `n` is the net number of codings added (negative: removed)."""
        if n > 0:  # k = min(count now, n + 1); before there were k - n
            return int(0 < probe(container, root, codes_json, n + 1) <= n)
        return -int(probe(container, root, codes_json, 1) == 0)  # it had the removed ones before

    def _fold_spans(self, span_log) -> None:
        """Coded characters per document, moved by what changed inside the changed stretches only:
        the union of the codings overlapping each stretch, now and before (now minus what was
        added plus what was removed), clipped to the stretch."""
        by_doc: dict[int, list] = {}
        for _, doc, start, end, sign in span_log:
            by_doc.setdefault(doc, []).append((start, end, sign))
        lengths = dict(self.db.execute("SELECT id, length FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                                       (json.dumps(sorted(by_doc)),)).fetchall())
        for doc, changes in by_doc.items():
            total = self.covered.get(doc, 0)
            for lo, hi in _merge([(s, e) for s, e, _ in changes]):
                now = self.db.execute("SELECT start, end FROM codings WHERE document_id = ? AND start >= ? "
                                      "AND start < ? AND end > ?", (doc, lo - self._longest(doc), hi, lo)).fetchall()
                before = Counter(now)
                for s, e, sign in changes:
                    if s < hi and e > lo:
                        before[(s, e)] -= sign
                total += _clipped_union(now, lo, hi) - _clipped_union([k for k, n in before.items() if n > 0], lo, hi)
            if total > 0 and lengths.get(doc):
                self.covered[doc] = total
                self.shares[doc] = min(1.0, total / lengths[doc])
            else:
                self.covered.pop(doc, None)
                self.shares.pop(doc, None)

    def _compute(self) -> None:
        """Everything from two scans: the codings in document order (covering index) give coded
        characters and codes per document; the distinct (code, participant) pairs give the rest.
        The fan-out to ancestors runs over those distinct pairs, not over every coding."""
        parents = dict(self.db.execute("SELECT id, parent_id FROM codes").fetchall())
        chains = {c: _chain(c, parents) for c in parents}
        own: dict[int, list[int]] = {}
        agg: dict[int, list[int]] = {}
        covered: dict[int, int] = {}
        doc = None
        reach = total = 0
        per_code: dict[int, int] = {}

        def flush():
            roots: dict[int, int] = {}
            for code, n in per_code.items():
                row = own.setdefault(code, [0, 0, 0])
                row[0] += n
                row[1] += 1
                for r in chains.get(code, (code,)):
                    roots[r] = roots.get(r, 0) + n
            for r, n in roots.items():
                row = agg.setdefault(r, [0, 0, 0])
                row[0] += n
                row[1] += 1
            covered[doc] = total

        for d, start, end, code in self.db.execute(
                "SELECT document_id, start, end, code_id FROM codings ORDER BY document_id, start, end"):
            if d != doc:
                if doc is not None:
                    flush()
                doc, reach, total, per_code = d, 0, 0, {}
            if end > reach:
                total += end - max(start, reach)
                reach = end
            per_code[code] = per_code.get(code, 0) + 1
        if doc is not None:
            flush()
        pairs: set[tuple[int, int]] = set()
        for code, case in self.db.execute("SELECT DISTINCT cg.code_id, cc.case_id FROM coding_cases cc "
                                          "JOIN codings cg ON cg.id = cc.coding_id"):
            own[code][2] += 1
            for r in chains.get(code, (code,)):
                pairs.add((r, case))
        for r, _ in pairs:
            agg[r][2] += 1
        self.own, self.agg, self.covered = own, agg, covered
        self.shares = shares_from(self.db, covered)

    # Remembering between sessions ------------------------------------------------------------------

    def _key(self):
        """The file's identity and version, or None where it cannot be known (WAL, memory, ...)."""
        path = self.path
        try:
            with open(path, "rb") as f:
                header = f.read(100)
            st = os.stat(path)
        except (OSError, TypeError):
            return None
        if len(header) < 100 or header[18] == 2:  # WAL: the change counter does not move
            return None
        if self._guid is None:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'guid'").fetchone()
            self._guid = row[0] if row else ""
        return [FORMAT, str(Path(path).resolve()), st.st_ino, st.st_size, st.st_mtime_ns,
                int.from_bytes(header[24:28], "big"), int.from_bytes(header[40:44], "big"), self._guid]

    def _file(self, key) -> Path:
        return counts_dir() / (hashlib.sha256(key[1].encode("utf-8")).hexdigest()[:24] + ".json")

    def _load(self, key) -> bool:
        if key is None:
            return False
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return False
            own = {int(c): list(v) for c, v in data["own"].items()}
            agg = {int(c): list(v) for c, v in data["agg"].items()}
            docs = data["documents"]
            covered = dict(zip(docs, data["covered"], strict=True))
            shares = {d: v for d, v in zip(docs, data["shares"], strict=True) if v is not None}  # exact repr
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False
        self.own, self.agg, self.covered, self.shares = own, agg, covered, shares
        self.saved_key = key
        return True

    def _save(self, key, body: str | None = None) -> None:
        """Write the state for `key` if the file is still at `key` (no commit raced the counting);
        `body`: the state already in its saved form (counts_parts.state_json, made off this thread)."""
        if key is None or key == self.saved_key or self._key() != key:
            return
        if self.stale_covered:
            try:
                self._settle_covered()
            except sqlite3.Error:  # closed meanwhile: the saved state would be short of those documents
                return
        if body is None:
            body = state_json(self.own, self.agg, self.covered, self.shares)
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
            tmp.write_text('{"key":' + json.dumps(key, separators=(",", ":")) + "," + body[1:], encoding="utf-8")
            tmp.replace(target)
            self.saved_key = key
            self.last_save = time.monotonic()
        except OSError:
            pass  # a cache: the numbers are right without it, only slower to get next time


def _merge(spans) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _clipped_union(spans, lo: int, hi: int) -> int:
    return sum(e - s for s, e in _merge([(max(s, lo), min(e, hi)) for s, e in spans if s < hi and e > lo]))


def _chain(code: int, parents: dict) -> tuple[int, ...]:
    """The code and its ancestors, nearest first (a cycle, which the store never makes, stops it)."""
    out, c, seen = [], code, set()
    while c is not None and c in parents and c not in seen:
        seen.add(c)
        out.append(c)
        c = parents[c]
    return tuple(out)


def cache_of(project) -> CountsCache:
    cache = project.__dict__.get("_counts_cache")
    if cache is None or cache.db is not project.db:
        cache = project.__dict__["_counts_cache"] = CountsCache(project)
    return cache


def counts_ready(project) -> bool:
    """Whether the project's counts can be read at once (see CountsCache.ready)."""
    return cache_of(project).ready()


def begin_background(project) -> int:
    """Counting starts elsewhere (see CountsCache.begin_background); returns its token."""
    return cache_of(project).begin_background()


def take(project, token: int, counted, in_place: bool = False) -> Take:
    """A background count is done (see CountsCache.take)."""
    cache = project.__dict__.get("_counts_cache")
    return Take(stale=True) if cache is None else cache.take(token, counted, in_place)


def end_background(project, token: int) -> None:
    """The background count `token` was called off or failed: reads count in place again."""
    cache = project.__dict__.get("_counts_cache")
    if cache is not None:
        cache.end_background(token)


def quick_to_count(project) -> bool:
    """Few enough codings (IN_PLACE_CODINGS) to count at once: a thread would cost more than it saves."""
    limit = IN_PLACE_CODINGS + 1
    return project.db.execute("SELECT count(*) FROM (SELECT 1 FROM codings LIMIT ?)", (limit,)).fetchone()[0] < limit


def pending(project) -> bool:
    """A count runs elsewhere (counts_parts): reads answer from the tables until it is taken."""
    cache = project.__dict__.get("_counts_cache")
    return cache is not None and cache.pending


def background_source(project) -> Path | None:
    """The file a count on a connection of its own may read for this project, or None where only
    the project's own connection sees its data (in memory, an upgraded copy, WAL mode)."""
    from npmdesk.store.database import database_file

    path = getattr(project, "path", None)
    if path is None:
        return None
    try:
        file = database_file(project.db.conn)
        with open(path, "rb") as f:
            header = f.read(100)
    except (OSError, TypeError, sqlite3.Error):
        return None
    if file is None or Path(file).resolve() != Path(path).resolve() or header[18:20] != b"\x01\x01":
        return None  # in memory (an upgraded copy), another file, or WAL mode
    return Path(path)


def flush(project) -> None:
    """Save the counts now (they are saved at most every SAVE_EVERY_S while coding goes on)."""
    cache = project.__dict__.get("_counts_cache")
    if cache is not None:
        cache.flush()


def forget(project) -> None:
    """Drop the in-memory state (tests, or a connection swapped under the project)."""
    project.__dict__.pop("_counts_cache", None)


__all__ = ["CountsCache", "Take", "background_source", "begin_background", "cache_of", "counts_ready",
           "covered_characters", "end_background", "flush", "forget", "full_counts", "pending", "quick_to_count",
           "subtree_counts", "take"]
