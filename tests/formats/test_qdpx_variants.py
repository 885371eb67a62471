"""The edges of REFI-QDA import (issue 19): positions in every counting convention and a warning
when the evidence is weak, BOM-less UTF-16 and unreadable sources, ids that are not GUIDs,
non-codable codes, sets, descriptions and notes on uncoded passages, users and dates, speakers.

Every selection's text is checked against an independent reading: the test builds the text from
a list of grapheme clusters and counts positions itself (str.encode for UTF-16)."""

from __future__ import annotations

import pytest

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.graphemes import graphemes
from npmdesk.core.model import ExcerptFilter
from npmdesk.formats.refi.exporter import export_qdpx
from npmdesk.formats.refi.importer import analyse_positions, import_qdpx
from npmdesk.formats.refi.positions import (
    CODEPOINTS,
    CODEPOINTS_LF,
    GRAPHEMES,
    UNITS,
    UTF16,
    UTF16_LF,
    PositionMapper,
    choose_unit,
)
from npmdesk.formats.refi.qdc import export_qdc, import_qdc
from npmdesk.store import Project
from tests.formats.refi_helpers import assert_valid, guid, make_qdpx, qde_of

# The raw source as clusters: each item is one user-perceived character (CRLF is one).
CLUSTERS = (list("Interviewer: How was it? ") + ["🙂", "\r\n"] + list("NPM-3: ") + ["👩🏽\u200d⚕️"]
            + list(" I learned, ") + ["e\u0301"] + list("tude by ") + ["e\u0301"] + list("tude. ") + ["🇫🇷"]
            + list(" Brutal at first") + ["\r\n"] + list("Interviewer: And now?") + ["\r\n"]
            + list("NPM-3: Now I give feedback gently.") + ["\r\n"])
RAW = "".join(CLUSTERS)
STORED = RAW.replace("\r\n", "\n")
PHRASES = ["How was it?", "I learned", "tude by", "Brutal at first", "And now?", "give feedback gently"]


def position(unit: str, stored_offset: int) -> int:
    """An independent count of a stored offset in each convention, from the raw text."""
    # the raw index: each LF before the offset was a CRLF
    raw = stored_offset + STORED[:stored_offset].count("\n")
    if unit == CODEPOINTS:
        return raw
    if unit == UTF16:
        return len(RAW[:raw].encode("utf-16-le")) // 2
    if unit == CODEPOINTS_LF:
        return stored_offset
    if unit == UTF16_LF:
        return len(STORED[:stored_offset].encode("utf-16-le")) // 2
    assert unit == GRAPHEMES
    count, length = 0, 0
    for cluster in CLUSTERS:
        if length >= raw:
            break
        length += len(cluster)
        count += 1
    assert length == raw, "a phrase boundary inside a cluster"
    return count


def spans() -> list[tuple[int, int]]:
    return [(STORED.index(ph), STORED.index(ph) + len(ph)) for ph in PHRASES]


def qde(selections: str, origin: str = "Unnamed tool", codes: str | None = None, extra: str = "",
        source_attrs: str = "") -> str:
    codes = codes or f'<Code guid="{guid(2)}" name="Feedback" isCodable="true"/>'
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="V" '
            f'origin="{origin}"><Users><User guid="{guid(1)}" name="Kim"/></Users>'
            f'<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>'
            f'<TextSource guid="{guid(3)}" name="NPM-3" plainTextPath="internal://{guid(3)}.txt"{source_attrs}>'
            f'{selections}</TextSource></Sources>{extra}</Project>')


def selections_xml(unit: str, named: bool = True, user: bool = True, code: str | None = None) -> str:
    out = []
    for i, (a, b) in enumerate(spans()):
        name = f' name="{STORED[a:b]}"' if named else ""
        who = f' creatingUser="{guid(1)}"' if user else ""
        out.append(f'<PlainTextSelection guid="{guid(100 + i)}"{name} startPosition="{position(unit, a)}" '
                   f'endPosition="{position(unit, b)}"{who}><Coding guid="{guid(200 + i)}"{who}>'
                   f'<CodeRef targetGUID="{code or guid(2)}"/></Coding></PlainTextSelection>')
    return "".join(out)


def texts_of(path) -> list[str]:
    with Project.open(path, "Ana", read_only=True) as p:
        (doc,) = p.documents()
        text = p.document_text(doc.id)
        return sorted(text[c.start:c.end] for c in p.codings_in_document(doc.id))


def test_the_test_text_has_each_kind_of_cluster():
    assert graphemes(RAW) == CLUSTERS
    m = PositionMapper(RAW)
    assert m.ambiguous and m.text == STORED


