"""Groups of documents or of codes (MAXQDA document sets, ATLAS.ti code groups, NVivo sets):
named collections, usable as excerpt filters and carried through REFI-QDA as <Set>s.

A group holds members of one kind; a document or code may be in any number of groups, and
deleting a member (or the group) removes only the membership rows (ON DELETE CASCADE)."""

from __future__ import annotations

from npmdesk.core.errors import InvalidValueError, NameClashError, NotFoundError
from npmdesk.core.model import ItemGroup
from npmdesk.store.base import StoreBase, new_id
from npmdesk.store.database import new_guid, now

GROUP_KINDS = ("document", "code")
_MEMBERS = {"document": ("document_group_members", "document_id", "documents"),
            "code": ("code_group_members", "code_id", "codes")}


class GroupsMixin(StoreBase):
    def add_group(self, kind: str, name: str, description: str = "", *, guid: str | None = None) -> int:
        if kind not in GROUP_KINDS:
            raise InvalidValueError(f"a group holds documents or codes, not {kind!r}")
        name = self._clean_name(name, "group")
        with self.write("add group", kind=kind, name=name) as c:
            if c.execute("SELECT 1 FROM item_groups WHERE kind = ? AND name = ?", (kind, name)).fetchone():
                raise NameClashError(f"a {kind} group named {name!r} already exists")
            return new_id(c.execute("INSERT INTO item_groups(kind, name, description, guid, created) "
                                    "VALUES (?,?,?,?,?)", (kind, name, description, guid or new_guid(), now())))

    def rename_group(self, group_id: int, new_name: str) -> None:
        group = self.group(group_id)
        new_name = self._clean_name(new_name, "group")
        with self.write("rename group", group=group_id, new=new_name) as c:
            if c.execute("SELECT 1 FROM item_groups WHERE kind = ? AND name = ? AND id != ?",
                         (group.kind, new_name, group_id)).fetchone():
                raise NameClashError(f"a {group.kind} group named {new_name!r} already exists")
            c.execute("UPDATE item_groups SET name = ? WHERE id = ?", (new_name, group_id))

    def set_group_description(self, group_id: int, description: str) -> None:
        with self.write("describe group", group=group_id) as c:
            self._require_updated(c.execute("UPDATE item_groups SET description = ? WHERE id = ?",
                                            (description, group_id)), f"no group with id {group_id}")

    def delete_group(self, group_id: int) -> None:
        """The group goes; its documents and codes stay."""
        with self.write("delete group", group=group_id) as c:
            self._require_updated(c.execute("DELETE FROM item_groups WHERE id = ?", (group_id,)),
                                  f"no group with id {group_id}")

    def add_group_members(self, group_id: int, item_ids) -> int:
        """Add documents or codes (by the group's kind); those already in it are left. Returns how
        many were added."""
        group = self.group(group_id)
        table, column, items = _MEMBERS[group.kind]
        ids = sorted(set(item_ids))
        with self.write("add group members", group=group_id, items=ids) as c:
            added = 0
            for item in ids:
                if not c.execute(f"SELECT 1 FROM {items} WHERE id = ?", (item,)).fetchone():
                    raise NotFoundError(f"no {group.kind} with id {item}")
                added += c.execute(f"INSERT OR IGNORE INTO {table}(group_id, {column}) VALUES (?, ?)",
                                   (group_id, item)).rowcount
        return added

    def remove_group_members(self, group_id: int, item_ids) -> int:
        group = self.group(group_id)
        table, column, _ = _MEMBERS[group.kind]
        ids = sorted(set(item_ids))
        with self.write("remove group members", group=group_id, items=ids) as c:
            return sum(c.execute(f"DELETE FROM {table} WHERE group_id = ? AND {column} = ?", (group_id, item)).rowcount
                       for item in ids)

    def groups(self, kind: str | None = None) -> list[ItemGroup]:
        """Every group (of one kind, if given), by kind then name, with its members."""
        if getattr(self, "schema_version", 2) < 2:  # a format-1 project read without upgrading
            return []
        where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        rows = self.db.execute(f"SELECT id, kind, name, description, guid FROM item_groups {where} "
                               "ORDER BY kind, name COLLATE NOCASE, id", params).fetchall()
        members: dict[int, list[int]] = {}
        for table, column, _ in _MEMBERS.values():
            for gid, item in self.db.execute(f"SELECT group_id, {column} FROM {table} ORDER BY {column}"):
                members.setdefault(gid, []).append(item)
        return [ItemGroup(r[0], r[1], r[2], r[3], r[4], tuple(members.get(r[0], ()))) for r in rows]

    def group(self, group_id: int) -> ItemGroup:
        for g in self.groups():
            if g.id == group_id:
                return g
        raise NotFoundError(f"no group with id {group_id}")

    def group_by_name(self, kind: str, name: str) -> ItemGroup:
        for g in self.groups(kind):
            if g.name == name:
                return g
        raise NotFoundError(f"no {kind} group named {name!r}")
