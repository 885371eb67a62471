"""What the command-line tests share: run npmdesk as coder Ana and capture what it printed."""

from __future__ import annotations

from npmdesk.cli import main


def run(capsys, *argv):
    code = main(["--coder", "Ana", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err
