"""Finding likely identifiers: known names, patterns, capitalised runs not at sentence start."""

from npmdesk.core.identifiers import find_identifiers, load_common_words

COMMON = load_common_words(["# comment", "i", "the", "then", "monday", "dr", "hospital", "okay", "it"])
TEXT = ("Interviewer: Where did you grow up?\n"
        "NPM-1: I grew up in Lakeside and went to Mercy Hospital with Ann Okafor on 3 March 2021. "
        "Write to ann.o@example.org or call +1 (555) 123-4567, see https://example.org/x. "
        "Then Dr Patel said it was Monday. The Hospital was busy. It was 10:30 and 45 people came.")


def by_term(found):
    return {f.term: f for f in found}


def test_every_kind_is_found_with_counts_and_context():
    found = by_term(find_identifiers([("Interview 1", TEXT), ("Interview 2", "Ann Okafor came. We met Ann Okafor.")],
                                     known=[("NPM-1", "participant"), ("Interviewer", "speaker"),
                                            ("Lakeside", "term"), ("ann okafor", "participant")],
                                     common_words=COMMON))
    kinds = {t: f.kind for t, f in found.items()}
    assert kinds["NPM-1"] == "participant" and kinds["Interviewer"] == "speaker" and kinds["Lakeside"] == "term"
    assert kinds["ann.o@example.org"] == "email" and kinds["https://example.org/x"] == "url"
    assert kinds["+1 (555) 123-4567"] == "phone" and kinds["3 March 2021"] == "date"
    assert kinds["Mercy Hospital"] == "name" and kinds["Dr Patel"] == "name"
    assert found["Ann Okafor"].count == 3 and found["Ann Okafor"].documents == {"Interview 1", "Interview 2"}
    assert found["Ann Okafor"].contexts[0] == ("Interview 1", "…akeside and went to Mercy Hospital with "
                                                              "[Ann Okafor] on 3 March 2021. Write to ann.o@example…")
    # sentence starts, common words, times and small numbers are not identifiers
    for not_found in ("Then", "The Hospital", "Hospital", "Monday", "I", "It", "10:30", "45", "Write", "Okafor"):
        assert not_found not in found, not_found


def test_unicode_capitals_and_most_frequent_first():
    found = find_identifiers([("d", "we met Zoë and Łukasz, then Zoë again; ok José. and ßtraße")],
                             common_words=COMMON)
    assert [(f.term, f.count) for f in found][:3] == [("Zoë", 2), ("José", 1), ("Łukasz", 1)]


def test_a_letter_inside_a_room_number_is_not_a_name():
    found = by_term(find_identifiers([("Interview 1", "We met in room 2B with Priya Raman, then in 4C.")],
                                     common_words=COMMON))
    assert "B" not in found and "C" not in found and "Priya Raman" in found
