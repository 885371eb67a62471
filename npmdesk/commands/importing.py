"""import: transcripts into a project, all or nothing."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, print_json, quoted
from npmdesk.core.attribution import is_role_name
from npmdesk.core.errors import DuplicateSourceError, InvalidValueError
from npmdesk.core.model import DOCUMENT_KINDS
from npmdesk.formats.importing import ImportedDocument, ImportOptions, import_files
from npmdesk.formats.speakers import header_lines


def register(sub) -> None:
    p = sub.add_parser("import", help="import transcripts (all or nothing); a .qdc codebook merges into the "
                                      "project; a .qdpx becomes a new PROJECT")
    add_project_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--case", help="participant the documents belong to (created if new)")
    p.add_argument("--kind", choices=DOCUMENT_KINDS,
                   help="default: focus-group for a transcript with more than two speakers, else interview")
    p.add_argument("--speaker-pattern", help="regular expression with a group named 'speaker' that "
                                             "matches a speaker label at the start of a paragraph")
    p.add_argument("--no-speakers", action="store_true", help="do not look for speaker labels")
    p.add_argument("--numbered-names", action="store_true", help="on a name clash, import as 'name (2)'")
    p.add_argument("--force", action="store_true", help="import a file even if it was imported before")
    p.add_argument("--skip-bad", action="store_true", help="skip files that cannot be imported (each is reported)")
    p.add_argument("--no-link-speakers", action="store_true",
                   help="do not link speakers named exactly like an existing participant to that participant")
    p.add_argument("--autocode", choices=("speaker", "case"),
                   help="code every turn: a code per speaker label, or per linked participant")
    add_json_arg(p)
    p.set_defaults(run=cmd_import)


def cmd_import(args) -> int:
    suffixes = {Path(f).suffix.lower() for f in args.files}
    if suffixes & {".qdpx", ".qdc"}:
        return _import_refi(args, suffixes)
    options = ImportOptions(kind=args.kind, case=args.case, speaker_pattern=args.speaker_pattern,
                            detect_speakers=not args.no_speakers, numbered_names=args.numbered_names,
                            force=args.force, skip_bad=args.skip_bad,
                            link_speakers=not args.no_link_speakers, autocode=args.autocode)
    with open_project(args) as p:
        try:
            report = import_files(p, args.files, options)
        except DuplicateSourceError as e:  # the formats layer names no option; the CLI names its own
            raise DuplicateSourceError(e.path, f"{e.reason} (import again with --force to keep a second copy)"
                                       ) from None
        notes = {d.path: _notes(p, d, args) for d in report.imported} if not args.json else {}
    if args.json:
        print_json([{"name": d.name, "path": d.path, "kind": d.kind, "format": d.format, "encoding": d.encoding,
                     "words": d.words, "turns": d.turns, "speakers": d.speakers, "status": "imported"}
                    for d in report.imported]
                   + [{"path": path, "status": "skipped", "reason": reason} for path, reason in report.skipped])
    else:
        for d in report.imported:
            print(f"imported {d.summary()}")
            for note in d.notes + notes[d.path]:
                print(f"    note: {note}")
        for path, reason in report.skipped:
            print(f"skipped {path}: {reason}", file=sys.stderr)
    return 0


def _notes(p, d: ImportedDocument, args) -> list[str]:
    """What the researcher may want to know or change about a document just imported."""
    notes = []
    if d.document_id is not None and not args.no_speakers and not args.speaker_pattern:
        turns = p.turns(d.document_id)
        text = p.document_text(d.document_id)
        # A header is above the first turn: only that much is read again, not the whole transcript.
        header = header_lines(text[:turns[0].start] if turns else text, set(d.speakers))
        if header:
            notes.append("header lines kept as text, not speakers: "
                         + ", ".join(f"{key}: {value}" if value else key for key, value in header))
    participants = [s for s in d.speakers if not is_role_name(s)]
    if d.kind == "interview" and len(participants) >= 3:
        notes.append(f"{len(participants)} participants speak ({', '.join(participants)}): if this is a focus "
                     f"group, import it with --kind focus-group, or now: npmdesk docs {quoted(str(args.project))} "
                     f"--set-kind {quoted(d.name + '=focus-group')}")
    return notes


def _import_refi(args, suffixes: set[str]) -> int:
    """REFI-QDA files through `npmdesk import`: a .qdpx creates PROJECT, a .qdc merges into it
    (the same as `import-qdpx` and `import-qdc`, which do the work)."""
    from npmdesk.commands.exchange import cmd_import_qdc, cmd_import_qdpx

    if len(args.files) != 1 or len(suffixes) != 1:
        raise InvalidValueError("import one .qdpx or .qdc file at a time, without transcripts beside it")
    if suffixes == {".qdpx"}:
        if Path(args.project).exists():
            raise InvalidValueError(f"{args.project} exists: a .qdpx is imported into a NEW project file "
                                    "(name one that does not exist yet)")
        return cmd_import_qdpx(Namespace(**vars(args), file=args.files[0], new_project=args.project))
    return cmd_import_qdc(Namespace(**vars(args), file=args.files[0]))