@pytest.mark.parametrize("unit", UNITS)
def test_each_convention_is_detected_from_the_selections(tmp_path, unit):
    path = make_qdpx(tmp_path / f"{unit}.qdpx", qde(selections_xml(unit)), {f"sources/{guid(3)}.txt": RAW})
    report = import_qdpx(path, tmp_path / f"{unit}.npmdesk", "Ana")
    assert [p.unit for p in report.positions] == [unit]
    assert report.warnings == [] and report.skipped == []
    assert texts_of(tmp_path / f"{unit}.npmdesk") == sorted(PHRASES)


@pytest.mark.parametrize("unit", UNITS)
def test_the_cli_choice_of_convention_is_followed(tmp_path, unit):
    # Unnamed selections in a file that names no tool: the choice is the user's.
    path = make_qdpx(tmp_path / "x.qdpx", qde(selections_xml(unit, named=False)), {f"sources/{guid(3)}.txt": RAW})
    report = import_qdpx(path, tmp_path / "x.npmdesk", "Ana", positions=unit)
    assert report.positions[0].unit == unit and report.positions[0].evidence.startswith("chosen by you")
    assert texts_of(tmp_path / "x.npmdesk") == sorted(PHRASES)


def test_positions_counting_a_bom_are_warned_about(tmp_path):
    sels = selections_xml(CODEPOINTS, named=False)
    for a, b in spans():  # every position one too far: the tool counted a BOM
        start, end = position(CODEPOINTS, a), position(CODEPOINTS, b)
        sels = sels.replace(f'startPosition="{start}" endPosition="{end}"',
                            f'startPosition="{start + 1}" endPosition="{end + 1}"')
    path = make_qdpx(tmp_path / "bom.qdpx", qde(sels), {f"sources/{guid(3)}.txt": RAW})
    report = import_qdpx(path, tmp_path / "bom.npmdesk", "Ana")
    (warning,) = report.warnings
    assert "positions" in warning and "NPM-3" in warning and "--positions" in warning
    assert report.positions[0].warning and report.positions[0].preview  # the window shows both
    (analysis,) = analyse_positions(path)
    assert analysis.warning and set(analysis.preview) == set(UNITS)


def test_a_single_utf16_selection_in_an_unnamed_file_is_a_warning(tmp_path):
    a, b = STORED.index("I learned"), STORED.index("tude by") + len("tude by")
    sel = (f'<PlainTextSelection guid="{guid(100)}" startPosition="{position(UTF16, a)}" '
           f'endPosition="{position(UTF16, b)}"><Coding guid="{guid(200)}"><CodeRef targetGUID="{guid(2)}"/>'
           '</Coding></PlainTextSelection>')
    path = make_qdpx(tmp_path / "one.qdpx", qde(sel, origin=""), {f"sources/{guid(3)}.txt": RAW})
    report = import_qdpx(path, tmp_path / "one.npmdesk", "Ana")
    assert report.warnings and "only 1 selection" in report.warnings[0]


def test_choose_unit_without_doubt_gives_no_warning():
    m = PositionMapper("plain\nascii")
    assert choose_unit(m, [(0, 5, "")], None).warning == ""


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_and_a_binary_source_is_skipped(tmp_path, codec):
    sels = selections_xml(UTF16)
    bad = (f'<TextSource guid="{guid(4)}" name="broken" plainTextPath="internal://{guid(4)}.txt"/>')
    text = qde(sels).replace("</Sources>", bad + "</Sources>")
    path = make_qdpx(tmp_path / "u.qdpx", text, {f"sources/{guid(3)}.txt": RAW.encode(codec),
                                                 f"sources/{guid(4)}.txt": bytes(range(256)) * 8})
    report = import_qdpx(path, tmp_path / "u.npmdesk", "Ana")
    assert report.counts["sources"] == 1
    assert any("broken" in what and "could not be read" in why for what, why in report.skipped)
    assert any("without a BOM" in n for n in report.notes)
    assert texts_of(tmp_path / "u.npmdesk") == sorted(PHRASES)


def test_ids_that_are_not_guids_are_mapped(tmp_path):
    sels = selections_xml(CODEPOINTS_LF, code="code-1").replace(guid(1), "kim")
    text = qde(sels, codes='<Code guid="code-1" name="Feedback" isCodable="true"/>').replace(guid(1), "kim")
    text = text.replace(guid(3), "src-1")
    path = make_qdpx(tmp_path / "ids.qdpx", text, {"sources/src-1.txt": RAW})
    report = import_qdpx(path, tmp_path / "ids.npmdesk", "Ana")
    assert report.counts["codings"] == len(PHRASES) and report.skipped == []
    assert texts_of(tmp_path / "ids.npmdesk") == sorted(PHRASES)
    with Project.open(tmp_path / "ids.npmdesk", "Ana") as p:
        assert {c.coder for d in p.documents() for c in p.codings_in_document(d.id)} == {"Kim"}
        export_qdpx(p, tmp_path / "again.qdpx")
    assert_valid(qde_of(tmp_path / "again.qdpx"), "Project.xsd")  # fresh GUIDs where ids were not


