"""The code tree: themes, subthemes and codes of any depth; every node can be applied to text."""

from __future__ import annotations

from dataclasses import dataclass

from npmdesk.core.errors import InvalidValueError, NameClashError, NotFoundError
from npmdesk.core.model import Code, CodeCounts, join_path, split_path
from npmdesk.core.names import check_color, close_code_paths
from npmdesk.core.wording import quoted
from npmdesk.store.counts_cache import cache_of
from npmdesk.store.database import new_guid, now
from npmdesk.store.base import StoreBase, new_id

# Distinct, light enough for black text on top; cycled for new codes.
PALETTE = (
    "#f4d35e", "#8ecae6", "#f4a261", "#90be6d", "#e5989b", "#b8c0ff",
    "#ffafcc", "#a3c4bc", "#ffd6a5", "#caffbf", "#9bf6ff", "#d4a5ff",
)
DEFINITION_FIELDS = ("description", "inclusion", "exclusion", "example")


@dataclass(frozen=True)
class CodeDefinition:
    """What a codebook says about a code: when to apply it (inclusion), when not (exclusion), a
    typical passage (example), and whether it is applied at all (a non-codable theme only groups)."""

    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    codable: bool = True

    @property
    def criteria(self) -> list[tuple[str, str]]:
        """(label, text) of the criteria that are filled in, in codebook order."""
        return [(label, text.strip()) for label, text in (
            ("Inclusion", self.inclusion), ("Exclusion", self.exclusion), ("Example", self.example))
            if text.strip()]


