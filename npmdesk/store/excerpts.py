"""Retrieval of coded excerpts, whole or one page at a time, reading only the text it shows.

Order: code-tree order, then document order (documents.position, id), then start, end and the
coding's id (two coders' identical spans in the order they were made).

A page (`limit`/`offset`) costs what it shows: the codings per code under the filter (from the
counts cache when only codes restrict it, else one index-only count) say which codes the page
falls in, then only those codes' codings are sorted, and only the page's rows get their speaker,
memo, participants and text: the text as SQLite substr() of the stored document text (substr
counts characters, i.e. code points, as npmdesk offsets do) unless the document is in the text
cache. Retrieving everything reads each document's text once, in document order, and keeps none
of them: memory holds the excerpts, not the corpus.
"""

from __future__ import annotations

import gc
import json

from npmdesk.core.model import Excerpt, ExcerptFilter

_SPEAKER = ("(SELECT s.name FROM turns t JOIN speakers s ON s.id = t.speaker_id WHERE t.document_id = cg.document_id"
            " AND t.start <= cg.start ORDER BY t.start DESC LIMIT 1)")
_MEMO = "ifnull((SELECT text FROM memos m WHERE m.coding_id = cg.id), '')"
# When the passage is spoken in the recording: its turn's start time (captions, stamps, transcription).
_TIME = ("(SELECT t.begin_ms FROM turns t WHERE t.document_id = cg.document_id AND t.start <= cg.start "
         "ORDER BY t.start DESC LIMIT 1)")
_DETAIL = (f"SELECT cg.id, cg.document_id, d.name, cg.code_id, cg.start, cg.end, co.name, cg.exemplar, {_SPEAKER}, "
           f"{_MEMO}, d.position, d.guid, {_TIME}{{text}} FROM codings cg JOIN documents d ON d.id = cg.document_id "
           "JOIN coders co ON co.id = cg.coder_id")


