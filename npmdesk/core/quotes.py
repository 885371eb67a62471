"""Quotes as a manuscript prints them: the coded text without speaker labels, fragments marked
with an ellipsis, curly quotation marks throughout, and a citation in the report's style.

Citation styles (`CITATION_STYLES`), for a quote by NPM-4 (year 3, rural) in focus group 2, ¶ 12:
    id        (NPM‑4)
    spaced    (NPM 4)
    tagged    (NPM‑4, year 3, rural)         the attributes chosen as tags (default: all)
    located   (P4, focus group 2, ¶ 12)      with prefix "P"; the document and paragraph
IDs never break across lines: the hyphen is U+2011 (non-breaking), spaces are U+00A0. A passage
spoken by a non-participant is cited by role and transcript: (Interviewer, Interview NPM‑1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from npmdesk.core.attribution import OTHER, PARTICIPANT, Attribution, voice

CITATION_STYLES = {
    "id": "(NPM\u20114)",
    "spaced": "(NPM\u00a04)",
    "tagged": "(NPM\u20114, year 3, rural)",
    "located": "(P4, focus group 2, \u00b6\u00a012)",
}
NB_HYPHEN, NBSP, ELLIPSIS = "\u2011", "\u00a0", "\u2026"
_SENTENCE_END = ".!?\u2026"
_CLOSERS = "\"'\u201d\u2019)]\u00bb"
_TIMESTAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?[ \t]+)?"


def non_breaking(text: str) -> str:
    """An ID that never breaks across lines: hyphens U+2011, spaces U+00A0."""
    return text.replace("-", NB_HYPHEN).replace(" ", NBSP)


def participant_id(name: str, style: str = "id", prefix: str = "") -> str:
    """'NPM-4' as the style writes it: 'NPM‑4', 'NPM 4', or with a prefix 'P4'."""
    name = " ".join(name.split())
    if prefix:
        m = re.search(r"(\d+)\s*$", name)
        if m:
            return non_breaking(prefix + m.group(1))
    if style == "spaced":
        return re.sub(r"[\-_\s]+", NBSP, name)
    return non_breaking(name)


def attribute_tag(label: str, value) -> str:
    """year 3 · rural / not rural · first-generation (a text value stands for itself)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return label if value else f"not {label}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        return f"{label}{NBSP}{value}"
    return str(value)


@dataclass(frozen=True)
class Citation:
    """How a report cites its quotes (one per project, in the report settings)."""

    style: str = "id"
    prefix: str = ""  # replaces the letters of participant IDs ('P' makes NPM-4 'P4')
    tags: tuple[str, ...] | None = None  # attribute names to tag; None: all (tagged) / none (others)

    def __post_init__(self):
        if self.style not in CITATION_STYLES:
            raise ValueError(f"unknown citation style {self.style!r} (use {', '.join(CITATION_STYLES)})")


@dataclass(frozen=True)
class QuoteContext:
    """What a citation may mention besides the participant: their attribute values (name -> value,
    with labels), the transcript's label in the located style, the paragraph range."""

    attributes: dict  # participant -> {attribute name: value}
    labels: dict  # attribute name -> label printed
    attribute_order: tuple[str, ...]
    document_label: str = ""  # 'focus group 2'
    paragraphs: tuple[int, int] | None = None


def cite(attribution: Attribution, citation: Citation, context: QuoteContext) -> str:
    """The parenthesised citation of one quote."""
    parts: list[str] = []
    if attribution.participants:
        tags = citation.tags if citation.tags is not None else (
            context.attribute_order if citation.style == "tagged" else ())
        people = []
        for name in attribution.participants:
            pid = participant_id(name, citation.style, citation.prefix)
            values = context.attributes.get(name, {})
            extra = [attribute_tag(context.labels.get(a, a), values.get(a)) for a in tags]
            people.append(", ".join([pid, *(t for t in extra if t)]))
        parts.append("; ".join(people))
        if citation.style == "located":
            if context.document_label:
                parts.append(context.document_label)
            if context.paragraphs:
                a, b = context.paragraphs
                parts.append(f"\u00b6{NBSP}{a}" if a == b else f"\u00b6{NBSP}{a}\u2013{b}")
        if attribution.others or attribution.unlinked:
            parts.append("with " + ", ".join(attribution.others + attribution.unlinked))
    elif attribution.others:
        parts = [", ".join(attribution.others), non_breaking(attribution.document)]
    elif attribution.unlinked:
        parts = [", ".join(attribution.unlinked) + " (speaker not linked to a participant)",
                 non_breaking(attribution.document)]
    else:
        parts = [non_breaking(attribution.document)]
    return "(" + ", ".join(parts) + ")"


_MARKS = re.compile("[\"'\u201c\u201d]")
_OPENERS = "([{\u2014\u2013-/\u201c\u2018"


