"""The codebook: an overview table of the code tree (definition and counts per code), then one
entry per code with its colour, definition, inclusion and exclusion criteria and example (those
filled in), counts, memo and, if asked, example quotes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from npmdesk.core.model import Code, CodeCounts
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.data import CodeTree, ExcerptRow, excerpt_rows, source_line
from npmdesk.formats.reports.docx_builder import Cell, Indented, ReportBuilder
from npmdesk.formats.reports.empty import refuse_if_empty, style_of
from npmdesk.formats.reports.quoting import QuoteMaker
from npmdesk.formats.reports.table_data import credited_codings

TITLE = "Codebook"
_NONE = CodeCounts(0, 0, 0)
COUNT_HEADERS = ("Codings", "Docs", "Ppts")
DEFINITION_SHARE = 0.52  # of the text width, when some definition runs past a line
CRITERIA_SIZE = 21  # half-points: the criteria read as the definition does (10.5 pt)


def codebook_rows(project) -> list[tuple[Code, int, CodeCounts, CodeCounts]]:
    """(code, depth, own counts, counts with sub-codes) in tree order. Participants are counted
    by the attribution rule (`credited_codings`): whose words the codings are, so an interviewer's
    coded question does not make its interviewee one of a code's participants."""
    tree = CodeTree(project.codes())
    own, total = project.code_counts(), project.code_counts(with_descendants=True)
    own_people: dict[int, set[str]] = {}
    all_people: dict[int, set[str]] = {}
    for code_id, people in credited_codings(project):
        own_people.setdefault(code_id, set()).update(people)
        up: int | None = code_id
        while up is not None:
            all_people.setdefault(up, set()).update(people)
            parent = tree.by_id.get(up)
            up = parent.parent_id if parent is not None else None

    def counts(c: Code, base: dict, people: dict) -> CodeCounts:
        n = base.get(c.id, _NONE)
        return CodeCounts(n.codings, n.documents, len(people.get(c.id, ())))

    return [(c, tree.depth(c.id), counts(c, own, own_people), counts(c, total, all_people)) for c in tree.codes]


def examples_by_code(project, per_code: int, maker: QuoteMaker | None = None) -> dict[int, list[ExcerptRow]]:
    """Up to `per_code` quotes per code: those marked exemplar first, then in report order; only
    participants' own words (the attribution rule), when a `maker` is given."""
    if per_code <= 0:
        return {}
    chosen: dict[int, list[ExcerptRow]] = {}
    rows = excerpt_rows(project)
    if maker is not None:
        maker.prepare([r.excerpt for r in rows])
        rows = [r for r in rows if maker.attribution(r.excerpt).is_participant_quote]
    for r in sorted(rows, key=lambda r: not r.excerpt.exemplar):  # stable: keeps report order
        bucket = chosen.setdefault(r.excerpt.code_id, [])
        if len(bucket) < per_code:
            bucket.append(r)
    order = {id(r): i for i, r in enumerate(rows)}
    return {k: sorted(v, key=lambda r: order[id(r)]) for k, v in chosen.items()}


def export_codebook_docx(project, out: str | Path, *, examples: int = 0,
                         progress: ProgressCallback | None = None, style: ReportStyle | None = None) -> int:
    """Write the codebook (atomically); returns the number of codes. `examples`: quotes per code."""
    rows = codebook_rows(project)
    refuse_if_empty(len(rows), "the project has no codes yet")
    steps = Progress(progress, len(rows) + 1, every=20)
    steps.start()
    style = style_of(project, style)
    maker = QuoteMaker(project, style)
    quotes = examples_by_code(project, examples, maker)
    b = ReportBuilder(f"{TITLE} — {project.name}", subject=f"Codebook of the study {project.name}",
                      footer=f"{project.name} · {TITLE}", style=style)
    themes = sum(1 for _, depth, _, _ in rows if depth == 0)
    codings = project.counts()["codings"]
    b.title_page(TITLE, project.name, [
        ("Project", project.name),
        ("Exported", date.today().isoformat()),
        ("Codes", f"{len(rows)} ({themes} at the top level)"),
        ("Codings", str(codings)),
    ])
    b.caption("The code tree.")
    table: list[list[Cell]] = []
    for code, depth, _, total in rows:
        name = Indented([("\u25a0 ", {"color": code.color.lstrip("#").upper()}), (code.name, {"b": depth == 0})],
                        depth)
        table.append([[name], code.description.strip(), str(total.codings), str(total.documents),
                      str(total.participants)])
    # Short count headers (defined in the note) leave the definitions about four fifths of the
    # text width: "Participants" alone would need a column three times its numbers' width.
    # Definitions that wrap get the larger part of the width: a code name wraps less harmfully.
    long_definitions = any(len(r[1]) > 60 for r in table if isinstance(r[1], str))
    b.table(["Code", "Definition", *COUNT_HEADERS], table, font_half_points=18, right_align_from=2,
            fixed={1: DEFINITION_SHARE} if long_definitions else None,
            note="Docs = documents; Ppts = participants. Counts include each code's sub-codes.")
    b.page_break()
    definitions = project.code_definitions()
    for code, depth, own, total in rows:
        b.heading(code.name, min(depth + 1, 3), code.color)
        if code.description.strip():
            b.paragraph(code.description.strip(), "CodeDefinition", keep_next=True)
        definition = definitions.get(code.id)
        for label, text in definition.criteria if definition else ():
            b.paragraph([(f"{label}: ", {"b": True, "sz": CRITERIA_SIZE}), (text, {"sz": CRITERIA_SIZE})],
                        "ReportFact", keep_next=True)
        memo = project.memo("code", code.id).strip()
        facts = [f"Colour {code.color}", f"{own.codings} coding{'s' * (own.codings != 1)}"]
        if definition is not None and not definition.codable:
            facts.insert(0, "A category (groups its sub-codes; not applied itself)")
        if total.codings != own.codings:
            facts[-1] += f" ({total.codings} with sub-codes)"
        facts += [f"{total.documents} document{'s' * (total.documents != 1)}",
                  f"{total.participants} participant{'s' * (total.participants != 1)}"]
        if code.path != code.name:
            facts.append(f"path {code.path}")
        b.paragraph(" · ".join(facts), "CodeFacts", keep_next=bool(memo or quotes.get(code.id)))
        if memo:
            b.paragraph([("Memo: ", {"b": True}), (memo, {})], "ExcerptMemo")
        for r in quotes.get(code.id, []):
            q = maker.quote(r.excerpt, nested=False, paragraphs=r.paragraphs)
            b.paragraph(q.text, "Quote")
            b.paragraph(source_line(r, q.citation), "ExcerptSource")
        steps.step()
    with atomic_output(out) as tmp:
        b.save(tmp)
        steps.finish()
    return len(rows)

