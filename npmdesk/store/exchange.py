"""Store operations that project exchange (REFI-QDA import) needs beyond the everyday ones:
putting memos and coders back exactly as another file describes them (author, dates, GUID), so
that a project survives npmdesk -> .qdpx -> npmdesk unchanged and its GUIDs stay stable."""

from __future__ import annotations

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
