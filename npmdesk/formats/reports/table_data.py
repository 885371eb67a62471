"""The numbers and cells behind the table reports, shared by the Word and CSV exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.core.model import split_path
from npmdesk.formats.reports.data import CodeTree
from npmdesk.formats.reports.selection import ReportSelection

ELEMENT_LABELS = {"acgme": "Competency", "canmeds": "Role"}


def display_path(path: str) -> str:
    """'Theme/Sub' -> 'Theme › Sub' (a '/' inside a name stays a '/')."""
    return " › ".join(split_path(path))


def _value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _selected_cases(project, selection: ReportSelection | None):
    cases = project.cases()
    ids = selection.case_ids(project) if selection else None
    return cases if ids is None else [c for c in cases if c.id in set(ids)]


def _refuse_excerpt_filters(selection: ReportSelection | None, report: str, allowed: str) -> None:
    if selection and (selection.documents or selection.coders or selection.exemplars_only):
        raise InvalidValueError(f"the {report} report can be limited by {allowed} only "
                                "(not by document, coder or exemplar)")


def participant_table(project, selection: ReportSelection | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows: Participant | Description (if any) | each attribute | Documents | Codings."""
    _refuse_excerpt_filters(selection, "participants", "participant or attribute")
    if selection and selection.code_paths:
        raise InvalidValueError("the participants report lists participants, not codes: drop --code")
    cases = _selected_cases(project, selection)
    attrs = [a.name for a in project.attributes()]
    described = any(c.description.strip() for c in cases)
    docs: dict[int, set[int]] = {}
    for d in project.documents():
        if d.case_id is not None:
            docs.setdefault(d.case_id, set()).add(d.id)
    for s in project.speakers():
        if s.case_id is not None:
            docs.setdefault(s.case_id, set()).add(s.document_id)
    by_kind = project.matrix("participants", "kinds", "codings")  # each coding has exactly one kind
    codings = {cid: int(sum(row)) for cid, row in zip(by_kind.row_ids, by_kind.cells)}
    header = ["Participant"] + (["Description"] if described else []) + attrs + ["Documents", "Codings"]
    rows = []
    for c in cases:
        rows.append([c.name] + ([c.description] if described else [])
                    + [_value_text(c.attributes.get(a)) for a in attrs]
                    + [str(len(docs.get(c.id, ()))), str(codings.get(c.id, 0))])
    return header, rows


def sample_summary(project, selection: ReportSelection | None = None) -> list[list[str]]:
    """Attribute | Value | n | % over the selected participants (values in natural order)."""
    cases = _selected_cases(project, selection)
    out = []
    for a in project.attributes():
        counts = Counter(_value_text(c.attributes.get(a.name)) or "(not recorded)" for c in cases)
        for i, (value, n) in enumerate(sorted(counts.items(), key=lambda kv: _natural(kv[0]))):
            pct = f"{100 * n / len(cases):.0f}" if cases else "0"
            out.append([a.name if i == 0 else "", value, str(n), pct])
    return out


def _natural(text: str):
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text.lower())


@dataclass(frozen=True)
class MatrixRow:
    code_id: int
    name: str
    path: str
    depth: int
    color: str
    cells: tuple[float, ...]
    codings: int  # with sub-codes, each coding once
    participants: int  # non-zero cells


@dataclass(frozen=True)
class MatrixTable:
    participants: list[str]
    rows: list[MatrixRow]


def matrix_table(project, selection: ReportSelection | None = None) -> MatrixTable:
    """Codes (themes aggregating their sub-codes) x participants, from the analysis store."""
    _refuse_excerpt_filters(selection, "matrix", "code, participant or attribute")
    tree = CodeTree(project.codes())
    code_ids = None
    if selection and selection.code_paths:
        ids: set[int] = set()
        for path in selection.code_paths:
            cid = project.code_by_path(path).id
            ids.update(project.code_descendants(cid) if selection.with_children else [cid])
        code_ids = tuple(ids)
    m = project.matrix("codes", "participants", "codings", aggregate=True, code_ids=code_ids)
    keep = [j for j, cid in enumerate(m.col_ids) if cid in {c.id for c in _selected_cases(project, selection)}]
    totals = project.code_counts(with_descendants=True)
    rows = []
    for i, cid in enumerate(m.row_ids):
        code = tree.by_id[cid]
        cells = tuple(m.cells[i][j] for j in keep)
        rows.append(MatrixRow(cid, code.name, code.path, tree.depth(cid), code.color, cells,
                              totals[cid].codings if cid in totals else 0, sum(1 for v in cells if v)))
    return MatrixTable([m.col_labels[j] for j in keep], rows)


@dataclass(frozen=True)
class AlignmentTable:
    framework: str
    element_label: str  # "Competency", "Role", "Element"
    rows: list  # AlignmentRow from the store


def alignment_tables(project, framework: str | None = None) -> list[AlignmentTable]:
    """One table per framework: the one named, else every framework that has alignments."""
    frameworks = project.frameworks()
    if framework:
        frameworks = [project.framework_by_name(framework)]
    elif not frameworks:
        raise NotFoundError("the project has no framework yet: add one (e.g. the ACGME competencies) "
                            "and align themes with it first")
    else:
        aligned = {a.framework_id for a in project.alignments()}
        frameworks = [f for f in frameworks if f.id in aligned] or frameworks
    return [AlignmentTable(f.name, ELEMENT_LABELS.get(f.source, "Element"), project.alignment_rows(f.id))
            for f in frameworks]
