"""The headless command line: `npmdesk COMMAND PROJECT ...` over the same store and formats as the GUI.

Exit codes: 0 success, 1 an error (one line on stderr), 2 a usage error.
With no command (`npmdesk`, `npmdesk PROJECT`, `npmdesk --demo`) the window starts instead.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import pkgutil
import sys
from pathlib import Path

from npmdesk import __version__, settings
from npmdesk.core.errors import NpmdeskError

GUI_FLAGS = ("--demo", "--self-test")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="npmdesk",
        description="Qualitative coding of interview and focus-group transcripts. "
                    "Without a command, `npmdesk [PROJECT]` or `npmdesk --demo` opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"npmdesk {__version__}")
    parser.add_argument("--coder", help="coder name stored with every change (default: the name set at first "
                                        "run, else your login name)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import npmdesk.commands as commands

    for mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        importlib.import_module(f"npmdesk.commands.{mod.name}").register(sub)
    return parser


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._subparsers._group_actions:  # argparse keeps its sub-parsers here
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = command_names(parser)
    first = argv[2] if argv[:1] == ["--coder"] and len(argv) > 2 else (argv[0] if argv else None)
    if first is not None and _looks_like_a_command(first, commands):
        close = difflib.get_close_matches(first, sorted(commands), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        print(f"npmdesk: unknown command '{first}'{hint}; `npmdesk --help` lists them", file=sys.stderr)
        return 2
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version", "--coder")):
        return start_gui(argv)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    args.coder = args.coder or settings.default_coder()
    try:
        return args.run(args) or 0
    except NpmdeskError as e:
        print(f"npmdesk: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("npmdesk: interrupted", file=sys.stderr)
        return 1


def _looks_like_a_command(word: str, commands: set[str]) -> bool:
    """A misspelt command ('matrx'), not a project to open: no such file, no suffix, no folder."""
    if word in commands or word.startswith("-") or Path(word).exists():
        return False
    return not Path(word).suffix and "/" not in word and "\\" not in word


def start_gui(argv: list[str]) -> int:
    gui = argparse.ArgumentParser(prog="npmdesk", description="Open the npmdesk window.")
    gui.add_argument("project", nargs="?", help="a .npmdesk project to open")
    gui.add_argument("--demo", action="store_true", help="open a fresh copy of the demo project")
    gui.add_argument("--self-test", action="store_true",
                     help="open the demo off-screen, code, undo, export, and exit 0 if all worked")
    args = gui.parse_args(argv)
    try:
        from npmdesk.ui.app import run
    except ImportError as e:
        print(f"npmdesk: the window cannot start ({e})", file=sys.stderr)
        return 1
    return run(args)


def print_json(items) -> None:
    json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
