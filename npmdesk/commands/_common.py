"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.names import close_code_paths
from npmdesk.core.wording import quoted  # noqa: F401  (re-exported: commands import it from here)
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
        raise InvalidValueError(f"{option} takes START:END in characters, e.g. {example} (got {quoted(text)})"
                                ) from None
    return start, end


def find_code(project, path: str):
    """The code at `path`, or NotFoundError saying which code was probably meant: a short name
    after the code moved under a theme ('Belonging' -> 'Identity/Belonging'), another case, a typo."""
    try:
        return project.code_by_path(path)
    except NotFoundError:
        close = close_code_paths([c.path for c in project.codes()], path)
    raise NotFoundError(f"no code {quoted(path)}{did_you_mean(close)}") from None


def did_you_mean(paths: list[str]) -> str:
    if not paths:
        return ""
    return " (did you mean " + " or ".join(quoted(p) for p in paths) + "?)"


def add_coder_names_arg(parser) -> None:
    """--coder-names: how a de-identified output names the coders (one option for every such command)."""
    from npmdesk.core.deidentify import CODER_NAMES

    parser.add_argument("--coder-names", choices=CODER_NAMES, default="role",
                        help="de-identified: coders named by their role (initials when none is set; the default), "
                             "by initials, or kept by name (roles: npmdesk pseudonym --coder-role, or File > Team > "
                             "Coders…)")

