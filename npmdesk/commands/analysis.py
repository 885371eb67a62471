"""framework, align, matrix, saturation: aligning themes with a framework and the analysis tables."""

from __future__ import annotations

from pathlib import Path

from npmdesk.commands._common import add_json_arg, add_project_arg, find_code, open_project, print_json, quoted
from npmdesk.core.errors import BadInputError, InvalidValueError
from npmdesk.core.saturation import BASE_SIZE, RUN_LENGTH, THRESHOLD, guest_saturation
from npmdesk.formats.framework_files import import_framework_file
from npmdesk.formats.reports.matrix_csv import format_cell, write_matrix_csv
from npmdesk.store.frameworks import BUILTIN_FRAMEWORKS

AXES_HELP = "participants, codes, documents, kinds (interview, focus-group, ...) or attribute:NAME"


def register(sub) -> None:
    fw = sub.add_parser("framework", help="deductive frameworks (ACGME, CanMEDS, your own)")
    fw_sub = fw.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    p = fw_sub.add_parser("add", help="add a built-in framework or one from a .csv or .qdc file")
    add_project_arg(p)
    p.add_argument("source", metavar="acgme|canmeds|FILE.csv|FILE.qdc")
    p.add_argument("--to-codes", action="store_true",
                   help="also add it to the code tree (a code per element, aligned) to code deductively")
    p.set_defaults(run=cmd_framework_add)
    p = fw_sub.add_parser("list", help="the frameworks with their elements and aligned themes")
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(run=cmd_framework_list)
    p = fw_sub.add_parser("define", help="replace an element's definition (the competency table's Definition "
                          "cell) and/or say where a framework's definitions come from")
    add_project_arg(p)
    p.add_argument("--framework", required=True, help="framework name")
    p.add_argument("--element", help="element name, e.g. Professionalism")
    p.add_argument("--definition", help="the element's new definition")
    p.add_argument("--source", help="where the definitions come from, printed in the column header, e.g. "
                   "'adapted from the ACGME Common Program Requirements'")
    p.add_argument("--citation", help="the source's full reference, printed in the table note")
    p.set_defaults(run=cmd_framework_define)

    p = sub.add_parser("align", help="link a theme or code to a framework element")
    add_project_arg(p)
    p.add_argument("--code", required=True, help="code path")
    p.add_argument("--element", required=True, help="element name, e.g. Professionalism")
    p.add_argument("--framework", help="framework name, when the element name is in several")
    p.add_argument("--rationale", default="", help="why the theme speaks to this element")
    p.add_argument("--remove", action="store_true", help="remove the link instead")
    p.set_defaults(run=cmd_align)

    p = sub.add_parser("matrix", help="code x participant / document / attribute tables and co-occurrence")
    add_project_arg(p)
    p.add_argument("--rows", required=True, help=AXES_HELP)
    p.add_argument("--cols", required=True, help=AXES_HELP + "; codes x codes is co-occurrence")
    p.add_argument("--measure", default="codings", choices=("codings", "coverage", "participants"))
    p.add_argument("--themes", action="store_true", help="count each theme's sub-codes under the theme")
    p.add_argument("--coder", dest="coder_filter", action="append", default=[], metavar="NAME",
                   help="only codings by this coder (repeatable; e.g. the consensus coder)")
    add_json_arg(p)
    p.add_argument("--csv", metavar="FILE", help="also write the matrix to a CSV file")
    p.set_defaults(run=cmd_matrix)

    p = sub.add_parser("saturation", help="new codes per transcript in interview order, and saturation by "
                       "the rule of Guest et al. (2020)")
    add_project_arg(p)
    p.add_argument("--base", type=int, default=BASE_SIZE, metavar="N", help=f"base size (default {BASE_SIZE})")
    p.add_argument("--run", dest="run_length", type=int, default=RUN_LENGTH, metavar="N",
                   help=f"run length (default {RUN_LENGTH})")
    p.add_argument("--threshold", type=float, default=THRESHOLD * 100, metavar="PERCENT",
                   help=f"new-information threshold in percent (default {THRESHOLD:.0%}; 0 for the strict rule)")
    add_json_arg(p)
    p.set_defaults(run=cmd_saturation)


def cmd_framework_add(args) -> int:
    with open_project(args) as p:
        key = args.source.strip().lower()
        if key in BUILTIN_FRAMEWORKS:
            fid = p.add_builtin_framework(key)
        else:
            path = Path(args.source)
            if not path.is_file():
                raise BadInputError(path, f"no such file (built-in frameworks: {', '.join(BUILTIN_FRAMEWORKS)})")
            fid = import_framework_file(p, path)
        fw = p.framework(fid)
        print(f"added framework {quoted(fw.name)} with {len(fw.elements)} element(s)")
        if args.to_codes:
            root = p.add_framework_codes(fid)
            print(f"added code {quoted(p.code(root).path)} with a sub-code per element")
    return 0