def curly(text: str, *, nested: bool) -> str:
    """Straight quotation marks made curly; inside a quote that is itself in double marks
    (`nested`), double marks become single, as American style nests them. Only the marks are
    looked at (a regular expression finds them), so a long quote without any costs one scan."""
    if '"' not in text and "'" not in text and not (nested and ("\u201c" in text or "\u201d" in text)):
        return text

    def mark(m: re.Match) -> str:
        ch, i = m.group(), m.start()
        prev = text[i - 1] if i else " "
        opening = prev.isspace() or prev in _OPENERS
        if ch == "'":
            return ("\u2018" if opening and i + 1 < len(text) and not text[i + 1].isspace()
                    and not _elision(text, i) else "\u2019")
        if ch != '"' and not nested:
            return ch  # already curly, and not inside another quote
        is_open = opening if ch == '"' else ch == "\u201c"
        if nested:
            return "\u2018" if is_open else "\u2019"
        return "\u201c" if is_open else "\u201d"

    return _MARKS.sub(mark, text)


def _elision(text: str, i: int) -> bool:
    """'90s, 'em, 'til: an apostrophe at a word's start, not an opening mark."""
    return bool(re.match(r"'(?:\d\d|em\b|til\b|cause\b|n\b)", text[i:i + 7], re.IGNORECASE))


def strip_label(text: str, speaker: str) -> str:
    """The text of a turn without its leading 'NPM-4:' / '[00:01] Interviewer -' label."""
    return _label_pattern(speaker).sub("", text, count=1)


@lru_cache(maxsize=512)
def _label_pattern(speaker: str) -> re.Pattern:
    return re.compile(rf"^[ \t]*{_TIMESTAMP}(?:\*\*|__)?{re.escape(speaker)}(?:\*\*|__)?[ \t]*"
                    r"(?::|[ \t]+[-\u2013\u2014][ \t])(?:\*\*|__)?[ \t]*", re.IGNORECASE)


def _starts_sentence(doc: str, start: int, floor: int) -> bool:
    j = start
    while j > floor and doc[j - 1] in " \t":
        j -= 1
    if j <= floor or doc[j - 1] == "\n":
        return True
    k = j
    while k > floor and doc[k - 1] in _CLOSERS:
        k -= 1
    return k > floor and doc[k - 1] in _SENTENCE_END


def _ends_sentence(text: str, doc: str, end: int, ceiling: int) -> bool:
    t = text.rstrip()
    while t and t[-1] in _CLOSERS:
        t = t[:-1]
    if t and t[-1] in _SENTENCE_END:
        return True
    rest = doc[end:ceiling]
    if not rest.strip() or rest.lstrip(" \t").startswith("\n"):
        return True
    # Coded up to the sentence's closing mark but not over it (selections snap to words, which
    # leaves the full stop out): the sentence is whole, so no ellipsis.
    k = 0
    while k < len(rest) and rest[k] in _CLOSERS:
        k += 1
    if k < len(rest) and rest[k] in _SENTENCE_END:
        k += 1
        while k < len(rest) and (rest[k] in _CLOSERS or rest[k] in _SENTENCE_END):
            k += 1
        return k == len(rest) or rest[k] in " \t\n"
    return False


@dataclass(frozen=True)
class QuotedPart:
    speaker: str  # '' for a single speaker (label stripped); else the label printed before it
    text: str


def quote_parts(doc: str, start: int, end: int, attribution: Attribution, *, nested: bool,
                participant_style: Citation | None = None) -> list[QuotedPart]:
    """The quote's text, per speaker: labels stripped, an ellipsis where it starts or ends
    mid-sentence, curly marks. One speaker gives one part with no label; several keep who says
    what, each turn labelled with the participant's ID (or the role)."""
    segments = [s for s in attribution.segments if s.end > s.start] or list(attribution.segments)
    several = len({voice(s) for s in segments}) > 1
    parts = []
    for n, s in enumerate(segments):
        raw = doc[s.start:s.end]
        text = strip_label(raw, s.speaker) if s.speaker else raw
        label_len = len(raw) - len(text)
        first, last = n == 0, n == len(segments) - 1
        body = text.strip()
        if not body:
            continue
        if first and label_len == 0:
            lead = len(text) - len(text.lstrip())
            line_start = _turn_floor(doc, s.start)
            speaker = s.speaker
            after_label = bool(speaker) and not strip_label(doc[line_start:s.start + lead] + "x",
                                                            speaker or "")[:-1].strip()
            if not after_label and not _starts_sentence(doc, s.start + lead, line_start):
                body = ELLIPSIS + body
        if last and not _ends_sentence(body, doc, s.end, _line_end(doc, s.end)):
            body = body + ELLIPSIS
        body = curly(body, nested=nested)
        label = ""
        if several:
            if s.role == PARTICIPANT and s.participant:
                style = participant_style or Citation()
                label = participant_id(s.participant, style.style, style.prefix)
            elif s.role == OTHER or s.speaker:
                label = s.speaker or ""
        parts.append(QuotedPart(label, body))
    return parts


def _turn_floor(doc: str, start: int) -> int:
    """Where the sentence context of a passage can begin: the start of its line."""
    i = doc.rfind("\n", 0, start)
    return i + 1


def _line_end(doc: str, end: int) -> int:
    i = doc.find("\n", end)
    return len(doc) if i < 0 else i


def quote_text(parts: list[QuotedPart]) -> str:
    """Parts as one string: 'text' alone, else 'NPM‑1: text / Interviewer: text' by line."""
    if len(parts) == 1 and not parts[0].speaker:
        return parts[0].text
    return "\n".join(f"{p.speaker}: {p.text}" if p.speaker else p.text for p in parts)
