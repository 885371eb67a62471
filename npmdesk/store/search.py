"""Full-text search: FTS5 finds the documents, then exact positions come from the stored text."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from itertools import islice

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import SearchHit
from npmdesk.core.paragraphs import LINE_BREAK
from npmdesk.store.base import StoreBase

SNIPPET_CONTEXT = 60


def fts_query(query: str) -> str:
    """A user's words as a safe FTS5 query: quoted phrases stay phrases, other words are ANDed."""
    parts = re.findall(r'"([^"]+)"|(\S+)', query)
    terms = []
    for phrase, word in parts:
        text = (phrase or word).replace('"', "")
        if text.strip():
            terms.append('"' + text + '"')
    if not terms:
        raise InvalidValueError("type a word or phrase to search for")
    return " AND ".join(terms)


def _fold(text: str) -> str:
    """Lower case without accents: what the full-text index compares (remove_diacritics)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).lower()


def _accent_variants() -> dict[str, str]:
    """Base letter -> every Latin letter that folds to it ('e' -> 'eèéêëēĕėęě…')."""
    out: dict[str, str] = {}
    for cp in range(0x00C0, 0x0250):
        ch = chr(cp)
        base = _fold(ch)
        if len(base) == 1 and base != ch.lower() and base.isalpha():
            out[base] = out.get(base, base) + ch
    return out


_VARIANTS = _accent_variants()
_MARKS = "[\u0300-\u036f]*"  # combining accents typed as separate characters ("e" + U+0301)


def _word_pattern(word: str) -> str:
    return "".join((f"[{re.escape(_VARIANTS[ch])}]" if ch in _VARIANTS else re.escape(ch)) + _MARKS
                   for ch in _fold(word))


def hit_pattern(query: str) -> re.Pattern:
    """Where in a text the query's words or phrases occur: whole words, ignoring case and accents
    as the full-text index does, so that "jose" finds "José" and "José" finds "Jose"."""
    parts = re.findall(r'"([^"]+)"|(\S+)', query)
    alternatives = []
    for phrase, word in parts:
        words = re.findall(r"\w+", phrase or word)
        if words:
            alternatives.append(r"\W+".join(_word_pattern(w) for w in words))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


class SearchMixin(StoreBase):
    def search(self, query: str, *, document_ids: list[int] | None = None, limit: int = 1000,
               offset: int = 0) -> list[SearchHit]:
        """Occurrences of the query's words/phrases in matching documents (document order, then
        position), each with a snippet, speaker and participant: hits offset .. offset + limit."""
        hits = self.iter_search(query, document_ids=document_ids)
        return list(islice(hits, max(0, offset), max(0, offset) + max(0, limit)))

    def iter_search(self, query: str, *, document_ids: list[int] | None = None) -> Iterator[SearchHit]:
        """The hits of `search`, found lazily: FTS5 says which documents match (at once, so a bad
        query raises here), and each document's text is scanned only when its hits are reached,
        a few documents at a time, with one query for their speaker turns. The first screen of
        hits costs a few documents, not every matching one."""
        match = fts_query(query)
        pattern = hit_pattern(query)
        where, params = "document_texts_fts MATCH ?", [match]
        if document_ids is not None:
            where += " AND f.rowid IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(document_ids)))
        try:
            docs = [r[0] for r in self.db.execute(
                "SELECT d.id FROM document_texts_fts f "
                f"JOIN documents d ON d.id = f.rowid WHERE {where} ORDER BY d.position, d.id", params)]
        except sqlite3.OperationalError as e:
            raise InvalidValueError(f"cannot search for {query!r} ({e})") from None
        return self._hits(docs, pattern)

    def _hits(self, doc_ids: list[int], pattern: re.Pattern) -> Iterator[SearchHit]:
        for a, b in _batches(len(doc_ids)):
            names = {r[0]: r for r in self.db.execute(
                "SELECT d.id, d.name, c.name FROM documents d LEFT JOIN cases c ON c.id = d.case_id "
                "WHERE d.id IN (SELECT value FROM json_each(?))", (json.dumps(doc_ids[a:b]),))}
            chunk = [names[d] for d in doc_ids[a:b] if d in names]
            texts = self.document_texts(d[0] for d in chunk)
            found = [(d, [m.span() for m in pattern.finditer(texts[d[0]])]) for d in chunk]
            with_hits = [d[0] for d, spans in found if spans]
            if not with_hits:
                continue
            turns: dict[int, tuple[list[int], list]] = {}
            for doc_id, start, speaker in self.db.execute(
                    "SELECT t.document_id, t.start, s.name FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id "
                    "WHERE t.document_id IN (SELECT value FROM json_each(?)) "
                    "ORDER BY t.document_id, t.start, t.speaker_id, t.id", (json.dumps(with_hits),)):
                starts, speakers = turns.setdefault(doc_id, ([], []))
                starts.append(start)
                speakers.append(speaker)
            links: dict[int, dict] = {}
            for doc_id, name, case in self.db.execute(
                    "SELECT s.document_id, s.name, c.name FROM speakers s LEFT JOIN cases c ON c.id = s.case_id "
                    "WHERE s.document_id IN (SELECT value FROM json_each(?)) ORDER BY s.document_id, s.id",
                    (json.dumps(with_hits),)):
                links.setdefault(doc_id, {})[name] = case
            for (doc_id, name, case), spans in found:
                if not spans:
                    continue
                text = texts[doc_id]
                starts, speakers = turns.get(doc_id, ([], []))
                linked = links.get(doc_id, {})
                for start, end in spans:
                    k = bisect_right(starts, start) - 1
                    speaker = speakers[k] if k >= 0 else None
                    lo, hi = max(0, start - SNIPPET_CONTEXT), min(len(text), end + SNIPPET_CONTEXT)
                    snippet = ("…" if lo else "") + LINE_BREAK.sub(" ", text[lo:hi]) + ("…" if hi < len(text) else "")
                    yield SearchHit(doc_id, name, start, end, snippet, speaker, linked.get(speaker) or case)


FIRST_BATCH = 4  # documents scanned before the first hits are given; batches then double up to 64


def _batches(n: int):
    i, size = 0, FIRST_BATCH
    while i < n:
        yield i, min(n, i + size)
        i += size
        size = min(64, size * 2)
