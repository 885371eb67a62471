"""Builders of the hostile and damaged files the file-trust tests open (all synthetic)."""

from __future__ import annotations

import shutil
import sqlite3
import struct
from pathlib import Path

from npmdesk.store import Project

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
TEXT = ("Interviewer: What did mentoring mean to you?\n"
        "NPM-1: It felt like I belonged. My mentor gave honest feedback.\n") * 20


def make_study(path: Path, codes: int = 5, codings: int = 50, prefix: str = "Code") -> Path:
    """A project with one document and `codings` codings over `codes` codes."""
    with Project.create(path, "Ana") as p:
        doc = p.add_document("int1", TEXT)
        ids = [p.add_code(f"{prefix} {i}") for i in range(codes)]
        with p.write("codings"):
            for n in range(codings):
                p.apply_coding(doc, ids[n % codes], n, n + 5)
    return path


def count(path: Path, table: str = "codings") -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def raw(path: Path, *statements: str) -> None:
    """Run SQL on the file with plain sqlite3 (as another program, or an attacker, would)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for s in statements:
            conn.execute(s)
    finally:
        conn.close()


def _checksum(nonce: int, page: bytes) -> int:
    total, i = nonce, len(page) - 200
    while i > 0:
        total += page[i]
        i -= 200
    return total & 0xFFFFFFFF


def write_journal(journal: Path, before: bytes, after: bytes, page_size: int = 4096,
                  with_page_one: bool = True, pages: dict[int, bytes] | None = None) -> None:
    """A hot rollback journal that turns `after` back into `before`, as SQLite leaves one when a
    crash strikes after the database was written but before the journal was deleted.

    `pages` replaces the computed page images (to build a journal of garbage)."""
    original_pages = len(before) // page_size
    if pages is None:
        pages = {}
        for n in range(1, original_pages + 1):
            old = before[(n - 1) * page_size:n * page_size]
            new = after[(n - 1) * page_size:n * page_size]
            if (n == 1 and with_page_one) or (n > 1 and old != new):
                pages[n] = old
    nonce = 0x5EED1234
    header = (JOURNAL_MAGIC + struct.pack(">IIIII", len(pages), nonce, original_pages, 512, page_size))
    header = header.ljust(512, b"\0")
    body = b"".join(struct.pack(">I", n) + data + struct.pack(">I", _checksum(nonce, data))
                    for n, data in sorted(pages.items()))
    journal.write_bytes(header + body)


def crash_journal(path: Path, change) -> tuple[bytes, Path]:
    """Make `change(project)` on `path`, then leave the journal that would undo it; the file itself
    keeps the changed state (as after a crash at the very end of the commit). Returns the bytes
    before the change and the journal's path."""
    before = path.read_bytes()
    with Project.open(path, "Ana") as p:
        change(p)
    journal = path.with_name(path.name + "-journal")
    write_journal(journal, before, path.read_bytes())
    return before, journal


def move(src: Path, dst: Path) -> None:
    shutil.move(str(src), str(dst))
