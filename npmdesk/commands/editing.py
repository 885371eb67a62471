"""show, rename-code, move-code, merge-codes, delete-code, describe-code, memo, exemplar: reading a
transcript with its character positions, and the code-tree and memo edits the window makes
(describe-code sets a code's definition, inclusion/exclusion criteria, example and codable flag)."""

from __future__ import annotations

import sys
from bisect import bisect_right

from npmdesk.commands._common import add_json_arg, add_project_arg, find_code, open_project, print_json, quoted
from npmdesk.core.errors import InvalidValueError
from npmdesk.core.paragraphs import Paragraphs
from npmdesk.store.attribution import exemplar_warning


def register(sub) -> None:
    p = sub.add_parser("show", help="a document's paragraphs with their character positions (for --span)")
    add_project_arg(p)
    p.add_argument("--doc", required=True, help="document name")
    p.add_argument("--find", metavar="PHRASE", help="only the positions where PHRASE occurs")
    add_json_arg(p)
    p.set_defaults(run=cmd_show)

    p = sub.add_parser("rename-code", help="rename a code")
    add_project_arg(p)
    p.add_argument("code", metavar="PATH")
    p.add_argument("name", metavar="NEW_NAME")
    p.set_defaults(run=lambda a: _edit(a, lambda p, c: p.rename_code(c, a.name), f"renamed {a.code} to {a.name}"))

    p = sub.add_parser("move-code", help="move a code under another (or to the top with --to /)")
    add_project_arg(p)
    p.add_argument("code", metavar="PATH")
    p.add_argument("--to", required=True, metavar="PARENT_PATH", help="the new parent, or / for the top level")
    p.set_defaults(run=cmd_move)

    p = sub.add_parser("merge-codes", help="merge SOURCE into TARGET (codings move, duplicates collapse)")
    add_project_arg(p)
    p.add_argument("source", metavar="SOURCE_PATH")
    p.add_argument("target", metavar="TARGET_PATH")
    p.set_defaults(run=cmd_merge)

    p = sub.add_parser("delete-code", help="delete a code; say what happens to its sub-codes and codings")
    add_project_arg(p)
    p.add_argument("code", metavar="PATH")
    p.add_argument("--children", choices=("delete", "lift"), help="sub-codes: delete them, or lift them up a level")
    p.add_argument("--codings", choices=("delete", "parent"), help="codings: delete them, or give them to the parent")
    p.set_defaults(run=lambda a: _edit(a, lambda p, c: p.delete_code(c, children=a.children, codings=a.codings),
                                       f"deleted {a.code}"))

    p = sub.add_parser("describe-code", help="set a code's definition, criteria and example (or print them)")
    add_project_arg(p)
    p.add_argument("code", metavar="PATH")
    p.add_argument("text", metavar="DEFINITION", nargs="?", help="the definition (left as it is if not given)")
    p.add_argument("--inclusion", metavar="TEXT", help="inclusion criteria: when to apply the code")
    p.add_argument("--exclusion", metavar="TEXT", help="exclusion criteria: when not to (and what to use instead)")
    p.add_argument("--example", metavar="TEXT", help="a typical passage")
    codable = p.add_mutually_exclusive_group()
    codable.add_argument("--category", action="store_true",
                         help="a theme that only groups codes: never applied itself (it must have no codings)")
    codable.add_argument("--codable", action="store_true", help="undo --category: the code can be applied again")
    add_json_arg(p)
    p.set_defaults(run=cmd_describe)

    p = sub.add_parser("memo", help="show or write the memo on the project, a document, code, participant or coding")
    add_project_arg(p)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--project-memo", action="store_true", help="the project's memo")
    target.add_argument("--doc", metavar="NAME")
    target.add_argument("--code", metavar="PATH")
    target.add_argument("--case", metavar="NAME", help="a participant")
    target.add_argument("--coding", type=int, metavar="ID")
    p.add_argument("--text", help="the new memo (empty deletes it); without --text the memo is printed")
    p.set_defaults(run=cmd_memo)

    p = sub.add_parser("exemplar", help="mark a coding as an exemplar quote (for a framework element, with --element)")
    add_project_arg(p)
    p.add_argument("--coding", type=int, required=True, metavar="ID")
    p.add_argument("--element", help="the framework element (e.g. a competency) it exemplifies")
    p.add_argument("--off", action="store_true", help="remove the mark instead")
    p.set_defaults(run=cmd_exemplar)


def _edit(args, action, done: str) -> int:
    with open_project(args) as p:
        action(p, find_code(p, args.code).id)
    print(done)
    return 0