def where_of(project, flt: ExcerptFilter) -> tuple[list[str], list]:
    """SQL conditions on `codings cg` for a filter. Id lists travel as one JSON parameter, so a
    matrix cell's 100,000 codings do not hit SQLite's limit on parameters."""
    where, params = [], []
    if flt.code_ids is not None:
        ids = set(flt.code_ids)
        if flt.with_descendants:
            for cid in flt.code_ids:
                ids.update(project.code_descendants(cid))
        where.append("cg.code_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(ids)))
    for column, values in (("cg.document_id", flt.document_ids), ("cg.coder_id", flt.coder_ids),
                           ("cg.id", flt.coding_ids)):
        if values is not None:
            where.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(set(values))))
    if flt.case_ids is not None:
        where.append("EXISTS (SELECT 1 FROM coding_cases cc WHERE cc.coding_id = cg.id AND cc.case_id IN "
                     "(SELECT value FROM json_each(?)))")
        params.append(json.dumps(sorted(set(flt.case_ids))))
    if flt.document_group_ids is not None:
        where.append("cg.document_id IN (SELECT document_id FROM document_group_members WHERE group_id IN "
                     "(SELECT value FROM json_each(?)))")
        params.append(json.dumps(sorted(set(flt.document_group_ids))))
    if flt.code_group_ids is not None:
        members = {r[0] for r in project.db.execute(
            "SELECT code_id FROM code_group_members WHERE group_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(flt.code_group_ids))),))}
        if flt.with_descendants:
            for cid in list(members):
                members.update(project.code_descendants(cid))
        where.append("cg.code_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(members)))
    if flt.exemplars_only:
        where.append("cg.exemplar = 1")
    return where, params


def count(project, flt: ExcerptFilter | None) -> int:
    where, params = where_of(project, flt or ExcerptFilter())
    return project.db.execute("SELECT count(*) FROM codings cg" + _and(where, " WHERE "), params).fetchone()[0]


def excerpts(project, flt: ExcerptFilter | None, limit: int | None, offset: int) -> list[Excerpt]:
    flt = flt or ExcerptFilter()
    where, params = where_of(project, flt)
    codes = {c.id: c for c in project.codes()}
    order = {cid: i for i, cid in enumerate(codes)}
    offset = max(0, int(offset or 0))
    if limit is None and offset == 0:
        # Tens of thousands of new objects that all live on: the cyclic collector would walk the
        # growing list again and again (a third of the time at 166,000 excerpts), and finds nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _everything(project, where, params, codes, order)
        finally:
            if collecting:
                gc.enable()
    per_code = None
    if flt.code_ids is not None and flt == ExcerptFilter(code_ids=flt.code_ids, with_descendants=flt.with_descendants):
        # Only codes restrict it: how many excerpts each code has is what the counts cache knows.
        from npmdesk.store.counts_cache import cache_of
        ids = set(flt.code_ids)
        if flt.with_descendants:
            for cid in flt.code_ids:
                ids.update(project.code_descendants(cid))
        per_code = {c: n.codings for c, n in cache_of(project).code_counts(False, sorted(ids)).items()}
    return _page(project, where, params, codes, order, limit, offset, per_code)


def _and(where: list[str], lead: str) -> str:
    return (lead + " AND ".join(where)) if where else ""


def _participants(db, ids) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    ids = list(ids)
    for i in range(0, len(ids), 20_000):
        for coding_id, name in db.execute(
                "SELECT cc.coding_id, ca.name FROM coding_cases cc JOIN cases ca ON ca.id = cc.case_id "
                "WHERE cc.coding_id IN (SELECT value FROM json_each(?))", (json.dumps(ids[i:i + 20_000]),)):
            names.setdefault(coding_id, []).append(name)
    return {cid: ", ".join(sorted(ns)) for cid, ns in names.items()}  # as ORDER BY name (binary)


def _make(r, text: str, codes, participants) -> Excerpt:
    code = codes[r[3]]
    # Positional, in Excerpt's field order: half the cost of keywords, for thousands of excerpts.
    return Excerpt(r[0], r[1], r[2], r[3], code.path, r[4], r[5], text, r[8], participants.get(r[0]), r[6],
                   bool(r[7]), r[9], code.color, r[12])


def _key(order):
    return lambda r: (order.get(r[3], 0), r[10], r[1], r[4], r[5], r[0])


def _page(project, where, params, codes, order, limit, offset, per_code=None) -> list[Excerpt]:
    db = project.db
    if per_code is None:  # one index-only count per code under the filter
        per_code = dict(db.execute("SELECT cg.code_id, count(*) FROM codings cg" + _and(where, " WHERE ")
                                   + " GROUP BY cg.code_id", params).fetchall())
    need = float("inf") if limit is None else max(0, int(limit))
    skip = offset
    ids: list[int] = []
    for code_id in sorted(per_code, key=lambda c: order.get(c, 0)):
        if need <= 0:
            break
        n = per_code[code_id]
        if skip >= n:
            skip -= n
            continue
        take = min(n - skip, need)
        ids += [r[0] for r in db.execute(
            "SELECT cg.id FROM codings cg JOIN documents d ON d.id = cg.document_id WHERE cg.code_id = ?"
            + _and(where, " AND ") + " ORDER BY d.position, cg.document_id, cg.start, cg.end, cg.id "
            "LIMIT ? OFFSET ?", (code_id, *params, -1 if take == float("inf") else take, skip))]
        need -= take
        skip = 0
    if not ids:
        return []
    rows = db.execute(_DETAIL.format(text="") + " WHERE cg.id IN (SELECT value FROM json_each(?))",
                      (json.dumps(ids),)).fetchall()
    # The text cache's transcripts are sliced here; the others give only the characters shown.
    cache = project.__dict__.get("_texts") or {}
    guids = dict(db.execute("SELECT id, guid FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                            (json.dumps(sorted({r[1] for r in rows})),)).fetchall()) if cache else {}
    cached = {d for d in guids if d in cache and cache[d][0] == guids[d]}
    missing = [r[0] for r in rows if r[1] not in cached]
    sub = dict(db.execute(
        "SELECT cg.id, substr(dt.text, cg.start + 1, cg.end - cg.start) FROM codings cg "
        "JOIN document_texts dt ON dt.document_id = cg.document_id "
        "WHERE cg.id IN (SELECT value FROM json_each(?))", (json.dumps(missing),)).fetchall()) if missing else {}
    rows = [(*r, sub[r[0]] if r[0] in sub else cache[r[1]][1][r[4]:r[5]]) for r in rows]
    rows.sort(key=_key(order))
    participants = _participants(db, ids)
    return [_make(r, r[13], codes, participants) for r in rows]


def _everything(project, where, params, codes, order) -> list[Excerpt]:
    """Rows come in document order (SQLite sorts them, in its own memory), so each document's
    text is read once, sliced and let go; only the excerpts and their sort keys stay."""
    db = project.db
    participants = dict(_participants_where(db, where, params))
    out: list[tuple] = []
    key = _key(order)
    doc_id, text = None, ""
    texts = project.__dict__.get("_texts") or {}
    # "+": sort the filter's rows (found by the code index) rather than walk every coding in
    # document order and filter them, which the planner otherwise prefers for json_each lists.
    for r in db.execute(_DETAIL.format(text="") + _and(where, " WHERE ") + " ORDER BY +cg.document_id", params):
        if r[1] != doc_id:
            doc_id = r[1]
            hit = texts.get(doc_id)
            if hit is not None and hit[0] == r[11]:
                text = hit[1]
            else:
                text = db.execute("SELECT text FROM document_texts WHERE document_id = ?", (doc_id,)).fetchone()[0]
        out.append((key(r), _make(r, text[r[4]:r[5]], codes, participants)))
    out.sort(key=lambda pair: pair[0])
    return [e for _, e in out]


def _participants_where(db, where, params):
    names: dict[int, list[str]] = {}
    for coding_id, name in db.execute(
            "SELECT cc.coding_id, ca.name FROM codings cg JOIN coding_cases cc ON cc.coding_id = cg.id "
            "JOIN cases ca ON ca.id = cc.case_id" + _and(where, " WHERE "), params):
        names.setdefault(coding_id, []).append(name)
    for cid, ns in names.items():
        yield cid, ", ".join(sorted(ns))  # as ORDER BY name (binary)
