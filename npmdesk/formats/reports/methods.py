"""The COREQ/SRQR methods appendix: a Word document that answers, item by item and with each
item's number, every question of the two reporting guidelines the project can answer, and lists
the rest as "to complete".

COREQ: Tong, Sainsbury and Craig (2007), 32 items. SRQR: O'Brien et al. (2014), 21 items.
What npmdesk knows comes from store/methods.py: participants and attributes, interviews and focus
groups with durations from caption timings, coders, how each code arose, saturation by the rule of
Guest et al. (2020), and how quotations are identified."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from npmdesk import __version__
from npmdesk.core.quotes import CITATION_STYLES
from npmdesk.core.wording import plural
from npmdesk.core.report_style import ReportStyle
from npmdesk.formats.export_support import Progress, ProgressCallback, atomic_output
from npmdesk.formats.reports.docx_builder import Cell, Indented, ReportBuilder
from npmdesk.formats.reports.empty import refuse_if_empty, style_of
from npmdesk.formats.reports.quoting import QuoteMaker
from npmdesk.formats.reports.table_data import sample_summary
from npmdesk.store.methods import StudyFacts, study_facts

TITLE = "Methods appendix (COREQ and SRQR)"
TO_COMPLETE = "To complete"
KIND_NAMES = {"interview": "Interviews", "focus-group": "Focus groups", "field-notes": "Field notes",
              "other": "Other documents"}

COREQ = [  # (number, item, the guideline's question)
    (1, "Interviewer/facilitator", "Which author(s) conducted the interview or focus group?"),
    (2, "Credentials", "What were the researcher's credentials?"),
    (3, "Occupation", "What was their occupation at the time of the study?"),
    (4, "Gender", "Was the researcher male or female?"),
    (5, "Experience and training", "What experience or training did the researcher have?"),
    (6, "Relationship established", "Was a relationship established prior to study commencement?"),
    (7, "Participant knowledge of the interviewer", "What did the participants know about the researcher?"),
    (8, "Interviewer characteristics", "What characteristics were reported about the interviewer/facilitator?"),
    (9, "Methodological orientation and theory", "What methodological orientation underpinned the study?"),
    (10, "Sampling", "How were participants selected?"),
    (11, "Method of approach", "How were participants approached?"),
    (12, "Sample size", "How many participants were in the study?"),
    (13, "Non-participation", "How many people refused to participate or dropped out, and why?"),
    (14, "Setting of data collection", "Where was the data collected?"),
    (15, "Presence of non-participants", "Was anyone else present besides the participants and researchers?"),
    (16, "Description of sample", "What are the important characteristics of the sample?"),
    (17, "Interview guide", "Were questions, prompts or guides provided by the authors? Was it pilot tested?"),
    (18, "Repeat interviews", "Were repeat interviews carried out? If yes, how many?"),
    (19, "Audio/visual recording", "Did the research use audio or visual recording to collect the data?"),
    (20, "Field notes", "Were field notes made during and/or after the interview or focus group?"),
    (21, "Duration", "What was the duration of the interviews or focus group?"),
    (22, "Data saturation", "Was data saturation discussed?"),
    (23, "Transcripts returned", "Were transcripts returned to participants for comment and/or correction?"),
    (24, "Number of data coders", "How many data coders coded the data?"),
    (25, "Description of the coding tree", "Did authors provide a description of the coding tree?"),
    (26, "Derivation of themes", "Were themes identified in advance or derived from the data?"),
    (27, "Software", "What software, if applicable, was used to manage the data?"),
    (28, "Participant checking", "Did participants provide feedback on the findings?"),
    (29, "Quotations presented", "Were participant quotations presented? Was each quotation identified?"),
    (30, "Data and findings consistent", "Was there consistency between the data presented and the findings?"),
    (31, "Clarity of major themes", "Were major themes clearly presented in the findings?"),
    (32, "Clarity of minor themes", "Is there a description of diverse cases or discussion of minor themes?"),
]
COREQ_DOMAINS = {1: "Domain 1: Research team and reflexivity", 9: "Domain 2: Study design",
                 24: "Domain 3: Analysis and findings"}
SRQR = [
    ("S1", "Title"), ("S2", "Abstract"), ("S3", "Problem formulation"), ("S4", "Purpose or research question"),
    ("S5", "Qualitative approach and research paradigm"), ("S6", "Researcher characteristics and reflexivity"),
    ("S7", "Context"), ("S8", "Sampling strategy"), ("S9", "Ethical issues pertaining to human subjects"),
    ("S10", "Data collection methods"), ("S11", "Data collection instruments and technologies"),
    ("S12", "Units of study"), ("S13", "Data processing"), ("S14", "Data analysis"),
    ("S15", "Techniques to enhance trustworthiness"), ("S16", "Synthesis and interpretation"),
    ("S17", "Links to empirical data"), ("S18", "Integration with prior work, implications, transferability"),
    ("S19", "Limitations"), ("S20", "Conflicts of interest"), ("S21", "Funding"),
]


class _Answers:
    """The sentences the project supports, shared by the COREQ and SRQR tables."""

    def __init__(self, project, facts: StudyFacts, style: ReportStyle):
        self.project, self.f, self.style = project, facts, style
        kinds = {k.kind: k for k in facts.kinds}
        self.kinds = kinds
        self.summary = sample_summary(project, None, style.labels)
        attrs: list[tuple[str, list[str]]] = []
        current: tuple[str, list[str]] | None = None
        for name, value, n, pct in self.summary:
            if name:
                current = (name, [])
                attrs.append(current)
            if current is not None and not value.startswith("free text"):
                current[1].append(f"{value} {n} ({pct} %)")
        self.attrs = attrs
        maker = QuoteMaker(project, style)
        exemplars = project.excerpts(_exemplar_filter())
        maker.prepare(exemplars)
        self.exemplars = [maker.quote(e) for e in exemplars]

    def sample_size(self) -> str:
        parts = [plural(self.f.participants, "participant")]
        docs = ", ".join(plural(k.count, KIND_NAMES[k.kind].lower()[:-1], KIND_NAMES[k.kind].lower())
                         for k in self.f.kinds)
        return f"{parts[0]}; {docs}." if docs else f"{parts[0]}."

    def description(self) -> str:
        if not self.attrs:
            return ""
        return "; ".join(f"{name}: {', '.join(values)}" for name, values in self.attrs if values) + \
            " (see the sample table below)."

    def repeat(self) -> str:
        return (f"{plural(self.f.repeat, 'participant')} had more than one interview." if self.f.repeat
                else "No participant had more than one interview.")

    def recording(self) -> str:
        timed = sum(k.timed for k in self.f.kinds)
        total = sum(k.count for k in self.f.kinds)
        if timed:
            return (f"{timed} of {total} transcripts carry caption timings (they were transcribed from "
                    "recordings); state how recordings were made.")
        return ""

    def field_notes(self) -> str:
        k = self.kinds.get("field-notes")
        return f"{plural(k.count, 'field-notes document')} in the project." if k else ""

    def duration(self) -> str:
        out = [f"{KIND_NAMES[k.kind]}: {k.durations()}" for k in self.f.kinds if k.minutes]
        return "; ".join(out) + "." if out else ""

    def saturation(self) -> str:
        return f"{self.f.saturation.statement()} Rule: {self.f.saturation.rule()}"

    def coders(self) -> str:
        c = self.f.coders
        if not c:
            return ""
        names = ", ".join(f"{x.name} ({x.codings} codings)" for x in c)
        return f"{plural(len(c), 'coder')}: {names}."

    def coding_tree(self) -> str:
        top = [c for c in self.f.codes if c.depth == 0]
        subs = len(self.f.codes) - len(top)
        return (f"{plural(len(self.f.codes), 'code')} in a tree of {plural(len(top), 'theme')} and "
                f"{plural(subs, 'sub-code')} (see the coding tree below).")

    def derivation(self) -> str:
        prior = sum(1 for c in self.f.codes if c.origin == "a priori")
        emergent = sum(1 for c in self.f.codes if c.origin == "emergent")
        fws = f" Frameworks: {', '.join(self.f.frameworks)}." if self.f.frameworks else ""
        return (f"{emergent} codes emerged from the data during coding and {prior} were set a priori "
                f"(from a framework or created before coding began); each code's origin and date are "
                f"listed below.{fws}")

    def software(self) -> str:
        return f"npmdesk {__version__} (qualitative coding and reporting)."

    def quotations(self) -> str:
        example = CITATION_STYLES[self.style.citation]
        identified = [q for q in self.exemplars if q.is_participant_quote]
        people = {p for q in identified for p in q.attribution.participants}
        left = len(self.exemplars) - len(identified)
        text = (f"Quotations are identified by participant ID, e.g. {example}. {len(identified)} exemplar "
                f"quotations from {plural(len(people), 'participant')}")
        if left:
            text += (f"; {left} marked passage{'s' * (left != 1)} spoken by an interviewer or facilitator "
                     "are not presented as participants' quotations")
        return text + "."

    def themes(self) -> str:
        top = [c.path for c in self.f.codes if c.depth == 0 and c.origin != "unused"]
        return ("Themes: " + "; ".join(top) + ".") if top else ""

    def minor(self) -> str:
        subs = [c for c in self.f.codes if c.depth > 0 and c.codings]
        return f"{plural(len(subs), 'sub-code')} in use (see the coding tree)." if subs else ""

    def data_processing(self) -> str:
        total = sum(k.count for k in self.f.kinds)
        return (f"{plural(total, 'transcript')} imported into npmdesk with speaker turns identified; "
                f"{self.f.total_codings} codings.")

    def trustworthiness(self) -> str:
        n = len(self.f.coders)
        if n > 1:
            return f"{n} coders coded the data; saturation assessed ({self.f.saturation.statement()})"
        return f"Saturation assessed: {self.f.saturation.statement()}"

    def data_collection(self) -> str:
        return "; ".join(f"{plural(k.count, KIND_NAMES[k.kind].lower()[:-1], KIND_NAMES[k.kind].lower())}"
                         + (f" ({k.durations()})" if k.minutes else "") for k in self.f.kinds) + "."


def _exemplar_filter():
    from npmdesk.core.model import ExcerptFilter

    return ExcerptFilter(exemplars_only=True)


def export_methods_docx(project, out: str | Path, *, progress: ProgressCallback | None = None,
                        style: ReportStyle | None = None) -> int:
    """Write the appendix (atomically); returns the number of items answered from the project."""
    refuse_if_empty(len(project.documents()), "the project has no transcripts")
    style = style_of(project, style)
    steps = Progress(progress, 3)
    steps.start()
    facts = study_facts(project)
    a = _Answers(project, facts, style)
    steps.step()
    coreq = {12: a.sample_size(), 16: a.description(), 18: a.repeat(), 19: a.recording(), 20: a.field_notes(),
             21: a.duration(), 22: a.saturation(), 24: a.coders(), 25: a.coding_tree(), 26: a.derivation(),
             27: a.software(), 29: a.quotations(), 31: a.themes(), 32: a.minor()}
    srqr = {"S10": a.data_collection(), "S11": a.recording(), "S12": a.sample_size() + " " + a.description(),
            "S13": a.data_processing(), "S14": f"{a.coders()} {a.derivation()} Software: {a.software()}",
            "S15": a.trustworthiness(), "S16": a.themes(), "S17": a.quotations()}
    b = ReportBuilder(f"{TITLE} — {project.name}", subject=f"Reporting checklist for the study {project.name}",
                      footer=f"{project.name} · Methods appendix", style=style)
    b.title_page(TITLE, project.name, [("Project", project.name), ("Exported", date.today().isoformat()),
                                       ("Software", f"npmdesk {__version__}")])
    b.paragraph("Each item of the Consolidated criteria for reporting qualitative research (COREQ; Tong, "
                "Sainsbury and Craig 2007) and of the Standards for Reporting Qualitative Research (SRQR; "
                "O'Brien et al. 2014) that the project can answer is filled in from the project; the others "
                "say “To complete” with the guideline's question. Add the manuscript page in the last column.",
                "ReportNote")
    answered = 0
    rows: list[list[Cell]] = []
    spans: set[int] = set()
    for number, item, question in COREQ:
        if number in COREQ_DOMAINS:
            spans.add(len(rows))
            rows.append([[[(COREQ_DOMAINS[number], {"b": True})]], "", "", ""])
        text = (coreq.get(number) or "").strip()
        answered += bool(text)
        cell: Cell = text if text else [[(f"{TO_COMPLETE}: ", {"b": True}), (question, {"i": True})]]
        rows.append([str(number), item, cell, ""])
    b.caption("COREQ checklist: what the project shows.")
    b.table(["No.", "Item", "Reported (from the project)", "Page"], rows, font_half_points=18,
            fixed={1: 0.22}, spans=spans)
    rows = []
    for srqr_no, item in SRQR:
        text = (srqr.get(srqr_no) or "").strip()
        answered += bool(text)
        rows.append([srqr_no, item, text if text else [[(TO_COMPLETE, {"b": True})]], ""])
    b.page_break()
    b.caption("SRQR checklist: what the project shows.")
    b.table(["No.", "Item", "Reported (from the project)", "Page"], rows, font_half_points=18, fixed={1: 0.22})
    steps.step()
    _details(b, a, facts)
    with atomic_output(out) as tmp:
        b.save(tmp)
        steps.finish()
    return answered


def _details(b: ReportBuilder, a: _Answers, f: StudyFacts) -> None:
    b.page_break()
    b.heading("Participants (COREQ 12, 16; SRQR S12)", 1)
    b.paragraph(a.sample_size(), keep_next=True)
    if a.summary:
        b.caption(f"Description of the sample (n = {f.participants}).")
        b.table(["Characteristic", "Value", "n", "%"], a.summary, right_align_from=2)
    b.heading("Data collection (COREQ 18–21; SRQR S10–S11)", 1)
    b.caption("Transcripts by kind, with durations where caption timings exist.")
    b.table(["Kind", "n", "Duration"], [[KIND_NAMES[k.kind], str(k.count), k.durations() or "no caption timings"]
                                        for k in f.kinds], right_align_from=None)
    b.heading("Coders (COREQ 24; SRQR S14)", 1)
    if f.coders:
        b.caption("Coders and their codings.")
        b.table(["Coder", "Codings", "Transcripts", "First coding", "Last coding"],
                [[c.name, str(c.codings), str(c.documents), c.first, c.last] for c in f.coders], right_align_from=1)
    else:
        b.paragraph("No codings yet.")
    b.heading("Coding tree and derivation of themes (COREQ 25–26)", 1)
    b.paragraph("A code is a priori if it came from a framework or was created before coding began; "
                "otherwise it emerged from the data, on the date shown (when it was created or first applied).",
                "CodeDefinition", keep_next=True)
    b.caption("The coding tree with each code's origin.")
    b.table(["Code", "Origin", "Appeared", "Codings"],
            [[[Indented([(c.path.rsplit("/", 1)[-1], {"b": c.depth == 0})], c.depth)],
              f"{c.origin} ({c.source})", c.appeared or "—", str(c.codings)] for c in f.codes],
            font_half_points=18, right_align_from=3)
    b.heading("Data saturation (COREQ 22)", 1)
    s = f.saturation
    b.paragraph(s.rule(), "CodeDefinition", keep_next=True)
    b.paragraph(s.statement(), keep_next=True)
    shares = {r.first: r for r in s.runs}
    rows = []
    for i, p in enumerate(f.saturation_points, start=1):
        run = shares.get(i)
        rows.append([str(i), p.document, str(p.new_codes), str(p.total_codes),
                     f"{run.first}–{run.last}: {run.new_codes} ({run.share:.0%})" if run else
                     ("base" if i <= s.base_size else "")])
    b.caption("New codes per transcript in interview order, and the new information of each run.")
    b.table(["#", "Transcript", "New codes", "Codes so far", "Run from here: new (share of base)"], rows,
            font_half_points=18, right_align_from=2)
    b.heading("Quotations (COREQ 29; SRQR S17)", 1)
    b.paragraph(a.quotations())
    b.heading("Software (COREQ 27)", 1)
    b.paragraph(a.software())
