"""Speaker turns: a label at the start of a paragraph ("NPM-3:", "Interviewer:",
"[00:01:02] Facilitator:", "FACILITATOR -") starts a turn that runs to the next label.

The lines a transcription service puts above the first turn ("Date: 12 March 2026", "Location:
Zoom", "Interviewer: J. Doe") fit the same pattern but are a header, not turns: they stay in the
text and start no turn (see `header_lines`)."""

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
    headings and lead-ins ("Interview 4: ...", "Things that helped:") fit the pattern too, and the
    header lines above the first turn ("Date: 12 March 2026") are not turns. A pattern the user
    gives is taken at its word."""
    starts, keep, header, _ = _scan(text, pattern, known)
    if keep is None and not header:
        return starts
    return [(p, label) for i, (p, label) in enumerate(starts)
            if (keep is None or label in keep) and i not in header]


def header_lines(text: str, known: set[str] | frozenset = frozenset()) -> list[tuple[str, str]]:
    """(key, value) of each header line above the first turn (("Date", "12 March 2026")): what a
    transcription service wrote about the interview, found as `label_starts` finds it."""
    starts, _, header, label_ends = _scan(text, None, known)
    return [(starts[i][1], _value_at(text, label_ends[i])) for i in sorted(header)]


def _scan(text: str, pattern: str | None, known
          ) -> tuple[list[tuple[int, str]], set[str] | None, set[int], list[int]]:
    """Every labelled paragraph (offset, label), the labels kept as speakers (None: all), the
    indexes of the header lines, and where the first few labels end."""
    rx = compile_speaker_pattern(pattern)
    group = "speaker" if "speaker" in rx.groupindex else 1
    starts: list[tuple[int, str]] = []
    # One pass, one list: "FACILITATOR" and "Facilitator" in one transcript are one speaker, so
    # each label takes its first spelling, and is counted as it is found; only the few distinct
    # labels are looked at again.
    first: dict[str, str] = {}  # casefolded label -> its first spelling
    spelt: dict[str, str] = {}  # label as written -> that first spelling
    counts: dict[str, int] = {}
    label_ends: list[int] = []  # where the label ends, for the first few (a header is looked for there)
    for pos, m, base in _paragraph_matches(rx, text, pattern is None):
        label = (m.group(group) or "").strip()
        if label and len(label.split()) <= _MAX_LABEL_WORDS:
            one = spelt.get(label)
            if one is None:
                one = spelt[label] = first.setdefault(" ".join(label.casefold().split()), label)
            counts[one] = counts.get(one, 0) + 1
            if len(starts) < _HEADER_SCAN:
                label_ends.append(base + m.end())
            starts.append((pos, one))
    if pattern:
        return starts, None, set(), label_ends
    keep: set[str] | None = None
    recurring = {label for label, n in counts.items() if n > 1} | set(known)
    if recurring:
        shapes = {_shape(label) for label in recurring}
        keep = {label for label in counts
                if label in recurring or _shape(label) in shapes or (" " not in label and label[0].isupper())}
        if len(keep) == len(counts):
            keep = None
    return starts, keep, _header(text, starts, label_ends, keep, counts, known), label_ends


# A header ----------------------------------------------------------------------------------------
#
# Before the first real turn, a labelled line is a header line when its label is a metadata key
# ("Date", "Participant ID", "Transcribed by") or its value has the shape of a date, time or
# duration ("Recorded: 12/03/2026", "Dauer: 45 min"), and that label does not label a turn later;
# or when its label is a role that also speaks ("Interviewer", "Facilitator") and its value is a
# name ("J. Doe", "NPM-3") rather than something said.

_HEADER_SCAN = 40  # labelled lines looked at for a header: more than any header has
_META_KEY = re.compile(
    r"(?:(?:interview|session|recording|focus[ -]group|study|project|audio|transcript)\s+)?"
    r"(?:date|dates|day|time|times|start(?:ing)?(?: time)?|end(?:ing)?(?: time)?|location|place|venue|site|"
    r"setting|room|duration|length|transcriber|transcribed(?: by)?|transcription(?: service| by| date)?|"
    r"project(?: title| name| code)?|study(?: title| name| code)?|"
    r"recording(?: file| id| name| length)?|recorded(?: on| by| at)?|audio(?: file)?|file(?: ?name)?|"
    r"session(?: number| no\.?| id)?|(?:participant|interviewee|respondent)s?[ -]?(?:id|code|number|no\.?|"
    r"pseudonym)|pseudonym|id|format|mode|platform|medium|language|participants|attendees|present|speakers|"
    r"number of participants|notes?|consent|title|topic|subject|type|version|"
    r"datum|fecha|data|ort|lieu|lugar|dauer|dur[ée]e|duraci[oó]n|uhrzeit|hora|heure)"
    r"(?:\s+of\s+(?:the\s+)?(?:interview|recording|session|focus[ -]group|transcript))?")
_ROLE_KEY = re.compile(
    r"(?:lead |co-?|assistant |second |first )?(?:interviewer|facilitator|moderator|note[ -]?taker|observer|"
    r"interviewee|participant|respondent|researcher|interviewerin|entrevistadora?|moderatorin|moderadora?|"
    r"facilitadora?|teilnehmer(?:in)?|participante|enquêteur|enquêtrice|animat(?:eur|rice))s?")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?"
_SHAPE_TOKEN = "|".join((
    r"\d{4}-\d{1,2}-\d{1,2}",  # 2026-03-12
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}",  # 12/03/2026, 12.03.26
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?(?:\s+\d{{4}})?",  # 12 March 2026
    rf"{_MONTH}\s+\d{{4}}",  # March 2026 (before the next: a token is the first alternative that fits)
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",  # March 12, 2026
    r"\d{1,2}\.?\s+[^\W\d_]{3,12}\.?,?\s+\d{4}",  # 12. März 2026, 12 de marzo 2026's day and year
    _WEEKDAY,
    r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?(?:\s*[ap]\.?m\.?)?",  # 14:00, 00:45:12, 2:30 pm
    r"\d{1,2}\s*[ap]\.?m\.?",  # 10 am
    # one number and unit: "1 h 20 min" is two tokens (a repeat here would backtrack exponentially)
    r"\d+(?:[.,]\d+)?\s*(?:h|hrs?|hours?|m|mins?|minutes?|minuten|minutos|s|secs?|seconds?|std|stunden?|"
    r"heures?|horas?|'|\")\.?",  # 45 min, 45 Minuten
    r"(?:utc|gmt|[ecmp][sd]t|cet|cest|bst)(?:[+-]\d{1,2})?",
))
# Tokens are atomic ((?>...)) and end at a word's end: each is matched once where it starts, so a
# value that is nearly a date costs a linear scan, not a search over every way to split it.
_SHAPED = re.compile(
    rf"(?:(?:approx(?:imately)?\.?|about|around|ca\.|c\.|~)\s*)?(?>(?:{_SHAPE_TOKEN})(?![^\W\d_]))"
    rf"(?:(?>\s*[,;/–—-]\s*|\s+(?:at|to|from|until|and)\s+|\s+)(?>(?:{_SHAPE_TOKEN})(?![^\W\d_])))*\s*\.?",
    re.IGNORECASE)
_NAME_TITLES = {"dr", "dr.", "prof", "prof.", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "mx", "mx."}
_NAME_PARTICLES = {"van", "von", "de", "da", "del", "della", "der", "la", "le", "bin", "al", "el", "du", "dos"}


def _header(text: str, starts: list[tuple[int, str]], label_ends: list[int], keep: set[str] | None,
            counts: dict[str, int], known) -> set[int]:
    """The indexes (into `starts`) of the header lines above the first real turn."""
    lines: list[tuple[int, str]] = []  # (index, kind) in order
    quiet: set[int] = set()  # header lines whose label is no speaker anyway ("Participant ID")
    quiet_keys = False
    for i, (_, label) in enumerate(starts[:len(label_ends)]):
        kind = _meta_kind(label, _value_at(text, label_ends[i]))
        if keep is not None and label not in keep:  # no turn anyway (a heading): the header goes on
            if kind is not None:
                quiet.add(i)
                quiet_keys = quiet_keys or kind != "role"
            continue
        if kind is None:
            break
        lines.append((i, kind))
    if not lines:
        return quiet
    # A key or a dated value whose label labels a turn later is a speaker after all: the header
    # ends before it.
    in_header: dict[str, int] = {}
    for i, _ in lines:
        in_header[starts[i][1]] = in_header.get(starts[i][1], 0) + 1
    for n, (i, kind) in enumerate(lines):
        label = starts[i][1]
        if kind != "role" and (counts[label] > in_header[label] or label in known):
            lines = lines[:n]
            break
    if quiet_keys or any(kind in ("key", "shape") for _, kind in lines):
        return quiet | {i for i, _ in lines}
    # Only roles with names: "Interviewer: J. Doe" is a header; "Interviewer: Welcome" never was one.
    named = set()
    for i, _ in lines:
        if not _strong_name(_value_at(text, label_ends[i])):
            break
        named.add(i)
    return quiet | named


def _value_at(text: str, end: int) -> str:
    """The rest of a label's line: what the label says."""
    stop = len(text)
    for brk in ("\n", "\u2029"):
        at = text.find(brk, end)
        if 0 <= at < stop:
            stop = at
    value = text[end:min(stop, end + 400)].strip()
    return value.strip("*_ \t").strip()