class CodesMixin(StoreBase):
    # Reading ------------------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        """Every code in tree order (depth first, siblings by position), each with its path."""
        rows = self.db.execute(
            "SELECT id, parent_id, name, color, description, position, guid FROM codes "
            "ORDER BY position, id"
        ).fetchall()
        children: dict[int | None, list] = {}
        for r in rows:
            children.setdefault(r[1], []).append(r)
        out: list[Code] = []

        def walk(parent, prefix):
            for r in children.get(parent, ()):
                names = [*prefix, r[2]]
                out.append(Code(*r, path=join_path(names)))
                walk(r[0], names)

        walk(None, [])
        return out

    def code(self, code_id: int) -> Code:
        for c in self.codes():
            if c.id == code_id:
                return c
        raise NotFoundError(f"no code with id {code_id}")

    def code_by_path(self, path: str) -> Code:
        parent = None
        code_id: int | None = None
        for name in _split(path):
            row = self.db.execute(
                "SELECT id FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) AND name = ?", (parent, name)
            ).fetchone()
            if row is None:
                close = close_code_paths([c.path for c in self.codes()], path, n=1)
                hint = f" (did you mean {quoted(close[0])}?)" if close else ""
                raise NotFoundError(f"no code {quoted(path)}{hint}")
            code_id = parent = row[0]
        if code_id is None:
            raise NotFoundError(f"no code {quoted(path)}")
        return self.code(code_id)

    def code_children(self, code_id: int | None) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM codes WHERE parent_id IS ? ORDER BY position, id", (code_id,))]

    def code_descendants(self, code_id: int) -> list[int]:
        """The code and everything below it."""
        return [r[0] for r in self.db.execute(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT c.id FROM codes c JOIN sub ON c.parent_id = sub.id) "
            "SELECT id FROM sub", (code_id,))]

    def code_counts(self, with_descendants: bool = False, code_ids=None) -> dict[int, CodeCounts]:
        """Codings, documents and participants per code (optionally aggregated over each subtree);
        codes without codings are absent.

        Kept up to date incrementally and remembered between sessions (store/counts_cache.py), so
        opening a big project does not count its codings again, and after one coding the answer
        costs what that coding touched. `code_ids` limits the answer to those codes."""
        return cache_of(self).code_counts(with_descendants, code_ids)

    # Writing ------------------------------------------------------------------------------------

    def add_code(
        self,
        name: str,
        parent_id: int | None = None,
        *,
        color: str | None = None,
        description: str = "",
        position: int | None = None,
        guid: str | None = None,
    ) -> int:
        name = self._clean_name(name, "code")
        with self.write("add code", name=name, parent=parent_id) as c:
            if parent_id is not None and not c.execute("SELECT 1 FROM codes WHERE id = ?", (parent_id,)).fetchone():
                raise NotFoundError(f"no code with id {parent_id}")
            self._check_sibling_name(c, parent_id, name, None)
            if color is None:
                total = c.execute("SELECT count(*) FROM codes").fetchone()[0]
                color = PALETTE[total % len(PALETTE)]
            if position is None:
                position = c.execute(
                    "SELECT ifnull(max(position), -1) + 1 FROM codes WHERE parent_id IS ?",
                    (parent_id,)).fetchone()[0]
            else:
                c.execute("UPDATE codes SET position = position + 1 WHERE parent_id IS ? "
                          "AND position >= ?", (parent_id, position))
            return new_id(c.execute(
                "INSERT INTO codes(parent_id, name, color, description, position, guid, created) "
                "VALUES (?,?,?,?,?,?,?)",
                (parent_id, name, check_color(color), description, position, guid or new_guid(), now()),
            ))

    def ensure_code_path(self, path: str) -> int:
        """The id of the code at 'Theme/Sub/Code', creating any missing level (one transaction)."""
        with self.write():
            parent: int | None = None
            for name in _split(path):
                row = self.db.execute(
                    "SELECT id FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) AND name = ?", (parent, name)
                ).fetchone()
                parent = row[0] if row else self.add_code(name, parent)
            if parent is None:
                raise InvalidValueError("a code path needs a name")
            return parent

    def rename_code(self, code_id: int, new_name: str) -> None:
        new_name = self._clean_name(new_name, "code")
        with self.write("rename code", code=code_id, new=new_name) as c:
            parent = self._code_row(c, code_id)[1]
            self._check_sibling_name(c, parent, new_name, code_id)
            c.execute("UPDATE codes SET name = ? WHERE id = ?", (new_name, code_id))

    def recolour_code(self, code_id: int, color: str) -> None:
        color = check_color(color)
        with self.write("recolour code", code=code_id, color=color) as c:
            self._code_row(c, code_id)
            c.execute("UPDATE codes SET color = ? WHERE id = ?", (color, code_id))

    def set_code_description(self, code_id: int, description: str) -> None:
        with self.write("describe code", code=code_id) as c:
            self._code_row(c, code_id)
            c.execute("UPDATE codes SET description = ? WHERE id = ?", (description, code_id))

    def code_definitions(self) -> dict[int, CodeDefinition]:
        """Every code's definition and criteria, by id (one query, for the codebook)."""
        if getattr(self, "schema_version", 2) < 2:  # a format-1 project read without upgrading
            return {r[0]: CodeDefinition(r[1]) for r in self.db.execute("SELECT id, description FROM codes")}
        return {r[0]: CodeDefinition(r[1], r[2], r[3], r[4], bool(r[5])) for r in self.db.execute(
            "SELECT id, description, inclusion, exclusion, example, codable FROM codes")}

    def code_definition(self, code_id: int) -> CodeDefinition:
        if getattr(self, "schema_version", 2) < 2:
            return CodeDefinition(self.code(code_id).description)
        row = self.db.execute("SELECT description, inclusion, exclusion, example, codable FROM codes "
                              "WHERE id = ?", (code_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no code with id {code_id}")
        return CodeDefinition(row[0], row[1], row[2], row[3], bool(row[4]))

    def set_code_definition(self, code_id: int, *, description: str | None = None, inclusion: str | None = None,
                            exclusion: str | None = None, example: str | None = None,
                            codable: bool | None = None) -> None:
        """Set any of a code's definition fields (None leaves a field as it is), in one transaction.

        A code that has codings cannot become a non-codable category: its codings would be on a
        code nobody may apply (move them to a sub-code first, or merge it)."""
        values = {"description": description, "inclusion": inclusion, "exclusion": exclusion, "example": example}
        given: dict[str, str | int] = {k: v for k, v in values.items() if v is not None}
        named = [*given, *(["codable"] if codable is not None else [])]
        with self.write("define code", code=code_id, fields=",".join(named)) as c:
            row = self._code_row(c, code_id)
            if codable is False:
                n = c.execute("SELECT count(*) FROM codings WHERE code_id = ?", (code_id,)).fetchone()[0]
                if n:
                    raise InvalidValueError(
                        f"{row[2]!r} has {n} coding{'s' * (n != 1)}, so it cannot become a category that is "
                        "never applied: move its codings to a sub-code (or merge it) first")
                given["codable"] = 0
            elif codable is True:
                given["codable"] = 1
            if given:
                sets = ", ".join(f"{k} = ?" for k in given)
                c.execute(f"UPDATE codes SET {sets} WHERE id = ?", (*given.values(), code_id))

    def move_code(self, code_id: int, new_parent_id: int | None, position: int | None = None) -> None:
        """Re-parent and/or reorder a code; a code cannot move below itself."""
        with self.write("move code", code=code_id, parent=new_parent_id, position=position) as c:
            row = self._code_row(c, code_id)
            if new_parent_id is not None:
                self._code_row(c, new_parent_id)
                if new_parent_id in self.code_descendants(code_id):
                    raise InvalidValueError("a code cannot be moved inside itself or one of its sub-codes")
            self._check_sibling_name(c, new_parent_id, row[2], code_id)
            siblings = [r[0] for r in c.execute(
                "SELECT id FROM codes WHERE parent_id IS ? AND id != ? ORDER BY position, id",
                (new_parent_id, code_id))]
            if position is None or position > len(siblings):
                position = len(siblings)
            siblings.insert(max(0, position), code_id)
            c.execute("UPDATE codes SET parent_id = ? WHERE id = ?", (new_parent_id, code_id))
            c.executemany("UPDATE codes SET position = ? WHERE id = ?", [(i, s) for i, s in enumerate(siblings)])
            if row[1] != new_parent_id:
                self._renumber(c, row[1])

    def merge_codes(self, source_id: int, target_id: int) -> None:
        """Fold `source` into `target`: codings move (identical ones collapse), sub-codes move
        (same-named ones merge in turn), memo, alignments and summaries are kept; source goes."""
        if source_id == target_id:
            raise InvalidValueError("a code cannot be merged into itself")
        with self.write("merge codes", source=source_id, target=target_id) as c:
            self._code_row(c, source_id)
            self._code_row(c, target_id)
            if target_id in self.code_descendants(source_id):
                raise InvalidValueError("a code cannot be merged into one of its own sub-codes")
            self._merge_into(c, source_id, target_id)

    def _merge_into(self, c, source_id: int, target_id: int) -> None:
        for child in self.code_children(source_id):
            name = self._code_row(c, child)[2]
            same = c.execute("SELECT id FROM codes WHERE parent_id = ? AND name = ?", (target_id, name)).fetchone()
            if same:
                self._merge_into(c, child, same[0])
            else:
                pos = c.execute("SELECT ifnull(max(position), -1) + 1 FROM codes WHERE parent_id = ?",
                                (target_id,)).fetchone()[0]
                c.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?", (target_id, pos, child))
        # Identical codings (same document, span and coder) collapse into the target's.
        c.execute(
            "DELETE FROM codings WHERE code_id = ? AND EXISTS (SELECT 1 FROM codings t WHERE t.code_id = ? "
            "AND t.document_id = codings.document_id AND t.start = codings.start AND t.end = codings.end "
            "AND t.coder_id = codings.coder_id)", (source_id, target_id))
        c.execute("UPDATE codings SET code_id = ? WHERE code_id = ?", (target_id, source_id))
        c.execute("INSERT OR IGNORE INTO alignments(code_id, element_id, rationale, coder_id, created) "
                  "SELECT ?, element_id, rationale, coder_id, created FROM alignments WHERE code_id = ?",
                  (target_id, source_id))
        c.execute("INSERT OR IGNORE INTO chart_cells(case_id, code_id, summary, modified) "
                  "SELECT case_id, ?, summary, modified FROM chart_cells WHERE code_id = ?", (target_id, source_id))
        src_memo = c.execute("SELECT text FROM memos WHERE code_id = ?", (source_id,)).fetchone()
        if src_memo and src_memo[0].strip():
            tgt = c.execute("SELECT text FROM memos WHERE code_id = ?", (target_id,)).fetchone()
            merged = f"{tgt[0]}\n\n{src_memo[0]}" if tgt and tgt[0].strip() else src_memo[0]
            self.set_memo("code", target_id, merged)
        src_desc, tgt_desc = (self._code_row(c, i)[4] for i in (source_id, target_id))
        if src_desc.strip() and src_desc.strip() not in tgt_desc:
            c.execute("UPDATE codes SET description = ? WHERE id = ?",
                      ((f"{tgt_desc}\n\n{src_desc}" if tgt_desc.strip() else src_desc), target_id))
        if getattr(self, "schema_version", 2) >= 2:  # criteria are kept as the definition is
            for field in DEFINITION_FIELDS[1:]:
                src, tgt = c.execute(f"SELECT s.{field}, t.{field} FROM codes s, codes t WHERE s.id = ? AND t.id = ?",
                                     (source_id, target_id)).fetchone()
                if src.strip() and src.strip() not in tgt:
                    c.execute(f"UPDATE codes SET {field} = ? WHERE id = ?",
                              (f"{tgt}\n\n{src}" if tgt.strip() else src, target_id))
        parent = self._code_row(c, source_id)[1]
        c.execute("DELETE FROM codes WHERE id = ?", (source_id,))
        self._renumber(c, parent)

    def delete_code(self, code_id: int, *, children: str | None = None, codings: str | None = None) -> None:
        """Delete a code. If it has sub-codes the caller must say `children='delete'` (the whole
        subtree goes) or `'lift'` (they move up to this code's parent); if it (or a deleted
        sub-code) has codings, `codings='delete'` or `'parent'` (they move to the parent code)."""
        with self.write("delete code", code=code_id, children=children, codings=codings) as c:
            row = self._code_row(c, code_id)
            parent = row[1]
            kids = self.code_children(code_id)
            if kids and children not in ("delete", "lift"):
                raise InvalidValueError(
                    f"code {row[2]!r} has {len(kids)} sub-code(s): choose children='delete' or 'lift'")
            doomed = self.code_descendants(code_id) if children == "delete" else [code_id]
            marks = ",".join("?" * len(doomed))
            n = c.execute(f"SELECT count(*) FROM codings WHERE code_id IN ({marks})", doomed).fetchone()[0]
            if n and codings not in ("delete", "parent"):
                raise InvalidValueError(
                    f"code {row[2]!r} has {n} coding(s): choose codings='delete' or 'parent'")
            if n and codings == "parent":
                if parent is None:
                    raise InvalidValueError(f"code {row[2]!r} is at the top of the tree: "
                                            "its codings have no parent to go to")
                c.execute(f"DELETE FROM codings WHERE code_id IN ({marks}) AND EXISTS (SELECT 1 FROM codings t "
                          "WHERE t.code_id = ? AND t.document_id = codings.document_id AND t.start = codings.start "
                          "AND t.end = codings.end AND t.coder_id = codings.coder_id)", (*doomed, parent))
                c.execute(f"UPDATE codings SET code_id = ? WHERE code_id IN ({marks})", (parent, *doomed))
            else:
                c.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", doomed)
            if children == "lift":
                for i, kid in enumerate(kids, 1):  # fractional positions keep their order in place
                    self._check_sibling_name(c, parent, self._code_row(c, kid)[2], kid)
                    c.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?",
                              (parent, row[5] + i / (len(kids) + 1), kid))
            for doomed_id in reversed(doomed):  # leaves first: parents are RESTRICTed
                c.execute("DELETE FROM codes WHERE id = ?", (doomed_id,))
            self._renumber(c, parent)

    # Helpers ------------------------------------------------------------------------------------

    def _code_row(self, c, code_id: int):
        row = c.execute("SELECT id, parent_id, name, color, description, position FROM codes WHERE id = ?",
                        (code_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no code with id {code_id}")
        return row

    def _check_sibling_name(self, c, parent_id, name: str, self_id) -> None:
        clash = c.execute("SELECT id FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) AND name = ? "
                          "AND id != ifnull(?, -1)", (parent_id, name, self_id)).fetchone()
        if clash:
            where = "at the top of the tree" if parent_id is None else "under the same parent"
            raise NameClashError(f"a code named {name!r} already exists {where}")

    def _renumber(self, c, parent_id) -> None:
        ids = [r[0] for r in c.execute(
            "SELECT id FROM codes WHERE parent_id IS ? ORDER BY position, id", (parent_id,))]
        c.executemany("UPDATE codes SET position = ? WHERE id = ?", [(i, x) for i, x in enumerate(ids)])


def _split(path: str) -> list[str]:
    try:
        return split_path(path)
    except ValueError as e:
        raise InvalidValueError(str(e)) from None
