"""Benchmark: team coding at study scale (500 interviews, ~100,000 codings per coder).

    .venv/bin/python tests/perf/bench_team.py [--documents 500] [--json OUT]

From the cached `docs` shape (tests/perf/shapes.py) it makes a blind copy for the lead and two
full copies whose codings are re-attributed to coder "Ana" and, with a third of the spans moved
and a tenth dropped, to coder "Ben". Then it times: making a blind copy; merging both copies into
the lead's project (read, match, back up, one transaction; above 20,000 codings it is not journalled
and so not undoable); agreement over
every code (character unit with the pooled bootstrap interval; segment; document; and every row's
interval). Budgets (issue 15): merge in seconds (< 10 s), agreement over all codes < 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
_TMP = Path(tempfile.mkdtemp(prefix="npmdesk-team-bench-"))
os.environ.setdefault("NPMDESK_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", str(_TMP / "config"))

import shapes  # noqa: E402

from npmdesk.store import Project  # noqa: E402
from npmdesk.store.agreement import compute_agreement  # noqa: E402
from npmdesk.store.team import (  # noqa: E402
    apply_merge, backup_before_merge, make_team_copy, merge_copies, plan_merge)

MERGE_BUDGET_S = 10.0
AGREEMENT_BUDGET_S = 2.0


def _as_coder(path: Path, name: str, rng: random.Random | None) -> int:
    """Give every coding of a full copy to `name`; with rng, move a third and drop a tenth."""
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN")
    # A coder of their own (name and GUID), as a co-coder opening the copy under their name is.
    db.execute("UPDATE coders SET name = ?, guid = lower(hex(randomblob(16))) WHERE name = ?", (name, shapes.CODER))
    coder = db.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()[0]
    db.execute("UPDATE OR IGNORE codings SET coder_id = ?", (coder,))
    db.execute("DELETE FROM codings WHERE coder_id != ?", (coder,))
    if rng is not None:
        rows = db.execute("SELECT cg.id, cg.start, cg.end, d.length FROM codings cg "
                          "JOIN documents d ON d.id = cg.document_id").fetchall()
        drop = [(r[0],) for r in rows if rng.random() < 0.1]
        db.executemany("DELETE FROM codings WHERE id = ?", drop)
        moved = []
        for cid, s, e, length in rows:
            if rng.random() < 0.33:
                d = rng.randint(-15, 15)
                ns, ne = max(0, s + d), min(length, e + rng.randint(-15, 15))
                if ne > ns:
                    moved.append((ns, ne, cid))
        db.executemany("UPDATE OR IGNORE codings SET start = ?, end = ? WHERE id = ?", moved)
        db.execute("UPDATE codings SET guid = lower(hex(randomblob(16)))")  # coded apart: their own GUIDs
    n = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    db.execute("COMMIT")
    db.close()
    return n


CPU: dict[str, float] = {}  # process time beside wall time: on a shared machine it moves less


def timed(fn, label=""):
    t0, c0 = time.perf_counter(), time.process_time()
    value = fn()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if label:
        CPU[label] = cpu
        print(f"  {label}: {seconds:.2f} s (CPU {cpu:.2f} s)", flush=True)
    return value, seconds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=500)
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args(argv)
    source, _params = shapes.build("docs", quiet=False, documents=args.documents)
    figures: dict[str, float] = {}
    with Project.open(source, "Lead", read_only=True) as src:
        report, figures["blind copy (s)"] = timed(lambda: make_team_copy(src, _TMP / "lead.npmdesk", blind=True),
                                                  "blind copy")
        make_team_copy(src, _TMP / "ana.npmdesk")
        make_team_copy(src, _TMP / "ben.npmdesk")
    n_a = _as_coder(_TMP / "ana.npmdesk", "Ana", None)
    n_b = _as_coder(_TMP / "ben.npmdesk", "Ben", random.Random(15))
    print(f"{report.documents} documents, {report.codes} codes; copies: Ana {n_a:,} codings, Ben {n_b:,} codings")
    lead = Project.open(_TMP / "lead.npmdesk", "Lead")
    copies = [_TMP / "ana.npmdesk", _TMP / "ben.npmdesk"]

    def merge():  # as the window does it: plan, back up, then one step
        plan = plan_merge(lead, copies)
        backup_before_merge(lead)
        return lead.perform(lambda: apply_merge(lead, plan))

    (merged, step), figures["merge two copies (s)"] = timed(merge, "merge")
    print(f"merged {merged.codings_added:,} codings")
    if step.undoable:
        _, figures["undo the merge (s)"] = timed(lambda: lead.revert(step), "undo")
        merge_copies(lead, copies, backup=False)
    else:  # above store/team.py UNDOABLE_MERGE_CODINGS: done unjournalled, the backup restores it
        print(f"  not undoable: {step.changes.note}")
    for label, kwargs in (("agreement, character, pooled CI (s)", {}),
                          ("agreement, segment 0.8 (s)", {"unit": "segment"}),
                          ("agreement, document (s)", {"unit": "document"}),
                          ("agreement, character, CI for every row (s)", {"ci": "all", "replicates": 200})):
        result, figures[label] = timed(lambda kw=kwargs: compute_agreement(lead, ["Ana", "Ben"], **kw), label)
        if not kwargs:
            v = result.pooled.values
            print(f"pooled: {v['percent']:.1f}% kappa {v['kappa']:.3f} alpha {v['alpha']:.3f} "
                  f"over {len(result.codes)} codes, CI {result.pooled.ci['kappa']}")
    lead.close()
    ok = (figures["merge two copies (s)"] < MERGE_BUDGET_S
          and figures["agreement, character, pooled CI (s)"] < AGREEMENT_BUDGET_S)
    for k, v in figures.items():
        print(f"{k:<46} {v:7.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"wall": figures, "cpu": CPU, "load": os.getloadavg()}, indent=2),
                                   encoding="utf-8")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
