"""Benchmark: editing a heavily coded transcript, and the de-identified copy (a script, not a unit test).

    .venv/bin/python tests/perf/bench_edit.py [--words 20000] [--codings 5000] [--repeat 15] [--corpus full]
    .venv/bin/python tests/perf/bench_edit.py --codings 10000 --no-copy     # issue 17's edit latency

1. The store edit (Project.edit_text: text, codings, turns, participant links, version row;
   committed with synchronous=FULL) at the start, middle and end of a 20,000-word transcript: a
   same-length replacement (no coding after it moves) and a one-character insertion (every
   coding after it shifts).
2. The same through the window: one typed character in edit mode (store commit + the viewer
   refreshed in place + margin repainted), its undo, and the viewer's own share of it (the
   in-place refresh the window asks for, without the store), the size of one typed
   character's undo journal (a shift is one entry, not one per moved row) and what 200 typed
   characters (one merged undo step) hold in memory.
3. `save_deidentified_copy` of the benchmark corpus (tests/perf/corpus.py) with a pseudonym table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.bench_viewer import _TMP, build  # noqa: E402  (sets the config/data dirs first)

from npmdesk.store import Project  # noqa: E402


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] * 1000


def line(name: str, samples: list[float]) -> str:
    return (f"{name}: median {statistics.median(samples) * 1000:.1f} ms, p95 {pct(samples, 0.95):.1f} ms "
            f"(n={len(samples)})")


def frame(view) -> None:
    """The frame after the change, as tests/perf/profile_window.py paints it: viewport().repaint()
    paints every dirty widget of the window once (the margin marked dirty so it is always in it;
    repainting the margin again after it counted its paint twice)."""
    view.margin.update()
    view.viewport().repaint()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=20_000)
    ap.add_argument("--codings", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--corpus", default="small", help="corpus size for the de-identified copy (small, medium, full)")
    ap.add_argument("--no-copy", action="store_true", help="skip the de-identified copy")
    args = ap.parse_args()
    rng = random.Random(7)
    path = Path(_TMP) / "heavy.npmdesk"
    build(path, args.words, args.codings, rng)

    p = Project.open(path, "Bench")
    doc = p.documents()[0].id
    length = len(p.document_text(doc))
    store, inserts = [], []
    for i in range(args.repeat):
        at = [rng.randrange(0, 200), length // 2, length - 300][i % 3] + rng.randrange(0, 100)
        t = time.perf_counter()
        p.edit_text(doc, [(at, at + 4, "edit")])
        store.append(time.perf_counter() - t)
        p.seal_pending()
        t = time.perf_counter()
        p.edit_text(doc, [(at, at, "x")])
        inserts.append(time.perf_counter() - t)
        p.seal_pending()  # the shifts' undo digests, after the commit (the window does it once shown)
    n = len(p.codings_in_document(doc))
    p.close()
    print(f"transcript: {args.words} words, {n} codings")
    print(line("store edit, same-length replacement (durable)", store))
    print(line("store edit, one character inserted (durable)", inserts))

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from npmdesk.ui import MainWindow

    window = MainWindow(path, coder="Bench")
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    window.open_document(doc)
    app.processEvents()
    window.heap.settle()  # the quiet moment after opening, before a user types (ui/heap_settle.py)
    editor = window.transcript_edit
    editor.set_editing(True)
    view = window.transcript
    assert view.positions is not None
    typed, settled, undone, refresh = [], [], [], []
    for i in range(args.repeat):
        at = view.positions.length // 2 + i
        t = time.perf_counter()
        ok = editor.replace(at, at, "x", label="Type text")  # each its own step (no merge) for the timing
        frame(view)
        typed.append(time.perf_counter() - t)
        app.processEvents()
        settled.append(time.perf_counter() - t)
        assert ok
    from npmdesk.ui.commands import StoreStep

    command = window.undo_stack.command(window.undo_stack.index() - 1)
    assert isinstance(command, StoreStep)
    last = command.step
    shifts = sum(e.op == "s" for e in last.entries)
    for _ in range(args.repeat):
        t = time.perf_counter()
        window.undo_stack.undo()
        frame(view)
        undone.append(time.perf_counter() - t)
        app.processEvents()
    print(line("window edit (store + viewer in place + repaint)", typed))
    print(line("window edit, after deferred refreshes", settled))
    print(line("window undo of an edit (store + viewer in place + repaint)", undone))
    print(f"undo journal of one typed character: {len(last.entries)} entries ({shifts} of them shifts, one per "
          f"table), {len(last.changes.codings_changed)} codings moved, {len(last.changes.counted_codes or ())} codes "
          f"whose codings changed, {len(last.changes.recounted or ())} to recount")
    # What a burst of typing keeps for undo (one merged step): a few bytes per character typed,
    # not the transcript's text twice per keystroke.
    import tracemalloc

    at = view.positions.length // 3
    tracemalloc.start()
    for i in range(200):
        editor.replace(at + i, at + i, "y", typing=True)
        app.processEvents()
    journal_bytes = sum(stat.size for stat in tracemalloc.take_snapshot().statistics("filename")
                        if stat.traceback[0].filename.endswith(("store/journal.py", "ui/commands.py")))
    tracemalloc.stop()
    command = window.undo_stack.command(window.undo_stack.index() - 1)
    assert isinstance(command, StoreStep)
    print(f"undo history of 200 typed characters (one step): {len(command.step.entries)} entries, "
          f"{journal_bytes / 1024:.0f} kB held (the transcript is {view.positions.length / 1000:.0f} k characters)")
    # The viewer's share: refresh the transcript on show to an edited text (what the window does
    # after the store has committed), given what the store reads for it.
    project = window.project
    assert project is not None
    text = project.document_text(doc)
    spans, turns, codes = project.coding_spans(doc), project.turns(doc), project.codes()
    from npmdesk.core.text_edits import apply_edits

    for i in range(args.repeat):
        at = len(text) // 2 + i
        new_text, mapping = apply_edits(text, [(at, at, "x")])
        moved = type(spans)(spans.ids, spans.code_ids, [mapping.start(s) for s in spans.starts],
                            [mapping.end(e) for e in spans.ends], spans.coder_ids)
        t = time.perf_counter()
        view.load(doc, new_text, moved, turns, codes)
        frame(view)
        refresh.append(time.perf_counter() - t)
        view.load(doc, text, spans, turns, codes)
        app.processEvents()
    print(line("viewer's share: in-place refresh + repaint", refresh))
    window.close()
    if args.no_copy:
        return 0

    from tests.perf import corpus

    from npmdesk.store.deidentified_copy import save_deidentified_copy

    cpath, _info = corpus.build(args.corpus)
    source = Project.open(cpath, "Bench", read_only=True)
    codings = source.db.execute("SELECT count(*) FROM codings").fetchone()[0]
    words = source.db.execute("SELECT sum(words) FROM documents").fetchone()[0]
    # A realistic table: participants' names plus a few places, applied through a writable temp copy.
    tmp = Path(_TMP) / "corpus-with-table.npmdesk"
    source.save_copy(tmp)
    source.close()
    table = Project.open(tmp, "Bench")
    for term, repl in (("cohort", "[group]"), ("hospital", "[hospital]"), ("anatomy", "[subject]"),
                       ("feedback", "comments")):
        table.set_pseudonym(term, "replace", repl)
    out = Path(_TMP) / "deidentified.npmdesk"
    out.unlink(missing_ok=True)
    t = time.perf_counter()
    report = save_deidentified_copy(table, out)
    seconds = time.perf_counter() - t
    table.close()
    print(f"de-identified copy of the {args.corpus} corpus ({words:,} words, {codings:,} codings): {seconds:.1f} s "
          f"— {report.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
