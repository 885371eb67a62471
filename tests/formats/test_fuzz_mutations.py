"""Fuzz every importer with a seeded mutation corpus: damaged files are refused, never a traceback.

Each format starts from small valid files the tests build (tests/formats/hostile.py), then
mutates them: bit flips, truncation, inserted and deleted bytes, duplicated chunks, and for zip
formats also a damaged deflate stream, a mutated XML part repacked, and lying size/CRC fields.
Every case must either import or raise npmdesk's own error (BadInputError or another
NpmdeskError); a refused case must leave the project's bytes exactly as they were.

The corpus is seeded, so a failure repeats: the assertion message names the seed and case number,
and `NPMDESK_FUZZ_CASE=<format>:<n>` replays one case. Each format runs at most CASES cases and
stops earlier at its time budget, so the whole module stays well under a minute on a CI machine;
NPMDESK_FUZZ_CASES and NPMDESK_FUZZ_SECONDS raise both for a longer local hunt, and
NPMDESK_FUZZ_SEED draws another corpus.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
import zipfile
from pathlib import Path

import pytest

from npmdesk.core.errors import NpmdeskError
from npmdesk.formats.framework_files import import_framework_file
from npmdesk.formats.importing import ImportOptions, import_files
from npmdesk.formats.participants_csv import import_participants
from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.refi.qdc import import_qdc
from npmdesk.store import Project
from tests.formats import hostile

SEED = int(os.environ.get("NPMDESK_FUZZ_SEED", "20261202"))
CASES = int(os.environ.get("NPMDESK_FUZZ_CASES", "120"))
SECONDS = float(os.environ.get("NPMDESK_FUZZ_SECONDS", "3.0"))
ONLY = os.environ.get("NPMDESK_FUZZ_CASE")  # "docx:17" replays one case

ZIPPED = {"docx", "odt", "qdpx"}


def seeds() -> dict[str, list[bytes]]:
    """The valid files each format's mutations start from."""
    return {
        "txt": [hostile.txt(), "Interviewer: ¿Qué tal?\r\nNPM-1: Muñoz — bien\r\n".encode("cp1252"),
                "\ufeffNPM-2: hello".encode("utf-16")],
        "md": [hostile.md()],
        "vtt": [hostile.vtt()],
        "srt": [hostile.srt()],
        "rtf": [hostile.rtf()],
        "docx": [hostile.docx()],
        "odt": [hostile.odt()],
        "pdf": [hostile.pdf(), hostile.pdf(compress=False)],
        "qdpx": [hostile.qdpx()],
        "qdc": [hostile.qdc()],
        "participants.csv": [hostile.participants_csv(), hostile.participants_csv(newline="\n").replace(b",", b";")],
        "framework.csv": [hostile.framework_csv()],
        "framework.qdc": [hostile.qdc(depth=3)],
    }


_INTERESTING = [b"\x00", b"\r", b"\n", b"\r\r", b"\xff\xfe", b"\xef\xbb\xbf", b"<", b">", b"&", b"&amp;",
                b"<!DOCTYPE x>", b"]]>", b"{", b"}", b"\\", b"\\u-1", b"\\bin99999 ", b"\\'", b'"', b",", b";", b"\t",
                b"obj", b"endstream",
                b"%%EOF", b"-->", b"<v ", b"\xe2\x80\xae", b"\xc2\x85", b"\x7f", b"99999999999", b"-1", b"PK\x03\x04"]


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 8))):
        op = rng.randrange(7)
        if not data:
            data = bytearray(rng.choice(_INTERESTING))
            continue
        i = rng.randrange(len(data))
        if op == 0:  # bit flips
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # truncation
            del data[i:]
        elif op == 2:  # insert random bytes
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif op == 3:  # insert an interesting token
            data[i:i] = rng.choice(_INTERESTING) * rng.choice((1, 1, 2, 50))
        elif op == 4:  # delete a range
            del data[i:i + rng.randrange(1, 64)]
        elif op == 5:  # duplicate a chunk
            j = min(len(data), i + rng.randrange(1, 256))
            data[i:i] = data[i:j] * rng.choice((1, 2, 10))
        else:  # overwrite with a random byte
            data[i] = rng.randrange(256)
    return bytes(data)


