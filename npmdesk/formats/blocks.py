"""From a document's paragraphs and table rows to stored text and speaker turns.

Rich formats (docx, odt, rtf, subtitles) hand over a list of Blocks. A block that is a turn by
structure (a row of a "speaker | text" table, a subtitle cue) is stored as one paragraph
"Speaker: text" with a turn covering it; free paragraphs in between are searched for speaker labels
like plain text. Why "Speaker: text" in the text rather than the speaker only in the turn: the
transcript then reads the same in the viewer, in search results and in exported excerpts whatever
the source format was, and a turn's range always starts at its label, as it does for .txt.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from npmdesk.formats.speakers import label_starts
from npmdesk.core.model import TurnSpec


@dataclass
class Block:
    text: str
    turn: bool = False  # a turn by structure: a table row, a subtitle cue
    speaker: str | None = None
    begin_ms: int | None = None
    end_ms: int | None = None
    labelled: bool = False  # the text already starts with the speaker's label


def assemble(blocks: list[Block], speaker_pattern: str | None, detect: bool) -> tuple[str, list[TurnSpec]]:
    """Join blocks with paragraph breaks; structural turns as given, label detection elsewhere."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for b in blocks:
        text = b.text
        if b.turn and b.speaker and not b.labelled:
            text = f"{b.speaker}: {text}" if text else f"{b.speaker}:"
        parts.append(text)
        spans.append((pos, pos + len(text)))
        pos += len(text) + 1
    joined = "\n".join(parts)

    turns: list[TurnSpec] = []
    structural = [(start, end, b) for b, (start, end) in zip(blocks, spans) if b.turn]
    for start, end, b in structural:
        turns.append(TurnSpec(start, _trim_end(joined, start, end), b.speaker, b.begin_ms, b.end_ms))
    if detect:
        # Labels in free paragraphs are found over the whole text, so that a label's recurrence
        # counts across the document; a free turn stops where the next structural turn begins.
        # Structural spans are in text order and disjoint, so both lookups are bisections: the
        # whole assembly stays O(n log n) in the number of paragraphs.
        known = {b.speaker for _, _, b in structural if b.speaker}
        struct_starts = [s for s, _, _ in structural]
        struct_ends = [max(e, s + 1) for s, e, _ in structural]

        def in_structure(p: int) -> bool:
            i = bisect_right(struct_starts, p) - 1
            return i >= 0 and p < struct_ends[i]

        free = [(p, label) for p, label in label_starts(joined, speaker_pattern, known) if not in_structure(p)]
        bounds = sorted(struct_starts + [p for p, _ in free])
        for p, label in free:
            i = bisect_right(bounds, p)
            end = bounds[i] - 1 if i < len(bounds) and bounds[i] <= len(joined) else len(joined)
            while end > p and joined[end - 1] in "\n \t":  # a turn ends with its last character
                end -= 1
            turns.append(TurnSpec(p, end, label))
    turns.sort(key=lambda t: t.start)
    return joined, turns


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return end


# Speaker tables ----------------------------------------------------------------------------------

_HEADER_WORDS = {"speaker", "speakers", "name", "who", "person", "participant", "role"}
_TIME = re.compile(r"^\[?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\]?$")
_MAX_LABEL_CHARS = 40
_MAX_LABEL_WORDS = 4


def parse_time_ms(text: str) -> int | None:
    """'01:02:03', '1:02', '00:01:02.500', '[00:01:02]' -> milliseconds; None if not a time."""
    m = _TIME.match(text.strip())
    if not m:
        return None
    h, mnt, s, frac = m.groups()
    ms = int((frac or "0").ljust(3, "0")[:3])
    return ((int(h or 0) * 60 + int(mnt)) * 60 + int(s)) * 1000 + ms


def _is_label(text: str) -> bool:
    t = text.strip().rstrip(":").strip()
    return bool(t) and len(t) <= _MAX_LABEL_CHARS and len(t.split()) <= _MAX_LABEL_WORDS and "\n" not in t \
        and not t.endswith((".", "?", "!"))


def speaker_table_rows(rows: list[list[str]]) -> list[Block] | None:
    """Blocks for a "speaker | text" (or "time | speaker | text") table, or None if it is not one.

    A speaker table has two text columns (optionally a time column first), a short label in every
    non-empty speaker cell, and labels that repeat (a transcript alternates a few speakers)."""
    if len(rows) < 2:
        return None
    timed = all(len(r) == 3 for r in rows) and sum(parse_time_ms(r[0]) is not None for r in rows) >= len(rows) - 1
    if not timed and not all(len(r) == 2 for r in rows):
        return None
    body = rows
    first = rows[0][1 if timed else 0].strip().rstrip(":").lower()
    if first in _HEADER_WORDS:
        body = rows[1:]
    pairs = [(r[0] if timed else None, r[-2], r[-1]) for r in body]
    labels = [p[1].strip().rstrip(":").strip() for p in pairs if p[1].strip()]
    if len(labels) < 2 or not all(_is_label(x) for x in labels) or len(set(labels)) > max(2, len(labels) * 2 // 3):
        return None
    blocks = []
    for time, label, text in pairs:
        speaker = label.strip().rstrip(":").strip() or None
        begin = parse_time_ms(time) if time else None
        if speaker is None and not text.strip():
            continue
        blocks.append(Block(text.strip(), turn=True, speaker=speaker, begin_ms=begin))
    return blocks


def plain_table_rows(rows: list[list[str]]) -> list[Block]:
    """Any other table: one paragraph per row, cells separated by tabs."""
    return [Block("\t".join(c.strip() for c in r)) for r in rows if any(c.strip() for c in r)]
