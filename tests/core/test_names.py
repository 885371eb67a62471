"""Names refuse control and text-direction characters; names from outside have them removed."""

import pytest

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import fit_name
from npmdesk.core.names import check_name
from npmdesk.store import Project

HOSTILE = [
    "x\u202egpj",  # RIGHT-TO-LEFT OVERRIDE: displays as "xjpg"
    "a\u202db", "a\u202ab", "a\u202bb", "a\u202cb",  # embeddings, override, pop
    "a\u2066b", "a\u2067b", "a\u2068b", "a\u2069b",  # isolates
    "a\u200eb", "a\u200fb", "a\u061cb",  # marks
    "a\x7fb",  # DEL
    "a\x85b",  # NEL
    "a\x9bb",  # CSI, another C1 control
    "a\x00b", "a\x1bb", "a\nb", "a\u2028b",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_check_name_refuses(name):
    with pytest.raises(InvalidValueError) as e:
        check_name(name, "code")
    assert f"U+{ord(name[1]):04X}" in str(e.value) and "code name cannot contain" in str(e.value)


def test_bidi_message_says_why():
    with pytest.raises(InvalidValueError, match="text-direction control U\\+202E"):
        check_name("x\u202egpj", "code")


@pytest.mark.parametrize("name", ["Belonging", "مرحبا بالعالم", "שלום", "e\u0301tude", "😀 joy", "NPM-3", "a\u00a0b",
                                  "zero\u200bwidth"])
def test_check_name_accepts_real_names(name):
    assert check_name(f"  {name} ", "code") == name


def test_store_refuses_on_every_kind_of_name(tmp_path):
    p = Project.create(tmp_path / "study.npmdesk", "Coder")
    try:
        with pytest.raises(InvalidValueError):
            p.add_code("x\u202egpj")
        code = p.add_code("fine")
        with pytest.raises(InvalidValueError):
            p.rename_code(code, "fi\x85ne")
        with pytest.raises(InvalidValueError):
            p.add_case("NPM\u202e-3")
        with pytest.raises(InvalidValueError):
            p.add_document("doc\x7f", "some text")
        assert [c.name for c in p.codes()] == ["fine"]
        assert p.cases() == [] and p.documents() == []
    finally:
        p.close()


def test_creating_a_project_refuses_a_disguised_coder(tmp_path):
    with pytest.raises(InvalidValueError):
        Project.create(tmp_path / "study.npmdesk", "Ana\u202e")


@pytest.mark.parametrize("raw, fitted", [
    ("x\u202egpj", "xgpj"),
    ("\u2067NPM-3\u2069", "NPM-3"),
    ("a\x85b\x7fc\x9bd", "a b c d"),
    ("line\u2028break", "line break"),
    ("\u200fمرحبا\u200e", "مرحبا"),
    ("plain  name", "plain name"),
])
def test_fit_name_strips_and_replaces(raw, fitted):
    assert fit_name(raw) == fitted
    assert check_name(fit_name(raw), "code") == fitted
