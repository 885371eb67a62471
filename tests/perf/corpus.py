"""A deterministic synthetic study for the benchmark: transcripts, participants, a code tree, codings.

`build(size, seed)` returns the path of a ready project, generated once and cached under the bench
cache folder keyed by size, seed, this generator's version and the schema's text, so repeated
benchmark runs reuse it. Generation goes through the store API (the same code paths the app uses),
with everything of one kind inside one `project.write()` so that thousands of calls commit once.

Run it alone to build and time a corpus:  python tests/perf/corpus.py --size full
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from npmdesk.store import Project, TurnSpec  # noqa: E402

GENERATOR_VERSION = 4
CODER = "Bench Coder"
SECOND_CODER = "Second Coder"


@dataclass(frozen=True)
class Size:
    documents: int
    words: int
    codes: int
    codings: int
    participants: int


SIZES = {
    "small": Size(documents=20, words=200_000, codes=60, codings=4_000, participants=12),
    "medium": Size(documents=100, words=1_000_000, codes=150, codings=20_000, participants=40),
    "full": Size(documents=500, words=5_000_000, codes=300, codings=100_000, participants=120),
}

# Synthetic interview language about near-peer mentoring (written for this benchmark).
_SUBJECTS = ("I", "My mentor", "The students", "We", "She", "He", "Our cohort", "The residents",
             "My mentee", "The faculty", "Everyone in the group", "They")
_VERBS = ("felt", "learned", "noticed", "realised", "struggled with", "talked about", "remembered",
          "appreciated", "worried about", "kept coming back to", "tried to explain", "valued")
_OBJECTS = ("honest feedback", "belonging in medicine", "the first anatomy exam", "imposter feelings",
            "teaching the cardiac cycle", "how the hospital works", "asking for help", "study groups",
            "being the first in the family", "the match process", "patient conversations",
            "time management", "the hidden curriculum", "peer support", "professional identity",
            "communication skills", "the clerkship year", "financial stress", "role models",
            "a sense of community", "giving feedback", "cultural humility")
_TAILS = ("", "", " last year", " during the first block", " when things got hard", " every week",
          " in small groups", " after the exam", " at the start", " more than I expected")
_FILLERS = ("Yeah.", "Mm-hmm.", "Right, exactly.", "I think so.", "That's a good question.",
            "You know what I mean?", "Honestly, it helped a lot.")
# Emoji (astral: two UTF-16 units), non-Latin scripts, a combining mark: the offsets must survive them.
_SPRINKLES = ("😀", "🩺", "👩🏽‍⚕️", "📚", "🙏", "مرحبا بكم", "学习很重要", "Здравствуйте",
              "नमस्ते", "e\u0301tude", "شكرا", "かんしゃ", "¡Qué bien!")
_QUESTIONS = ("What did mentoring mean to you?", "Can you tell me more about that?",
              "How did that change over the year?", "What would you say to a new mentor?",
              "How did feedback work in your pair?", "Where did you feel you belonged?",
              "What surprised you about teaching?")


def _sentence_pool(rng: random.Random, n: int = 3000) -> list[str]:
    pool = []
    for _ in range(n):
        s = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}."
        if rng.random() < 0.06:
            s = s[:-1] + " " + rng.choice(_SPRINKLES) + "."
        pool.append(s)
    pool.extend(_FILLERS)
    return pool


def _transcript(rng: random.Random, pool: list[str], words: int, speakers: list[str]) -> tuple[str, list[TurnSpec]]:
    """Alternating interviewer question / participant answer turns, one paragraph per turn."""
    parts: list[str] = []
    turns: list[TurnSpec] = []
    pos = 0
    count = 0
    while count < words:
        if len(turns) % 2 == 0:
            speaker, body = "Interviewer", rng.choice(_QUESTIONS)
        else:
            speaker = rng.choice(speakers)
            body = " ".join(rng.choices(pool, k=rng.randint(3, 25)))
        para = f"{speaker}: {body}"
        if parts:
            pos += 1  # the "\n" joining paragraphs
        turns.append(TurnSpec(pos, pos + len(para), speaker))
        parts.append(para)
        pos += len(para)
        count += len(para.split())
    return "\n".join(parts), turns


def _code_tree(project: Project, total: int, rng: random.Random) -> tuple[list[int], list[int]]:
    """Themes > subthemes > codes, exactly `total` nodes. Returns (top-level ids, all ids)."""
    themes = max(2, total // 25)
    subs_per = 3
    leaves = total - themes - themes * subs_per
    top, every = [], []
    with project.write():
        subs = []
        for t in range(themes):
            tid = project.add_code(f"Theme {t + 1}: {rng.choice(_OBJECTS)}",
                                   description=f"Synthetic theme {t + 1}.")
            top.append(tid)
            every.append(tid)
            for s in range(subs_per):
                sid = project.add_code(f"Subtheme {t + 1}.{s + 1}", tid)
                subs.append(sid)
                every.append(sid)
        for i in range(leaves):
            parent = subs[i % len(subs)]
            every.append(project.add_code(f"Code {i + 1} {rng.choice(_OBJECTS)}", parent))
    return top, every


def _snap(text: str, i: int) -> int:
    """Move an offset forward to the start of the next word (coders select whole words)."""
    j = text.find(" ", i)
    return len(text) if j < 0 else j + 1


def generate(path: Path, size: Size, seed: int) -> dict:
    rng = random.Random(seed)
    pool = _sentence_pool(rng)
    t0 = time.perf_counter()
    project = Project.create(path, CODER, name=f"Benchmark study ({size.documents} transcripts)")
    timings = {}
    try:
        second = project.ensure_coder(SECOND_CODER)
        with project.write():
            cases = []
            for p in range(size.participants):
                cid = project.add_case(f"NPM-{p + 1}", f"Synthetic participant {p + 1}")
                project.set_case_attribute(cid, "cohort", 2020 + p % 5, "integer")
                project.set_case_attribute(cid, "background", rng.choice(("rural", "urban", "suburban")))
                project.set_case_attribute(cid, "first generation", rng.random() < 0.4, "boolean")
                cases.append(cid)
        timings["cases"] = time.perf_counter() - t0

        # Document lengths vary around the mean; the first is the longest, as in a real study.
        mean = size.words / size.documents
        lengths = [int(mean * rng.uniform(0.5, 1.5)) for _ in range(size.documents)]
        lengths[0] = int(mean * 2.5)
        scale = size.words / sum(lengths)
        lengths = [max(200, int(n * scale)) for n in lengths]
        docs: list[tuple[int, str]] = []
        t = time.perf_counter()
        with project.write():
            for i, words in enumerate(lengths):
                focus = i % 5 == 4
                if focus:
                    members = rng.sample(range(size.participants), k=min(size.participants, rng.randint(3, 6)))
                else:
                    members = [i % size.participants]
                names = [f"NPM-{m + 1}" for m in members]
                text, turns = _transcript(rng, pool, words, names)
                kind = "focus-group" if focus else "interview"
                doc_id = project.add_document(
                    f"{'FG' if focus else 'Interview'} {i + 1:03d}", text, kind=kind,
                    case_id=None if focus else cases[members[0]], source_name=f"t{i + 1:03d}.txt",
                    source_format="text", encoding="utf-8", turns=turns)
                for m, name in zip(members, names):
                    project.link_speaker(doc_id, name, cases[m])
                docs.append((doc_id, text))
        timings["documents"] = time.perf_counter() - t

        t = time.perf_counter()
        top, codes = _code_tree(project, size.codes, rng)
        timings["codes"] = time.perf_counter() - t

        # Codings: skewed over documents (the first is by far the most heavily coded), 80% on leaf
        # codes, lengths from a phrase to a long answer; they overlap freely.
        t = time.perf_counter()
        weights = [1.0 / (1 + i) ** 0.6 for i in range(len(docs))]
        weights[0] = 1.5 * weights[1]
        leaves = codes[len(top) * 4:] or codes
        doc_pick = rng.choices(range(len(docs)), weights=weights, k=size.codings)
        applied = 0
        with project.write():
            for k, di in enumerate(doc_pick):
                doc_id, text = docs[di]
                length = int(min(2500, max(15, rng.lognormvariate(5.3, 0.8))))
                start = _snap(text, rng.randrange(0, max(1, len(text) - length)))
                end = min(len(text), _snap(text, start + length) - 1)
                if end <= start:
                    continue
                code = rng.choice(leaves) if rng.random() < 0.8 else rng.choice(codes)
                try:
                    project.apply_coding(doc_id, code, start, end,
                                         coder_id=second if k % 10 == 9 else None,
                                         exemplar=rng.random() < 0.01)
                    applied += 1
                except Exception:  # the rare exact duplicate: skip it, as a coder would
                    continue
            for cid in top:
                project.set_memo("code", cid, f"Memo for theme {cid}: how it emerged. 🩺")
        timings["codings"] = time.perf_counter() - t
    finally:
        project.close()
    timings["total"] = time.perf_counter() - t0
    return {"codings": applied, "timings": timings}


def cache_dir() -> Path:
    return Path(os.environ.get("NPMDESK_BENCH_CACHE") or Path(tempfile.gettempdir()) / "npmdesk-bench")


def _key(size_name: str, seed: int) -> str:
    schema = (ROOT / "npmdesk" / "store" / "schema.sql").read_bytes()
    digest = hashlib.sha256(schema + f"{GENERATOR_VERSION}".encode()).hexdigest()[:10]
    return f"{size_name}-seed{seed}-{digest}"


def build(size_name: str = "small", seed: int = 1, *, quiet: bool = False) -> tuple[Path, dict]:
    """The cached corpus project for (size, seed), generated if missing. Returns (path, info)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_key(size_name, seed)}.npmdesk"
    if path.exists():
        return path, {"cached": True}
    tmp = path.with_name(path.stem + f".{os.getpid()}.building.npmdesk")
    tmp.unlink(missing_ok=True)
    if not quiet:
        print(f"generating the {size_name} corpus (seed {seed}) into {path} ...", file=sys.stderr, flush=True)
    info = generate(tmp, SIZES[size_name], seed)
    tmp.replace(path)  # a half-built corpus is never mistaken for a finished one
    info["cached"] = False
    if not quiet:
        tt = info["timings"]
        print("generated in {:.1f} s (documents {:.1f} s, codings {:.1f} s)".format(
            tt["total"], tt["documents"], tt["codings"]), file=sys.stderr, flush=True)
    return path, info


def write_docx_files(folder: Path, n: int, seed: int = 1, words: int = 2500) -> list[Path]:
    """`n` interview transcripts as .docx (python-docx), one paragraph per speaker turn."""
    import docx

    rng = random.Random(seed)
    pool = _sentence_pool(rng, 800)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        text, _ = _transcript(rng, pool, words, [f"NPM-{i % 30 + 1}"])
        d = docx.Document()
        d.add_heading(f"Interview {i + 1}", level=1)
        for para in text.split("\n"):
            d.add_paragraph(para)
        p = folder / f"interview-{i + 1:03d}.docx"
        d.save(p)
        paths.append(p)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = ap.parse_args(argv)
    if args.force:
        (cache_dir() / f"{_key(args.size, args.seed)}.npmdesk").unlink(missing_ok=True)
    path, info = build(args.size, args.seed)
    print(path)
    if info.get("timings"):
        print({k: round(v, 2) for k, v in info["timings"].items()}, "codings:", info["codings"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
