"""Domain records handed out by the store. Plain data: the store builds them, ui/ and cli show them."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

DOCUMENT_KINDS = ("interview", "focus-group", "field-notes", "other")
ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date")
PATH_SEPARATOR = "/"


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    kind: str
    case_id: int | None
    position: int
    source_name: str
    source_format: str
    source_sha256: str
    encoding: str
    imported: str
    words: int
    length: int
    guid: str
    turns: int = 0
    speakers: tuple[str, ...] = ()
    case: str | None = None

    def to_json(self) -> dict:
        d = asdict(self)
        d["speakers"] = list(self.speakers)
        return d


@dataclass(frozen=True)
class Speaker:
    id: int
    document_id: int
    name: str
    case_id: int | None
    case: str | None = None


@dataclass(frozen=True)
class Turn:
    id: int
    document_id: int
    start: int
    end: int
    speaker: str | None
    speaker_id: int | None
    begin_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class Case:
    id: int
    name: str
    description: str
    guid: str
    attributes: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Attribute:
    id: int
    name: str
    type: str
    guid: str


@dataclass(frozen=True)
class Code:
    id: int
    parent_id: int | None
    name: str
    color: str
    description: str
    position: int
    guid: str
    path: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Coding:
    id: int
    document_id: int
    code_id: int
    start: int
    end: int
    coder_id: int
    exemplar: bool
    created: str
    guid: str
    coder: str = ""


@dataclass(frozen=True)
class Excerpt:
    """One coded passage with everything a reader needs to place it."""

    coding_id: int
    document_id: int
    document: str
    code_id: int
    code: str  # the code's path
    start: int
    end: int
    text: str
    speaker: str | None
    participant: str | None
    coder: str
    exemplar: bool
    memo: str
    color: str = ""
    time_ms: int | None = None  # when it is spoken in the recording (its turn's start), if known

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CodeCounts:
    codings: int
    documents: int
    participants: int


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    document: str
    start: int
    end: int
    snippet: str
    speaker: str | None = None
    participant: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Matrix:
    """A table of numbers with labelled rows and columns (code x participant, co-occurrence, ...).

    `row_ids`/`col_ids` are the database ids behind each label (code, case, document id, or the
    attribute value itself) so that a cell can open its excerpts."""

    title: str
    row_kind: str  # "codes", "participants", "documents", "attribute:NAME"
    col_kind: str
    measure: str  # "codings", "coverage", "participants", ...
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    row_ids: tuple
    col_ids: tuple
    cells: tuple[tuple[float, ...], ...]

    def to_json(self) -> list[dict]:
        return [{"row": r, **{c: self.cells[i][j] for j, c in enumerate(self.col_labels)}}
                for i, r in enumerate(self.row_labels)]


@dataclass(frozen=True)
class TurnSpec:
    """A speaker turn to store with a new document: [start, end) in the normalised text."""

    start: int
    end: int
    speaker: str | None
    begin_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class ExcerptFilter:
    """Which excerpts to retrieve; every field None means no restriction on it."""

    code_ids: tuple[int, ...] | None = None
    with_descendants: bool = False
    document_ids: tuple[int, ...] | None = None
    case_ids: tuple[int, ...] | None = None
    coder_ids: tuple[int, ...] | None = None
    exemplars_only: bool = False
    coding_ids: tuple[int, ...] | None = None
    document_group_ids: tuple[int, ...] | None = None  # documents in any of these groups
    code_group_ids: tuple[int, ...] | None = None  # codes in any of these groups (and descendants if asked)


@dataclass(frozen=True)
class ItemGroup:
    """A named group of documents or of codes (a REFI-QDA set), with its members' ids."""

    id: int
    kind: str  # 'document' or 'code'
    name: str
    description: str
    guid: str
    members: tuple[int, ...] = ()


MAX_NAME = 200  # a name is a label in trees, tables and headings; longer text belongs in a memo

# What a name may not hold: C0 controls, DEL, C1 controls (NEL U+0085 among them), the line and
# paragraph separators, and the invisible bidirectional controls (embeddings and overrides
# U+202A-U+202E, isolates U+2066-U+2069, the LRM/RLM marks and the Arabic letter mark), which can
# make one name display as another.
UNSAFE_NAME_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAME_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAME_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def fit_name(text: str, limit: int = MAX_NAME) -> str:
    """A name npmdesk accepts from outside (a file name, another tool's code): control characters
    and line breaks become spaces, bidirectional controls are removed, runs of space become one,
    and an over-long name is cut at a word with an ellipsis."""
    name = " ".join(_NAME_BIDI.sub("", _NAME_BREAKS.sub(" ", text or "")).split())
    if len(name) > limit:
        head = name[:limit - 1]
        name = (head.rsplit(" ", 1)[0] if " " in head else head).rstrip() + "…"
    return name


def split_path(path: str) -> list[str]:
    """'Theme/Sub/Code' -> ['Theme', 'Sub', 'Code']; '//' escapes a literal slash in a name."""
    parts, buf, i = [], [], 0
    while i < len(path):
        if path[i] == PATH_SEPARATOR:
            if path[i : i + 2] == "//":
                buf.append("/")
                i += 2
                continue
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(path[i])
        i += 1
    parts.append("".join(buf).strip())
    if any(not p for p in parts):
        raise ValueError(f"empty name in code path {path!r}")
    return parts


def join_path(names: list[str]) -> str:
    return PATH_SEPARATOR.join(n.replace("/", "//") for n in names)
