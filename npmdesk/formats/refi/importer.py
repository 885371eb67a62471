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
from npmdesk.formats.refi.reader import RefiCoding, RefiNote, RefiProject, RefiSource, read_qdpx
from npmdesk.formats.refi.positions import UNITS, PositionMapper, choose_unit, preview
from npmdesk.formats.refi.untrusted import clean_name, store_guid
from npmdesk.formats.speakers import detect_turns
from npmdesk.store.codes import PALETTE

_TYPES = {"text": "text", "integer": "integer", "float": "float", "boolean": "boolean", "date": "date",
          "datetime": "text"}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
UNKNOWN_CODER = "unknown"
ANNOTATIONS_CODE = "Annotations"
UNCOLOURED_KEY = "uncoloured-codes"  # exchange meta: {code guid: colour given at import}


@dataclass
class SourcePositions:
    document: str
    unit: str
    label: str
    evidence: str
    warning: str = ""
    preview: dict[str, list[str]] = field(default_factory=dict)  # unit -> a few selections' text


@dataclass
class QdpxImportReport:
    path: str
    project: str
    origin: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    positions: list[SourcePositions] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the import may have misread something: check it

    def summary(self) -> str:
        c = self.counts
        return (f"imported {c.get('sources', 0)} source(s), {c.get('codes', 0)} code(s), {c.get('codings', 0)} "
                f"coding(s), {c.get('cases', 0)} case(s), {c.get('attributes', 0)} attribute(s), "
                f"{c.get('memos', 0)} memo(s), {c.get('coders', 0)} coder(s)")


def analyse_positions(path: str | Path) -> list[SourcePositions]:
    """How each source's positions would be read, with a preview under every convention: what the
    window shows before an import whose evidence is weak. Reads the .qdpx; writes nothing."""
    refi = read_qdpx(path)
    out = []
    for src in refi.sources:
        if not src.selections:
            continue
        mapper = PositionMapper(src.raw_text)
        sels = [(s.start, s.end, s.name) for s in src.selections]
        choice = choose_unit(mapper, sels, refi.origin)
        out.append(SourcePositions(src.name, choice.unit, choice.label, choice.evidence, choice.warning,
                                   preview(mapper, sels) if choice.warning else {}))
    return out


