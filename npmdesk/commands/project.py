"""new, docs, codes, code, excerpts, search, check: the project's basic operations."""

from __future__ import annotations

from pathlib import Path

from npmdesk.cli import print_json
from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, parse_span
from npmdesk.store import ExcerptFilter, Project


def register(sub) -> None:
    p = sub.add_parser("new", help="create an empty project file")
    add_project_arg(p)
    p.add_argument("--name", help="the study's name (default: the file name)")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("docs", help="list the documents")
    add_project_arg(p)
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
    p.add_argument("--span", required=True, help="START:END in characters, end exclusive")
    p.set_defaults(run=cmd_code)

    p = sub.add_parser("excerpts", help="every coded passage of a code")
    add_project_arg(p)
    p.add_argument("--code", required=True, help="code path")
    p.add_argument("--with-children", action="store_true", help="include the code's sub-codes")
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
    with open_project(args) as p:
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
    with open_project(args) as p:
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
        n = f"{own.codings} codings, {own.documents} docs, {own.participants} participants" if own else "0 codings"
        print(f"{'  ' * depth}{c.name}  ({n})")
    if not codes:
        print("no codes yet")
    return 0


def cmd_code(args) -> int:
    start, end = parse_span(args.span)
    with open_project(args) as p:
        doc = p.document_by_name(args.doc)
        with p.write():
            code_id = p.ensure_code_path(args.code)
            coding_id = p.apply_coding(doc.id, code_id, start, end)
    print(coding_id)
    return 0


def cmd_excerpts(args) -> int:
    with open_project(args) as p:
        code = p.code_by_path(args.code)
        excerpts = p.excerpts(ExcerptFilter(code_ids=(code.id,), with_descendants=args.with_children))
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
    with open_project(args) as p:
        hits = p.search(args.query)
    if args.json:
        print_json([h.to_json() for h in hits])
        return 0
    for h in hits:
        print(f"{h.document} {h.start}:{h.end}{' (' + h.speaker + ')' if h.speaker else ''}: {h.snippet}")
    print(f"{len(hits)} hit(s)")
    return 0


def cmd_check(args) -> int:
    with open_project(args) as p:
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
