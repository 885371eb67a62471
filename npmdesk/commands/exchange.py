"""export-qdpx, export-qdc, import-qdpx, import-qdc: REFI-QDA exchange with NVivo, ATLAS.ti,
MAXQDA, QualCoder and others.

`npmdesk export --format qdpx|qdc` (commands/export.py) dispatches to `export_qdpx`/`export_qdc`
from npmdesk.formats; these sub-commands are the same operations under their own names.
"""

from __future__ import annotations

import sys

from npmdesk.commands._common import add_json_arg, add_project_arg, find_code, open_project, print_json, quoted
from npmdesk.formats.refi.exporter import TARGETS, export_qdpx
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.refi.positions import UNITS
from npmdesk.formats.refi.qdc import export_qdc, import_qdc


def register(sub) -> None:
    p = sub.add_parser("export-qdpx", help="export the whole project as REFI-QDA .qdpx")
    add_project_arg(p)
    p.add_argument("--out", required=True, metavar="FILE", help="the .qdpx file to write")
    p.add_argument("--for", dest="target", choices=list(TARGETS), default="standard",
                   help="the tool that will read it: positions and line ends as that tool counts them "
                        "(nvivo-windows: UTF-16 units, CRLF); default: the REFI-QDA standard")
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
    p.add_argument("--positions", choices=list(UNITS),
                   help="how the file counts text positions, for every source (default: detected per source; "
                        "a warning says when the evidence is weak)")
    speakers = p.add_mutually_exclusive_group()
    speakers.add_argument("--speakers", dest="speakers", action="store_true", default=None,
                          help="detect speaker turns in every source")
    speakers.add_argument("--no-speakers", dest="speakers", action="store_false",
                          help="detect speaker turns in no source (default: only in sources that look like "
                               "transcripts)")
    add_json_arg(p)
    p.set_defaults(run=cmd_import_qdpx)

    p = sub.add_parser("groups", help="list, create and fill document and code groups (REFI-QDA sets)")
    add_project_arg(p)
    p.add_argument("--kind", choices=["document", "code"], default="document",
                   help="which groups --new/--add/--remove/--rename/--delete act on (default: document)")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--new", metavar="NAME", help="create a group")
    action.add_argument("--add", nargs="+", metavar=("NAME", "ITEM"),
                        help="add documents (by name) or codes (by path, Theme/Code) to a group")
    action.add_argument("--remove", nargs="+", metavar=("NAME", "ITEM"), help="take items out of a group")
    action.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"))
    action.add_argument("--delete", metavar="NAME", help="delete a group (its documents and codes stay)")
    add_json_arg(p)
    p.set_defaults(run=cmd_groups)

    p = sub.add_parser("import-qdc", help="merge a REFI-QDA codebook (.qdc) into a project's code tree")
    add_project_arg(p)
    p.add_argument("file", metavar="FILE.qdc")
    add_json_arg(p)
    p.set_defaults(run=cmd_import_qdc)


def cmd_export_qdpx(args) -> int:
    with open_project(args, read_only=True) as p:
        summary = export_qdpx(p, args.out, getattr(args, "target", "standard"))
    if args.json:
        print_json([{"path": summary.path, "target": summary.target, **summary.counts, "notes": summary.notes}])
        return 0
    c = summary.counts
    print(f"wrote {summary.path}: {c.get('sources', 0)} source(s), {c.get('codes', 0)} code(s), "
          f"{c.get('codings', 0)} coding(s) in {c.get('selections', 0)} selection(s), {c.get('cases', 0)} case(s), "
          f"{c.get('variables', 0)} variable(s), {c.get('notes', 0)} note(s), {c.get('users', 0)} user(s)")
    for note in summary.notes:
        print(f"    note: {note}")
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
    report = import_qdpx(args.file, args.new_project, args.coder, positions=getattr(args, "positions", None),
                         speakers=getattr(args, "speakers", None))
    if args.json:
        print_json([{"project": report.project, "origin": report.origin, **report.counts,
                     "positions": [vars(p) for p in report.positions],
                     "warnings": report.warnings,
                     "skipped": [{"what": w, "reason": r} for w, r in report.skipped],
                     "notes": report.notes}])
        return 0
    print(f"created {report.project}: {report.summary()}")
    for pos in report.positions:
        print(f"    positions in {pos.document}: {pos.label} ({pos.evidence})")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
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
                     "described": report.described, "groups": report.groups, "notes": report.notes}])
        return 0
    print(f"{report.path}: {report.added} code(s) added, {report.matched} already present"
          + (f", {report.described} description(s) filled in" if report.described else ""))
    for note in report.notes:
        print(f"    note: {note}")
    return 0


def cmd_groups(args) -> int:
    changing = args.new or args.add or args.remove or args.rename or args.delete
    with open_project(args, read_only=not changing) as p:
        kind = args.kind
        if args.new:
            p.add_group(kind, args.new)
        elif args.add or args.remove:
            name, *items = args.add or args.remove
            group = p.group_by_name(kind, name)
            ids = [p.document_by_name(i).id if kind == "document" else find_code(p, i).id for i in items]
            n = p.add_group_members(group.id, ids) if args.add else p.remove_group_members(group.id, ids)
            print(f"{'added' if args.add else 'removed'} {n} {kind}(s) {'to' if args.add else 'from'} {quoted(name)}")
        elif args.rename:
            p.rename_group(p.group_by_name(kind, args.rename[0]).id, args.rename[1])
        elif args.delete:
            p.delete_group(p.group_by_name(kind, args.delete).id)
        groups = p.groups()
        names = {"document": {d.id: d.name for d in p.documents()}, "code": {c.id: c.path for c in p.codes()}}
    if args.json:
        print_json([{"kind": g.kind, "name": g.name, "description": g.description, "guid": g.guid,
                     "members": [names[g.kind][m] for m in g.members]} for g in groups])
        return 0
    if not groups:
        print("no groups")
    for g in groups:
        members = ", ".join(names[g.kind][m] for m in g.members) or "(empty)"
        print(f"{g.kind} group {quoted(g.name)}: {members}")
    return 0
