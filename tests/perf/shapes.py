"""Projects of the shapes researchers actually have, built fast by bulk SQL (issue 14).

    python tests/perf/shapes.py heavy --codings 50000      # one transcript, overlapping codings
    python tests/perf/shapes.py docs --documents 2000      # interviews of ~2,000 words, ~200 codings each
    python tests/perf/shapes.py survey --answers 20000     # short free-text answers, 12 attributes each

`build(shape, **params)` returns the path of a ready project, cached under /tmp/npmdesk-shapes keyed
by the shape, its parameters, this generator's version and the schema's text. The project is made
by `Project.create` (so the file is a real npmdesk project: application id, user_version, meta) and
then filled through one raw connection with executemany, respecting every table the store keeps in
step: speakers and turns, `coding_cases` (the cases of linked speakers whose turns a coding overlaps,
else the document's case — the rule of `CodingsMixin._assign_coding_cases`) and the FTS index (its
insert trigger). It is ~50× faster than going through the store API one call at a time, which is what
makes 400,000 codings practical to generate; `check()` on the result passes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import sys
import time
import uuid
from bisect import bisect_left, bisect_right
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from npmdesk.store import Project  # noqa: E402
from npmdesk.store.documents import count_words  # noqa: E402

GENERATOR_VERSION = 2
CODER = "Bench Coder"
SECOND_CODER = "Second Coder"
CREATED = "2026-01-01T00:00:00+00:00"

DEFAULTS = {
    "heavy": {"codings": 10_000, "words": 20_000, "codes": 100, "themes": 5, "seed": 1},
    "docs": {"documents": 500, "words": 2_000, "per_doc": 200, "codes": 100, "themes": 5, "seed": 1},
    "survey": {"answers": 20_000, "per_answer": 3, "codes": 60, "themes": 6, "attributes": 12, "seed": 1},
}

_SUBJECTS = ("I", "My mentor", "The students", "We", "She", "He", "Our cohort", "The residents",
             "My mentee", "The faculty", "Everyone in the group", "They", "The department")
_VERBS = ("felt", "learned", "noticed", "realised", "struggled with", "talked about", "remembered",
          "appreciated", "worried about", "kept coming back to", "tried to explain", "valued", "feared")
_OBJECTS = ("honest feedback", "belonging in medicine", "the first anatomy exam", "imposter feelings",
            "teaching the cardiac cycle", "how the hospital works", "asking for help", "study groups",
            "being the first in the family", "the match process", "patient conversations",
            "time management", "the hidden curriculum", "peer support", "professional identity",
            "communication skills", "the clerkship year", "financial stress", "role models",
            "budget cuts", "a sense of community", "giving feedback", "cultural humility", "the café")
_TAILS = ("", "", " last year", " during the first block", " when things got hard", " every week",
          " in small groups", " after the exam", " at the start", " more than I expected")
_SPRINKLES = ("😀", "🩺", "👩🏽‍⚕️", "مرحبا بكم", "学习很重要", "Здравствуйте", "e\u0301tude", "José", "¡Qué bien!")
_QUESTIONS = ("What did mentoring mean to you?", "Can you tell me more about that?",
              "How did that change over the year?", "What would you say to a new mentor?",
              "How did feedback work in your pair?", "Where did you feel you belonged?")


def _pool(rng: random.Random, n: int = 4000) -> list[str]:
    out = []
    for _ in range(n):
        s = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}."
        if rng.random() < 0.05:
            s = s[:-1] + " " + rng.choice(_SPRINKLES) + "."
        out.append(s)
    return out


def _interview(rng, pool, words: int, speaker: str, interviewer: bool = True):
    """(text, [(start, end, speaker)]) alternating question and answer turns, one paragraph each."""
    parts, turns, pos, count = [], [], 0, 0
    while count < words:
        if interviewer and len(turns) % 2 == 0:
            who, body = "Interviewer", rng.choice(_QUESTIONS)
        else:
            who, body = speaker, " ".join(rng.choices(pool, k=rng.randint(4, 22)))
        para = f"{who}: {body}"
        if parts:
            pos += 1
        turns.append((pos, pos + len(para), who))
        parts.append(para)
        pos += len(para)
        count += para.count(" ") + 1
    return "\n".join(parts), turns


def _answer(rng, pool, words: int) -> str:
    out, count = [], 0
    while count < words:
        s = rng.choice(pool)
        out.append(s)
        count += s.count(" ") + 1
    return " ".join(out)


def _word_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find(" ")
    while i >= 0:
        starts.append(i + 1)
        i = text.find(" ", i + 1)
    return starts


def _spans(rng, text: str, n: int, mean_len: float):
    """n word-aligned spans [start, end) of lognormal length (a phrase to a long answer)."""
    starts = _word_starts(text)
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    out = []
    for _ in range(n):
        i = rng.randrange(len(starts))
        length = min(2500, max(10, rng.lognormvariate(0, 0.8) * mean_len))
        j = min(len(ends) - 1, bisect_left(ends, starts[i] + int(length)))
        if ends[j] > starts[i]:
            out.append((starts[i], ends[j]))
    return out


def _tree(db, codes: int, themes: int, rng) -> tuple[list[int], list[int], list[float]]:
    """Themes > 3 subthemes > leaves; returns (theme ids, every id, a weight per id: themes differ in
    size, the first being the biggest, as in a real study)."""
    rows, every, weights, tid = [], [], [], 0
    subs_per = 3
    leaves = max(themes * subs_per, codes - themes * (1 + subs_per))
    theme_ids, sub_ids = [], []
    for t in range(themes):
        tid += 1
        theme_ids.append(tid)
        rows.append((tid, None, f"Theme {t + 1}: {_OBJECTS[t % len(_OBJECTS)]}", t))
        for s in range(subs_per):
            tid += 1
            sub_ids.append((tid, t))
            rows.append((tid, theme_ids[-1], f"Subtheme {t + 1}.{s + 1}", s))
    leaf_rows = []
    for i in range(leaves):
        tid += 1
        sid, t = sub_ids[i % len(sub_ids)]
        leaf_rows.append((tid, sid, f"Code {i + 1} {rng.choice(_OBJECTS)}", i // len(sub_ids), t))
    db.executemany("INSERT INTO codes(id, parent_id, name, color, description, position, guid, created) "
                   "VALUES (?,?,?,?,?,?,?,?)",
                   [(i, p, n, "#f4d35e", "", pos, str(uuid.UUID(int=rng.getrandbits(128))), CREATED)
                    for i, p, n, pos in rows + [r[:4] for r in leaf_rows]])
    theme_of = {i: t for i, _, _, _, t in leaf_rows}
    for k, (i, *_x) in enumerate(rows):
        theme_of[i] = k // (subs_per + 1)
    leaf_set = set(theme_of) - {r[0] for r in rows}
    for i in [r[0] for r in rows] + [r[0] for r in leaf_rows]:
        every.append(i)
        share = 0.85 / len(leaf_set) if i in leaf_set else 0.15 / len(rows)  # 85% of codings on leaves
        weights.append(share / (1 + theme_of[i]) ** 0.8)  # theme 1 the biggest
    return theme_ids, every, weights


def _guid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class _Writer:
    """Bulk rows for one project: ids assigned here, flushed with executemany."""

    def __init__(self, db, rng):
        self.db, self.rng = db, rng
        self.doc_id = self.case_id = self.speaker_id = self.coding_id = 0

    def case(self, name: str) -> int:
        self.case_id += 1
        self.db.execute("INSERT INTO cases(id, name, description, guid, created) VALUES (?,?,?,?,?)",
                        (self.case_id, name, "", _guid(self.rng), CREATED))
        return self.case_id

    def document(self, name, text, kind, case_id, turns, links: dict) -> int:
        self.doc_id += 1
        d = self.doc_id
        self.db.execute(
            "INSERT INTO documents(id, name, kind, case_id, position, source_name, source_format, "
            "encoding, imported, words, length, guid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (d, name, kind, case_id, d, name + ".txt", "text", "utf-8", CREATED, count_words(text), len(text),
             _guid(self.rng)))
        self.db.execute("INSERT INTO document_texts(document_id, text) VALUES (?,?)", (d, text))
        sids = {}
        for who in dict.fromkeys(t[2] for t in turns):
            self.speaker_id += 1
            sids[who] = self.speaker_id
            self.db.execute("INSERT INTO speakers(id, document_id, name, case_id) VALUES (?,?,?,?)",
                            (self.speaker_id, d, who, links.get(who)))
        self.db.executemany("INSERT INTO turns(document_id, speaker_id, start, end) VALUES (?,?,?,?)",
                            [(d, sids[w], s, e) for s, e, w in turns])
        return d

    def codings(self, doc_id, case_id, turns, links, spans, codes, weights, coders):
        """Insert codings of one document and their coding_cases (the store's rule)."""
        rng = self.rng
        starts = [t[0] for t in turns]
        seen, rows, cases = set(), [], []
        picks = rng.choices(codes, weights=weights, k=len(spans))
        for (s, e), code in zip(spans, picks):
            coder = coders[1] if rng.random() < 0.1 else coders[0]
            key = (code, s, e, coder)
            if key in seen:
                continue
            seen.add(key)
            self.coding_id += 1
            cid = self.coding_id
            rows.append((cid, doc_id, code, s, e, coder, int(rng.random() < 0.01), CREATED, _guid(rng)))
            linked = set()
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(turns) and turns[i][0] < e:
                ts, te, who = turns[i]
                if ts < e and te > s and links.get(who) is not None:
                    linked.add(links[who])
                i += 1
            if not linked and case_id is not None:
                linked = {case_id}
            cases.extend((cid, c) for c in linked)
        self.db.executemany("INSERT INTO codings(id, document_id, code_id, start, end, coder_id, exemplar, "
                            "created, guid) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        self.db.executemany("INSERT INTO coding_cases(coding_id, case_id) VALUES (?,?)", cases)
        return len(rows)


def generate(path: Path, shape: str, params: dict) -> dict:
    rng = random.Random(params["seed"])
    pool = _pool(rng)
    t0 = time.perf_counter()
    p = Project.create(path, CODER, name=f"{shape} shape {params}")
    second = p.ensure_coder(SECOND_CODER)
    first = p.coder_by_name(CODER)
    p.close()
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -200000")
    db.execute("BEGIN")
    w = _Writer(db, rng)
    themes, codes, weights = _tree(db, params["codes"], params["themes"], rng)
    coders = (first, second)
    n = 0
    if shape == "heavy":
        case = w.case("NPM-1")
        text, turns = _interview(rng, pool, params["words"], "NPM-1")
        links = {"NPM-1": case}
        d = w.document("Heavy interview", text, "interview", case, turns, links)
        n = w.codings(d, case, turns, links, _spans(rng, text, params["codings"], 180), codes, weights, coders)
    elif shape == "docs":
        for i in range(params["documents"]):
            case = w.case(f"NPM-{i + 1}")
            words = int(params["words"] * rng.uniform(0.7, 1.3))
            text, turns = _interview(rng, pool, words, f"NPM-{i + 1}")
            links = {f"NPM-{i + 1}": case}
            d = w.document(f"Interview {i + 1:04d}", text, "interview", case, turns, links)
            k = max(1, int(params["per_doc"] * rng.uniform(0.8, 1.2)))
            n += w.codings(d, case, turns, links, _spans(rng, text, k, 180), codes, weights, coders)
    elif shape == "survey":
        attrs = [("age band", "text"), ("cohort", "integer"), ("gender", "text"), ("site", "text"),
                 ("first generation", "boolean"), ("year", "integer"), ("programme", "text"),
                 ("region", "text"), ("score", "float"), ("enrolled", "date"), ("track", "text"),
                 ("language", "text")][:params["attributes"]]
        db.executemany("INSERT INTO attributes(id, name, type, guid) VALUES (?,?,?,?)",
                       [(i + 1, a, t, _guid(rng)) for i, (a, t) in enumerate(attrs)])
        values = {"text": lambda: rng.choice(("a", "b", "c", "d", "e")), "integer": lambda: str(rng.randint(2015, 2025)),
                  "boolean": lambda: rng.choice(("true", "false")), "float": lambda: f"{rng.uniform(0, 100):.1f}",
                  "date": lambda: f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}
        for i in range(params["answers"]):
            case = w.case(f"R{i + 1:05d}")
            db.executemany("INSERT INTO case_attributes(case_id, attribute_id, value) VALUES (?,?,?)",
                           [(case, k + 1, values[t]()) for k, (_, t) in enumerate(attrs)])
            text = _answer(rng, pool, rng.randint(50, 200))
            d = w.document(f"Answer {i + 1:05d}", text, "other", case, [], {})
            k = max(1, round(rng.uniform(0.5, 1.5) * params["per_answer"]))
            n += w.codings(d, case, [], {}, _spans(rng, text, k, 120), codes, weights, coders)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return {"codings": n, "seconds": time.perf_counter() - t0}


def cache_dir() -> Path:
    return Path(os.environ.get("NPMDESK_SHAPES_CACHE") or "/tmp/npmdesk-shapes")


def params_of(shape: str, **overrides) -> dict:
    params = dict(DEFAULTS[shape])
    params.update({k: v for k, v in overrides.items() if v is not None})
    return params


def key(shape: str, params: dict) -> str:
    schema = (ROOT / "npmdesk" / "store" / "schema.sql").read_bytes()
    digest = hashlib.sha256(schema + f"{GENERATOR_VERSION}{sorted(params.items())}".encode()).hexdigest()[:10]
    main = {"heavy": "codings", "docs": "documents", "survey": "answers"}[shape]
    return f"{shape}-{params[main]}-{digest}"


def build(shape: str, *, quiet: bool = True, **overrides) -> tuple[Path, dict]:
    """The cached project of this shape and parameters, generated if missing. Returns (path, params)."""
    params = params_of(shape, **overrides)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key(shape, params)}.npmdesk"
    if not path.exists():
        tmp = path.with_name(path.stem + f".{os.getpid()}.building.npmdesk")
        tmp.unlink(missing_ok=True)
        info = generate(tmp, shape, params)
        tmp.replace(path)
        if not quiet:
            print(f"generated {path.name}: {info['codings']:,} codings in {info['seconds']:.1f} s",
                  file=sys.stderr, flush=True)
    return path, params


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shape", choices=sorted(DEFAULTS))
    for name in ("codings", "documents", "answers", "words", "per_doc", "codes", "seed"):
        ap.add_argument(f"--{name.replace('_', '-')}", type=int)
    args = vars(ap.parse_args(argv))
    shape = args.pop("shape")
    overrides = {k: v for k, v in args.items() if v is not None and k in DEFAULTS[shape]}
    path, _ = build(shape, quiet=False, **overrides)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
