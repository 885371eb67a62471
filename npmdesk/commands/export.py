"""export: Word and CSV reports (excerpts, codebook, participants, matrix, alignment, the
COREQ/SRQR methods appendix) and the REFI-QDA formats (.qdpx, .qdc) under one command. The look
and citation style come from the project's report settings; the options here override them for
one export (an export only reads the project, so nothing is remembered from the command line)."""

from __future__ import annotations

import argparse
import functools
import importlib
from pathlib import Path

from npmdesk.commands._common import add_coder_names_arg, add_json_arg, add_project_arg, print_json
from npmdesk.core.errors import InvalidValueError, NpmdeskError
from npmdesk.core.quotes import CITATION_STYLES
from npmdesk.core.spread import CONTEXT_UNITS
from npmdesk.core.report_style import PAGE_SIZES, TABLE_STYLES
from npmdesk.formats.refi.exporter import TARGETS
from npmdesk.formats.reports.export import FORMATS, REPORT_DESCRIPTIONS, REPORTS, ReportOptions, export_report
from npmdesk.formats.reports.selection import ReportSelection, parse_attribute_condition
from npmdesk.store import Project
from npmdesk.store.report_settings import report_style

NOUNS = {"excerpts": "excerpt(s)", "codebook": "code(s)", "participants": "participant(s)",
         "matrix": "code row(s)", "alignment": "framework element(s)", "methods": "item(s) answered"}
EXCHANGE = {"qdpx": ("npmdesk.formats.refi.exporter", "export_qdpx"), "qdc": ("npmdesk.formats.refi.qdc", "export_qdc")}
ALL_FORMATS = (*FORMATS, *EXCHANGE)


def register(sub) -> None:
    reports = "; ".join(f"{k}: {v}" for k, v in REPORT_DESCRIPTIONS.items())
    p = sub.add_parser("export", help="write a Word or CSV report, or a REFI-QDA .qdpx/.qdc file",
                       description=f"Reports — {reports}. Exports never change the project.")
    add_project_arg(p)
    p.add_argument("--format", choices=ALL_FORMATS, help="default: from the extension of --out")
    p.add_argument("--report", choices=REPORTS, default="excerpts", help="which report (default: excerpts)")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write (replaced if it exists)")
    f = p.add_argument_group("filters (excerpts; participants and matrix take --participant/--attribute/--coder, "
                             "matrix also --code)")
    f.add_argument("--code", action="append", default=[], metavar="PATH", help="a code path (repeatable)")
    f.add_argument("--with-children", action="store_true", help="include the sub-codes of each --code")
    f.add_argument("--participant", action="append", default=[], metavar="NAME", help="repeatable")
    f.add_argument("--document", action="append", default=[], metavar="NAME", help="repeatable")
    f.add_argument("--coder", dest="coder_filter", action="append", default=[], metavar="NAME",
                   help="only codings by this coder (repeatable; matrix and participants count only theirs)")
    f.add_argument("--exemplars-only", action="store_true", help="only codings marked as exemplar")
    f.add_argument("--attribute", action="append", default=[], metavar="NAME=VALUE",
                   help="only participants with this attribute value (repeatable; all must hold)")
    o = p.add_argument_group("report options")
    o.add_argument("--deidentified", action="store_true",
                   help="write it de-identified: the pseudonym table applied to quotes, names and cells, identifying "
                        "attributes left out, coders named by role or initials (see npmdesk pseudonym)")
    add_coder_names_arg(o)
    o.add_argument("--context", choices=CONTEXT_UNITS, default="none",
                   help="excerpts (Word): the text around each quote, in smaller grey type: the rest of its "
                        "paragraph and one paragraph each side, or its whole speaker turn")
    o.add_argument("--other-codes", action="store_true", help="excerpts: list other codes on the same passage")
    o.add_argument("--times", action=argparse.BooleanOptionalAction, default=None,
                   help="excerpts: each quote's time stamp (hh:mm:ss, when its turn begins in the recording) in "
                        "its source line and a CSV 'time' column (default: on when any excerpt has a time)")
    o.add_argument("--examples", type=int, default=0, metavar="N", help="codebook: N example quotes per code")
    o.add_argument("--framework", metavar="NAME", help="alignment: the framework (default: every aligned one)")
    o.add_argument("--for", dest="target", choices=list(TARGETS), default=None,
                   help="qdpx: the tool that will read it, positions and line ends as it counts them (as "
                        "export-qdpx --for; default: the REFI-QDA standard)")
    s = p.add_argument_group("look and citations (default: the project's report settings)")
    s.add_argument("--style", choices=tuple(TABLE_STYLES), help="table style: report, apa (APA 7: horizontal "
                   "rules only) or grid (journal grid: black borders, no shading)")
    s.add_argument("--page-size", choices=PAGE_SIZES, help="auto (from the locale: A4 outside the US), a4 or letter")
    s.add_argument("--citation", choices=tuple(CITATION_STYLES),
                   help="; ".join(f"{k}: {v}" for k, v in CITATION_STYLES.items()).replace("\u2011", "-")
                   .replace("\u00a0", " ").replace("\u00b6", "par."))
    s.add_argument("--id-prefix", metavar="TEXT", help="replace the letters of participant IDs in citations "
                   "(--id-prefix P makes NPM-4 P4)")
    s.add_argument("--tag", action="append", default=None, metavar="ATTRIBUTE",
                   help="an attribute to tag citations with, e.g. year (repeatable)")
    s.add_argument("--label", action="append", default=[], metavar="ATTRIBUTE=TEXT",
                   help="print an attribute under another label, e.g. rural='Rural background' (repeatable)")
    s.add_argument("--language", metavar="TAG", help="proofing language, e.g. en-GB (default: the locale's)")
    s.add_argument("--author", metavar="NAME", help="the document's author property")
    s.add_argument("--aggregate-only", action="store_true", default=None,
                   help="participants: the sample's make-up only, no row per person")
    s.add_argument("--rationale", action="store_true", default=None, help="alignment: print each theme's rationale")
    s.add_argument("--sub-codes", action="store_true", default=None, help="alignment: list sub-codes under themes")
    add_json_arg(p)
    p.set_defaults(run=cmd_export)