def cmd_show(args) -> int:
    with open_project(args, read_only=True) as p:
        doc = p.document_by_name(args.doc)
        text = p.document_text(doc.id)
        turns = p.turns(doc.id)
    if args.find:
        items, at = [], text.find(args.find)
        while at >= 0:
            items.append({"start": at, "end": at + len(args.find), "text": args.find})
            at = text.find(args.find, at + 1)
        if not items:
            raise InvalidValueError(f"{quoted(args.find)} does not occur in {quoted(doc.name)}")
    else:
        # Numbered as the window's margin and the Word reports number them (core/paragraphs.py).
        items = [{"paragraph": n, "start": start, "end": end, "speaker": _speaker_at(turns, start),
                  "text": text[start:end]} for n, start, end in Paragraphs(text).numbered()]
    if args.json:
        print_json(items)
    else:
        for it in items:
            number = f"¶{it['paragraph']} " if "paragraph" in it else ""
            print(f"{number}[{it['start']}:{it['end']}] {it['text']}")
    return 0


def _speaker_at(turns, offset: int) -> str | None:
    """The speaker of the turn holding `offset` (turns are sorted and do not overlap)."""
    i = bisect_right([t.start for t in turns], offset) - 1
    if i >= 0 and offset < max(turns[i].end, turns[i].start + 1):
        return turns[i].speaker
    return None


def cmd_move(args) -> int:
    with open_project(args) as p:
        code = find_code(p, args.code).id
        parent = None if args.to.strip() == "/" else find_code(p, args.to).id
        p.move_code(code, parent)
        print(f"moved to {p.code(code).path}")
    return 0


def cmd_describe(args) -> int:
    """Set the fields given (one transaction); with none, print the code's definition as stored."""
    fields = {"description": args.text, "inclusion": args.inclusion, "exclusion": args.exclusion,
              "example": args.example}
    codable = False if args.category else True if args.codable else None
    edits = {k: v for k, v in fields.items() if v is not None}
    with open_project(args, read_only=not edits and codable is None) as p:
        code = find_code(p, args.code)
        if edits or codable is not None:
            p.set_code_definition(code.id, **edits, codable=codable)
            print(f"described {code.path}")
            return 0
        d = p.code_definition(code.id)
    if args.json:
        print_json({"code": code.path, "definition": d.description, "inclusion": d.inclusion,
                    "exclusion": d.exclusion, "example": d.example, "codable": d.codable})
        return 0
    print(f"{code.path}{'' if d.codable else '  (category: not applied itself)'}")
    for label, text in (("Definition", d.description), *d.criteria):
        if text.strip():
            print(f"{label}: {text.strip()}")
    return 0


def cmd_merge(args) -> int:
    with open_project(args) as p:
        source, target = find_code(p, args.source).id, find_code(p, args.target).id
        p.merge_codes(source, target)
        counts = p.code_counts().get(target)
    print(f"merged {args.source} into {args.target} ({counts.codings if counts else 0} codings)")
    return 0


def cmd_memo(args) -> int:
    with open_project(args, read_only=args.text is None) as p:
        if args.project_memo:
            target, target_id = "project", None
        elif args.doc:
            target, target_id = "document", p.document_by_name(args.doc).id
        elif args.code:
            target, target_id = "code", find_code(p, args.code).id
        elif args.case:
            target, target_id = "case", p.case_by_name(args.case).id
        else:
            target, target_id = "coding", p.coding(args.coding).id
        if args.text is None:
            print(p.memo(target, target_id))
        else:
            p.set_memo(target, target_id, args.text)
            print("memo saved" if args.text.strip() else "memo deleted")
    return 0


def cmd_exemplar(args) -> int:
    with open_project(args) as p:
        coding = p.coding(args.coding)
        if args.element:
            element = p.element_by_name(args.element)
            with p.write():
                if args.off:
                    p.remove_element_exemplar(element.id, coding.id)
                else:
                    p.set_exemplar(coding.id, True)
                    p.add_element_exemplar(element.id, coding.id)
            what = f"exemplar for {element.name}"
        else:
            p.set_exemplar(coding.id, not args.off)
            what = "exemplar"
        warning = None if args.off else exemplar_warning(p, coding.id)
    print(f"coding {coding.id}: {'no longer ' if args.off else ''}{what}")
    if warning:  # marked as asked, but a reader of the report must not take it for a participant's words
        print(f"npmdesk: warning: {warning}", file=sys.stderr)
    return 0
