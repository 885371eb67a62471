"""Benchmark: the coded-excerpts Word report (and its CSV) of a project with 10,000 codings.

Generates a synthetic study once per run with the shared corpus generator (tests/perf/corpus.py),
then times each export several times and prints the median beside its budget.

    .venv/bin/python tests/perf/bench_export.py [--codings 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from npmdesk.formats.reports.csv_export import export_excerpts_csv  # noqa: E402
from npmdesk.formats.reports.excerpts import export_excerpts_docx  # noqa: E402
from npmdesk.store import Project  # noqa: E402
from tests.perf import corpus  # noqa: E402

BUDGET_S = 15.0  # "a 10,000-excerpt report must take seconds, not minutes"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--codings", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="npmdesk-bench-export-") as tmp:
        tmp = Path(tmp)
        size = corpus.Size(documents=40, words=400_000, codes=80, codings=args.codings, participants=20)
        t = time.perf_counter()
        corpus.generate(tmp / "bench.npmdesk", size, seed=5)
        print(f"generated {args.codings} codings over {size.documents} synthetic transcripts "
              f"in {time.perf_counter() - t:.1f} s")
        project = Project.open(tmp / "bench.npmdesk", corpus.CODER)
        try:
            for label, fn, suffix in (("Word excerpts report", export_excerpts_docx, "docx"),
                                      ("Word excerpts report + other codes", None, "docx"),
                                      ("CSV excerpts", export_excerpts_csv, "csv")):
                times, n = [], 0
                for _ in range(args.runs):
                    out = tmp / f"excerpts.{suffix}"
                    t = time.perf_counter()
                    if fn is None:
                        n = export_excerpts_docx(project, out, other_codes=True)
                    else:
                        n = fn(project, out)
                    times.append(time.perf_counter() - t)
                size_mb = out.stat().st_size / 1e6
                median = statistics.median(times)
                verdict = "ok" if median <= BUDGET_S else "OVER BUDGET"
                print(f"{label:<38} {n:>6} excerpts  median {median:6.2f} s of {args.runs} "
                      f"(budget {BUDGET_S:.0f} s, {verdict})  {size_mb:.1f} MB")
        finally:
            project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
