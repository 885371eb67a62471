"""Speaker turns: a label at the start of a paragraph ("NPM-3:", "Interviewer:",
"[00:01:02] Facilitator:", "FACILITATOR -") starts a turn that runs to the next label."""

from __future__ import annotations

import re

from npmdesk.core.model import TurnSpec
from npmdesk.core.paragraphs import LINE_BREAK

# Optional timestamp, then a short label (no sentence punctuation), then ':' or a spaced dash.
# Markdown bold around the label ("**NPM-6:**", "**NPM-6**:") is allowed and not part of the name.
DEFAULT_SPEAKER_PATTERN = (
    r"^[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?[ \t]+)?(?:\*\*|__)?"
    r"(?P<speaker>[^\W\d_][\w .'’()\-]{0,38}?)(?:\*\*|__)?[ \t]*(?::|[ \t]+[-–—][ \t])"
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


def label_starts(text: str, pattern: str | None = None,
                 known: set[str] | frozenset = frozenset()) -> list[tuple[int, str]]:
    """(offset, speaker) for every paragraph that starts with a speaker label.

    With the default pattern a label seen only once must look like the others (same shape once
    digits are ignored: "NPM-6" like "NPM-4") or be one capitalised word ("Moderator"), because
    headings and lead-ins ("Interview 4: ...", "Things that helped:") fit the pattern too. A pattern
    the user gives is taken at its word."""
    rx = compile_speaker_pattern(pattern)
    group = "speaker" if "speaker" in rx.groupindex else 1
    starts: list[tuple[int, str]] = []
    # One pass, one list: "FACILITATOR" and "Facilitator" in one transcript are one speaker, so
    # each label takes its first spelling, and is counted as it is found; only the few distinct
    # labels are looked at again.
    first: dict[str, str] = {}  # casefolded label -> its first spelling
    spelt: dict[str, str] = {}  # label as written -> that first spelling
    counts: dict[str, int] = {}
    for pos, m in _paragraph_matches(rx, text, pattern is None):
        label = (m.group(group) or "").strip()
        if label and len(label.split()) <= _MAX_LABEL_WORDS:
            one = spelt.get(label)
            if one is None:
                one = spelt[label] = first.setdefault(" ".join(label.casefold().split()), label)
            counts[one] = counts.get(one, 0) + 1
            starts.append((pos, one))
    if pattern:
        return starts
    recurring = {label for label, n in counts.items() if n > 1} | set(known)
    if not recurring:
        return starts
    shapes = {_shape(label) for label in recurring}
    keep = {label for label in counts
            if label in recurring or _shape(label) in shapes or (" " not in label and label[0].isupper())}
    if len(keep) == len(counts):
        return starts
    return [(p, label) for p, label in starts if label in keep]


def _paragraph_matches(rx: re.Pattern, text: str, default: bool):
    """(paragraph start, match) for each paragraph (split at LINE_BREAK) the pattern matches at
    its start.

    The default pattern starts with ^ and cannot cross a line end, so when LF is the only break
    it is matched in place at each line start (^ holds there), without a list of lines: a 199 MB
    transcript would otherwise be copied once more, line by line. Otherwise each paragraph is
    matched on its own, one at a time, so a pattern never runs into the next one."""
    if default and "\u2029" not in text:
        match, find, pos = rx.match, text.find, 0
        while pos >= 0:
            m = match(text, pos)  # ^ matches at pos: it is 0 or just after a LF
            if m:
                yield pos, m
            pos = find("\n", pos)
            if pos >= 0:
                pos += 1
        return
    pos = 0
    for brk in LINE_BREAK.finditer(text):
        m = rx.match(text[pos:brk.start()])
        if m:
            yield pos, m
        pos = brk.end()
    m = rx.match(text[pos:])
    if m:
        yield pos, m


def _shape(label: str) -> str:
    return re.sub(r"\d+", "#", label.casefold())


def turns_from_starts(text: str, starts: list[tuple[int, str]], limit: int | None = None) -> list[TurnSpec]:
    """Each turn runs from its label to the next label (or `limit`), without trailing blank lines."""
    limit = len(text) if limit is None else limit
    turns = []
    for i, (start, speaker) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else limit
        while end > start and text[end - 1] in "\n \t":  # a turn ends with its last character
            end -= 1
        turns.append(TurnSpec(start, end, speaker))
    return turns


def detect_turns(text: str, pattern: str | None = None) -> list[TurnSpec]:
    """Turns over the whole text: each starts at a labelled paragraph and ends where the next begins."""
    return turns_from_starts(text, label_starts(text, pattern))
