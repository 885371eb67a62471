"""cProfile of the window's gestures on a shape of issue 14 (a script for finding where time goes).

    python tests/perf/profile_window.py docs --documents 2000 [--top 25]
    python tests/perf/profile_window.py docs --documents 2000 --measure [--repeats 15] [--json OUT]

Opens the main window (headless) on a copy of the cached shape and profiles, one at a time:
opening the project until the window is shown, selecting the biggest theme in the code tree
(its excerpts listed), applying a code to a passage of the heaviest transcript until the event
loop is idle again, and a search. For each it prints the wall time and the functions with the most
cumulative time, split into what the store (npmdesk/store) and the window (npmdesk/ui) spent.

With --measure it times the window's gestures instead (no profiler), each repeated, and prints the
median and p95: opening the project to an interactive window (counts cached, as on every open but
the first), selecting the biggest theme (its excerpts' first screen), clicking a code in the tree
with a passage selected (the code selected, its excerpts shown, the coding durable and the viewer
repainted) while the theme's excerpts are on show, the follow-up work after it (event loop idle:
excerpts list, counts, coded shares), undo and redo (durable + repainted, then the follow-up),
and a search's first screen. Run it on an old checkout's package to compare under the same load.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import statistics
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
    ap.add_argument("--measure", action="store_true", help="time the gestures (median, p95) instead")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args(argv)
    overrides = {k: getattr(args, k) for k in ("codings", "documents", "answers")
                 if getattr(args, k) is not None and k in shapes.DEFAULTS[args.shape]}
    src, _ = shapes.build(args.shape, quiet=False, **overrides)
    path = _TMP / "profiled.npmdesk"
    shutil.copyfile(src, path)

    from PySide6.QtWidgets import QApplication
    from npmdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    if args.measure:
        return measure(MainWindow, path, app, args)
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


def _stats(xs: list[float]) -> dict:
    ys = sorted(xs)
    return {"median": statistics.median(ys) * 1000, "p95": ys[min(len(ys) - 1, round(0.95 * (len(ys) - 1)))] * 1000,
            "n": len(ys)}


def measure(MainWindow, path, app, args) -> int:
    from npmdesk.store import backups

    n = args.repeats
    out: dict[str, list[float]] = {}

    def timed(key, fn):
        t0 = time.perf_counter()
        fn()
        out.setdefault(key, []).append(time.perf_counter() - t0)

    w = _open(MainWindow, path, app)  # the first open ever counts (a cold counts cache); not timed
    w.close()
    app.processEvents()
    for _ in range(max(3, n // 3)):
        holder = []
        timed("open the project: window shown, interactive", lambda: holder.append(_open(MainWindow, path, app)))
        holder[0].close()
        app.processEvents()
    w = _open(MainWindow, path, app)
    p = w.project
    codes = p.codes()
    tops = [c.id for c in codes if c.parent_id is None]
    totals = p.code_counts(with_descendants=True)
    theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)
    leaves = [c.id for c in codes if c.id in set(p.code_descendants(theme)) and c.id != theme][:2]
    doc = p.db.execute("SELECT document_id FROM codings GROUP BY document_id ORDER BY count(*) DESC "
                       "LIMIT 1").fetchone()[0]
    view = w.transcript
    docs = getattr(w, "document_list", None) or p.documents()
    other = next(d.id for d in docs if d.id != doc) if len(docs) > 1 else None
    for _i in range(n):
        if other is not None:
            w.open_document(other)
        else:
            view.clear_document()
        app.processEvents()
        t0 = time.perf_counter()
        w.open_document(doc)
        view.viewport().repaint()
        out.setdefault("open the heaviest transcript: painted", []).append(time.perf_counter() - t0)
        while view.highlighter is not None and view.highlighter.pending:
            app.processEvents()
        out.setdefault("  ... every paragraph coloured", []).append(time.perf_counter() - t0)
    app.processEvents()
    text = p.document_text(doc)
    for _i in range(n):
        w.code_tree.select_code(leaves[0])
        app.processEvents()
        timed("select the biggest theme: excerpts' first screen shown",
              lambda: (w.code_tree.select_code(theme), app.processEvents()))
    # The day's first write (its backup) happens before the measures, as on any day but the first.
    w.coding.apply_code(leaves[0], (1, 5), doc)
    app.processEvents()
    w.undo_stack.undo()
    app.processEvents()
    getattr(backups, "wait_for_backups", lambda: None)()  # (an older tree copies in place)
    step = max(1, len(text) // (n + 2))
    for i in range(n):
        s = (i * step) % max(1, len(text) - 80)
        leaf = leaves[i % 2]
        w.code_tree.select_code(theme)  # the theme's excerpts on show while coding into it
        app.processEvents()

        def click():  # mouse press selects the code; the click codes the selection
            w.code_tree.select_code(leaf)
            w.coding.apply_code(leaf, (s, s + 60), doc)
            view.viewport().repaint()
        timed("click a code: durable + repainted (p95 budget 30 ms)", click)
        timed("  then the follow-up until idle", app.processEvents)
        timed("undo: durable + repainted", lambda: (w.undo_stack.undo(), view.viewport().repaint()))
        timed("  then the follow-up until idle ", app.processEvents)
        timed("redo: durable + repainted", lambda: (w.undo_stack.redo(), view.viewport().repaint()))
        timed("  then the follow-up until idle  ", app.processEvents)
        w.undo_stack.undo()
        app.processEvents()
    for _i in range(n):
        timed('search "budget cuts", whole project: first screen',
              lambda: (w.search('"budget cuts"', True), app.processEvents()))
    w.close()
    app.processEvents()
    results = {k: _stats(v) for k, v in out.items()}
    print(f"\n{args.shape} {overrides_text(args)}, load {os.getloadavg()[0]:.1f}")
    for k, r in results.items():
        print(f"{k:<58} median {r['median']:8.1f} ms   p95 {r['p95']:8.1f} ms   (n={r['n']})")
    if args.json:
        Path(args.json).write_text(json.dumps({"shape": args.shape, "load": os.getloadavg(), "results": results},
                                              indent=2), encoding="utf-8")
    return 0


def overrides_text(args) -> str:
    return " ".join(f"{k}={getattr(args, k)}" for k in ("codings", "documents", "answers") if getattr(args, k))


def _open(MainWindow, path, app):
    w = MainWindow(path, coder=shapes.CODER)
    w.show()
    app.processEvents()
    return w


if __name__ == "__main__":
    raise SystemExit(main())
