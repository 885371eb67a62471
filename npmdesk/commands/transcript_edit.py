"""edit, deidentify: change a transcript's text with its codings following; save a de-identified copy."""

from __future__ import annotations

import time

from npmdesk.commands._common import (add_coder_names_arg, add_json_arg, add_project_arg, open_project, parse_span,
                                     print_json, quoted)
from npmdesk.core.errors import InvalidValueError


def register(sub) -> None:
    p = sub.add_parser("edit", help="edit a transcript's text; codings, turns and participant links follow")
    add_project_arg(p)
    p.add_argument("--doc", required=True, metavar="NAME", help="the document to edit")
    p.add_argument("--replace", nargs=2, action="append", default=[], metavar=("START:END", "TEXT"),
                   help="replace characters START:END (code points, as `npmdesk excerpts` prints them) with "
                        "TEXT; START:START inserts, empty TEXT deletes; repeatable (positions in the text "
                        "before any of them)")
    p.add_argument("--relabel", nargs=2, metavar=("OLD", "NEW"),
                   help="rename a speaker: the label in each of their turns and the speaker")
    add_json_arg(p)
    p.set_defaults(run=cmd_edit)

    p = sub.add_parser("deidentify", help="save a de-identified copy of the project (a new file; the "
                                          "original is not changed)")
    add_project_arg(p)
    p.add_argument("--out", required=True, metavar="COPY", help="the new project file to write")
    add_coder_names_arg(p)
    add_json_arg(p)
    p.set_defaults(run=cmd_deidentify)


def cmd_edit(args) -> int:
    if not args.replace and not args.relabel:
        raise InvalidValueError("say what to change: --replace START:END TEXT or --relabel OLD NEW")
    if args.replace and args.relabel:
        raise InvalidValueError("--replace and --relabel are separate edits: run them one at a time")
    edits = [(*parse_span(span, "--replace", "120:125"), text) for span, text in args.replace]
    with open_project(args) as project:
        doc = project.document_by_name(args.doc)
        t0 = time.perf_counter()
        if args.relabel:
            result = project.relabel_speaker(doc.id, *args.relabel)
        else:
            _refuse_label_edits(project, doc, edits)
            result = project.edit_text(doc.id, edits)
        ms = (time.perf_counter() - t0) * 1000
    if args.json:
        print_json({"document": doc.name, "version": result.version, "text_sha256": result.text_sha256,
                    "moved": sorted(result.moved),
                    "removed": [{"coding": cid, "code": code, "text": text} for cid, code, text in result.removed]})
        return 0
    print(f"{doc.name}: {result.summary()} ({ms:.0f} ms)")
    for _cid, code, text in result.removed:
        print(f"  removed a coding of {quoted(code)}: {quoted(text)}")
    return 0


def _refuse_label_edits(project, doc, edits) -> None:
    """A replacement inside a speaker label ("Interviewer:") would leave the turn's speaker as it was
    while its text says otherwise: renaming a speaker is --relabel, which changes every turn."""
    text = project.document_text(doc.id)
    spans = sorted((start, end) for start, end, _ in edits)
    overlapping = any(b1 > a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    if overlapping or any(not 0 <= a <= b <= len(text) for a, b in spans):
        return  # the store's own refusal says what is wrong with these spans
    for n, turn in enumerate(project.turns(doc.id), 1):
        if not turn.speaker:
            continue
        at = text.find(turn.speaker, turn.start, min(turn.end, turn.start + 80))
        if at < 0:
            continue
        colon = text.find(":", at + len(turn.speaker), at + len(turn.speaker) + 3)
        label_end = colon + 1 if colon >= 0 else at + len(turn.speaker)
        for start, end, _ in edits:
            if start < label_end and end > at or start == end and at < start < label_end:
                raise InvalidValueError(
                    f"{start}:{end} changes the speaker label {quoted(text[at:label_end])} of turn {n}; the turn would "
                    f"keep the speaker {quoted(turn.speaker)}. Rename a speaker in every turn with "
                    f"--relabel {quoted(turn.speaker)} NEW, or replace only the words after the label")


def cmd_deidentify(args) -> int:
    from npmdesk.store.deidentified_copy import save_deidentified_copy

    with open_project(args, read_only=True) as project:
        t0 = time.perf_counter()
        report = save_deidentified_copy(project, args.out, coder_names=args.coder_names)
        seconds = time.perf_counter() - t0
    if args.json:
        print_json({"out": str(report.path), "documents_changed": report.documents_changed,
                    "replacements": report.replacements, "codings_moved": report.codings_moved,
                    "codings_removed": report.codings_removed, "attributes_dropped": list(report.attributes_dropped),
                    "seconds": round(seconds, 2)})
        return 0
    print(f"saved a de-identified copy to {report.path} in {seconds:.1f} s: {report.summary()}")
    return 0
