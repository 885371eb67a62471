"""The pseudonym table, identifying attributes and coder roles: what de-identified exports use.

Each term found by "Find identifiers" or typed by the user has an action: `replace` (every export
marked de-identified writes the replacement instead — a pseudonym such as "P-04" or a category
label such as "[hospital]"), `keep` (checked, not identifying) or `ignore` (not relevant; hidden
from the list). Every change goes through the one write path, so the window can undo it.
"""

from __future__ import annotations

from dataclasses import dataclass

from npmdesk.core.deidentify import Rule
from npmdesk.core.identifiers import Identifier, IdentifierFinder, load_common_words
from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.store.base import StoreBase
from npmdesk.paths import resources_dir
from npmdesk.store.database import now

ACTIONS = ("keep", "replace", "ignore")
DEFAULT_REPLACEMENT = "[redacted]"  # a term marked replace with no replacement typed yet


@dataclass(frozen=True)
class Pseudonym:
    id: int
    term: str
    action: str
    replacement: str
    source: str
    created: str


def _clean_term(term: str) -> str:
    t = " ".join(str(term).split())
    if not t:
        raise InvalidValueError("a pseudonym needs a term (the word or words to find)")
    if len(t) > 200:
        raise InvalidValueError(f"a term may be at most 200 characters, not {len(t)}")
    return t


class PseudonymsMixin(StoreBase):
    def pseudonyms(self) -> list[Pseudonym]:
        return [Pseudonym(*r) for r in self.db.execute(
            "SELECT id, term, action, replacement, source, created FROM pseudonyms ORDER BY term COLLATE NOCASE")]

    def pseudonym(self, term: str) -> Pseudonym | None:
        row = self.db.execute("SELECT id, term, action, replacement, source, created FROM pseudonyms "
                              "WHERE term = ?", (_clean_term(term),)).fetchone()
        return Pseudonym(*row) if row else None

    def set_pseudonym(self, term: str, action: str = "replace", replacement: str = "",
                      source: str = "user") -> Pseudonym:
        """Add or change a term's entry (terms match case-insensitively: "mercy" edits "Mercy")."""
        t = _clean_term(term)
        if action not in ACTIONS:
            raise InvalidValueError(f"a pseudonym's action is one of {', '.join(ACTIONS)}, not {action!r}")
        replacement = " ".join(str(replacement).split())
        if len(replacement) > 200:
            raise InvalidValueError(f"a replacement may be at most 200 characters, not {len(replacement)}")
        if action == "replace" and replacement.casefold() == t.casefold():
            raise InvalidValueError(f"the replacement for {t!r} is the term itself; mark it keep instead")
        with self.write("pseudonym", term=t, mark=action) as c:
            row = c.execute("SELECT id, term, action, replacement, source FROM pseudonyms WHERE term = ?",
                            (t,)).fetchone()
            if row is None:
                c.execute("INSERT INTO pseudonyms(term, action, replacement, source, created) VALUES (?,?,?,?,?)",
                          (t, action, replacement, source or "user", now()))
            elif (row[2], row[3]) != (action, replacement):
                c.execute("UPDATE pseudonyms SET action = ?, replacement = ? WHERE id = ?",
                          (action, replacement, row[0]))
        p = self.pseudonym(t)
        assert p is not None
        return p

    def remove_pseudonym(self, term: str) -> None:
        t = _clean_term(term)
        with self.write("remove pseudonym", term=t) as c:
            self._require_updated(c.execute("DELETE FROM pseudonyms WHERE term = ?", (t,)),
                                  f"no pseudonym for {t!r} in this project")

    def pseudonym_rules(self) -> list[Rule]:
        """The rules de-identified exports apply: every term marked replace."""
        return [Rule(p.term, p.replacement or DEFAULT_REPLACEMENT)
                for p in self.pseudonyms() if p.action == "replace"]

    # Finding identifiers -------------------------------------------------------------------------

    def known_identifiers(self) -> list[tuple[str, str]]:
        """(term, kind) for what the project itself knows identifies someone."""
        known = [(r[0], "participant") for r in self.db.execute("SELECT name FROM cases")]
        known += [(r[0], "participant") for r in self.db.execute(
            "SELECT DISTINCT ca.value FROM case_attributes ca JOIN attributes a ON a.id = ca.attribute_id "
            "WHERE a.identifying = 1 AND a.type = 'text' AND ca.value IS NOT NULL AND trim(ca.value) != ''")]
        known += [(r[0], "speaker") for r in self.db.execute("SELECT DISTINCT name FROM speakers")]
        known += [(p.term, "term") for p in self.pseudonyms()]
        return known

    def find_identifiers(self) -> tuple[list[Identifier], IdentifierFinder]:
        """Likely identifiers across every document (texts streamed one at a time)."""
        finder = IdentifierFinder(self.known_identifiers(), common_words())
        for name, text in self.db.execute(
                "SELECT d.name, t.text FROM documents d JOIN document_texts t ON t.document_id = d.id ORDER BY d.id"):
            finder.add(name, text)
        return finder.results(), finder

    # Identifying attributes ----------------------------------------------------------------------

    def identifying_attributes(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT name FROM attributes WHERE identifying = 1")}

    def set_attribute_identifying(self, attr: str, flag: bool) -> None:
        """Mark an attribute identifying: de-identified exports leave it out."""
        with self.write("identifying attribute", attribute=attr, identifying=bool(flag)) as c:
            row = c.execute("SELECT id, identifying FROM attributes WHERE name = ?", (attr,)).fetchone()
            if row is None:
                raise NotFoundError(f"no attribute named {attr!r} in this project")
            if bool(row[1]) != bool(flag):
                c.execute("UPDATE attributes SET identifying = ? WHERE id = ?", (int(bool(flag)), row[0]))

    # Coder roles ---------------------------------------------------------------------------------

    def coder_roles(self) -> dict[str, str]:
        """Every coder's name and role ('' when none is set: exports then use initials)."""
        return {r[0]: r[1] for r in self.db.execute("SELECT name, role FROM coders ORDER BY name")}

    def set_coder_role(self, name: str, role: str) -> None:
        """How a coder is named in de-identified exports ("Coder A", "PI"); '' for initials."""
        role = " ".join(str(role).split())
        if len(role) > 60:
            raise InvalidValueError(f"a coder's role may be at most 60 characters, not {len(role)}")
        with self.write("coder role", coder=name, role=role) as c:
            row = c.execute("SELECT id, role FROM coders WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFoundError(f"no coder named {name!r} in this project")
            if row[1] != role:
                c.execute("UPDATE coders SET role = ? WHERE id = ?", (role, row[0]))


_COMMON: frozenset[str] | None = None


def common_words() -> frozenset[str]:
    """The common-words list (resources/identifiers/common_words_en.txt), read once."""
    global _COMMON
    if _COMMON is None:
        path = resources_dir() / "identifiers" / "common_words_en.txt"
        try:
            _COMMON = load_common_words(path.read_text(encoding="utf-8").splitlines())
        except OSError:
            _COMMON = frozenset()
    return _COMMON
