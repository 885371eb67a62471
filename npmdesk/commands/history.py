"""log: the project's history — who changed what, and when — from the audit trail every change writes."""

from __future__ import annotations

import argparse
import json

from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, print_json, quoted

DEFAULT_LIMIT = 50


def register(sub) -> None:
    p = sub.add_parser("log", help="the project's history: when, coder, action, detail (newest first)")
    add_project_arg(p)
    p.add_argument("--limit", type=_positive, default=DEFAULT_LIMIT, metavar="N",
                   help=f"show the N most recent changes (default {DEFAULT_LIMIT})")
    add_json_arg(p)
    p.set_defaults(run=cmd_log)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {quoted(text)}")
    return n


def cmd_log(args) -> int:
    with open_project(args, read_only=True) as p:
        entries = [{**e, "detail": _detail(e["detail"])} for e in p.audit_log(args.limit)]
    if args.json:
        print_json(entries)
        return 0
    for e in entries:
        detail = ", ".join(f"{k}={_plain(v)}" for k, v in e["detail"].items())
        print(f"{e['at']}\t{e['coder'] or '-'}\t{e['action']}" + (f"\t{detail}" if detail else ""))
    if not entries:
        print("no changes recorded yet")
    return 0


def _detail(text: str | None) -> dict:
    """The stored JSON object; a detail that is not one (hand-edited, damaged) is shown as text."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def _plain(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