def _meta_kind(label: str, value: str) -> str | None:
    """'key', 'shape' or 'role' when a labelled line reads as a header line, else None."""
    key = " ".join(label.casefold().replace("’", "'").split()).rstrip(".#: ")
    if _META_KEY.fullmatch(key):
        return "key"
    if _ROLE_KEY.fullmatch(key):
        return "role" if value and _name_like(value) else None
    if value and len(value) <= 60 and _SHAPED.fullmatch(value):
        return "shape"
    return None


def _names(value: str) -> list[list[str]]:
    value = re.sub(r"\([^)]*\)", " ", value)  # "Ana Ruiz (research assistant)"
    return [part.split() for part in re.split(r"\s*(?:[,;&/]|\band\b)\s*", value) if part.strip()]


def _name_like(value: str) -> bool:
    """'J. Doe', 'Dr. Priya Shah', 'NPM-3', 'Ana Ruiz and K. Lee': names, not something said."""
    if len(value) > 60 or value.endswith(("?", "!", "...", "…")) or (value.endswith(".") and not re.search(
            r"(?:^|\s)(?:[A-Z]|Jr|Sr)\.$", value)):
        return False
    names = _names(value)
    if not names:
        return False
    for words in names:
        if not 1 <= len(words) <= 4:
            return False
        for w in words:
            if w.casefold() in _NAME_TITLES or w.casefold() in _NAME_PARTICLES:
                continue
            if not (w[0].isupper() or any(ch.isdigit() for ch in w)):
                return False
    return True


