"""team copy, merge, agreement, disagreements, reconcile: coding as a team.

    npmdesk team copy PROJECT --out COPY [--blind]
    npmdesk merge PROJECT COPY [COPY ...]
    npmdesk agreement PROJECT --coders A,B [--code PATH ...] [--unit character|segment|document]
                      [--overlap 0.8] [--json | --csv FILE | --docx FILE]
    npmdesk disagreements PROJECT --coders A,B [--pending] [--json]
    npmdesk reconcile PROJECT --coders A,B --item N [N ...] --accept a|b|both|neither|edit [--span S:E]
"""

from __future__ import annotations

from npmdesk.commands._common import add_json_arg, add_project_arg, find_code, open_project, parse_span, print_json
from npmdesk.core.agreement_units import UNITS
from npmdesk.core.errors import InvalidValueError
from npmdesk.store.agreement import CI_CHOICES, compute_agreement
from npmdesk.store.reconcile import CHOICES, DEFAULT_CONSENSUS, KIND_LABELS, disagreements, reconcile
from npmdesk.store.team import make_team_copy, merge_copies


def register(sub) -> None:
    team = sub.add_parser("team", help="prepare a copy of the project for a co-coder")
    team_sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    p = team_sub.add_parser("copy", help="write a copy for a co-coder: same documents, participants and code tree")
    add_project_arg(p)
    p.add_argument("--out", required=True, metavar="COPY", help="the new .npmdesk file to write")
    p.add_argument("--blind", action="store_true", help="leave out everyone's codings (blind second coding)")
    add_json_arg(p)
    p.set_defaults(run=cmd_team_copy)

    p = sub.add_parser("merge", help="merge coders' copies into the project (all or nothing, after a backup)")
    add_project_arg(p)
    p.add_argument("copies", nargs="+", metavar="COPY", help="a coder's copy (or a project coded from the same files)")
    add_json_arg(p)
    p.set_defaults(run=cmd_merge)

    p = sub.add_parser("agreement", help="intercoder agreement per code, per document and pooled")
    add_project_arg(p)
    _coders_arg(p)
    p.add_argument("--code", action="append", default=[], metavar="PATH", help="only this code (repeatable)")
    p.add_argument("--unit", choices=UNITS, default="character", help="what one unit is (default: character)")
    p.add_argument("--overlap", type=float, default=0.8,
                   help="segment unit: the share two passages must share to count as one (default 0.8)")
    p.add_argument("--per-document", action="store_true", help="also a row per document (all codes pooled)")
    p.add_argument("--ci", choices=CI_CHOICES, default="pooled",
                   help="bootstrap 95%% intervals for the pooled row (default), every row, or none")
    p.add_argument("--replicates", type=int, default=1000, help="bootstrap replicates (default 1000)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON array: a row per code and the pooled row")
    out.add_argument("--csv", metavar="FILE", help="write the table as CSV")
    out.add_argument("--docx", metavar="FILE", help="write the table and the methods sentence as Word")
    p.set_defaults(run=cmd_agreement)

    p = sub.add_parser("disagreements", help="list the passages where two coders differ")
    add_project_arg(p)
    _coders_arg(p)
    p.add_argument("--code", action="append", default=[], metavar="PATH", help="only this code (repeatable)")
    p.add_argument("--consensus", default=DEFAULT_CONSENSUS, metavar="NAME",
                   help=f"the consensus coder whose decisions mark passages resolved (default {DEFAULT_CONSENSUS})")
    p.add_argument("--pending", action="store_true", help="only passages not yet resolved")
    add_json_arg(p)
    p.set_defaults(run=cmd_disagreements)

    p = sub.add_parser("reconcile", help="resolve disagreements into a consensus coder (the originals stay)")
    add_project_arg(p)
    _coders_arg(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--item", type=int, nargs="+", metavar="N", help="disagreement number(s), as listed")
    which.add_argument("--all-pending", action="store_true", help="every passage not yet resolved")
    p.add_argument("--accept", required=True, choices=CHOICES, help="a, b, both, neither, or edit (with --span)")
    p.add_argument("--span", metavar="START:END", help="with --accept edit: the consensus span")
    p.add_argument("--consensus", default=DEFAULT_CONSENSUS, metavar="NAME",
                   help=f"the coder the decisions are written as (default {DEFAULT_CONSENSUS})")
    add_json_arg(p)
    p.set_defaults(run=cmd_reconcile)


def _coders_arg(p) -> None:
    p.add_argument("--coders", required=True, metavar="A,B", help="the coders to compare, comma-separated")


def _coders(args) -> list[str]:
    return [n.strip() for n in args.coders.split(",") if n.strip()]


def _code_ids(p, paths) -> list[int] | None:
    return [find_code(p, path).id for path in paths] if paths else None


def cmd_team_copy(args) -> int:
    with open_project(args, read_only=True) as p:
        report = make_team_copy(p, args.out, blind=args.blind)
    if args.json:
        print_json([report.to_json()])
        return 0
    kind = "blind copy (no codings)" if report.blind else "copy"
    print(f"wrote {report.path}: a {kind} with {report.documents} document(s), {report.codes} code(s), "
          f"{report.codings} coding(s); codebook version {report.codebook_version}")
    return 0


def cmd_merge(args) -> int:
    with open_project(args) as p:
        report = merge_copies(p, args.copies)
    if args.json:
        print_json([report.to_json()])
        return 0
    print(f"merged {len(args.copies)} cop{'y' if len(args.copies) == 1 else 'ies'}: "
          f"{report.codings_added} coding(s) added")
    for line in report.lines():
        print(f"  {line}")
    return 0


def cmd_agreement(args) -> int:
    if args.replicates < 0:
        raise InvalidValueError("--replicates must be 0 or more")
    with open_project(args, read_only=True) as p:
        result = compute_agreement(p, _coders(args), code_ids=_code_ids(p, args.code), unit=args.unit,
                                   overlap=args.overlap, ci=args.ci, replicates=args.replicates)
    if args.json:
        print_json(result.to_json(args.per_document))
        return 0
    if args.csv or args.docx:
        from npmdesk.formats.agreement_report import export_agreement_csv, export_agreement_docx

        out = args.csv or args.docx
        n = (export_agreement_csv if args.csv else export_agreement_docx)(result, out, per_document=args.per_document)
        print(f"wrote {out}: {n} row(s)")
        return 0
    _print_table(result, args.per_document)
    return 0


def _print_table(result, per_document: bool) -> None:
    from npmdesk.formats.agreement_report import fmt, methods_sentence

    a, b = result.coders[0], result.coders[1]
    print(f"agreement of {', '.join(result.coders)} (A = {a}, B = {b}) at the {result.unit} level over "
          f"{len(result.documents)} document(s)")
    head = (f"{'both':>9} {'only A':>8} {'only B':>8} {'neither':>10} {'%':>6} {'kappa':>6} {'alpha':>6} "
            f"{'AC1':>6} {'BP':>6}  code")
    print(head)
    for r in result.rows(per_document):
        t, v = r.table, r.values
        label = r.code if r.scope == "code" else f"[document] {r.document}" if r.scope == "document" else "(pooled)"
        print(f"{t.both:>9} {t.only_a:>8} {t.only_b:>8} {t.neither:>10} {fmt(v['percent'], 1):>6} {fmt(v['kappa']):>6} "
              f"{fmt(v['alpha']):>6} {fmt(v['ac1']):>6} {fmt(v['bp']):>6}  {label}")
    ci = result.pooled.ci
    if ci.get("kappa"):
        print("pooled 95% bootstrap CI: " + "; ".join(
            f"{name} {fmt(ci[name][0])}–{fmt(ci[name][1])}" for name in ("kappa", "alpha", "ac1") if ci.get(name)))
    print(f"'neither' counts {result.neither_means}")
    print()
    print(methods_sentence(result))


def cmd_disagreements(args) -> int:
    coders = _coders(args)
    if len(coders) != 2:
        raise InvalidValueError("disagreements compares two coders: --coders A,B")
    with open_project(args, read_only=True) as p:
        items = disagreements(p, *coders, code_ids=_code_ids(p, args.code), consensus=args.consensus)
    if args.pending:
        items = [d for d in items if not d.resolved]
    if args.json:
        print_json([d.to_json() for d in items])
        return 0
    for d in items:
        mark = "resolved" if d.resolved else "pending"
        print(f"{d.number:>5}  {d.document}  [{d.start}:{d.end}]  {d.code}  {KIND_LABELS[d.kind]}  ({mark})")
    pending = sum(not d.resolved for d in items)
    print(f"{len(items)} disagreement(s), {pending} pending")
    return 0


def cmd_reconcile(args) -> int:
    coders = _coders(args)
    if len(coders) != 2:
        raise InvalidValueError("reconcile compares two coders: --coders A,B")
    span = parse_span(args.span) if args.span else None
    with open_project(args) as p:
        if args.all_pending:
            numbers = [d.number for d in disagreements(p, *coders, consensus=args.consensus) if not d.resolved]
        else:
            numbers = args.item
        if not numbers:
            print("nothing to reconcile: every disagreement is resolved")
            return 0
        report = reconcile(p, coders[0], coders[1], numbers, args.accept, consensus=args.consensus, span=span)
    if args.json:
        print_json([report.to_json()])
        return 0
    extra = f"; {report.agreed_copied} agreed coding(s) copied first" if report.agreed_copied else ""
    print(f"resolved {report.resolved} disagreement(s) as {report.consensus}: "
          f"{report.codings_written} coding(s) written{extra}")
    return 0

