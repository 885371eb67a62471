"""Deductive frameworks (ACGME competencies, CanMEDS roles, user-made), alignment of codes and
themes with their elements, and the exemplar quotes chosen for each element."""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from npmdesk.core.errors import InvalidValueError, NameClashError, NotFoundError
from npmdesk.core.model import Code, Excerpt, ExcerptFilter
from npmdesk.core.wording import quoted
from npmdesk.paths import resources_dir
from npmdesk.store.attribution import Attributions
from npmdesk.store.database import now
from npmdesk.store.base import StoreBase, new_id

BUILTIN_FRAMEWORKS = {
    "acgme": ("ACGME Core Competencies", "The six ACGME core competencies for physicians in training."),
    "canmeds": ("CanMEDS 2015 Roles", "The seven CanMEDS 2015 physician roles."),
}


@dataclass(frozen=True)
class Element:
    id: int
    framework_id: int
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class Framework:
    id: int
    name: str
    description: str
    source: str
    elements: tuple[Element, ...] = ()


@dataclass(frozen=True)
class Alignment:
    code_id: int
    code: str  # path
    element_id: int
    element: str
    framework_id: int
    rationale: str


@dataclass
class AlignmentRow:
    """One row of the theme-framework table: Element | Definition | Themes | Illustrative quotes."""

    element: Element
    alignments: list[Alignment] = field(default_factory=list)
    exemplars: list[Excerpt] = field(default_factory=list)


@dataclass(frozen=True)
class AlignmentCell:
    """One element x theme cell of the alignment view."""

    element_id: int
    code_id: int
    rationale: str
    excerpts: int
    participants: int  # credited by the attribution rule: whose words the codings are
    exemplars: list[Excerpt]
    credited: dict = field(default_factory=dict)  # coding id -> Attribution of each exemplar


@dataclass(frozen=True)
class AlignmentTable:
    framework: Framework
    themes: tuple[Code, ...]  # every code aligned with an element of the framework, in tree order
    cells: dict  # (element id, code id) -> AlignmentCell, only where aligned
    element_totals: dict  # element id -> (excerpts, participants) over all its themes, each counted once


def builtin_elements(key: str) -> list[tuple[str, str]]:
    path = resources_dir() / "frameworks" / f"{key}.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return [(row["name"], row["description"]) for row in csv.DictReader(f)]


def parse_framework_csv(data: str) -> list[tuple[str, str]]:
    """(name, description) pairs from CSV with a 'name' column (case-insensitive) and an optional
    'description' or 'definition' column; without a header row, column 1 is the name."""
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InvalidValueError("the framework file has no rows")
    header = [h.strip().lower() for h in rows[0]]
    if "name" in header:
        ni = header.index("name")
        di = next((header.index(h) for h in ("description", "definition") if h in header), None)
        rows = rows[1:]
    else:
        ni, di = 0, 1 if len(rows[0]) > 1 else None
    out = []
    for r in rows:
        name = r[ni].strip() if ni < len(r) else ""
        if name:
            out.append((name, r[di].strip() if di is not None and di < len(r) else ""))
    if not out:
        raise InvalidValueError("the framework file names no elements")
    return out


