"""Turns stay apart through any edit: a transcript edited by random batches of replacements,
deletions across turns and typed labels keeps its turns ordered, disjoint, non-empty and inside
the text, each coding speaks for exactly the participants of the turns it overlaps, and undo
puts every row back."""

from __future__ import annotations

import random

import pytest

from npmdesk.core.errors import NpmdeskError
from npmdesk.core.model import TurnSpec
from npmdesk.store import Project

WORDS = ("yes", "the", "mentor", "day", "I said", "café", "😀", "e\u0301tude")
REPLACEMENTS = ("", "", "x", "\n", "NPM-1: ", "\nNPM-2: ", "Interviewer: ", " more words")


def _transcript(rng: random.Random) -> tuple[str, list[TurnSpec]]:
    lines, turns, at = [], [], 0
    for i in range(12):
        who = "Interviewer" if i % 2 == 0 else rng.choice(("NPM-1", "NPM-2"))
        line = f"{who}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        lines.append(line)
        turns.append(TurnSpec(at, at + len(line), who))
        at += len(line) + 1
    return "\n".join(lines), turns


def _rows(p, doc):
    db = p.db
    return (p.document_text(doc), db.execute("SELECT * FROM turns ORDER BY id").fetchall(),
            db.execute("SELECT * FROM codings ORDER BY id").fetchall(),
            db.execute("SELECT * FROM coding_cases ORDER BY coding_id, case_id").fetchall())


def _check(p, doc):
    text = p.document_text(doc)
    turns = p.turns(doc)
    for t in turns:
        assert 0 <= t.start < t.end <= len(text), (t, len(text))
    for a, b in zip(turns, turns[1:]):
        assert a.end <= b.start, (a, b)
    cases = dict(p.db.execute("SELECT id, case_id FROM speakers WHERE document_id = ?", (doc,)).fetchall())
    links: dict[int, set[int]] = {}
    for coding, case in p.db.execute("SELECT coding_id, case_id FROM coding_cases"):
        links.setdefault(coding, set()).add(case)
    for c in p.codings_in_document(doc):
        want = {cases[t.speaker_id] for t in turns if t.start < c.end and t.end > c.start
                and cases.get(t.speaker_id) is not None}
        assert links.get(c.id, set()) == want, (c, want)


@pytest.mark.parametrize("seed", range(30))
def test_random_edits_keep_turns_apart_and_undo_exactly(tmp_path, seed):
    rng = random.Random(seed)
    p = Project.create(tmp_path / "t.npmdesk", "Ana")
    try:
        text, turns = _transcript(rng)
        doc = p.add_document("Interview", text, turns=turns)
        p.link_speaker(doc, "NPM-1", p.add_case("NPM-1"))
        p.link_speaker(doc, "NPM-2", p.add_case("NPM-2"))
        code = p.add_code("Mentoring")
        for _ in range(8):
            s = rng.randrange(len(text) - 20)
            try:
                p.apply_coding(doc, code, s, s + rng.randint(3, 60))
            except NpmdeskError:
                pass
        for _ in range(25):
            text = p.document_text(doc)
            if len(text) < 12:
                break
            k = rng.randint(1, 3)
            cuts = sorted(rng.sample(range(len(text)), 2 * k))
            edits = [(a, min(b, a + rng.randint(0, 15)) if rng.random() < 0.5 else b, rng.choice(REPLACEMENTS))
                     for a, b in zip(cuts[::2], cuts[1::2])]
            before = _rows(p, doc)
            try:
                _, step = p.perform(lambda batch=edits: p.edit_text(doc, batch))
            except NpmdeskError:
                assert _rows(p, doc) == before  # a refused batch changes nothing
                continue
            _check(p, doc)
            if rng.random() < 0.3:
                redo = p.revert(step, "test")
                assert _rows(p, doc) == before
                p.revert(redo, "test")
                _check(p, doc)
    finally:
        p.close()


def test_text_replaced_across_a_turns_end_goes_to_the_turn_it_began_in(tmp_path):
    """Two turns' boundary replaced from inside the first: the replacement is the first turn's,
    the second begins after it; a turn wholly replaced from inside the one before is gone."""
    text = "NPM-1: one two\nNPM-2: three\nNPM-1: four five"
    lines = text.split("\n")
    starts = [0, len(lines[0]) + 1, len(lines[0]) + len(lines[1]) + 2]
    p = Project.create(tmp_path / "t.npmdesk", "Ana")
    try:
        doc = p.add_document("Interview", text, turns=[TurnSpec(s, s + len(line), line.split(":")[0])
                                                     for s, line in zip(starts, lines)])
        a, b = text.index("two"), text.index("three") + 2  # "two\nNPM-2: th"
        p.edit_text(doc, [(a, b, "2 and ")])
        new = p.document_text(doc)
        assert new == "NPM-1: one 2 and ree\nNPM-1: four five"
        turns = p.turns(doc)
        assert [(new[t.start:t.end], t.speaker) for t in turns] == [
            ("NPM-1: one 2 and ree", "NPM-1"), ("NPM-1: four five", "NPM-1")]
        # The second turn's text replaced from inside the first, label and all:
        text = new
        a, b = text.index("ree"), text.index("four")
        p.edit_text(doc, [(a, b, "x ")])
        new = p.document_text(doc)
        assert new == "NPM-1: one 2 and x four five"
        assert [(t.start, t.end) for t in p.turns(doc)] == [(0, len(new))]
    finally:
        p.close()


def test_a_turn_replaced_whole_with_the_start_of_the_next_leaves_no_two_turns_on_one_text(tmp_path):
    """A replacement from a turn's first character into the next turn's label, typed as a label
    of no speaker yet ("NPM-1: one\nNP" typed over as "QQ"): both turns mapped onto the
    replacement and began at the same character. Now the replacement is the turn the edit began
    in, the next one begins after it, mid-line and so without its label, and joins it."""
    text = "A: hi\nNPM-1: one\nNPM-2: three"
    p = Project.create(tmp_path / "t.npmdesk", "Ana")
    try:
        starts = [0, 6, text.index("NPM-2")]
        doc = p.add_document("Interview", text, turns=[
            TurnSpec(0, 5, "A"), TurnSpec(6, starts[2] - 1, "NPM-1"), TurnSpec(starts[2], len(text), "NPM-2")])
        p.edit_text(doc, [(6, starts[2] + 2, "QQ")])
        new = p.document_text(doc)
        assert new == "A: hi\nQQM-2: three"
        turns = p.turns(doc)
        assert [(new[t.start:t.end], t.speaker) for t in turns] == [("A: hi", "A"), ("QQM-2: three", "NPM-1")]
    finally:
        p.close()
