"""identifiers, pseudonym: find likely identifiers and keep the pseudonym table de-identified exports use."""

from __future__ import annotations

import time

from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, print_json, quoted
from npmdesk.core.errors import InvalidValueError


def register(sub) -> None:
    p = sub.add_parser("identifiers", help="list likely identifiers (names, IDs, speaker labels, e-mail "
                                           "addresses, phone numbers, dates, URLs) with counts and context")
    add_project_arg(p)
    p.add_argument("--kind", action="append", metavar="KIND",
                   help="only this kind (participant, speaker, term, email, url, phone, date, name); repeatable")
    p.add_argument("--all", action="store_true", help="also list terms marked ignore")
    add_json_arg(p)
    p.set_defaults(run=cmd_identifiers)

    p = sub.add_parser("pseudonym", help="set what de-identified exports write for a term: a pseudonym or "
                                         "category label, keep it, or ignore it")
    add_project_arg(p)
    p.add_argument("--set", action="append", default=[], metavar="TERM=REPLACEMENT",
                   help='replace TERM (whole words, any case) with REPLACEMENT, e.g. "Mercy Hospital=[hospital]"')
    p.add_argument("--keep", action="append", default=[], metavar="TERM", help="TERM is not identifying: keep it")
    p.add_argument("--ignore", action="append", default=[], metavar="TERM", help="hide TERM from the list")
    p.add_argument("--remove", action="append", default=[], metavar="TERM", help="forget TERM's entry")
    p.add_argument("--identifying", action="append", default=[], metavar="ATTRIBUTE",
                   help="mark a participant attribute identifying: de-identified exports leave it out")
    p.add_argument("--not-identifying", action="append", default=[], metavar="ATTRIBUTE",
                   help="mark a participant attribute not identifying")
    p.add_argument("--coder-role", action="append", default=[], metavar="CODER=ROLE",
                   help='how a coder is named in de-identified exports ("Ana=Coder A"); empty ROLE: initials')
    p.add_argument("--list", action="store_true", help="print the table (the default when nothing is changed)")
    add_json_arg(p)
    p.set_defaults(run=cmd_pseudonym)


def _kinds(values: list[str] | None) -> set[str] | None:
    from npmdesk.core.identifiers import KINDS

    if not values:
        return None
    bad = [v for v in values if v not in KINDS]
    if bad:
        raise InvalidValueError(f"--kind is one of {', '.join(KINDS)}, not {', '.join(bad)}")
    return set(values)


def cmd_identifiers(args) -> int:
    kinds = _kinds(args.kind)
    with open_project(args, read_only=True) as project:
        t0 = time.perf_counter()
        found, finder = project.find_identifiers()
        seconds = time.perf_counter() - t0
        table = {p.term.casefold(): p for p in project.pseudonyms()}
    rows = []
    for item in found:
        if kinds is not None and item.kind not in kinds:
            continue
        entry = table.get(" ".join(item.term.split()).casefold())
        action = entry.action if entry else ""
        if action == "ignore" and not args.all:
            continue
        rows.append({"term": item.term, "kind": item.kind, "count": item.count, "documents": len(item.documents),
                     "action": action, "replacement": entry.replacement if entry else "",
                     "contexts": [{"document": d, "text": s} for d, s in item.contexts]})
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no likely identifiers found")
    for r in rows:
        mark = f"  → {r['replacement'] or '[redacted]'}" if r["action"] == "replace" else \
            (f"  ({r['action']})" if r["action"] else "")
        print(f"{r['count']:>6}  {r['kind']:<11} {r['term']}{mark}")
        for c in r["contexts"][:1]:
            print(f"{'':>8}{c['document']}: {c['text']}")
    print(f"{len(rows)} terms in {finder.documents} documents ({finder.words:,} words) in {seconds:.1f} s")
    return 0


def _pair(value: str, option: str) -> tuple[str, str]:
    if "=" not in value:
        raise InvalidValueError(f"{option} takes TERM=REPLACEMENT, e.g. \"Mercy Hospital=[hospital]\" "
                                f"(got {quoted(value)})")
    term, _, repl = value.partition("=")
    return term.strip(), repl.strip()


def cmd_pseudonym(args) -> int:
    sets = [_pair(v, "--set") for v in args.set]
    roles = [_pair(v, "--coder-role") for v in args.coder_role]
    changing = any((sets, args.keep, args.ignore, args.remove, args.identifying, args.not_identifying, roles))
    with open_project(args, read_only=not changing) as project:
        if changing:
            def change() -> None:
                for term, repl in sets:
                    project.set_pseudonym(term, "replace", repl, "user")
                for term in args.keep:
                    project.set_pseudonym(term, "keep", "", "user")
                for term in args.ignore:
                    project.set_pseudonym(term, "ignore", "", "user")
                for term in args.remove:
                    project.remove_pseudonym(term)
                for attr in args.identifying:
                    project.set_attribute_identifying(attr, True)
                for attr in args.not_identifying:
                    project.set_attribute_identifying(attr, False)
                for name, role in roles:
                    project.set_coder_role(name, role)
            with project.write("pseudonyms"):
                change()
        entries = project.pseudonyms()
        identifying = sorted(project.identifying_attributes())
        coder_roles = project.coder_roles()
    if args.json:
        print_json([{"term": p.term, "action": p.action, "replacement": p.replacement, "source": p.source}
                    for p in entries])
        return 0
    if changing and not args.list:
        n = len(sets) + len(args.keep) + len(args.ignore) + len(args.remove)
        print(f"pseudonym table: {n} term(s) changed; {sum(p.action == 'replace' for p in entries)} replaced "
              "in de-identified exports")
        for attr in args.identifying + args.not_identifying:
            print(f"attribute {attr}: {'identifying' if attr in identifying else 'not identifying'}")
        for name, role in roles:
            print(f"coder {name}: {role or '(initials)'} in de-identified exports")
        return 0
    if not entries:
        print("the pseudonym table is empty (add terms with --set TERM=REPLACEMENT)")
    for p in entries:
        what = f"→ {p.replacement or '[redacted]'}" if p.action == "replace" else f"({p.action})"
        print(f"{p.term}  {what}")
    if identifying:
        print(f"identifying attributes (left out of de-identified exports): {', '.join(identifying)}")
    named = {k: v for k, v in coder_roles.items() if v}
    if named:
        print("coder roles: " + ", ".join(f"{k} = {v}" for k, v in named.items()))
    return 0
