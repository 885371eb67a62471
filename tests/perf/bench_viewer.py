"""Benchmark of the transcript viewer on a heavily coded transcript (a script, not a unit test).

    .venv/bin/python tests/perf/bench_viewer.py [--words 20000] [--codings 5000] [--repeat 9]
    .venv/bin/python tests/perf/bench_viewer.py --heavy 50000 [--repeat 9]

With --heavy N it opens the heavy shape of issue 14 instead (tests/perf/shapes.py: one ~20,000-word
transcript with N overlapping codings of 100 codes) and reports median and p95 of: reading its
codings (Project.codings_in_document, and the columns Project.coding_spans), opening it in the
window until painted and until every paragraph is coloured, the longest background colouring
step (each must fit a 16 ms frame), and the same open with the columns handed to the viewer.
Beside them the floor (issue 14): reading its codings (Project.coding_spans) and its text, and
painting that text plain (a QPlainTextEdit without highlighter, the transcript's font, wrapping and
text-area size). Budgets: painted under 100 ms (median) and every paragraph coloured under 5x the
floor (medians). `--growth 10000,20000,50000` adds a table of those medians by number of codings
with the fitted exponent (log-log least squares). Exit 1 when a budget is missed, unless --no-fail.

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
    ap.add_argument("--growth", metavar="N,N,...", help="with --heavy: also these sizes, and the fitted exponent")
    ap.add_argument("--no-fail", action="store_true", help="exit 0 even when a budget is missed")
    args = ap.parse_args()
    if args.heavy:
        sizes = sorted({args.heavy, *(int(n) for n in args.growth.split(","))}) if args.growth else None
        return heavy(args.heavy, args.repeat, sizes, args.no_fail)
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


PAINTED_BUDGET = 0.100  # seconds: a heavy transcript is on screen, its visible page coloured
COLOURED_FLOOR_RATIO = 5.0  # every paragraph coloured within this many times the floor


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def _ms(samples: list[float]) -> str:
    s = sorted(samples)
    return f"median {statistics.median(s) * 1000:7.1f} ms, p95 {_p95(s) * 1000:7.1f} ms (n={len(s)})"


def _exponent(sizes: list[int], values: list[float]) -> float:
    """The slope of log(value) against log(size), least squares: 1.0 is linear growth."""
    import math

    xs, ys = [math.log(n) for n in sizes], [math.log(max(v, 1e-9)) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def heavy(codings: int, repeat: int, sizes: list[int] | None = None, no_fail: bool = False) -> int:
    app = QApplication.instance() or QApplication([])
    out = measure_heavy(app, codings, repeat, full=True)
    for key, samples in out.items():
        print(f"{key:<52} {_ms(samples)}")
    med = {k: statistics.median(v) for k, v in out.items()}
    painted, coloured = med["window opens it: painted"], med["window opens it: every paragraph coloured"]
    floor = med["floor: coding_spans + text + plain paint"]
    ok_painted = painted < PAINTED_BUDGET
    ok_ratio = coloured < COLOURED_FLOOR_RATIO * floor
    print(f"painted {painted * 1000:.1f} ms (p95 {_p95(out['window opens it: painted']) * 1000:.1f}) "
          f"against {PAINTED_BUDGET * 1000:.0f} ms: {'ok' if ok_painted else 'OVER BUDGET'}")
    print(f"coloured / floor = {coloured * 1000:.1f} / {floor * 1000:.1f} ms = {coloured / floor:.2f}x "
          f"against {COLOURED_FLOOR_RATIO:.0f}x: {'ok' if ok_ratio else 'OVER BUDGET'}")
    if sizes:
        rows = {}
        for n in sizes:
            rows[n] = out if n == codings else measure_heavy(app, n, repeat, full=False)
        keys = ("read its codings: coding_spans (columns)", "floor: coding_spans + text + plain paint",
                "window opens it: painted", "window opens it: every paragraph coloured")
        print(f"\ngrowth (medians, ms; load {os.getloadavg()[0]:.1f})")
        print("| codings | " + " | ".join(k.split(": ", 1)[-1] if k.startswith("window") else k.split(":")[0]
                                           for k in keys) + " | coloured / floor |")
        print("|---" * (len(keys) + 2) + "|")
        for n in sizes:
            m = {k: statistics.median(rows[n][k]) for k in keys}
            print(f"| {n:,} | " + " | ".join(f"{m[k] * 1000:.1f}" for k in keys)
                  + f" | {m[keys[3]] / m[keys[1]]:.2f}x |")
        if len(sizes) > 1:
            print("| fitted exponent | " + " | ".join(
                f"{_exponent(sizes, [statistics.median(rows[n][k]) for n in sizes]):.2f}" for k in keys) + " | |")
    return 0 if no_fail or (ok_painted and ok_ratio) else 1


def measure_heavy(app, codings: int, repeat: int, full: bool) -> dict[str, list[float]]:
    """Samples (seconds) by measure on the heavy shape with this many codings. `full`: also the
    reads through codings_in_document and the open with the columns handed to the viewer."""
    import shutil

    from PySide6.QtWidgets import QPlainTextEdit

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import shapes

    src, _ = shapes.build("heavy", quiet=False, codings=codings)
    path = Path(_TMP) / f"heavy-shape-{codings}.npmdesk"
    shutil.copyfile(src, path)
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
    for _ in range(repeat if full else 0):
        t = time.perf_counter()
        p.codings_in_document(doc)
        add("read its codings: codings_in_document", time.perf_counter() - t)
    for _ in range(repeat):
        if spans_reader is not None:
            t = time.perf_counter()
            spans_reader(doc)
            add("read its codings: coding_spans (columns)", time.perf_counter() - t)

    # The floor: what any viewer must do to show this transcript with its codings known, read the
    # codings and paint the text, plain (no highlighter, no margin), in a text area of the size and
    # font the transcript has in the window.
    plain = QPlainTextEdit()
    plain.setReadOnly(True)
    plain.setFont(view.font())
    plain.setWordWrapMode(view.wordWrapMode())
    plain.resize(view.viewport().width() + view.frameWidth() * 2 + view.verticalScrollBar().sizeHint().width(),
                 view.height())
    plain.show()
    app.processEvents()
    plain.resize(plain.width() + view.viewport().width() - plain.viewport().width(), plain.height())
    app.processEvents()
    for _ in range(repeat):
        plain.clear()
        app.processEvents()
        t0 = time.perf_counter()
        (spans_reader or p.codings_in_document)(doc)
        plain.setPlainText(p.document_text(doc))
        plain.viewport().repaint()
        add("floor: coding_spans + text + plain paint", time.perf_counter() - t0)
    plain.close()
    app.processEvents()

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
        if spans_reader is not None and full:
            # What the window's open does, with the columns read for the viewer.
            view.clear_document()
            app.processEvents()
            t0 = time.perf_counter()
            view.load(doc, p.document_text(doc), spans_reader(doc), p.turns(doc), p.codes())
            view.viewport().repaint()
            add("columns to the viewer: painted", time.perf_counter() - t0)
            colour_all("columns to the viewer", t0)
    print(f"heavy transcript: {len(view.index.spans):,} codings, {view.blockCount()} paragraphs, "
          f"text area {view.viewport().width()}x{view.viewport().height()}, load {os.getloadavg()[0]:.1f}")
    window.close()
    window.deleteLater()
    app.processEvents()
    return out


if __name__ == "__main__":
    sys.exit(main())
