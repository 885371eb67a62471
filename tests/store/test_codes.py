"""The code tree: move, merge, delete never orphan or duplicate."""

import pytest

from npmdesk.core.errors import InvalidValueError, NameClashError


@pytest.fixture
def tree(project, sample_text):
    doc = project.add_document("d", sample_text)
    t = project.add_code("Theme")
    a = project.add_code("A", t)
    b = project.add_code("B", t)
    a1 = project.add_code("A1", a)
    return project, doc, t, a, b, a1


def paths(p):
    return [c.path for c in p.codes()]


def test_tree_order_and_paths(tree):
    p, doc, t, a, b, a1 = tree
    assert paths(p) == ["Theme", "Theme/A", "Theme/A/A1", "Theme/B"]
    assert p.code_by_path("Theme/A/A1").id == a1
    assert p.ensure_code_path("Theme/A/A1") == a1
    new = p.ensure_code_path("Theme/C/D")
    assert p.code(new).path == "Theme/C/D"


def test_move_reorders_and_refuses_cycles(tree):
    p, doc, t, a, b, a1 = tree
    p.move_code(b, t, 0)
    assert paths(p) == ["Theme", "Theme/B", "Theme/A", "Theme/A/A1"]
    p.move_code(a1, None)
    assert paths(p)[-1] == "A1"
    with pytest.raises(InvalidValueError):
        p.move_code(t, a)
    p.add_code("A", None)
    with pytest.raises(NameClashError):
        p.move_code(a, None)


def test_merge_moves_codings_without_duplicates(tree):
    p, doc, t, a, b, a1 = tree
    p.apply_coding(doc, a, 0, 10)
    p.apply_coding(doc, b, 0, 10)  # identical span: collapses
    p.apply_coding(doc, a, 20, 30)
    p.set_memo("code", a, "memo of A")
    p.merge_codes(a, b)
    assert paths(p) == ["Theme", "Theme/B", "Theme/B/A1"]
    spans = sorted((c.code_id, c.start, c.end) for c in p.codings_in_document(doc))
    assert spans == [(b, 0, 10), (b, 20, 30)]
    assert p.memo("code", b) == "memo of A"
    with pytest.raises(InvalidValueError):
        p.merge_codes(t, b)


def test_merge_merges_same_named_children(tree):
    p, doc, t, a, b, a1 = tree
    b1 = p.add_code("A1", b)
    p.apply_coding(doc, a1, 1, 4)
    p.merge_codes(a, b)
    assert paths(p) == ["Theme", "Theme/B", "Theme/B/A1"]
    assert [c.code_id for c in p.codings_in_document(doc)] == [b1]


def test_delete_requires_a_decision(tree):
    p, doc, t, a, b, a1 = tree
    p.apply_coding(doc, a, 0, 5)
    p.apply_coding(doc, a1, 6, 9)
    with pytest.raises(InvalidValueError, match="sub-code"):
        p.delete_code(a)
    with pytest.raises(InvalidValueError, match="coding"):
        p.delete_code(a, children="lift")
    before = p.counts()
    assert before["codes"] == 4


def test_delete_lift_children_and_move_codings_to_parent(tree):
    p, doc, t, a, b, a1 = tree
    p.apply_coding(doc, a, 0, 5)
    p.delete_code(a, children="lift", codings="parent")
    assert paths(p) == ["Theme", "Theme/A1", "Theme/B"]
    assert [c.code_id for c in p.codings_in_document(doc)] == [t]


def test_delete_subtree_with_codings(tree):
    p, doc, t, a, b, a1 = tree
    p.apply_coding(doc, a1, 0, 5)
    p.delete_code(a, children="delete", codings="delete")
    assert paths(p) == ["Theme", "Theme/B"]
    assert p.codings_in_document(doc) == []
    assert p.check()["foreign_keys"] == "ok"


def test_counts_with_participants_from_speakers(project):
    from npmdesk.store import TurnSpec

    text = "Facilitator: Tell us.\nNPM-2: I teach.\nNPM-5: Me too."
    doc = project.add_document("fg", text, kind="focus-group", turns=[
        TurnSpec(0, 21, "Facilitator"), TurnSpec(22, 37, "NPM-2"), TurnSpec(38, 51, "NPM-5")])
    c2, c5 = project.add_case("NPM-2"), project.add_case("NPM-5")
    code = project.add_code("Teaching")
    project.apply_coding(doc, code, 22, 51)  # spans both mentors' turns
    assert project.code_counts()[code].participants == 0
    project.link_speaker(doc, "NPM-2", c2)
    assert project.code_counts()[code].participants == 1
    project.link_speaker(doc, "NPM-5", c5)
    assert project.code_counts()[code].participants == 2
    assert project.excerpts()[0].participant == "NPM-2, NPM-5"
