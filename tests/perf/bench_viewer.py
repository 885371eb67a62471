"""Benchmark of the transcript viewer on a heavily coded transcript (a script, not a unit test).

    .venv/bin/python tests/perf/bench_viewer.py [--words 20000] [--codings 5000] [--repeat 9]
    .venv/bin/python tests/perf/bench_viewer.py --heavy 50000 [--repeat 9]

With --heavy N it opens the heavy shape of issue 14 instead (tests/perf/shapes.py: one ~20,000-word
transcript with N overlapping codings of 100 codes) and reports median and p95 of: reading its
codings (Project.codings_in_document, and the columns Project.coding_spans), opening it in the
window until painted and until every paragraph is coloured, the longest background colouring
step (each must fit a 16 ms frame), and the same open with the columns handed to the viewer.

Generates a 20,000-word synthetic transcript with 5,000 overlapping codings over 40 codes, then
reports medians for: opening the document in the window, scrolling one page and painting it,
and applying a code to a selection (store commit + views updated, and again after the deferred
list refresh has run).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = tempfile.mkdtemp(prefix="npmdesk-bench-")
os.environ["NPMDESK_CONFIG_DIR"] = os.path.join(_TMP, "config")
os.environ["NPMDESK_DATA_DIR"] = os.path.join(_TMP, "data")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from npmdesk.store import Project  # noqa: E402
from npmdesk.core.model import TurnSpec  # noqa: E402

WORDS = ("mentor mentee feedback belonging medicine anatomy exam teaching learning family college "
         "system schedule ward patient listen explain confidence nervous first honest community "
         "support reflect together student clinic 😀 café résumé").split()


def make_transcript(n_words: int, rng: random.Random) -> tuple[str, list[TurnSpec]]:
    parts, turns, pos, count, k = [], [], 0, 0, 0
    while count < n_words:
        speaker = "Interviewer" if k % 2 == 0 else "NPM-1"
        n = rng.randint(8, 25) if speaker == "Interviewer" else rng.randint(30, 120)
        body = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."
        line = f"{speaker}: {body}"
        parts.append(line)
        turns.append(TurnSpec(pos, pos + len(line), speaker))
        pos += len(line) + 1
        count += n + 1
        k += 1
    return "\n".join(parts), turns


def build(path: Path, n_words: int, n_codings: int, rng: random.Random) -> None:
    text, turns = make_transcript(n_words, rng)
    p = Project.create(path, "Bench")
    doc = p.add_document("Heavy interview", text, turns=turns)
    codes = [p.ensure_code_path(f"Theme {i // 8}/Code {i}") for i in range(40)]
    seen = set()
    with p.write("bench codings"):  # one transaction for the setup, not 5,000 fsyncs
        while len(seen) < n_codings:
            start = rng.randrange(0, len(text) - 50)
            end = min(len(text), start + rng.randint(20, 600))
            code = rng.choice(codes)
            if (code, start, end) in seen:
                continue
            seen.add((code, start, end))
            p.apply_coding(doc, code, start, end)
    p.close()


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=20_000)
    ap.add_argument("--codings", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--heavy", type=int, metavar="CODINGS", help="the heavy shape with this many codings")
    args = ap.parse_args()
    if args.heavy:
        return heavy(args.heavy, args.repeat)
    rng = random.Random(4)
    path = Path(_TMP) / "heavy.npmdesk"
    t = time.perf_counter()
    build(path, args.words, args.codings, rng)
    print(f"generated {args.words} words, {args.codings} codings in {time.perf_counter() - t:.1f} s")

    app = QApplication.instance() or QApplication([])
    from npmdesk.ui import MainWindow

    window = MainWindow(path, coder="Bench")
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    if getattr(getattr(window, "counting", None), "pending", False):  # a first open counts in the background
        from PySide6.QtCore import QEventLoop
        _counted = QEventLoop()
        window.counting.ready.connect(_counted.quit)
        _counted.exec()
    doc = window.current_document
    view = window.transcript
    print(f"transcript: {len(view.toPlainText())} UTF-16 units, {view.blockCount()} paragraphs, "
          f"{len(view.index.spans)} codings")

    opens = []
    for _ in range(args.repeat):
        view.clear_document()
        app.processEvents()
        t = time.perf_counter()
        window.open_document(doc)
        view.viewport().repaint()
        opens.append(time.perf_counter() - t)
    app.processEvents()

    bar = view.verticalScrollBar()
    scrolls = []
    for i in range(max(args.repeat * 4, 30)):
        target = rng.randint(bar.minimum(), bar.maximum())
        t = time.perf_counter()
        bar.setValue(target)
        view.viewport().repaint()
        view.margin.repaint()
        scrolls.append(time.perf_counter() - t)

    code_ids = list(window.code_panel.model.codes)
    applies, settled = [], []
    text_len = view.positions.length
    for i in range(args.repeat):
        start = rng.randrange(0, text_len - 200)
        view.select_span(start, start + rng.randint(10, 150))
        t = time.perf_counter()
        ok = window.coding.apply_code(code_ids[(i * 7) % len(code_ids)])
        view.viewport().repaint()
        applies.append(time.perf_counter() - t)
        app.processEvents()  # the deferred refresh of excerpts, shares and status
        settled.append(time.perf_counter() - t)
        assert ok
    undo = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        window.undo_stack.undo()
        view.viewport().repaint()
        undo.append(time.perf_counter() - t)
        app.processEvents()

    print(f"open document (load + highlight + first paint): {median_ms(opens)}")
    print(f"scroll to a random place + paint text and margin: {median_ms(scrolls)}")
    print(f"apply a code (commit + viewer + tree):           {median_ms(applies)}")
    print(f"apply a code, after the deferred list refresh:   {median_ms(settled)}")
    print(f"undo a coding (commit + viewer + tree):          {median_ms(undo)}")
    window.close()
    return 0


def _ms(samples: list[float]) -> str:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return f"median {statistics.median(s) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms (n={len(s)})"


def heavy(codings: int, repeat: int) -> int:
    import shutil

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import shapes

    src, _ = shapes.build("heavy", quiet=False, codings=codings)
    path = Path(_TMP) / "heavy-shape.npmdesk"
    shutil.copyfile(src, path)
    app = QApplication.instance() or QApplication([])
    from npmdesk.ui import MainWindow

    window = MainWindow(path, coder=shapes.CODER)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    if getattr(getattr(window, "counting", None), "pending", False):  # a first open counts in the background
        from PySide6.QtCore import QEventLoop
        _counted = QEventLoop()
        window.counting.ready.connect(_counted.quit)
        _counted.exec()
    p = window.project
    doc = p.db.execute("SELECT document_id FROM codings GROUP BY document_id ORDER BY count(*) DESC "
                       "LIMIT 1").fetchone()[0]
    view = window.transcript
    out: dict[str, list[float]] = {}

    def add(key, seconds):
        out.setdefault(key, []).append(seconds)

    spans_reader = getattr(p, "coding_spans", None)
    for _ in range(repeat):
        t = time.perf_counter()
        p.codings_in_document(doc)
        add("read its codings: codings_in_document", time.perf_counter() - t)
        if spans_reader is not None:
            t = time.perf_counter()
            spans_reader(doc)
            add("read its codings: coding_spans (columns)", time.perf_counter() - t)

    def colour_all(key, t0):
        steps = []
        while view.highlighter is not None and view.highlighter.pending:
            s0 = time.perf_counter()
            app.processEvents()
            steps.append(time.perf_counter() - s0)
        add(f"{key}: every paragraph coloured", time.perf_counter() - t0)
        add(f"{key}: longest background step", max(steps, default=0.0))

    for _ in range(repeat):
        view.clear_document()
        app.processEvents()
        t0 = time.perf_counter()
        window.open_document(doc)
        view.viewport().repaint()
        add("window opens it: painted", time.perf_counter() - t0)
        colour_all("window opens it", t0)
        if spans_reader is not None:
            # What the window's open does, with the columns read for the viewer.
            view.clear_document()
            app.processEvents()
            t0 = time.perf_counter()
            view.load(doc, p.document_text(doc), spans_reader(doc), p.turns(doc), p.codes())
            view.viewport().repaint()
            add("columns to the viewer: painted", time.perf_counter() - t0)
            colour_all("columns to the viewer", t0)
    print(f"heavy transcript: {len(view.index.spans):,} codings, {view.blockCount()} paragraphs, "
          f"load {os.getloadavg()[0]:.1f}")
    for key, samples in out.items():
        print(f"{key:<52} {_ms(samples)}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
