"""Importing transcripts: read every file first, then store them all in one transaction.

A bad file either stops the whole import (nothing is stored) or, if the user asked, is skipped
with its reason. Readers are registered per file suffix; each returns a ParsedSource.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from npmdesk.core.errors import BadInputError, CancelledError, DuplicateSourceError, NpmdeskError
from npmdesk.core.model import DOCUMENT_KINDS, MAX_NAME, fit_name
from npmdesk.core.offsets import normalise_newlines
from npmdesk.formats.speakers import compile_speaker_pattern, detect_turns, header_lines
from npmdesk.formats.readers.text import decode_text
from npmdesk.core.model import TurnSpec
from npmdesk.formats.timestamps import stamp_turns

MAX_SOURCE_BYTES = 200 * 1024 * 1024
# A plain-text transcript is all text: 50 MB is some 8 million words, more than a whole study at
# npmdesk's design scale, and bounds an import's peak memory to about 300 MB (a .docx or .rtf may
# be larger on disk because of pictures, which are not read).
MAX_TEXT_BYTES = 50 * 1024 * 1024
PLAIN_TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".vtt", ".srt")
# How the import preview names a transcript's header ("Date: 12 March 2026"); `npmdesk import`
# reports the header of the stored document itself, so this note stays with the preview.
HEADER_NOTE = "header lines kept as text, not speakers: "


@dataclass
class ParsedSource:
    text: str
    encoding: str
    format: str
    turns: list[TurnSpec] | None = None  # None: recognise speaker labels in the text
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportOptions:
    kind: str | None = None  # None: suggested per file (suggest_kind)
    case: str | None = None  # link every imported document to this participant (created if new)
    # Per-file choices made in the import dialog: str(path) -> (kind or None, participant or None).
    per_file: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    speaker_pattern: str | None = None
    detect_speakers: bool = True
    numbered_names: bool = False  # on a name clash: 'name (2)' instead of an error
    force: bool = False  # import a file whose exact bytes are already in the project
    skip_bad: bool = False  # skip a bad file (and say why) instead of stopping the import
    max_bytes: int = MAX_SOURCE_BYTES
    link_speakers: bool = True  # a speaker labelled exactly like an existing participant is linked to it
    autocode: str | None = None  # 'speaker': a code per speaker; 'case': a code per linked participant


@dataclass
class ImportedDocument:
    path: str
    name: str
    kind: str
    format: str
    encoding: str
    turns: int
    speakers: list[str]
    words: int
    document_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        who = ", ".join(self.speakers) if self.speakers else "no speaker labels found"
        return (f"{self.name}: {self.kind}, {self.format}, {self.encoding}, {self.words} words, "
                f"{self.turns} turns, speakers: {who}")


@dataclass
class ImportReport:
    imported: list[ImportedDocument] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


# A reader gets the file's path (for messages), its bytes and the ImportOptions (speaker pattern).
Reader = Callable[[Path, bytes, "ImportOptions"], ParsedSource]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str):
    def register(fn: Reader) -> Reader:
        for s in suffixes:
            READERS[s] = fn
        return fn
    return register


@reader(".txt", ".text")
def read_txt(path: Path, data: bytes, options: ImportOptions) -> ParsedSource:
    text, encoding = decode_text(data, path)
    return ParsedSource(text, encoding, "text")


def supported_suffixes() -> list[str]:
    _load_optional_readers()
    return sorted(READERS)


def _load_optional_readers() -> None:
    """Readers for rich formats live in their own modules and register themselves on import."""
    import importlib
    import pkgutil

    import npmdesk.formats.readers as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name != "text":
            importlib.import_module(f"npmdesk.formats.readers.{mod.name}")


def read_source(path: str | Path, options: ImportOptions | None = None) -> ParsedSource:
    """Read and parse one file, or raise BadInputError naming the file and the reason."""
    options = options or ImportOptions()
    path = Path(path)
    _load_optional_readers()
    fn = READERS.get(path.suffix.lower())
    if fn is None:
        known = ", ".join(sorted(READERS))
        raise BadInputError(path, f"npmdesk cannot import {path.suffix or 'files without an extension'} "
                                  f"(it imports {known})")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror})") from None
    if size > options.max_bytes:
        raise BadInputError(path, f"the file is {_size(size)}, over the {_size(options.max_bytes)} "
                                  "limit for one transcript")
    if path.suffix.lower() in PLAIN_TEXT_SUFFIXES and size > min(options.max_bytes, MAX_TEXT_BYTES):
        raise BadInputError(path, f"the text file is {_size(size)}, over the {_size(MAX_TEXT_BYTES)} limit for "
                                  "one transcript (some 8 million words); split it into several files")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror})") from None
    if not data:
        raise BadInputError(path, "the file is empty")
    try:
        parsed = fn(path, data, options)
        del data  # the text is all that is needed from here on: one copy fewer at the peak
    except NpmdeskError:
        raise
    except (MemoryError, RecursionError):
        raise BadInputError(path, "the file is too large or too deeply nested to read") from None
    except Exception as e:  # a library's surprise on a hostile file must not crash the app
        raise BadInputError(path, f"the file could not be read as {path.suffix.lower()} "
                                  f"({type(e).__name__}: {e})") from None
    parsed.text = normalise_newlines(parsed.text)
    if not parsed.text or parsed.text.isspace():
        raise BadInputError(path, "the file contains no text")
    if parsed.turns is None:
        parsed.turns = detect_turns(parsed.text, options.speaker_pattern) if options.detect_speakers else []
        if options.detect_speakers and not options.speaker_pattern:
            parsed.notes.extend(_header_notes(parsed.text, parsed.turns))
    parsed.turns = stamp_turns(parsed.text, _fit_speakers(parsed.turns))
    return parsed


def _header_notes(text: str, turns: list[TurnSpec]) -> list[str]:
    """The header above the first turn, as one note: what the transcription service wrote about
    the interview (date, place, length), shown so that a preview tells one file from another."""
    header = header_lines(text[:turns[0].start] if turns else text, {t.speaker for t in turns if t.speaker})
    if not header:
        return []
    return [HEADER_NOTE + ", ".join(f"{key}: {value}" if value else key for key, value in header)]


def _fit_speakers(turns: list[TurnSpec]) -> list[TurnSpec]:
    """A speaker label is a name from outside: control and text-direction characters go."""
    fitted = {s: fit_name(s) or None for s in {t.speaker for t in turns if t.speaker}}
    if all(k == v for k, v in fitted.items()):
        return turns
    return [dataclasses.replace(t, speaker=fitted[t.speaker]) if t.speaker else t for t in turns]


def import_files(
    project,
    paths: list[str | Path],
    options: ImportOptions | None = None,
    progress: Callable[[int, int, str], bool] | None = None,
) -> ImportReport:
    """Import files into the project: all or nothing (bad files skipped only if asked).

    `progress(done, total, path)` is called before each file; returning False cancels, and then
    nothing is stored."""
    options = options or ImportOptions()
    for kind in [options.kind, *(k for k, _ in options.per_file.values())]:
        if kind is not None and kind not in DOCUMENT_KINDS:
            raise NpmdeskError(f"unknown document kind {kind!r} (use {', '.join(DOCUMENT_KINDS)})")
    if options.speaker_pattern:
        try:
            compile_speaker_pattern(options.speaker_pattern)
        except ValueError as e:
            raise NpmdeskError(str(e)) from None
    if options.autocode not in (None, "speaker", "case"):
        raise NpmdeskError(f"unknown auto-code mode {options.autocode!r} (use 'speaker' or 'case')")
    report = ImportReport()
    parsed: list[tuple[Path, ParsedSource, str, str]] = []
    seen_sha: dict[str, Path] = {}
    taken = {d.name for d in project.documents()}
    total = len(paths)
    for i, raw in enumerate(paths):
        path = Path(raw)
        if progress and progress(i, total, str(path)) is False:
            raise CancelledError("import cancelled; nothing was imported")
        try:
            sha = _sha256(path)
            dup = project.find_document_by_sha256(sha)
            if dup is not None and not options.force:
                raise DuplicateSourceError(path, f"already imported as {dup.name!r}")
            if sha in seen_sha and not options.force:
                raise DuplicateSourceError(path, f"the same file as {seen_sha[sha].name} in this import")
            src = read_source(path, options)
            name = _unique_name(path.stem, taken, options.numbered_names, path)
        except BadInputError as e:
            if not options.skip_bad:
                raise
            report.skipped.append((str(path), e.reason))
            continue
        seen_sha[sha] = path
        taken.add(name)
        parsed.append((path, src, sha, name))
    if progress and progress(total, total, "") is False:
        raise CancelledError("import cancelled; nothing was imported")
    if not parsed:
        return report
    case_ids = {c.name: c.id for c in project.cases()} if options.link_speakers else {}
    with project.write("import", files=[str(p) for p, _, _, _ in parsed]):
        for path, src, sha, name in parsed:
            file_kind, file_case = options.per_file.get(str(path), (None, None))
            kind = file_kind or options.kind or suggest_kind(src)
            case_name = file_case or options.case
            case_id = project.ensure_case(case_name) if case_name else None
            doc_id = project.add_document(
                name, src.text, kind=kind, case_id=case_id, source_name=path.name, source_format=src.format,
                source_sha256=sha, encoding=src.encoding, turns=src.turns)
            notes = [n for n in src.notes if not n.startswith(HEADER_NOTE)]
            for speaker in project.speakers(doc_id):
                if speaker.name in case_ids:
                    project.link_speaker(doc_id, speaker.name, case_ids[speaker.name])
                    notes.append(f"speaker {speaker.name} linked to participant {speaker.name}")
            if options.autocode:
                from npmdesk.formats.autocode import autocode_speakers

                made = autocode_speakers(project, [doc_id], by=options.autocode)
                notes.append(f"auto-coded {made} turn(s) by {options.autocode}")
            doc = project.document(doc_id)
            report.imported.append(ImportedDocument(
                path=str(path), name=name, kind=kind, format=src.format, encoding=src.encoding,
                turns=doc.turns, speakers=list(doc.speakers), words=doc.words, document_id=doc_id,
                notes=notes))
    return report


def suggest_kind(src: ParsedSource) -> str:
    """More than two distinct speakers reads as a focus group; otherwise an interview."""
    speakers = {t.speaker for t in src.turns or () if t.speaker}
    return "focus-group" if len(speakers) > 2 else "interview"


def _size(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n:,} bytes"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror or e})") from None
    return h.hexdigest()


def _unique_name(stem: str, taken: set[str], numbered: bool, path: Path) -> str:
    name = fit_name(stem, MAX_NAME - 6) or "document"  # room for " (99)"
    if name not in taken:
        return name
    if not numbered:
        raise BadInputError(path, f"a document named {name!r} already exists (rename the file, or import with "
                                  "numbered names)")
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"
