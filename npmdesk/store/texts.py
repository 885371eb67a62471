"""Document texts kept in memory between calls, checked against each document's GUID.

A document's text never changes once imported, so a text read once is right for as long as the
document exists; the GUID check catches the one way an id can come to mean another text (a
document deleted and a new one given the freed id, possibly by another program). The memory is
bounded: least recently used texts are dropped past MAX_CHARS."""

from __future__ import annotations

from collections import OrderedDict

from npmdesk.core.errors import NotFoundError
from npmdesk.store.base import StoreBase

MAX_CHARS = 16_000_000


class TextsMixin(StoreBase):
    def document_text(self, doc_id: int) -> str:
        return self.document_texts([doc_id])[doc_id]

    def document_texts(self, doc_ids) -> dict[int, str]:
        """Texts of several documents in one or two queries (retrieval across a corpus)."""
        cache: OrderedDict = self.__dict__.setdefault("_texts", OrderedDict())
        ids = list(dict.fromkeys(doc_ids))
        guids: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            guids.update(self.db.execute(
                # An edited text (store/text_edits.py) is a new version: its hash keys the cache too.
                "SELECT id, guid || ifnull((SELECT ' ' || v.text_sha256 FROM document_versions v WHERE "
                "v.document_id = d.id ORDER BY v.version DESC LIMIT 1), '') FROM documents d "
                f"WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        missing = [d for d in ids if d not in guids]
        if missing:
            raise NotFoundError(f"no document with id {missing[0]}")
        out: dict[int, str] = {}
        wanted = []
        for d in ids:
            hit = cache.get(d)
            if hit is not None and hit[0] == guids[d]:
                cache.move_to_end(d)
                out[d] = hit[1]
            else:
                wanted.append(d)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            for d, text in self.db.execute(f"SELECT document_id, text FROM document_texts WHERE document_id IN "
                                           f"({','.join('?' * len(chunk))})", chunk):
                out[d] = text
                self._remember_text(cache, d, guids[d], text)
        return out

    def _remember_text(self, cache: OrderedDict, doc_id: int, guid: str, text: str) -> None:
        old = cache.pop(doc_id, None)
        total = self.__dict__.get("_texts_chars", 0) - (len(old[1]) if old else 0)
        cache[doc_id] = (guid, text)
        total += len(text)
        while total > MAX_CHARS and len(cache) > 1:
            _, (_, dropped) = cache.popitem(last=False)
            total -= len(dropped)
        self.__dict__["_texts_chars"] = total
