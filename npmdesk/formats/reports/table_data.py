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
    if selection and (selection.documents or selection.exemplars_only):
        raise InvalidValueError(f"the {report} report can be limited by {allowed} only "
                                "(not by document or exemplar)")


def coder_ids(project, selection: ReportSelection | None) -> tuple[int, ...] | None:
    """The coders whose codings a table counts (None: everyone's); unknown names are refused."""
    if not selection or not selection.coders:
        return None
    return tuple(project.coder_by_name(n) for n in selection.coders)


def coder_names(selection: ReportSelection | None) -> str:
    """'Bea' / 'Ana and Bea': the coders a table is limited to ('' for everyone)."""
    names = list(selection.coders) if selection else []
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def coded_by(selection: ReportSelection | None) -> str:
    """'coded by Bea' for a table's heading ('' for everyone)."""
    names = coder_names(selection)
    return f"coded by {names}" if names else ""


def participant_table(project, selection: ReportSelection | None = None,
                      labels: dict | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows: Participant | Description (if any) | each attribute | Documents | Codings.
    `labels` rename attributes in the header (the report settings' attribute labels). Codings are
    counted by the attribution rule (`credited_codings`: an interviewer's coded question is not
    one of the interviewee's codings), only the chosen coders' if the selection names coders."""
    _refuse_excerpt_filters(selection, "participants", "participant, attribute or coder")
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
    per_name: Counter = Counter()
    for _, people in credited_codings(project, coders=coder_ids(project, selection)):
        per_name.update(people)
    codings = {c.id: per_name.get(c.name, 0) for c in cases}
    labels = labels or {}
    header = (["Participant"] + (["Description"] if described else []) + [labels.get(a) or a for a in attrs]
              + ["Documents", f"Codings by {coder_names(selection)}" if coder_names(selection) else "Codings"])
    rows = []
    for c in cases:
        rows.append([c.name] + ([c.description] if described else [])
                    + [_value_text(c.attributes.get(a)) for a in attrs]
                    + [str(len(docs.get(c.id, ()))), str(codings.get(c.id, 0))])
    return header, rows


NOT_RECORDED = "(not recorded)"


def _fold(value: str) -> str:
    """'Rural ', 'rural' and 'RURAL' are one answer; so are 'first generation' and 'first-generation'."""
    return " ".join(value.casefold().replace("-", " ").replace("_", " ").split()).strip(" .;,")


def is_free_text(values: list[str]) -> bool:
    """Answers too varied to count as categories: more than five different ones, most given once."""
    counts = Counter(_fold(v) for v in values if v)
    singles = sum(1 for n in counts.values() if n == 1)
    return len(counts) > 5 and singles > len(counts) / 2


def sample_summary(project, selection: ReportSelection | None = None,
                   labels: dict | None = None) -> list[list[str]]:
    """Attribute | Value | n | % over the selected participants (values in natural order).

    Spellings of one answer are counted together (shown as most participants wrote it); an
    attribute whose answers are free text is summarised as such, not counted value by value."""
    cases = _selected_cases(project, selection)
    labels = labels or {}
    out = []
    for a in project.attributes():
        label = labels.get(a.name) or a.name
        values = [_value_text(c.attributes.get(a.name)) for c in cases]
        if a.type == "text" and is_free_text(values):
            answered = sum(1 for v in values if v)
            out.append([label, f"free text ({len({_fold(v) for v in values if v})} different answers; "
                               "not summarised)", str(answered), _pct(answered, len(cases))])
            continue
        spellings: dict[str, Counter] = {}
        for v in values:
            spellings.setdefault(_fold(v) if v else "", Counter())[v or NOT_RECORDED] += 1
        rows = [(sp.most_common(1)[0][0], sum(sp.values())) for key, sp in spellings.items()]
        rows.sort(key=lambda kv: (kv[0] == NOT_RECORDED, _natural(kv[0])))
        for i, (value, n) in enumerate(rows):
            out.append([label if i == 0 else "", value, str(n), _pct(n, len(cases))])
    return out


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}" if total else "0"


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
    column_totals: tuple[int, ...] = ()  # codings per participant, each coding once
    total_codings: int = 0  # codings in the table's codes credited to a participant, each once
    not_credited: int = 0  # codings in the table's codes on no participant's words (an interviewer's)


def credited_codings(project, code_ids=None, coders=None) -> list[tuple[int, tuple[str, ...]]]:
    """(code id, participants credited) of every coding (of these codes, by these coder ids), by
    the attribution rule (core/attribution.py through store/attribution.py): a passage counts for
    the participant whose turn it lies in, for each participant of a passage across turns, and for
    nobody when only an interviewer or facilitator speaks in it."""
    import json

    from npmdesk.store.attribution import Attributions

    sql = "SELECT code_id, document_id, start, end FROM codings"
    where, params = [], []
    if code_ids is not None:
        where.append("code_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(code_ids)))
    if coders is not None:
        where.append("coder_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(coders)))
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = project.db.execute(sql, params).fetchall()
    who = Attributions(project)
    who.load({r[1] for r in rows})
    return [(code, who.credited(doc, start, end)) for code, doc, start, end in rows]


def matrix_table(project, selection: ReportSelection | None = None) -> MatrixTable:
    """Codes (themes aggregating their sub-codes) x participants. A coding counts for the
    participants whose words it codes (`credited_codings`), so an interviewer's question coded in
    NPM-1's interview is not one of NPM-1's codings; those are counted apart (`not_credited`).
    With coders in the selection, only their codings are counted (e.g. the consensus coder's)."""
    _refuse_excerpt_filters(selection, "matrix", "code, participant, attribute or coder")
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
    column = {m.col_labels[j]: k for k, j in enumerate(keep)}
    row_of = {cid: i for i, cid in enumerate(m.row_ids)}
    cells = [[0] * len(keep) for _ in m.row_ids]
    row_codings = [0] * len(m.row_ids)
    column_totals = [0] * len(keep)
    total_codings = not_credited = 0
    for code_id, people in credited_codings(project, code_ids, coder_ids(project, selection)):
        cols = [column[p] for p in people if p in column]
        if not people:
            not_credited += 1
            continue
        total_codings += 1
        for k in cols:
            column_totals[k] += 1
        up: int | None = code_id
        while up is not None:  # the code and each theme above it, each coding once per row
            if up in row_of:
                row_codings[row_of[up]] += 1
                for k in cols:
                    cells[row_of[up]][k] += 1
            parent = tree.by_id.get(up)
            up = parent.parent_id if parent is not None else None
    rows = []
    for i, cid in enumerate(m.row_ids):
        code = tree.by_id[cid]
        row = tuple(float(v) for v in cells[i])
        rows.append(MatrixRow(cid, code.name, code.path, tree.depth(cid), code.color, row,
                              row_codings[i], sum(1 for v in row if v)))
    return MatrixTable([m.col_labels[j] for j in keep], rows, tuple(column_totals), total_codings, not_credited)


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
