"""REFI-QDA codebooks (.qdc): export the code tree, import one into a project (merging by name
path, never duplicating), and parse one into a plain tree (frameworks reuse that).

The code tree is written the same way inside a .qdpx project (`append_codes`), where codes may
also carry NoteRefs to their memos; the codebook schema has no notes, so a .qdc leaves memos out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from npmdesk import __version__
from npmdesk.core.errors import BadInputError
from npmdesk.store.codes import PALETTE
from npmdesk.formats.refi.criteria import join_description, split_description
from npmdesk.formats.refi.untrusted import (
    CODEBOOK_NS,
    MAX_XML_BYTES,
    child_text,
    children,
    clean_name,
    export_guid,
    local,
    norm_color,
    norm_id,
    store_guid,
    parse_xml,
    xml_text,
)


class CodebookNode(NamedTuple):
    """One code of a parsed codebook, as plain data."""

    name: str
    description: str
    color: str | None  # '#rrggbb' or None
    children: tuple[CodebookNode, ...]


@dataclass
class RefiCode:
    """A code as read from REFI-QDA XML, with what a project import also needs."""

    name: str
    description: str = ""
    color: str | None = None
    guid: str | None = None
    note_refs: list[str] = field(default_factory=list)
    children: list[RefiCode] = field(default_factory=list)
    codable: bool = True  # isCodable="false": a category that groups codes but is never applied
    # Criteria read back from labelled lines of the Description (formats/refi/criteria.py).
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""

    def criteria(self) -> dict[str, str]:
        """The criteria that are filled in, as keyword arguments of Project.set_code_definition."""
        return {k: v for k, v in (("inclusion", self.inclusion), ("exclusion", self.exclusion),
                                  ("example", self.example)) if v}

    def plain(self) -> CodebookNode:
        """As plain data, with the description whole (criteria included) as the file has it."""
        text = join_description(self.description, self.inclusion, self.exclusion, self.example)
        return CodebookNode(self.name, text, self.color, tuple(c.plain() for c in self.children))


@dataclass
class QdcImportReport:
    path: str
    added: int = 0
    matched: int = 0
    described: int = 0
    groups: int = 0
    notes: list[str] = field(default_factory=list)


# Reading ------------------------------------------------------------------------------------------

def read_codes(codes_el) -> list[RefiCode]:
    """The Code elements under a <Codes> (or <Code>) element, recursively."""
    out = []
    for el in children(codes_el, "Code"):
        described = split_description(child_text(el, "Description").strip())
        code = RefiCode(
            name=clean_name(el.get("name"), "(unnamed code)"),
            description=described.description,
            inclusion=described.inclusion,
            exclusion=described.exclusion,
            example=described.example,
            color=norm_color(el.get("color")),
            guid=norm_id(el.get("guid")),
            note_refs=[g for g in (norm_id(r.get("targetGUID")) for r in children(el, "NoteRef")) if g],
            codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        )
        code.children = read_codes(el)
        out.append(code)
    return out


def read_codebook_file(path: str | Path) -> list[RefiCode]:
    """Codes of a .qdc file (root CodeBook) or of a bare project .qde (root Project)."""
    return read_codebook(path)[0]


def read_codebook(path: str | Path) -> tuple[list[RefiCode], list[tuple[str, str, list[str]]]]:
    """(codes, sets) of a .qdc or bare .qde; a set is (name, description, member code ids)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise BadInputError(path, f"the file is over the {MAX_XML_BYTES // 2**20} MB limit")
        data = path.read_bytes()
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror})") from None
    root = parse_xml(data, path)
    sets_parent = root
    if local(root) == "Project":
        root = next(iter(children(root, "CodeBook")), None)
        if root is None:
            return [], []
    if local(root) != "CodeBook":
        raise BadInputError(path, f"not a REFI-QDA codebook (the XML starts with <{local(root)}>, not <CodeBook>)")
    sets = []
    for sets_el in children(sets_parent, "Sets"):
        for el in children(sets_el, "Set"):
            members = [g for g in (norm_id(m.get("targetGUID")) for m in children(el, "MemberCode")) if g]
            sets.append((clean_name(el.get("name"), "Set"), child_text(el, "Description").strip(), members))
    codes_el = next(iter(children(root, "Codes")), None)
    try:
        return (read_codes(codes_el) if codes_el is not None else []), sets
    except RecursionError:
        raise BadInputError(path, "the codes are nested too deeply to be a real codebook") from None


def parse_qdc(path: str | Path) -> list[CodebookNode]:
    """A .qdc file as a plain tree of (name, description, color, children)."""
    return [c.plain() for c in read_codebook_file(path)]


# Writing ------------------------------------------------------------------------------------------

def uncoloured_codes(project, codes) -> set[int]:
    """Codes that came without a colour from another tool and still have the colour npmdesk gave
    them there: exported again without one (no invented colour reaches the reviewer's tool)."""
    given = project.exchange_meta("uncoloured-codes", {}) or {}
    return {c.id for c in codes if isinstance(given, dict) and given.get(c.guid) == c.color}


def append_codes(parent_el, codes, ns: str, note_refs: dict[int, list[str]] | None = None, *,
                 non_codable=frozenset(), uncoloured=frozenset(), definitions=None) -> int:
    """Write project codes (in tree order, from Project.codes()) as nested <Code> elements; with
    `definitions` (Project.code_definitions()), each Description carries the code's criteria too."""
    by_parent: dict[int | None, list] = {}
    for c in codes:
        by_parent.setdefault(c.parent_id, []).append(c)

    def walk(el, parent_id):
        for c in by_parent.get(parent_id, ()):
            attrs = {"guid": export_guid(c.guid), "name": xml_text(c.name),
                     "isCodable": "false" if c.id in non_codable else "true"}
            if c.id not in uncoloured:
                attrs["color"] = c.color
            code_el = etree.SubElement(el, f"{{{ns}}}Code", attrs)
            d = (definitions or {}).get(c.id)
            text = join_description(c.description, d.inclusion, d.exclusion, d.example) if d else c.description
            if text.strip():
                etree.SubElement(code_el, f"{{{ns}}}Description").text = xml_text(text)
            for note in (note_refs or {}).get(c.id, ()):
                etree.SubElement(code_el, f"{{{ns}}}NoteRef", targetGUID=note)
            walk(code_el, c.id)

    walk(parent_el, None)
    return len(codes)


