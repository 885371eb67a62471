"""Read a .qdpx archive into plain records: what the project XML says, with each source's text.

Nothing here touches a project. Real exports deviate from the standard and this reader accepts
the known deviations: the XML named after the project instead of project.qde, a `Sources/` folder,
`plainTextPath` without `internal://`, GUIDs in braces or upper case, a missing namespace. What
npmdesk cannot hold (pictures, audio, video, PDF regions, sets, graphs) is listed in `skipped`.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from npmdesk.core.errors import BadInputError, NpmdeskError
from npmdesk.formats.refi.qdc import RefiCode, read_codes
from npmdesk.formats.refi.untrusted import SafeZip, child, child_text, children, local, norm_id, parse_xml


@dataclass
class RefiCoding:
    guid: str | None
    code: str | None
    user: str | None
    created: str | None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str | None
    name: str
    start: int
    end: int
    user: str | None
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    created: str | None = None
    description: str = ""


@dataclass
class RefiSource:
    guid: str | None
    name: str
    raw_text: str
    created: str | None
    selections: list[RefiSelection] = field(default_factory=list)
    whole_codings: list[RefiCoding] = field(default_factory=list)  # codings of the source as a whole
    note_refs: list[str] = field(default_factory=list)
    encoding_note: str = ""
    creator: str | None = None  # the creating user's id
    description: str = ""


@dataclass
class RefiCase:
    guid: str | None
    name: str
    description: str
    values: list[tuple[str | None, str, str]] = field(default_factory=list)  # (variable guid, type, value)
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)  # SelectionRef ids: passages this case speaks


@dataclass
class RefiSet:
    guid: str | None
    name: str
    description: str
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: int = 0


@dataclass
class RefiNote:
    guid: str | None
    name: str
    text: str
    user: str | None
    created: str | None
    modified: str | None


@dataclass
class RefiProject:
    name: str
    origin: str
    users: list[tuple[str | None, str]] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[tuple[str | None, str, str]] = field(default_factory=list)  # (guid, name, REFI type)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (origin guid, target guid)
    note_refs: list[str] = field(default_factory=list)  # notes on the project itself
    skipped: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""
    sets: list[RefiSet] = field(default_factory=list)


def read_qdpx(path: str | Path) -> RefiProject:
    """The project in a .qdpx, or BadInputError naming the file and the reason, whatever the damage."""
    try:
        with SafeZip(path) as zf:
            qde = _find_qde(zf)
            base = str(PurePosixPath(qde).parent)
            base = "" if base == "." else base + "/"
            root = parse_xml(zf.read(qde), f"{path} ({qde})")
            if local(root) != "Project":
                raise BadInputError(path, f"{qde} is not a REFI-QDA project (it starts with <{local(root)}>)")
            return _Reader(zf, base, path).project(root)
    except NpmdeskError:
        raise
    except (MemoryError, RecursionError):
        raise BadInputError(path, "the project is too large or too deeply nested to read") from None
    except Exception as e:  # a surprise on a hostile file is a refusal, never a traceback
        raise BadInputError(path, f"the file could not be read as a REFI-QDA project "
                                  f"({type(e).__name__}: {e})") from None


def _find_qde(zf: SafeZip) -> str:
    qdes = [n for n in zf.members if n.lower().endswith(".qde")]
    if not qdes:
        raise BadInputError(zf.path, "not a REFI-QDA project: the archive holds no .qde project file")
    for n in qdes:
        if n.lower() == "project.qde":
            return n
    top = [n for n in qdes if "/" not in n] or qdes
    if len(top) > 1:
        raise BadInputError(zf.path, f"the archive holds {len(top)} .qde project files; expected one")
    return top[0]


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _refs(el, name: str) -> list[str]:
    return [g for g in (norm_id(r.get("targetGUID")) for r in children(el, name)) if g]


class _Reader:
    def __init__(self, zf: SafeZip, base: str, path):
        self.zf, self.base, self.path = zf, base, path
        self.skipped: list[tuple[str, str]] = []

    def project(self, root) -> RefiProject:
        p = RefiProject(name=root.get("name") or Path(self.path).stem, origin=root.get("origin") or "")
        users = child(root, "Users")
        if users is not None:
            p.users = [(norm_id(u.get("guid")), u.get("name") or u.get("id") or "") for u in children(users, "User")]
        book = child(root, "CodeBook")
        codes = child(book, "Codes") if book is not None else None
        if codes is not None:
            p.codes = read_codes(codes)
        variables = child(root, "Variables")
        if variables is not None:
            p.variables = [(norm_id(v.get("guid")), v.get("name") or "", v.get("typeOfVariable") or "Text")
                           for v in children(variables, "Variable")]
        cases = child(root, "Cases")
        for el in children(cases, "Case") if cases is not None else ():
            p.cases.append(self.case(el))
        sources = child(root, "Sources")
        for el in sources if sources is not None else ():
            self.source(el, p)
        notes = child(root, "Notes")
        for el in children(notes, "Note") if notes is not None else ():
            note = self.note(el)
            if note is not None and note.guid:
                p.notes[note.guid] = note
        links = child(root, "Links")
        for el in children(links, "Link") if links is not None else ():
            origin, target = norm_id(el.get("originGUID")), norm_id(el.get("targetGUID"))
            if origin and target:
                p.links.append((origin, target))
        sets = child(root, "Sets")
        for el in children(sets, "Set") if sets is not None else ():
            p.sets.append(RefiSet(norm_id(el.get("guid")), el.get("name") or "", child_text(el, "Description").strip(),
                                  _refs(el, "MemberCode"), _refs(el, "MemberSource"), len(children(el, "MemberNote"))))
        p.description = child_text(root, "Description").strip()
        graphs = child(root, "Graphs")
        if graphs is not None and len(children(graphs, "Graph")):
            self.skipped.append((f"{len(children(graphs, 'Graph'))} graph(s)", "npmdesk does not hold network "
                                 "diagrams"))
        p.note_refs = _refs(root, "NoteRef")
        p.skipped = self.skipped
        return p

    def case(self, el) -> RefiCase:
        case = RefiCase(norm_id(el.get("guid")), el.get("name") or "", child_text(el, "Description").strip())
        for vv in children(el, "VariableValue"):
            case.values.append(self.variable_value(vv))
        case.sources = _refs(el, "SourceRef")
        case.selections = _refs(el, "SelectionRef")
        extra = len(children(el, "CodeRef"))
        if extra:
            self.skipped.append((f"case {case.name!r}: {extra} code reference(s)",
                                 "npmdesk links participants to whole documents and speakers, not to codes"))
        return case

    @staticmethod
    def variable_value(vv) -> tuple[str | None, str, str]:
        ref = child(vv, "VariableRef")
        guid = norm_id(ref.get("targetGUID")) if ref is not None else None
        for el in vv:
            name = local(el)
            if name.endswith("Value"):
                return guid, name[: -len("Value")], (el.text or "").strip()
        return guid, "Text", ""

    def source(self, el, p: RefiProject) -> None:
        kind, name = local(el), el.get("name") or ""
        label = f"{kind} {name!r}" if name else kind
        if kind == "TextSource":
            src = self.text_source(el, el, label)
            if src is not None:
                p.sources.append(src)
        elif kind == "PDFSource":
            rep = child(el, "Representation")
            regions = len(children(el, "PDFSelection"))
            if regions:
                self.skipped.append((f"{label}: {regions} PDF region selection(s)", "npmdesk codes text, not page "
                                     "regions; codings of the PDF's plain-text representation are imported"))
            if rep is None:
                self.skipped.append((label, "the PDF has no plain-text representation to import"))
                return
            src = self.text_source(rep, el, label)
            if src is not None:
                p.sources.append(src)
        elif kind in ("AudioSource", "VideoSource"):
            transcripts = children(el, "Transcript")
            for t in transcripts:
                src = self.text_source(t, t, f"transcript {t.get('name') or ''!r} of {label}")
                if src is not None:
                    if not src.name:
                        src.name = name or "transcript"
                    p.sources.append(src)
            self.skipped.append((label, "npmdesk holds text only: the media file and its time-based selections "
                                 "are not imported" + (" (its transcripts are)" if transcripts else "")))
        elif kind == "PictureSource":
            self.skipped.append((label, "npmdesk holds text only: pictures are not imported"))

    def text_source(self, el, identity, label: str) -> RefiSource | None:
        """A text, PDF representation or transcript; `identity` carries the guid and name."""
        raw = None
        content = child(el, "PlainTextContent")
        if content is not None and content.text:
            raw = content.text
        elif el.get("plainTextPath"):
            raw, note = self.read_text(el.get("plainTextPath"), label)
            if raw is None:
                return None
        else:
            reason = ("only a rich-text file and no plain-text version" if el.get("richTextPath")
                      else "no text")
            self.skipped.append((label, f"the source has {reason}"))
            return None
        name = identity.get("name") or el.get("name") or ""
        if not name and el.get("plainTextPath"):
            name = PurePosixPath(el.get("plainTextPath").split("://")[-1]).stem
        src = RefiSource(norm_id(identity.get("guid")), name, raw, identity.get("creationDateTime"),
                         note_refs=_refs(identity, "NoteRef") + (_refs(el, "NoteRef") if el is not identity else []))
        if content is None and el.get("plainTextPath"):
            src.encoding_note = note
        src.creator = norm_id(identity.get("creatingUser"))
        src.description = (child_text(identity, "Description")
                           or (child_text(el, "Description") if el is not identity else "")).strip()
        for sel in children(el, "PlainTextSelection"):
            start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
            if start is None or end is None:
                self.skipped.append((f"{label}: selection {sel.get('name') or sel.get('guid')!r}",
                                     "its start or end position is not a whole number"))
                continue
            s = RefiSelection(norm_id(sel.get("guid")), sel.get("name") or "", start, end,
                              norm_id(sel.get("creatingUser")), note_refs=_refs(sel, "NoteRef"),
                              created=sel.get("creationDateTime"),
                              description=child_text(sel, "Description").strip())
            s.codings = [self.coding(c) for c in children(sel, "Coding")]
            src.selections.append(s)
        src.whole_codings = [self.coding(c) for c in children(identity, "Coding")]
        kinds = ("TranscriptSelection", "VariableValue")
        for k in kinds:
            n = len(children(el, k))
            if n:
                why = ("npmdesk keeps variables on participants, not documents" if k == "VariableValue"
                       else "transcript selections are tied to media time, which npmdesk does not hold")
                self.skipped.append((f"{label}: {n} {k}(s)", why))
        return src

    @staticmethod
    def coding(el) -> RefiCoding:
        ref = child(el, "CodeRef")
        return RefiCoding(norm_id(el.get("guid")), norm_id(ref.get("targetGUID")) if ref is not None else None,
                          norm_id(el.get("creatingUser")), el.get("creationDateTime"), _refs(el, "NoteRef"))

    def note(self, el) -> RefiNote | None:
        content = child(el, "PlainTextContent")
        text = content.text if content is not None and content.text else None
        if text is None and el.get("plainTextPath"):
            text, _ = self.read_text(el.get("plainTextPath"), f"note {el.get('name') or ''!r}")
        if text is None:
            return None
        return RefiNote(norm_id(el.get("guid")), el.get("name") or "", text, norm_id(el.get("creatingUser")),
                        el.get("creationDateTime"), el.get("modifiedDateTime"))

    def read_text(self, ref: str, label: str) -> tuple[str | None, str]:
        """Text of an internal file named by `internal://x`, or bare `x`, in sources/ or Sources/."""
        scheme, _, rest = ref.partition("://") if "://" in ref else ("internal", "", ref)
        if scheme.lower() != "internal":
            self.skipped.append((label, f"its text is an external file ({ref}), not inside the .qdpx"))
            return None, ""
        rest = rest.lstrip("/")
        member = None
        for candidate in (f"{self.base}sources/{rest}", f"{self.base}{rest}", f"sources/{rest}", rest):
            member = self.zf.find(candidate)
            if member:
                break
        if member is None:
            self.skipped.append((label, f"its text file {rest!r} is missing from the .qdpx"))
            return None, ""
        data = self.zf.read(member)  # a damaged or hostile archive stays a refusal of the whole file
        try:
            return _decode(data, f"{self.path} ({member})")
        except BadInputError as e:
            self.skipped.append((label, f"its text file {rest!r} could not be read ({e.reason})"))
            return None, ""


def _decode(data: bytes, where: str) -> tuple[str, str]:
    """UTF-8 per the standard (a BOM tolerated); UTF-16 with a BOM; else the best guess, said so."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16 (BOM)"
        except UnicodeDecodeError:
            pass
    else:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        from npmdesk.formats.readers.text import decode_text

        text, encoding = decode_text(data, where)
        return text, f"{encoding} (not UTF-8 as the standard requires)"


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 written without a byte-order mark (some Windows tools do): text in Latin or most
    other scripts then has a zero byte in every other place. Decided on the zero bytes' side and
    confirmed by a clean decode with few control characters."""
    if len(data) < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd > pairs * 0.3 and even < pairs * 0.05:
        codec, label = "utf-16-le", "UTF-16 LE without a BOM"
    elif even > pairs * 0.3 and odd < pairs * 0.05:
        codec, label = "utf-16-be", "UTF-16 BE without a BOM"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:32768] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text[:32768]) * 0.01:
        return None
    return text, label
