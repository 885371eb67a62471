"""A project's first open on this computer (no counts cache): launch to an interactive window (a script).

    .venv/bin/python tests/perf/bench_cold_open.py docs --documents 2000 [--runs 5] [--json OUT]

Each run is a fresh process (the interpreter start and every import included) with an empty data
folder, so the counts cache (store/counts_cache.py) is absent, as for a project received from a
colleague. It opens the main window on a copy of the cached shape (tests/perf/shapes.py) at
1366x768 and reports, from the process's launch:

- **interactive**: the window shown, its code tree and documents listed, its first frame painted
  and the event loop free for input (its second turn after `show()`: the first frame is done on
  the first);
- **counts shown**: the code tree's and documents' counts on screen (at once where they are
  counted before the window shows; later where they are counted in the background);
- the longest the event loop went without a turn from interactive until the counts are shown, and
  for at least a second (a 5 ms timer's largest gap: how long a click would have waited; the same
  second is watched where nothing is counted, for comparison).

Medians and p95 over the runs; the load average beside them (2 cores; spread ±10–15 %).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WATCH_S = 1.0  # the event loop's gaps are watched this long after interactive at least (or until counted)
ROOT = HERE.parents[1]


def child(path: str, t_launch: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from npmdesk.ui.main_window import MainWindow

    w = MainWindow(path, coder="Bench Coder")
    w.resize(1366, 740)
    w.show()
    marks: dict[str, float] = {}
    gaps = [0.0]
    last = [0.0]

    def pending() -> bool:
        counting = getattr(w, "counting", None)  # ui/background_counts.py (absent before it existed)
        return bool(counting is not None and counting.pending)

    def tick() -> None:
        now = time.time()
        if "loop" not in marks:
            marks["loop"] = now  # the loop's first turn: the first frame is still queued
        elif "interactive" not in marks:
            marks["interactive"] = now  # the first frame painted, the loop free for input
        elif last[0]:
            gaps.append(now - last[0])
        last[0] = now
        if "interactive" in marks and not pending():
            marks.setdefault("counts", now)
            if now - marks["interactive"] >= WATCH_S:  # (a second at least: the same window for every version)
                app.quit()

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    QTimer.singleShot(0, tick)
    app.exec()
    timer.stop()
    print(json.dumps({"interactive": marks["interactive"] - t_launch, "counts": marks["counts"] - t_launch,
                      "frame": marks["interactive"] - marks["loop"], "stall": max(gaps),
                      "count": getattr(getattr(w, "counting", None), "took", None) or 0.0,
                      "documents": len(w.document_list)}))
    w.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shape", nargs="?", default="docs")
    ap.add_argument("--documents", type=int)
    ap.add_argument("--codings", type=int)
    ap.add_argument("--answers", type=int)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", metavar="OUT")
    ap.add_argument("--warm", action="store_true",
                    help="the counts cache kept from a first, untimed run (every open but the first), for comparison")
    ap.add_argument("--child", nargs=2, metavar=("PATH", "T0"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], float(args.child[1]))
        return 0
    sys.path.insert(0, str(HERE))
    import shapes

    overrides = {k: getattr(args, k) for k in ("codings", "documents", "answers")
                 if getattr(args, k) is not None and k in shapes.DEFAULTS[args.shape]}
    src, _ = shapes.build(args.shape, quiet=False, **overrides)
    tmp = Path(tempfile.mkdtemp(prefix="npmdesk-cold-"))
    path = tmp / "cold.npmdesk"
    rows: list[dict] = []
    try:
        shutil.copyfile(src, path)
        for run in range(args.runs + args.warm):
            data, config = tmp / "data", tmp / "config"
            if not args.warm:
                shutil.rmtree(data, ignore_errors=True)  # no counts cache: a first open on this computer
            shutil.rmtree(config, ignore_errors=True)
            env = dict(os.environ, NPMDESK_DATA_DIR=str(data), NPMDESK_CONFIG_DIR=str(config),
                       QT_QPA_PLATFORM="offscreen", QT_QPA_OFFSCREEN_SCREEN_SIZE="1366x768")
            t0 = time.time()
            out = subprocess.run([sys.executable, __file__, "--child", str(path), repr(t0)], env=env,
                                 capture_output=True, text=True, timeout=600)
            if out.returncode:
                print(out.stderr, file=sys.stderr)
                return 1
            if not (args.warm and run == 0):
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def stats(key: str) -> tuple[float, float]:
        xs = sorted(r[key] * 1000 for r in rows)
        return statistics.median(xs), xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]

    load = os.getloadavg()
    print(f"{args.shape} {overrides or ''}: {rows[0]['documents']:,} documents, {len(rows)} fresh processes, "
          f"counts cache {'kept' if args.warm else 'absent'}, "
          f"load {load[0]:.2f} {load[1]:.2f}")
    for key, label in (("interactive", "launch -> interactive window"), ("counts", "launch -> counts shown"),
                       ("frame", "  of which the first frame (after show)"),
                       ("count", "the background count itself (start to shown)"),
                       ("stall", "longest event-loop gap (>= 1 s, and while counting)")):
        med, p95 = stats(key)
        print(f"  {label:<40} median {med:7.0f} ms   p95 {p95:7.0f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "load": load}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