def _format(args) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix not in ALL_FORMATS:
        raise InvalidValueError(f"cannot tell the format from {args.out!r}: add --format {'|'.join(ALL_FORMATS)}")
    return suffix


def _exchange_function(fmt: str):
    module, name = EXCHANGE[fmt]
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise NpmdeskError(f"export to .{fmt} is not available in this build of npmdesk") from None


def cmd_export(args) -> int:
    fmt = _format(args)
    selection = ReportSelection(
        code_paths=tuple(args.code), with_children=args.with_children, participants=tuple(args.participant),
        documents=tuple(args.document), coders=tuple(args.coder_filter), exemplars_only=args.exemplars_only,
        attributes=tuple(parse_attribute_condition(a) for a in args.attribute))
    if args.examples < 0:
        raise InvalidValueError("--examples takes a number of quotes, 0 or more")
    project = Project.open(args.project, args.coder, read_only=True)  # an export never changes the file
    try:
        if fmt in EXCHANGE:
            if not selection.is_everything():
                raise InvalidValueError(f".{fmt} export covers the whole project: filters do not apply to it")
            export = _exchange_function(fmt)
            if args.target is not None:
                if fmt != "qdpx":
                    raise InvalidValueError("--for applies to .qdpx (a .qdc codebook holds no text positions)")
                export = functools.partial(export, target=args.target)
            if args.deidentified:
                from npmdesk.formats.deidentified import export_exchange_deidentified

                export_exchange_deidentified(project, export, args.out, args.coder_names)
            else:
                export(project, args.out)
            what = "the project" if fmt == "qdpx" else "the codebook"
            if args.target:
                what += f" for {args.target}"
            count = None
        else:
            style = report_style(project).with_changes(
                table_style=args.style, page_size=args.page_size, citation=args.citation, prefix=args.id_prefix,
                tags=tuple(args.tag) if args.tag else None, language=args.language, author=args.author,
                labels={**report_style(project).labels, **dict(parse_attribute_condition(x) for x in args.label)}
                if args.label else None,
                aggregate_only=args.aggregate_only, show_rationale=args.rationale, show_subcodes=args.sub_codes)
            options = ReportOptions(selection=selection, other_codes=args.other_codes, examples=args.examples,
                                    framework=args.framework, style=style,
                                    deidentified=args.deidentified, coder_names=args.coder_names, context=args.context,
                                    times=args.times)
            if args.context != "none" and (args.report != "excerpts" or fmt != "docx"):
                raise InvalidValueError("--context applies to the coded-excerpts Word report (--report excerpts, "
                                        ".docx)")
            count = export_report(project, args.report, fmt, args.out, options)
            what = args.report
    finally:
        project.close()
    if args.json:
        print_json([{"path": str(args.out), "format": fmt, "report": what, "items": count,
                     "deidentified": args.deidentified,
                     **({"target": args.target or "standard"} if fmt == "qdpx" else {})}])
    else:
        print(f"wrote {args.out}: " + (what if count is None else f"{args.report}, {count} {NOUNS[args.report]}")
              + (", de-identified" if args.deidentified else ""))
    return 0
