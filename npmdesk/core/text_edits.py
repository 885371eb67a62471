"""The arithmetic of editing a transcript: new text, and where every old span goes.

An edit is `(start, end, replacement)` in code points of the old text; a batch is sorted and
non-overlapping. Every span `[s, e)` (a coding, a turn) moves by the rule that keeps the coded
words: a span before an edit is unchanged; one after it shifts by the edit's change in length; one
that overlaps it is shrunk or grown so that it still covers its own words, and the replacement text
where it replaced some of them; one whose every character was deleted is removed (None).

An insertion exactly at a span's start goes before the span (the span shifts); one exactly at its
end goes after it (the span stays): typing next to a coding never silently joins it — unless the
new text continues the word the span begins or ends with (a letter or digit typed onto the coded
word, over its last letters, or in front of its first): then it is part of that word and of the
span, so that a typo fixed at a coding's edge never leaves it ending or starting mid-word.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from npmdesk.core.errors import InvalidSpanError

Edit = tuple[int, int, str]


class EditError(InvalidSpanError, ValueError):
    """An edit batch that does not fit the text (out of range, overlapping, unsorted)."""


def check_edits(text_length: int, edits: Iterable[Edit]) -> list[Edit]:
    """The batch as a sorted list, or EditError saying exactly what is wrong with it."""
    # Stable sort: insertions at one point keep the order they were given in.
    batch = sorted(((int(a), int(b), str(r)) for a, b, r in edits if a != b or r), key=lambda e: (e[0], e[1]))
    previous_end = -1
    for a, b, _r in batch:
        if a < 0 or b < a or b > text_length:
            raise EditError(f"edit {a}:{b} is outside the text (0:{text_length})")
        if a < previous_end:
            raise EditError(f"edit {a}:{b} overlaps the edit before it")
        previous_end = b
    return batch


@dataclass(frozen=True)
class SpanMap:
    """Maps old positions to new ones for one edit batch (see the module's rule)."""

    starts: tuple[int, ...]  # each edit's old start
    ends: tuple[int, ...]  # each edit's old end
    new_starts: tuple[int, ...]  # each edit's start in the new text
    lengths: tuple[int, ...]  # each replacement's length
    after: tuple[int, ...]  # the total change in length up to and including each edit
    # Per edit: its new text continues the word before it (joins a span ending there) / the word
    # after it (joins a span starting there). Empty when the map was made without the text.
    joins_before: tuple[bool, ...] = ()
    joins_after: tuple[bool, ...] = ()

    def start(self, s: int) -> int:
        k = bisect_right(self.starts, s) - 1  # the last edit beginning at or before s
        if k < 0:
            return s
        if s < self.ends[k]:
            return self.new_starts[k]  # inside the replaced range: the span grows to its start
        if s == self.ends[k] and self.joins_after and self.joins_after[k]:
            return self.new_starts[k]  # the new text continues the span's first word
        return s + self.after[k]

    def end(self, e: int) -> int:
        k = bisect_left(self.starts, e) - 1  # the last edit beginning before e
        j = k + 1  # an edit beginning exactly at e, if any
        if self.joins_before and j < len(self.starts) and self.starts[j] == e and self.joins_before[j]:
            return self.new_starts[j] + self.lengths[j]  # the new text continues the span's last word
        if k < 0:
            return e
        if e < self.ends[k]:
            return self.new_starts[k] + self.lengths[k]  # inside: up to the replacement's end
        return e + self.after[k]

    def span(self, s: int, e: int) -> tuple[int, int] | None:
        """Where [s, e) goes; None when all of its text was deleted."""
        ns, ne = self.start(s), self.end(e)
        if ne <= ns:
            return None
        return ns, ne

    def position(self, p: int) -> int:
        """A point (a memo anchor, the cursor) that is not a span: kept at its place in the text."""
        return self.start(p)


def _word_char(c: str) -> bool:
    return c.isalnum()


def span_map(edits: Sequence[Edit], text: str | None = None) -> SpanMap:
    """The SpanMap of a checked batch (check_edits); with the old `text`, edits that continue a
    word at a span's edge join the span (see the module's rule)."""
    starts, ends, new_starts, lengths, after = [], [], [], [], []
    joins_before: list[bool] = []
    joins_after: list[bool] = []
    delta = 0
    for a, b, r in edits:
        starts.append(a)
        ends.append(b)
        new_starts.append(a + delta)
        lengths.append(len(r))
        delta += len(r) - (b - a)
        after.append(delta)
        if text is not None:
            joins_before.append(bool(r) and a > 0 and _word_char(text[a - 1]) and _word_char(r[0]))
            joins_after.append(bool(r) and b < len(text) and _word_char(text[b]) and _word_char(r[-1]))
    return SpanMap(tuple(starts), tuple(ends), tuple(new_starts), tuple(lengths), tuple(after),
                   tuple(joins_before), tuple(joins_after))


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, SpanMap]:
    """The new text and the map of old spans to new ones. Raises EditError for a bad batch."""
    batch = check_edits(len(text), edits)
    parts: list[str] = []
    at = 0
    for a, b, r in batch:
        parts.append(text[at:a])
        parts.append(r)
        at = b
    parts.append(text[at:])
    return "".join(parts), span_map(batch, text)


def inverse_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """The batch that turns the edited text back into `text` (for checks and for the window's
    own bookkeeping; undo itself replays the journal, which is exact)."""
    batch = check_edits(len(text), edits)
    mapping = span_map(batch)
    return [(mapping.new_starts[k], mapping.new_starts[k] + mapping.lengths[k], text[a:b])
            for k, (a, b, _r) in enumerate(batch)]


def diff_edit(old: str, new: str) -> Edit | None:
    """The one edit that turns `old` into `new` (the common prefix and suffix kept): how a change
    typed in the window becomes an edit, and how the viewer finds what an undo changed. None when
    the texts are equal. Prefix and suffix are found by bisection over slices compared in C, so
    a 1.2 M-character transcript costs about a millisecond, not a Python loop over it."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    p = _common_prefix(old, new, limit)
    lo = _common_suffix(old, new, limit - p)
    return p, len(old) - lo, new[p:len(new) - lo]


def _common_prefix(a: str, b: str, limit: int) -> int:
    """How many leading characters a and b share (at most `limit`), by bisection in C."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.startswith(b[lo:mid], lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    la, lb = len(a), len(b)
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.startswith(b[lb - mid:lb - lo], la - mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def edit_bounds(old: str, new: str) -> tuple[int, int] | None:
    """The stretch [lo, hi) of `old` that every single edit turning it into `new` lies within
    (None: equal texts). Where the changed text repeats ("a" typed beside an "a"), the edit could
    have been made at several places; `diff_edit` names the rightmost, this spans them all: from
    the start of the leftmost (the longest common suffix kept) to the end of the rightmost (the
    longest common prefix kept). Outside it, spans before are where they were and spans after
    moved by len(new) - len(old), wherever exactly the edit was."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    hi = len(old) - _common_suffix(old, new, limit - _common_prefix(old, new, limit))
    lo = _common_prefix(old, new, limit - _common_suffix(old, new, limit))
    return lo, hi
