"""Store operations that project exchange (REFI-QDA import) needs beyond the everyday ones:
putting memos and coders back exactly as another file describes them (author, dates, GUID), so
that a project survives npmdesk -> .qdpx -> npmdesk unchanged and its GUIDs stay stable."""

from __future__ import annotations

import json
import sqlite3

from npmdesk.store.base import StoreBase


class ExchangeMixin(StoreBase):
    def restore_memo(
        self,
        target: str,
        target_id: int | None,
        text: str,
        *,
        coder_id: int | None = None,
        created: str | None = None,
        modified: str | None = None,
        guid: str | None = None,
    ) -> None:
        """Create or replace the memo on a target with the given author, dates and GUID."""
        if text.strip():
            self.set_memo(target, target_id, text, coder_id=coder_id, created=created, modified=modified, guid=guid)

    def ensure_coder_with_guid(self, name: str, guid: str | None) -> int:
        """The coder of that name; a new one gets `guid`. An existing one with no codings or memos
        yet (the importing user of a fresh project) adopts it, so that GUIDs survive a round trip."""
        with self.write() as c:
            taken = bool(guid) and c.execute("SELECT 1 FROM coders WHERE guid = ?", (guid,)).fetchone() is not None
            coder_id = self.ensure_coder(name, None if taken else guid)
            if guid and not taken:
                used = c.execute("SELECT EXISTS (SELECT 1 FROM codings WHERE coder_id = ?) OR EXISTS "
                                 "(SELECT 1 FROM memos WHERE coder_id = ?)", (coder_id, coder_id)).fetchone()[0]
                if not used:
                    c.execute("UPDATE coders SET guid = ? WHERE id = ?", (guid, coder_id))
        return coder_id

    # What other tools keep and npmdesk's everyday operations do not set ------------------------------

    def set_code_codable(self, code_id: int, codable: bool) -> None:
        """A non-codable code is a category: it groups codes and is never applied itself."""
        with self.write("set code codable", code=code_id, codable=codable) as c:
            self._require_updated(c.execute("UPDATE codes SET codable = ? WHERE id = ?", (int(codable), code_id)),
                                  f"no code with id {code_id}")

    def non_codable_codes(self) -> set[int]:
        if getattr(self, "schema_version", 2) < 2:  # a format-1 project read without upgrading
            return set()
        return {r[0] for r in self.db.execute("SELECT id FROM codes WHERE codable = 0")}

    def set_document_source(self, doc_id: int, created: str, creator: str) -> None:
        """When and by whom the source was made in the tool it came from (not its import here)."""
        with self.write("set document source", document=doc_id) as c:
            self._require_updated(c.execute("UPDATE documents SET source_created = ?, source_creator = ? WHERE id = ?",
                                            (created, creator, doc_id)), f"no document with id {doc_id}")

    def document_sources(self) -> dict[int, tuple[str, str]]:
        """document id -> (source_created, source_creator), for documents that have either."""
        if getattr(self, "schema_version", 2) < 2:
            return {}
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT id, source_created, source_creator FROM documents WHERE source_created != '' "
            "OR source_creator != ''")}

    def set_exchange_meta(self, key: str, value) -> None:
        """A value the exchange keeps for the next export (JSON), in the project's meta table."""
        with self.write("set exchange meta", key=key) as c:
            c.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                      "excluded.value", (f"refi.{key}", json.dumps(value)))

    def exchange_meta(self, key: str, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (f"refi.{key}",)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            return default

    def exchange_losses(self) -> dict[str, int]:
        """What the project holds that REFI-QDA has no element for (counted, for the export notes)."""
        queries = {
            "frameworks": "SELECT count(*) FROM frameworks",
            "alignments": "SELECT count(*) FROM alignments",
            "framework exemplars": "SELECT count(*) FROM element_exemplars",
            "exemplar marks": "SELECT count(*) FROM codings WHERE exemplar = 1",
            "document kinds": "SELECT count(*) FROM documents WHERE kind != 'interview'",
            "turn times": "SELECT count(*) FROM turns WHERE begin_ms IS NOT NULL",
            "linked recordings": "SELECT count(*) FROM media",
            "pseudonyms": "SELECT count(*) FROM pseudonyms",
            "quick-code keys": "SELECT count(*) FROM code_keys",
            "identifying attributes": "SELECT count(*) FROM attributes WHERE identifying = 1",
            "coder roles": "SELECT count(*) FROM coders WHERE role != ''",
            "document versions": "SELECT count(*) FROM document_versions WHERE version > 1",
        }
        out = {}
        for what, sql in queries.items():
            try:
                n = self.db.execute(sql).fetchone()[0]
            except sqlite3.OperationalError:  # an older table layout: nothing of that kind to lose
                n = 0
            if n:
                out[what] = n
        return out
