"""Participants (cases) and their typed attributes."""

from __future__ import annotations

from npmdesk.core.attributes import check_attribute_value, natural_key
from npmdesk.core.errors import InvalidValueError, NameClashError, NotFoundError
from npmdesk.core.model import ATTRIBUTE_TYPES, Attribute, Case
from npmdesk.core.wording import quoted
from npmdesk.store.database import new_guid, now
from npmdesk.store.base import StoreBase, new_id

class CasesMixin(StoreBase):
    def add_case(self, name: str, description: str = "", *, guid: str | None = None) -> int:
        name = self._clean_name(name, "participant")
        with self.write("add case", name=name) as c:
            if c.execute("SELECT 1 FROM cases WHERE name = ?", (name,)).fetchone():
                raise NameClashError(f"a participant named {quoted(name)} already exists")
            return new_id(c.execute(
                "INSERT INTO cases(name, description, guid, created) VALUES (?,?,?,?)",
                (name, description, guid or new_guid(), now()),
            ))

    def ensure_case(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM cases WHERE name = ?", (name.strip(),)).fetchone()
        return row[0] if row else self.add_case(name)

    def cases(self) -> list[Case]:
        attrs: dict[int, dict] = {}
        for case_id, name, type_, value in self.db.execute(
            "SELECT ca.case_id, a.name, a.type, ca.value FROM case_attributes ca "
            "JOIN attributes a ON a.id = ca.attribute_id ORDER BY a.id"
        ):
            attrs.setdefault(case_id, {})[name] = _typed(type_, value)
        rows = self.db.execute("SELECT id, name, description, guid FROM cases").fetchall()
        rows.sort(key=lambda r: natural_key(r[1]))
        return [Case(r[0], r[1], r[2], r[3], attributes=attrs.get(r[0], {})) for r in rows]

    def case(self, case_id: int) -> Case:
        for c in self.cases():
            if c.id == case_id:
                return c
        raise NotFoundError(f"no participant with id {case_id}")

    def case_by_name(self, name: str) -> Case:
        row = self.db.execute("SELECT id FROM cases WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            raise NotFoundError(f"no participant named {quoted(name)}")
        return self.case(row[0])

    def rename_case(self, case_id: int, new_name: str) -> None:
        new_name = self._clean_name(new_name, "participant")
        with self.write("rename case", case=case_id, new=new_name) as c:
            if c.execute("SELECT 1 FROM cases WHERE name = ? AND id != ?", (new_name, case_id)).fetchone():
                raise NameClashError(f"a participant named {quoted(new_name)} already exists")
            self._require_updated(c.execute("UPDATE cases SET name = ? WHERE id = ?", (new_name, case_id)),
                                  f"no participant with id {case_id}")

    def delete_case(self, case_id: int) -> None:
        """Documents and speakers stay; they simply belong to no participant afterwards."""
        with self.write("delete case", case=case_id) as c:
            affected = [r[0] for r in c.execute(
                "SELECT id FROM documents WHERE case_id = ? UNION "
                "SELECT document_id FROM speakers WHERE case_id = ?", (case_id, case_id))]
            self._require_updated(c.execute("DELETE FROM cases WHERE id = ?", (case_id,)),
                                  f"no participant with id {case_id}")
            for doc_id in affected:
                self._refresh_coding_cases(c, doc_id)

    def attributes(self) -> list[Attribute]:
        return [Attribute(*r) for r in self.db.execute("SELECT id, name, type, guid FROM attributes ORDER BY id")]

    def add_attribute(self, name: str, type_: str = "text", *, guid: str | None = None) -> int:
        name = self._clean_name(name, "attribute")
        if type_ not in ATTRIBUTE_TYPES:
            raise InvalidValueError(f"unknown attribute type {quoted(type_)} (use {', '.join(ATTRIBUTE_TYPES)})")
        with self.write("add attribute", name=name, type=type_) as c:
            if c.execute("SELECT 1 FROM attributes WHERE name = ?", (name,)).fetchone():
                raise NameClashError(f"an attribute named {quoted(name)} already exists")
            return new_id(c.execute("INSERT INTO attributes(name, type, guid) VALUES (?,?,?)",
                             (name, type_, guid or new_guid())))

    def rename_attribute(self, attribute_id: int, new_name: str) -> None:
        new_name = self._clean_name(new_name, "attribute")
        with self.write("rename attribute", attribute=attribute_id, new=new_name) as c:
            if c.execute("SELECT 1 FROM attributes WHERE name = ? AND id != ?", (new_name, attribute_id)).fetchone():
                raise NameClashError(f"an attribute named {quoted(new_name)} already exists")
            self._require_updated(c.execute("UPDATE attributes SET name = ? WHERE id = ?", (new_name, attribute_id)),
                                  f"no attribute with id {attribute_id}")

    def delete_attribute(self, attribute_id: int) -> None:
        """Removes the attribute and every participant's value of it."""
        with self.write("delete attribute", attribute=attribute_id) as c:
            self._require_updated(c.execute("DELETE FROM attributes WHERE id = ?", (attribute_id,)),
                                  f"no attribute with id {attribute_id}")

    def set_case_attribute(self, case_id: int, name: str, value, type_: str | None = None) -> None:
        """Set one attribute value, creating the attribute (default type text) if it is new."""
        with self.write("set attribute", case=case_id, attribute=name, value=value) as c:
            row = c.execute("SELECT id, type FROM attributes WHERE name = ?", (name.strip(),)).fetchone()
            if row is None:
                attr_id, attr_type = self.add_attribute(name, type_ or "text"), type_ or "text"
            else:
                attr_id, attr_type = row
            stored = check_attribute_value(attr_type, value)
            if not c.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone():
                raise NotFoundError(f"no participant with id {case_id}")
            c.execute(
                "INSERT INTO case_attributes(case_id, attribute_id, value) VALUES (?,?,?) "
                "ON CONFLICT(case_id, attribute_id) DO UPDATE SET value = excluded.value",
                (case_id, attr_id, stored),
            )


def _typed(type_: str, value: str | None):
    if value is None:
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "float":
        return float(value)
    if type_ == "boolean":
        return value == "true"
    return value
