"""No install may pair PySide6 6.12.0 with Python 3.11 (it aborts with none_dealloc)."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def pyside_specs(python_version: str):
    deps = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["dependencies"]
    reqs = [Requirement(d) for d in deps]
    env = {"python_version": python_version, "python_full_version": python_version + ".0"}
    return [r.specifier for r in reqs if r.name.lower() == "pyside6-essentials"
            and (r.marker is None or r.marker.evaluate(env))]


def test_python_311_cannot_get_pyside_612():
    [spec] = pyside_specs("3.11")
    assert not spec.contains("6.12.0") and not spec.contains("6.12.1")
    assert spec.contains("6.11.3")


def test_python_312_and_313_get_current_pyside():
    for version in ("3.12", "3.13"):
        [spec] = pyside_specs(version)
        assert spec.contains("6.12.0")


def test_installed_pair_is_safe():
    import sys
    from importlib.metadata import version

    if sys.version_info[:2] == (3, 11):
        assert not version("PySide6-Essentials").startswith("6.12")
