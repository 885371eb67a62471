"""Extended grapheme clusters (core/graphemes.py), the unit some tools count REFI-QDA positions in."""

from hypothesis import given
from hypothesis import strategies as st

from npmdesk.core.graphemes import grapheme_starts, graphemes


def test_clusters_readers_see_as_one_character():
    assert graphemes("a\r\nb") == ["a", "\r\n", "b"]
    assert graphemes("e\u0301tude") == ["e\u0301", "t", "u", "d", "e"]
    assert graphemes("👩🏽\u200d⚕️ok") == ["👩🏽\u200d⚕️", "o", "k"]
    assert graphemes("👨\u200d👩\u200d👧\u200d👦!") == ["👨\u200d👩\u200d👧\u200d👦", "!"]
    assert graphemes("🇫🇷🇩🇪🇺") == ["🇫🇷", "🇩🇪", "🇺"]
    assert graphemes("한국어") == ["한", "국", "어"]
    assert graphemes("\u1100\u1161\u11a8") == ["\u1100\u1161\u11a8"]  # conjoining jamo: one syllable
    assert graphemes("\u0915\u093f") == ["\u0915\u093f"]  # a spacing vowel sign stays with its consonant
    assert graphemes("a\u200db") == ["a\u200d", "b"]  # ZWJ joins emoji only
    assert graphemes("\n\u0301") == ["\n", "\u0301"]  # nothing attaches to a line end
    assert graphemes("") == [] and grapheme_starts("") == [0]


@given(st.text(alphabet=st.sampled_from(list("ab \r\n\u0301\u200d😀🏽🇫🇷한\u1100\u1161\u093f")), max_size=40))
def test_clusters_cover_the_text_exactly(text):
    starts = grapheme_starts(text)
    assert starts[0] == 0 and starts[-1] == len(text) and starts == sorted(set(starts))
    assert "".join(graphemes(text)) == text
