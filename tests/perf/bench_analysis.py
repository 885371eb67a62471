"""Benchmark: every analysis table on a project of 500 documents and 100,000 codings.

    .venv/bin/python tests/perf/bench_analysis.py [--runs 5] [--keep FILE]

Builds the project with bulk inserts (the store's per-action transactions would take minutes),
then derives coding_cases with the store's own refresh, so the numbers are for the real queries.
Prints the median of several runs per table beside the 0.5 s budget; exit 1 if any is over.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("NPMDESK_DATA_DIR", tempfile.mkdtemp(prefix="npmdesk-bench-"))

from npmdesk.store import Project  # noqa: E402
from npmdesk.store.database import new_guid, now  # noqa: E402

BUDGET_S = 0.5
DOCS, CODINGS, THEMES, CODES_PER_THEME, CASES, FOCUS_GROUPS = 500, 100_000, 20, 15, 120, 40
DOC_CHARS = 55_000  # 5 million words over 500 transcripts (DESIGN.md)


def build(path: Path) -> Project:
    rng = random.Random(7)
    p = Project.create(path, "bench")
    text = ("we talked about mentoring and feedback and belonging in medicine " * (DOC_CHARS // 60 + 1))[:DOC_CHARS]
    c = p.db.conn
    with p.write():
        c.executemany("INSERT INTO cases(id, name, guid, created) VALUES (?,?,?,?)",
                      [(i, f"NPM-{i:03d}", new_guid(), now()) for i in range(1, CASES + 1)])
        c.execute("INSERT INTO attributes(id, name, type, guid) VALUES (1, 'cohort', 'integer', ?)", (new_guid(),))
        c.executemany("INSERT INTO case_attributes(case_id, attribute_id, value) VALUES (?, 1, ?)",
                      [(i, str(2018 + i % 5)) for i in range(1, CASES + 1)])
        docs = []
        for d in range(1, DOCS + 1):
            fg = d <= FOCUS_GROUPS
            docs.append((d, f"doc-{d:03d}", "focus-group" if fg else "interview", None if fg else 1 + d % CASES,
                         d, now(), DOC_CHARS // 6, DOC_CHARS, new_guid()))
        c.executemany("INSERT INTO documents(id, name, kind, case_id, position, imported, words, length, guid) "
                      "VALUES (?,?,?,?,?,?,?,?,?)", docs)
        c.executemany("INSERT INTO document_texts(document_id, text) VALUES (?, ?)", [(d, text) for d in range(1, DOCS + 1)])
        speaker_id, turns = 0, []
        for d in range(1, DOCS + 1):
            names = ["Interviewer", *(f"NPM-{k}" for k in range(4 if d <= FOCUS_GROUPS else 1))]
            ids = []
            for k, name in enumerate(names):
                speaker_id += 1
                # Interview: the participant speaks; focus group: four participants in turn.
                case = None if not k else (1 + (d * 7 + k) % CASES) if d <= FOCUS_GROUPS else 1 + d % CASES
                c.execute("INSERT INTO speakers(id, document_id, name, case_id) VALUES (?,?,?,?)",
                          (speaker_id, d, name, case))
                ids.append(speaker_id)
            for t, start in enumerate(range(0, DOC_CHARS, 600)):
                turns.append((d, ids[t % len(ids)], start, min(start + 600, DOC_CHARS)))
        c.executemany("INSERT INTO turns(document_id, speaker_id, start, end) VALUES (?,?,?,?)", turns)
        code_id = 0
        for t in range(THEMES):
            code_id += 1
            theme = code_id
            c.execute("INSERT INTO codes(id, parent_id, name, position, guid, created) VALUES (?,?,?,?,?,?)",
                      (theme, None, f"Theme {t}", t, new_guid(), now()))
            for k in range(CODES_PER_THEME):
                code_id += 1
                c.execute("INSERT INTO codes(id, parent_id, name, position, guid, created) VALUES (?,?,?,?,?,?)",
                          (code_id, theme, f"Code {t}.{k}", k, new_guid(), now()))
        leaves = [i for i in range(1, code_id + 1) if (i - 1) % (CODES_PER_THEME + 1)]
        rows, seen = [], set()
        while len(rows) < CODINGS:
            d, code = rng.randint(1, DOCS), rng.choice(leaves)
            start = rng.randrange(0, DOC_CHARS - 400)
            end = start + rng.randint(20, 400)
            if (d, code, start, end) in seen:
                continue
            seen.add((d, code, start, end))
            rows.append((d, code, start, end, p.coder_id, int(rng.random() < 0.01), now(), new_guid()))
        c.executemany("INSERT INTO codings(document_id, code_id, start, end, coder_id, exemplar, created, guid) "
                      "VALUES (?,?,?,?,?,?,?,?)", rows)
        for d in range(1, DOCS + 1):
            p._refresh_coding_cases(c, d)
        fid = p.add_builtin_framework("acgme")
        elements = [e.id for e in p.framework(fid).elements]
        for t in range(THEMES):
            p.align_code(1 + t * (CODES_PER_THEME + 1), elements[t % len(elements)], "bench")
    return p


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="build the project at this path and keep it")
    args = ap.parse_args()
    path = Path(args.keep) if args.keep else Path(tempfile.mkdtemp()) / "bench.npmdesk"
    t0 = time.perf_counter()
    p = build(path)
    counts = p.counts()
    print(f"built {counts['documents']} documents, {counts['codings']} codings, {counts['codes']} codes, "
          f"{counts['cases']} participants in {time.perf_counter() - t0:.1f} s")
    fid = p.frameworks()[0].id
    top = tuple(p.code_children(None))
    m = p.matrix("codes", "participants")
    tasks = {
        "codes x participants": lambda: p.matrix("codes", "participants"),
        "themes x participants (aggregate)": lambda: p.matrix("codes", "participants", aggregate=True),
        "codes x documents": lambda: p.matrix("codes", "documents"),
        "codes x attribute:cohort": lambda: p.matrix("codes", "attribute:cohort"),
        "codes x kinds": lambda: p.matrix("codes", "kinds"),
        "codes x cohort (participants)": lambda: p.matrix("codes", "attribute:cohort", "participants"),
        "codes x codes (co-occurrence)": lambda: p.matrix("codes", "codes"),
        "themes x themes (co-occurrence)": lambda: p.matrix("codes", "codes", aggregate=True, code_ids=top),
        "codes x participants (coverage)": lambda: p.matrix("codes", "participants", "coverage"),
        "codes x documents (coverage)": lambda: p.matrix("codes", "documents", "coverage"),
        "cell excerpts filter + excerpts": lambda: p.excerpts(p.matrix_cell_filter(m, 5, 3)),
        "saturation": p.saturation,
        "alignment table": lambda: p.alignment_table(fid),
        "framework chart cells": p.chart_cells,
    }
    over = 0
    print(f"{'table':<36}{'median s':>10}{'budget s':>10}")
    for name, fn in tasks.items():
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        over += med > BUDGET_S
        print(f"{name:<36}{med:>10.3f}{BUDGET_S:>10.1f}{'  OVER' if med > BUDGET_S else ''}")
    p.close()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