def test_non_codable_codes_keep_the_flag_and_cannot_be_applied(tmp_path):
    codes = (f'<Code guid="{guid(5)}" name="Themes" isCodable="false">'
             f'<Code guid="{guid(2)}" name="Feedback" isCodable="true"/></Code>')
    path = make_qdpx(tmp_path / "nc.qdpx", qde(selections_xml(CODEPOINTS), codes=codes),
                     {f"sources/{guid(3)}.txt": RAW})
    import_qdpx(path, tmp_path / "nc.npmdesk", "Ana")
    with Project.open(tmp_path / "nc.npmdesk", "Ana") as p:
        themes = p.code_by_path("Themes")
        assert p.non_codable_codes() == {themes.id}
        doc = p.documents()[0].id
        with pytest.raises(InvalidValueError, match="category"):
            p.apply_coding(doc, themes.id, 0, 5)
        export_qdpx(p, tmp_path / "nc2.qdpx")
        export_qdc(p, tmp_path / "nc.qdc")
    root = qde_of(tmp_path / "nc2.qdpx")
    assert_valid(root, "Project.xsd")
    flags = {el.get("name"): el.get("isCodable") for el in root.iter("{urn:QDA-XML:project:1.0}Code")}
    assert flags == {"Themes": "false", "Feedback": "true"}
    with Project.create(tmp_path / "fresh.npmdesk", "Ana") as q:
        import_qdc(q, tmp_path / "nc.qdc")
        assert q.non_codable_codes() == {q.code_by_path("Themes").id}


def test_sets_become_groups_usable_as_filters_and_are_exported_back(tmp_path):
    extra = (f'<Sets><Set guid="{guid(70)}" name="Interviews"><Description>All 1:1</Description>'
             f'<MemberSource targetGUID="{guid(3)}"/></Set>'
             f'<Set guid="{guid(71)}" name="Key codes"><MemberCode targetGUID="{guid(2)}"/></Set></Sets>')
    path = make_qdpx(tmp_path / "s.qdpx", qde(selections_xml(CODEPOINTS), extra=extra),
                     {f"sources/{guid(3)}.txt": RAW})
    import_qdpx(path, tmp_path / "s.npmdesk", "Ana")
    with Project.open(tmp_path / "s.npmdesk", "Ana") as p:
        groups = {(g.kind, g.name): g for g in p.groups()}
        assert set(groups) == {("document", "Interviews"), ("code", "Key codes")}
        assert groups["document", "Interviews"].description == "All 1:1"
        assert groups["document", "Interviews"].guid == guid(70)
        assert p.count_excerpts(ExcerptFilter(document_group_ids=(groups["document", "Interviews"].id,))) == 6
        empty = p.add_group("document", "Focus groups")
        assert p.count_excerpts(ExcerptFilter(document_group_ids=(empty,))) == 0
        assert p.count_excerpts(ExcerptFilter(code_group_ids=(groups["code", "Key codes"].id,))) == 6
        export_qdpx(p, tmp_path / "s2.qdpx")
    root = qde_of(tmp_path / "s2.qdpx")
    assert_valid(root, "Project.xsd")
    sets = {el.get("name"): el for el in root.iter("{urn:QDA-XML:project:1.0}Set")}
    assert set(sets) == {"Interviews", "Key codes", "Focus groups"}
    import_qdpx(tmp_path / "s2.qdpx", tmp_path / "s3.npmdesk", "Ana")
    with Project.open(tmp_path / "s3.npmdesk", "Ana") as q:
        assert sorted((g.kind, g.name, len(g.members)) for g in q.groups()) == [
            ("code", "Key codes", 1), ("document", "Focus groups", 0), ("document", "Interviews", 1)]


def test_groups_store_operations(project):
    doc = project.add_document("d", "text")
    gid = project.add_group("document", "Wave 1")
    assert project.add_group_members(gid, [doc, doc]) == 1
    project.rename_group(gid, "Wave one")
    assert project.group(gid).name == "Wave one" and project.group(gid).members == (doc,)
    assert project.remove_group_members(gid, [doc]) == 1
    project.delete_group(gid)
    assert project.groups() == []


