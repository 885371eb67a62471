"""Pseudonym rules and where they apply in a text (pure; no Qt, no SQL).

A `Rule` says "write `replacement` wherever `term` stands as a whole word". Matching is
case-insensitive and Unicode-aware: a term matches only where the characters either side of it are
not letters, digits or underscores (in any script), so "Ann" does not match inside "Annual" or
"Joanne". Whitespace inside a term matches any run of whitespace ("St  Mary's" across a line break).
Where two matches overlap the longer one wins ("Mercy Hospital" over "Mercy"); equal lengths: the
earlier. Spans are Python code-point offsets `[start, end)` into the text, the project's unit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

Replacement = tuple[int, int, str]


@dataclass(frozen=True)
class Rule:
    term: str
    replacement: str


def _term_pattern(term: str) -> str:
    return r"\s+".join(re.escape(part) for part in term.split())


def compile_rules(rules: Iterable[Rule]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One regular expression for every rule (longest term first) and the replacement per folded term."""
    by_folded: dict[str, str] = {}
    for rule in rules:
        key = " ".join(rule.term.split()).casefold()
        if key and key not in by_folded:
            by_folded[key] = rule.replacement
    if not by_folded:
        return None, by_folded
    terms = sorted(by_folded, key=lambda t: (-len(t), t))
    alternation = "|".join(_term_pattern(t) for t in terms)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), by_folded


def find_replacements(text: str, rules: list[Rule]) -> list[Replacement]:
    """Sorted, non-overlapping `(start, end, replacement)` for every whole-word match of a rule."""
    pattern, by_folded = compile_rules(rules)
    if pattern is None:
        return []
    return find_with(text, pattern, by_folded)


def find_with(text: str, pattern: re.Pattern[str], by_folded: dict[str, str]) -> list[Replacement]:
    """`find_replacements` with rules compiled once (for many documents)."""
    candidates: list[tuple[int, int]] = []
    pos = 0
    search = pattern.search
    overlapping = False
    while True:
        m = search(text, pos)
        if m is None:
            break
        s, e = m.span()
        if candidates and s < candidates[-1][1]:
            overlapping = True
        candidates.append((s, e))
        pos = s + 1  # a later, longer term may start inside this match
    if not candidates:
        return []
    if overlapping:
        chosen = _longest_first(candidates)
    else:
        chosen = candidates
    out: list[Replacement] = []
    for s, e in chosen:
        key = " ".join(text[s:e].split()).casefold()
        replacement = by_folded.get(key)
        if replacement is None:  # case folding that changed the length: find the rule by pattern
            replacement = next((r for t, r in by_folded.items()
                                if re.fullmatch(_term_pattern(t), text[s:e], re.IGNORECASE)), "")
        out.append((s, e, replacement))
    return out


def _longest_first(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    starts: list[int] = []  # chosen spans, sorted by start; they never overlap one another
    ends: list[int] = []
    for s, e in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        i = bisect.bisect_left(starts, s)
        if i > 0 and ends[i - 1] > s:
            continue
        if i < len(starts) and starts[i] < e:
            continue
        starts.insert(i, s)
        ends.insert(i, e)
    return list(zip(starts, ends))


def apply(text: str, replacements: list[Replacement]) -> str:
    """The text with each `(start, end, replacement)` written in (spans sorted, non-overlapping)."""
    if not replacements:
        return text
    parts: list[str] = []
    pos = 0
    for s, e, r in replacements:
        if s < pos or e < s or e > len(text):
            raise ValueError(f"replacement span {s}:{e} overlaps an earlier one or lies outside the text")
        parts.append(text[pos:s])
        parts.append(r)
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def deidentify_text(text: str, rules: list[Rule]) -> str:
    """The text with every rule applied."""
    return apply(text, find_replacements(text, rules))


class Deidentifier:
    """Rules compiled once, applied to many strings (quotes, names, cells)."""

    def __init__(self, rules: Iterable[Rule]):
        self.rules = list(rules)
        self._pattern, self._by_folded = compile_rules(self.rules)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def replacements(self, text: str) -> list[Replacement]:
        if self._pattern is None or not text:
            return []
        return find_with(text, self._pattern, self._by_folded)

    def __call__(self, text: str) -> str:
        return apply(text, self.replacements(text))


CODER_NAMES = ("role", "initials", "keep")  # how a de-identified output names coders


def initials(name: str) -> str:
    """'Ana Ruiz' -> 'A.R.'; 'ana' -> 'A.'."""
    parts = [p for p in name.replace("-", " ").replace(".", " ").split() if p]
    return "".join(p[0].upper() + "." for p in parts) or "Coder"


def coder_alias(name: str, role: str | None, coder_names: str = "role") -> str:
    """The name a de-identified output gives a coder: their role (initials when none is set), their
    initials, or their name as it is ("keep": a team that publishes who coded)."""
    if coder_names not in CODER_NAMES:
        raise ValueError(f"coder names are one of {', '.join(CODER_NAMES)}")
    if coder_names == "keep":
        return name
    if coder_names == "role" and role:
        return role
    return initials(name)


def coder_note(coder_names: str = "role") -> str:
    return {"role": "coders are named by role or initials", "initials": "coders are named by their initials",
            "keep": "coders keep their names"}[coder_names]

