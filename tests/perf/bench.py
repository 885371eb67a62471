"""The study-scale benchmark: every measure of issue 8, the median of repeated runs, beside its budget.

    python tests/perf/bench.py [--size small|medium|full] [--json OUT] [--no-fail] [--repeats N]
    python tests/perf/bench.py --table small.json medium.json full.json   (side by side, Markdown)

Runs on a copy of the cached synthetic corpus (tests/perf/corpus.py), headless (Qt offscreen),
with settings and backups in a temporary folder. A measure whose code is not in the tree yet is
reported "n/a" with the reason instead of failing. Exit 1 when a budget is missed, unless --no-fail.
Timings are wall-clock on a warm page cache (the corpus was just generated or read).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="npmdesk-bench-run-"))
os.environ.setdefault("NPMDESK_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", str(_TMP / "config"))

import corpus  # noqa: E402
from npmdesk.store import ExcerptFilter, Project  # noqa: E402

MS, S, MB = "ms", "s", "MB"


class NotAvailable(Exception):
    """The code this measure drives is not in the tree (yet)."""


class Result:
    def __init__(self, key, label, budget, unit=MS, stat="median"):
        self.key, self.label, self.budget, self.unit, self.stat = key, label, budget, unit, stat
        self.samples: list[float] = []
        self.note = ""
        self.status = "n/a"

    @property
    def value(self):
        if not self.samples:
            return None
        if self.stat == "p95":
            xs = sorted(self.samples)
            return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
        if self.stat == "max":
            return max(self.samples)
        return statistics.median(self.samples)

    def judge(self):
        v = self.value
        if v is None:
            self.status = "n/a"
        elif self.budget is None:
            self.status = "-"
        else:
            self.status = "PASS" if v <= self.budget else "MISS"

    def shown(self, v):
        if v is None:
            return "-"
        if self.unit == MS:
            return f"{v * 1000:.1f} ms"
        if self.unit == MB:
            return f"{v:.0f} MB"
        return f"{v:.2f} s"

    def to_json(self):
        scale = 1000 if self.unit == MS else 1
        return {"key": self.key, "label": self.label, "stat": self.stat, "unit": self.unit,
                "value": None if self.value is None else round(self.value * scale, 3),
                "budget": None if self.budget is None else round(self.budget * scale, 3),
                "status": self.status, "runs": len(self.samples), "note": self.note}


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# Child processes: cold start and peak memory must be measured in a fresh interpreter ---------------

def child_session(path: str, doc_id: int, theme_id: int) -> None:
    """Start the app's window on `path` and report the wall clock at its first paint, then do a
    session's worth of reading (heaviest transcript, a theme's excerpts, searches) and report peak RSS."""
    out = {"window": False}
    try:
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
        from PySide6.QtWidgets import QApplication
        try:
            from npmdesk.ui import MainWindow
        except ImportError:
            from npmdesk.ui.main_window import MainWindow
    except ImportError as e:
        out["error"] = f"main window not importable ({e})"
        MainWindow = None
    if MainWindow is not None:
        app = QApplication([])

        class FirstPaint(QObject):
            def eventFilter(self, obj, event):  # noqa: N802
                if event.type() == QEvent.Type.Paint and "painted_at" not in out:
                    out["painted_at"] = time.time()
                    QTimer.singleShot(0, loop.quit)
                return False

        loop = QEventLoop()  # not app.exec(): Qt 6's quit() closes the windows (and the project)
        w = MainWindow(path, coder=corpus.CODER)
        spy = FirstPaint()
        w.installEventFilter(spy)
        w.show()
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
        out["window"] = True
        if getattr(getattr(w, "counting", None), "pending", False):  # a first open counts in the background
            from PySide6.QtCore import QEventLoop
            _counted = QEventLoop()
            w.counting.ready.connect(_counted.quit)
            _counted.exec()
        w.open_document(doc_id)
        app.processEvents()
        w.transcript.viewport().repaint()
        project = w.project
    else:
        project = Project.open(path, corpus.CODER)
        project.document_text(doc_id)
        project.codings_in_document(doc_id)
    project.excerpts(ExcerptFilter(code_ids=(theme_id,), with_descendants=True))
    project.search("feedback")
    out["rss_mb"] = _peak_rss_mb()
    print(json.dumps(out), flush=True)
    os._exit(0)  # skip Qt teardown: not part of any measure


def _peak_rss_mb() -> float:
    """Peak resident memory of this process: VmHWM, since Linux carries ru_maxrss over fork and
    exec (a child of a big benchmark process would report its parent's peak)."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(path, doc_id, theme_id) -> dict:
    t0 = time.time()
    p = subprocess.run([sys.executable, __file__, "--child-session", str(path), str(doc_id), str(theme_id)],
                       capture_output=True, text=True, timeout=300, env=os.environ.copy())
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"child failed: {p.stderr.strip()[-500:]}")
    out = json.loads(lines[-1])
    if "painted_at" in out:
        out["cold_start"] = out["painted_at"] - t0
    return out