def codebook_xml(project) -> bytes:
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=f"npmdesk {__version__}")
    codes_el = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    codes = project.codes()
    append_codes(codes_el, codes, CODEBOOK_NS, non_codable=project.non_codable_codes(),
                 uncoloured=uncoloured_codes(project, codes), definitions=project.code_definitions())
    groups = [g for g in project.groups("code")]
    if groups:
        guids = {c.id: export_guid(c.guid) for c in codes}
        sets_el = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Sets")
        for g in groups:
            st = etree.SubElement(sets_el, f"{{{CODEBOOK_NS}}}Set", guid=export_guid(g.guid), name=xml_text(g.name))
            if g.description.strip():
                etree.SubElement(st, f"{{{CODEBOOK_NS}}}Description").text = xml_text(g.description)
            for member in g.members:
                etree.SubElement(st, f"{{{CODEBOOK_NS}}}MemberCode", targetGUID=guids[member])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_qdc(project, out: str | Path) -> dict:
    """Write the code tree (names, nesting, colours, descriptions with their criteria) as a .qdc;
    memos are not part of a codebook. Written to a temporary file first, so `out` appears whole or not at all."""
    out = Path(out)
    codes = project.codes()
    if not codes:
        raise BadInputError(out, "the project has no codes to export (a codebook needs at least one)")
    write_atomically(out, codebook_xml(project), protect=[project.path])
    return {"path": str(out), "codes": len(codes)}


def write_atomically(out: Path, data: bytes, protect=()) -> None:
    from npmdesk.formats.export_support import atomic_output  # never over a project

    with atomic_output(out, protect) as tmp:
        tmp.write_bytes(data)


# Importing into a project -------------------------------------------------------------------------

def import_qdc(project, path: str | Path) -> QdcImportReport:
    """Merge a codebook into the project's tree by name path: a code whose path exists is kept
    (and gets the file's description and each criterion it had none of); new codes are added; sets become code
    groups. One transaction. Every merge the file itself forces (two same-named codes under one
    parent) is reported."""
    path = Path(path)
    codes, sets = read_codebook(path)
    report = QdcImportReport(str(path))
    if not codes:
        report.notes.append("the codebook contains no codes")
        return report
    existing = project.codes()
    taken_guids = {c.guid for c in existing}
    by_parent_name = {(c.parent_id, c.name): c for c in existing}
    from_file: set[tuple[int | None, str]] = set()
    by_file_id: dict[str, int] = {}
    count = len(existing)  # colours without one as add_code would, without it counting every code again
    criteria = {cid: d.criteria for cid, d in project.code_definitions().items()}  # [(label, text)] set
    with project.write("import codebook", file=str(path)):
        def walk(nodes, parent_id, parent_path):
            nonlocal count
            for node in nodes:
                key = (parent_id, node.name)
                where = f"{parent_path}/{node.name}" if parent_path else node.name
                if key in from_file:
                    report.notes.append(f"the codebook has two codes {where!r} under one parent: merged into one")
                have = by_parent_name.get(key)
                if have is not None:
                    if key not in from_file:
                        report.matched += 1
                    described = False
                    if node.description and not have.description.strip():
                        project.set_code_description(have.id, node.description)
                        have = _Seen(have.id, node.description)
                        by_parent_name[key] = have
                        described = True
                    kept = {label.lower() for label, _ in criteria.get(have.id, ())}
                    fill = {k: v for k, v in node.criteria().items() if k not in kept}
                    if fill:
                        project.set_code_definition(have.id, **fill)
                        criteria[have.id] = [*criteria.get(have.id, ()), *((k.title(), v) for k, v in fill.items())]
                        described = True
                    report.described += described
                    code_id = have.id
                else:
                    guid = store_guid(node.guid) if node.guid and node.guid not in taken_guids else None
                    code_id = project.add_code(node.name, parent_id, color=node.color or PALETTE[count % len(PALETTE)],
                                               description=node.description, guid=guid)
                    if node.criteria():
                        project.set_code_definition(code_id, **node.criteria())
                        criteria[code_id] = [(k.title(), v) for k, v in node.criteria().items()]
                    if not node.codable:
                        project.set_code_codable(code_id, False)
                    count += 1
                    taken_guids.add(guid)
                    by_parent_name[key] = _Seen(code_id, node.description)
                    report.added += 1
                from_file.add(key)
                if node.guid:
                    by_file_id.setdefault(node.guid, code_id)
                walk(node.children, code_id, where)

        walk(codes, None, "")
        groups = {g.name: g for g in project.groups("code")}
        for name, description, members in sets:
            ids = [by_file_id[m] for m in members if m in by_file_id]
            if len(ids) < len(members):
                report.notes.append(f"set {name!r}: {len(members) - len(ids)} member(s) are not codes of the file")
            group = groups.get(name)
            gid = group.id if group is not None else project.add_group("code", name, description)
            added = project.add_group_members(gid, ids)
            report.groups += 1
            report.notes.append(f"set {name!r} kept as a code group ({added} code(s) added"
                                + (", merged into the group of that name)" if group is not None else ")"))
    return report


@dataclass
class _Seen:
    id: int
    description: str
