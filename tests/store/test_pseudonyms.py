"""The pseudonym table, identifying attributes and coder roles: stored, validated, undoable."""

import pytest

from npmdesk.core.deidentify import Rule
from npmdesk.core.errors import InvalidValueError, NotFoundError


def test_set_change_and_remove_a_pseudonym(project):
    p = project.set_pseudonym("Mercy  Hospital", "replace", "[hospital]", "found")
    assert (p.term, p.action, p.replacement, p.source) == ("Mercy Hospital", "replace", "[hospital]", "found")
    project.set_pseudonym("mercy hospital", "keep")  # the same term in another case
    assert [(x.term, x.action) for x in project.pseudonyms()] == [("Mercy Hospital", "keep")]
    project.set_pseudonym("Ann", "replace", "P-01")
    project.set_pseudonym("Dr", "ignore")
    project.set_pseudonym("Lakeside", "replace")
    assert project.pseudonym_rules() == [Rule("Ann", "P-01"), Rule("Lakeside", "[redacted]")]
    project.remove_pseudonym("ANN")
    assert project.pseudonym("Ann") is None
    with pytest.raises(NotFoundError, match="no pseudonym"):
        project.remove_pseudonym("Ann")


def test_bad_values_are_refused_in_words(project):
    with pytest.raises(InvalidValueError, match="needs a term"):
        project.set_pseudonym("   ", "replace", "x")
    with pytest.raises(InvalidValueError, match="action is one of"):
        project.set_pseudonym("Ann", "hide", "x")
    with pytest.raises(InvalidValueError, match="mark it keep"):
        project.set_pseudonym("Ann", "replace", "ann")
    assert project.pseudonyms() == []


def test_a_pseudonym_step_undoes_and_redoes_exactly(project):
    project.set_pseudonym("Ann", "replace", "P-01")
    _, step = project.perform(lambda: project.set_pseudonym("Ann", "replace", "P-02"))
    assert step.changes.meta and not step.changes.everything
    redo = project.revert(step, "test")
    assert project.pseudonym("Ann").replacement == "P-01"
    project.revert(redo, "test")
    assert project.pseudonym("Ann").replacement == "P-02"


def test_identifying_attributes_and_coder_roles(project):
    case = project.add_case("NPM-1")
    project.set_case_attribute(case, "home town", "Lakeside")
    project.set_case_attribute(case, "cohort", "2024")
    _, step = project.perform(lambda: project.set_attribute_identifying("home town", True))
    assert project.identifying_attributes() == {"home town"} and step.changes.cases
    project.revert(step, "test")
    assert project.identifying_attributes() == set()
    with pytest.raises(NotFoundError, match="no attribute"):
        project.set_attribute_identifying("age", True)
    project.add_code("Belonging")  # the coder row is written with the first change
    project.set_coder_role("Ana", "Coder A")
    assert project.coder_roles() == {"Ana": "Coder A"}
    with pytest.raises(NotFoundError, match="no coder"):
        project.set_coder_role("Bo", "PI")
