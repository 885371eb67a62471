"""Store operations that project exchange (REFI-QDA import) needs beyond the everyday ones:
putting memos and coders back exactly as another file describes them (author, dates, GUID), so
that a project survives npmdesk -> .qdpx -> npmdesk unchanged and its GUIDs stay stable."""

from __future__ import annotations

from npmdesk.core.errors import NotFoundError
from npmdesk.store.database import new_guid, now
from npmdesk.store.memos import _target


class ExchangeMixin:
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
        spec = _target(target)
        if not text.strip():
            return
        with self.write("restore memo", target=target, id=target_id) as c:
            if spec is None:
                where, params, column = "target = 'project'", (), None
            else:
                column, table = spec
                if not c.execute(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)).fetchone():
                    raise NotFoundError(f"no {target} with id {target_id}")
                where, params = f"{column} = ?", (target_id,)
            c.execute(f"DELETE FROM memos WHERE {where}", params)
            if guid and c.execute("SELECT 1 FROM memos WHERE guid = ?", (guid,)).fetchone():
                guid = None
            created = created or now()
            cols = "target, text, coder_id, created, modified, guid" + (f", {column}" if column else "")
            vals = [target, text, coder_id if coder_id is not None else self.coder_id, created,
                    modified or created, guid or new_guid()] + ([target_id] if column else [])
            c.execute(f"INSERT INTO memos({cols}) VALUES ({','.join('?' * len(vals))})", vals)

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
