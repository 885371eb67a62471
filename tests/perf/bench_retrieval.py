"""The retrieval view on a big theme (a script, not a test): open, scroll, context, print-ready.

    python tests/perf/bench_retrieval.py [--size medium|full] [--at-least 4000] [--repeats 3]

Opens the benchmark corpus (tests/perf/corpus.py) in the window, picks the smallest top-level
theme with at least --at-least excerpts (with sub-codes), and times: opening the view on it (count
and the first page), the next page on scrolling, the page again with one paragraph of context,
writing every excerpt (what Print, PDF and Word wait for) and saving it as PDF. Median and max.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = tempfile.mkdtemp(prefix="npmdesk-retrieval-")
os.environ.setdefault("NPMDESK_DATA_DIR", os.path.join(_TMP, "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", os.path.join(_TMP, "config"))
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import corpus  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="full", choices=sorted(corpus.SIZES))
    ap.add_argument("--at-least", type=int, default=4000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    source, _ = corpus.build(args.size, quiet=True)
    path = Path(_TMP) / "bench.npmdesk"
    shutil.copy(source, path)

    from PySide6.QtWidgets import QApplication

    from npmdesk.core.model import ExcerptFilter
    from npmdesk.ui import MainWindow

    app = QApplication.instance() or QApplication([])
    w = MainWindow(path, coder=corpus.CODER)
    w.resize(1366, 740)
    w.show()
    app.processEvents()
    if getattr(getattr(w, "counting", None), "pending", False):  # a first open counts in the background
        from PySide6.QtCore import QEventLoop
        _counted = QEventLoop()
        w.counting.ready.connect(_counted.quit)
        _counted.exec()
    p = w.project
    sizes = {c.id: p.count_excerpts(ExcerptFilter(code_ids=(c.id,), with_descendants=True))
             for c in p.codes() if c.parent_id is None}
    big = [c for c, n in sizes.items() if n >= args.at_least]
    if not big:
        print(f"no theme with {args.at_least} excerpts in the {args.size} corpus (largest {max(sizes.values())})")
        return 1
    theme = min(big, key=sizes.get)
    view = w.retrieval
    print(f"{args.size} corpus; theme {w.catalog.get(theme).path!r}: {sizes[theme]} excerpts")
    results: dict[str, list[float]] = {}

    def timed(label: str, fn) -> None:
        t = time.perf_counter()
        fn()
        app.processEvents()
        results.setdefault(label, []).append(time.perf_counter() - t)

    for _ in range(args.repeats):
        view.context.setCurrentIndex(0)
        view.hide()
        timed("open the view on the theme (count + first page)", lambda: view.open_for(theme))
        bar = view.page.verticalScrollBar()
        timed("scroll to the end of what is written (next page)", lambda: bar.setValue(bar.maximum()))
        timed("one paragraph of context (the pages shown, again)", lambda: view.context.setCurrentIndex(1))
        timed("write every excerpt (before Print, PDF, Word)", view.load_all)
        timed("scroll to the middle and paint",
              lambda: (bar.setValue(bar.maximum() // 2), view.page.viewport().repaint()))
        out = Path(_TMP) / "theme.pdf"
        timed("save as PDF (all written)", lambda: view.save_pdf(str(out)))
    for label, times in results.items():
        print(f"  {label:<55} median {statistics.median(times) * 1000:8.0f} ms   max {max(times) * 1000:8.0f} ms")
    print(f"  ({len(view.excerpts)} excerpts written; PDF {out.stat().st_size // 1024} KB)")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
