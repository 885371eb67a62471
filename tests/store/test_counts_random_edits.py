"""The counts cache's kept sizes (each participant's coding count, each document's longest coding:
store/counts_cache.py) stay true under random text edits, undo and redo, speaker links,
participant and code changes, batched or not, and writes from another connection: after each
step the counts and coded shares equal the plain computation (tests/store/test_fast_paths.py)."""

from __future__ import annotations

import random

import pytest

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.text_edits import EditError
from npmdesk.store import Project

from tests.store.test_fast_paths import WORDS, check, reference_shares, study


def _random_edit(rng, p, doc):
    n = p.document(doc).length
    s = rng.randrange(0, max(1, n - 1))
    kind = rng.random()
    if kind < 0.4:  # insertion, often inside a coding: the coding grows
        return [(s, s, " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30))))]
    if kind < 0.7:
        return [(s, min(n, s + rng.randint(1, 25)), "")]
    e = min(n, s + rng.randint(1, 8))
    return [(s, e, "".join(rng.choice("abcxyz ") for _ in range(e - s)))]  # the same length


def _step(rng, p, docs, codes, cases, undo, redo):
    op = rng.random()
    d = rng.choice(docs[:3])[0]
    n = p.document(d).length
    ids = [r[0] for r in p.db.execute("SELECT id FROM codings WHERE document_id = ?", (d,))]
    cases[:] = [r[0] for r in p.db.execute("SELECT id FROM cases")]  # (an undo may take one away)
    codes[:] = [r[0] for r in p.db.execute("SELECT id FROM codes")]
    while len(codes) < 4:
        codes.append(p.add_code(f"Fresh {rng.randrange(10**6)}", rng.choice(codes) if codes else None))
    if op < 0.22:
        s = rng.randrange(0, n - 3)
        p.apply_coding(d, rng.choice(codes), s, min(n, s + rng.randint(1, 400)))
    elif op < 0.30 and ids:
        p.remove_coding(rng.choice(ids))
    elif op < 0.40 and ids:
        s = rng.randrange(0, n - 2)
        p.change_coding_span(rng.choice(ids), s, min(n, s + rng.randint(1, 500)))
    elif op < 0.60:
        p.edit_text(d, _random_edit(rng, p, d))
    elif op < 0.72 and undo:
        redo.append(p.revert(undo.pop(), "undo"))
        return False
    elif op < 0.80 and redo:
        undo.append(p.revert(redo.pop(), "redo"))
        return False
    elif op < 0.86:
        p.link_speaker(docs[0][0], rng.choice(("NPM-1", "NPM-2")), rng.choice(cases + [None]))
    elif op < 0.89:
        case = p.add_case(f"P{rng.randrange(10**6)}")
        p.link_speaker(docs[3][0], "NPM-1", case)
        cases.append(case)
    elif op < 0.91 and len(cases) > 1:
        p.delete_case(cases.pop(rng.randrange(len(cases))))
    elif op < 0.95:
        code = rng.choice(codes)
        parent = rng.choice([None] + [c for c in codes if c != code])
        p.move_code(code, parent)
    elif op < 0.97:
        a, b = rng.sample(codes, 2)
        if rng.random() < 0.5:
            p.merge_codes(a, b)
        else:
            p.delete_code(a, children="lift", codings=rng.choice(("parent", "delete")))
    elif op < 0.985:
        old, new = rng.choice((("NPM-1", "NPM-9"), ("NPM-9", "NPM-1"), ("NPM-2", "NPM-1")))
        p.relabel_speaker(docs[0][0], old, new)
    else:
        p.edit_text(d, [(0, 0, "Interviewer: a new first line.\n")])
    return True


@pytest.mark.parametrize("seed", range(6))
def test_counts_follow_random_edits_undo_and_redo(project, seed):
    p = project
    docs, codes, cases = study(p, seed=(5, 11)[seed % 2])
    cases = list(cases)
    rng = random.Random(100 + seed)
    check(p)
    undo: list = []
    redo: list = []
    for i in range(60):
        batch = rng.random() < 0.25
        try:
            if batch:
                with p.write():
                    for _ in range(rng.randint(2, 5)):
                        try:
                            _step(rng, p, docs, codes, cases, [], [])
                        except (EditError, NpmdeskError):
                            pass
                fresh = True
            else:
                fresh = _step(rng, p, docs, codes, cases, undo, redo)
        except (EditError, NpmdeskError):
            continue
        if fresh:
            undo.append(p.last_step)
            redo.clear()
        if i % 7 == 3:  # another connection writes: the cache starts over
            other = Project.open(p.path, "Bo")
            d, _ = docs[1]
            try:
                other.apply_coding(d, other.db.execute("SELECT min(id) FROM codes").fetchone()[0], 1, 300)
                other.edit_text(docs[0][0], [(5, 5, "inserted by another window ")])
            except NpmdeskError:
                pass
            other.close()
            undo.clear()
            redo.clear()
        if rng.random() < 0.3:  # several steps' logs folded by one read
            continue
        if rng.random() < 0.5:  # shares of one document at a time (the cache settles only those)
            d = rng.choice(docs[:3])[0]
            assert p.coded_shares([d]) == {k: v for k, v in reference_shares(p).items() if k == d}
        check(p)
        kept_sizes_hold(p)


def kept_sizes_hold(p):
    """The sizes the cache keeps between reads: each participant's coding count exactly (the
    walk it chooses follows it), each document's longest coding bounded from above."""
    cache = p.__dict__["_counts_cache"]
    for case, size in cache.case_sizes.items():
        assert size == p.db.execute("SELECT count(*) FROM coding_cases WHERE case_id = ?", (case,)).fetchone()[0]
    for doc, bound in cache.longest.items():
        longest = p.db.execute("SELECT max(end - start) FROM codings WHERE document_id = ?", (doc,)).fetchone()[0]
        assert longest is None or longest <= bound


def test_a_coding_grown_by_an_edit_then_one_added_far_from_its_start(project):
    """The bound of a document's coding lengths after an edit made a coding longer, and after
    undo gave back one an edit had shortened: a coding added far into it is still seen over it."""
    p = project
    docs, codes, _ = study(p)
    d, n = docs[0]
    long_one = p.apply_coding(d, codes[4], 10, 60)
    check(p)  # the bound is read: about 60
    p.edit_text(d, [(30, 30, "x" * 500)])  # the coding grows to 550
    check(p)
    p.apply_coding(d, codes[1], 500, 505)  # 490 past its start
    check(p)
    p.edit_text(d, [(20, 540, "")])  # shortened to 20 characters, most codings inside it gone
    check(p)
    edit = p.last_step
    p.apply_coding(d, codes[2], 12, 14)  # the bound read again, short
    check(p)
    p.revert(p.last_step, "undo")
    check(p)
    p.revert(edit, "undo")  # the edit undone: the long coding is back
    check(p)
    p.apply_coding(d, codes[3], 520, 530)
    check(p)
    assert p.coding(long_one).end - p.coding(long_one).start == 550
