"""One paragraph numbering for the viewer and the reports: lines with text, blank lines skipped."""

from npmdesk.core.paragraphs import Paragraphs

TEXT = "Interviewer: Hi.\n\nNPM-3: First answer.\n\n\nInterviewer: More?\n\nNPM-3: Honestly, the feedback.\n"


def test_blank_lines_are_not_paragraphs():
    p = Paragraphs(TEXT)
    lines = TEXT.split("\n")
    numbered = [p.number(i) for i in range(len(lines))]
    assert numbered == [1, None, 2, None, None, 3, None, 4, None]


def test_ranges_of_passages():
    p = Paragraphs(TEXT)
    at = TEXT.index("Honestly")
    assert p.range(at, at + 8) == (4, 4)  # the trial's example: ¶ 4, not ¶ 8
    a = TEXT.index("First")
    assert p.range(a, TEXT.index("More?") + 5) == (2, 3)
    blank = TEXT.index("\n\nNPM-3: First") + 1
    assert p.range(blank, blank + 5) == (2, 2)  # starting on a blank line: the next paragraph
    assert p.range(0, len(TEXT)) == (1, 4)
