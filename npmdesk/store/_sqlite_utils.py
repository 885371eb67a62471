"""Import sqlite-utils without the half-second (to 1.5 s) it spends importing pandas and numpy
when they happen to be installed: it only uses them to map DataFrame column types, and npmdesk
never hands it a DataFrame. Both stay importable for anyone else (they are not loaded here)."""

from __future__ import annotations

import sys


def load() -> None:
    if "sqlite_utils" in sys.modules:
        return
    blocked = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # "import pandas" now fails fast
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name) is None:
                del sys.modules[name]
