"""Editing a document's text: one transaction moves everything that points into it.

`edit_text` changes document_texts.text (the full-text index follows by trigger), the document's
length and word count, every coding's span, every turn, who each moved coding speaks for
(coding_cases, rewritten only where it differs) and records the new version's text hash in
document_versions (version 1 being the text before its first edit), so a team merge tells "edited
since the copy" apart from "a different document". The span arithmetic lives in core/text_edits.py.
Memos hang on codings, documents and codes by id, not by offset, so they follow without moving;
a coding whose text is deleted is removed with its memo, and both are reported.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace

from npmdesk.core.errors import NotFoundError
from npmdesk.core.text_edits import Edit, EditError, SpanMap, apply_edits
from npmdesk.core.turn_labels import is_line_start, label_at, labelled, line_starts, looks_labelled, start_of_line
from npmdesk.store.base import StoreBase
from npmdesk.store.database import now
from npmdesk.store.documents import count_words
from npmdesk.store.journal import PARKED, SHIFTED, Journal, shift_rows

_SHIFT = PARKED  # parks mapped codings past any real offset while their spans are rewritten


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EditResult:
    document_id: int
    moved: frozenset[int]  # codings whose span changed
    removed: tuple[tuple[int, str, str], ...]  # (coding id, code name, its old text): all deleted
    turns_removed: int
    version: int  # the document's version after the edit
    text_sha256: str

    def summary(self) -> str:
        parts = [f"{len(self.moved)} coding{'s' * (len(self.moved) != 1)} moved"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed (their text was deleted)")
        if self.turns_removed:
            parts.append(f"{self.turns_removed} empty turn{'s' * (self.turns_removed != 1)} removed")
        return ", ".join(parts) + f"; version {self.version}"


@dataclass(frozen=True)
class DocumentVersion:
    version: int
    text_sha256: str
    created: str
    coder: str | None
    summary: str


class TextEditsMixin(StoreBase):
    def document_text_for_edit(self, doc_id: int) -> str:
        row = self.db.execute("SELECT text FROM document_texts WHERE document_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document {doc_id}")
        return row[0]

    def document_versions(self, doc_id: int) -> list[DocumentVersion]:
        rows = self.db.execute(
            "SELECT v.version, v.text_sha256, v.created, c.name, v.summary FROM document_versions v "
            "LEFT JOIN coders c ON c.id = v.coder_id WHERE v.document_id = ? ORDER BY v.version",
            (doc_id,)).fetchall()
        return [DocumentVersion(*r) for r in rows]

    def edit_text(self, doc_id: int, edits: Iterable[Edit], summary: str = "") -> EditResult:
        """Apply a batch of non-overlapping edits `(start, end, replacement)` (code points of the
        current text) as one transaction. Raises EditError for a batch that does not fit."""
        batch = list(edits)
        with self.write("edit text", document=doc_id, edits=len(batch)) as c:
            return self._edit_text(c, doc_id, batch, summary)

    def relabel_speaker(self, doc_id: int, old: str, new: str) -> EditResult:
        """Rename a speaker: the label text at the start of each of their turns and the speaker row
        (joining an existing speaker of that name). Labels that do not read `old` are left alone."""
        new = new.strip()
        if not new:
            raise EditError("a speaker label cannot be empty")
        with self.write("relabel speaker", document=doc_id, old=old, new=new) as c:
            row = c.execute("SELECT id FROM speakers WHERE document_id = ? AND name = ?", (doc_id, old)).fetchone()
            if row is None:
                raise NotFoundError(f"no speaker {old!r} in this document")
            speaker_id = row[0]
            text = self._text_of(c, doc_id)
            edits: list[Edit] = []
            for (start,) in c.execute("SELECT start FROM turns WHERE speaker_id = ? ORDER BY start", (speaker_id,)):
                if text.startswith(old, start) and old != new:
                    edits.append((start, start + len(old), new))
            # The labels change before the speaker's name does: the turns are this step's to rename.
            result = self._edit_text(c, doc_id, edits, f"relabel {old} as {new}", follow_labels=False)
            other = c.execute("SELECT id FROM speakers WHERE document_id = ? AND name = ?", (doc_id, new)).fetchone()
            if other is not None and other[0] != speaker_id:
                c.execute("UPDATE turns SET speaker_id = ? WHERE speaker_id = ?", (other[0], speaker_id))
                c.execute("DELETE FROM speakers WHERE id = ?", (speaker_id,))
            else:
                c.execute("UPDATE speakers SET name = ? WHERE id = ?", (new, speaker_id))
            self._sync_coding_cases(c, doc_id)
            return result

    # The one transaction ---------------------------------------------------------------------------

    def _text_of(self, c: sqlite3.Connection, doc_id: int) -> str:
        row = c.execute("SELECT text FROM document_texts WHERE document_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document {doc_id}")
        return row[0]

    def _edit_text(self, c: sqlite3.Connection, doc_id: int, edits: list[Edit], summary: str,
                   follow_labels: bool = True) -> EditResult:
        old = self._text_of(c, doc_id)
        new, mapping = apply_edits(old, edits)
        if new == old:
            version = _last_version(c, doc_id) or 1
            return EditResult(doc_id, frozenset(), (), 0, version, text_sha256(old))
        words = c.execute("SELECT words FROM documents WHERE id = ?", (doc_id,)).fetchone()
        journal: Journal | None = getattr(self, "_journal", None)
        if journal is not None:
            journal.write_text(doc_id, old, new)  # one text entry, not both texts copied (journal.py)
        else:
            c.execute("UPDATE document_texts SET text = ? WHERE document_id = ?", (new, doc_id))
        c.execute("UPDATE documents SET length = ?, words = ? WHERE id = ?",
                  (len(new), edited_word_count(old, new, mapping, words[0] if words else None), doc_id))
        near: set[int] = set()
        moved, removed = self._move_codings(c, doc_id, old, mapping, near)
        joined = self._typed_in_front(c, doc_id, new, mapping, near)
        moved.update(joined)
        labelled = _labelled_turns(c, doc_id, old, mapping) if follow_labels else set()
        turns_removed = self._move_turns(c, doc_id, mapping)
        if follow_labels:
            turns_removed += _turns_follow_labels(c, doc_id, new, mapping, labelled, near)
        self._sync_coding_cases(c, doc_id, near)
        digest = text_sha256(new)
        version = record_version(c, doc_id, old, new, summary or _describe(edits), self.coder_id, digest)
        typing = self._typing_joins.get(doc_id)
        if typing is not None:
            self._typing_joins[doc_id] = replace(typing, version=version)
        return EditResult(doc_id, frozenset(moved), tuple(removed), turns_removed, version, digest)

    def _move_codings(self, c: sqlite3.Connection, doc_id: int, old_text: str, mapping: SpanMap,
                      near: set[int] | None = None) -> tuple[set[int], list[tuple[int, str, str]]]:
        """Move the document's codings by `mapping`. Those after the last edit (most of them) all
        shift by one amount: one UPDATE, no row read into Python. Only the few that reach into
        an edit are read and mapped one by one (and put in `near`: who they speak for may have
        changed; the shifted ones keep theirs, since the turns shift with them)."""
        if not mapping.starts:
            return set(), []
        first, last_end, delta = mapping.starts[0], mapping.ends[-1], mapping.after[-1]
        # A coding starting where the last edit ends is mapped one by one when the edit's text may
        # join it (continuing its first word: core/text_edits.py), not moved with the shift.
        reach = last_end + 1 if _joins_after_last(mapping) else last_end
        rows = c.execute(
            "SELECT cg.id, cg.code_id, cg.coder_id, cg.start, cg.end, co.name FROM codings cg "
            "JOIN codes co ON co.id = cg.code_id WHERE cg.document_id = ? AND cg.end >= ? AND cg.start < ?",
            (doc_id, first, reach)).fetchall()
        if near is not None:
            near.update(r[0] for r in rows)
        # Codings before the first edit stay, and the shifted ones stay apart from each other and
        # from them; a mapped coding can only land on another mapped one or on a shifted one.
        kept: dict[tuple[int, int, int, int], int] = {}
        updates: list[tuple[int, int, int]] = []
        removed: list[tuple[int, str, str]] = []
        tail_removed: list[int] = []
        shift_floor = mapping.new_starts[-1] + mapping.lengths[-1]  # where the shifted ones begin now
        for cid, code_id, coder_id, s, e, name in sorted(rows, key=lambda r: r[0]):
            span = mapping.span(s, e)
            if span is None:
                removed.append((cid, name, old_text[s:e]))
                continue
            key = (code_id, coder_id, span[0], span[1])
            if key in kept:  # two codings of one code by one coder now cover the same words
                removed.append((cid, name, old_text[s:e]))
                continue
            if span[0] >= shift_floor:
                other = c.execute(
                    "SELECT cg.id, co.name FROM codings cg JOIN codes co ON co.id = cg.code_id "
                    "WHERE cg.document_id = ? AND cg.code_id = ? AND cg.start = ? AND cg.end = ? "
                    "AND cg.coder_id = ? AND cg.start >= ?",
                    (doc_id, code_id, span[0] - delta, span[1] - delta, coder_id, last_end)).fetchone()
                if other is not None:
                    if other[0] < cid:  # the older coding stays, as between mapped ones
                        removed.append((cid, name, old_text[s:e]))
                        continue
                    removed.append((other[0], other[1], old_text[span[0] - delta:span[1] - delta]))
                    tail_removed.append(other[0])
            kept[key] = cid
            if span != (s, e):
                updates.append((span[0], span[1], cid))
        if removed:
            c.executemany("DELETE FROM codings WHERE id = ?", [(r[0],) for r in removed])
        if updates:  # parked first, so that no intermediate state repeats another's span
            c.executemany("UPDATE codings SET start = start + ?, end = end + ? WHERE id = ?",
                          [(_SHIFT, _SHIFT, cid) for _s, _e, cid in updates])
        shifted: list[int] = []
        if delta:
            shifted = self._shift(c, "codings", doc_id, last_end, delta)
        if updates:
            c.executemany("UPDATE codings SET start = ?, end = ? WHERE id = ?", updates)
        moved = {cid for _s, _e, cid in updates}
        moved.update(shifted)
        moved.difference_update(tail_removed)
        return moved, removed

    @property
    def _typing_joins(self) -> dict[int, _TypedInFront]:
        joins = self.__dict__.get("_typing_joins_")
        if joins is None:
            joins = self.__dict__["_typing_joins_"] = {}
        return joins

    def _typed_in_front(self, c: sqlite3.Connection, doc_id: int, new: str, mapping: SpanMap,
                        near: set[int]) -> set[int]:
        """Typing in front of a coded word, key by key. A letter typed onto a coding's first
        letter joins the coding (core/text_edits.py: a coding never starts mid-word), and the
        next keys land inside the coding; so the store remembers, for the next edit only, where
        typing goes on in front of the codings a letter joined. When that next key (or paste)
        ends the new word (a space, a dash, a colon: "So " typed in front of "How"), those codings
        start again at the word they coded, or at the letters typed after the new word's end;
        more letters keep the join. Any other edit ends it. Returns the codings it moved."""
        before = self._typing_joins.pop(doc_id, None)
        if len(mapping.starts) != 1 or mapping.starts[0] != mapping.ends[0]:
            return set()  # not an insertion at one place: the typing in front is over
        at, length = mapping.starts[0], mapping.lengths[0]
        inserted = new[at:at + length]
        moved: set[int] = set()
        if before is not None and before.at == at and before.version == _last_version(c, doc_id):
            cut = max((i + 1 for i, ch in enumerate(inserted) if not ch.isalnum()), default=0)
            start = before.start
            if cut:
                ids = [r[0] for r in c.execute(
                    "SELECT id FROM codings WHERE id IN (SELECT value FROM json_each(?)) AND start = ?",
                    (json.dumps(before.codings), before.start))]
                self._respan_starts(c, ids, at + cut)
                moved.update(ids)
                near.update(ids)
                start = at + cut
            if cut == length:
                return moved  # the new word ended: nothing joined any more
            self._typing_joins[doc_id] = _TypedInFront(0, at + length, start, before.codings)
            return moved
        if mapping.joins_after and mapping.joins_after[0]:
            joined = tuple(r[0] for r in c.execute("SELECT id FROM codings WHERE document_id = ? AND start = ?",
                                                    (doc_id, at)))
            if joined:  # (the version is filled in once the edit's version row is written)
                self._typing_joins[doc_id] = _TypedInFront(0, at + length, at, joined)
        return moved

    def _respan_starts(self, c: sqlite3.Connection, ids: list[int], start: int) -> None:
        """Those codings start at `start` (one that would then repeat another's span keeps its own)."""
        for cid in ids:
            try:
                c.execute("UPDATE codings SET start = ? WHERE id = ? AND end > ?", (start, cid, start))
            except sqlite3.IntegrityError:  # the same code by the same coder on those words already
                pass

    def _shift(self, c: sqlite3.Connection, table: str, doc_id: int, from_start: int, delta: int) -> list[int]:
        """Move the document's codings or turns starting at or after `from_start` by `delta`: one
        statement, and (in a project's write) one journal entry (store/journal.py); their ids."""
        journal: Journal | None = getattr(self, "_journal", None)
        if journal is not None:
            return journal.shift(table, doc_id, from_start, delta)
        return shift_rows(c, table, doc_id, SHIFTED, (from_start, PARKED), delta)

    def _move_turns(self, c: sqlite3.Connection, doc_id: int, mapping: SpanMap) -> int:
        if not mapping.starts:
            return 0
        first, last_end, delta = mapping.starts[0], mapping.ends[-1], mapping.after[-1]
        updates, gone = [], []
        reach = last_end + 1 if _joins_after_last(mapping) else last_end
        # A span reaching into a replaced range grows to take the replacement (core/text_edits.py);
        # turns must stay apart, so one that begins inside it starts after what the turn before
        # now holds: text replaced across a turn's end goes to the turn the edit began in, and a
        # turn whose whole text was replaced from inside the one before is gone. (The mapping is
        # monotonic, so the shifted turns after the last edit stay apart from these.)
        floor = None
        for tid, s, e in c.execute("SELECT id, start, end FROM turns WHERE document_id = ? AND end >= ? "
                                   "AND start < ? ORDER BY start, id", (doc_id, first, reach)).fetchall():
            ns, ne = mapping.start(s), mapping.end(e)
            if floor is not None and ns < floor:
                ns = floor
            if ne <= ns and e > s:
                gone.append((tid,))
                continue
            ne = max(ne, ns)
            floor = ne if floor is None else max(floor, ne)
            if (ns, ne) != (s, e):
                updates.append((ns, ne, tid))
        c.executemany("DELETE FROM turns WHERE id = ?", gone)
        if delta:  # the turns after the last edit shift by one amount: one statement, one journal entry
            self._shift(c, "turns", doc_id, last_end, delta)
        c.executemany("UPDATE turns SET start = ?, end = ? WHERE id = ?", updates)
        return len(gone)

    def _sync_coding_cases(self, c: sqlite3.Connection, doc_id: int, only: set[int] | None = None) -> None:
        """Who each coding of the document speaks for (or, with `only`, each of those codings),
        rewritten only where it now differs (so an edit journals what it changed, not the whole
        document's links)."""
        if only is not None and not only:
            return
        turns = c.execute(
            "SELECT t.start, t.end, s.case_id FROM turns t JOIN speakers s ON s.id = t.speaker_id "
            "WHERE t.document_id = ? ORDER BY t.end", (doc_id,)).fetchall()
        ends = [t[1] for t in turns]
        doc_case = c.execute("SELECT case_id FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        max_len = max((t[1] - t[0] for t in turns), default=0)
        want: set[tuple[int, int]] = set()
        if only is None:
            codings = c.execute("SELECT id, start, end FROM codings WHERE document_id = ?", (doc_id,)).fetchall()
            have = set(c.execute("SELECT cc.coding_id, cc.case_id FROM coding_cases cc JOIN codings cg "
                                 "ON cg.id = cc.coding_id WHERE cg.document_id = ?", (doc_id,)).fetchall())
        else:
            ids = json.dumps(sorted(only))
            codings = c.execute("SELECT id, start, end FROM codings WHERE id IN (SELECT value FROM json_each(?))",
                                (ids,)).fetchall()
            have = set(c.execute("SELECT coding_id, case_id FROM coding_cases WHERE coding_id IN "
                                 "(SELECT value FROM json_each(?))", (ids,)).fetchall())
        for cid, s, e in codings:
            cases = set()
            k = bisect_right(ends, s)  # the first turn ending after s
            while k < len(turns) and turns[k][1] - max_len < e:
                ts, te, case = turns[k]
                if ts < e and te > s and case is not None:
                    cases.add(case)
                k += 1
            if not cases and doc_case is not None:
                cases = {doc_case}
            want.update((cid, case) for case in cases)
        c.executemany("DELETE FROM coding_cases WHERE coding_id = ? AND case_id = ?", sorted(have - want))
        c.executemany("INSERT INTO coding_cases(coding_id, case_id) VALUES (?, ?)", sorted(want - have))


def _labelled_turns(c: sqlite3.Connection, doc_id: int, old: str, mapping: SpanMap) -> set[int]:
    """The turns starting on the lines an edit touches (up to its end) that begin with their
    speaker's label before it: the ones the edit may take their label from."""
    if not mapping.starts:
        return set()
    lo = start_of_line(old, mapping.starts[0])
    return {tid for tid, start, name in c.execute(
        "SELECT t.id, t.start, s.name FROM turns t JOIN speakers s ON s.id = t.speaker_id "
        "WHERE t.document_id = ? AND t.start >= ? AND t.start <= ?", (doc_id, lo, mapping.ends[-1]))
        if labelled(old, start, name) or is_line_start(old, start) and looks_labelled(old, start)}


def _turns_follow_labels(c: sqlite3.Connection, doc_id: int, new: str, mapping: SpanMap, labelled_before: set[int],
                         near: set[int]) -> int:
    """The turns say who said what the edited lines now say (core/turn_labels.py): a turn that
    lost its label is joined to the turn before it (or, relabelled as another speaker of the
    transcript, is theirs), and a speaker's label typed at a line's start begins their turn
    there. The codings over a turn that changed are added to `near` (who they speak for is
    worked out again). Returns how many turns were joined away."""
    if not mapping.starts:
        return 0
    speakers = dict(c.execute("SELECT name, id FROM speakers WHERE document_id = ?", (doc_id,)).fetchall())
    if not speakers:
        return 0
    lo = start_of_line(new, mapping.new_starts[0])
    hi = mapping.new_starts[-1] + mapping.lengths[-1]
    turns = c.execute("SELECT t.id, t.start, t.end, s.name FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id "
                      "WHERE t.document_id = ? AND t.end >= ? AND t.start <= ? ORDER BY t.start, t.id",
                      (doc_id, lo, hi)).fetchall()
    # The turn before the edited lines (an imported turn ends before its line break, outside them):
    # the one a turn losing its label joins.
    prev = c.execute("SELECT t.id, t.start, t.end, s.name FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id "
                     "WHERE t.document_id = ? AND t.end < ? ORDER BY t.start DESC, t.id DESC LIMIT 1",
                     (doc_id, lo)).fetchone()
    if prev is not None:
        turns.insert(0, prev)
    ends = {tid: end for tid, _start, end, _name in turns}
    changed: list[tuple[int, int]] = []
    joined = 0
    for k, (tid, start, end, name) in enumerate(turns):
        if tid not in labelled_before or is_line_start(new, start) and labelled(new, start, name or ""):
            continue
        at_line = is_line_start(new, start)
        other = label_at(new, start, speakers) if at_line else None
        if other is not None:  # the label now names another speaker of the transcript
            c.execute("UPDATE turns SET speaker_id = ? WHERE id = ?", (speakers[other], tid))
            turns[k] = (tid, start, end, other)
        elif at_line and looks_labelled(new, start):
            continue  # a label being retyped (as a name the transcript does not have yet)
        else:  # no label: the passage goes on the turn before it
            before = next((p for p in reversed(turns[:k]) if p[0] in ends), None)
            if before is not None:
                c.execute("UPDATE turns SET end = ? WHERE id = ?", (max(ends[before[0]], ends[tid]), before[0]))
                ends[before[0]] = max(ends[before[0]], ends[tid])
            c.execute("DELETE FROM turns WHERE id = ?", (tid,))
            del ends[tid]
            joined += 1
        changed.append((start, end))
    starting = {start: (tid, name) for tid, start, _end, name in turns if tid in ends}
    for at in line_starts(new, lo, hi):
        name = label_at(new, at, speakers)
        if name is None:
            continue
        if at in starting:  # a label retyped key by key as another speaker's: the turn is theirs
            tid, was = starting[at]
            if was != name:
                c.execute("UPDATE turns SET speaker_id = ? WHERE id = ?", (speakers[name], tid))
                changed.append((at, ends[tid]))
            continue
        holder = c.execute("SELECT id, end FROM turns WHERE document_id = ? AND start < ? AND end > ? "
                           "ORDER BY start DESC LIMIT 1", (doc_id, at, at)).fetchone()
        if holder is not None:
            end = holder[1]
            c.execute("UPDATE turns SET end = ? WHERE id = ?", (at, holder[0]))
        else:
            nxt = c.execute("SELECT min(start) FROM turns WHERE document_id = ? AND start > ?", (doc_id, at)).fetchone()
            end = nxt[0] if nxt[0] is not None else len(new)
        c.execute("INSERT INTO turns(document_id, speaker_id, start, end) VALUES (?, ?, ?, ?)",
                  (doc_id, speakers[name], at, end))
        changed.append((at, end))
    for start, end in changed:
        near.update(r[0] for r in c.execute("SELECT id FROM codings WHERE document_id = ? AND start < ? AND end > ?",
                                            (doc_id, end, start)))
    return joined


def _joins_after_last(mapping: SpanMap) -> bool:
    return bool(mapping.joins_after) and mapping.joins_after[-1]


@dataclass(frozen=True)
class _TypedInFront:
    """Typing goes on at `at`, in front of the `codings` a typed letter joined (now starting at
    `start`), if the document is still at `version` (no other edit, undo or writer since)."""

    version: int
    at: int
    start: int
    codings: tuple[int, ...]


def _last_version(c: sqlite3.Connection, doc_id: int) -> int | None:
    return c.execute("SELECT max(version) FROM document_versions WHERE document_id = ?", (doc_id,)).fetchone()[0]


def record_version(c: sqlite3.Connection, doc_id: int, old: str, new: str, summary: str,
                   coder_id: int | None, new_sha256: str | None = None) -> int:
    """Add the new text's version row (and version 1, the text before, if it has none yet)."""
    last = _last_version(c, doc_id)
    if last is None:
        c.execute("INSERT INTO document_versions(document_id, version, text_sha256, created, coder_id, summary) "
                  "VALUES (?, 1, ?, ?, NULL, 'as imported')", (doc_id, text_sha256(old), now()))
        last = 1
    c.execute("INSERT INTO document_versions(document_id, version, text_sha256, created, coder_id, summary) "
              "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, last + 1, new_sha256 or text_sha256(new), now(), coder_id, summary))
    return last + 1


def edited_word_count(old: str, new: str, mapping: SpanMap, stored: int | None) -> int:
    """The new text's word count from the stored one: only the words around a single edit are
    counted again (a word never spans white space), not the whole transcript."""
    if stored is None or len(mapping.starts) != 1:
        return count_words(new)
    a, b = mapping.starts[0], mapping.ends[0]
    left, right = a, b
    while left > 0 and not old[left - 1].isspace():
        left -= 1
    while right < len(old) and not old[right].isspace():
        right += 1
    return stored - count_words(old[left:right]) + count_words(new[left:right + mapping.after[0]])


def _describe(edits: list[Edit]) -> str:
    if len(edits) == 1:
        a, b, r = edits[0]
        if a == b:
            return f"inserted {len(r)} character{'s' * (len(r) != 1)} at {a}"
        if not r:
            return f"deleted {a}:{b}"
        return f"replaced {a}:{b}"
    return f"{len(edits)} edits"
