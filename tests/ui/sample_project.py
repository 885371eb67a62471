"""A small synthetic study for the window's tests and screenshot (text written for npmdesk)."""

from __future__ import annotations

from pathlib import Path

from npmdesk.store import Project

INTERVIEW_1 = (
    "Interviewer: What did being a near-peer mentor mean to you?\n"
    "NPM-1: At first I thought it was about answering questions. It turned into something else: "
    "I felt like I belonged in medicine for the first time, because someone was relying on me. 😀\n"
    "Interviewer: Can you say more about that?\n"
    "NPM-1: My mentee asked how I handled the first anatomy exam. Explaining it out loud made me "
    "realise how much I actually knew. Teaching it consolidated it.\n"
    "Interviewer: Did anything surprise you?\n"
    "NPM-1: How honest the feedback was. She told me when I was vague, and I started to give "
    "clearer explanations on the wards too.\n"
    "Interviewer: And the wider system?\n"
    "NPM-1: I saw how the schedule, the loans and the exam calendar push students around. "
    "Nobody tells you that the system is part of the curriculum.\n"
)

INTERVIEW_2 = (
    "Interviewer: Tell me about your first meeting with your mentee.\r\n"
    "NPM-2: We met in the library café. I was nervous — I didn’t want to sound like I had it all "
    "figured out.\r\n"
    "Interviewer: How did it go?\r\n"
    "NPM-2: Better than I expected. We talked about imposter feelings 🙂 and about being the first "
    "in the family to go to college.\r\n"
)

FOCUS_GROUP = (
    "Moderator: What would you change about the programme?\n"
    "NPM-3: More structured feedback sessions.\n"
    "NPM-5: I agree. And time to reflect together as mentors.\n"
    "NPM-6: Honestly, just knowing someone has your back changes everything.\n"
)


def build(path: str | Path, coder: str = "Ana") -> Project:
    p = Project.create(path, coder)
    from npmdesk.core.model import TurnSpec

    def turns(text):
        out, pos = [], 0
        for line in text.replace("\r\n", "\n").split("\n"):
            if ":" in line[:20]:
                out.append(TurnSpec(pos, pos + len(line), line.split(":", 1)[0]))
            pos += len(line) + 1
        return out

    case1, case2 = p.ensure_case("NPM-1"), p.ensure_case("NPM-2")
    d1 = p.add_document("Interview NPM-1", INTERVIEW_1, case_id=case1, turns=turns(INTERVIEW_1))
    d2 = p.add_document("Interview NPM-2", INTERVIEW_2, case_id=case2, turns=turns(INTERVIEW_2))
    p.add_document("Focus group", FOCUS_GROUP, kind="focus-group", turns=turns(FOCUS_GROUP))
    belong = p.ensure_code_path("Socialisation into medicine/Belonging")
    p.ensure_code_path("Socialisation into medicine/Imposter feelings")
    teach = p.ensure_code_path("Teaching consolidates knowledge")
    feedback = p.ensure_code_path("Growing as a communicator/Honest feedback")
    system = p.ensure_code_path("Seeing the system")
    p.set_code_description(teach, "Explaining to a mentee deepens the mentor's own understanding.")
    t1 = p.document_text(d1)

    def code(doc, code_id, phrase, text=t1):
        start = text.index(phrase)
        return p.apply_coding(doc, code_id, start, start + len(phrase))

    code(d1, belong, "I felt like I belonged in medicine for the first time")
    code(d1, belong, "someone was relying on me. 😀")
    code(d1, teach, "Explaining it out loud made me realise how much I actually knew. Teaching it consolidated it.")
    code(d1, feedback, "How honest the feedback was")
    code(d1, teach, "I started to give clearer explanations on the wards too")
    code(d1, feedback, "She told me when I was vague, and I started to give clearer explanations")
    code(d1, system, "I saw how the schedule, the loans and the exam calendar push students around")
    code(d2, belong, "first in the family to go to college", p.document_text(d2))
    return p
