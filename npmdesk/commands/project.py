"""new, docs, codes, code, excerpts, search, check: the project's basic operations."""

from __future__ import annotations

import sys
from pathlib import Path

from npmdesk.commands._common import (
    add_json_arg, add_project_arg, close_code_paths, did_you_mean, find_code, open_project, parse_span, print_json,
    quoted,
)
from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.model import split_path
from npmdesk.core.wording import plural
from npmdesk.store import ExcerptFilter, Project


def register(sub) -> None:
    p = sub.add_parser("new", help="create an empty project file")
    add_project_arg(p)
    p.add_argument("--name", help="the study's name (default: the file name)")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("docs", help="list the documents, or set their participant or kind")
    add_project_arg(p)
    p.add_argument("--set-participant", action="append", default=[], metavar="DOC=PARTICIPANT",
                   help="the participant a document belongs to (empty after = for none); repeatable")
    p.add_argument("--set-kind", action="append", default=[], metavar="DOC=KIND",
                   help="interview, focus-group, field-notes or other; repeatable")
    add_json_arg(p)
    p.set_defaults(run=cmd_docs)

    p = sub.add_parser("codes", help="the code tree with counts")
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(run=cmd_codes)

    p = sub.add_parser("code", help="apply a code to a span of a document (creates the code path if new)")
    add_project_arg(p)
    p.add_argument("--doc", required=True, help="document name")
    p.add_argument("--code", required=True, help='code path, e.g. "Theme/Subtheme/Code"')
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--span", help="START:END in characters, end exclusive (npmdesk show prints them)")
    where.add_argument("--find", metavar="PHRASE", help="code this exact phrase of the document")
    p.add_argument("--occurrence", type=int, metavar="N",
                   help="with --find: code the Nth occurrence (default 1; an ambiguous phrase is refused)")
    p.add_argument("--new-code", action="store_true",
                   help="create the code path even though a code of that name is elsewhere in the tree")
    p.set_defaults(run=cmd_code)

    p = sub.add_parser("excerpts", help="every coded passage of a code")
    add_project_arg(p)
    p.add_argument("--code", required=True, help="code path")
    p.add_argument("--with-children", action="store_true", help="include the code's sub-codes")
    p.add_argument("--document-group", action="append", metavar="GROUP",
                   help="only documents in this group (repeat for any of several; see `npmdesk groups`)")
    add_json_arg(p)
    p.set_defaults(run=cmd_excerpts)

    p = sub.add_parser("search", help="full-text search of every document")
    add_project_arg(p)
    p.add_argument("query", help='words (all must occur) or a "quoted phrase"')
    add_json_arg(p)
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("check", help="schema version, integrity and counts")
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(run=cmd_check)


def cmd_new(args) -> int:
    project = Project.create(Path(args.project), args.coder, name=args.name)
    print(f"created {project.path}")
    project.close()
    return 0


def cmd_docs(args) -> int:
    edits = bool(args.set_participant or args.set_kind)
    with open_project(args, read_only=not edits) as p:
        if edits:
            with p.write():
                for doc_name, case in map(_pair, args.set_participant):
                    p.set_document_case(p.document_by_name(doc_name).id, p.case_by_name(case).id if case else None)
                for doc_name, kind in map(_pair, args.set_kind):
                    p.set_document_kind(p.document_by_name(doc_name).id, kind)
        docs = p.documents()
    if args.json:
        print_json([d.to_json() for d in docs])
        return 0
    for d in docs:
        who = f" [{d.case}]" if d.case else ""
        print(f"{d.name}{who}\t{d.kind}\t{d.words} words\t{d.encoding or '-'}\t{d.turns} turns\t"
              f"{', '.join(d.speakers) or '-'}")
    if not docs:
        print("no documents yet (npmdesk import PROJECT FILE...)")
    return 0


def cmd_codes(args) -> int:
    with open_project(args, read_only=True) as p:
        codes = p.codes()
        counts = p.code_counts()
        totals = p.code_counts(with_descendants=True)
    if args.json:
        items = []
        for c in codes:
            own, total = counts.get(c.id), totals.get(c.id)
            items.append({**c.to_json(),
                          "codings": own.codings if own else 0,
                          "documents": own.documents if own else 0,
                          "participants": own.participants if own else 0,
                          "codings_with_children": total.codings if total else 0})
        print_json(items)
        return 0
    for c in codes:
        own = counts.get(c.id)
        depth = c.path.count("/") - c.path.count("//") * 2
        n = (f"{plural(own.codings, 'coding')}, {plural(own.documents, 'doc')}, "
             f"{plural(own.participants, 'participant')}") if own else "0 codings"
        print(f"{'  ' * depth}{c.name}  ({n})")
    if not codes:
        print("no codes yet")
    return 0