def import_qdpx(path: str | Path, new_project: str | Path, coder: str,
                progress: Callable[[int, int, str], bool] | None = None, *, positions: str | None = None,
                speakers: bool | None = None) -> QdpxImportReport:
    """Create `new_project` from a .qdpx. Raises (leaving no file) if the .qdpx cannot be read.

    `positions` forces one counting convention (positions.UNITS) for every source instead of the
    detected one. `speakers`: True detects speaker turns in every source, False in none, None
    (the default) only in sources that look like transcripts (labels that recur) or whose passages
    a case speaks."""
    from npmdesk.store import Project

    if positions is not None and positions not in UNITS:
        raise ValueError(f"unknown positions convention {positions!r} (use {', '.join(UNITS)})")

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
            _Importer(project, refi, report, progress, positions, speakers).run()
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
    def __init__(self, project, refi: RefiProject, report: QdpxImportReport, progress, positions=None,
                 speakers=None):
        self.p, self.refi, self.report, self.progress = project, refi, report, progress
        self.forced_unit, self.speakers = positions, speakers
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
        self.unknown_coder: int | None = None
        self.uncoloured: dict[str, str] = {}  # code guid -> the colour given here
        self.selection_spans: dict[str, tuple[int, int, int]] = {}  # selection id -> (doc, start, end)
        self.case_selections = {g for case in refi.cases for g in case.selections}
        self.annotations: int | None = None  # the code that keeps notes on uncoded passages
        self.annotated = 0
        self._described = 0
        self.user_names: dict[str, str] = {}
        self.non_codable: dict[int, str] = {}  # isCodable="false": made a category once its codings are in
        self.coded: set[int] = set()

    def run(self) -> None:
        self.skipped.extend(self.refi.skipped)
        self.import_users()
        self.import_codes(self.refi.codes, None)
        self.import_sources()
        self.import_cases()
        self.import_sets()
        self.import_notes()
        for code_id, name in self.non_codable.items():
            if code_id in self.coded:  # a coding is never lost to a flag: the code stays codable
                self.report.notes.append(f"code {name!r} is marked not codable but has codings; it is kept codable")
            else:
                self.p.set_code_codable(code_id, False)
        if self.uncoloured:
            self.p.set_exchange_meta(UNCOLOURED_KEY, self.uncoloured)
        if self.annotated:
            self.report.notes.append(f"{self.annotated} note(s) on passages with no code are kept as codings of "
                                     f"{ANNOTATIONS_CODE!r}, each with the note as its coding memo")

    def describe(self, target: tuple[str, int | None], text: str, what: str) -> None:
        """A REFI-QDA Description becomes (part of) the memo on the same object."""
        if not text.strip():
            return
        self._described += 1
        key = f"\x00description:{self._described}"
        self.refi.notes[key] = RefiNote(key, f"Description ({what})", text, None, None, None)
        self.memo_targets.setdefault(target, []).append((key, True))

    # Coders -----------------------------------------------------------------------------------------

    def import_users(self) -> None:
        seen_names = set()
        for i, (guid, name) in enumerate(self.refi.users, 1):
            name = clean_name(name, f"User {i}")
            if name in seen_names:
                self.report.notes.append(f"two users are both named {name!r}; their work is kept under one coder")
            seen_names.add(name)
            coder_id = self.p.ensure_coder_with_guid(name, store_guid(guid))
            if guid:
                self.coders[guid] = coder_id
                self.user_names[guid] = name
        self.counts["coders"] = len(seen_names)

    def coder_for(self, guid: str | None) -> int:
        """The coder a user id names; work with no user (or an undeclared one) is credited to a coder
        named "unknown", never to whoever runs the import."""
        if guid in self.coders:
            return self.coders[guid]
        self.unknown_users += 1
        if self.unknown_coder is None:
            self.unknown_coder = self.p.ensure_coder(UNKNOWN_CODER)
        return self.unknown_coder

    # Codes ------------------------------------------------------------------------------------------

    def import_codes(self, nodes: list[RefiCode], parent_id: int | None) -> None:
        taken: set[str] = set()
        for node in nodes:
            name = _unique(node.name, taken)
            if name != node.name:
                self.report.notes.append(f"two codes named {node.name!r} under the same parent: the second "
                                         f"is imported as {name!r}")
            taken.add(name)
            guid = store_guid(node.guid) if node.guid and node.guid not in self.codes else None
            # A colour for a code without one, as add_code would pick it (without counting the codes each time).
            color = node.color or PALETTE[self.counts["codes"] % len(PALETTE)]
            code_id = self.p.add_code(name, parent_id, color=color, description=node.description, guid=guid)
            if node.criteria():  # labelled lines of the Description (formats/refi/criteria.py)
                self.p.set_code_definition(code_id, **node.criteria())
            if node.guid:
                if node.guid in self.codes:
                    self.report.notes.append(f"two codes share the id {node.guid!r}: codings refer to the first")
                self.codes.setdefault(node.guid, code_id)
            if not node.color:  # shown in a colour here, exported again without one
                self.uncoloured[self.p.code(code_id).guid] = color
            if not node.codable:
                self.non_codable[code_id] = name
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
            doc_guid = store_guid(src.guid) if src.guid and src.guid not in self.docs else None
            doc_id = self.p.add_document(name, mapper.text, source_name=src.name, source_format="qdpx",
                                         encoding=src.encoding_note, turns=self.turns_for(src, mapper.text),
                                         guid=doc_guid)
            if src.guid:
                self.docs.setdefault(src.guid, doc_id)
            created = _valid_time(src.created) or ""
            creator = self.user_names.get(src.creator or "", "")
            if created or creator:
                self.p.set_document_source(doc_id, created, creator)
            self.describe(("document", doc_id), src.description, "source")
            self.counts["sources"] += 1
            if src.encoding_note and src.encoding_note != "UTF-8":
                self.report.notes.append(f"{name}: text read as {src.encoding_note}")
            for note in src.note_refs:
                self.memo_targets.setdefault(("document", doc_id), []).append((note, True))
            self.import_selections(src, doc_id, name, mapper)

    def turns_for(self, src: RefiSource, text: str):
        if self.speakers is False:
            return []
        turns = detect_turns(text)
        if self.speakers or not turns:
            return turns
        if _looks_like_transcript(turns, text) or any(s.guid in self.case_selections for s in src.selections):
            return turns
        labels = sorted({t.speaker for t in turns if t.speaker})
        self.report.notes.append(f"{clean_name(src.name, 'a source')}: not read as a transcript (labels such as "
                                 f"{', '.join(repr(x) for x in labels[:3])} do not recur as speakers do); "
                                 "no speakers detected (--speakers detects them anyway)")
        return []

    def import_selections(self, src: RefiSource, doc_id: int, name: str, mapper: PositionMapper) -> None:
        sels = src.selections
        triples = [(s.start, s.end, s.name) for s in sels]
        choice = choose_unit(mapper, triples, self.refi.origin, forced=self.forced_unit)
        if sels:
            self.report.positions.append(SourcePositions(name, choice.unit, choice.label, choice.evidence,
                                                         choice.warning,
                                                         preview(mapper, triples) if choice.warning else {}))
            if choice.warning:
                self.report.warnings.append(f"{name}: {choice.warning}")
        for coding in src.whole_codings:
            if mapper.text:
                self.add_coding(coding, doc_id, 0, len(mapper.text), None, f"{name} (whole source)", src.created)
        for sel in sels:
            span = mapper.span(choice.unit, sel.start, sel.end)
            where = f"{name}: selection {sel.start}-{sel.end}"
            if span is None:
                self.skipped.append((where, f"does not fit the text when read as {choice.label}"))
                continue
            if sel.guid:
                self.selection_spans[sel.guid] = (doc_id, *span)
            ids = [cid for c in sel.codings
                   if (cid := self.add_coding(c, doc_id, *span, sel.user, where, sel.created))]
            if sel.guid:
                self.selection_codings[sel.guid] = ids
            if (sel.note_refs or sel.description) and not ids:
                # A note on a passage nobody coded: kept with its passage, as a coding of "Annotations"
                # whose memo is the note (the project memo would lose where it was written).
                cid = self.annotate(doc_id, span, sel, where)
                if cid is not None:
                    ids = [cid]
                    self.annotated += 1
            for cid in ids:
                for note in sel.note_refs:
                    self.memo_targets.setdefault(("coding", cid), []).append((note, len(ids) == 1))
                self.describe(("coding", cid), sel.description, "selection")
            if not sel.codings and not sel.note_refs and not sel.description and sel.guid not in self.case_selections:
                self.skipped.append((where, "a selection with neither codes nor notes"))

    def annotate(self, doc_id: int, span: tuple[int, int], sel, where: str) -> int | None:
        if self.annotations is None:
            taken = {c.name for c in self.p.codes() if c.parent_id is None}
            name = _unique(ANNOTATIONS_CODE, taken)
            self.annotations = self.p.add_code(name, None, description="Notes written in another program on "
                                               "passages that had no code; each note is the coding's memo")
            self.counts["codes"] += 1
        try:
            return self.p.apply_coding(doc_id, self.annotations, *span, coder_id=self.coder_for(sel.user),
                                       created=_valid_time(sel.created))
        except NameClashError:
            self.skipped.append((where, "a second note on the same passage; its text joins the first"))
            return None

    def add_coding(self, c: RefiCoding, doc_id: int, start: int, end: int, sel_user, where: str,
                   passage_created: str | None = None) -> int | None:
        code_id = self.codes.get(c.code) if c.code is not None else None
        if code_id is None:
            why = ("a coding names no code" if c.code is None
                   else f"a coding refers to code {c.code!r}, which is not in the codebook")
            self.skipped.append((where, why))
            return None
        created = _valid_time(c.created) or _valid_time(passage_created)  # no date: the passage's
        guid = store_guid(c.guid) if c.guid and c.guid not in self.codings else None
        self.coded.add(code_id)
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
                self.p.add_attribute(name, type_, guid=store_guid(guid))
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
            guid = store_guid(case.guid) if case.guid and case.guid not in self.cases else None
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
            self.link_case_passages(name, case_id, case.selections)

    def link_case_passages(self, name: str, case_id: int, selection_ids: list[str]) -> None:
        """A case's selections are the passages that participant speaks: each links the speaker whose
        turn holds it (as npmdesk exports a participant's turns)."""
        turns_of: dict[int, list] = {}
        linked: set[tuple[int, str]] = set()
        for sel in selection_ids:
            where = self.selection_spans.get(sel)
            if where is None:
                self.skipped.append((f"case {name!r}: a passage", "it refers to a selection the file does not "
                                     "contain (or one that did not fit its text)"))
                continue
            doc_id, start, end = where
            if doc_id not in turns_of:
                turns_of[doc_id] = self.p.turns(doc_id)
            speaker = next((t.speaker for t in turns_of[doc_id] if t.start <= start < max(t.end, t.start + 1)
                            and t.speaker), None)
            doc_name = self.p.document(doc_id).name
            if speaker is None:
                if self.p.document(doc_id).case_id is None:
                    self.p.set_document_case(doc_id, case_id)
                    self.report.notes.append(f"case {name!r}: a passage of {doc_name!r} has no speaker turn; the "
                                             "document is linked to the participant instead")
                else:
                    self.skipped.append((f"case {name!r}: passage {start}-{end} of {doc_name!r}",
                                         "no speaker turn there, and the document has another participant"))
                continue
            if (doc_id, speaker) in linked:
                continue
            current = next((s.case_id for s in self.p.speakers(doc_id) if s.name == speaker), None)
            if current not in (None, case_id):
                self.skipped.append((f"case {name!r}: speaker {speaker!r} in {doc_name!r}",
                                     "that speaker is already linked to another participant"))
                continue
            self.p.link_speaker(doc_id, speaker, case_id)
            linked.add((doc_id, speaker))
            self.counts["speaker_links"] = self.counts.get("speaker_links", 0) + 1

    # Sets become groups -----------------------------------------------------------------------------

    def import_sets(self) -> None:
        taken: dict[str, set[str]] = {"document": set(), "code": set()}
        for i, st in enumerate(self.refi.sets, 1):
            base = clean_name(st.name, f"Set {i}")
            docs = [self.docs[g] for g in st.sources if g in self.docs]
            codes = [self.codes[g] for g in st.codes if g in self.codes]
            missing = len(st.sources) - len(docs) + len(st.codes) - len(codes)
            kinds = [k for k, ids in (("document", docs), ("code", codes)) if ids] or ["document"]
            for kind in kinds:
                name = _unique(base, taken[kind])
                taken[kind].add(name)
                guid = store_guid(st.guid) if len(kinds) == 1 else None
                gid = self.p.add_group(kind, name, st.description, guid=guid)
                self.p.add_group_members(gid, docs if kind == "document" else codes)
                self.counts["groups"] = self.counts.get("groups", 0) + 1
            if missing:
                self.skipped.append((f"set {base!r}: {missing} member(s)", "they are not in the project (a "
                                     "picture, a media file or a source that was skipped)"))
            if st.notes:
                self.skipped.append((f"set {base!r}: {st.notes} note member(s)", "npmdesk groups documents and "
                                     "codes, not memos"))

    # Notes become memos -----------------------------------------------------------------------------

    def import_notes(self) -> None:
        notes = self.refi.notes
        self.describe(("project", None), self.refi.description, "project")
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
                                guid=store_guid(first.guid) if len(parts) == 1 else None)
            self.counts["memos"] += 1
        if missing:
            self.skipped.append((f"{missing} note reference(s)", "they point to notes the file does not contain"))
        if self.unknown_users:
            self.report.notes.append(f"{self.unknown_users} item(s) name no known user; they are credited to a "
                                     f"coder named {UNKNOWN_CODER!r}")


def _looks_like_transcript(turns, text: str) -> bool:
    """Speaker labels that recur as speakers do: at least two labels each seen twice or more, and
    those labels start most of the labelled paragraphs; or at least two labels that start nearly
    every paragraph (a short exchange). A paper's "Abstract:" or a video's title ("Part 2: ...")
    starts one paragraph among many and does not recur."""
    counts: dict[str, int] = {}
    for t in turns:
        if t.speaker:
            counts[t.speaker] = counts.get(t.speaker, 0) + 1
    recurring = {label: n for label, n in counts.items() if n >= 2}
    total = sum(counts.values())
    if len(recurring) >= 2 and sum(recurring.values()) >= 0.8 * total:
        return True
    paragraphs = sum(1 for line in text.split("\n") if line.strip())
    return len(counts) >= 2 and total >= 0.8 * paragraphs


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
