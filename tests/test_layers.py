"""The layer rule, enforced: ui -> store/formats -> core; Qt only in ui; no SQL in ui."""

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "npmdesk"

# What each layer may import from npmdesk (besides itself and the top-level helper modules).
ALLOWED = {
    "core": {"core"},
    "store": {"core", "store"},
    "formats": {"core", "store", "formats"},
    "commands": {"core", "store", "formats", "commands", "cli"},
    "ui": {"core", "store", "formats", "ui", "demo"},
}
TOP_LEVEL_HELPERS = {"paths", "settings", "__init__"}


def imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def modules():
    return [p for p in PKG.rglob("*.py")]


def test_qt_only_in_ui():
    offenders = [str(p.relative_to(PKG)) for p in modules()
                 if p.relative_to(PKG).parts[0] != "ui" and p.name != "__main__.py"
                 and any(m.split(".")[0] in ("PySide6", "shiboken6") for m in imports(p))]
    assert offenders == []


def test_layers_point_down():
    offenders = []
    for p in modules():
        rel = p.relative_to(PKG)
        layer = rel.parts[0] if len(rel.parts) > 1 else None
        if layer not in ALLOWED:
            continue
        for m in imports(p):
            parts = m.split(".")
            if parts[0] != "npmdesk" or len(parts) < 2:
                continue
            target = parts[1]
            if target in TOP_LEVEL_HELPERS or target == "__init__":
                continue
            if target not in ALLOWED[layer]:
                offenders.append(f"{rel} imports {m}")
    assert offenders == []


def test_ui_writes_no_sql():
    sql = re.compile(r"\.execute\(|\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b")
    offenders = [str(p.relative_to(PKG)) for p in (PKG / "ui").rglob("*.py") if sql.search(p.read_text("utf-8"))]
    assert offenders == []
