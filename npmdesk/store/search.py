"""Full-text search: FTS5 finds the documents, then exact positions come from the stored text."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from bisect import bisect_right

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import SearchHit

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


class SearchMixin:
    def search(self, query: str, *, document_ids: list[int] | None = None, limit: int = 1000) -> list[SearchHit]:
        """Every occurrence of the query's words/phrases in matching documents, with a snippet."""
        match = fts_query(query)
        pattern = hit_pattern(query)
        where = "document_texts_fts MATCH ?"
        params: list = [match]
        if document_ids is not None:
            where += f" AND rowid IN ({','.join('?' * len(document_ids))})"
            params += document_ids
        try:
            doc_ids = [r[0] for r in self.db.execute(
                f"SELECT rowid FROM document_texts_fts WHERE {where}", params)]
        except sqlite3.OperationalError as e:
            raise InvalidValueError(f"cannot search for {query!r} ({e})") from None
        if not doc_ids:
            return []
        docs = {d.id: d for d in self.documents() if d.id in set(doc_ids)}
        hits: list[SearchHit] = []
        for doc in sorted(docs.values(), key=lambda d: (d.position, d.id)):
            text = self.document_text(doc.id)
            turns = starts = links = None
            for m in pattern.finditer(text):
                if turns is None:
                    turns = self.turns(doc.id)
                    starts = [t.start for t in turns]
                    links = {s.name: s.case for s in self.speakers(doc.id)}
                i = bisect_right(starts, m.start()) - 1
                speaker = turns[i].speaker if i >= 0 else None
                participant = links.get(speaker) or doc.case
                a, b = max(0, m.start() - SNIPPET_CONTEXT), min(len(text), m.end() + SNIPPET_CONTEXT)
                snippet = ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")
                hits.append(SearchHit(doc.id, doc.name, m.start(), m.end(), snippet, speaker, participant))
                if len(hits) >= limit:
                    return hits
        return hits
