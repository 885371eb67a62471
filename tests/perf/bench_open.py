"""Benchmark: what the file-trust steps cost on a large project (README, Reliability).

    .venv/bin/python tests/perf/bench_open.py [--mb 100] [--runs 5] [--keep FILE]

Builds a project of about --mb megabytes of transcript text (bulk inserts: the full-text index is
filled by the schema's own triggers), then measures, best of --runs:
  - the open as it was (PRAGMA quick_check on every open, which reads the whole file);
  - the open as it is (safe-open steps + schema comparison over sqlite_master), read-only and not;
  - the daily backup (SQLite backup API), made at the first change of a day;
  - an open that finds a hot journal (copy, rollback, schema + integrity + reference checks).
Exit 1 if an open is over 50 ms (budget: instant, well under 100 ms, DESIGN.md).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("NPMDESK_DATA_DIR", tempfile.mkdtemp(prefix="npmdesk-bench-"))

from npmdesk.store import backups, database  # noqa: E402
from tests.store.hostile_files import write_journal  # noqa: E402

OPEN_BUDGET_S = 0.05
WORDS = ["mentor", "student", "belonging", "feedback", "clinic", "learning", "trust", "peer", "support", "identity"]


def build(path: Path, megabytes: int) -> None:
    database.create_file(path, "bench")
    conn = database._connect(path)
    rng = random.Random(1)
    per_doc = 40_000  # words, ~350 KB of text
    docs = max(1, megabytes * 1_000_000 // (per_doc * 9))
    conn.execute("BEGIN")
    for i in range(docs):
        text = " ".join(rng.choice(WORDS) for _ in range(per_doc))
        conn.execute("INSERT INTO documents(id, name, imported, guid) VALUES (?,?,?,?)",
                     (i + 1, f"d{i}", database.now(), database.new_guid()))
        conn.execute("INSERT INTO document_texts VALUES (?,?)", (i + 1, text))
    conn.execute("COMMIT")
    conn.close()


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="reuse (or keep) the project at this path")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="npmdesk-open-"))
    path = args.keep or folder / "big.npmdesk"
    if not path.exists():
        build(path, args.mb)
    size = path.stat().st_size / 1e6

    def old_open():
        conn = database._connect(path, readonly=True)
        conn.execute("PRAGMA quick_check(1)").fetchone()
        conn.close()

    def new_open(read_only):
        database.open_connection(path, read_only=read_only).conn.close()

    rows = [("open with quick_check (before)", best(old_open, args.runs)),
            ("open read-only (now)", best(lambda: new_open(True), args.runs)),
            ("open read-write (now)", best(lambda: new_open(False), args.runs))]
    db = database.open_connection(path)

    def backup():
        backups._checked.clear()
        for b in backups.list_backups(path):
            b.path.unlink()
        backups.daily_backup_if_due(db.conn, path)

    rows.append(("daily backup", best(backup, max(1, args.runs // 2))))
    db.conn.close()
    work = folder / "crashed.npmdesk"
    shutil.copyfile(path, work)
    before = work.read_bytes()
    db = database.open_connection(work)
    db.execute("INSERT INTO codes(name, guid, created) VALUES ('x', 'gx', 'now')")
    db.conn.close()
    write_journal(work.with_name(work.name + "-journal"), before, work.read_bytes())
    t0 = time.perf_counter()
    database.open_connection(work, read_only=True).conn.close()
    rows.append(("open after a crash (hot journal rolled back)", time.perf_counter() - t0))
    print(f"project: {size:.0f} MB")
    for label, seconds in rows:
        print(f"  {label:<46} {seconds * 1000:8.1f} ms")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if rows[1][1] <= OPEN_BUDGET_S and rows[2][1] <= OPEN_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
