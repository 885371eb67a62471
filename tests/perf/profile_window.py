"""cProfile of the window's gestures on a shape of issue 14 (a script for finding where time goes).

    python tests/perf/profile_window.py docs --documents 2000 [--top 25]

Opens the main window (headless) on a copy of the cached shape and profiles, one at a time:
opening the project until the window is shown, selecting the biggest theme in the code tree
(its excerpts listed), applying a code to a passage of the heaviest transcript until the event
loop is idle again, and a search. For each it prints the wall time and the functions with the most
cumulative time, split into what the store (npmdesk/store) and the window (npmdesk/ui) spent.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="npmdesk-profile-"))
os.environ.setdefault("NPMDESK_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", str(_TMP / "config"))
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import shapes  # noqa: E402


def report(label: str, prof: cProfile.Profile, seconds: float, top: int) -> None:
    s = io.StringIO()
    st = pstats.Stats(prof, stream=s)
    print(f"\n=== {label}: {seconds * 1000:.0f} ms")
    for part in ("npmdesk/store", "npmdesk/ui", "npmdesk/core"):
        s.seek(0)
        s.truncate()
        st.sort_stats("cumulative").print_stats(part, top)
        lines = [ln for ln in s.getvalue().splitlines() if part in ln]
        print(f"--- {part} (cumulative)")
        print("\n".join(lines[:top]))


def profiled(label, fn, top, app):
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    out = fn()
    app.processEvents()
    prof.disable()
    report(label, prof, time.perf_counter() - t0, top)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shape", choices=sorted(shapes.DEFAULTS))
    for name in ("codings", "documents", "answers"):
        ap.add_argument(f"--{name}", type=int)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args(argv)
    overrides = {k: getattr(args, k) for k in ("codings", "documents", "answers")
                 if getattr(args, k) is not None and k in shapes.DEFAULTS[args.shape]}
    src, _ = shapes.build(args.shape, quiet=False, **overrides)
    path = _TMP / "profiled.npmdesk"
    shutil.copyfile(src, path)

    from PySide6.QtWidgets import QApplication
    from npmdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    w = profiled("open the project, window shown", lambda: _open(MainWindow, path, app), args.top, app)
    p = w.project
    tops = [c.id for c in p.codes() if c.parent_id is None]
    totals = p.code_counts(with_descendants=True)
    theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)
    doc = p.db.execute("SELECT document_id FROM codings GROUP BY document_id ORDER BY count(*) DESC "
                       "LIMIT 1").fetchone()[0]
    leaf = max(c.id for c in p.codes())
    profiled("select the biggest theme in the code tree (excerpts listed)",
             lambda: w.code_tree.select_code(theme), args.top, app)
    w.open_document(doc)
    app.processEvents()
    profiled("apply a code in the heaviest transcript, until idle",
             lambda: w.coding.apply_code(leaf, (10, 60), doc), args.top, app)
    profiled('search "budget cuts" in the whole project', lambda: w.search('"budget cuts"', True), args.top, app)
    w.close()
    shutil.rmtree(_TMP, ignore_errors=True)
    return 0


def _open(MainWindow, path, app):
    w = MainWindow(path, coder=shapes.CODER)
    w.show()
    app.processEvents()
    return w


if __name__ == "__main__":
    raise SystemExit(main())
