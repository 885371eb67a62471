"""Memos: one per target (the project, a document, code, participant, coding or framework element)."""

from __future__ import annotations

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.store.database import new_guid, now
from npmdesk.store.base import StoreBase

MEMO_TARGETS = {
    "project": None,
    "document": ("document_id", "documents"),
    "code": ("code_id", "codes"),
    "case": ("case_id", "cases"),
    "coding": ("coding_id", "codings"),
    "element": ("element_id", "framework_elements"),
}


def _target(target: str):
    if target not in MEMO_TARGETS:
        raise InvalidValueError(f"memos can be attached to {', '.join(MEMO_TARGETS)}, not {target!r}")
    return MEMO_TARGETS[target]


class MemosMixin(StoreBase):
    def memo(self, target: str, target_id: int | None = None) -> str:
        spec = _target(target)
        if spec is None:
            row = self.db.execute("SELECT text FROM memos WHERE target = 'project'").fetchone()
        else:
            row = self.db.execute(f"SELECT text FROM memos WHERE {spec[0]} = ?", (target_id,)).fetchone()
        return row[0] if row else ""

    def set_memo(self, target: str, target_id: int | None, text: str, *, coder_id: int | None = None,
                 created: str | None = None, modified: str | None = None, guid: str | None = None) -> None:
        """Create, replace or (with empty text) delete the memo on a target; saved at once.

        The keyword arguments put a memo back exactly as another file describes it (author, dates,
        GUID: REFI-QDA import); by default the memo is this coder's, dated now."""
        spec = _target(target)
        with self.write("set memo", target=target, id=target_id) as c:
            if spec is None:
                where, column = "target = 'project'", None
                params: tuple = ()
            else:
                column, table = spec
                if not c.execute(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)).fetchone():
                    raise NotFoundError(f"no {target} with id {target_id}")
                where, params = f"{column} = ?", (target_id,)
            existing = c.execute(f"SELECT id, guid FROM memos WHERE {where}", params).fetchone()
            coder = coder_id if coder_id is not None else self.coder_id
            if not text.strip():
                if existing:
                    c.execute("DELETE FROM memos WHERE id = ?", (existing[0],))
            elif existing and guid in (None, existing[1]):
                c.execute("UPDATE memos SET text = ?, modified = ?, coder_id = ? WHERE id = ?",
                          (text, modified or now(), coder, existing[0]))
            else:
                if existing:
                    c.execute("DELETE FROM memos WHERE id = ?", (existing[0],))
                if guid and c.execute("SELECT 1 FROM memos WHERE guid = ?", (guid,)).fetchone():
                    guid = None  # GUIDs stay unique even if a file repeats one
                created = created or now()
                cols = "target, text, coder_id, created, modified, guid" + (f", {column}" if column else "")
                vals = [target, text, coder, created, modified or created, guid or new_guid()]
                vals += [target_id] if column else []
                c.execute(f"INSERT INTO memos({cols}) VALUES ({','.join('?' * len(vals))})", vals)

    def memos(self) -> list[dict]:
        """Every memo with what it is attached to (for export and review)."""
        rows = self.db.execute(
            "SELECT m.id, m.target, coalesce(m.document_id, m.code_id, m.case_id, m.coding_id, m.element_id), "
            "m.text, co.name, m.created, m.modified, m.guid FROM memos m LEFT JOIN coders co ON co.id = m.coder_id "
            "ORDER BY m.id").fetchall()
        keys = ("id", "target", "target_id", "text", "coder", "created", "modified", "guid")
        return [dict(zip(keys, r)) for r in rows]
