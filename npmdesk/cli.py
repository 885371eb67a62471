"""The headless command line: `npmdesk COMMAND PROJECT ...` over the same store and formats as the GUI.

Exit codes: 0 success, 1 an error (one line on stderr), 2 a usage error.
With no command (`npmdesk`, `npmdesk PROJECT`, `npmdesk --demo`) the window starts instead.

argparse decides which of the two is meant: the global options (`--coder`, `--demo`, `--self-test`)
are parsed first, and the first word after them is either a command (then the whole line goes to
the command parser) or a project to open.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import pkgutil
import sys
from pathlib import Path

from npmdesk import __version__, settings
from npmdesk.core.errors import NpmdeskError

CODER_HELP = "coder name stored with every change (default: the name set at first run, else your login name)"


def global_options() -> argparse.ArgumentParser:
    """The options that may come before the command (or stand alone, for the window)."""
    options = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    options.add_argument("--coder", help=CODER_HELP)
    window = options.add_argument_group("the window (no COMMAND)")
    window.add_argument("--demo", action="store_true", help="open a fresh copy of the demo project")
    window.add_argument("--self-test", action="store_true",
                        help="open the demo off-screen, code, undo, export, and exit 0 if all worked")
    return options


def build_parser() -> argparse.ArgumentParser:
    # allow_abbrev=False everywhere: `--code` (a command's option) must never be read as `--coder`.
    parser = argparse.ArgumentParser(
        prog="npmdesk",
        description="Qualitative coding of interview and focus-group transcripts. "
                    "Without a command, `npmdesk [PROJECT]` or `npmdesk --demo` opens the window.",
        parents=[global_options()],
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"npmdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import npmdesk.commands as commands

    for mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        importlib.import_module(f"npmdesk.commands.{mod.name}").register(sub)
    for command in _sub_parsers(parser):
        command.allow_abbrev = False
        if "--coder" not in command._option_string_actions:  # export's --coder filters by coder
            command.add_argument("--coder", action=_CoderGoesFirst, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


class _CoderGoesFirst(argparse.Action):
    """`npmdesk docs X --coder Ana`: say where --coder goes instead of a bare "unrecognized arguments"
    (after a command it would be ambiguous: `export --coder NAME` filters by coder)."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(f"--coder is a global option: put it before the command (npmdesk --coder {values} "
                     f"{parser.prog.split(maxsplit=1)[-1]} ...)")


def _sub_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command's parser, nested ones (`framework add`) included, each once."""
    found: dict[int, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                for p in (child, *_sub_parsers(child)):
                    found[id(p)] = p
    return list(found.values())


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _front_parser() -> argparse.ArgumentParser:
    """Global options, then the first word (a command or a project) and everything after it."""
    front = argparse.ArgumentParser(prog="npmdesk", parents=[global_options()], add_help=False,
                                    allow_abbrev=False)
    front.add_argument("word", nargs="?")
    front.add_argument("rest", nargs=argparse.REMAINDER)
    return front


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = command_names(parser)
    front, unknown = _front_parser().parse_known_args(argv)
    if front.word in commands or (front.word is None and unknown):
        # A command, or only options the command parser knows (-h, --version) or refuses.
        return run_command(parser, parser.parse_args(argv))
    if front.word is not None and _looks_like_a_command(front.word):
        close = difflib.get_close_matches(front.word, sorted(commands), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        print(f"npmdesk: unknown command '{front.word}'{hint}; `npmdesk --help` lists them", file=sys.stderr)
        return 2
    if unknown or front.rest:
        parser.error(f"the window opens one PROJECT; unrecognized arguments: {' '.join(unknown + front.rest)}")
    return start_gui(argparse.Namespace(project=front.word, demo=front.demo, self_test=front.self_test,
                                        coder=front.coder))


def run_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.command:
        parser.print_help()
        return 2
    if args.demo or args.self_test:
        parser.error("--demo and --self-test open the window; they take no COMMAND")
    args.coder = args.coder or settings.default_coder()
    try:
        code = args.run(args) or 0
        sys.stdout.flush()  # a closed pipe is noticed here, inside the handler below
        return code
    except BrokenPipeError:
        # `npmdesk ... | head`: the reader left. Point stdout at nowhere so the interpreter's last
        # flush cannot raise again, and end quietly as a piped Unix tool does.
        _silence_stdout()
        return 1
    except NpmdeskError as e:
        print(f"npmdesk: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # disk full, permissions, a damaged page: said in plain words (store/storage_errors.py)
        from npmdesk.store.storage_errors import translate

        known = translate(e, getattr(args, "project", None))
        if known is None:
            raise
        print(f"npmdesk: {known}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("npmdesk: interrupted", file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _looks_like_a_command(word: str) -> bool:
    """A misspelt command ('matrx'), not a project to open: no such file, no suffix, no folder."""
    if word.startswith("-") or Path(word).exists():
        return False
    return not Path(word).suffix and "/" not in word and "\\" not in word


def start_gui(args: argparse.Namespace) -> int:
    try:
        from npmdesk.ui.app import run
    except ImportError as e:
        print(f"npmdesk: the window cannot start ({e})", file=sys.stderr)
        return 1
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
