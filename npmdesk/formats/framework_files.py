"""Frameworks from files: a CSV of elements (name[, description]) or a REFI-QDA codebook (.qdc).

A .qdc whose codes all hang under one top-level code is read as that framework (its name, its
description, its sub-codes as elements); otherwise the file's name names the framework and the
top-level codes are its elements. Deeper levels become elements named "Parent / Child", so nothing
in the file is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.errors import BadInputError, NpmdeskError
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
    return project.add_framework(spec.name, spec.description, source=spec.source, elements=list(spec.elements))


def _read_csv(path: Path) -> FrameworkSpec:
    data = _read_bytes(path, MAX_CSV_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # spreadsheets on Windows save CSV this way
    try:
        elements = parse_framework_csv(text)
    except NpmdeskError as e:
        raise BadInputError(path, str(e)) from None
    return FrameworkSpec(path.stem, "", path.name, _unique(path, elements))


def _read_qdc(path: Path) -> FrameworkSpec:
    nodes = _parse_qdc(path)
    if not nodes:
        raise BadInputError(path, "the codebook contains no codes")
    if len(nodes) == 1 and nodes[0][2]:
        name, description, top = nodes[0]
    else:
        name, description, top = path.stem, "", nodes
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
    seen = set()
    for name, _ in elements:
        if name.lower() in seen:
            raise BadInputError(path, f"the element {name!r} appears twice")
        seen.add(name.lower())
    return tuple(elements)
