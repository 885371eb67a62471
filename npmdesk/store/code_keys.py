"""Quick-code keys pinned to codes, kept in the project (table code_keys).

A pinned key belongs to its code until it is unpinned or the code is deleted (the row goes with the
code: ON DELETE CASCADE). Keys that are not pinned follow the codes as the user applies them; that
is the window's business (ui/quick_codes.py), not the project's. Each pin or unpin is one journalled
transaction, so the window's undo takes it back exactly.
"""

from __future__ import annotations

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.wording import quoted
from npmdesk.store.base import StoreBase

KEYS = range(0, 10)  # what the table allows; the window offers 1–9


class CodeKeysMixin(StoreBase):
    def code_keys(self) -> dict[int, int]:
        """Pinned keys: key -> code id."""
        if getattr(self, "schema_version", 2) < 2:  # a format-1 file read as it is has no pins
            return {}
        return {r[0]: r[1] for r in self.db.execute("SELECT key, code_id FROM code_keys ORDER BY key")}

    def pin_code_key(self, code_id: int, key: int) -> None:
        """Pin `key` to a code. The code's earlier pin, and the key's earlier code, are let go: a key
        pinned again moves, and a code has one pinned key. A category (not codable) is refused."""
        if not isinstance(key, int) or key not in KEYS:
            raise InvalidValueError(f"a quick-code key is a number from 0 to 9, not {key!r}")
        # Format 1 (read, or written by its own tests, before the upgrade) has no codable column.
        codable = "codable" if getattr(self, "schema_version", 2) >= 2 else "1"
        with self.write("pin code key", code=code_id, key=key) as c:
            row = c.execute(f"SELECT name, {codable} FROM codes WHERE id = ?", (code_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no code with id {code_id}")
            if not row[1]:  # a key applies its code, and a category is never applied
                raise InvalidValueError(f"{quoted(row[0])} is a category (not codable), so it cannot be pinned "
                                        "to a key: pin one of its codes")
            held = c.execute("SELECT code_id FROM code_keys WHERE key = ?", (key,)).fetchone()
            if held is not None and held[0] == code_id:
                return  # pinned there already: nothing to write, nothing to undo
            c.execute("DELETE FROM code_keys WHERE key = ? OR code_id = ?", (key, code_id))
            c.execute("INSERT INTO code_keys(key, code_id) VALUES (?, ?)", (key, code_id))

    def unpin_code_key(self, code_id: int) -> None:
        """Let a code's pinned key go (a code without a pin is left as it is)."""
        with self.write("unpin code key", code=code_id) as c:
            c.execute("DELETE FROM code_keys WHERE code_id = ?", (code_id,))