def cmd_framework_define(args) -> int:
    from npmdesk.store.report_settings import report_style, set_element_definition, set_report_style

    if not args.element and args.source is None and args.citation is None:
        raise InvalidValueError("give --element with --definition, and/or --source/--citation")
    with open_project(args) as p:
        fw = p.framework_by_name(args.framework)
        with p.write():
            if args.element:
                if args.definition is None:
                    raise InvalidValueError("--element needs --definition (the new wording)")
                set_element_definition(p, p.element_by_name(args.element, fw.id).id, args.definition)
                print(f"{args.element}: definition replaced")
            if args.source is not None or args.citation is not None:
                style = report_style(p)
                current = style.definition_sources.get(fw.name) or {}
                entry = dict(current) if isinstance(current, dict) else {"label": str(current)}
                if args.source is not None:
                    entry["label"] = args.source.strip()
                if args.citation is not None:
                    entry["citation"] = args.citation.strip()
                set_report_style(p, style.with_changes(definition_sources={**style.definition_sources, fw.name: entry}))
                print(f"{fw.name}: definitions {entry.get('label', '')}".rstrip())
    return 0


def cmd_framework_list(args) -> int:
    with open_project(args, read_only=True) as p:
        items = []
        for fw in p.frameworks():
            links = p.alignments(fw.id)
            items.append({"name": fw.name, "description": fw.description, "source": fw.source,
                          "elements": [{"name": e.name, "description": e.description,
                                        "themes": [a.code for a in links if a.element_id == e.id]}
                                       for e in fw.elements]})
    if args.json:
        print_json(items)
        return 0
    for fw in items:
        print(f"{fw['name']}  ({len(fw['elements'])} elements)")
        for e in fw["elements"]:
            print(f"  {e['name']}" + (f"  <- {', '.join(e['themes'])}" if e["themes"] else ""))
    if not items:
        print("no frameworks yet (npmdesk framework add PROJECT acgme)")
    return 0


def cmd_align(args) -> int:
    with open_project(args) as p:
        fid = p.framework_by_name(args.framework).id if args.framework else None
        element = p.element_by_name(args.element, fid)
        code = find_code(p, args.code)
        if args.remove:
            p.unalign_code(code.id, element.id)
            print(f"{quoted(code.path)} no longer aligned with {quoted(element.name)}")
        else:
            p.align_code(code.id, element.id, args.rationale)
            print(f"{quoted(code.path)} aligned with {quoted(element.name)}")
    return 0


def cmd_matrix(args) -> int:
    with open_project(args, read_only=True) as p:
        coders = tuple(p.coder_by_name(n) for n in args.coder_filter) or None
        m = p.matrix(args.rows, args.cols, args.measure, aggregate=args.themes, coder_ids=coders)
    if args.csv:
        write_matrix_csv(m, args.csv)
    if args.json:
        print_json(m.to_json())
        return 0
    table = [[m.title, *m.col_labels]]
    table += [[label, *(format_cell(m, v) for v in row)] for label, row in zip(m.row_labels, m.cells)]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))))
    if args.csv:
        print(f"wrote {args.csv}")
    return 0


def cmd_saturation(args) -> int:
    with open_project(args, read_only=True) as p:
        series = p.saturation()
    try:
        rule = guest_saturation([s.new_codes for s in series], args.base, args.run_length, args.threshold / 100)
    except ValueError as e:
        raise InvalidValueError(str(e)) from None
    if args.json:  # one object per transcript; the rule's verdict rides on each (stable list shape)
        deciding = rule.deciding_run
        print_json([{**s.to_json(), "saturation": {"base_size": rule.base_size, "run_length": rule.run_length,
                                                    "threshold": rule.threshold, "base_codes": rule.base_codes,
                                                    "reached_after": rule.reached_after,
                                                    "deciding_run": [deciding.first, deciding.last] if deciding
                                                    else None}} for s in series])
        return 0
    for s in series:
        new = f"  ({', '.join(s.new_code_paths)})" if s.new_code_paths else ""
        print(f"{s.position:>4}  {s.document}  +{s.new_codes}  = {s.total_codes}{new}")
    if not series:
        print("no documents yet")
        return 0
    print(rule.statement())
    print(f"Rule: {rule.rule()}")
    return 0
