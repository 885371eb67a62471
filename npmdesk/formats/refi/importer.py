"""Import a REFI-QDA project (.qdpx) into a NEW npmdesk project, all or nothing.

The project is built in a temporary file beside the target and renamed into place only when
everything is stored, so a failed import leaves nothing behind. Positions are converted per source
from whatever unit the exporting program counted in (see refi_positions) to npmdesk code points.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from npmdesk import PROJECT_SUFFIX
from npmdesk.core.errors import CancelledError, NameClashError, NpmdeskError, ProjectOpenError
from npmdesk.formats.refi.qdc import RefiCode
from npmdesk.formats.refi.reader import RefiCoding, RefiProject, RefiSource, read_qdpx
from npmdesk.formats.refi.positions import PositionMapper, choose_unit
from npmdesk.formats.refi.untrusted import clean_name
from npmdesk.formats.speakers import detect_turns
from npmdesk.store.codes import PALETTE

_TYPES = {"text": "text", "integer": "integer", "float": "float", "boolean": "boolean", "date": "date",
          "datetime": "text"}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass
class SourcePositions:
    document: str
    unit: str
    label: str
    evidence: str


@dataclass
class QdpxImportReport:
    path: str
    project: str
    origin: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    positions: list[SourcePositions] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        return (f"imported {c.get('sources', 0)} source(s), {c.get('codes', 0)} code(s), {c.get('codings', 0)} "
                f"coding(s), {c.get('cases', 0)} case(s), {c.get('attributes', 0)} attribute(s), "
                f"{c.get('memos', 0)} memo(s), {c.get('coders', 0)} coder(s)")


def import_qdpx(path: str | Path, new_project: str | Path, coder: str,
                progress: Callable[[int, int, str], bool] | None = None) -> QdpxImportReport:
    """Create `new_project` from a .qdpx. Raises (leaving no file) if the .qdpx cannot be read."""
    from npmdesk.store import Project

    target = Path(new_project)
    if not target.suffix:
        target = target.with_suffix(PROJECT_SUFFIX)
    if target.exists():
        raise ProjectOpenError(f"{target}: a file of that name already exists (choose a new project name)")
    refi = read_qdpx(path)
    tmp = target.with_name(f".{target.name}.importing-{uuid.uuid4().hex[:8]}")
    report = QdpxImportReport(str(path), str(target), origin=refi.origin)
    project = None
    try:
        project = Project.create(tmp, coder, name=clean_name(refi.name, target.stem))
        with project.write("import qdpx", file=str(path)):
            _Importer(project, refi, report, progress).run()
        project.close()
        project = None
        if target.exists():
            raise ProjectOpenError(f"{target}: a file of that name appeared during the import; nothing was written")
        os.replace(tmp, target)
    finally:
        if project is not None:
            project.close()
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + ".creating")):
            leftover.unlink(missing_ok=True)
    return report


class _Importer:
    def __init__(self, project, refi: RefiProject, report: QdpxImportReport, progress):
        self.p, self.refi, self.report, self.progress = project, refi, report, progress
        self.skipped = report.skipped
        self.counts = dict.fromkeys(("coders", "codes", "sources", "codings", "cases", "attributes", "memos"), 0)
        report.counts = self.counts
        self.coders: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.docs: dict[str, int] = {}
        self.cases: dict[str, int] = {}
        self.codings: dict[str, int] = {}  # coding guid -> id
        self.selection_codings: dict[str, list[int]] = {}  # selection guid -> coding ids
        self.memo_targets: dict[tuple[str, int | None], list[tuple[str, bool]]] = {}  # -> [(note guid, exact)]
        self.quotes: dict[str, str] = {}  # note guid -> the passage it annotates (no codes there)
        self.unknown_users = 0

    def run(self) -> None:
        self.skipped.extend(self.refi.skipped)
        self.import_users()
        self.import_codes(self.refi.codes, None)
        self.import_sources()
        self.import_cases()
        self.import_notes()

    # Coders -----------------------------------------------------------------------------------------

    def import_users(self) -> None:
        seen_names = set()
        for i, (guid, name) in enumerate(self.refi.users, 1):
            name = clean_name(name, f"User {i}")
            if name in seen_names:
                self.report.notes.append(f"two users are both named {name!r}; their work is kept under one coder")
            seen_names.add(name)
            coder_id = self.p.ensure_coder_with_guid(name, guid)
            if guid:
                self.coders[guid] = coder_id
        self.counts["coders"] = len(seen_names)

    def coder_for(self, guid: str | None) -> int:
        if guid in self.coders:
            return self.coders[guid]
        self.unknown_users += 1
        return self.p.coder_id

    # Codes ------------------------------------------------------------------------------------------

    def import_codes(self, nodes: list[RefiCode], parent_id: int | None) -> None:
        taken: set[str] = set()
        for node in nodes:
            name = _unique(node.name, taken)
            if name != node.name:
                self.report.notes.append(f"two codes named {node.name!r} under the same parent: the second "
                                         f"is imported as {name!r}")
            taken.add(name)
            guid = node.guid if node.guid and node.guid not in self.codes else None
            # A colour for a code without one, as add_code would pick it (without counting the codes each time).
            color = node.color or PALETTE[self.counts["codes"] % len(PALETTE)]
            code_id = self.p.add_code(name, parent_id, color=color, description=node.description, guid=guid)
            if node.guid:
                self.codes.setdefault(node.guid, code_id)
            self.counts["codes"] += 1
            for note in node.note_refs:
                self.memo_targets.setdefault(("code", code_id), []).append((note, True))
            self.import_codes(node.children, code_id)

    # Sources, selections and codings ----------------------------------------------------------------

    def import_sources(self) -> None:
        taken: set[str] = set()
        total = len(self.refi.sources)
        for i, src in enumerate(self.refi.sources):
            if self.progress and self.progress(i, total, src.name) is False:
                raise CancelledError("import cancelled; no project was created")
            name = _unique(clean_name(src.name, f"Source {i + 1}"), taken)
            taken.add(name)
            mapper = PositionMapper(src.raw_text)
            doc_guid = src.guid if src.guid and src.guid not in self.docs else None
            doc_id = self.p.add_document(name, mapper.text, source_name=src.name, source_format="qdpx",
                                         encoding=src.encoding_note, turns=detect_turns(mapper.text), guid=doc_guid)
            if src.guid:
                self.docs.setdefault(src.guid, doc_id)
            self.counts["sources"] += 1
            if src.encoding_note and src.encoding_note != "UTF-8":
                self.report.notes.append(f"{name}: text read as {src.encoding_note}")
            for note in src.note_refs:
                self.memo_targets.setdefault(("document", doc_id), []).append((note, True))
            self.import_selections(src, doc_id, name, mapper)

    def import_selections(self, src: RefiSource, doc_id: int, name: str, mapper: PositionMapper) -> None:
        sels = src.selections
        choice = choose_unit(mapper, [(s.start, s.end, s.name) for s in sels], self.refi.origin)
        if sels:
            self.report.positions.append(SourcePositions(name, choice.unit, choice.label, choice.evidence))
        for coding in src.whole_codings:
            if mapper.text:
                self.add_coding(coding, doc_id, 0, len(mapper.text), None, f"{name} (whole source)")
        for sel in sels:
            span = mapper.span(choice.unit, sel.start, sel.end)
            where = f"{name}: selection {sel.start}-{sel.end}"
            if span is None:
                self.skipped.append((where, f"does not fit the text when read as {choice.label}"))
                continue
            ids = [cid for c in sel.codings if (cid := self.add_coding(c, doc_id, *span, sel.user, where))]
            if sel.guid:
                self.selection_codings[sel.guid] = ids
            if sel.note_refs:
                if ids:
                    for cid in ids:
                        for note in sel.note_refs:
                            self.memo_targets.setdefault(("coding", cid), []).append((note, False))
                else:
                    quote = mapper.text[span[0]:span[1]]
                    for note in sel.note_refs:
                        self.memo_targets.setdefault(("document", doc_id), []).append((note, False))
                        self.quotes[note] = quote
            if not sel.codings and not sel.note_refs:
                self.skipped.append((where, "a selection with neither codes nor notes"))

    def add_coding(self, c: RefiCoding, doc_id: int, start: int, end: int, sel_user, where: str) -> int | None:
        code_id = self.codes.get(c.code) if c.code is not None else None
        if code_id is None:
            self.skipped.append((where, "a coding refers to a code that is not in the codebook"))
            return None
        created = c.created if c.created and _DATETIME.match(c.created.strip()) else None
        guid = c.guid if c.guid and c.guid not in self.codings else None
        try:
            coding_id = self.p.apply_coding(doc_id, code_id, start, end, coder_id=self.coder_for(c.user or sel_user),
                                            guid=guid, created=created)
        except NameClashError:
            self.skipped.append((where, "the same code by the same coder on the same passage appears twice; "
                                 "kept once"))
            return None
        if c.guid:
            self.codings.setdefault(c.guid, coding_id)
        self.counts["codings"] += 1
        for note in c.note_refs:
            self.memo_targets.setdefault(("coding", coding_id), []).append((note, True))
        return coding_id

    # Cases and attributes ---------------------------------------------------------------------------

    def import_cases(self) -> None:
        variables: dict[str, tuple[str, str]] = {}
        names: dict[str, str] = {}
        for guid, raw_name, refi_type in self.refi.variables:
            name = clean_name(raw_name, "variable")
            type_ = _TYPES.get(refi_type.lower(), "text")
            if name not in names:
                self.p.add_attribute(name, type_, guid=guid)
                names[name] = type_
                self.counts["attributes"] += 1
                if refi_type.lower() == "datetime":
                    self.report.notes.append(f"attribute {name!r}: date-times are kept as text")
            if guid:
                variables[guid] = (name, names[name])
        taken: set[str] = set()
        for i, case in enumerate(self.refi.cases, 1):
            name = _unique(clean_name(case.name, f"Case {i}"), taken)
            taken.add(name)
            guid = case.guid if case.guid and case.guid not in self.cases else None
            case_id = self.p.add_case(name, case.description, guid=guid)
            if case.guid:
                self.cases.setdefault(case.guid, case_id)
            self.counts["cases"] += 1
            for var_guid, _kind, value in case.values:
                var = variables.get(var_guid) if var_guid is not None else None
                if var is None:
                    self.skipped.append((f"case {name!r}: a value", "it refers to an undeclared variable"))
                    continue
                try:
                    self.p.set_case_attribute(case_id, var[0], value, var[1])
                except NpmdeskError as e:
                    self.skipped.append((f"case {name!r}: {var[0]}", str(e)))
            for src_guid in case.sources:
                doc_id = self.docs.get(src_guid)
                if doc_id is None:
                    continue
                current = self.p.document(doc_id).case_id
                if current is None:
                    self.p.set_document_case(doc_id, case_id)
                elif current != case_id:
                    self.skipped.append((f"case {name!r}: source {self.p.document(doc_id).name!r}",
                                         "the source already belongs to another case; npmdesk gives a document "
                                         "one participant (link speakers for more)"))

    # Notes become memos -----------------------------------------------------------------------------

    def import_notes(self) -> None:
        notes = self.refi.notes
        for note in self.refi.note_refs:
            self.memo_targets.setdefault(("project", None), []).append((note, True))
        for origin, target in self.refi.links:
            if origin not in notes:
                continue
            for kind, table in (("case", self.cases), ("document", self.docs), ("code", self.codes),
                                ("coding", self.codings)):
                if target in table:
                    self.memo_targets.setdefault((kind, table[target]), []).append((origin, True))
                    break
            else:
                for cid in self.selection_codings.get(target, ()):
                    self.memo_targets.setdefault(("coding", cid), []).append((origin, False))
        used = {g for refs in self.memo_targets.values() for g, _ in refs}
        free = [g for g in notes if g not in used]
        for g in free:
            self.memo_targets.setdefault(("project", None), []).append((g, False))
        missing = 0
        for (target, target_id), refs in self.memo_targets.items():
            parts = [(notes[g], exact) for g, exact in refs if g in notes]
            missing += len(refs) - len(parts)
            if not parts:
                continue
            if len(parts) == 1 and parts[0][1]:
                text = parts[0][0].text
            else:
                text = "\n\n".join(_headed(n, self.quotes.get(n.guid) if n.guid is not None else None)
                                     for n, _ in parts)
            first = parts[0][0]
            self.p.restore_memo(target, target_id, text, coder_id=self.coder_for(first.user) if first.user else None,
                                created=_valid_time(first.created), modified=_valid_time(first.modified),
                                guid=first.guid if len(parts) == 1 else None)
            self.counts["memos"] += 1
        if missing:
            self.skipped.append((f"{missing} note reference(s)", "they point to notes the file does not contain"))
        if self.unknown_users:
            self.report.notes.append(f"{self.unknown_users} item(s) name no known user; they are credited to "
                                     f"{_coder_name(self.p)!r}, who ran the import")


def _coder_name(project) -> str:
    return project.coder_name


def _headed(note, quote: str | None) -> str:
    head = note.name.strip()
    if quote:
        short = quote if len(quote) <= 80 else quote[:77] + "…"
        head = f"{head} — on “{short}”" if head else f"On “{short}”"
    return f"{head}\n{note.text}" if head else note.text


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _valid_time(value: str | None) -> str | None:
    return value if value and _DATETIME.match(value.strip()) else None
