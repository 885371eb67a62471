"""Outputs never clobber inputs: the one check every export, copy and restore makes on its target.

`npmdesk export-qdpx study.npmdesk --out study.npmdesk` must not turn the project into a zip. A
target is refused when it is the open project (same device and inode: also through a symlink, a
hard link or another spelling of the path), when it is any existing npmdesk project (a `.npmdesk`
file, or an SQLite file carrying npmdesk's application_id whatever its name), or when it is one of
SQLite's side files of an existing project (`-journal`, `-wal`, `-shm`: SQLite would apply it).
Only a deliberate copy (Save a copy… onto another project the user chose to replace) may replace
a project that is not open.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from npmdesk import PROJECT_SUFFIX
from npmdesk.core.errors import OutputClobbersProjectError

SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


def is_project_file(path: Path) -> bool:
    """An existing npmdesk project: by suffix, or by its SQLite header's application_id."""
    from npmdesk.store.database import APPLICATION_ID, SQLITE_HEADER

    if not path.is_file():
        return False
    if path.suffix.lower() == PROJECT_SUFFIX:
        return True
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError:
        return False
    return header.startswith(SQLITE_HEADER) and len(header) >= 72 and \
        int.from_bytes(header[68:72], "big") == APPLICATION_ID


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output_path(out: str | Path, protect: Iterable[str | Path] = (), *, replace_project: bool = False) -> None:
    """Raise OutputClobbersProjectError if writing `out` could overwrite a project.

    `protect`: the open project(s); never replaceable. `replace_project=True` (a deliberate copy)
    allows replacing an existing project file that is not protected."""
    out = Path(out)
    for p in protect:
        if same_file(out, Path(p)):
            raise OutputClobbersProjectError(
                f"{out}: refused — that is the open project itself ({p}); nothing was written. "
                "Choose another file name for the output")
    for suffix in SIDE_SUFFIXES:
        if out.name.endswith(suffix):
            base = out.with_name(out.name[: -len(suffix)])
            if is_project_file(base):
                raise OutputClobbersProjectError(
                    f"{out}: refused — SQLite would read a file of that name as part of the project {base}; "
                    "nothing was written. Choose another file name")
    if out.exists() and is_project_file(out) and not replace_project:
        raise OutputClobbersProjectError(
            f"{out}: refused — that is an npmdesk project file, and no export, copy or restore is ever "
            "written over a project; nothing was written. Choose another file name")
