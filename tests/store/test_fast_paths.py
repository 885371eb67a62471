"""The fast paths of issue 14 answer exactly what a straightforward computation says.

Counts and coded shares are cached and updated incrementally (store/counts_cache.py), search hits
are found lazily page by page, excerpts are read page by page: each is compared here with a
reference computed the plain way from the tables, on a small generated project, after every kind
of change that can move them, from this connection and from another one, and after a reopen."""

from __future__ import annotations

import random
import re
import sqlite3

import pytest

from npmdesk.core.errors import NameClashError
from npmdesk.core.paragraphs import LINE_BREAK
from npmdesk.core.model import CodeCounts
from npmdesk.store import ExcerptFilter, Project, TurnSpec
from npmdesk.store import counts_cache
from npmdesk.store.counts_cache import flush, forget

WORDS = ("budget cuts feedback José jose café cafe mentor belonging 😀 学习 e\u0301tude honest peer support "
         "time the and of budget-cuts Budget Cuts").split()


def reference_counts(p, with_descendants: bool) -> dict[int, CodeCounts]:
    parents = dict(p.db.execute("SELECT id, parent_id FROM codes").fetchall())
    cases = {}
    for coding, case in p.db.execute("SELECT coding_id, case_id FROM coding_cases"):
        cases.setdefault(coding, set()).add(case)
    per: dict[int, list] = {}
    for cid, code, doc in p.db.execute("SELECT id, code_id, document_id FROM codings"):
        keys = [code]
        if with_descendants:
            c = parents[code]
            while c is not None:
                keys.append(c)
                c = parents[c]
        for k in keys:
            row = per.setdefault(k, [0, set(), set()])
            row[0] += 1
            row[1].add(doc)
            row[2].update(cases.get(cid, ()))
    return {k: CodeCounts(n, len(d), len(c)) for k, (n, d, c) in per.items()}


def reference_shares(p) -> dict[int, float]:
    lengths = dict(p.db.execute("SELECT id, length FROM documents").fetchall())
    chars: dict[int, set] = {}
    for doc, s, e in p.db.execute("SELECT document_id, start, end FROM codings"):
        chars.setdefault(doc, set()).update(range(s, e))
    return {d: min(1.0, len(c) / lengths[d]) for d, c in chars.items() if lengths[d]}


def check(p):
    for agg in (False, True):
        assert p.code_counts(with_descendants=agg) == reference_counts(p, agg)
        some = list(p.db.execute("SELECT id FROM codes"))[:3]
        want = reference_counts(p, agg)
        assert p.code_counts(with_descendants=agg, code_ids=[r[0] for r in some]) == {
            r[0]: want[r[0]] for r in some if r[0] in want}
    assert p.coded_shares() == pytest.approx(reference_shares(p), abs=0, rel=1e-12)
    assert set(p.coded_shares()) == set(reference_shares(p))


