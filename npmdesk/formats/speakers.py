"""Speaker turns: a label at the start of a paragraph ("NPM-3:", "Interviewer:",
"[00:01:02] Facilitator:", "FACILITATOR -") starts a turn that runs to the next label."""

from __future__ import annotations

import re

from npmdesk.store.documents import TurnSpec

# Optional timestamp, then a short label (no sentence punctuation), then ':' or a spaced dash.
DEFAULT_SPEAKER_PATTERN = (
    r"^[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?[ \t]+)?"
    r"(?P<speaker>[^\W\d_][\w .'’()\-]{0,38}?)[ \t]*(?::|[ \t]+[-–—][ \t])"
)
_MAX_LABEL_WORDS = 4


def compile_speaker_pattern(pattern: str | None) -> re.Pattern:
    """A user's pattern must have a group named 'speaker' (or one group, taken as the speaker)."""
    try:
        rx = re.compile(pattern or DEFAULT_SPEAKER_PATTERN, re.MULTILINE)
    except re.error as e:
        raise ValueError(f"the speaker pattern is not a valid regular expression ({e})") from None
    if "speaker" not in rx.groupindex and rx.groups != 1:
        raise ValueError("the speaker pattern needs a group named 'speaker', e.g. ^(?P<speaker>\\w+):")
    return rx


def detect_turns(text: str, pattern: str | None = None) -> list[TurnSpec]:
    """Turns over the whole text: each starts at a labelled paragraph and ends where the next begins."""
    rx = compile_speaker_pattern(pattern)
    group = "speaker" if "speaker" in rx.groupindex else 1
    starts: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        m = rx.match(line)
        if m:
            label = m.group(group).strip()
            if label and len(label.split()) <= _MAX_LABEL_WORDS:
                starts.append((pos, label))
        pos += len(line) + 1
    turns = []
    for i, (start, speaker) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        while end > start and text[end - 1] == "\n":  # a turn ends with its last character
            end -= 1
        turns.append(TurnSpec(start, end, speaker))
    return turns
