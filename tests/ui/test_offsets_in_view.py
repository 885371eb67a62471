"""Emoji (two UTF-16 units) and CRLF-sourced text highlight exactly the characters selected."""

from __future__ import annotations

from tests.ui.conftest import click_code, code_id, coloured_ranges, select_text


def _doc(window, name):
    return next(d.id for d in window.project.documents() if d.name == name)


def test_emoji_before_and_inside_selection(qtbot, window, reopen):
    doc = window.current_document
    code = code_id(window, "Seeing the system")
    window.transcript.set_codings([])  # look at this coding alone
    window.transcript.set_codings(window.project.codings_in_document(doc))
    before = coloured_ranges(window.transcript)
    # The selection starts right after an emoji line and the stored slice must be the same words.
    qa, qb = select_text(window.transcript, "Can you say more")
    click_code(qtbot, window, code)
    p = reopen()
    spans = [(c.start, c.end) for c in p.codings_in_document(doc) if c.code_id == code]
    assert any(p.document_text(doc)[s:e] == "Can you say more" for s, e in spans)
    assert coloured_ranges(window.transcript) - before == set(range(qa, qb))
    # A selection that contains the emoji itself.
    qa, qb = select_text(window.transcript, "on me. 😀")
    click_code(qtbot, window, code)
    p = reopen()
    assert any(p.document_text(doc)[c.start:c.end] == "on me. 😀" for c in p.codings_in_document(doc)
               if c.code_id == code)
    assert set(range(qa, qb)) <= coloured_ranges(window.transcript)
    assert qb - qa == len("on me. 😀") + 1  # the emoji is two Qt positions


def test_crlf_source_with_emoji(qtbot, window, reopen):
    doc = _doc(window, "Interview NPM-2")
    window.open_document(doc)
    assert window.transcript.document_id == doc
    code = code_id(window, "Socialisation into medicine/Imposter feelings")
    before = coloured_ranges(window.transcript)
    qa, qb = select_text(window.transcript, "imposter feelings 🙂 and about being")
    click_code(qtbot, window, code)
    p = reopen()
    text = p.document_text(doc)
    assert "\r" not in text
    (coding,) = [c for c in p.codings_in_document(doc) if c.code_id == code]
    assert text[coding.start:coding.end] == "imposter feelings 🙂 and about being"
    assert coloured_ranges(window.transcript) - before == set(range(qa, qb))
    # Multi-paragraph selection across a former CRLF line break.
    qa, qb = select_text(window.transcript, "figured out.\nInterviewer: How did it go?")
    click_code(qtbot, window, code)
    p = reopen()
    stored = [p.document_text(doc)[c.start:c.end] for c in p.codings_in_document(doc) if c.code_id == code]
    assert "figured out.\nInterviewer: How did it go?" in stored
    shown = coloured_ranges(window.transcript)
    newline = qa + len("figured out.")
    assert set(range(qa, qb)) - {newline} <= shown  # a paragraph break has no glyph to colour


def test_a_mouse_selection_takes_whole_words():
    """Found in a trial: drags coded fragments like 'eing someone … It ma' and ' feedback'."""
    from npmdesk.ui.transcript_view import snap_to_words

    text = "Being someone who listens. It matters, honestly — café 😀 done."
    a = text.index("eing")
    b = text.index("It ma") + 5
    assert text[slice(*snap_to_words(text, a, b))] == "Being someone who listens. It matters"
    c = text.index(" honestly")
    assert text[slice(*snap_to_words(text, c, c + 9))] == "honestly"  # no leading space
    d = text.index("fé")  # inside one word: left as chosen (coding part of a word stays possible)
    assert snap_to_words(text, d, d + 2) == (d, d + 2)
    e = text.index("😀")
    assert text[slice(*snap_to_words(text, e, e + 1))] == "😀"
