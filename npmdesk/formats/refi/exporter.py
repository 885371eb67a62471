"""Export a whole project as a REFI-QDA .qdpx (project.qde + sources/<guid>.txt), valid against
the official Project.xsd.

Positions are written as the standard says (code points from 0, end exclusive) into the stored,
LF-normalised text, which is exactly what goes into sources/, unless a target tool is named: then
line ends and positions are written the way that tool reads them (NVivo for Windows counts UTF-16
code units with CRLF as two), and Project/@origin says which convention was written, so npmdesk
reads its own file back exactly. GUIDs are
the ones kept in the project; the few elements npmdesk has no row for (a selection grouping the
codings of one passage, a memo's link to a participant) get GUIDs derived from stable parts, so
exporting twice gives the same file apart from its timestamps.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from npmdesk import __version__
from npmdesk.formats.export_support import atomic_output
from npmdesk.core.offsets import Utf16Map
from npmdesk.formats.refi.positions import CODEPOINTS, CODEPOINTS_LF, LABELS, UTF16
from npmdesk.formats.refi.qdc import append_codes, uncoloured_codes
from npmdesk.formats.refi.untrusted import PROJECT_NS, derived_guid, export_guid, xml_text

NS = PROJECT_NS
_TYPES = {"text": "Text", "integer": "Integer", "float": "Float", "boolean": "Boolean", "date": "Date"}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_NAME_CHARS = 80


@dataclass(frozen=True)
class Target:
    key: str
    tool: str
    unit: str  # how positions are counted (positions.UNITS)
    newline: str  # line ends written into sources/*.txt


TARGETS = {t.key: t for t in (
    Target("standard", "the REFI-QDA standard", CODEPOINTS, "\n"),
    Target("nvivo-windows", "NVivo for Windows", UTF16, "\r\n"),
    Target("nvivo-mac", "NVivo for Mac", CODEPOINTS, "\n"),
    Target("atlasti", "ATLAS.ti", CODEPOINTS_LF, "\r\n"),
    Target("maxqda", "MAXQDA", CODEPOINTS, "\r\n"),
)}


class _Positions:
    """Stored offsets (code points in the LF text) as the target counts them in the text written."""

    def __init__(self, text: str, target: Target):
        self.unit, self.crlf = target.unit, target.newline == "\r\n"
        self.written = text.replace("\n", "\r\n") if self.crlf else text
        self._lf = [i for i, ch in enumerate(text) if ch == "\n"] if self.crlf and self.unit != CODEPOINTS_LF else []
        self._u16 = Utf16Map(self.written) if self.unit == UTF16 else None

    def __call__(self, offset: int) -> int:
        from bisect import bisect_left

        raw = offset + bisect_left(self._lf, offset) if self._lf else offset  # each earlier LF gained a CR
        return self._u16.to_utf16(raw) if self._u16 is not None else raw


@dataclass
class QdpxExportSummary:
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what a REFI-QDA file cannot carry
    target: str = "standard"


def _el(parent, tag: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def _time(value: str | None) -> str | None:
    return value if value and _DATETIME.match(value) else None


def _decimal(value: float) -> str | None:
    try:
        d = Decimal(repr(value))
    except InvalidOperation:
        return None
    return format(d, "f") if d.is_finite() else None


class _Builder:
    def __init__(self, project, target: Target):
        self.p, self.target = project, target
        self.summary_notes: list[str] = []
        self.creator_guid: dict[str, str] = {}
        self.coders = {c["id"]: export_guid(c["guid"]) for c in project.coders()}
        self.coder_names = {c["name"]: export_guid(c["guid"]) for c in project.coders()}
        self.memos = project.memos()
        self.note_guid = {m["id"]: export_guid(m["guid"]) for m in self.memos}
        # target -> {target id: [note guid]}
        self.refs: dict[str, dict] = {}
        for m in self.memos:
            self.refs.setdefault(m["target"], {}).setdefault(m["target_id"], []).append(self.note_guid[m["id"]])
        self.texts: dict[str, str] = {}

    def build(self) -> tuple[bytes, dict[str, str], dict[str, int]]:
        p = self.p
        meta_created = p.db.execute("SELECT value FROM meta WHERE key = 'created'").fetchone()
        root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=xml_text(p.name),
                             origin=f"npmdesk {__version__}; for {self.target.tool}; positions={self.target.unit}")
        if meta_created and _time(meta_created[0]):
            root.set("creationDateTime", meta_created[0])
        me = self.coders.get(p.coder_id)
        if me:
            root.set("creatingUserGUID", me)
        counts = {}
        coders = p.coders()
        if coders:  # the standard wants at least one User inside Users; a fresh project has none yet
            users = _el(root, "Users")
            for c in coders:
                _el(users, "User", guid=export_guid(c["guid"]), name=xml_text(c["name"]))
        counts["users"] = len(coders)
        codes = p.codes()
        self.code_guids = {c.id: export_guid(c.guid) for c in codes}
        if codes:
            book = _el(root, "CodeBook")
            counts["codes"] = append_codes(_el(book, "Codes"), codes, NS, self.refs.get("code"),
                                           non_codable=p.non_codable_codes(), uncoloured=uncoloured_codes(p, codes),
                                           definitions=p.code_definitions())
        attributes = p.attributes()
        attr_guid = {a.name: export_guid(a.guid) for a in attributes}
        attr_type = {a.name: a.type for a in attributes}
        if attributes:
            variables = _el(root, "Variables")
            for a in attributes:
                _el(variables, "Variable", guid=attr_guid[a.name], name=xml_text(a.name),
                    typeOfVariable=_TYPES[a.type])
        counts["variables"] = len(attributes)
        documents = p.documents()
        doc_guid = {d.id: export_guid(d.guid) for d in documents}
        self.doc_sources = p.document_sources()
        self.creator_guid = {c["name"]: export_guid(c["guid"]) for c in coders}
        # A participant who speaks in a document (a linked speaker) is exported as that case's
        # selections: each of the speaker's turns, so another tool sees which passages are theirs.
        self.case_turns: dict[int, dict[int, list[tuple[int, int]]]] = {}  # doc -> case -> turn spans
        for sp in p.speakers():
            if sp.case_id is None:
                continue
            spans = [(t.start, t.end) for t in p.turns(sp.document_id) if t.speaker == sp.name and t.end > t.start]
            self.case_turns.setdefault(sp.document_id, {}).setdefault(sp.case_id, []).extend(spans)
        cases = p.cases()
        if cases:
            self.cases(_el(root, "Cases"), cases, documents, doc_guid, attr_guid, attr_type)
        counts["cases"] = len(cases)
        if documents:
            sources = _el(root, "Sources")
            counts["selections"], counts["codings"] = 0, 0
            for d in documents:
                s, c = self.source(sources, d, doc_guid[d.id])
                counts["selections"] += s
                counts["codings"] += c
        counts["sources"] = len(documents)
        notes = [m for m in self.memos if m["target"] != "element"]
        if len(notes) < len(self.memos):
            self.summary_notes.append(f"not carried by REFI-QDA: {len(self.memos) - len(notes)} memo(s) on "
                                      "framework elements")
        if notes:
            notes_el = _el(root, "Notes")
            for m in notes:
                self.note(notes_el, m)
        counts["notes"] = len(notes)
        case_guid = {c.id: export_guid(c.guid) for c in cases}
        case_memos = [m for m in notes if m["target"] == "case"]
        if case_memos:
            # A Case cannot hold a NoteRef in Project.xsd; a Link from the note to the case can
            # (ATLAS.ti links memos to quotations the same way).
            links = _el(root, "Links")
            for m in case_memos:
                note = self.note_guid[m["id"]]
                _el(links, "Link", guid=derived_guid("memo-link", note), name="Memo", direction="OneWay",
                    originGUID=note, targetGUID=case_guid[m["target_id"]])
        groups = p.groups()
        if groups:
            sets = _el(root, "Sets")
            for g in groups:
                st = _el(sets, "Set", guid=export_guid(g.guid), name=xml_text(g.name))
                if g.description.strip():
                    _el(st, "Description", g.description)
                for member in g.members:
                    if g.kind == "code" and member in self.code_guids:
                        _el(st, "MemberCode", targetGUID=self.code_guids[member])
                    elif g.kind == "document" and member in doc_guid:
                        _el(st, "MemberSource", targetGUID=doc_guid[member])
        counts["sets"] = len(groups)
        for note in self.refs.get("project", {}).get(None, ()):
            _el(root, "NoteRef", targetGUID=note)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return xml, self.texts, counts

    def cases(self, parent, cases, documents, doc_guid, attr_guid, attr_type) -> None:
        docs_by_case: dict[int, list] = {}
        for d in documents:
            if d.case_id is not None:
                docs_by_case.setdefault(d.case_id, []).append(d)
        for case in cases:
            el = _el(parent, "Case", guid=export_guid(case.guid), name=xml_text(case.name))
            if case.description.strip():
                _el(el, "Description", case.description)
            for name, value in case.attributes.items():
                if value is None:
                    continue
                kind = _TYPES[attr_type[name]]
                text: str | None
                if kind == "Boolean":
                    text = "true" if value else "false"
                elif kind == "Float":
                    text = _decimal(value)
                    if text is None:
                        self.summary_notes.append(f"participant {case.name!r}: {name} = {value} cannot be "
                                                  "written as a REFI-QDA number; left out")
                        continue
                else:
                    text = str(value)
                vv = _el(el, "VariableValue")
                _el(vv, "VariableRef", targetGUID=attr_guid[name])
                _el(vv, f"{kind}Value", text)
            for d in docs_by_case.get(case.id, ()):
                _el(el, "SourceRef", targetGUID=doc_guid[d.id])
            for doc_id, by_case in sorted(self.case_turns.items()):
                for start, end in sorted(set(by_case.get(case.id, ()))):
                    _el(el, "SelectionRef", targetGUID=derived_guid("selection", doc_guid[doc_id], start, end))

    def source(self, parent, doc, guid: str) -> tuple[int, int]:
        text = self.p.document_text(doc.id)
        member = f"{guid}.txt"
        pos = _Positions(text, self.target)
        self.texts[member] = pos.written
        created, creator = self.doc_sources.get(doc.id, ("", ""))
        el = _el(parent, "TextSource", guid=guid, name=xml_text(doc.name), plainTextPath=f"internal://{member}",
                 creatingUser=self.creator_guid.get(creator), creationDateTime=_time(created) or _time(doc.imported))
        by_span: dict[tuple[int, int], list] = {}
        for c in self.p.codings_in_document(doc.id):
            by_span.setdefault((c.start, c.end), []).append(c)
        turn_spans = {span for spans in self.case_turns.get(doc.id, {}).values() for span in spans}
        for span in turn_spans:
            by_span.setdefault(span, [])
        for (start, end), codings in sorted(by_span.items()):
            first = min(codings, key=lambda c: (c.created, c.id)) if codings else None
            name = " ".join(text[start:end].split())
            if len(name) > _NAME_CHARS:
                name = name[: _NAME_CHARS - 1] + "…"
            sel = _el(el, "PlainTextSelection", guid=derived_guid("selection", guid, start, end),
                      name=xml_text(name), startPosition=str(pos(start)), endPosition=str(pos(end)),
                      creatingUser=self.coders.get(first.coder_id) if first else None,
                      creationDateTime=_time(first.created) if first else None)
            for c in codings:
                coding = _el(sel, "Coding", guid=export_guid(c.guid), creatingUser=self.coders.get(c.coder_id),
                             creationDateTime=_time(c.created))
                _el(coding, "CodeRef", targetGUID=self.code_guids[c.code_id])
                for note in self.refs.get("coding", {}).get(c.id, ()):
                    _el(coding, "NoteRef", targetGUID=note)

        for note in self.refs.get("document", {}).get(doc.id, ()):
            _el(el, "NoteRef", targetGUID=note)
        return len(by_span), sum(len(v) for v in by_span.values())

    def note(self, parent, m: dict) -> None:
        label = {"project": "Project memo", "document": "Document memo", "code": "Code memo",
                 "case": "Participant memo", "coding": "Coding memo"}[m["target"]]
        el = _el(parent, "Note", guid=self.note_guid[m["id"]], name=label,
                 creatingUser=self.coder_names.get(m["coder"]), creationDateTime=_time(m["created"]),
                 modifiedDateTime=_time(m["modified"]))
        _el(el, "PlainTextContent", m["text"])


_LOSSES = {
    "frameworks": "framework(s) (ACGME, CanMEDS, ...): REFI-QDA has no frameworks",
    "alignments": "theme-to-framework alignment(s)",
    "framework exemplars": "exemplar quote(s) chosen for framework elements",
    "exemplar marks": "exemplar mark(s) on codings",
    "document kinds": "document kind(s) other than interview (focus group, field notes, ...)",
    "turn times": "turn time(s) in the recording",
    "linked recordings": "linked recording(s) (the media files are not in the .qdpx)",
    "pseudonyms": "pseudonym(s) in the de-identification table",
    "quick-code keys": "quick-code key(s)",
    "identifying attributes": "attribute(s) marked identifying",
    "coder roles": "coder role(s)",
    "document versions": "earlier version(s) of edited documents (the current text is exported)",
}


def build_project(project, target: str = "standard") -> tuple[bytes, dict[str, str], QdpxExportSummary]:
    """(project.qde bytes, {source file name: text}, summary) without writing anything."""
    if target not in TARGETS:
        raise ValueError(f"unknown export target {target!r} (use {', '.join(TARGETS)})")
    t = TARGETS[target]
    b = _Builder(project, t)
    xml, texts, counts = b.build()
    summary = QdpxExportSummary("", counts, [], target=target)
    summary.notes.append(f"written for {t.tool}: positions in {LABELS[t.unit]}, "
                         f"{'CRLF' if t.newline == chr(13) + chr(10) else 'LF'} line ends")
    for what, n in project.exchange_losses().items():
        summary.notes.append(f"not carried by REFI-QDA: {n} {_LOSSES[what]}")
    described = sum(1 for d in project.code_definitions().values() if d.criteria)
    if described:
        summary.notes.append(f"{described} code(s) with inclusion/exclusion criteria or an example: written into "
                             "the code's Description as labelled lines (Inclusion: …, Exclusion: …, Example: …), "
                             "which npmdesk reads back into their fields")
    speakers_linked = [s for s in project.speakers() if s.case_id is not None]
    if speakers_linked:
        summary.notes.append(f"{len(speakers_linked)} speaker-participant link(s) are written as each "
                             "participant's turns (selections of that case)")
    summary.notes.extend(b.summary_notes)
    return xml, texts, summary


def export_qdpx(project, out: str | Path, target: str = "standard") -> QdpxExportSummary:
    """Write the project as a .qdpx at `out` (via a temporary file: it appears whole or not at all),
    for `target` (TARGETS: standard, nvivo-windows, nvivo-mac, atlasti, maxqda)."""
    out = Path(out)
    xml, texts, summary = build_project(project, target)
    summary.path = str(out)
    # atomic_output never writes over a project (store/output_paths.py) and says why a write failed.
    with atomic_output(out, protect=[project.path]) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        for name, text in texts.items():
            zf.writestr(f"sources/{name}", text.encode("utf-8"))
    return summary
