"""Codings (a code applied to [start, end) of a document) and the excerpts they retrieve."""

from __future__ import annotations

from npmdesk.core.coding_index import SpanColumns
from npmdesk.core.errors import AlreadyDoneError, InvalidSpanError, InvalidValueError, NotFoundError
from npmdesk.core.gc_pause import gc_paused
from npmdesk.core.model import Coding, Excerpt, ExcerptFilter
from npmdesk.store import excerpts as excerpt_query
from npmdesk.store.database import new_guid, now
from npmdesk.store.base import StoreBase, new_id

_CODING_COLUMNS = ("cg.id, cg.document_id, cg.code_id, cg.start, cg.end, cg.coder_id, cg.exemplar, "
                   "cg.created, cg.guid, co.name")


class CodingsMixin(StoreBase):
    def apply_coding(
        self,
        doc_id: int,
        code_id: int,
        start: int,
        end: int,
        *,
        exemplar: bool = False,
        coder_id: int | None = None,
        guid: str | None = None,
        created: str | None = None,
        coding_id: int | None = None,
    ) -> int:
        """Code [start, end) of a document; durable when this returns. Returns the coding's id.

        `coding_id`/`guid` let undo put a removed coding back exactly as it was."""
        with self.write("apply coding", document=doc_id, code=code_id, start=start, end=end) as c:
            coder = coder_id if coder_id is not None else self.coder_id
            length = self._document_length(c, doc_id)
            _check_span(start, end, length)
            # Format 1 (read, or written by its own tests, before the upgrade) has no codable column.
            codable = "codable" if getattr(self, "schema_version", 2) >= 2 else "1"
            row = c.execute(f"SELECT {codable}, name FROM codes WHERE id = ?", (code_id,)).fetchone()
            if not row:
                raise NotFoundError(f"no code with id {code_id}")
            if not row[0]:
                raise InvalidValueError(f"{row[1]!r} is a category (not codable): apply one of its codes instead, "
                                      "or make it codable in its definition")
            if c.execute("SELECT 1 FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND end = ? "
                         "AND coder_id = ?", (doc_id, code_id, start, end, coder)).fetchone():
                raise AlreadyDoneError("this passage already has this code")
            made = new_id(c.execute(
                "INSERT INTO codings(id, document_id, code_id, start, end, coder_id, exemplar, created, guid) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (coding_id, doc_id, code_id, start, end, coder, int(exemplar), created or now(), guid or new_guid()),
            ))
            self._assign_coding_cases(c, made, doc_id, start, end)
        return made

    def remove_coding(self, coding_id: int) -> Coding:
        """Remove a coding (its memo and exemplar choices go with it); returns what was removed.
        Undo puts all of it back from the row journal (store/journal.py)."""
        coding = self.coding(coding_id)
        with self.write("remove coding", coding=coding_id) as c:
            c.execute("DELETE FROM codings WHERE id = ?", (coding_id,))
        return coding

    def change_coding_span(self, coding_id: int, start: int, end: int) -> tuple[int, int]:
        """Move a coding's boundaries; returns the old (start, end) for undo."""
        old = self.coding(coding_id)
        with self.write("change coding span", coding=coding_id, start=start, end=end) as c:
            _check_span(start, end, self._document_length(c, old.document_id))
            if c.execute("SELECT 1 FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND end = ? "
                         "AND coder_id = ? AND id != ?",
                         (old.document_id, old.code_id, start, end, old.coder_id, coding_id)).fetchone():
                raise AlreadyDoneError("that passage already has this code")
            c.execute("UPDATE codings SET start = ?, end = ? WHERE id = ?", (start, end, coding_id))
            c.execute("DELETE FROM coding_cases WHERE coding_id = ?", (coding_id,))
            self._assign_coding_cases(c, coding_id, old.document_id, start, end)
        return old.start, old.end

    def set_exemplar(self, coding_id: int, exemplar: bool) -> None:
        with self.write("set exemplar", coding=coding_id, exemplar=exemplar) as c:
            self._require_updated(c.execute("UPDATE codings SET exemplar = ? WHERE id = ?",
                                            (int(exemplar), coding_id)), f"no coding with id {coding_id}")

    def coding(self, coding_id: int) -> Coding:
        row = self.db.execute(f"SELECT {_CODING_COLUMNS} FROM codings cg JOIN coders co ON co.id = cg.coder_id "
                              "WHERE cg.id = ?", (coding_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no coding with id {coding_id}")
        return _coding(row)

    def codings_by_id(self, coding_ids) -> list[Coding]:
        """The codings that still exist among these ids (what a step touched, for the viewer)."""
        ids = sorted(coding_ids)
        out: list[Coding] = []
        for i in range(0, len(ids), 500):  # stay under SQLite's parameter limit
            chunk = ids[i:i + 500]
            out += [_coding(r) for r in self.db.execute(
                f"SELECT {_CODING_COLUMNS} FROM codings cg JOIN coders co ON co.id = cg.coder_id "
                f"WHERE cg.id IN ({','.join('?' * len(chunk))})", chunk)]
        return out

    def codings_in_document(self, doc_id: int) -> list[Coding]:
        """A document's codings by start, then end. A heavy transcript's 50,000 are read in one
        pass with the cyclic garbage collector paused (it would otherwise walk every object made
        so far, several times over, while the list grows: half the cost)."""
        with gc_paused():
            rows = self.db.execute(f"SELECT {_CODING_COLUMNS} FROM codings cg JOIN coders co ON co.id = cg.coder_id "
                                   "WHERE cg.document_id = ? ORDER BY cg.start, cg.end", (doc_id,)).fetchall()
            return [_coding(r) for r in rows]

    def coding_spans(self, doc_id: int, window: tuple[int, int] | None = None) -> SpanColumns:
        """A document's codings as the viewer needs them: id, code, start and end as parallel
        sequences in document order (start, end, code, coder, id: the order of the covering
        unique index codings_by_document, so no table row is visited and nothing is sorted)
        with no object per coding: a heavy transcript's 50,000 in about a quarter of
        `codings_in_document`'s time. Their coders are read only if asked for
        (`SpanColumns.coder_ids`: a view hiding a coder's codings).

        `window=(lo, hi)`: only the codings with end >= lo and start <= hi (what a text edit
        may have moved otherwise than by its shift: TranscriptView.follow_text_edit)."""
        where = "document_id = ?"  # the whole document
        params: tuple[int, ...] = (doc_id,)
        if window is not None:
            where, params = "document_id = ? AND start <= ? AND end >= ?", (doc_id, window[1], window[0])
        with gc_paused():
            rows = self.db.execute(f"SELECT id, code_id, start, end FROM codings WHERE {where} "
                                   "ORDER BY start, end, code_id, coder_id, id", params).fetchall()
            if not rows:
                return SpanColumns([], [], [], [], [])
            ids, codes, starts, ends = zip(*rows)  # tuples: no copy into lists

        def coders() -> list[int]:
            by_id = dict(self.db.execute("SELECT id, coder_id FROM codings INDEXED BY codings_by_document "
                                         f"WHERE {where}", params).fetchall())
            return [by_id.get(i, 0) for i in ids]
        return SpanColumns(ids, codes, starts, ends, coders)

    def coding_count(self, doc_id: int) -> int:
        """How many codings the document has (an index count: a check, not a read)."""
        return self.db.execute("SELECT count(*) FROM codings WHERE document_id = ?", (doc_id,)).fetchone()[0]

    def excerpts(self, flt: ExcerptFilter | None = None, *, limit: int | None = None,
                 offset: int = 0) -> list[Excerpt]:
        """Coded passages in code-tree order, then document order, then position (store/excerpts.py).

        `limit`/`offset` give one page at a cost that follows the page, not the filter's whole
        result: the first screen of a theme with 100,000 excerpts, then more as the reader scrolls."""
        return excerpt_query.excerpts(self, flt, limit, offset)

    def count_excerpts(self, flt: ExcerptFilter | None = None) -> int:
        """How many excerpts `excerpts(flt)` returns, without reading them."""
        return excerpt_query.count(self, flt)

    # Participants a coding speaks for ------------------------------------------------------------

    def _assign_coding_cases(self, c, coding_id: int, doc_id: int, start: int, end: int) -> None:
        linked = c.execute(
            "INSERT OR IGNORE INTO coding_cases(coding_id, case_id) SELECT DISTINCT ?, s.case_id FROM turns t "
            "JOIN speakers s ON s.id = t.speaker_id WHERE t.document_id = ? AND t.start < ? AND t.end > ? "
            "AND s.case_id IS NOT NULL", (coding_id, doc_id, end, start)).rowcount
        if not linked:
            c.execute("INSERT OR IGNORE INTO coding_cases(coding_id, case_id) SELECT ?, case_id FROM documents "
                      "WHERE id = ? AND case_id IS NOT NULL", (coding_id, doc_id))

    def _refresh_coding_cases(self, c, doc_id: int) -> None:
        """Recompute coding_cases for one document after its case or a speaker link changed."""
        c.execute("DELETE FROM coding_cases WHERE coding_id IN (SELECT id FROM codings WHERE document_id = ?)",
                  (doc_id,))
        c.execute(
            "INSERT OR IGNORE INTO coding_cases(coding_id, case_id) SELECT DISTINCT cg.id, s.case_id "
            "FROM codings cg JOIN turns t ON t.document_id = cg.document_id AND t.start < cg.end AND t.end > cg.start "
            "JOIN speakers s ON s.id = t.speaker_id WHERE cg.document_id = ? AND s.case_id IS NOT NULL", (doc_id,))
        c.execute(
            "INSERT OR IGNORE INTO coding_cases(coding_id, case_id) SELECT cg.id, d.case_id FROM codings cg "
            "JOIN documents d ON d.id = cg.document_id WHERE cg.document_id = ? AND d.case_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM coding_cases cc WHERE cc.coding_id = cg.id)", (doc_id,))

    def _document_length(self, c, doc_id: int) -> int:
        row = c.execute("SELECT length FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id}")
        return row[0]


def _check_span(start: int, end: int, length: int) -> None:
    if not (isinstance(start, int) and isinstance(end, int)):
        raise InvalidSpanError("a span needs whole-number start and end")
    if start < 0 or end > length:
        raise InvalidSpanError(f"span {start}:{end} lies outside the document (0:{length})")
    if end <= start:
        raise InvalidSpanError(f"span {start}:{end} is empty: select at least one character")


_new = object.__new__
_set = object.__setattr__


def _coding(r) -> Coding:
    """A Coding from a row of _CODING_COLUMNS. Its fields are set in one step (the frozen
    dataclass's __init__ sets ten attributes one by one through object.__setattr__: 4x slower,
    which is most of reading a heavy transcript's codings); the object is the same."""
    o = _new(Coding)
    _set(o, "__dict__", {"id": r[0], "document_id": r[1], "code_id": r[2], "start": r[3], "end": r[4],
                         "coder_id": r[5], "exemplar": bool(r[6]), "created": r[7], "guid": r[8], "coder": r[9]})
    return o

