"""The layer rule, enforced: the import-linter contracts in pyproject.toml (cli -> ui | commands -> demo
-> formats -> store -> core; Qt only in ui; core pure), a run-time check for what static analysis
cannot see (importlib loads), and no SQL in ui."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "npmdesk"

pytest.importorskip("importlinter", reason="import-linter comes with pip install -e '.[test]'")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package in `cwd` (a fresh process: it must find that copy, not one imported)."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_import_contracts_hold():
    r = lint_imports(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


PROBES = {
    "core/zz_probe.py": "from ..store import Project\n",             # a relative import up a layer
    "formats/zz_probe.py": "def f():\n    import PySide6.QtCore\n",  # Qt in a function, outside ui
    "demo.py": "from npmdesk.ui import app\n",                       # a top-level module importing ui
    "commands/zz_probe.py": "from npmdesk import cli\n",             # commands importing their caller
}


def test_contracts_catch_what_the_hand_test_missed(tmp_path):
    shutil.copytree(PKG, tmp_path / "npmdesk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for where, source in PROBES.items():
        probe = tmp_path / "npmdesk" / where
        probe.write_text((probe.read_text("utf-8") if probe.exists() else "") + source, encoding="utf-8")
    r = lint_imports(tmp_path)
    assert r.returncode == 1 and "BROKEN" in r.stdout, r.stdout + r.stderr
    for where in PROBES:
        culprit = "npmdesk." + where.removesuffix(".py").replace("/", ".")
        assert f"{culprit} -> " in r.stdout, culprit


def test_nothing_but_the_window_loads_qt_at_run_time():
    """importlib loads (commands, optional readers) are invisible to static analysis: load them all."""
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for p in PKG.rglob("*.py") if p.relative_to(PKG).parts[0] not in ("ui", "__main__.py"))
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from npmdesk.cli import build_parser\n"
        "from npmdesk.formats.importing import supported_suffixes\n"
        "build_parser(); supported_suffixes()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'npmdesk') "
        "and (m.startswith('npmdesk.ui') or not m.startswith('npmdesk'))))\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_ui_writes_no_sql():
    sql = re.compile(r"\.execute\(|\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b")
    offenders = [str(p.relative_to(PKG)) for p in (PKG / "ui").rglob("*.py") if sql.search(p.read_text("utf-8"))]
    assert offenders == []