class FrameworksMixin(StoreBase):
    def frameworks(self) -> list[Framework]:
        elements: dict[int, list[Element]] = {}
        for r in self.db.execute("SELECT id, framework_id, name, description, position FROM framework_elements "
                                 "ORDER BY framework_id, position, id"):
            elements.setdefault(r[1], []).append(Element(*r))
        return [Framework(r[0], r[1], r[2], r[3], elements=tuple(elements.get(r[0], ())))
                for r in self.db.execute("SELECT id, name, description, source FROM frameworks ORDER BY id")]

    def framework(self, framework_id: int) -> Framework:
        for f in self.frameworks():
            if f.id == framework_id:
                return f
        raise NotFoundError(f"no framework with id {framework_id}")

    def framework_by_name(self, name: str) -> Framework:
        """By its name, its built-in key ('acgme'), or the start of its name ('ACGME')."""
        wanted = name.strip().lower()
        frameworks = self.frameworks()
        for f in frameworks:
            if f.name.lower() == wanted or f.source.lower() == wanted:
                return f
        starts = [f for f in frameworks if f.name.lower().startswith(wanted)]
        if len(starts) == 1:
            return starts[0]
        names = ", ".join(quoted(f.name) for f in frameworks) or "none yet"
        raise NotFoundError(f"no framework named {quoted(name)} (the project has {names})")

    def element_by_name(self, name: str, framework_id: int | None = None) -> Element:
        """An element by its name (case-insensitive), within one framework or unambiguous overall."""
        found = [e for f in self.frameworks() if framework_id in (None, f.id) for e in f.elements
                 if e.name.lower() == name.strip().lower()]
        if not found:
            everything = [e.name for f in self.frameworks() if framework_id in (None, f.id) for e in f.elements]
            close = difflib.get_close_matches(name.strip(), everything, n=1, cutoff=0.5)
            raise NotFoundError(f"no framework element named {quoted(name)}"
                                + (f" (did you mean {quoted(close[0])}?)" if close else ""))
        if len(found) > 1:
            raise InvalidValueError(f"{quoted(name)} is in several frameworks: name the framework too")
        return found[0]

    def add_framework(self, name: str, description: str = "", source: str = "",
                      elements: Sequence[tuple[str, str]] = ()) -> int:
        name = self._clean_name(name, "framework")
        with self.write("add framework", name=name) as c:
            if c.execute("SELECT 1 FROM frameworks WHERE name = ?", (name,)).fetchone():
                raise NameClashError(f"a framework named {quoted(name)} already exists")
            fid = new_id(c.execute("INSERT INTO frameworks(name, description, source) VALUES (?,?,?)",
                            (name, description, source)))
            for el_name, el_desc in elements:
                self.add_element(fid, el_name, el_desc)
        return fid

    def add_builtin_framework(self, key: str) -> int:
        if key not in BUILTIN_FRAMEWORKS:
            raise InvalidValueError(f"unknown built-in framework {quoted(key)} (use {', '.join(BUILTIN_FRAMEWORKS)})")
        name, description = BUILTIN_FRAMEWORKS[key]
        return self.add_framework(name, description, source=key, elements=builtin_elements(key))

    def add_element(self, framework_id: int, name: str, description: str = "") -> int:
        name = self._clean_name(name, "framework element")
        with self.write("add framework element", framework=framework_id, name=name) as c:
            if not c.execute("SELECT 1 FROM frameworks WHERE id = ?", (framework_id,)).fetchone():
                raise NotFoundError(f"no framework with id {framework_id}")
            if c.execute("SELECT 1 FROM framework_elements WHERE framework_id = ? AND name = ?",
                         (framework_id, name)).fetchone():
                raise NameClashError(f"the framework already has an element named {quoted(name)}")
            pos = c.execute("SELECT ifnull(max(position), -1) + 1 FROM framework_elements WHERE framework_id = ?",
                            (framework_id,)).fetchone()[0]
            return new_id(c.execute("INSERT INTO framework_elements(framework_id, name, description, position) "
                             "VALUES (?,?,?,?)", (framework_id, name, description, pos)))

    def delete_framework(self, framework_id: int) -> None:
        """Removes its elements, alignments and element exemplars with it (codings stay)."""
        with self.write("delete framework", framework=framework_id) as c:
            self._require_updated(c.execute("DELETE FROM frameworks WHERE id = ?", (framework_id,)),
                                  f"no framework with id {framework_id}")

    # Alignment ----------------------------------------------------------------------------------

    def align_code(self, code_id: int, element_id: int, rationale: str = "") -> None:
        """Link a theme or code to a framework element (again: update the rationale)."""
        with self.write("align", code=code_id, element=element_id) as c:
            self._code_row(c, code_id)
            if not c.execute("SELECT 1 FROM framework_elements WHERE id = ?", (element_id,)).fetchone():
                raise NotFoundError(f"no framework element with id {element_id}")
            c.execute("INSERT INTO alignments(code_id, element_id, rationale, coder_id, created) VALUES (?,?,?,?,?) "
                      "ON CONFLICT(code_id, element_id) DO UPDATE SET rationale = excluded.rationale",
                      (code_id, element_id, rationale, self.coder_id, now()))

    def unalign_code(self, code_id: int, element_id: int) -> str:
        """Remove a link; returns its rationale so that undo can put it back."""
        with self.write("unalign", code=code_id, element=element_id) as c:
            row = c.execute("SELECT rationale FROM alignments WHERE code_id = ? AND element_id = ?",
                            (code_id, element_id)).fetchone()
            if row is None:
                raise NotFoundError("that code is not aligned with that element")
            c.execute("DELETE FROM alignments WHERE code_id = ? AND element_id = ?", (code_id, element_id))
        return row[0]

    def alignments(self, framework_id: int | None = None) -> list[Alignment]:
        paths = {c.id: c.path for c in self.codes()}
        rows = self.db.execute(
            "SELECT a.code_id, a.element_id, e.name, e.framework_id, a.rationale FROM alignments a "
            "JOIN framework_elements e ON e.id = a.element_id "
            "WHERE ? IS NULL OR e.framework_id = ? ORDER BY e.framework_id, e.position, a.code_id",
            (framework_id, framework_id)).fetchall()
        order = {cid: i for i, cid in enumerate(paths)}
        out = [Alignment(r[0], paths[r[0]], r[1], r[2], r[3], r[4]) for r in rows]
        return sorted(out, key=lambda a: (a.framework_id, a.element_id, order[a.code_id]))

    # Exemplar quotes per element --------------------------------------------------------------------

    def add_element_exemplar(self, element_id: int, coding_id: int) -> None:
        with self.write("add element exemplar", element=element_id, coding=coding_id) as c:
            if not c.execute("SELECT 1 FROM framework_elements WHERE id = ?", (element_id,)).fetchone():
                raise NotFoundError(f"no framework element with id {element_id}")
            row = c.execute("SELECT code_id FROM codings WHERE id = ?", (coding_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no coding with id {coding_id}")
            # A quote illustrates an element only through a theme aligned with it (found in a trial:
            # quotes of unaligned themes went into the competency table).
            if element_id not in {e.id for e in self.aligned_elements(row[0])}:
                name = c.execute("SELECT name FROM framework_elements WHERE id = ?", (element_id,)).fetchone()[0]
                raise InvalidValueError(f"coding {coding_id}'s code (and its themes) is not aligned with "
                                        f"{quoted(name)}: align the theme first (npmdesk align), then mark its quotes")
            c.execute("INSERT OR IGNORE INTO element_exemplars(element_id, coding_id) VALUES (?, ?)",
                      (element_id, coding_id))

    def remove_element_exemplar(self, element_id: int, coding_id: int) -> None:
        with self.write("remove element exemplar", element=element_id, coding=coding_id) as c:
            c.execute("DELETE FROM element_exemplars WHERE element_id = ? AND coding_id = ?", (element_id, coding_id))

    def aligned_elements(self, code_id: int) -> list[Element]:
        """The framework elements a code speaks to: its own alignments and its ancestors' (a code
        inside an aligned theme can give that theme's competencies their quotes)."""
        chain = [code_id]
        parents = {c.id: c.parent_id for c in self.codes()}
        parent = parents.get(code_id)
        while parent is not None:
            chain.append(parent)
            parent = parents.get(parent)
        aligned = {a.element_id for a in self.alignments() if a.code_id in chain}
        return [e for f in self.frameworks() for e in f.elements if e.id in aligned]

    def coding_element_exemplars(self, coding_id: int) -> set[int]:
        """The elements this coding was chosen to exemplify."""
        return {r[0] for r in self.db.execute("SELECT element_id FROM element_exemplars WHERE coding_id = ?",
                                              (coding_id,))}

    def element_exemplar_ids(self, element_id: int) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT coding_id FROM element_exemplars WHERE element_id = ? ORDER BY coding_id", (element_id,))]

    def alignment_rows(self, framework_id: int) -> list[AlignmentRow]:
        """The theme-framework table: for each element, its aligned themes and exemplar quotes.

        Exemplars are those chosen for the element; if none were chosen, the codings flagged as
        exemplar under the aligned themes (with their sub-codes) stand in."""
        fw = self.framework(framework_id)
        by_element: dict[int, AlignmentRow] = {e.id: AlignmentRow(e) for e in fw.elements}
        for a in self.alignments(framework_id):
            by_element[a.element_id].alignments.append(a)
        for row in by_element.values():
            chosen = set(self.element_exemplar_ids(row.element.id))
            if chosen:
                row.exemplars = self.excerpts(ExcerptFilter(coding_ids=tuple(sorted(chosen))))
            elif row.alignments:
                row.exemplars = self.excerpts(ExcerptFilter(code_ids=tuple(a.code_id for a in row.alignments),
                                                            with_descendants=True, exemplars_only=True))
        return list(by_element.values())

    # Deductive coding and the alignment view ------------------------------------------------------

    def add_framework_codes(self, framework_id: int, *, align: bool = True) -> int:
        """Add a framework to the code tree to code deductively: one top-level code named after the
        framework with a sub-code per element (its description as the code's), each aligned with
        its element so that deductive codings show up in the alignment view. Returns the new code's id."""
        fw = self.framework(framework_id)
        with self.write("add framework to code tree", framework=framework_id):
            root = self.add_code(fw.name, None, description=fw.description)
            for el in fw.elements:
                code_id = self.add_code(el.name, root, description=el.description)
                if align:
                    self.align_code(code_id, el.id, "Deductive code for this element")
        return root

    def alignment_table(self, framework_id: int) -> AlignmentTable:
        """Framework elements x aligned themes: excerpts (codings of the theme and its sub-codes),
        distinct participants behind them, the rationale and the exemplar quotes for each cell.

        Participants are those whose words the codings are (the attribution rule, through
        store/attribution.py): an interviewer's coded question in NPM-1's interview does not make
        NPM-1 one of a cell's participants, and each exemplar carries its attribution (`credited`)
        so that the view cites it as the interviewer's, as the reports do."""
        fw = self.framework(framework_id)
        links = self.alignments(framework_id)
        codes = self.codes()
        aligned = {a.code_id for a in links}
        themes = tuple(c for c in codes if c.id in aligned)
        subtree = {t.id: set(self.code_descendants(t.id)) for t in themes}
        every = sorted(set().union(*subtree.values())) if subtree else []
        per_code: dict[int, int] = {}
        cases_of: dict[int, set[str]] = {}
        who = Attributions(self)
        if every:
            rows = self.db.execute("SELECT code_id, document_id, start, end FROM codings "
                                   "WHERE code_id IN (SELECT value FROM json_each(?))", (json.dumps(every),)).fetchall()
            who.load({r[1] for r in rows})
            docs: dict[int, tuple] = {}
            for code_id, doc_id, start, end in rows:
                per_code[code_id] = per_code.get(code_id, 0) + 1
                entry = docs.get(doc_id)
                if entry is None:
                    doc = who.document(doc_id)
                    entry = docs[doc_id] = (doc, doc.creditable)
                have = cases_of.get(code_id)
                if have is None:
                    have = cases_of[code_id] = set()
                elif entry[1] <= have:  # every participant of this transcript counted already
                    continue
                have.update(entry[0].credited(start, end))

        def tally(code_ids: set[int]) -> tuple[int, int]:
            people = set().union(*(cases_of.get(c, set()) for c in code_ids)) if code_ids else set()
            return sum(per_code.get(c, 0) for c in code_ids), len(people)

        exemplar_codings: dict[int, list[Excerpt] | None] = {}
        for el in fw.elements:
            chosen = self.element_exemplar_ids(el.id)
            exemplar_codings[el.id] = self.excerpts(ExcerptFilter(coding_ids=tuple(chosen))) if chosen else None
        cells: dict[tuple[int, int], AlignmentCell] = {}
        for a in links:
            n, people = tally(subtree[a.code_id])
            picked = exemplar_codings[a.element_id]
            if picked is None:  # nothing chosen for the element: the theme's flagged exemplars stand in
                quotes = self.excerpts(ExcerptFilter(code_ids=(a.code_id,), with_descendants=True, exemplars_only=True))
            else:
                quotes = [e for e in picked if e.code_id in subtree[a.code_id]]
            credited = {e.coding_id: who.of_excerpt(e) for e in quotes}
            cells[(a.element_id, a.code_id)] = AlignmentCell(a.element_id, a.code_id, a.rationale, n, people, quotes,
                                                             credited)
        totals = {}
        for el in fw.elements:
            union = set().union(*(subtree[a.code_id] for a in links if a.element_id == el.id))
            totals[el.id] = tally(union)
        return AlignmentTable(fw, themes, cells, totals)
