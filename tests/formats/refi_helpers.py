"""Shared helpers for the REFI-QDA tests: schemas, hand-built .qdpx files, UTF-16 positions."""

from __future__ import annotations

import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "refi-qda"
# CI checks the repo out with shared/ beside it; a developer's checkout sits at /work/main.
SHARED_CANDIDATES = (Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "refi-qda",
                     Path("/work/shared/fixtures/refi-qda"))
QC_DEMO = next((d / "qc_demo.qdpx" for d in (FIXTURES, *SHARED_CANDIDATES) if (d / "qc_demo.qdpx").exists()), None)
NS = {"q": "urn:QDA-XML:project:1.0"}


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / name)))


def assert_valid(root, name: str) -> None:
    s = schema(name)
    if not s.validate(root):
        raise AssertionError(f"not valid against {name}: {s.error_log}")


def qde_of(qdpx: Path):
    with zipfile.ZipFile(qdpx) as zf:
        return etree.fromstring(zf.read("project.qde"))


def make_qdpx(path: Path, qde: str, files: dict[str, bytes | str] | None = None, qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def u16(text: str, index: int) -> int:
    """UTF-16 code units before code point `index` (how NVivo for Windows counts)."""
    return len(text[:index].encode("utf-16-le")) // 2


def guid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"
