"""Finding likely identifiers in transcripts (pure; the store streams the texts in).

What is found, by kind:
- `participant`: participant (case) names and the values of identifying attributes;
- `speaker`: speaker labels ("NPM-3", "Dr Osei");
- `term`: every term already in the project's pseudonym table;
- `email`, `url`, `phone`, `date`: by pattern;
- `name`: capitalised words and runs of them ("Lakeside Mercy Hospital") that are not at the start of
  a sentence (or a turn) and are not made only of common words (resources/identifiers/).
Each is counted over every document, with a few short snippets of context. Terms are merged
case-insensitively; a term found as several kinds keeps the first kind in the order above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from npmdesk.core.deidentify import Rule, compile_rules, find_with

KINDS = ("participant", "speaker", "term", "email", "url", "phone", "date", "name")
_RANK = {k: i for i, k in enumerate(KINDS)}
CONTEXT_CHARS = 40
MAX_CONTEXTS = 3

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_ORD = r"(?:st|nd|rd|th)?"
_PATTERNS = re.compile("|".join((
    r"(?P<url>\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]])",
    r"(?P<email>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    r"(?P<date>(?<!\w)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}})(?!\w))",
    r"(?P<phone>(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,3}(?![\w-]))",
)))
# A word: a letter (not inside another word, as the B of '2B'), then letters, digits, apostrophes or hyphens.
# Capitalised: its first letter is upper case.
_WORD = re.compile(r"(?<![\w'’\-])[^\W\d_][\w'’\-]*")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = frozenset(".!?:;\"“”(\n")


@dataclass
class Identifier:
    term: str
    kind: str
    count: int = 0
    contexts: list[tuple[str, str]] = field(default_factory=list)  # (document name, snippet)
    documents: set[str] = field(default_factory=set)


def _snippet(text: str, s: int, e: int) -> str:
    a, b = max(0, s - CONTEXT_CHARS), min(len(text), e + CONTEXT_CHARS)
    left = _SPACES.sub(" ", text[a:s]).lstrip()
    right = _SPACES.sub(" ", text[e:b]).rstrip()
    return f"{'…' if a > 0 else ''}{left}[{' '.join(text[s:e].split())}]{right}{'…' if b < len(text) else ''}"


def load_common_words(lines: Iterable[str]) -> frozenset[str]:
    words = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line.casefold().replace("’", "'"))
    return frozenset(words)


class IdentifierFinder:
    """Feed documents one at a time (`add`), then read `results()`."""

    def __init__(self, known: Iterable[tuple[str, str]] = (), common_words: frozenset[str] = frozenset()):
        """`known`: (term, kind) pairs — participants, speakers, table terms."""
        self.common = common_words
        self.found: dict[str, Identifier] = {}
        self._known_kind: dict[str, str] = {}
        for term, kind in known:
            key = " ".join(term.split()).casefold()
            if key and (key not in self._known_kind or _RANK[kind] < _RANK[self._known_kind[key]]):
                self._known_kind[key] = kind
        self._pattern, self._by_folded = compile_rules(Rule(k, k) for k in self._known_kind)
        self.documents = 0
        self.words = 0

    def _note(self, key: str, term: str, kind: str, doc: str, text: str, s: int, e: int) -> None:
        item = self.found.get(key)
        if item is None:
            item = self.found[key] = Identifier(term, kind)
        elif _RANK[kind] < _RANK[item.kind]:
            item.kind, item.term = kind, term
        item.count += 1
        if len(item.contexts) < MAX_CONTEXTS and doc not in item.documents:
            item.contexts.append((doc, _snippet(text, s, e)))
        item.documents.add(doc)

    def add(self, doc: str, text: str) -> None:
        self.documents += 1
        note = self._note
        taken: list[tuple[int, int]] = []
        if self._pattern is not None:
            for s, e, folded in find_with(text, self._pattern, self._by_folded):
                note(folded, " ".join(text[s:e].split()), self._known_kind[folded], doc, text, s, e)
                taken.append((s, e))
        for m in _PATTERNS.finditer(text):
            kind = m.lastgroup or "term"
            s, e = m.span()
            term = m.group()
            if kind == "phone" and sum(c.isdigit() for c in term) < 7:
                continue
            note(term.casefold(), term, kind, doc, text, s, e)
        self._capitalised(doc, text, taken)

    def _capitalised(self, doc: str, text: str, taken: list[tuple[int, int]]) -> None:
        common = self.common
        run: list[tuple[int, int]] = []
        run_start_sentence = False
        n_words = 0

        def flush() -> None:
            words = run[1:] if run_start_sentence else run
            if words and any(text[s:e].casefold().replace("’", "'") not in common for s, e in words):
                s, e = words[0][0], words[-1][1]
                if not _inside(taken, s, e):
                    term = text[s:e]
                    self._note(term.casefold(), term, "name", doc, text, s, e)

        prev_end = -2
        for m in _WORD.finditer(text):
            n_words += 1
            s, e = m.span()
            if not text[s].isupper():
                if run:
                    flush()
                    run = []
                continue
            if run and s == prev_end + 1 and text[prev_end] == " ":
                run.append((s, e))
            else:
                if run:
                    flush()
                run = [(s, e)]
                j = s - 1
                while j >= 0 and text[j] in " \t":
                    j -= 1
                run_start_sentence = j < 0 or text[j] in _SENTENCE_END
            prev_end = e
        if run:
            flush()
        self.words += n_words

    def results(self) -> list[Identifier]:
        """Most frequent first; then by kind and term."""
        return sorted(self.found.values(), key=lambda i: (-i.count, _RANK[i.kind], i.term.casefold()))


def _inside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether [s, e) overlaps a span already found as a known term (spans sorted)."""
    import bisect

    i = bisect.bisect_right(spans, (s, 1 << 62))
    return (i > 0 and spans[i - 1][1] > s) or (i < len(spans) and spans[i][0] < e)


def find_identifiers(documents: Iterable[tuple[str, str]], known: Iterable[tuple[str, str]] = (),
                     common_words: frozenset[str] = frozenset()) -> list[Identifier]:
    """Every likely identifier in `documents` ((name, text) pairs, streamed)."""
    finder = IdentifierFinder(known, common_words)
    for name, text in documents:
        finder.add(name, text)
    return finder.results()
