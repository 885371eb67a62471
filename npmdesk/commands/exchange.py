"""export-qdpx, export-qdc, import-qdpx, import-qdc: REFI-QDA exchange with NVivo, ATLAS.ti,
MAXQDA, QualCoder and others.

`npmdesk export --format qdpx|qdc` (commands/export.py) dispatches to `export_qdpx`/`export_qdc`
from npmdesk.formats; these sub-commands are the same operations under their own names.
"""

from __future__ import annotations

import sys

from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, print_json
from npmdesk.formats.refi.exporter import export_qdpx
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.refi.qdc import export_qdc, import_qdc


def register(sub) -> None:
    p = sub.add_parser("export-qdpx", help="export the whole project as REFI-QDA .qdpx")
    add_project_arg(p)
    p.add_argument("--out", required=True, metavar="FILE", help="the .qdpx file to write")
    add_json_arg(p)
    p.set_defaults(run=cmd_export_qdpx)

    p = sub.add_parser("export-qdc", help="export the code tree as a REFI-QDA codebook (.qdc)")
    add_project_arg(p)
    p.add_argument("--out", required=True, metavar="FILE", help="the .qdc file to write")
    add_json_arg(p)
    p.set_defaults(run=cmd_export_qdc)

    p = sub.add_parser("import-qdpx", help="create a NEW project from a REFI-QDA .qdpx (all or nothing)")
    p.add_argument("file", metavar="FILE.qdpx")
    p.add_argument("new_project", metavar="NEW_PROJECT", help="the .npmdesk file to create (must not exist)")
    add_json_arg(p)
    p.set_defaults(run=cmd_import_qdpx)

    p = sub.add_parser("import-qdc", help="merge a REFI-QDA codebook (.qdc) into a project's code tree")
    add_project_arg(p)
    p.add_argument("file", metavar="FILE.qdc")
    add_json_arg(p)
    p.set_defaults(run=cmd_import_qdc)


def cmd_export_qdpx(args) -> int:
    with open_project(args, read_only=True) as p:
        summary = export_qdpx(p, args.out)
    if args.json:
        print_json([{"path": summary.path, **summary.counts, "notes": summary.notes}])
        return 0
    c = summary.counts
    print(f"wrote {summary.path}: {c.get('sources', 0)} source(s), {c.get('codes', 0)} code(s), "
          f"{c.get('codings', 0)} coding(s) in {c.get('selections', 0)} selection(s), {c.get('cases', 0)} case(s), "
          f"{c.get('variables', 0)} variable(s), {c.get('notes', 0)} note(s), {c.get('users', 0)} user(s)")
    for note in summary.notes:
        print(f"    not exported: {note}")
    return 0


def cmd_export_qdc(args) -> int:
    with open_project(args, read_only=True) as p:
        summary = export_qdc(p, args.out)
    if args.json:
        print_json([summary])
    else:
        print(f"wrote {summary['path']}: {summary['codes']} code(s)")
    return 0


def cmd_import_qdpx(args) -> int:
    report = import_qdpx(args.file, args.new_project, args.coder)
    if args.json:
        print_json([{"project": report.project, "origin": report.origin, **report.counts,
                     "positions": [vars(p) for p in report.positions],
                     "skipped": [{"what": w, "reason": r} for w, r in report.skipped],
                     "notes": report.notes}])
        return 0
    print(f"created {report.project}: {report.summary()}")
    for pos in report.positions:
        print(f"    positions in {pos.document}: {pos.label} ({pos.evidence})")
    for note in report.notes:
        print(f"    note: {note}")
    for what, reason in report.skipped:
        print(f"skipped {what}: {reason}", file=sys.stderr)
    return 0


def cmd_import_qdc(args) -> int:
    with open_project(args) as p:
        report = import_qdc(p, args.file)
    if args.json:
        print_json([{"path": report.path, "added": report.added, "matched": report.matched,
                     "described": report.described, "notes": report.notes}])
        return 0
    print(f"{report.path}: {report.added} code(s) added, {report.matched} already present"
          + (f", {report.described} description(s) filled in" if report.described else ""))
    for note in report.notes:
        print(f"    note: {note}")
    return 0
