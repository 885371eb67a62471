"""Framework files: a REFI-QDA codebook (.qdc) becomes a framework, untrusted XML is refused."""

import pytest

from npmdesk.core.errors import BadInputError
from npmdesk.formats.framework_files import read_framework_file

QDC = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="t"><Codes>'
       '<Code name="Leader" guid="11111111-1111-1111-1111-111111111111" isCodable="true">'
       '<Description>Leads</Description></Code>'
       '<Code name="Scholar" guid="22222222-2222-2222-2222-222222222222" isCodable="true">'
       '<Code name="Teacher" guid="33333333-3333-3333-3333-333333333333" isCodable="true"/></Code>'
       '</Codes></CodeBook>')


def test_a_codebook_becomes_a_framework(tmp_path):
    f = tmp_path / "roles.qdc"
    f.write_text(QDC, encoding="utf-8")
    spec = read_framework_file(f)
    assert spec.name == "roles"  # several top-level codes: the file names the framework
    assert spec.elements == (("Leader", "Leads"), ("Scholar", ""), ("Scholar / Teacher", ""))


def test_entities_and_other_xml_are_refused(tmp_path):
    f = tmp_path / "bomb.qdc"
    f.write_text('<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                 '<CodeBook><Codes><Code name="&b;"/></Codes></CodeBook>', encoding="utf-8")
    with pytest.raises(BadInputError, match="bomb.qdc"):
        read_framework_file(f)
    g = tmp_path / "other.qdc"
    g.write_text("<Project/>", encoding="utf-8")
    with pytest.raises(BadInputError, match="other.qdc"):
        read_framework_file(g)
