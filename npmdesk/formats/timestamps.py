"""Time stamps written into a .docx/.txt transcript ("[00:12:34] NPM-1: …", "NPM-1: [00:12:34] …").

Transcription services put a stamp at the start of each turn, before or just after the speaker
label. Reading them gives such a transcript the same turn times captions carry, so the player can
seek to any turn. A turn that already has a time (captions) keeps it."""

from __future__ import annotations

import dataclasses
import re

from npmdesk.core.model import TurnSpec

# A stamp in brackets or parentheses anywhere in the first few characters of a turn, or a bare
# hh:mm:ss / mm:ss at its very start or right after the label's colon.
_BRACKETED = re.compile(r"[\[(](\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]")
_BARE = re.compile(r"(?:^|:\s+)(\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?)\b")
_LOOK = 60  # characters from the turn's start: the label and the stamp, never the speech


def _ms(stamp: str) -> int | None:
    clock, _, frac = stamp.replace(",", ".").partition(".")
    fields = [int(p) for p in clock.split(":")]
    h, m, s = fields if len(fields) == 3 else (0, *fields)
    if m > 59 or s > 59:
        return None
    return ((h * 60 + m) * 60 + s) * 1000 + int((frac or "0").ljust(3, "0")[:3])


def stamp_time(head: str) -> int | None:
    """The time written at the start of a turn's text, in ms, or None."""
    head = head[:_LOOK]
    m = _BRACKETED.search(head) or _BARE.search(head)
    return _ms(m.group(1)) if m else None


def stamp_turns(text: str, turns: list[TurnSpec]) -> list[TurnSpec]:
    """The turns with begin_ms read from their stamps (and end_ms from the next stamped turn).

    Only used when most turns carry a stamp: a lone "[10:30]" in one answer is speech, not a time."""
    if not turns or any(t.begin_ms is not None for t in turns):
        return turns
    times = [stamp_time(text[t.start:t.end]) for t in turns]
    if sum(t is not None for t in times) < max(2, len(turns) // 2):
        return turns
    out = []
    for i, (turn, begin) in enumerate(zip(turns, times)):
        nxt = next((b for b in times[i + 1:] if b is not None), None)
        end = nxt if begin is not None and nxt is not None and nxt >= begin else None
        out.append(dataclasses.replace(turn, begin_ms=begin, end_ms=end))
    return out
