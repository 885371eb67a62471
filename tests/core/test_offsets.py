"""The one code point <-> UTF-16 conversion, property-tested over hard text."""

from hypothesis import given, strategies as st

from npmdesk.core.offsets import Utf16Map, normalise_newlines

HARD_CHARS = st.sampled_from(
    ["a", "é", "e\u0301", "😀", "👩🏽‍⚕️", "𝔘", "مرحبا", "שלום", "\u200f", "\r\n", "\r", "\n", "漢", " ", "\u2029"]
)
hard_text = st.lists(st.one_of(HARD_CHARS, st.text(max_size=3)), max_size=60).map("".join)


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@given(hard_text, st.data())
def test_round_trip_and_agrees_with_utf16_encoding(raw, data):
    text = normalise_newlines(raw)
    m = Utf16Map(text)
    assert m.length_u16 == utf16_len(text)
    cp = data.draw(st.integers(0, len(text)))
    u = m.to_utf16(cp)
    assert u == utf16_len(text[:cp])
    assert m.to_codepoint(u) == cp


@given(hard_text, st.data())
def test_span_of_utf16_selection_is_the_same_characters(raw, data):
    text = normalise_newlines(raw)
    m = Utf16Map(text)
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    ua, ub = m.span_to_utf16(a, b)
    encoded = text.encode("utf-16-le")
    assert encoded[2 * ua : 2 * ub].decode("utf-16-le") == text[a:b]
    assert m.span_to_codepoints(ua, ub) == (a, b)


def test_position_inside_surrogate_pair_rounds_down():
    m = Utf16Map("a😀b")
    assert m.to_utf16(1) == 1 and m.to_utf16(2) == 3
    assert m.to_codepoint(2) == 1


def test_crlf_and_cr_become_lf():
    assert normalise_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_out_of_range_is_an_error():
    import pytest

    m = Utf16Map("ab")
    with pytest.raises(IndexError):
        m.to_utf16(3)
    with pytest.raises(IndexError):
        m.to_codepoint(-1)
