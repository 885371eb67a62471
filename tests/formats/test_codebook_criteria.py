"""The codebook prints each code's inclusion and exclusion criteria and example under its
definition, only those filled in, and says when a code is a category that is never applied."""

from __future__ import annotations

import docx

from npmdesk.formats.reports.codebook import export_codebook_docx
from tests.formats.export_fixtures import study  # noqa: F401  (fixture)

INCLUDE = "The mentor says that explaining to a mentee made them understand or remember it."
EXCLUDE = "Teaching skills as such\n(use Growing as a communicator)."
EXAMPLE = "“Teaching it made me really know it.”"


def _entries(path) -> dict[str, list[tuple[str, str]]]:
    """Heading text -> the (style, text) paragraphs under it, up to the next heading."""
    out: dict[str, list[tuple[str, str]]] = {}
    current = None
    for p in docx.Document(str(path)).paragraphs:
        style = p.style.name if p.style is not None else ""
        if style.startswith("Heading"):
            current = p.text.replace("\u00a0", "").strip()
            out[current] = []
        elif current is not None:
            out[current].append((style, p.text))
    return out


def test_criteria_follow_the_definition(study, tmp_path):  # noqa: F811
    p, ids = study.project, study.ids
    p.set_code_definition(ids["teach"], inclusion=INCLUDE, exclusion=EXCLUDE, example=EXAMPLE)
    p.set_code_definition(ids["system"], exclusion="Money worries alone.")
    out = tmp_path / "codebook.docx"
    export_codebook_docx(p, out)
    entries = _entries(out)
    teach = entries["Teaching consolidates knowledge"]
    assert teach[:4] == [("CodeDefinition", "Explaining to others deepens one's own understanding."),
                         ("ReportFact", f"Inclusion: {INCLUDE}"),
                         ("ReportFact", f"Exclusion: {EXCLUDE}"),  # the line break is kept
                         ("ReportFact", f"Example: {EXAMPLE}")]
    assert teach[4][0] == "CodeFacts"
    # Only what is filled in: no empty "Inclusion:" lines, and none under a code without criteria.
    system = entries["Seeing the system"]
    assert [t for s, t in system if s == "ReportFact"] == ["Exclusion: Money worries alone."]
    assert not [t for s, t in entries["Belonging"] if s == "ReportFact"]
    # The criteria are bold-labelled runs of the definition's size.
    d = docx.Document(str(out))
    para = next(x for x in d.paragraphs if x.text.startswith("Inclusion: "))
    assert para.runs[0].bold and para.runs[0].text == "Inclusion: " and not para.runs[1].bold
    assert para.runs[1].font.size.pt == 10.5


def test_a_category_says_so(study, tmp_path):  # noqa: F811
    p = study.project
    unused = p.code_by_path("Unused code").id
    p.set_code_definition(unused, codable=False)
    out = tmp_path / "codebook.docx"
    export_codebook_docx(p, out)
    facts = [t for s, t in _entries(out)["Unused code"] if s == "CodeFacts"]
    assert facts[0].startswith("A category (groups its sub-codes; not applied itself) · Colour #cccccc")
    teach_facts = [t for s, t in _entries(out)["Teaching consolidates knowledge"] if s == "CodeFacts"]
    assert not teach_facts[0].startswith("A category")
