"""Position units: exact conversion of each reading, and refusal of positions that split a
CRLF pair or a surrogate pair."""

from npmdesk.formats.refi.positions import (
    CODEPOINTS,
    CODEPOINTS_LF,
    UTF16,
    UTF16_LF,
    PositionMapper,
    choose_unit,
    unit_hint,
)

RAW = "a😀\r\nb\r\nc🎉d"  # stored as "a😀\nb\nc🎉d"


def test_each_unit_converts_to_stored_code_points():
    m = PositionMapper(RAW)
    assert m.text == "a😀\nb\nc🎉d"
    b = m.text.index("b")
    d = m.text.index("d")
    assert m.convert(CODEPOINTS, RAW.index("b")) == (b, True)
    assert m.convert(CODEPOINTS_LF, b) == (b, True)
    assert m.convert(UTF16, len(RAW[:RAW.index("b")].encode("utf-16-le")) // 2) == (b, True)
    assert m.convert(UTF16_LF, len(m.text[:b].encode("utf-16-le")) // 2) == (b, True)
    assert m.convert(UTF16, len(RAW[:RAW.index("d")].encode("utf-16-le")) // 2) == (d, True)
    assert m.convert(CODEPOINTS, len(RAW)) == (len(m.text), True)


def test_positions_that_split_pairs_are_not_clean():
    m = PositionMapper(RAW)
    assert m.convert(CODEPOINTS, RAW.index("\r") + 1)[1] is False  # between CR and LF
    assert m.convert(UTF16, 2)[1] is False  # inside the surrogate pair of 😀
    assert m.convert(CODEPOINTS, len(RAW) + 1) is None
    assert m.span(CODEPOINTS, 3, 3) is None


def test_hints_and_plain_text():
    assert unit_hint("NVivo 14 (Windows)") == UTF16
    assert unit_hint("NVivo 14 for Mac") == CODEPOINTS
    assert unit_hint("ATLAS.ti 23") == CODEPOINTS_LF
    assert unit_hint(None) == CODEPOINTS
    plain = PositionMapper("plain ascii\nonly")
    assert not plain.ambiguous
    assert choose_unit(plain, [(0, 5, "")], "NVivo").unit == CODEPOINTS