def _pair(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise InvalidValueError(f"expected NAME=VALUE, got {quoted(text)}")
    name, value = text.rsplit("=", 1)
    return name.strip(), value.strip()


def _find_span(text: str, phrase: str, occurrence: int | None, doc_name: str) -> tuple[int, int]:
    hits, at = [], text.find(phrase)
    while at >= 0:
        hits.append(at)
        at = text.find(phrase, at + 1)
    if not hits:
        raise InvalidValueError(f"the phrase {quoted(phrase)} does not occur in {quoted(doc_name)}")
    if occurrence is None:
        if len(hits) > 1:
            raise InvalidValueError(f"the phrase {quoted(phrase)} occurs {len(hits)} times in {quoted(doc_name)}: "
                                    "add --occurrence N, or a longer phrase")
        occurrence = 1
    if not 1 <= occurrence <= len(hits):
        raise InvalidValueError(f"the phrase {quoted(phrase)} occurs {plural(len(hits), 'time')} in "
                                f"{quoted(doc_name)}, not {occurrence}")
    start = hits[occurrence - 1]
    return start, start + len(phrase)


def cmd_code(args) -> int:
    with open_project(args) as p:
        doc = p.document_by_name(args.doc)
        if args.find:
            start, end = _find_span(p.document_text(doc.id), args.find, args.occurrence, doc.name)
        else:
            start, end = parse_span(args.span)
        note = _new_code_note(p, args.code, args.new_code)
        with p.write():
            code_id = p.ensure_code_path(args.code)
            coding_id = p.apply_coding(doc.id, code_id, start, end)
    if note:
        print(f"npmdesk: note: {note}", file=sys.stderr)
    print(coding_id)
    return 0


def _new_code_note(p, path: str, new_code: bool) -> str | None:
    """Before `code` creates a code path: a code of that name elsewhere in the tree (it moved under
    a theme) is what was meant, so the path is refused unless --new-code says otherwise; a name
    close to an existing one is created with a note."""
    try:
        p.code_by_path(path)
        return None
    except NotFoundError:
        pass
    paths = [c.path for c in p.codes()]
    wanted = [x.casefold() for x in split_path(path)]
    # The theme a new sub-code goes under is not what was "meant" instead of it.
    close = [c for c in close_code_paths(paths, path)
             if [x.casefold() for x in split_path(c)] != wanted[:len(split_path(c))]]
    same = [c for c in close if [x.casefold() for x in split_path(c)][-len(wanted):] == wanted]
    if same and not new_code:
        raise NotFoundError(f"no code {quoted(path)}{did_you_mean(same)}; use that path, or add --new-code "
                            "to create a new code here as well")
    return f"created the new code {quoted(path)}{did_you_mean(close)}" if close else None


def cmd_excerpts(args) -> int:
    with open_project(args, read_only=True) as p:
        code = find_code(p, args.code)
        groups = getattr(args, "document_group", None)
        group_ids = tuple(p.group_by_name("document", g).id for g in groups) if groups else None
        excerpts = p.excerpts(ExcerptFilter(code_ids=(code.id,), with_descendants=args.with_children,
                                            document_group_ids=group_ids))
    if args.json:
        print_json([e.to_json() for e in excerpts])
        return 0
    for e in excerpts:
        who = ", ".join(x for x in (e.participant, e.speaker) if x)
        print(f"[{e.code}] {e.document} {e.start}:{e.end}{' (' + who + ')' if who else ''} — {e.coder}")
        print(f"    {e.text}")
    print(f"{len(excerpts)} excerpt(s)")
    return 0


def cmd_search(args) -> int:
    with open_project(args, read_only=True) as p:
        hits = p.search(args.query)
    if args.json:
        print_json([h.to_json() for h in hits])
        return 0
    for h in hits:
        print(f"{h.document} {h.start}:{h.end}{' (' + h.speaker + ')' if h.speaker else ''}: {h.snippet}")
    print(f"{len(hits)} hit(s)")
    return 0


def cmd_check(args) -> int:
    with open_project(args, read_only=True) as p:
        report = p.check()
    if args.json:
        print_json([report])
    else:
        print(f"project: {report['path']}")
        print(f"schema version: {report['schema_version']}")
        print(f"integrity: {report['integrity']}")
        print(f"foreign keys: {report['foreign_keys']}")
        print(f"search index: {report['search_index']}")
        print("counts: " + ", ".join(f"{k} {v}" for k, v in report["counts"].items()))
    ok = report["integrity"] == "ok" and report["foreign_keys"] == "ok" and report["search_index"] == "ok"
    return 0 if ok else 1
