"""A small synthetic study for the export tests: two interviews and a focus group, codes in a
tree, two coders, memos, exemplars, participants with attributes and an ACGME alignment."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from npmdesk.store import Project, TurnSpec

INTERVIEW_1 = (
    "Interviewer: What did mentoring mean to you? 😀\n"
    "NPM-1: It felt like I belonged here 🏥. My mentor gave honest feedback.\n"
    "Interviewer: And teaching?\n"
    "NPM-1: Teaching it made me really know it — مرحبا, e\u0301tude, 你好.\n"
    "It also showed me how the hospital system works.\n"
)
INTERVIEW_2 = (
    "Interviewer: Tell me about your first week.\n"
    "NPM-2: I was nervous, \"truly\" nervous; then my mentor said: you, too, belong here.\n"
    "Interviewer: What changed?\n"
    "NPM-2: I learned to listen before I speak.\n"
)
FOCUS = (
    "Moderator: Who wants to start?\n"
    "NPM-1: Feedback from a near-peer is easier to hear.\n"
    "NPM-3: Agreed 👍🏽 — it felt safe.\n"
)


def labelled_turns(text: str) -> list[TurnSpec]:
    """One turn per line with a "Speaker:" label."""
    out, pos = [], 0
    for line in text.split("\n"):
        if ":" in line:
            out.append(TurnSpec(pos, pos + len(line), line.split(":", 1)[0]))
        pos += len(line) + 1
    return out


def span(text: str, phrase: str) -> tuple[int, int]:
    i = text.index(phrase)
    return i, i + len(phrase)


@dataclass
class Study:
    project: Project
    ids: dict = field(default_factory=dict)


def build_study(path) -> Study:
    p = Project.create(path, "Ana", name="NPM mentors")
    s = Study(p)
    with p.write("set up test study"):
        c1 = p.add_case("NPM-1")
        c2 = p.add_case("NPM-2")
        c3 = p.add_case("NPM-3")
        for cid, year, background, rural in ((c1, 2, "first-generation", "yes"), (c2, 1, "transfer", "no"),
                                             (c3, 2, "first-generation", "no")):
            p.set_case_attribute(cid, "year", year, "integer")
            p.set_case_attribute(cid, "background", background)
            p.set_case_attribute(cid, "rural", rural, "boolean")
        d1 = p.add_document("Interview 1", INTERVIEW_1, case_id=c1, turns=labelled_turns(INTERVIEW_1))
        d2 = p.add_document("Interview 2", INTERVIEW_2, case_id=c2, turns=labelled_turns(INTERVIEW_2))
        d3 = p.add_document("Focus group", FOCUS, kind="focus-group", turns=labelled_turns(FOCUS))
        p.link_speaker(d3, "NPM-1", c1)
        p.link_speaker(d3, "NPM-3", c3)
        social = p.add_code("Socialisation into medicine", color="#f4d35e",
                            description="Becoming a member of the profession through mentors.")
        belong = p.add_code("Belonging", social, color="#8ecae6", description="Feeling that one fits in.")
        feedback = p.add_code("Honest feedback", social, color="#e5989b")
        teach = p.add_code("Teaching consolidates knowledge", color="#90be6d",
                           description="Explaining to others deepens one's own understanding.")
        system = p.add_code("Seeing the system", color="#b8c0ff")
        p.add_code("Unused code", color="#cccccc")
        s.ids.update(d1=d1, d2=d2, d3=d3, c1=c1, c2=c2, c3=c3, social=social, belong=belong,
                     feedback=feedback, teach=teach, system=system)

        def code(doc, text, phrase, code_id, **kw):
            return p.apply_coding(doc, code_id, *span(text, phrase), **kw)

        s.ids["k_belong1"] = code(d1, INTERVIEW_1, "It felt like I belonged here 🏥.", belong, exemplar=True)
        s.ids["k_feedback1"] = code(d1, INTERVIEW_1, "My mentor gave honest feedback.", feedback)
        s.ids["k_social1"] = code(d1, INTERVIEW_1, "It felt like I belonged here 🏥. My mentor gave honest feedback.",
                                  social)
        multi = "Teaching it made me really know it — مرحبا, e\u0301tude, 你好.\nIt also showed me"
        s.ids["k_teach1"] = code(d1, INTERVIEW_1, multi, teach, exemplar=True)
        s.ids["k_belong2"] = code(d2, INTERVIEW_2, 'I was nervous, "truly" nervous; then my mentor said: you, too, '
                                  "belong here.", belong)
        s.ids["k_system1"] = code(d1, INTERVIEW_1, "how the hospital system works", system)
        bea = p.ensure_coder("Bea")
        s.ids["k_feedback3"] = code(d3, FOCUS, "Feedback from a near-peer is easier to hear.", feedback,
                                    coder_id=bea, exemplar=True)
        s.ids["k_belong3"] = code(d3, FOCUS, "Agreed 👍🏽 — it felt safe.", belong, coder_id=bea)
        p.set_memo("coding", s.ids["k_belong2"], "Contrast with NPM-1: belonging came from the mentor's words.")
        fw = p.add_builtin_framework("acgme")
        s.ids["fw"] = fw
        elements = {e.name: e.id for e in p.framework(fw).elements}
        s.ids["elements"] = elements
        pc = next(n for n in elements if n.lower().startswith("professionalism"))
        ics = next(n for n in elements if n.lower().startswith("interpersonal"))
        sbp = next(n for n in elements if n.lower().startswith("systems"))
        s.ids.update(professionalism=pc, communication=ics, systems=sbp)
        p.align_code(social, elements[pc], "Mentors model professional identity.")
        p.align_code(feedback, elements[ics], "Giving and receiving feedback.")
        p.align_code(system, elements[sbp], "")
        p.add_element_exemplar(elements[ics], s.ids["k_feedback3"])
    return s


@pytest.fixture
def study(tmp_path):
    s = build_study(tmp_path / "study.npmdesk")
    yield s
    s.project.close()