def _strong_name(value: str) -> bool:
    """A name no greeting has: an initial, a title, an ID with digits, or several capitalised words."""
    for words in _names(value):
        if len(words) >= 2 or any(re.fullmatch(r"[A-Z]\.?", w) or w.casefold() in _NAME_TITLES
                                  or any(ch.isdigit() for ch in w) for w in words):
            return True
    return False


def _paragraph_matches(rx: re.Pattern, text: str, default: bool):
    """(paragraph start, match, base) for each paragraph (split at LINE_BREAK) the pattern matches
    at its start; the match's offsets count from `base` in the text.

    The default pattern starts with ^ and cannot cross a line end, so when LF is the only break
    it is matched in place at each line start (^ holds there), without a list of lines: a 199 MB
    transcript would otherwise be copied once more, line by line. Otherwise each paragraph is
    matched on its own, one at a time, so a pattern never runs into the next one."""
    if default and "\u2029" not in text:
        match, find, pos = rx.match, text.find, 0
        while pos >= 0:
            m = match(text, pos)  # ^ matches at pos: it is 0 or just after a LF
            if m:
                yield pos, m, 0
            pos = find("\n", pos)
            if pos >= 0:
                pos += 1
        return
    pos = 0
    for brk in LINE_BREAK.finditer(text):
        m = rx.match(text[pos:brk.start()])
        if m:
            yield pos, m, pos
        pos = brk.end()
    m = rx.match(text[pos:])
    if m:
        yield pos, m, pos


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
