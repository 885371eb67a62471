"""edit_text shifts the codings after an edit in one statement and maps only those that reach
into it; the result must be exactly the row-by-row rule's (core/text_edits.py), collisions of
one code's spans included, and undo must still restore every row."""

from __future__ import annotations

import random

import pytest

from npmdesk.core.model import TurnSpec
from npmdesk.core.text_edits import apply_edits
from npmdesk.store.documents import count_words

WORDS = "mentor feedback belonging 😀 café e\u0301tude honest clinic".split()


def _text(rng: random.Random) -> tuple[str, list[TurnSpec]]:
    lines, turns, at = [], [], 0
    for k in range(12):
        speaker = "Interviewer" if k % 2 == 0 else "NPM-1"
        line = f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        lines.append(line)
        turns.append(TurnSpec(at, at + len(line), speaker))
        at += len(line) + 1
    return "\n".join(lines), turns


def _expected(codings, mapping, old_text):
    """The row-by-row rule: every coding mapped, in id order; a coding landing on the span of an
    earlier one (same code, same coder) or losing all its text is removed."""
    first = mapping.starts[0]
    kept = {(code, coder, s, e) for _cid, code, coder, s, e in codings if e < first}
    out, removed = {}, set()
    for cid, code, coder, s, e in sorted(codings):
        if e < first:
            out[cid] = (s, e)
            continue
        span = mapping.span(s, e)
        if span is None or (code, coder, *span) in kept:
            removed.add(cid)
            continue
        kept.add((code, coder, *span))
        out[cid] = span
    return out, removed


def _state(p, doc):
    db = p.db
    return (db.execute("SELECT text FROM document_texts WHERE document_id=?", (doc,)).fetchone(),
            db.execute("SELECT * FROM documents WHERE id=?", (doc,)).fetchall(),
            db.execute("SELECT * FROM codings ORDER BY id").fetchall(),
            db.execute("SELECT * FROM turns ORDER BY id").fetchall(),
            db.execute("SELECT * FROM coding_cases ORDER BY 1, 2").fetchall())


@pytest.mark.parametrize("seed", range(12))
def test_shifted_and_mapped_codings_follow_the_rule_and_undo_restores_them(project, seed):
    rng = random.Random(seed)
    text, turns = _text(rng)
    case = project.add_case("NPM-1")
    doc = project.add_document("Interview", text, turns=turns)
    project.link_speaker(doc, "NPM-1", case)
    codes = [project.add_code(f"Code {i}") for i in range(2)]
    spans = set()
    while len(spans) < 60:
        s = rng.randrange(0, len(text) - 2)
        spans.add((rng.choice(codes), s, min(len(text), s + rng.randint(1, 40))))
    # spans exactly one character apart: a one-character shift meets them mid-statement
    for s in range(5, 200, 17):
        spans.update({(codes[0], s, s + 9), (codes[0], s + 1, s + 10), (codes[0], s - 1, s + 8)})
    with project.write("setup"):
        for code, s, e in sorted(spans):
            project.apply_coding(doc, code, s, e)
    for _round in range(4):
        old = project.document_text_for_edit(doc)
        n = rng.choice((1, 1, 2, 3))
        cuts = sorted(rng.sample(range(len(old) + 1), 2 * n))
        edits = [(cuts[2 * k], cuts[2 * k + 1], rng.choice(("", "x", "😀😀", "new words", "\n")))
                 for k in range(n)]
        if rng.random() < 0.4:  # an insertion or a one-character delete, as typing makes
            at = rng.randrange(1, len(old))
            edits = [rng.choice(((at, at, "x"), (at - 1, at, "")))]
        codings = project.db.execute("SELECT id, code_id, coder_id, start, end FROM codings "
                                     "WHERE document_id = ?", (doc,)).fetchall()
        new_text, mapping = apply_edits(old, edits)
        want, gone = _expected(codings, mapping, old)
        before = _state(project, doc)
        result = project.edit_text(doc, edits)
        step = project.last_step
        got = {r[0]: (r[1], r[2]) for r in project.db.execute(
            "SELECT id, start, end FROM codings WHERE document_id = ?", (doc,))}
        assert project.document_text_for_edit(doc) == new_text
        assert got == want
        assert {r[0] for r in result.removed} == gone
        assert result.moved == {cid for cid, span in want.items()
                                if span != next((s, e) for i, _c, _k, s, e in codings if i == cid)}
        assert project.db.execute("SELECT words, length FROM documents WHERE id=?", (doc,)).fetchone() == (
            count_words(new_text), len(new_text))
        # who each coding speaks for: as a full recount of the document says
        links = project.db.execute("SELECT * FROM coding_cases ORDER BY 1, 2").fetchall()
        with project.write("recount") as c:
            project._sync_coding_cases(c, doc)
        assert project.db.execute("SELECT * FROM coding_cases ORDER BY 1, 2").fetchall() == links
        for t in project.turns(doc):
            assert 0 <= t.start <= t.end <= len(new_text)
        if rng.random() < 0.5:
            project.revert(step)
            assert _state(project, doc) == before
