"""The demo project: built from the synthetic transcripts in resources/demo through the store API.

Why build rather than ship a prebuilt .npmdesk: the build takes a fraction of a second (one outer
transaction), so a fresh copy always has the current schema and exercises the same import and
coding paths a researcher uses, and there is no binary file in the repository to drift from its
sources. The bundled resources are only ever read.

Codings are located by exact phrases (resources/demo/codings.txt); each must occur exactly once in
its transcript, so an edited transcript makes the build fail loudly instead of shifting a coding.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from npmdesk.core.errors import NpmdeskError
from npmdesk.formats.importing import ImportOptions, import_files
from npmdesk.paths import data_dir, resources_dir
from npmdesk.store import Project

DEMO_CODER = "R. Okafor (demo)"
DEMO_NAME = "Near-peer mentors (demo)"
DEMO_FILE = "npm-mentors-demo.npmdesk"
FOCUS_GROUP = "Focus group 1"
INTERVIEWERS = ("Interviewer", "Facilitator")  # not participants: their speakers stay unlinked


class DemoError(NpmdeskError):
    """The demo resources are inconsistent (a phrase not found, a code path unknown, ...)."""


@dataclass(frozen=True)
class DemoCoding:
    line: int
    document: str
    code: str
    phrase: str
    exemplar: bool = False
    element: str | None = None  # an ACGME competency this coding is an exemplar quote for
    memo: str = ""


@dataclass
class DemoSummary:
    path: Path
    documents: int = 0
    participants: int = 0
    codes: int = 0
    codings: int = 0
    alignments: int = 0
    element_exemplars: int = 0
    memos: int = 0
    coding_ids: list[int] = field(default_factory=list)


def demo_resources() -> Path:
    return resources_dir() / "demo"


def transcript_paths(folder: Path | None = None) -> list[Path]:
    """Interviews in participant order, then the focus group (the order documents appear in)."""
    folder = (folder or demo_resources()) / "transcripts"
    paths = sorted(folder.glob("*.txt"), key=lambda p: (not p.stem.startswith("Interview"), p.stem))
    if not paths:
        raise DemoError(f"{folder}: no demo transcripts found")
    return paths


def read_participants(folder: Path | None = None) -> list[dict[str, str]]:
    path = (folder or demo_resources()) / "participants.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_codebook(folder: Path | None = None) -> dict:
    return json.loads(((folder or demo_resources()) / "codebook.json").read_text(encoding="utf-8"))


def read_codings(folder: Path | None = None) -> list[DemoCoding]:
    """Parse codings.txt: DOCUMENT | CODE PATH | PHRASE [| exemplar] [| element=...] [| memo=...]."""
    path = (folder or demo_resources()) / "codings.txt"
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) < 3:
            raise DemoError(f"{path.name}:{n}: expected DOCUMENT | CODE | PHRASE")
        doc, code, phrase, *options = parts
        kw: dict = {}
        for opt in options:
            if opt == "exemplar":
                kw["exemplar"] = True
            elif opt.startswith("element="):
                kw["element"] = opt[len("element="):]
            elif opt.startswith("memo="):
                kw["memo"] = opt[len("memo="):]
            else:
                raise DemoError(f"{path.name}:{n}: unknown option {opt!r}")
        out.append(DemoCoding(n, doc, code, phrase, **kw))
    return out


def locate(text: str, phrase: str, where: str) -> tuple[int, int]:
    """[start, end) of the one occurrence of `phrase`, or DemoError if it occurs 0 or 2+ times."""
    count = text.count(phrase)
    if count != 1:
        raise DemoError(f"{where}: phrase {'not found' if count == 0 else f'found {count} times'}: {phrase[:60]!r}")
    start = text.index(phrase)
    return start, start + len(phrase)


def build_demo(path: str | Path, coder: str = DEMO_CODER, resources: Path | None = None) -> DemoSummary:
    """Create the demo project at `path` (which must not exist). All of it is one transaction."""
    folder = resources or demo_resources()
    path = Path(path)
    codebook = read_codebook(folder)
    codings = read_codings(folder)
    participants = read_participants(folder)
    project = Project.create(path, coder, name=DEMO_NAME)
    try:
        with project.write("build demo project"):
            summary = _fill(project, folder, codebook, codings, participants)
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        raise
    project.close()
    return summary


def _fill(project: Project, folder: Path, codebook: dict, codings: list[DemoCoding],
          participants: list[dict[str, str]]) -> DemoSummary:
    summary = DemoSummary(path=project.path)
    cases = {}
    for row in participants:
        case_id = project.add_case(row["ID"])
        project.set_case_attribute(case_id, "year", row["year"], "integer")
        project.set_case_attribute(case_id, "background", row["background"], "text")
        project.set_case_attribute(case_id, "rural", row["rural"], "boolean")
        cases[row["ID"]] = case_id
    for name, text in codebook.get("case_memos", {}).items():
        project.set_memo("case", cases[name], text)

    docs: dict[str, int] = {}
    for src in transcript_paths(folder):
        is_group = src.stem == FOCUS_GROUP
        options = ImportOptions(kind="focus-group" if is_group else "interview",
                                case=None if is_group else src.stem.split()[-1])
        [imported] = import_files(project, [src], options).imported
        assert imported.document_id is not None  # an imported file is a stored document
        docs[imported.name] = imported.document_id
        for speaker in imported.speakers:
            if speaker in cases:
                project.link_speaker(imported.document_id, speaker, cases[speaker])
            elif speaker not in INTERVIEWERS:
                raise DemoError(f"{src.name}: unexpected speaker {speaker!r}")
    for name, text in codebook.get("document_memos", {}).items():
        project.set_memo("document", docs[name], text)

    code_ids: dict[str, int] = {}
    _add_codes(project, codebook["codes"], None, "", code_ids)
    project.set_memo("project", None, codebook["project_memo"])

    texts = {name: project.document_text(doc_id) for name, doc_id in docs.items()}
    exemplars: list[tuple[str, int]] = []
    for c in codings:
        where = f"codings.txt:{c.line} ({c.document})"
        if c.document not in docs:
            raise DemoError(f"{where}: no demo document named {c.document!r}")
        if c.code not in code_ids:
            raise DemoError(f"{where}: code {c.code!r} is not in codebook.json")
        start, end = locate(texts[c.document], c.phrase, where)
        coding_id = project.apply_coding(docs[c.document], code_ids[c.code], start, end, exemplar=c.exemplar)
        summary.coding_ids.append(coding_id)
        if c.memo:
            project.set_memo("coding", coding_id, c.memo)
        if c.element:
            exemplars.append((c.element, coding_id))

    if codebook.get("framework"):
        framework_id = project.add_builtin_framework(codebook["framework"])
        for a in codebook.get("alignments", []):
            element = project.element_by_name(a["element"], framework_id)
            project.align_code(code_ids[a["code"]], element.id, a["rationale"])
            summary.alignments += 1
        for element_name, coding_id in exemplars:
            project.add_element_exemplar(project.element_by_name(element_name, framework_id).id, coding_id)
            summary.element_exemplars += 1

    counts = project.counts()
    summary.documents, summary.participants = counts["documents"], counts["cases"]
    summary.codes, summary.codings, summary.memos = counts["codes"], counts["codings"], counts["memos"]
    return summary


def _add_codes(project: Project, nodes: list[dict], parent: int | None, prefix: str, out: dict[str, int]) -> None:
    for node in nodes:
        path = f"{prefix}{node['name']}"
        code_id = project.add_code(node["name"], parent, color=node.get("color"),
                                   description=node.get("description", ""))
        out[path] = code_id
        if node.get("memo"):
            project.set_memo("code", code_id, node["memo"])
        _add_codes(project, node.get("children", []), code_id, f"{path}/", out)


def demo_copy(folder: Path | None = None) -> Path:
    """A fresh demo project in the user data folder (`npmdesk --demo`); returns its path.

    Built beside the target and renamed into place, so a half-built demo never appears; if the
    previous copy cannot be replaced (open in another window on Windows), a numbered name is used."""
    folder = Path(folder) if folder else data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".building-{os.getpid()}.npmdesk"
    tmp.unlink(missing_ok=True)
    build_demo(tmp)
    target = folder / DEMO_FILE
    for n in range(1, 100):
        candidate = target if n == 1 else target.with_name(f"{target.stem}-{n}{target.suffix}")
        try:
            os.replace(tmp, candidate)
            return candidate
        except PermissionError:
            continue
    tmp.unlink(missing_ok=True)
    raise DemoError(f"{folder}: could not place a fresh demo copy there")
