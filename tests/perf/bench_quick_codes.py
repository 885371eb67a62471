"""Benchmark: number keys and pins in the window at study scale (issue 18 point 5).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_quick_codes.py [--size full] [--runs 5]

On a copy of the cached corpus (tests/perf/corpus.py), in the real window with its heaviest
transcript open, measures, best of --runs: a code applied with a number key (the coding, the
views following it and the bar), a click on the quick-code bar, and a pin and its undo (each a
step through window.run; the row journal reports code_keys rows as `everything`, so the views
reload for a pin). Exit 1 if applying a code is over 100 ms (DESIGN.md: instant).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = tempfile.mkdtemp(prefix="npmdesk-bench-keys-")
os.environ["NPMDESK_CONFIG_DIR"] = os.path.join(_TMP, "config")
os.environ.setdefault("NPMDESK_DATA_DIR", os.path.join(_TMP, "data"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.corpus import build  # noqa: E402

APPLY_BUDGET_S = 0.1


def best(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--size", default="full")
    args.add_argument("--runs", type=int, default=5)
    opts = args.parse_args(argv)
    source, _ = build(opts.size, quiet=False)
    path = Path(_TMP) / "study.npmdesk"
    shutil.copy(source, path)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from npmdesk.ui import MainWindow

    app = QApplication.instance() or QApplication([])
    w = MainWindow(path, coder="Bench Coder")
    w.resize(1366, 768)
    w.show()
    app.processEvents()
    if getattr(getattr(w, "counting", None), "pending", False):  # a first open counts in the background
        from PySide6.QtCore import QEventLoop
        _counted = QEventLoop()
        w.counting.ready.connect(_counted.quit)
        _counted.exec()
    p = w.project
    counts = p.code_counts()
    doc = max(p.documents(), key=lambda d: len(p.codings_in_document(d.id))).id
    w.open_document(doc)
    codable = [c.id for c in p.codes() if c.id not in p.non_codable_codes()]
    busy = sorted(codable, key=lambda c: -(counts[c].codings if c in counts else 0))
    for c in busy[:9]:
        w.remember_code(c)
    t = w.transcript
    text = p.document_text(doc)
    spot = [0]

    def select_next() -> None:
        spot[0] += 997
        at = spot[0] % max(1, len(text) - 40)
        t.select_span(at, at + 30)

    def by_key() -> None:
        select_next()
        QTest.keyClick(t, Qt.Key.Key_3)
        app.processEvents()

    def by_bar() -> None:
        select_next()
        QTest.mouseClick(w.code_panel.quick_bar.buttons[4], Qt.MouseButton.LeftButton)
        app.processEvents()

    def pin_and_undo() -> None:
        w.quick_codes.pin(busy[10], 5)
        app.processEvents()
        w.undo_stack.undo()
        app.processEvents()

    t.setFocus()
    before = p.counts()["codings"]
    key_s = best(opts.runs, by_key)
    bar_s = best(opts.runs, by_bar)
    made = p.counts()["codings"] - before
    if made != 2 * opts.runs:  # each gesture must really have coded (a refusal would be fast too)
        print(f"expected {2 * opts.runs} new codings, got {made}")
        return 1
    pin_s = best(opts.runs, pin_and_undo) / 2
    print(f"{opts.size}: {len(p.documents())} documents, {p.counts()['codings']} codings, "
          f"transcript with {len(p.codings_in_document(doc))} codings")
    print(f"apply by number key    {key_s * 1000:7.1f} ms")
    print(f"apply by bar click     {bar_s * 1000:7.1f} ms")
    print(f"pin (or its undo)      {pin_s * 1000:7.1f} ms")
    w.close()
    return 0 if max(key_s, bar_s) <= APPLY_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