def test_descriptions_and_notes_on_uncoded_passages_are_kept(tmp_path):
    a, b = spans()[0]
    sels = (f'<PlainTextSelection guid="{guid(100)}" startPosition="{position(CODEPOINTS, a)}" '
            f'endPosition="{position(CODEPOINTS, b)}" creatingUser="{guid(1)}">'
            f'<Description>Asked twice</Description><NoteRef targetGUID="{guid(50)}"/></PlainTextSelection>')
    extra = (f'<Notes><Note guid="{guid(50)}" name="n"><PlainTextContent>Tone changes here.</PlainTextContent>'
             '</Note></Notes><Description>A synthetic study</Description>')
    at = f'plainTextPath="internal://{guid(3)}.txt">'
    src = qde(sels, extra=extra).replace(at, at + "<Description>Zoom call</Description>")
    path = make_qdpx(tmp_path / "d.qdpx", src, {f"sources/{guid(3)}.txt": RAW})
    report = import_qdpx(path, tmp_path / "d.npmdesk", "Ana")
    assert any("Annotations" in n for n in report.notes)
    with Project.open(tmp_path / "d.npmdesk", "Ana") as p:
        (doc,) = p.documents()
        (coding,) = p.codings_in_document(doc.id)
        assert p.code(coding.code_id).name == "Annotations" and coding.coder == "Kim"
        assert p.document_text(doc.id)[coding.start:coding.end] == PHRASES[0]
        memo = p.memo("coding", coding.id)
        assert "Tone changes here." in memo and "Asked twice" in memo
        assert "Zoom call" in p.memo("document", doc.id)
        assert "A synthetic study" in p.memo("project")


def test_unknown_users_dates_and_colours(tmp_path):
    a, b = spans()[1]
    sel = (f'<PlainTextSelection guid="{guid(100)}" startPosition="{position(CODEPOINTS, a)}" '
           f'endPosition="{position(CODEPOINTS, b)}" creationDateTime="2023-05-01T10:00:00Z">'
           f'<Coding guid="{guid(200)}"><CodeRef targetGUID="{guid(2)}"/></Coding></PlainTextSelection>')
    path = make_qdpx(tmp_path / "u.qdpx", qde(sel, source_attrs=f' creatingUser="{guid(1)}" '
                                                          'creationDateTime="2022-01-02T03:04:05Z"'),
                     {f"sources/{guid(3)}.txt": RAW})
    report = import_qdpx(path, tmp_path / "u.npmdesk", "Ana")
    assert any("'unknown'" in n for n in report.notes)
    with Project.open(tmp_path / "u.npmdesk", "Ana") as p:
        (doc,) = p.documents()
        (coding,) = p.codings_in_document(doc.id)
        assert coding.coder == "unknown" and coding.created == "2023-05-01T10:00:00Z"
        assert p.document_sources()[doc.id] == ("2022-01-02T03:04:05Z", "Kim")
        export_qdpx(p, tmp_path / "u2.qdpx")
    root = qde_of(tmp_path / "u2.qdpx")
    (code,) = root.iter("{urn:QDA-XML:project:1.0}Code")
    assert code.get("color") is None  # the file gave none; npmdesk's display colour stays home
    (src,) = root.iter("{urn:QDA-XML:project:1.0}TextSource")
    users = {u.get("name"): u.get("guid") for u in root.iter("{urn:QDA-XML:project:1.0}User")}
    assert src.get("creationDateTime") == "2022-01-02T03:04:05Z" and src.get("creatingUser") == users["Kim"]


def test_speakers_only_in_sources_that_look_like_transcripts(tmp_path):
    paper = "Abstract: we studied mentoring.\nMethods were qualitative.\nResults follow here.\n"
    src = (f'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="P"><Sources>'
           f'<TextSource guid="{guid(3)}" name="paper"><PlainTextContent>{paper}</PlainTextContent></TextSource>'
           f'<TextSource guid="{guid(4)}" name="talk"><PlainTextContent>{STORED}</PlainTextContent></TextSource>'
           '</Sources></Project>')
    path = make_qdpx(tmp_path / "p.qdpx", src)
    import_qdpx(path, tmp_path / "auto.npmdesk", "Ana")
    import_qdpx(path, tmp_path / "on.npmdesk", "Ana", speakers=True)
    import_qdpx(path, tmp_path / "off.npmdesk", "Ana", speakers=False)

    def speakers(name):
        with Project.open(tmp_path / name, "Ana", read_only=True) as p:
            return {d.name: {s.name for s in p.speakers(d.id)} for d in p.documents()}

    assert speakers("auto.npmdesk") == {"paper": set(), "talk": {"Interviewer", "NPM-3"}}
    assert speakers("on.npmdesk")["paper"] == {"Abstract"}
    assert speakers("off.npmdesk") == {"paper": set(), "talk": set()}
