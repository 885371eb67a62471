"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager

from npmdesk.core.errors import InvalidValueError
from npmdesk.store import Project


def add_project_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT", help="the .npmdesk project file")


def add_json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON array of objects")


def print_json(items) -> None:
    """What every --json prints: UTF-8 as is (names and quotes stay readable), indented."""
    json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@contextmanager
def open_project(args, read_only: bool = False):
    """The project for one command; a command that only reads opens it read-only, so the file's
    bytes stay exactly as they were (and a read-only file or mount can be read)."""
    project = Project.open(args.project, args.coder, read_only=read_only)
    for notice in getattr(project.db, "open_notices", ()):  # side files moved aside, a rollback
        print(f"npmdesk: {args.project}: {notice}", file=sys.stderr)
    try:
        yield project
    finally:
        project.close()


def parse_span(text: str, option: str = "--span", example: str = "120:245") -> tuple[int, int]:
    try:
        start, end = (int(x) for x in text.split(":"))
    except ValueError:
        raise InvalidValueError(f"{option} takes START:END in characters, e.g. {example} (got {text!r})") from None
    return start, end
