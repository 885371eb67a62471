"""The documents dock on the survey shape: load and paint 20,000 participants (a script, not a test).

    python tests/perf/bench_documents_dock.py [--answers 20000] [--repeats 5]

Builds (or reuses) the survey shape of tests/perf/shapes.py, reads its documents and coded shares
once, then times DocumentList.load + one paint (the current document in the middle), one coding's
share update (one row) and selecting the last document (scrolled to), printing median and max.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = tempfile.mkdtemp(prefix="npmdesk-dock-")
os.environ.setdefault("NPMDESK_DATA_DIR", os.path.join(_TMP, "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", os.path.join(_TMP, "config"))
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import shapes  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    path, _ = shapes.build("survey", quiet=False, answers=args.answers)

    from PySide6.QtWidgets import QApplication

    from npmdesk.store import Project
    from npmdesk.ui.documents_panel import DocumentList

    app = QApplication.instance() or QApplication([])
    p = Project.open(path, shapes.CODER, read_only=True)
    docs, shares = p.documents(), p.coded_shares()
    view = DocumentList()
    view.resize(320, 700)
    view.show()
    app.processEvents()

    def timed(fn, n):
        xs = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            app.processEvents()
            xs.append(time.perf_counter() - t0)
        return statistics.median(xs) * 1000, max(xs) * 1000

    middle = docs[len(docs) // 2].id
    load = timed(lambda: view.load(docs, shares, middle), args.repeats)
    one = timed(lambda: view.update_shares(shares, {docs[5].id}), args.repeats)
    last = timed(lambda: (view.select_document(docs[0].id), view.select_document(docs[-1].id)), args.repeats)
    print(f"{len(docs):,} documents, {len(view.model().group_names()):,} participants")
    for label, (med, mx) in (("load + paint", load), ("one coding's share", one),
                             ("select first then last (scrolled)", last)):
        print(f"{label:<36} median {med:8.2f} ms   max {mx:8.2f} ms")
    p.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
