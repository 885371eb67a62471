"""code_counts(code_ids=...) answers for a few codes exactly what the whole-project count says."""

import random

from npmdesk.core.errors import NameClashError
from npmdesk.store import TurnSpec


def _study(project):
    a, b = project.add_case("NPM-1"), project.add_case("NPM-2")
    text = "Interviewer: how was it?\nNPM-1: fine, thanks 😀\nNPM-2: it was hard at first\n" * 20
    d1 = project.add_document("fg", text, kind="focus-group",
                              turns=[TurnSpec(0, 24, "Interviewer"), TurnSpec(25, 47, "NPM-1"),
                                     TurnSpec(48, 75, "NPM-2")])
    project.link_speaker(d1, "NPM-1", a)
    project.link_speaker(d1, "NPM-2", b)
    d2 = project.add_document("int", text, case_id=b)
    theme = project.add_code("Theme")
    sub = project.add_code("Sub", theme)
    leaf = project.add_code("Leaf", sub)
    other = project.add_code("Other")
    empty = project.add_code("Empty", other)
    rng = random.Random(3)
    made = 0
    for _ in range(60):
        s = rng.randrange(0, len(text) - 40)
        try:
            project.apply_coding(rng.choice((d1, d2)), rng.choice((theme, sub, leaf, other)), s, s + rng.randint(1, 40))
            made += 1
        except NameClashError:  # the same span drawn twice
            pass
    assert made > 50
    return [theme, sub, leaf, other, empty]


def test_subset_matches_whole_project(project):
    ids = _study(project)
    for with_descendants in (False, True):
        everything = project.code_counts(with_descendants=with_descendants)
        for subset in ([ids[2]], [ids[0], ids[3]], ids, [ids[4]]):
            got = project.code_counts(with_descendants=with_descendants, code_ids=subset)
            assert got == {c: everything[c] for c in subset if c in everything}
    assert project.code_counts(code_ids=()) == {}


def test_coded_shares_of_some_documents(project):
    _study(project)
    everything = project.coded_shares()
    assert everything
    for doc_id in everything:
        assert project.coded_shares(document_ids=[doc_id]) == {doc_id: everything[doc_id]}
    assert project.coded_shares(document_ids=[]) == {}
