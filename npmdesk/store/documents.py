"""Documents, their immutable text, speakers and speaker turns."""

from __future__ import annotations

import re

from npmdesk.core.errors import InvalidValueError, NameClashError, NotFoundError
from npmdesk.core.model import DOCUMENT_KINDS, Document, Speaker, Turn, TurnSpec
from npmdesk.core.offsets import normalise_newlines
from npmdesk.core.wording import quoted
from npmdesk.store.database import new_guid, now
from npmdesk.store.base import StoreBase, new_id

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


_DOC_COLUMNS = (
    "d.id, d.name, d.kind, d.case_id, d.position, d.source_name, d.source_format, d.source_sha256, "
    "d.encoding, d.imported, d.words, d.length, d.guid"
)


class DocumentsMixin(StoreBase):
    def add_document(
        self,
        name: str,
        text: str,
        *,
        kind: str = "interview",
        case_id: int | None = None,
        source_name: str = "",
        source_format: str = "",
        source_sha256: str = "",
        encoding: str = "",
        turns: list[TurnSpec] | tuple = (),
        guid: str | None = None,
    ) -> int:
        """Store a new document; its text is normalised to LF and never changes afterwards."""
        name = self._clean_name(name, "document")
        if kind not in DOCUMENT_KINDS:
            raise InvalidValueError(f"unknown document kind {quoted(kind)} (use {', '.join(DOCUMENT_KINDS)})")
        text = normalise_newlines(text)
        with self.write("add document", name=name) as c:
            if c.execute("SELECT 1 FROM documents WHERE name = ?", (name,)).fetchone():
                raise NameClashError(f"a document named {quoted(name)} already exists in this project")
            position = c.execute("SELECT ifnull(max(position), 0) + 1 FROM documents").fetchone()[0]
            cur = c.execute(
                "INSERT INTO documents(name, kind, case_id, position, source_name, source_format, "
                "source_sha256, encoding, imported, words, length, guid) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (name, kind, case_id, position, source_name, source_format, source_sha256,
                 encoding, now(), count_words(text), len(text), guid or new_guid()),
            )
            doc_id = new_id(cur)
            c.execute("INSERT INTO document_texts(document_id, text) VALUES (?, ?)", (doc_id, text))
            self._insert_turns(c, doc_id, len(text), turns)
        return doc_id

    def _insert_turns(self, c, doc_id: int, length: int, turns) -> None:
        speaker_ids: dict[str, int] = {}
        rows = []
        for t in turns:
            if not 0 <= t.start <= t.end <= length:
                raise InvalidValueError(f"turn [{t.start}, {t.end}) lies outside the text (0..{length})")
            sid = None
            if t.speaker:
                sid = speaker_ids.get(t.speaker)
                if sid is None:
                    sid = new_id(c.execute(
                        "INSERT INTO speakers(document_id, name) VALUES (?, ?)", (doc_id, t.speaker)
                    ))
                    speaker_ids[t.speaker] = sid
            rows.append((doc_id, sid, t.start, t.end, t.begin_ms, t.end_ms))
        c.executemany(
            "INSERT INTO turns(document_id, speaker_id, start, end, begin_ms, end_ms) VALUES (?,?,?,?,?,?)",
            rows,
        )

    def documents(self) -> list[Document]:
        """All documents in interview order, with turn counts, speakers and case name."""
        rows = self.db.execute(
            f"SELECT {_DOC_COLUMNS}, "
            "(SELECT count(*) FROM turns t WHERE t.document_id = d.id), "
            "(SELECT group_concat(name, char(31)) FROM (SELECT s.name FROM speakers s "
            " WHERE s.document_id = d.id ORDER BY s.id)), "
            "(SELECT name FROM cases WHERE id = d.case_id) "
            "FROM documents d ORDER BY d.position, d.id"
        ).fetchall()
        return [_document(r) for r in rows]

    def document(self, doc_id: int) -> Document:
        for d in self._documents_where("d.id = ?", (doc_id,)):
            return d
        raise NotFoundError(f"no document with id {doc_id}")

    def document_by_name(self, name: str) -> Document:
        for d in self._documents_where("d.name = ?", (name,)):
            return d
        raise NotFoundError(f"no document named {quoted(name)}")

    def _documents_where(self, where: str, params: tuple) -> list[Document]:
        rows = self.db.execute(
            f"SELECT {_DOC_COLUMNS}, "
            "(SELECT count(*) FROM turns t WHERE t.document_id = d.id), "
            "(SELECT group_concat(name, char(31)) FROM (SELECT s.name FROM speakers s "
            " WHERE s.document_id = d.id ORDER BY s.id)), "
            f"(SELECT name FROM cases WHERE id = d.case_id) FROM documents d WHERE {where}",
            params,
        ).fetchall()
        return [_document(r) for r in rows]

    def find_document_by_sha256(self, sha256: str) -> Document | None:
        found = self._documents_where("d.source_sha256 = ?", (sha256,)) if sha256 else []
        return found[0] if found else None

    def set_document_kind(self, doc_id: int, kind: str) -> None:
        if kind not in DOCUMENT_KINDS:
            raise InvalidValueError(f"unknown document kind {quoted(kind)} (use {', '.join(DOCUMENT_KINDS)})")
        with self.write("set document kind", document=doc_id, kind=kind) as c:
            self._require_updated(c.execute("UPDATE documents SET kind = ? WHERE id = ?", (kind, doc_id)),
                                  f"no document with id {doc_id}")

    def set_document_case(self, doc_id: int, case_id: int | None) -> None:
        with self.write("set document case", document=doc_id, case=case_id) as c:
            self._require_updated(c.execute("UPDATE documents SET case_id = ? WHERE id = ?", (case_id, doc_id)),
                                  f"no document with id {doc_id}")
            self._refresh_coding_cases(c, doc_id)

    def move_document(self, doc_id: int, position: int) -> None:
        """Set the interview order (saturation charts and reports follow it)."""
        with self.write("move document", document=doc_id, position=position) as c:
            ids = [r[0] for r in c.execute("SELECT id FROM documents ORDER BY position, id")]
            if doc_id not in ids:
                raise NotFoundError(f"no document with id {doc_id}")
            ids.remove(doc_id)
            ids.insert(max(0, min(position, len(ids))), doc_id)
            c.executemany("UPDATE documents SET position = ? WHERE id = ?", [(i + 1, d) for i, d in enumerate(ids)])

    def delete_document(self, doc_id: int) -> None:
        """Delete a document with its text, turns, speakers, codings and memos (FK cascades)."""
        doc = self.document(doc_id)
        with self.write("delete document", name=doc.name) as c:
            c.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    # Speakers and turns -------------------------------------------------------------------------

    def speakers(self, doc_id: int | None = None) -> list[Speaker]:
        where, params = ("WHERE s.document_id = ?", (doc_id,)) if doc_id is not None else ("", ())
        rows = self.db.execute(
            "SELECT s.id, s.document_id, s.name, s.case_id, c.name FROM speakers s "
            f"LEFT JOIN cases c ON c.id = s.case_id {where} ORDER BY s.document_id, s.id",
            params,
        ).fetchall()
        return [Speaker(*r) for r in rows]

    def link_speaker(self, doc_id: int, speaker: str, case_id: int | None) -> None:
        """Attribute a speaker's turns to a participant (None: not a participant, e.g. interviewer)."""
        with self.write("link speaker", document=doc_id, speaker=speaker, case=case_id) as c:
            self._require_updated(
                c.execute("UPDATE speakers SET case_id = ? WHERE document_id = ? AND name = ?",
                          (case_id, doc_id, speaker)),
                f"no speaker {quoted(speaker)} in document {doc_id}",
            )
            self._refresh_coding_cases(c, doc_id)

    def turns(self, doc_id: int, starting: tuple[int, int] | None = None) -> list[Turn]:
        """A document's turns in order; `starting=(lo, hi)`: only those starting in [lo, hi]."""
        where = "t.document_id = ?"  # the whole document
        params: tuple[int, ...] = (doc_id,)
        if starting is not None:
            where, params = "t.document_id = ? AND t.start BETWEEN ? AND ?", (doc_id, *starting)
        rows = self.db.execute(
            "SELECT t.id, t.document_id, t.start, t.end, s.name, t.speaker_id, t.begin_ms, t.end_ms "
            f"FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id WHERE {where} ORDER BY t.start",
            params,
        ).fetchall()
        return [Turn(*r) for r in rows]


def _document(r) -> Document:
    speakers = tuple(r[14].split("\x1f")) if r[14] else ()
    return Document(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                    turns=r[13], speakers=speakers, case=r[15])
