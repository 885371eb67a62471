"""Importing .qdpx files: a real export from another tool, and files written the way NVivo for
Windows, ATLAS.ti and the standard count positions (UTF-16 / CRLF as one / code points)."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from npmdesk.formats.refi.importer import import_qdpx
from npmdesk.formats.refi.positions import CODEPOINTS, CODEPOINTS_LF, UTF16
from npmdesk.store import Project
from tests.formats.refi_helpers import NS, QC_DEMO, guid, make_qdpx, u16

# --- the real export ---------------------------------------------------------------------------


@pytest.mark.skipif(QC_DEMO is None, reason="qc_demo.qdpx fixture not available")
def test_qc_demo_every_selection_lines_up_and_counts_match(tmp_path):
    with zipfile.ZipFile(QC_DEMO) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        raw = {ts.get("guid"): zf.read("sources/" + ts.get("plainTextPath")).decode("utf-8")
               for ts in root.iterfind(".//q:TextSource", NS)}
    selections = root.findall(".//q:PlainTextSelection", NS)
    codings = root.findall(".//q:Coding", NS)

    report = import_qdpx(QC_DEMO, tmp_path / "demo.npmdesk", "Ana")

    assert report.counts["codes"] == len(root.findall(".//q:Code", NS)) == 262
    assert report.counts["sources"] == len(raw) == 2
    assert report.counts["codings"] == len(codings) == 205
    assert len(selections) == 158
    assert report.skipped == []
    with Project.open(tmp_path / "demo.npmdesk", "Ana") as p:
        assert p.counts()["codings"] == 205
        docs = {d.guid: d for d in p.documents()}
        codes = {c.guid: c for c in p.codes()}
        by_guid = {c.guid: c for d in docs.values() for c in p.codings_in_document(d.id)}
        assert {d.name for d in docs.values()} == {"board_2017", "admin-1"}
        for ts in root.iterfind(".//q:TextSource", NS):
            doc = docs[ts.get("guid")]
            text = p.document_text(doc.id)
            assert text == raw[ts.get("guid")].replace("\r\n", "\n")
            lines = raw[ts.get("guid")].splitlines(keepends=True)
            for sel in ts.iterfind("q:PlainTextSelection", NS):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                expected = raw[ts.get("guid")][start:end]
                # qc names each selection after the (0-based) line it selects
                assert expected == lines[int(sel.get("name").split(":")[1])]
                for coding in sel.iterfind("q:Coding", NS):
                    mine = by_guid[coding.get("guid")]
                    assert text[mine.start:mine.end] == expected
                    assert codes[coding.find("q:CodeRef", NS).get("targetGUID")].id == mine.code_id
                    assert mine.coder == "cp"
        # nesting survives: every Code element's children are children in npmdesk too
        for el in root.iterfind(".//q:Code", NS):
            parent = el.getparent()
            if parent.tag.endswith("}Code"):
                assert codes[el.get("guid")].parent_id == codes[parent.get("guid")].id


# --- positions as other tools write them -------------------------------------------------------

NVIVO_TEXT = (
    "Interviewer: How did the first week feel? 🙂\r\n"
    "NPM-2: Honestly, overwhelming. 😅 Everyone seemed to know the hidden rules.\r\n"
    "Interviewer: What helped?\r\n"
    "NPM-2: My mentor 👩🏽‍⚕️ explained the unwritten expectations, and that changed everything.\r\n"
    "Interviewer: Anything else? 🤔\r\n"
    "NPM-2: Peer teaching 📚 made the anatomy finally stick.\r\n"
)
PASSAGES = ["overwhelming", "hidden rules", "What helped?", "explained the unwritten expectations",
            "changed everything", "Peer teaching", "anatomy finally stick"]


def _qde(origin: str | None, source_path: str, selections: list[tuple[int, int, str]]) -> str:
    sels = "".join(
        f'<PlainTextSelection guid="{guid(100 + i)}" name="{name}" startPosition="{s}" endPosition="{e}">'
        f'<Coding guid="{guid(200 + i)}" creatingUser="{guid(1)}"><CodeRef targetGUID="{guid(2)}"/></Coding>'
        f"</PlainTextSelection>"
        for i, (s, e, name) in enumerate(selections))
    origin_attr = f' origin="{origin}"' if origin else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="t"{origin_attr}>'
            f'<Users><User guid="{guid(1)}" name="Coder One"/></Users>'
            f'<CodeBook><Codes><Code guid="{guid(2)}" name="Transition" isCodable="true"/></Codes></CodeBook>'
            f'<Sources><TextSource guid="{guid(3)}" name="Interview 2" plainTextPath="{source_path}">{sels}'
            f"</TextSource></Sources></Project>")


def _positions(text: str, unit: str) -> list[tuple[int, int]]:
    out = []
    for passage in PASSAGES:
        i = text.index(passage)
        j = i + len(passage)
        if unit == UTF16:
            out.append((u16(text, i), u16(text, j)))
        elif unit == CODEPOINTS_LF:
            lf = text.replace("\r\n", "\n")
            k = lf.index(passage)
            out.append((k, k + len(passage)))
        else:
            out.append((i, j))
    return out


def _import_sample(tmp_path, unit: str, origin: str | None, names: bool = False):
    positions = _positions(NVIVO_TEXT, unit)
    sels = [(s, e, p if names else "") for (s, e), p in zip(positions, PASSAGES)]
    qdpx = make_qdpx(tmp_path / "in.qdpx", _qde(origin, f"internal://{guid(4)}.txt", sels),
                     {f"sources/{guid(4)}.txt": NVIVO_TEXT})
    report = import_qdpx(qdpx, tmp_path / "out.npmdesk", "Ana")
    with Project.open(tmp_path / "out.npmdesk", "Ana") as p:
        doc = p.documents()[0]
        text = p.document_text(doc.id)
        got = [text[c.start:c.end] for c in sorted(p.codings_in_document(doc.id), key=lambda c: c.guid)]
    return report, text, got


@pytest.mark.parametrize("origin", ["NVivo 14.23.1 (Windows)", None, "SomeTool 1.0"])
def test_nvivo_utf16_crlf_positions_convert_exactly(tmp_path, origin):
    report, text, got = _import_sample(tmp_path, UTF16, origin)
    assert text == NVIVO_TEXT.replace("\r\n", "\n")
    assert got == PASSAGES
    assert report.positions[0].unit == UTF16
    assert report.skipped == []


@pytest.mark.parametrize("origin", ["ATLAS.ti 23.2.1", None])
def test_atlas_crlf_as_one_positions_convert_exactly(tmp_path, origin):
    report, _, got = _import_sample(tmp_path, CODEPOINTS_LF, origin)
    assert got == PASSAGES
    assert report.positions[0].unit == CODEPOINTS_LF


@pytest.mark.parametrize("origin", ["QualCoder 3.5", "NVivo 14 (Windows)", None])
def test_standard_code_points_with_crlf_win_even_over_a_wrong_hint(tmp_path, origin):
    report, _, got = _import_sample(tmp_path, CODEPOINTS, origin)
    assert got == PASSAGES
    assert report.positions[0].unit == CODEPOINTS


def test_selection_names_holding_the_text_decide(tmp_path):
    report, _, got = _import_sample(tmp_path, UTF16, "ATLAS.ti 9", names=True)
    assert got == PASSAGES
    assert report.positions[0].unit == UTF16
    assert "7 of 7 selection names match" in report.positions[0].evidence


# --- deviations real files show ----------------------------------------------------------------

def test_deviations_project_named_xml_Sources_folder_no_prefix_braced_guids_no_namespace(tmp_path):
    text = "Mentor: you belong here.\nStudent: I did not feel it at first.\n"
    g = lambda n: "{" + guid(n).upper() + "}"  # noqa: E731
    qde = (f'<Project name="Mentoring" origin="Other"><Users><User guid="{g(1)}" name="Kim"/></Users>'
           f'<CodeBook><Codes><Code guid="{g(2)}" name="Belonging" isCodable="true" color="#F0A">'
           f'<Description>Feeling part of medicine</Description>'
           f'<Code guid="{g(5)}" name="Doubt" isCodable="false"/></Code></Codes></CodeBook>'
           f'<Sources><TextSource guid="{g(3)}" name="Interview 1.docx" plainTextPath="{guid(4)}.txt" '
           f'richTextPath="internal://{guid(6)}.docx">'
           f'<PlainTextSelection guid="{g(7)}" startPosition="8" endPosition="23">'
           f'<Coding guid="{g(8)}" creatingUser="{g(1)}"><CodeRef targetGUID="{g(2)}"/></Coding>'
           f'</PlainTextSelection></TextSource></Sources></Project>')
    qdpx = make_qdpx(tmp_path / "m.qdpx", qde, {f"Sources/{guid(4)}.txt": text, f"Sources/{guid(6)}.docx": b"PK"},
                     qde_name="Mentoring.qde")
    report = import_qdpx(qdpx, tmp_path / "m.npmdesk", "Ana")
    assert report.counts["codings"] == 1
    with Project.open(tmp_path / "m.npmdesk", "Ana") as p:
        (doc,) = p.documents()
        assert doc.name == "Interview 1.docx" and doc.guid == guid(3)
        (coding,) = p.codings_in_document(doc.id)
        assert p.document_text(doc.id)[coding.start:coding.end] == "you belong here"
        assert coding.guid == guid(8) and coding.coder == "Kim"
        codes = {c.path: c for c in p.codes()}
        assert codes["Belonging"].color == "#ff00aa"
        assert codes["Belonging"].description == "Feeling part of medicine"
        assert codes["Belonging/Doubt"].guid == guid(5)
        assert {t.speaker for t in p.turns(doc.id)} == {"Mentor", "Student"}


def test_notes_cases_variables_pdf_and_media(tmp_path):
    pdf_text = "Field notes: the students asked for more feedback."
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="MAXQDA 2022">
<Users><User guid="{guid(1)}" name="Lee"/></Users>
<CodeBook><Codes><Code guid="{guid(2)}" name="Feedback" isCodable="true"><NoteRef targetGUID="{guid(50)}"/></Code></Codes></CodeBook>
<Variables><Variable guid="{guid(10)}" name="Year" typeOfVariable="Integer"/>
<Variable guid="{guid(11)}" name="Rural" typeOfVariable="Boolean"/>
<Variable guid="{guid(12)}" name="Interviewed" typeOfVariable="DateTime"/></Variables>
<Cases><Case guid="{guid(20)}" name="NPM-1"><Description>First mentor</Description>
<VariableValue><VariableRef targetGUID="{guid(10)}"/><IntegerValue>2</IntegerValue></VariableValue>
<VariableValue><VariableRef targetGUID="{guid(11)}"/><BooleanValue>true</BooleanValue></VariableValue>
<VariableValue><VariableRef targetGUID="{guid(12)}"/><DateTimeValue>2024-03-01T10:00:00Z</DateTimeValue></VariableValue>
<SourceRef targetGUID="{guid(30)}"/></Case>
<Case guid="{guid(21)}" name="NPM-2"><VariableValue><VariableRef targetGUID="{guid(10)}"/><TextValue>second</TextValue></VariableValue></Case></Cases>
<Sources>
<PDFSource guid="{guid(30)}" name="notes.pdf" path="internal://{guid(31)}.pdf">
<PDFSelection guid="{guid(32)}" page="1" firstX="0" firstY="0" secondX="10" secondY="10"/>
<Representation guid="{guid(33)}" plainTextPath="internal://{guid(33)}.txt">
<PlainTextSelection guid="{guid(34)}" startPosition="41" endPosition="49"><Coding guid="{guid(35)}" creatingUser="{guid(1)}"><CodeRef targetGUID="{guid(2)}"/></Coding><NoteRef targetGUID="{guid(51)}"/></PlainTextSelection>
<PlainTextSelection guid="{guid(36)}" startPosition="0" endPosition="11"><NoteRef targetGUID="{guid(52)}"/></PlainTextSelection>
</Representation><NoteRef targetGUID="{guid(53)}"/></PDFSource>
<AudioSource guid="{guid(40)}" name="call.m4a" path="relative:///call.m4a"/>
<PictureSource guid="{guid(41)}" name="board.jpg" path="internal://{guid(41)}.jpg"/>
</Sources>
<Notes>
<Note guid="{guid(50)}" name="def"><PlainTextContent>When someone tells a student how they did.</PlainTextContent></Note>
<Note guid="{guid(51)}" name="ann" creatingUser="{guid(1)}" creationDateTime="2024-03-02T09:00:00Z"><PlainTextContent>Key passage.</PlainTextContent></Note>
<Note guid="{guid(52)}" name="heading"><PlainTextContent>This is the heading.</PlainTextContent></Note>
<Note guid="{guid(53)}" name="doc"><PlainTextContent>Typed after the session.</PlainTextContent></Note>
<Note guid="{guid(54)}" name="Journal"><PlainTextContent>Day one of analysis.</PlainTextContent></Note>
<Note guid="{guid(55)}" name="about NPM-2"><PlainTextContent>Quiet at first.</PlainTextContent></Note>
</Notes>
<Links><Link guid="{guid(60)}" originGUID="{guid(55)}" targetGUID="{guid(21)}"/></Links>
<Sets><Set guid="{guid(70)}" name="PDFs"><MemberSource targetGUID="{guid(30)}"/></Set></Sets>
</Project>"""
    qdpx = make_qdpx(tmp_path / "x.qdpx", qde, {f"sources/{guid(33)}.txt": pdf_text})
    report = import_qdpx(qdpx, tmp_path / "x.npmdesk", "Ana")
    # The note on an uncoded passage becomes a coding of "Annotations" (a second code) with its memo;
    # the set becomes a document group.
    assert report.counts == {"coders": 1, "codes": 2, "sources": 1, "codings": 1, "cases": 2, "attributes": 3,
                             "memos": 6, "groups": 1}
    skipped = " | ".join(f"{w}: {r}" for w, r in report.skipped)
    for expected in ("PDF region", "AudioSource", "PictureSource", "NPM-2': Year"):
        assert expected in skipped
    assert "set(s)" not in skipped and any("Annotations" in n for n in report.notes)
    with Project.open(tmp_path / "x.npmdesk", "Ana") as p:
        (doc,) = p.documents()
        assert doc.name == "notes.pdf" and doc.case == "NPM-1"
        coding, annotation = sorted(p.codings_in_document(doc.id), key=lambda c: c.code_id)
        assert p.document_text(doc.id)[coding.start:coding.end] == "feedback"
        assert p.code(annotation.code_id).name == "Annotations" and annotation.start == 0 and annotation.end == 11
        assert p.memo("coding", annotation.id) == "This is the heading."
        (group,) = p.groups()
        assert (group.kind, group.name, group.members) == ("document", "PDFs", (doc.id,))
        npm1 = p.case_by_name("NPM-1")
        assert npm1.attributes == {"Year": 2, "Rural": True, "Interviewed": "2024-03-01T10:00:00Z"}
        assert npm1.description == "First mentor"
        assert p.memo("code", p.code_by_path("Feedback").id) == "When someone tells a student how they did."
        assert "Key passage." in p.memo("coding", coding.id)
        doc_memo = p.memo("document", doc.id)
        assert doc_memo == "Typed after the session."
        assert p.memo("case", p.case_by_name("NPM-2").id) == "Quiet at first."
        assert "Day one of analysis." in p.memo("project")
