"""import: transcripts into a project, all or nothing."""

from __future__ import annotations

import sys

from npmdesk.cli import print_json
from npmdesk.commands._common import add_json_arg, add_project_arg, open_project
from npmdesk.core.model import DOCUMENT_KINDS
from npmdesk.formats.importing import ImportOptions, import_files


def register(sub) -> None:
    p = sub.add_parser("import", help="import transcripts (all or nothing)")
    add_project_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--case", help="participant the documents belong to (created if new)")
    p.add_argument("--kind", choices=DOCUMENT_KINDS, default="interview")
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
    options = ImportOptions(kind=args.kind, case=args.case, speaker_pattern=args.speaker_pattern,
                            detect_speakers=not args.no_speakers, numbered_names=args.numbered_names,
                            force=args.force, skip_bad=args.skip_bad,
                            link_speakers=not args.no_link_speakers, autocode=args.autocode)
    with open_project(args) as p:
        report = import_files(p, args.files, options)
    if args.json:
        print_json([{"name": d.name, "path": d.path, "kind": d.kind, "format": d.format, "encoding": d.encoding,
                     "words": d.words, "turns": d.turns, "speakers": d.speakers, "status": "imported"}
                    for d in report.imported]
                   + [{"path": path, "status": "skipped", "reason": reason} for path, reason in report.skipped])
    else:
        for d in report.imported:
            print(f"imported {d.summary()}")
            for note in d.notes:
                print(f"    note: {note}")
        for path, reason in report.skipped:
            print(f"skipped {path}: {reason}", file=sys.stderr)
    return 0
