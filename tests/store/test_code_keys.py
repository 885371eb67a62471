"""Pinned quick-code keys: stored in the project, one pin per key and per code, undone exactly."""

import pytest

from npmdesk.core.errors import InvalidValueError, NotFoundError
from npmdesk.store import Project


@pytest.fixture
def codes(project):
    return project, project.add_code("Belonging"), project.add_code("Feedback"), project.add_code("Teaching")


def test_pin_unpin_and_reopen(codes, tmp_path):
    p, a, b, _c = codes
    assert p.code_keys() == {}
    p.pin_code_key(a, 3)
    p.pin_code_key(b, 1)
    assert p.code_keys() == {1: b, 3: a}
    p.close()
    again = Project.open(tmp_path / "study.npmdesk", "Ben")
    try:
        assert again.code_keys() == {1: b, 3: a}
        again.unpin_code_key(a)
        assert again.code_keys() == {1: b}
        again.unpin_code_key(a)  # not pinned: nothing happens
        assert again.code_keys() == {1: b}
    finally:
        again.close()


def test_pinning_a_pinned_key_moves_it_and_a_code_has_one_key(codes):
    p, a, b, _c = codes
    p.pin_code_key(a, 2)
    p.pin_code_key(b, 2)  # the key moves to b; a has no pin now
    assert p.code_keys() == {2: b}
    p.pin_code_key(b, 5)  # b's pin moves from 2 to 5
    assert p.code_keys() == {5: b}


def test_deleting_a_code_frees_its_key_and_undo_brings_both_back(codes):
    p, a, b, _c = codes
    p.pin_code_key(a, 4)
    _, step = p.perform(lambda: p.delete_code(a))
    assert p.code_keys() == {}
    p.revert(step, "delete")
    assert p.code_keys() == {4: a} and p.code(a).name == "Belonging"


def test_a_pin_is_one_undoable_step(codes):
    p, a, b, _c = codes
    p.pin_code_key(a, 2)
    _, step = p.perform(lambda: p.pin_code_key(b, 2))
    assert step.undoable and step.entries
    assert p.code_keys() == {2: b}
    redo = p.revert(step, "pin")
    assert p.code_keys() == {2: a}  # exactly as before: a's pin is back
    p.revert(redo, "redo pin")
    assert p.code_keys() == {2: b}
    _, same = p.perform(lambda: p.pin_code_key(b, 2))  # already so: no step, nothing to undo
    assert not same.entries


def test_refusals(codes):
    p, a, _b, _c = codes
    with pytest.raises(InvalidValueError):
        p.pin_code_key(a, 10)
    with pytest.raises(NotFoundError):
        p.pin_code_key(999, 1)
    assert p.code_keys() == {}


def test_a_read_only_open_reads_pins(codes, tmp_path):
    p, a, _b, _c = codes
    p.pin_code_key(a, 7)
    with Project.open(tmp_path / "study.npmdesk", "Ana", read_only=True) as ro:
        assert ro.code_keys() == {7: a}
