"""cases, speakers: participants from a CSV, speakers linked to participants, auto-code by speaker."""

from __future__ import annotations

from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, print_json, quoted
from npmdesk.core.errors import InvalidValueError
from npmdesk.formats.autocode import autocode_speakers
from npmdesk.formats.participants_csv import import_participants


def register(sub) -> None:
    p = sub.add_parser("cases", help="list participants, or import them with attributes from a CSV")
    add_project_arg(p)
    p.add_argument("--import", dest="csv", metavar="CSV", help="one row per participant; columns become "
                                                             "typed attributes (all rows or none)")
    add_json_arg(p)
    p.set_defaults(run=cmd_cases)

    p = sub.add_parser("speakers", help="list speakers, link them to participants, auto-code by speaker")
    add_project_arg(p)
    p.add_argument("--doc", help="document name (required with --link)")
    p.add_argument("--link", action="append", default=[], metavar="SPEAKER=CASE",
                   help="attribute SPEAKER's turns to participant CASE (CASE empty: not a participant); repeatable")
    p.add_argument("--autocode", choices=("speaker", "case"),
                   help="code every turn: 'speaker' a code per speaker label (Speakers/...), 'case' a code per "
                        "linked participant (Participants/...)")
    add_json_arg(p)
    p.set_defaults(run=cmd_speakers)


def cmd_cases(args) -> int:
    with open_project(args, read_only=not args.csv) as p:
        if args.csv:
            report = import_participants(p, args.csv)
            if not args.json:
                types = ", ".join(f"{k} ({v})" for k, v in report.attributes.items()) or "none"
                print(f"{args.csv}: {len(report.created)} new, {len(report.updated)} updated participants "
                      f"({report.encoding}); attributes: {types}")
                for doc, case in report.linked_documents:
                    print(f"    linked document {doc} to participant {case}")
                for doc, speaker in report.linked_speakers:
                    print(f"    linked speaker {speaker} in {doc} to participant {speaker}")
        cases = p.cases()
    if args.json:
        print_json([c.to_json() for c in cases])
    elif not args.csv:
        for c in cases:
            attrs = ", ".join(f"{k}={_shown(v)}" for k, v in c.attributes.items() if v is not None)
            print(f"{c.name}\t{attrs}")
        if not cases:
            print("no participants yet (npmdesk cases PROJECT --import participants.csv)")
    return 0


def cmd_speakers(args) -> int:
    if args.link and not args.doc:
        raise InvalidValueError("--link needs --doc NAME (speakers are per document)")
    with open_project(args, read_only=not (args.link or args.autocode)) as p:
        doc = p.document_by_name(args.doc) if args.doc else None
        if args.link:
            if doc is None:  # checked before opening; said again for the type checker
                raise InvalidValueError("--link needs --doc NAME (speakers are per document)")
            links = [_parse_link(x) for x in args.link]
            with p.write("link speakers", document=doc.name):
                for speaker, case in links:
                    p.link_speaker(doc.id, speaker, p.case_by_name(case).id if case else None)
        made = None
        if args.autocode:
            made = autocode_speakers(p, [doc.id] if doc else None, by=args.autocode)
        speakers = p.speakers(doc.id if doc else None)
        names = {d.id: d.name for d in p.documents()}
    if args.json:
        print_json([{"document": names[s.document_id], "speaker": s.name, "case": s.case} for s in speakers])
        return 0
    for s in speakers:
        print(f"{names[s.document_id]}\t{s.name}\t{s.case or '-'}")
    if made is not None:
        print(f"auto-coded {made} turn(s) by {args.autocode}")
    return 0


def _shown(value) -> str:
    """An attribute's value as a researcher reads it: a yes/no attribute says yes or no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _parse_link(text: str) -> tuple[str, str]:
    speaker, sep, case = text.partition("=")
    if not sep or not speaker.strip():
        raise InvalidValueError(f"--link takes SPEAKER=CASE, e.g. NPM-2=NPM-2 (got {quoted(text)})")
    return speaker.strip(), case.strip()
