"""Frameworks from files: a CSV of elements (name[, description]) or a REFI-QDA codebook (.qdc).

A .qdc whose codes all hang under one top-level code is read as that framework (its name, its
description, its sub-codes as elements); otherwise the file's name names the framework and the
top-level codes are its elements. Deeper levels become elements named "Parent / Child", so nothing
in the file is silently dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.errors import BadInputError, InvalidValueError, NpmdeskError
from npmdesk.core.model import fit_name
from npmdesk.formats.participants_csv import csv_rows
from npmdesk.store.frameworks import parse_framework_csv

MAX_CSV_BYTES = 5 * 1024**2


@dataclass(frozen=True)
class FrameworkSpec:
    name: str
    description: str
    source: str
    elements: tuple[tuple[str, str], ...]


def read_framework_file(path: str | Path) -> FrameworkSpec:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".qdc":
        return _read_qdc(path)
    raise BadInputError(path, "a framework file must be a .csv (name, description) or a REFI-QDA codebook (.qdc)")


def import_framework_file(project, path: str | Path) -> int:
    """Add the framework in `path` to the project (one transaction); returns its id."""
    spec = read_framework_file(path)
    try:
        return project.add_framework(spec.name, spec.description, source=spec.source, elements=list(spec.elements))
    except InvalidValueError as e:
        raise BadInputError(path, str(e)) from None


def _read_csv(path: Path) -> FrameworkSpec:
    data = _read_bytes(path, MAX_CSV_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # spreadsheets on Windows save CSV this way
    # Rows are checked here first (bare CR line ends, over-long cells) so the store's parser
    # only ever sees CSV that reads cleanly; it gets it back with plain LF line ends.
    rows = csv_rows(text, path)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    try:
        elements = parse_framework_csv(out.getvalue())
    except NpmdeskError as e:
        raise BadInputError(path, str(e)) from None
    return FrameworkSpec(fit_name(path.stem) or "framework", "", path.name, _unique(path, elements))


def _read_qdc(path: Path) -> FrameworkSpec:
    nodes = _parse_qdc(path)
    if not nodes:
        raise BadInputError(path, "the codebook contains no codes")
    if len(nodes) == 1 and nodes[0][2]:
        name, description, top = nodes[0]
    else:
        name, description, top = fit_name(path.stem) or "framework", "", nodes
    elements: list[tuple[str, str]] = []

    def walk(items, prefix):
        for n, desc, kids in items:
            label = f"{prefix} / {n}" if prefix else n
            elements.append((label, desc))
            walk(kids, label)

    walk(top, "")
    return FrameworkSpec(name, description, path.name, _unique(path, elements))


def _parse_qdc(path: Path) -> list[tuple]:
    """(name, description, children) triples from a REFI-QDA codebook (safely parsed there)."""
    from npmdesk.formats.refi.qdc import parse_qdc

    def plain(node) -> tuple:
        return (node.name.strip(), (node.description or "").strip(), [plain(c) for c in node.children])

    return [plain(n) for n in parse_qdc(path)]


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise BadInputError(path, f"the file is over the {limit // 2**20} MB limit for a framework")
        return path.read_bytes()
    except OSError as e:
        raise BadInputError(path, f"cannot be read ({e.strerror})") from None


def _unique(path: Path, elements) -> tuple[tuple[str, str], ...]:
    """Element names are names from outside: control and text-direction characters go (fit_name);
    two that are then the same are refused."""
    elements = [(fit_name(name), description) for name, description in elements]
    seen = set()
    for name, _ in elements:
        if not name:
            raise BadInputError(path, "an element has no name")
        if name.lower() in seen:
            raise BadInputError(path, f"the element {name!r} appears twice")
        seen.add(name.lower())
    return tuple(elements)
