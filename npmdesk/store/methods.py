"""What a project can say about how the study was done, for the COREQ/SRQR methods appendix:
data collection (interviews, focus groups, durations from caption timings), coders, how each
code arose (a priori or emergent, and when), saturation, and how quotations are identified.
Only reads."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from npmdesk.core.saturation import BASE_SIZE, RUN_LENGTH, THRESHOLD, SaturationResult, guest_saturation


@dataclass(frozen=True)
class KindFacts:
    kind: str
    count: int
    timed: int  # documents with caption timings
    minutes: tuple[float, ...]  # durations of the timed ones

    def durations(self) -> str:
        if not self.minutes:
            return ""
        m = sorted(self.minutes)
        med = statistics.median(m)
        return (f"{med:.0f} min median (range {m[0]:.0f}\u2013{m[-1]:.0f}; {sum(m):.0f} min in all, "
                f"from caption timings of {self.timed} of {self.count})")


@dataclass(frozen=True)
class CodeOrigin:
    code_id: int
    path: str
    depth: int
    origin: str  # "a priori" | "emergent" | "unused"
    source: str  # why: "framework: ACGME ...", "created before coding began", "first applied in ..."
    appeared: str  # ISO date the code appeared (created, or first applied)
    codings: int


@dataclass(frozen=True)
class CoderFacts:
    name: str
    codings: int
    documents: int
    first: str
    last: str


@dataclass
class StudyFacts:
    participants: int
    kinds: list[KindFacts]
    repeat: int  # participants with more than one interview
    per_participant_docs: dict[str, int]
    coders: list[CoderFacts]
    codes: list[CodeOrigin]
    frameworks: list[str]
    saturation: SaturationResult
    saturation_points: list = field(default_factory=list)
    coding_began: str = ""
    total_codings: int = 0


def _date(stamp: str | None) -> str:
    return (stamp or "")[:10]


def study_facts(project, base_size: int = BASE_SIZE, run_length: int = RUN_LENGTH,
                threshold: float = THRESHOLD) -> StudyFacts:
    db = project.db
    docs = project.documents()
    timings = {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT document_id, min(begin_ms), max(coalesce(end_ms, begin_ms)) FROM turns "
        "WHERE begin_ms IS NOT NULL GROUP BY document_id")}
    kinds = []
    for kind in ("interview", "focus-group", "field-notes", "other"):
        these = [d for d in docs if d.kind == kind]
        if not these:
            continue
        minutes = tuple((timings[d.id][1] - timings[d.id][0]) / 60000 for d in these
                        if d.id in timings and timings[d.id][1] is not None and timings[d.id][1] > timings[d.id][0])
        kinds.append(KindFacts(kind, len(these), len(minutes), minutes))
    cases = project.cases()
    per_case: dict[str, set[int]] = {c.name: set() for c in cases}
    names = {c.id: c.name for c in cases}
    for d in docs:
        if d.case_id in names:
            per_case[names[d.case_id]].add(d.id)
    for s in project.speakers():
        if s.case_id in names:
            per_case[names[s.case_id]].add(s.document_id)
    interviews = {d.id for d in docs if d.kind == "interview"}
    repeat = sum(1 for ids in per_case.values() if len(ids & interviews) > 1)

    coders = [CoderFacts(r[0], r[1], r[2], _date(r[3]), _date(r[4])) for r in db.execute(
        "SELECT co.name, count(cg.id), count(DISTINCT cg.document_id), min(cg.created), max(cg.created) "
        "FROM coders co JOIN codings cg ON cg.coder_id = co.id GROUP BY co.id ORDER BY count(cg.id) DESC, co.name")]
    began = db.execute("SELECT min(created) FROM codings").fetchone()[0] or ""
    created = dict(db.execute("SELECT id, created FROM codes").fetchall())
    first_use = {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT cg.code_id, min(cg.created), d.name FROM codings cg JOIN documents d ON d.id = cg.document_id "
        "GROUP BY cg.code_id")}
    counts = dict(db.execute("SELECT code_id, count(*) FROM codings GROUP BY code_id").fetchall())
    frameworks = project.frameworks()
    fw_names = {f.name for f in frameworks}
    deductive = {a.code_id: a.element for a in project.alignments() if a.rationale == "Deductive code for this element"}
    codes = project.codes()
    by_id = {c.id: c for c in codes}
    depth: dict[int, int] = {}
    origins = []
    for c in codes:
        depth[c.id] = 0 if c.parent_id is None else depth.get(c.parent_id, 0) + 1
        root = c
        while root.parent_id is not None:
            root = by_id[root.parent_id]
        made = created.get(c.id) or ""
        used = first_use.get(c.id)
        if root.name in fw_names and (c.id in deductive or c.id == root.id or root.id in deductive):
            origin, why = "a priori", f"framework: {root.name}"
        elif c.id in deductive:
            origin, why = "a priori", f"framework element {deductive[c.id]}"
        elif began and made and made < began:
            origin, why = "a priori", "created before coding began"
        elif used is None:
            origin, why = "unused", "never applied"
        else:
            origin, why = "emergent", f"first applied in {used[1]}"
        appeared = _date(made) if origin != "emergent" or not used else _date(min(made or used[0], used[0]))
        origins.append(CodeOrigin(c.id, c.path, depth[c.id], origin, why, appeared, counts.get(c.id, 0)))
    points = project.saturation()
    result = guest_saturation([p.new_codes for p in points], base_size, run_length, threshold)
    return StudyFacts(len(cases), kinds, repeat, {k: len(v) for k, v in per_case.items()}, coders, origins,
                      [f.name for f in frameworks], result, points, _date(began),
                      sum(counts.values()))
