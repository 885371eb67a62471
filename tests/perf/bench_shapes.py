"""Store operations on every project shape of issue 14, and how they grow with the project's size.

    python tests/perf/bench_shapes.py [--quick] [--repeats N] [--json OUT] [--profile]

For each shape (tests/perf/shapes.py: one heavy transcript, 125/500/2,000 interviews, 5,000/20,000
survey answers) it times, on a fresh copy of the cached project: opening it with the code tree,
counts and coded shares ready (a fresh process's first open: no counts cache, and a later open),
one recount after a coding, phrase search (first page and the first 1,000 hits), every excerpt
of the biggest theme (first screen and all), applying and removing a coding; and the peak RSS of
a fresh process doing all of it. Medians and p95 of the repeats are printed, then a growth table:
time against codings with the exponent of a least-squares fit of log(time) on log(size) over each
shape's sizes (1 = linear). `--profile` prints the top cProfile entries of each measure instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
_TMP = Path(tempfile.mkdtemp(prefix="npmdesk-shapes-run-"))
os.environ.setdefault("NPMDESK_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", str(_TMP / "config"))

import shapes  # noqa: E402
from npmdesk.store import ExcerptFilter, Project  # noqa: E402

PAGE = 50  # excerpts or hits on a first screen
PHRASE = '"budget cuts"'

# (shape, size parameter, sizes): each shape grows along its own axis.
GRID = (
    ("heavy", "codings", (10_000, 25_000, 50_000)),
    ("docs", "documents", (125, 500, 2_000)),
    ("survey", "answers", (5_000, 20_000)),
)
QUICK_GRID = (("heavy", "codings", (10_000,)), ("docs", "documents", (125,)), ("survey", "answers", (5_000,)))

BUDGETS = {"open": 0.5, "open_cold": None, "recount": 0.03, "search_page": 0.1, "search_1000": None,
           "excerpts_page": 0.1, "excerpts_all": None, "first_write": None, "apply": 0.03, "remove": 0.03}
LABELS = {
    "open": "open + code tree, counts, coded shares (counts cached)",
    "open_cold": "same, first open (no counts cache)",
    "recount": "counts + shares again after one coding",
    "search_page": f"search {PHRASE}: first {PAGE} hits",
    "search_1000": f"search {PHRASE}: up to 1,000 hits",
    "excerpts_page": f"biggest theme's excerpts: first {PAGE}",
    "excerpts_all": "biggest theme's excerpts: all",
    "first_write": "the day's first coding (a backup copy first)",
    "apply": "apply a coding (durable)",
    "remove": "remove it again (durable)",
}


def _has_paging(fn) -> bool:
    import inspect
    return "offset" in inspect.signature(fn).parameters


def _forget_counts_cache() -> None:
    """A first open: no counts cache from an earlier session (the cache lives in the data dir)."""
    shutil.rmtree(Path(os.environ["NPMDESK_DATA_DIR"]) / "counts", ignore_errors=True)


def open_ready(path: Path) -> Project:
    p = Project.open(path, shapes.CODER)
    p.codes()
    p.code_counts()
    p.code_counts(with_descendants=True)
    p.coded_shares()
    return p


class Run:
    def __init__(self, path: Path, repeats: int, profile: bool):
        self.path, self.repeats, self.profile = path, repeats, profile
        self.samples: dict[str, list[float]] = {}
        self.notes: dict[str, str] = {}

    def time(self, key, fn, times=None, setup=None):
        xs = self.samples.setdefault(key, [])
        for _ in range(times or self.repeats):
            if setup:
                setup()
            if self.profile and not xs:
                prof = cProfile.Profile()
                t0 = time.perf_counter()
                prof.enable()
                out = fn()
                prof.disable()
                xs.append(time.perf_counter() - t0)
                s = io.StringIO()
                pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(14)
                print(f"--- {key}: {xs[-1] * 1000:.1f} ms\n" + "\n".join(s.getvalue().splitlines()[6:30]))
                continue
            t0 = time.perf_counter()
            out = fn()
            xs.append(time.perf_counter() - t0)
        return out

    def go(self):
        path = self.path

        def cold():
            p = open_ready(path)
            p.close()
        self.time("open_cold", cold, times=max(3, self.repeats // 2), setup=_forget_counts_cache)

        def warm():
            p = open_ready(path)
            p.close()
        self.time("open", warm)
        p = open_ready(path)
        tops = [c.id for c in p.codes() if c.parent_id is None]
        totals = p.code_counts(with_descendants=True)
        theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)
        self.notes["excerpts_all"] = f"{totals[theme].codings:,} excerpts"
        flt = ExcerptFilter(code_ids=(theme,), with_descendants=True)
        paged_ex, paged_search = _has_paging(p.excerpts), _has_paging(p.search)
        if paged_ex:
            self.time("excerpts_page", lambda: p.excerpts(flt, limit=PAGE))
        else:
            self.time("excerpts_page", lambda: p.excerpts(flt)[:PAGE])
            self.notes["excerpts_page"] = "no paging: all retrieved"
        self.time("excerpts_all", lambda: p.excerpts(flt))
        if paged_search:
            hits = self.time("search_page", lambda: p.search(PHRASE, limit=PAGE))
        else:
            hits = self.time("search_page", lambda: p.search(PHRASE)[:PAGE])
            self.notes["search_page"] = "no paging: 1,000 hits found"
        hits = self.time("search_1000", lambda: p.search(PHRASE))
        self.notes["search_1000"] = f"{len(hits)} hits"
        doc = p.db.execute("SELECT document_id FROM codings GROUP BY document_id ORDER BY count(*) DESC "
                           "LIMIT 1").fetchone()[0]
        length = p.db.execute("SELECT length FROM documents WHERE id = ?", (doc,)).fetchone()[0]
        leaf = max(p.codes(), key=lambda c: c.id).id
        made = []

        def apply():
            i = len(made)
            s = (i * 7919) % max(1, length - 200)
            made.append(p.apply_coding(doc, leaf, s, s + 100 + i % 50))

        def recount():
            p.code_counts()
            p.code_counts(with_descendants=True)
            p.coded_shares()
        # The day's first write copies the project into its backups folder first (store/backups.py):
        # timed on its own, so that "apply" is what every later coding costs.
        self.time("first_write", apply, times=1)
        self.time("recount", recount, times=1)
        for _ in range(self.repeats):
            self.time("apply", apply, times=1)
            self.time("recount", recount, times=1)
        for cid in made:
            self.time("remove", lambda: p.remove_coding(cid), times=1)
        p.close()
        rss = child_rss(path)
        return {"rss_mb": rss}


def child_rss(path: Path) -> float:
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); sys.path.insert(0, {str(HERE.parents[1])!r}); "
            "import bench_shapes as b; b._child(sys.argv[1])")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         timeout=600, env=os.environ.copy())
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(out.stderr[-800:])
    return json.loads(lines[-1])["rss_mb"]


def _child(path: str) -> None:
    """A fresh process's session: open (no counts cache), the biggest theme's excerpts, a search."""
    _forget_counts_cache()
    p = open_ready(Path(path))
    tops = [c.id for c in p.codes() if c.parent_id is None]
    totals = p.code_counts(with_descendants=True)
    theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)
    p.excerpts(ExcerptFilter(code_ids=(theme,), with_descendants=True))
    p.search(PHRASE)
    p.search("feedback")
    print(json.dumps({"rss_mb": peak_rss_mb()}), flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    fork and exec, so a child of a big benchmark process would report its parent's peak."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stat(xs, which):
    if not xs:
        return None
    if which == "median":
        return statistics.median(xs)
    ys = sorted(xs)
    return ys[min(len(ys) - 1, round(0.95 * (len(ys) - 1)))]


def fit_exponent(points) -> float | None:
    """Slope of log(t) on log(n): 1.0 is linear growth, 0 is none."""
    pts = [(math.log(n), math.log(t)) for n, t in points if n and t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


def fmt(v):
    return "-" if v is None else f"{v * 1000:.1f}" if v < 10 else f"{v:.1f} s"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smallest size of each shape only")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--json", metavar="OUT")
    ap.add_argument("--profile", action="store_true", help="print cProfile's top entries per measure")
    ap.add_argument("--shape", choices=[g[0] for g in GRID], action="append")
    args = ap.parse_args(argv)
    grid = QUICK_GRID if args.quick else GRID
    results = []
    for shape, axis, sizes in grid:
        if args.shape and shape not in args.shape:
            continue
        for size in sizes:
            src, params = shapes.build(shape, quiet=False, **{axis: size})
            path = _TMP / f"{shape}-{size}.npmdesk"
            shutil.copyfile(src, path)
            import sqlite3
            conn = sqlite3.connect(str(path))
            codings = conn.execute("SELECT count(*) FROM codings").fetchone()[0]
            docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            conn.close()
            print(f"{shape} {axis}={size}: {docs:,} documents, {codings:,} codings", file=sys.stderr, flush=True)
            run = Run(path, args.repeats, args.profile)
            extra = run.go()
            row = {"shape": shape, "axis": axis, "size": size, "documents": docs, "codings": codings,
                   "rss_mb": round(extra["rss_mb"]), "notes": run.notes,
                   "measures": {k: {"median": stat(v, "median"), "p95": stat(v, "p95"), "runs": len(v)}
                                for k, v in run.samples.items()}}
            results.append(row)
            for k in LABELS:
                m = row["measures"].get(k)
                if m:
                    print(f"  {LABELS[k]:<58} median {fmt(m['median']):>8} ms  p95 {fmt(m['p95']):>8} ms  "
                          f"{run.notes.get(k, '')}", file=sys.stderr, flush=True)
            print(f"  peak RSS of a fresh session: {row['rss_mb']} MB", file=sys.stderr, flush=True)
            path.unlink(missing_ok=True)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    shutil.rmtree(_TMP, ignore_errors=True)
    return 0


def table(results) -> str:
    """Markdown: one row per measure, one column per shape and size (median ms), then the exponent."""
    lines = []
    for shape in dict.fromkeys(r["shape"] for r in results):
        rows = [r for r in results if r["shape"] == shape]
        head = ["measure (median ms; p95)", *(f"{r['documents']:,} docs / {r['codings']:,} codings" for r in rows),
                "exponent", "budget"]
        lines += [f"\n**{shape}**\n", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for k, label in LABELS.items():
            cells, pts = [], []
            for r in rows:
                m = r["measures"].get(k)
                if not m or m["median"] is None:
                    cells.append("-")
                    continue
                cells.append(f"{fmt(m['median'])}; {fmt(m['p95'])}")
                pts.append((r["codings"], m["median"]))
            e = fit_exponent(pts)
            b = BUDGETS.get(k)
            lines.append("| " + " | ".join([label, *cells, "-" if e is None else f"{e:.2f}",
                                            "-" if b is None else f"{b * 1000:.0f} ms"]) + " |")
        pts = [(r["codings"], r["rss_mb"]) for r in rows]
        e = fit_exponent(pts)
        lines.append("| " + " | ".join(["peak RSS, fresh session (MB)", *(str(r["rss_mb"]) for r in rows),
                                        "-" if e is None else f"{e:.2f}", "400 MB"]) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
