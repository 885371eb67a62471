"""Framework files: the built-in minimal .qdc reader (used when the REFI-QDA module is absent)."""

import pytest

from npmdesk.core.errors import BadInputError
from npmdesk.formats.framework_files import _parse_qdc_minimal, read_framework_file

QDC = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
       '<Code name="Leader"><Description>Leads</Description></Code>'
       '<Code name="Scholar"><Code name="Teacher"/></Code></Codes></CodeBook>')


def test_minimal_reader_matches_tree(tmp_path):
    f = tmp_path / "roles.qdc"
    f.write_text(QDC, encoding="utf-8")
    assert _parse_qdc_minimal(f) == [("Leader", "Leads", []), ("Scholar", "", [("Teacher", "", [])])]
    spec = read_framework_file(f)
    assert spec.name == "roles"  # several top-level codes: the file names the framework
    assert spec.elements == (("Leader", "Leads"), ("Scholar", ""), ("Scholar / Teacher", ""))


def test_minimal_reader_refuses_entities_and_other_xml(tmp_path):
    f = tmp_path / "bomb.qdc"
    f.write_text('<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                 '<CodeBook><Codes><Code name="&b;"/></Codes></CodeBook>', encoding="utf-8")
    with pytest.raises(BadInputError, match="bomb.qdc"):
        _parse_qdc_minimal(f)
    g = tmp_path / "other.qdc"
    g.write_text("<Project/>", encoding="utf-8")
    with pytest.raises(BadInputError, match="CodeBook"):
        _parse_qdc_minimal(g)