def mutate_zip(rng: random.Random, data: bytes) -> bytes:
    """Damage one member of a zip: its XML (repacked), its deflate stream, or its header fields."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    target = rng.randrange(len(members))
    op = rng.randrange(4)
    if op == 0:  # mutate a member's content and repack it validly
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for k, (info, body) in enumerate(members):
                zf.writestr(info.filename, mutate_bytes(rng, body) if k == target else body)
        return out.getvalue()
    if op == 1:  # damage the compressed stream in place (headers and CRC left as they were)
        return hostile.damage_deflate(data, members[target][0].filename) if members[target][0].compress_type \
            else mutate_bytes(rng, data)
    if op == 2:  # drop a member
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for k, (info, body) in enumerate(members):
                if k != target:
                    zf.writestr(info.filename, body)
        return out.getvalue()
    # lie in the local header: CRC, sizes or compression method
    buf = bytearray(data)
    off = members[target][0].header_offset
    field = rng.choice((8, 14, 18, 22))  # method, CRC, compressed size, uncompressed size
    width = 2 if field == 8 else 4
    buf[off + field:off + field + width] = bytes(rng.randrange(256) for _ in range(width))
    return bytes(buf)


def cases(fmt: str):
    """(n, bytes) for this format's mutation corpus, deterministic for the seed."""
    rng = random.Random(f"{SEED}:{fmt}")
    bases = seeds()[fmt]
    zipped = fmt in ZIPPED
    for n in range(CASES):
        base = bases[n % len(bases)]
        if zipped and rng.random() < 0.6:
            yield n, mutate_zip(rng, base)
        else:
            yield n, mutate_bytes(rng, base)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_import(fmt: str, project: Project, path: Path, tmp: Path, n: int) -> None:
    if fmt == "qdpx":
        target = tmp / f"from-qdpx-{n}.npmdesk"
        before = sorted(tmp.iterdir())
        try:
            import_qdpx(path, target, "Ana").summary()
        except NpmdeskError:
            assert not target.exists(), "a refused .qdpx left a project behind"
            assert sorted(tmp.iterdir()) == before, "a refused .qdpx left files behind"
            raise
        with Project.open(target, "Ana") as p:
            p.counts()
    elif fmt == "qdc":
        import_qdc(project, path)
    elif fmt in ("framework.csv", "framework.qdc"):
        import_framework_file(project, path)
    elif fmt == "participants.csv":
        import_participants(project, path)
    else:
        import_files(project, [path], ImportOptions(numbered_names=True, force=True))


def _suffix(fmt: str) -> str:
    return "." + fmt.rsplit(".", 1)[-1]


@pytest.mark.parametrize("fmt", list(seeds()))
def test_mutated_files_are_refused_cleanly(fmt, tmp_path):
    project = Project.create(tmp_path / "study.npmdesk", "Ana")
    work = tmp_path / "work"
    work.mkdir()
    only = None
    if ONLY:
        only_fmt, _, only_n = ONLY.rpartition(":")
        if only_fmt != fmt:
            pytest.skip(f"replaying {ONLY} only")
        only = int(only_n)
    ran = refused = 0
    deadline = time.monotonic() + SECONDS
    try:
        for n, data in cases(fmt):
            if only is not None and n != only:
                continue
            if only is None and time.monotonic() > deadline:
                break
            path = work / f"case-{n}{_suffix(fmt)}"
            path.write_bytes(data)
            before = _digest(project.path)
            try:
                _run_import(fmt, project, path, work, n)
            except NpmdeskError as e:
                refused += 1
                assert str(e), f"{fmt} case {n}: an empty message"
                assert _digest(project.path) == before, f"{fmt} case {n}: refused, but the project changed"
            except Exception as e:  # noqa: BLE001 - the point of the test
                raise AssertionError(f"{fmt} case {n} (seed {SEED}): {type(e).__name__}: {e} (replay with "
                                     f"NPMDESK_FUZZ_SEED={SEED} NPMDESK_FUZZ_CASE={fmt}:{n})") from e
            finally:
                path.unlink(missing_ok=True)
            ran += 1
    finally:
        project.close()
    assert ran >= min(CASES, 10) or only is not None, f"only {ran} cases ran in {SECONDS} s"
    assert only is not None or refused, f"{fmt}: no mutation was refused; the corpus is not mutating"
