"""Review of the text-edit journal ('t' entries) and the shift seal: random edits, relabels and
codings, with and without a seal between them, undone and redone in LIFO order (merged steps as
the window merges typing), must give the file back byte for byte; another program's write to a
shifted row, to the text, or to anything before the seal must make undo refuse with nothing
changed."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

from npmdesk.core.model import TurnSpec
from npmdesk.core.text_edits import EditError
from npmdesk.core.errors import NpmdeskError
from npmdesk.store import Project
from npmdesk.store.journal import Step, UndoConflictError
from tests.store.test_journal import _dump

WORDS = ("mentor", "aa", "aaa", "ll", "café", "e\u0301tude", "😀", "😀😀", "שלום", "مرحبا", "ß", "x", "xx",
         "belonging", "e\u0301e\u0301", "👩‍⚕️")
SPEAKERS = ("Interviewer", "NPM-1", "NPM-2")


def _make(tmp_path, seed: int, lines: int = 24) -> Project:
    rng = random.Random(seed)
    parts, turns, at = [], [], 0
    for k in range(lines):
        speaker = SPEAKERS[k % 3] if k % 5 else SPEAKERS[0]
        line = f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7)))
        parts.append(line)
        turns.append(TurnSpec(at, at + len(line), speaker))
        at += len(line) + 1
    text = "\n".join(parts)
    p = Project.create(tmp_path / f"r{seed}.npmdesk", "Ana")
    doc = p.add_document("Interview", text, turns=turns)
    p.add_document("Other", "untouched " * 20)
    p.link_speaker(doc, "NPM-1", p.add_case("NPM-1"))
    p.link_speaker(doc, "NPM-2", p.add_case("NPM-2"))
    codes = [p.add_code(f"C{k}") for k in range(3)]
    with p.write("setup"):
        for _ in range(120):
            s = rng.randrange(0, len(text) - 1)
            e = min(len(text), s + rng.choice((1, 1, 2, 3, 5, 12, 40)))
            try:
                p.apply_coding(doc, rng.choice(codes), s, e)
            except Exception:
                pass
        # Spans of one code exactly one character apart: a shift meets them midway (parking).
        for s in range(200, 230):
            try:
                p.apply_coding(doc, codes[0], s, s + 1)
            except Exception:
                pass
    second_coder(p.path, doc, codes, rng, 20, (1, 3, 9))  # before any edit
    p.doc, p.codes = doc, codes
    return p


def _random_edits(rng: random.Random, text: str) -> list[tuple[int, int, str]]:
    n = len(text)
    kind = rng.randrange(7)
    a = rng.randrange(1, n - 2)
    if kind == 0:  # typed beside the same character
        return [(a, a, text[a - 1] * rng.choice((1, 1, 2)))]
    if kind == 1:  # one of a repeated character (or any) deleted
        return [(a, a + 1, "")]
    if kind == 2:  # a deletion spanning codings
        return [(a, min(n, a + rng.randint(2, 60)), "")]
    if kind == 3:  # same-length replacement
        b = min(n, a + rng.randint(1, 6))
        return [(a, b, "".join(rng.choice("ab😀\u0301ש") for _ in range(b - a)))]
    if kind == 4:  # replacement that starts or ends as before
        b = min(n, a + rng.randint(1, 8))
        return [(a, b, text[a] + rng.choice(WORDS) + text[b - 1])]
    if kind == 5:  # multi-edit batch
        points = sorted(rng.sample(range(1, n - 2), 3))
        edits, prev = [], -1
        for q in points:
            if q <= prev:
                continue
            end = min(n, q + rng.choice((0, 0, 1, 3)))
            if edits and q < edits[-1][1]:
                continue
            edits.append((q, end, rng.choice(("", "x", "😀", "\n", text[q - 1]))))
            prev = end
        return edits
    return [(a, a, rng.choice(("x", "😀 ", "\n", "e\u0301", "שלום ", "\nNPM-2: ")))]


def _perform(rng: random.Random, p: Project):
    """One random write; the Step (None if it wrote nothing or was refused as it should be)."""
    text = p.document_text_for_edit(p.doc)
    r = rng.random()
    before = p.last_step
    try:
        if r < 0.75:
            p.edit_text(p.doc, _random_edits(rng, text))
        elif r < 0.85:
            speakers = [row[0] for row in p.db.execute("SELECT name FROM speakers WHERE document_id = ?", (p.doc,))]
            old = rng.choice(speakers)
            # Labels of one length only: the redo of a relabel that moves turns is refused (a
            # turn's journalled speaker identity is the one before the rename; reported apart).
            old = rng.choice([s for s in speakers if s.startswith("NPM-")] or [old])
            new = rng.choice([s for s in ("NPM-1", "NPM-2", "NPM-3", "NPM-4") if s != old])
            p.relabel_speaker(p.doc, old, new)
        else:
            s = rng.randrange(0, len(text) - 1)
            p.apply_coding(p.doc, rng.choice(p.codes), s, min(len(text), s + rng.randint(1, 20)))
    except EditError:
        return None
    except (UndoConflictError, sqlite3.Error):
        raise
    except Exception:  # noqa: BLE001 (an already-coded span, a speaker that is no longer there)
        return None
    step = p.last_step
    if step is before or not step.entries:
        return None
    return step, r < 0.75


def _run(tmp_path, seed: int, ops: int, seal_rate: float, merge_rate: float) -> int:
    """Random writes, undos and redos; each undo gives back the file as it was before its step,
    each redo the file as it was after. Returns how many undos were checked."""
    rng = random.Random(seed)
    p = _make(tmp_path, seed)
    # The undo stack: [step, inverse, dump before, dump after, typed]; `top` of them are done.
    # Only text edits merge (the window merges typing).
    stack: list[list] = []
    top = 0
    checked = 0
    try:
        for _ in range(ops):
            if rng.random() < seal_rate:
                p.seal_pending()
            r = rng.random()
            if r < 0.55 or top == 0 and r < 0.8:
                dump = _dump(p.path)
                done = _perform(rng, p)
                if done is None:
                    continue
                step, typed = done
                del stack[top:]
                after = _dump(p.path)
                # The window's mergeWith: the journals follow each other.
                if typed and top and stack[top - 1][4] and rng.random() < merge_rate:
                    cmd = stack[top - 1]
                    cmd[0] = Step(cmd[0].entries + step.entries, cmd[0].changes | step.changes)
                    cmd[3] = after
                else:
                    stack.append([step, None, dump, after, typed])
                    top += 1
            elif r < 0.8 and top:
                cmd = stack[top - 1]
                assert _dump(p.path) == cmd[3]
                cmd[1] = p.revert(cmd[0], "undo")
                assert _dump(p.path) == cmd[2], f"seed {seed}: undo did not give the file back"
                top -= 1
                checked += 1
            elif top < len(stack):
                cmd = stack[top]
                cmd[0] = p.revert(cmd[1], "redo")
                assert _dump(p.path) == cmd[3], f"seed {seed}: redo did not give the file back"
                top += 1
        while top:  # everything undone, in LIFO order
            cmd = stack[top - 1]
            p.revert(cmd[0], "undo")
            assert _dump(p.path) == cmd[2], f"seed {seed}: undo did not give the file back"
            top -= 1
            checked += 1
    finally:
        p.close()
    return checked


@pytest.mark.parametrize("seal_rate,merge_rate", [(0.0, 0.0), (1.0, 0.0), (0.5, 0.5), (0.0, 0.8), (1.0, 0.8)])
def test_random_edits_relabels_and_codings_undo_and_redo_byte_for_byte(tmp_path, seal_rate, merge_rate):
    """Fixed seeds (a run takes ~0.3 s). Other seeds meet spans parked by the edit and by its
    shift at the same offset (reported apart), so the seeds stay fixed."""
    base = int(seal_rate * 10 + merge_rate * 100)
    started = time.monotonic()
    checked = sum(_run(tmp_path, base + 1000 * k, 30, seal_rate, merge_rate) for k in range(RUNS))
    assert checked > 2 * RUNS
    assert time.monotonic() - started < 30


RUNS = 6


# Another program's writes ------------------------------------------------------------------------


def _other(p: Project, meddle) -> None:
    other = Project.open(p.path, "Cli")
    try:
        meddle(other)
    finally:
        other.close()


def _refused(p: Project, step: Step) -> None:
    before = _dump(p.path)
    with pytest.raises(UndoConflictError, match="Nothing was undone"):
        p.revert(step, "undo")
    assert _dump(p.path) == before


def _typing(p: Project, at: int, text: str, seal: bool) -> Step:
    """Characters typed one by one at `at` and merged as the window merges typing."""
    merged = None
    for k, ch in enumerate(text):
        p.edit_text(p.doc, [(at + k, at + k, ch)])
        step = p.last_step
        merged = step if merged is None else Step(merged.entries + step.entries, merged.changes | step.changes)
        if seal:
            p.seal_pending()
    assert merged is not None
    return merged


def _late_coding(p: Project, after: int) -> int:
    return max(r[0] for r in p.db.execute("SELECT id FROM codings WHERE document_id = ? AND start > ?",
                                          (p.doc, after)))


def _late_turn(p: Project, after: int) -> int:
    return max(r[0] for r in p.db.execute("SELECT id FROM turns WHERE document_id = ? AND start > ?",
                                          (p.doc, after)))


@pytest.mark.parametrize("seal", [False, True])
@pytest.mark.parametrize("meddle", ["span", "exemplar", "remove", "turn", "text", "unrelated", "set back"])
def test_another_programs_write_after_merged_typing_makes_undo_refuse(tmp_path, seal, meddle):
    p = _make(tmp_path, 7)
    try:
        before = _dump(p.path)
        step = _typing(p, 100, "ab😀b", seal)  # unsealed: the last keystroke's shifts wait for a seal
        cid, tid = _late_coding(p, 300), _late_turn(p, 300)

        def write(other: Project) -> None:
            if meddle == "span":
                other.change_coding_span(cid, 2, 5)
            elif meddle == "exemplar":
                other.set_exemplar(cid, True)
            elif meddle == "remove":
                other.remove_coding(cid)
            elif meddle == "turn":
                with other.write("turn"):
                    other.db.conn.execute("UPDATE turns SET begin_ms = 5 WHERE id = ?", (tid,))
            elif meddle == "text":
                other.edit_text(p.doc, [(0, 0, "!")])
            elif meddle == "unrelated":
                other.add_code("Unrelated")
            else:  # a change set back: the rows are as the step left them
                other.set_exemplar(cid, True)
                other.set_exemplar(cid, False)

        _other(p, write)
        if meddle in ("unrelated", "set back") and seal:  # sealed before: nothing of the step changed
            p.revert(step, "undo")
            assert {k: v for k, v in _dump(p.path).items() if k != "codes"} == \
                {k: v for k, v in before.items() if k != "codes"}
        else:
            _refused(p, step)
    finally:
        p.close()


def test_a_parked_coding_another_program_changed_makes_undo_refuse(tmp_path):
    """A coding the shift moved and a later entry placed again is left out of the shift's digest:
    that entry must check it."""
    p = _make(tmp_path, 8)
    try:
        p.edit_text(p.doc, [(199, 201, "")])  # meets the one-apart spans of 200..230: parking
        step = p.last_step
        p.seal_pending()
        excluded = [cid for e in step.entries if e.op == "s" and e.table == "codings"
                    for cid in set(e.before[2].ids()) - set(e.before[2].checked_ids())]
        parked = [e.before[0] for e in step.entries if e.table == "codings" and e.op == "u"]
        assert parked
        victim = excluded[0] if excluded else parked[0]
        _other(p, lambda other: other.set_exemplar(victim, True))
        _refused(p, step)
    finally:
        p.close()


# Found by this review (failing; left uncommitted) --------------------------------------------------


def test_undo_of_a_letter_typed_where_two_parkings_meet_is_not_refused(tmp_path):
    """text_edits parks the codings it maps at +2**40 (_SHIFT) and they lie in the shift's range,
    and shift_rows parks at +2**40 (_PARK) too when its plain UPDATE meets a span midway: a
    shifted row parked onto a mapped one's parked place collides. One typed letter; no one else
    wrote; the undo is refused ("would clash with a change made since")."""
    p = Project.create(tmp_path / "park.npmdesk", "Ana")
    try:
        doc = p.add_document("I", "0123456789" * 8)
        code = p.add_code("C")
        for s, e in [(60, 70), (21, 30), (59, 69), (20, 29)]:  # one code, one coder
            p.apply_coding(doc, code, s, e)
        before = _dump(p.path)
        p.edit_text(doc, [(21, 21, "a")])  # inside [20, 29), at the start of [21, 30)
        p.revert(p.last_step, "undo")
        assert _dump(p.path) == before
    finally:
        p.close()


def test_a_batch_whose_parked_spans_meet_is_applied(tmp_path):
    """The same collision on the way in: a valid three-edit batch fails with a raw IntegrityError."""
    p = Project.create(tmp_path / "park2.npmdesk", "Ana")
    try:
        doc = p.add_document("I", "0123456789" * 7)
        code = p.add_code("C")
        for s, e in [(60, 63), (52, 53), (49, 50), (57, 60)]:
            p.apply_coding(doc, code, s, e)
        p.edit_text(doc, [(32, 35, "x"), (40, 43, "x"), (60, 60, "\n")])
        assert sorted(r[0:2] for r in p.db.execute("SELECT start, end FROM codings")) == \
            [(45, 46), (48, 49), (53, 56), (57, 60)]
    finally:
        p.close()


@pytest.mark.parametrize("old,new", [("AA", "Alex"), ("AA", "B"), ("B", "AA")])
def test_redo_of_a_relabel_that_moves_turns(tmp_path, old, new):
    """Undo's turn entries record the speaker's identity (document, name) as it is when they are
    written, i.e. before the rename (or the join) is redone; _check_refs compares it with the
    speaker after the whole redo, renamed or deleted: the redo is refused. (Present before today.)"""
    text = "AA: hello there\nB: fine thanks\nC: good"
    p = Project.create(tmp_path / "relabel.npmdesk", "Ana")
    try:
        doc = p.add_document("I", text, turns=[TurnSpec(0, 15, "AA"), TurnSpec(16, 30, "B"),
                                               TurnSpec(31, len(text), "C")])
        p.relabel_speaker(doc, old, new)
        after = _dump(p.path)
        inverse = p.revert(p.last_step, "undo")
        p.revert(inverse, "redo")
        assert _dump(p.path) == after
    finally:
        p.close()


def test_another_programs_commit_right_after_ours_refuses_the_undo(tmp_path):
    """_commit reads PRAGMA data_version after COMMIT: a writer waiting for the lock can commit in
    between, and its commit is then taken for ours. Here it moves a shifted coding before the
    edit; the seal is valid, and the undo moves that coding 3 characters off its words."""
    p = Project.create(tmp_path / "race.npmdesk", "Ana")
    try:
        doc = p.add_document("I", "0123456789" * 8)
        code = p.add_code("C")
        victim = p.apply_coding(doc, code, 50, 60)
        armed = {"commit": False, "fire": False}

        def trace(sql: str) -> None:
            if armed["fire"] and sql.strip().upper() != "COMMIT":
                armed["fire"] = False
                _other(p, lambda other: other.change_coding_span(victim, 10, 20))
            if armed["commit"] and sql.strip().upper() == "COMMIT":
                armed["commit"], armed["fire"] = False, True

        p.db.conn.set_trace_callback(trace)
        armed["commit"] = True
        p.edit_text(doc, [(30, 30, "xyz")])
        step = p.last_step
        p.seal_pending()
        p.db.conn.set_trace_callback(None)
        assert p.db.execute("SELECT start, end FROM codings WHERE id = ?", (victim,)).fetchone() == (10, 20)
        _refused(p, step)
    finally:
        p.close()


def second_coder(path, doc, codes, rng, n, lengths):
    """Another coder ("Ben") codes `n` random short spans of the document in their own session."""
    other = Project.open(path, "Ben")
    length = len(other.document_text(doc))
    for _ in range(n):
        s = rng.randrange(0, length - max(lengths))
        try:
            other.apply_coding(doc, rng.choice(codes), s, s + rng.choice(lengths))
        except NpmdeskError:  # the same span twice
            pass
    other.close()
