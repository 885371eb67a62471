"""Which speaker a line's label names, as the transcript viewer shows labels: a line that begins
with a speaker's name and a colon ("NPM-1: ...") is that speaker's turn.

An edit uses it (store/text_edits.py) on the lines it touched, so the turns say who said what the
text now says: a label typed at a line's start begins that speaker's turn, a label deleted (or a
line break deleted, joining the line to the one above) joins the turn to the one before it, and a
label retyped as another speaker's gives the turn to that speaker. Only speakers the transcript
already has count: a heading such as "Things that helped:" typed into a transcript is no label,
and a label being retyped as a name the transcript does not have yet ("P1:") keeps its turn and
speaker (Relabel renames a speaker).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from npmdesk.core.paragraphs import LINE_BREAK

# What a label looks like at a line's start: a short name without sentence punctuation, then a
# colon (the shape import recognises, formats/speakers.py, without its timestamps and markup).
_LABEL_SHAPE = re.compile(r"[ \t]*[^\W\d_][\w .'’()\-]{0,38}?[ \t]*:")


def labelled(text: str, at: int, name: str) -> bool:
    """Whether `name` and a colon begin the text at `at`."""
    return bool(name) and text.startswith(name, at) and text.startswith(":", at + len(name))


def looks_labelled(text: str, at: int) -> bool:
    """Whether the text at `at` begins with something shaped like a label ("P1:"), a known
    speaker's or not: a label being retyped, which keeps its turn."""
    return _LABEL_SHAPE.match(text, at) is not None


def label_at(text: str, at: int, names: Iterable[str]) -> str | None:
    """The speaker of `names` whose label begins the text at `at` (the longest, if several do)."""
    found = [n for n in names if labelled(text, at, n)]
    return max(found, key=len) if found else None


def start_of_line(text: str, at: int) -> int:
    """Where the line holding `at` begins (after the last break before it)."""
    return max(text.rfind("\n", 0, at), text.rfind("\u2029", 0, at)) + 1


def line_starts(text: str, lo: int, hi: int) -> list[int]:
    """The starts of the lines that hold any of [lo, hi]."""
    first = start_of_line(text, lo)
    return [first] + [m.end() for m in LINE_BREAK.finditer(text, first, hi) if m.end() <= hi]


def is_line_start(text: str, at: int) -> bool:
    return at == 0 or bool(LINE_BREAK.match(text, at - 1))
