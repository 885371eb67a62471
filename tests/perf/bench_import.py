"""Benchmark: import cost (time and peak memory) of large and hostile inputs, issue 13's figures.

    .venv/bin/python tests/perf/bench_import.py [--repeats 3] [--turns 100000] [--qdc-codes 50000]
                                                [--big-txt-mb 199] [--only NAME ...] [--json OUT] [--no-fail]

Every input is generated here, synthetic, into a temporary folder (tests/formats/hostile.py
builds the office files as raw XML, so 100,000 paragraphs take a second to write). Each import
runs in a fresh child process, so its peak memory (VmHWM, the whole process: interpreter,
libraries, the input file and everything built from it) is its own; the median of --repeats runs
is printed beside its budget (wall-clock; the CPU time beside it shows what a busy machine adds).
Exit 1 when a budget is missed, unless --no-fail.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.formats import hostile  # noqa: E402

S, MB = "s", "MB"


def _latin_txt(megabytes: int) -> bytes:
    """A long plain-text transcript in Western European text (accents, no emoji: Python then
    holds it one byte a character, as it would a real English or Spanish transcript), in turns
    of 60 words."""
    said = (hostile.turn_text(i, 60).replace("😀", "ja").replace("مرحبا", "hola") for i in range(5_000))
    chunk = "".join(f"{hostile.SPEAKERS[i % 3]}: {s}\n\n" for i, s in enumerate(said)).encode("utf-8")
    return chunk * max(1, megabytes * 2**20 // len(chunk))


def _inflating_docx(path: Path, xml_mb: int) -> None:
    """A real .docx whose document.xml inflates to `xml_mb` MB at about 8 to 1, like real text,
    so that no compression-ratio check can catch it: only the size of the part can."""
    per = len(hostile.document_xml(1000, table=False))
    turns = xml_mb * 2**20 // per * 1000
    body = hostile.document_xml(turns, table=False)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        docx = zipfile.ZipFile(__import__("io").BytesIO(hostile.docx(1)))
        for info in docx.infolist():
            zf.writestr(info.filename, body if info.filename == "word/document.xml" else docx.read(info))


def _slow_pdf(pages: int, operators: int) -> bytes:
    """Few kilobytes that are minutes of work for a PDF interpreter: each page a compressed
    stream of tens of thousands of drawing operators around one line of text."""
    return hostile.pdf(pages=pages, content=b"BT /F1 11 Tf 72 760 Td (NPM-1: hello) Tj ET\n" + b"0 0 m\n" * operators)


def build_inputs(tmp: Path, args) -> list[dict]:
    """(name, kind, file, budgets) for every measure; files are written once per run."""
    cases = []

    def add(name, kind, filename, data=None, budget_s=None, budget_mb=None, expect="imported", note="", writer=None):
        if args.only and not any(o in name for o in args.only):
            return
        path = tmp / filename
        if writer is not None:
            writer(path)  # writes a file too large to hold twice
        else:
            path.write_bytes(data() if callable(data) else data)
        cases.append(dict(name=name, kind=kind, path=str(path), budget_s=budget_s, budget_mb=budget_mb,
                          expect=expect, note=note))

    n = args.turns
    for turns in (10_000, 40_000):
        add(f"docx {turns // 1000}k paragraphs", "import", f"scale{turns}.docx", lambda t=turns: hostile.docx(t, False))
    for fmt in ("docx", "odt", "rtf", "txt"):
        add(f"{fmt} {n // 1000}k turns", "import", f"turns.{fmt}", lambda f=fmt: getattr(hostile, f)(n), budget_s=10)
    add(f"txt {args.big_txt_mb} MB", "import", "big.txt", lambda: _latin_txt(args.big_txt_mb), budget_s=60,
        budget_mb=6 * args.big_txt_mb + 200,
        note="budget: about 6 bytes of memory a byte of text, most of it to store it")
    add("docx, document.xml 240 MB", "import", "inflates240.docx", writer=lambda p: _inflating_docx(p, 240), budget_s=2,
        budget_mb=150, expect="refused")
    add("pdf 1 page, 200k operators", "import", "ops.pdf", lambda: _slow_pdf(1, 200_000), budget_s=5, expect="refused")
    add("pdf 100 pages x 30k operators", "import", "pages.pdf", lambda: _slow_pdf(100, 30_000), budget_s=45,
        expect="refused", note="budget: the 45 s cap of the PDF reader")
    add("vtt, 80 KB of unclosed voice tags", "import", "tags.vtt",
        ("WEBVTT\n\n00:00.000 --> 00:01.000\n" + "<v x" * 20_000 + "\n").encode(), budget_s=2)
    add("vtt, one speaker in 200k cues", "import", "cues.vtt",
        ("WEBVTT\n\n" + "".join(f"00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.500\n<v NPM-1>word {i}</v>\n\n"
                                   for i in range(200_000))).encode(), budget_s=15)
    add(f"qdc {args.qdc_codes // 1000}k codes", "qdc", "codes.qdc", lambda: hostile.qdc(args.qdc_codes, depth=3),
        budget_s=15)
    return cases


def child(kind: str, path: str) -> dict:
    """Run one import in this (fresh) process and say how long it took and how much it held."""
    import os

    os.environ.setdefault("NPMDESK_DATA_DIR", tempfile.mkdtemp(prefix="npmdesk-bench-data-"))
    os.environ.setdefault("NPMDESK_CONFIG_DIR", tempfile.mkdtemp(prefix="npmdesk-bench-config-"))
    from npmdesk.core.errors import NpmdeskError
    from npmdesk.formats.importing import import_files
    from npmdesk.formats.refi.qdc import import_qdc
    from npmdesk.store import Project

    with tempfile.TemporaryDirectory(prefix="npmdesk-bench-import-") as tmp:
        project = Project.create(Path(tmp) / "bench.npmdesk", "Bench")
        t, cpu = time.perf_counter(), time.process_time()
        try:
            if kind == "qdc":
                import_qdc(project, path)
            else:
                import_files(project, [path])
            outcome, message = "imported", ""
        except NpmdeskError as e:
            outcome, message = "refused", str(e).split(": ", 1)[-1]
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        project.close()
    return dict(seconds=seconds, cpu=cpu, peak_mb=_peak_mb(), outcome=outcome, message=message)


def _peak_mb() -> float:
    """The process's peak resident memory: VmHWM, which (unlike ru_maxrss) starts again at exec,
    so the parent's generated inputs do not count."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--turns", type=int, default=100_000)
    ap.add_argument("--qdc-codes", type=int, default=50_000)
    ap.add_argument("--big-txt-mb", type=int, default=199)
    ap.add_argument("--only", nargs="*", help="run only the measures whose name contains one of these")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--no-fail", action="store_true", help="exit 0 even when a budget is missed")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    missed, results = 0, []
    with tempfile.TemporaryDirectory(prefix="npmdesk-bench-inputs-") as tmp:
        t = time.perf_counter()
        cases = build_inputs(Path(tmp), args)
        print(f"generated {len(cases)} inputs in {time.perf_counter() - t:.1f} s\n")
        print(f"{'measure':<34} {'input':>9} {'median':>9} {'cpu':>8} {'budget':>8} {'peak':>8} {'budget':>8}  outcome")
        for case in cases:
            runs = []
            for _ in range(args.repeats):
                out = subprocess.run([sys.executable, __file__, "--child", case["kind"], case["path"]],
                                     capture_output=True, text=True)
                if out.returncode:
                    print(out.stderr, file=sys.stderr)
                    raise SystemExit(f"{case['name']}: the child process failed")
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            seconds = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            peak = statistics.median(r["peak_mb"] for r in runs)
            outcome = runs[0]["outcome"]
            ok = outcome == case["expect"]
            ok &= case["budget_s"] is None or seconds <= case["budget_s"]
            ok &= case["budget_mb"] is None or peak <= case["budget_mb"]
            missed += not ok
            size = Path(case["path"]).stat().st_size / 2**20
            bs = f"{case['budget_s']} s" if case["budget_s"] else "-"
            bm = f"{case['budget_mb']} MB" if case["budget_mb"] else "-"
            print(f"{case['name']:<34} {size:>6.1f} MB {seconds:>7.2f} s {cpu:>6.2f} s {bs:>8} {peak:>5.0f} MB "
                  f"{bm:>8}  "
                  f"{outcome}{'' if ok else '  <- MISSED'}")
            if outcome == "refused":
                print(f"{'':<34}   “{runs[0]['message'][:110]}”")
            results.append(dict(case, seconds=seconds, cpu=cpu, peak_mb=peak, outcome=outcome, ok=ok,
                                message=runs[0]["message"], input_mb=size))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    if missed:
        print(f"\n{missed} measure(s) missed their budget")
    return 0 if args.no_fail or not missed else 1


if __name__ == "__main__":
    sys.exit(main())
