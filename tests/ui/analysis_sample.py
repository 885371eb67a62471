"""A small, realistic (synthetic) mentoring study for the analysis views, and a script that renders
the views to PNG files so that a person can look at them:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.analysis_sample OUTDIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from npmdesk.store import Project, TurnSpec

B, IMP = "Socialisation into medicine/Belonging", "Socialisation into medicine/Imposter feelings"
E, N = "Teaching consolidates knowledge/Explaining to learn", "Teaching consolidates knowledge/Near-peer teaching"
F, L = "Growing as a communicator/Giving feedback", "Growing as a communicator/Listening"
H, A = "Seeing the system/Navigating the hospital", "Seeing the system/Advocacy"

# (speaker, what was said, codes applied to the whole turn); text written for npmdesk's tests.
INTERVIEWS = {
    "NPM-1": [
        ("Interviewer", "What did the first month of mentoring feel like?", []),
        ("NPM-1", "I felt I belonged for the first time, because my mentee asked me things I had asked a year ago.",
         [B]),
        ("NPM-1", "Explaining the cranial nerves to her made me finally understand them myself.", [E, N]),
        ("Interviewer", "Was there anything hard?", []),
        ("NPM-1", "Giving honest feedback without crushing her confidence took practice.", [F]),
    ],
    "NPM-2": [
        ("Interviewer", "How did you see your role?", []),
        ("NPM-2", "Some days I still felt like an impostor, but she needed me to sound sure.", [IMP]),
        ("NPM-2", "I showed her how to find the right person on the ward when nobody answers the pager.", [H]),
        ("NPM-2", "Teaching her forced me to look things up properly instead of guessing.", [E]),
    ],
    "NPM-3": [
        ("Interviewer", "What changed for you?", []),
        ("NPM-3", "I learned to just listen first, before jumping in with advice.", [L]),
        ("NPM-3", "When the clinic turned her family away, I spoke up for them with the social worker.", [A, H]),
        ("NPM-3", "Being asked to teach made me feel part of the school, not a guest.", [B, N]),
    ],
    "NPM-4": [
        ("Interviewer", "Anything you would tell the next mentors?", []),
        ("NPM-4", "Give feedback the same day, short and specific, and ask what they noticed.", [F, L]),
        ("NPM-4", "Explaining a murmur out loud is the best revision I ever did.", [E]),
    ],
}
FOCUS_GROUP = [
    ("Moderator", "Let us talk about belonging.", []),
    ("NPM-2", "Belonging came when a resident knew my name.", [B]),
    ("NPM-5", "For me it came from mentoring: someone depended on me.", [B, N]),
    ("NPM-6", "I still feel like a guest in the hospital, honestly, and the system is hard to read.", [IMP, H]),
    ("NPM-5", "We should push the school to fund transport for rural students.", [A]),
    ("NPM-6", "Listening to my mentee's worries taught me more than any lecture on communication.", [L, E]),
]
COHORT = {"NPM-1": 2021, "NPM-2": 2021, "NPM-3": 2022, "NPM-4": 2022, "NPM-5": 2023, "NPM-6": 2023}


def _transcript(turns):
    text, specs, codings = "", [], []
    for speaker, said, codes in turns:
        start = len(text) + len(speaker) + 2
        text += f"{speaker}: {said}\n"
        specs.append(TurnSpec(start - len(speaker) - 2, len(text), speaker))
        for code in codes:
            codings.append((code, start, start + len(said)))
    return text, specs, codings


def build(path: Path) -> Project:
    p = Project.create(path, "Ana")
    cases = {name: p.add_case(name) for name in COHORT}
    for name, cohort in COHORT.items():
        p.set_case_attribute(cases[name], "cohort", cohort, "integer")
    docs = [(f"Interview {name}", turns, cases[name], "interview") for name, turns in INTERVIEWS.items()]
    docs.append(("Focus group", FOCUS_GROUP, None, "focus-group"))
    exemplars = {}
    for name, turns, case_id, kind in docs:
        text, specs, codings = _transcript(turns)
        doc = p.add_document(name, text, kind=kind, case_id=case_id, turns=specs)
        for speaker in {s.speaker for s in specs if s.speaker in cases}:
            p.link_speaker(doc, speaker, cases[speaker])
        for code, start, end in codings:
            cid = p.apply_coding(doc, p.ensure_code_path(code), start, end)
            exemplars.setdefault(code, cid)
    fid = p.add_builtin_framework("acgme")
    el = {e.name: e.id for e in p.framework(fid).elements}
    for theme, element, why in (
        ("Socialisation into medicine", "Professionalism", "Mentors take on a professional identity"),
        ("Teaching consolidates knowledge", "Medical Knowledge", "Teaching deepens their own knowledge"),
        ("Teaching consolidates knowledge", "Practice-based Learning and Improvement",
         "Teaching as self-directed learning"),
        ("Growing as a communicator", "Interpersonal and Communication Skills", "Feedback and listening"),
        ("Seeing the system", "Systems-based Practice", "Navigating and advocating within the system"),
        ("Seeing the system", "Patient Care", "Advocacy for a family's care"),
    ):
        p.align_code(p.code_by_path(theme).id, el[element], why)
    p.add_element_exemplar(el["Medical Knowledge"], exemplars[E])
    p.add_element_exemplar(el["Professionalism"], exemplars[B])
    p.add_element_exemplar(el["Interpersonal and Communication Skills"], exemplars[F])
    p.add_element_exemplar(el["Systems-based Practice"], exemplars[H])
    return p


def render(outdir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from npmdesk.ui.analysis.alignment import AlignmentView
    from npmdesk.ui.analysis.chart import FrameworkChartView
    from npmdesk.ui.analysis.matrix import MatrixView
    from npmdesk.ui.analysis.saturation import SaturationView

    app = QApplication.instance() or QApplication([])
    outdir.mkdir(parents=True, exist_ok=True)
    project_path = outdir / "sample.npmdesk"
    project_path.unlink(missing_ok=True)
    p = build(project_path)
    themes = p.code_children(None)
    p.set_chart_summary(p.case_by_name("NPM-1").id, themes[0], "Belonging grew from being asked questions.")
    shots = []
    alignment = AlignmentView(p)
    alignment.resize(1250, 620)
    shots.append(("alignment.png", alignment))
    matrix = MatrixView(p)
    matrix.themes.setChecked(True)
    matrix.set_axes("codes", "participants")
    matrix.resize(1000, 420)
    shots.append(("matrix-heatmap.png", matrix))
    co = MatrixView(p)
    co.themes.setChecked(True)
    co.set_axes("codes", "codes")
    co.resize(1250, 460)
    shots.append(("cooccurrence.png", co))
    chart = FrameworkChartView(p)
    chart.resize(1100, 380)
    shots.append(("framework-chart.png", chart))
    sat = SaturationView(p)
    sat.resize(800, 400)
    shots.append(("saturation-view.png", sat))
    out = []
    for name, widget in shots:
        widget.show()
        app.processEvents()
        widget.grab().save(str(outdir / name))
        out.append(outdir / name)
    sat.export_png(str(outdir / "saturation-export.png"))
    out.append(outdir / "saturation-export.png")
    for _, widget in shots:
        widget.close()
    p.close()
    return out


if __name__ == "__main__":
    for f in render(Path(sys.argv[1] if len(sys.argv) > 1 else "analysis-shots")):
        print(f)