# The benchmark ----------------------------------------------------------------------------------

class Bench:
    def __init__(self, size: str, repeats: int, seed: int):
        self.size, self.repeats = size, repeats
        self.results: list[Result] = []
        t0 = time.perf_counter()
        cached, info = corpus.build(size, seed)
        self.generation = None if info.get("cached") else time.perf_counter() - t0
        self.path = _TMP / "study.npmdesk"
        shutil.copyfile(cached, self.path)
        conn = sqlite3.connect(str(self.path))
        self.heavy_doc = conn.execute("SELECT document_id FROM codings GROUP BY document_id "
                                      "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        self.heavy_codings = conn.execute("SELECT count(*) FROM codings WHERE document_id = ?",
                                          (self.heavy_doc,)).fetchone()[0]
        self.counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in ("documents", "codes", "codings")}
        self.words = conn.execute("SELECT sum(words) FROM documents").fetchone()[0]
        conn.close()
        self.project = Project.open(self.path, corpus.CODER)
        codes = self.project.codes()
        tops = [c.id for c in codes if c.parent_id is None]
        totals = self.project.code_counts(with_descendants=True)
        self.theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)

    def measure(self, key, label, budget, fn, unit=MS, stat="median"):
        r = Result(key, label, budget, unit, stat)
        self.results.append(r)
        try:
            fn(r)
        except NotAvailable as e:
            r.note = str(e)
        except Exception as e:  # a broken measure is reported, the others still run
            r.note = f"error: {type(e).__name__}: {e}"[:300]
            r.samples = []
        r.judge()
        print(f"  {r.label:<58} {r.shown(r.value):>12}  {r.status}", file=sys.stderr, flush=True)
        return r

    def run(self):
        n = self.repeats
        p = self.project
        self.measure("cold_start", "cold start to first paint of the main window", 1.5, self.cold_start, S)
        self.measure("rss", "peak RSS with the full project open", 400, self.rss, MB, "max")

        def open_project(r):
            for _ in range(n):
                def go():
                    q = Project.open(self.path, corpus.CODER)
                    q.codes()
                    q.code_counts()
                    q.code_counts(with_descendants=True)
                    return q
                t, q = timed(go)
                q.close()
                r.samples.append(t)
        self.measure("open", "open project, code tree with counts ready", 0.5, open_project)
        self.viewer()

        def excerpts(r):
            flt = ExcerptFilter(code_ids=(self.theme,), with_descendants=True)
            for _ in range(n):
                t, ex = timed(lambda: p.excerpts(flt))
                r.samples.append(t)
            r.note = f"{len(ex)} excerpts"
        self.measure("excerpts", "every excerpt of a top-level theme (with descendants)", 0.1, excerpts)

        def first_screen(r):
            flt = ExcerptFilter(code_ids=(self.theme,), with_descendants=True)
            for _ in range(n):
                t, ex = timed(lambda: p.excerpts(flt, limit=50))
                r.samples.append(t)
            r.note = f"{len(ex)} of {p.count_excerpts(flt)} excerpts"
        self.measure("excerpts_page", "first screen (50) of that theme's excerpts", 0.1, first_screen)
        for key, query in (("search_page", '"honest feedback"'),):
            def search_page(r, query=query):
                for _ in range(n):
                    t, hits = timed(lambda: p.search(query, limit=50))
                    r.samples.append(t)
                r.note = f"{len(hits)} hits"
            self.measure(key, f"full-text search: {query}, first 50 hits", 0.1, search_page)
        for key, query in (("search_word", "feedback"), ("search_phrase", '"honest feedback"')):
            def search(r, query=query):
                for _ in range(n):
                    t, hits = timed(lambda: p.search(query))
                    r.samples.append(t)
                r.note = f"{len(hits)} hits"
            self.measure(key, f"full-text search: {query}", 0.1, search)
        self.matrices()
        self.measure("export", "Word export of 10,000 excerpts", 15.0, self.export, S)
        self.measure("import", "import of 100 .docx files", 20.0, self.import_docx, S)

    # Individual measures ----------------------------------------------------------------------------

    def cold_start(self, r):
        self._children = []
        for _ in range(max(3, self.repeats // 2)):
            out = run_child(self.path, self.heavy_doc, self.theme)
            self._children.append(out)
            if not out.get("window"):
                raise NotAvailable(out.get("error", "no main window"))
            if "cold_start" not in out:
                raise RuntimeError("the window never painted")
            r.samples.append(out["cold_start"])

    def rss(self, r):
        runs = getattr(self, "_children", None) or [run_child(self.path, self.heavy_doc, self.theme)]
        r.samples = [c["rss_mb"] for c in runs]
        r.note = ("window open on the heaviest transcript" if runs[0].get("window") else "store only") + \
            ", a theme's excerpts retrieved, a word searched"

    def viewer(self):
        try:
            from PySide6.QtWidgets import QApplication
            from npmdesk.ui.main_window import MainWindow
        except ImportError as e:
            for key, label, budget, stat in self.viewer_measures:
                r = self.measure(key, label, budget, lambda r: None, stat=stat)
                r.note = f"main window not importable ({e})"
            return
        app = QApplication.instance() or QApplication([])
        w = MainWindow(self.path, coder=corpus.CODER)
        w.show()
        app.processEvents()
        if getattr(getattr(w, "counting", None), "pending", False):  # a first open counts in the background
            from PySide6.QtCore import QEventLoop
            _counted = QEventLoop()
            w.counting.ready.connect(_counted.quit)
            _counted.exec()
        p, doc, view = w.project, self.heavy_doc, w.transcript
        other = next(d.id for d in p.documents() if d.id != doc)

        def show_heavy(r):
            for _ in range(self.repeats):
                w.open_document(other)
                app.processEvents()
                t, _ = timed(lambda: (w.open_document(doc), app.processEvents(), view.viewport().repaint()))
                r.samples.append(t)
            r.note = f"{self.heavy_codings} codings"

        def scroll(r):
            bar = view.verticalScrollBar()
            bar.setValue(0)
            app.processEvents()
            while bar.value() < bar.maximum():
                t, _ = timed(lambda: (bar.setValue(bar.value() + bar.pageStep()), view.viewport().repaint()))
                r.samples.append(t)
            r.note = f"{len(r.samples)} pages"

        text = p.document_text(doc)
        code = next(c.id for c in p.codes() if c.parent_id is not None)
        spans = [(i, min(len(text), i + 300)) for i in range(len(text) // 7, len(text), len(text) // 23)][:20]
        applied = []

        def apply(r):
            for s, e in spans:
                t, _ = timed(lambda: (w.coding.apply_code(code, (s, e), doc), view.viewport().repaint()))
                r.samples.append(t)
                t2, _ = timed(app.processEvents)  # the deferred refresh of the longer lists
                applied.append(t + t2)
                w.undo_stack.undo()
                app.processEvents()

        def apply_all(r):
            r.samples = applied

        def undo(r):
            for s, e in spans[:10]:
                w.coding.apply_code(code, (s, e), doc)
                app.processEvents()
                t, _ = timed(lambda: (w.undo_stack.undo(), view.viewport().repaint()))
                r.samples.append(t)
                app.processEvents()

        fns = {"viewer_open": show_heavy, "viewer_scroll": scroll, "apply": apply,
               "apply_deferred": apply_all, "undo": undo}
        for key, label, budget, stat in self.viewer_measures:
            self.measure(key, label, budget, fns[key], stat=stat)
        w.close()
        app.processEvents()

    viewer_measures = (
        ("viewer_open", "open the most heavily coded transcript, painted", 0.3, "median"),
        ("viewer_scroll", "scroll it, one page, repainted (p95; budget: a frame)", 1 / 60, "p95"),
        ("apply", "apply a coding: durable + repainted (p95)", 0.03, "p95"),
        ("apply_deferred", "  ... plus the deferred list refresh (p95)", None, "p95"),
        ("undo", "undo a coding: durable + repainted (p95)", 0.03, "p95"),
    )

    def matrices(self):
        p = self.project
        if not hasattr(p, "matrix"):
            r = self.measure("matrix", "matrices", 0.5, lambda r: None)
            r.note = "project.matrix not in the tree"
            return
        kinds = [("codes", "participants", "codings", False), ("codes", "participants", "participants", True),
                 ("codes", "documents", "codings", False), ("codes", "kinds", "codings", True),
                 ("codes", "attribute:background", "codings", False), ("codes", "participants", "coverage", False),
                 ("codes", "documents", "coverage", True), ("codes", "codes", "codings", False),
                 ("codes", "codes", "codings", True)]
        for rows, cols, measure, agg in kinds:
            def go(r, args=(rows, cols, measure)):
                for _ in range(max(3, self.repeats // 2)):
                    t, _ = timed(lambda: p.matrix(*args, aggregate=agg))
                    r.samples.append(t)
            self.measure(f"matrix_{rows}_{cols}_{measure}{'_agg' if agg else ''}",
                         f"matrix {rows} x {cols} ({measure}{', themes' if agg else ''})", 0.5, go)

    def export(self, r):
        try:
            from npmdesk.formats.reports.excerpts import export_excerpts_docx
            from npmdesk.formats.reports.selection import ReportSelection
        except ImportError as e:
            raise NotAvailable(f"Word export not in the tree ({e})") from None
        p = self.project
        per_doc = dict(p.db.execute("SELECT document_id, count(*) FROM codings GROUP BY document_id"))
        names, total = [], 0
        for d in p.documents():
            if total >= 10_000:
                break
            names.append(d.name)
            total += per_doc.get(d.id, 0)
        sel = ReportSelection(documents=tuple(names))
        for i in range(3):
            t, count = timed(lambda: export_excerpts_docx(p, _TMP / f"excerpts-{i}.docx", sel))
            r.samples.append(t)
        size = (_TMP / "excerpts-0.docx").stat().st_size / 2**20
        r.note = f"{count:,} excerpts{' (all this corpus has)' if count < 10_000 else ''}, {size:.1f} MB"

    def import_docx(self, r):
        from npmdesk.formats.importing import import_files, supported_suffixes
        if ".docx" not in supported_suffixes():
            raise NotAvailable("no .docx reader in the tree")
        folder = corpus.cache_dir() / "docx-100-seed1"
        paths = sorted(folder.glob("*.docx"))
        if len(paths) != 100:
            shutil.rmtree(folder, ignore_errors=True)
            paths = corpus.write_docx_files(folder, 100)
        for i in range(3):
            target = Project.create(_TMP / f"import-{i}.npmdesk", corpus.CODER)
            try:
                t, rep = timed(lambda: import_files(target, paths))
            finally:
                target.close()
            r.samples.append(t)
        r.note = f"{len(rep.imported)} imported, {sum(d.words for d in rep.imported):,} words"


def machine() -> dict:
    cpu = "?"
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(), "load": os.getloadavg()}


def side_by_side(paths: list[str]) -> str:
    """A Markdown table of several --json results (e.g. three sizes), so growth is visible."""
    runs = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]

    def cell(r):
        if r is None or r["value"] is None:
            return "n/a"
        v = f"{r['value']:.1f} ms" if r["unit"] == MS else f"{r['value']:.0f} MB" if r["unit"] == MB \
            else f"{r['value']:.2f} s"
        return v + (" MISS" if r["status"] == "MISS" else "")

    def budget(r):
        b = r["budget"]
        return "-" if b is None else f"{b:.4g} ms" if r["unit"] == MS else f"{b:g} MB" if r["unit"] == MB else f"{b:g} s"

    head = ["measure", *(f"{r['size']} ({r['corpus']['codings']:,} codings)" for r in runs), "budget"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i, first in enumerate(runs[0]["results"]):
        row = [next((x for x in run["results"] if x["key"] == first["key"]), None) for run in runs]
        lines.append("| " + " | ".join([first["label"].strip(" ."), *map(cell, row), budget(first)]) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child-session":
        child_session(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--table":
        print(side_by_side(sys.argv[2:]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="small")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=7, help="runs per fast measure (median reported)")
    ap.add_argument("--json", metavar="OUT", help="write the results as JSON")
    ap.add_argument("--no-fail", action="store_true", help="exit 0 even when a budget is missed")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    b = Bench(args.size, args.repeats, args.seed)
    head = (f"npmdesk benchmark, size {args.size}: {b.counts['documents']} transcripts, {b.words:,} words, "
            f"{b.counts['codes']} codes, {b.counts['codings']:,} codings"
            + (f" (generated in {b.generation:.1f} s)" if b.generation is not None else " (cached corpus)"))
    print(head, file=sys.stderr, flush=True)
    b.run()
    b.project.close()
    elapsed = time.perf_counter() - started
    width = max(len(r.label) for r in b.results)
    print(f"\n{head}\n")
    print(f"{'measure':<{width}}  {'value':>11}  {'budget':>9}  status  note")
    for r in b.results:
        print(f"{r.label:<{width}}  {r.shown(r.value):>11}  {r.shown(r.budget) if r.budget else '-':>9}  "
              f"{r.status:<6}  {r.note}")
    misses = [r for r in b.results if r.status == "MISS"]
    print(f"\n{len(misses)} budget(s) missed; benchmark took {elapsed:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "size": args.size, "seed": args.seed, "corpus": {**b.counts, "words": b.words},
            "generation_s": b.generation, "machine": machine(), "elapsed_s": round(elapsed, 1),
            "results": [r.to_json() for r in b.results]}, indent=2), encoding="utf-8")
    shutil.rmtree(_TMP, ignore_errors=True)
    return 0 if args.no_fail or not misses else 1


if __name__ == "__main__":
    sys.exit(main())