def _text(rng, n):
    lines, out = [], []
    for i in range(n):
        who = "Interviewer" if i % 2 == 0 else rng.choice(("NPM-1", "NPM-2"))
        lines.append(f"{who}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 15))) + ".")
    text = "\n".join(lines)
    pos = 0
    for line in lines:
        out.append(TurnSpec(pos, pos + len(line), line.split(":")[0]))
        pos += len(line) + 1
    return text, out


def study(p, seed=5):
    rng = random.Random(seed)
    a, b, c = p.add_case("NPM-1"), p.add_case("NPM-2"), p.add_case("Owner")
    docs = []
    for i in range(6):
        text, turns = _text(rng, 12)
        d = p.add_document(f"doc {i}", text, kind="focus-group" if i % 3 == 0 else "interview",
                           case_id=c if i % 2 else None, turns=turns)
        if i % 3 == 0:
            p.link_speaker(d, "NPM-1", a)
            p.link_speaker(d, "NPM-2", b)
        docs.append((d, len(text)))
    theme = p.add_code("Theme")
    sub = p.add_code("Sub", theme)
    codes = [theme, sub, p.add_code("Leaf", sub), p.add_code("Leaf 2", sub), p.add_code("Other"),
             p.add_code("Deep", p.add_code("Mid", theme))]
    for _ in range(150):
        d, n = rng.choice(docs)
        s = rng.randrange(0, n - 5)
        try:
            p.apply_coding(d, rng.choice(codes), s, min(n, s + rng.randint(1, 60)))
        except NameClashError:
            pass
    return docs, codes, (a, b, c)


def test_counts_and_shares_follow_every_change(project):
    p = project
    docs, codes, (a, b, c) = study(p)
    check(p)
    rng = random.Random(9)
    ids = [r[0] for r in p.db.execute("SELECT id FROM codings")]
    p.remove_coding(ids[0])
    check(p)
    coding = p.coding(ids[1])
    p.change_coding_span(coding.id, coding.start, coding.end + 3 if coding.end + 3 <= docs[0][1] else coding.end)
    check(p)
    with p.write():  # several changes, one transaction, one sync
        for _ in range(10):
            d, n = rng.choice(docs)
            s = rng.randrange(0, n - 5)
            try:
                p.apply_coding(d, rng.choice(codes), s, s + 4)
            except NameClashError:
                pass
        assert p.code_counts() == reference_counts(p, False)  # inside the transaction too
        p.remove_coding(ids[2])
    check(p)
    p.link_speaker(docs[0][0], "NPM-1", b)
    check(p)
    p.set_document_case(docs[1][0], a)
    check(p)
    p.move_code(codes[2], codes[4])  # Leaf moves from Theme/Sub to Other
    check(p)
    p.merge_codes(codes[3], codes[5])
    check(p)
    p.delete_code(codes[1], children="lift", codings="parent")
    check(p)
    p.delete_case(b)
    check(p)
    p.delete_document(docs[2][0])
    check(p)
    try:
        with p.write():
            p.remove_coding(ids[5])
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    check(p)


def test_another_connection_and_reopen(project, tmp_path):
    p = project
    docs, codes, _ = study(p)
    check(p)
    other = Project.open(p.path, "Bo")
    other.apply_coding(docs[0][0], codes[4], 0, 3)
    other.remove_coding(other.db.execute("SELECT max(id) FROM codings WHERE code_id = ?", (codes[2],)).fetchone()[0])
    other.close()
    check(p)  # data_version moved: counted again
    p.apply_coding(docs[1][0], codes[0], 1, 9)
    before = p.code_counts(with_descendants=True)
    flush(p)
    p.close()
    q = Project.open(p.path, "Ana")  # the saved state is used (and is right)
    calls = []
    real = counts_cache.CountsCache._compute
    counts_cache.CountsCache._compute = lambda self: (calls.append(1), real(self))
    try:
        assert q.code_counts(with_descendants=True) == before
    finally:
        counts_cache.CountsCache._compute = real
    assert calls == []
    check(q)
    q.close()
    # A change made while no npmdesk had the project open (another program): the key moved.
    conn = sqlite3.connect(str(p.path))
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM codings WHERE id = (SELECT min(id) FROM codings)")
    conn.commit()
    conn.close()
    r = Project.open(p.path, "Ana")
    check(r)
    forget(r)
    check(r)
    r.close()


def test_reading_leaves_the_file_alone(project):
    p = project
    study(p)
    p.code_counts()
    header = p.path.read_bytes()[:100]
    p.apply_coding(1, 1, 0, 2)
    p.code_counts(with_descendants=True)
    p.coded_shares()
    after = p.path.read_bytes()[:100]
    p.code_counts()
    assert p.path.read_bytes()[:100] == after != header  # syncing the cache commits nothing


# Search ----------------------------------------------------------------------------------------------

def reference_search(p, query):
    from npmdesk.store.search import SNIPPET_CONTEXT, hit_pattern
    pattern = hit_pattern(query)
    hits = []
    match = " AND ".join('"' + (a or b).replace('"', "") + '"' for a, b in re.findall(r'"([^"]+)"|(\S+)', query))
    found = {r[0] for r in p.db.execute("SELECT rowid FROM document_texts_fts WHERE document_texts_fts MATCH ?",
                                        (match,))}
    for doc in p.documents():
        if doc.id not in found:
            continue
        text = p.document_text(doc.id)
        turns = p.turns(doc.id)
        links = {s.name: s.case for s in p.speakers(doc.id)}
        for m in pattern.finditer(text):
            before = [t for t in turns if t.start <= m.start()]
            speaker = before[-1].speaker if before else None
            a, b = max(0, m.start() - SNIPPET_CONTEXT), min(len(text), m.end() + SNIPPET_CONTEXT)
            snippet = ("…" if a else "") + LINE_BREAK.sub(" ", text[a:b]) + ("…" if b < len(text) else "")
            hits.append((doc.id, doc.name, m.start(), m.end(), snippet, speaker, links.get(speaker) or doc.case))
    return hits


@pytest.mark.parametrize("query", ['"budget cuts"', "jose", "café", "feedback mentor", "学习", "etude"])
def test_search_pages_match_the_reference(project, query):
    p = project
    study(p)
    want = reference_search(p, query)
    assert want
    got = [(h.document_id, h.document, h.start, h.end, h.snippet, h.speaker, h.participant)
           for h in p.search(query, limit=10_000)]
    assert got == want
    assert [tuple(h.__dict__.values()) for h in p.search(query, limit=7, offset=5)] == want[5:12]
    assert len(p.search(query, limit=3)) == min(3, len(want))
    assert [(h.document_id, h.start) for h in p.iter_search(query)] == [(w[0], w[2]) for w in want]
    docs = sorted({w[0] for w in want})[:1]
    assert [(h.document_id, h.start) for h in p.search(query, document_ids=docs)] == \
        [(w[0], w[2]) for w in want if w[0] in docs]


# Excerpts -------------------------------------------------------------------------------------------

def reference_excerpts(p, flt):
    codes = {c.id: c for c in p.codes()}
    order = {c: i for i, c in enumerate(codes)}
    wanted = None
    if flt.code_ids is not None:
        wanted = set(flt.code_ids)
        if flt.with_descendants:
            for c in flt.code_ids:
                wanted.update(p.code_descendants(c))
    docs = {d.id: d for d in p.documents()}
    rows = []
    for cg in p.db.execute("SELECT id, document_id, code_id, start, end, coder_id FROM codings"):
        if wanted is not None and cg[2] not in wanted:
            continue
        if flt.document_ids is not None and cg[1] not in flt.document_ids:
            continue
        rows.append(cg)
    rows.sort(key=lambda r: (order[r[2]], docs[r[1]].position, r[1], r[3], r[4], r[0]))
    out = []
    for cid, doc, code, s, e, _ in rows:
        text = p.document_text(doc)
        turns = [t for t in p.turns(doc) if t.start <= s]
        cases = sorted(r[0] for r in p.db.execute(
            "SELECT ca.name FROM coding_cases cc JOIN cases ca ON ca.id = cc.case_id WHERE cc.coding_id = ?", (cid,)))
        out.append((cid, doc, docs[doc].name, code, codes[code].path, s, e, text[s:e],
                    turns[-1].speaker if turns else None, ", ".join(cases) or None))
    return out


def _shown(excerpts):
    return [(e.coding_id, e.document_id, e.document, e.code_id, e.code, e.start, e.end, e.text, e.speaker,
             e.participant) for e in excerpts]


def test_excerpt_pages_match_the_reference(project):
    p = project
    docs, codes, _ = study(p)
    p.set_memo("coding", p.db.execute("SELECT min(id) FROM codings").fetchone()[0], "a memo")
    p.move_document(docs[3][0], 0)  # document order is not id order
    for flt in (ExcerptFilter(code_ids=(codes[0],), with_descendants=True), ExcerptFilter(),
                ExcerptFilter(code_ids=(codes[2], codes[4])),
                ExcerptFilter(code_ids=(codes[0],), with_descendants=True, document_ids=(docs[0][0], docs[4][0]))):
        want = reference_excerpts(p, flt)
        assert want
        assert _shown(p.excerpts(flt)) == want
        assert p.count_excerpts(flt) == len(want)
        for offset, limit in ((0, 5), (3, 17), (len(want) - 2, 10), (len(want) + 5, 3)):
            assert _shown(p.excerpts(flt, limit=limit, offset=offset)) == want[offset:offset + limit]
        p.__dict__.pop("_texts", None)  # no text in memory: substr() of the stored text
        assert _shown(p.excerpts(flt, limit=9, offset=2)) == want[2:11]
        assert _shown(p.excerpts(flt)) == want
        p.document_text(docs[0][0])  # one transcript in memory, the others by substr()
        assert _shown(p.excerpts(flt, limit=len(want))) == want
    full = {e.coding_id: e for e in p.excerpts()}
    assert [full[e.coding_id] for e in p.excerpts(limit=40, offset=10)] == p.excerpts(limit=40, offset=10)


def test_changes_are_folded_in_not_recounted(project, monkeypatch):
    from npmdesk.store import counts_cache
    p = project
    docs, codes, _ = study(p)
    calls = []
    real = counts_cache.CountsCache._compute
    monkeypatch.setattr(counts_cache.CountsCache, "_compute", lambda self: (calls.append(1), real(self)))
    forget(p)
    p.code_counts()
    p.apply_coding(docs[0][0], codes[2], 0, 5)
    p.remove_coding(p.db.execute("SELECT min(id) FROM codings").fetchone()[0])
    p.move_code(codes[2], None)
    p.link_speaker(docs[0][0], "NPM-2", None)
    check(p)
    assert len(calls) == 1


def test_a_coding_longer_than_any_before(project):
    """The cache bounds a document's coding lengths, to read only the codings that can overlap a
    change: a coding far longer than the bound read first, and a span grown past it, are seen."""
    p = project
    docs, codes, (a, _b, _c) = study(p)
    d, n = docs[0]
    for start in (3, 11):
        p.apply_coding(d, codes[0], start, start + 4)
        check(p)  # the first read counts; the second change folded in reads the document's bound
    long_one = p.apply_coding(d, codes[4], 0, n // 2)
    check(p)
    inside = p.apply_coding(d, codes[1], n // 2 - 10, n // 2 + 10)  # half inside the long coding
    check(p)
    p.remove_coding(inside)
    check(p)
    short = p.apply_coding(d, codes[2], n - 8, n - 4)
    p.change_coding_span(short, n // 2 + 1, n - 4)  # grown past the bound
    check(p)
    p.apply_coding(d, codes[3], n - 12, n - 6)
    check(p)
    p.remove_coding(long_one)
    p.link_speaker(d, "NPM-1", None)  # that participant's codings in this document speak for no one
    check(p)
    p.link_speaker(d, "NPM-1", a)
    p.apply_coding(d, codes[0], 2, 9)
    check(p)


def test_random_changes_batched_or_not(project):
    """Random codings added, removed, moved and re-coded, sometimes many in one transaction
    (one sync folds them all), always equal to the plain computation."""
    p = project
    docs, codes, cases = study(p, seed=11)
    rng = random.Random(4)
    check(p)
    for _ in range(25):
        batch = rng.random() < 0.4
        with p.write():
            for _ in range(rng.randint(1, 6) if batch else 1):
                ids = [r[0] for r in p.db.execute("SELECT id FROM codings")]
                op = rng.random()
                d, n = rng.choice(docs[:4])  # a few documents: lots of overlap
                try:
                    if op < 0.45:
                        s = rng.randrange(0, n - 3)
                        p.apply_coding(d, rng.choice(codes), s, min(n, s + rng.randint(1, 40)))
                    elif op < 0.8 and ids:
                        p.remove_coding(rng.choice(ids))
                    elif ids:
                        c = p.coding(rng.choice(ids))
                        length = p.document(c.document_id).length
                        s = rng.randrange(0, length - 2)
                        p.change_coding_span(c.id, s, min(length, s + rng.randint(1, 30)))
                except NameClashError:
                    pass
                if batch and rng.random() < 0.3:  # add and remove the same span in one sync
                    s = rng.randrange(0, n - 3)
                    try:
                        cid = p.apply_coding(d, codes[2], s, s + 2)
                        p.remove_coding(cid)
                    except NameClashError:
                        pass
        check(p)


def test_read_only_project_counts_without_writing(project):
    p = project
    study(p)
    p.close()
    before = p.path.read_bytes()
    q = Project.open(p.path, "Ana", read_only=True)
    check(q)
    assert [h.start for h in q.search("feedback", limit=3)] == [h[2] for h in reference_search(q, "feedback")[:3]]
    assert _shown(q.excerpts(limit=4)) == reference_excerpts(q, ExcerptFilter())[:4]
    q.close()
    assert p.path.read_bytes() == before


def test_a_documents_codings_read_fast_are_the_plain_codings(project):
    from dataclasses import FrozenInstanceError, asdict

    from npmdesk.core.model import Coding

    study(project)
    doc = max(project.documents(), key=lambda d: len(project.codings_in_document(d.id)))
    plain = [Coding(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], coder=r[9])
             for r in project.db.execute(
                 "SELECT cg.id, cg.document_id, cg.code_id, cg.start, cg.end, cg.coder_id, cg.exemplar, cg.created, "
                 "cg.guid, co.name FROM codings cg JOIN coders co ON co.id = cg.coder_id WHERE cg.document_id = ? "
                 "ORDER BY cg.start, cg.end", (doc.id,))]
    fast = project.codings_in_document(doc.id)
    assert plain and fast == plain
    assert [asdict(c) for c in fast] == [asdict(c) for c in plain]
    assert {hash(c) for c in fast} == {hash(c) for c in plain}
    assert project.coding(fast[0].id) == fast[0] and isinstance(fast[0].exemplar, bool)
    with pytest.raises(FrozenInstanceError):
        fast[0].start = 0  # type: ignore[misc]
    import gc
    assert gc.isenabled()
