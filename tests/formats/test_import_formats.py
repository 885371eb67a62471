"""Every supported format, from real files: exact stored text, turns, speakers, times, encodings."""

from pathlib import Path

import pytest

from npmdesk.formats.importing import ImportOptions, import_files

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"

# What LibreOffice's document reads as, whether saved as .docx, .odt or .rtf: heading, labelled
# paragraphs, a bullet and a numbered list, a speaker table; no header, footer, comment or footnote.
LIBREOFFICE_TEXT = (
    "Interview 4: near-peer mentoring\n"
    "Interviewer: Thank you for joining. How did you become a mentor?\n"
    "NPM-4: A second-year student mentored me, so I wanted to give that back.\n"
    "Interviewer: What was hardest?\n"
    "NPM-4: Honestly, admitting that I did not know something. In my first session a student asked about the "
    "cardiac cycle and I mixed up the valves, and instead of hiding it we drew the pressure curves together "
    "until it made sense to both of us.\n"
    "Interviewer: What did you do in the first month?\n"
    "NPM-4: Three things:\n"
    "• weekly coffee with my mentee\n"
    "• a shared anatomy study plan\n"
    "1. first, listen\n"
    "2. then, teach\n"
    "Interviewer: Did teaching change how you study?\n"
    "NPM-4: Yes. Explaining the brachial plexus twice made it stick.\n"
    "Interviewer: Thank you.\n"
    "End of interview – “recording stopped”."
)
LIBREOFFICE_TURN_SPEAKERS = ["Interviewer", "NPM-4"] * 4 + ["Interviewer"]


def imported(project, name, **options):
    report = import_files(project, [FIXTURES / name], ImportOptions(**options))
    [doc] = report.imported
    text = project.document_text(doc.document_id)
    turns = project.turns(doc.document_id)
    return doc, text, turns


def turn_texts(text, turns):
    return [(t.speaker, text[t.start:t.end]) for t in turns]


def paragraphs_as_turns(text, speakers):
    """Turns expected when every labelled paragraph (or run of paragraphs) is one turn."""
    return [(s, p) for s, p in zip(speakers, _labelled_runs(text))]


def _labelled_runs(text):
    runs, current = [], None
    for line in text.split("\n"):
        if line.startswith(("Interviewer:", "NPM-4:")):
            if current:
                runs.append(current)
            current = line
        elif current is not None and not line.startswith("End of interview"):
            current += "\n" + line
    runs.append(current)
    return runs


@pytest.mark.parametrize("name, fmt, encoding", [
    ("libreoffice.docx", "docx", "Word (docx)"),
    ("libreoffice.odt", "odt", "OpenDocument (odt)"),
    ("libreoffice.rtf", "rtf", "RTF (cp1252)"),
])
def test_libreoffice_documents_read_the_same(project, name, fmt, encoding):
    doc, text, turns = imported(project, name)
    assert text == LIBREOFFICE_TEXT
    assert (doc.format, doc.encoding) == (fmt, encoding)
    assert [t.speaker for t in turns] == LIBREOFFICE_TURN_SPEAKERS
    assert turn_texts(text, turns) == paragraphs_as_turns(text, LIBREOFFICE_TURN_SPEAKERS)
    assert doc.speakers == ["Interviewer", "NPM-4"]
    assert "CONFIDENTIAL" not in text and "FOOTNOTE" not in text and "COMMENT" not in text and "Footer" not in text


def test_python_docx_paragraphs_lists_and_no_header_footer_or_comment(project):
    doc, text, turns = imported(project, "interview_python_docx.docx")
    assert text == (
        "Interview 1\n"
        "Interviewer: Tell me about your first week as a mentor.\n"
        "NPM-1: I was nervous. My mentee knew more pharmacology than I did.\n"
        "Interviewer: How did you handle that?\n"
        "NPM-1: I said so, and we looked it up together.\n"
        "Things that helped:\n"
        "• honesty\n"
        "• the library\n"
        "1. ask\n"
        "2. listen")
    assert turn_texts(text, turns) == [
        ("Interviewer", "Interviewer: Tell me about your first week as a mentor."),
        ("NPM-1", "NPM-1: I was nervous. My mentee knew more pharmacology than I did."),
        ("Interviewer", "Interviewer: How did you handle that?"),
        ("NPM-1", "NPM-1: I said so, and we looked it up together.\nThings that helped:\n• honesty\n"
                  "• the library\n1. ask\n2. listen"),
    ]
    assert (doc.turns, doc.speakers, doc.words) == (4, ["Interviewer", "NPM-1"], 52)


def test_docx_speaker_table_rows_become_turns(project):
    doc, text, turns = imported(project, "speaker_table.docx")
    assert text == (
        "Interview 2 (transcribed 2024-03-01)\n"
        "Interviewer: What does near-peer mentoring mean to you?\n"
        "NPM-2: Someone one step ahead who still remembers the fear.\n"
        "Interviewer: Can you give an example?\n"
        "NPM-2: Before my first OSCE my mentor ran a mock station.\nShe timed me.\n"
        "Interviewer: Thank you.\n"
        "Interviewer: Anything else? [after the table]")
    assert turn_texts(text, turns) == [
        ("Interviewer", "Interviewer: What does near-peer mentoring mean to you?"),
        ("NPM-2", "NPM-2: Someone one step ahead who still remembers the fear."),
        ("Interviewer", "Interviewer: Can you give an example?"),
        ("NPM-2", "NPM-2: Before my first OSCE my mentor ran a mock station.\nShe timed me."),
        ("Interviewer", "Interviewer: Thank you."),  # 'Interviewer:' in the cell: the colon is not the name
        ("Interviewer", "Interviewer: Anything else? [after the table]"),
    ]
    assert "5 turns taken from a speaker table" in doc.notes


def test_cp1252_crlf_text_with_curly_quotes(project):
    doc, text, turns = imported(project, "cp1252_crlf.txt")
    assert doc.encoding == "cp1252" and doc.format == "text"
    assert text == ("Interviewer: What did your mentor say after the exam?\n"
                    "NPM-3: She said “you belong here” – and I didn’t believe her at first.\n"
                    "\n"
                    "Interviewer: And now?\n"
                    "NPM-3: Now I tell my mentee the same thing. Café talks help.\n")
    assert turn_texts(text, turns) == [
        ("Interviewer", "Interviewer: What did your mentor say after the exam?"),
        ("NPM-3", "NPM-3: She said “you belong here” – and I didn’t believe her at first."),
        ("Interviewer", "Interviewer: And now?"),
        ("NPM-3", "NPM-3: Now I tell my mentee the same thing. Café talks help."),
    ]


def test_utf16_bom_text_with_timestamps_dash_labels_and_emoji(project):
    doc, text, turns = imported(project, "utf16_bom.txt", kind="focus-group")
    assert (doc.encoding, doc.kind) == ("UTF-16 LE (BOM)", "focus-group")
    assert text == ("[00:00:05] Facilitator: Welcome to the focus group.\n"
                    "[00:00:09] NPM-2: Thanks — glad to be here 😀.\n"
                    "FACILITATOR - Who wants to start?\n"
                    "NPM-5: I will. Ser mentor me ayudó mucho.\n")
    assert [t.speaker for t in turns] == ["Facilitator", "NPM-2", "Facilitator", "NPM-5"]  # one person
    assert text[turns[1].start:turns[1].end] == "[00:00:09] NPM-2: Thanks — glad to be here 😀."


def test_vtt_voice_tags_labels_merged_cues_and_times(project):
    doc, text, turns = imported(project, "focus_group.vtt", kind="focus-group")
    assert text == ("Facilitator: Welcome, everyone. Let us start with introductions.\n"
                    "NPM-2: I mentor two first-years. Mostly on how to study & ask for help.\n"
                    "NPM-5: For me it is about belonging.\n"
                    "NPM-6: I joined late, but I agree.\n"
                    "(laughter)")
    assert [(t.speaker, text[t.start:t.end], t.begin_ms, t.end_ms) for t in turns] == [
        ("Facilitator", "Facilitator: Welcome, everyone. Let us start with introductions.", 1000, 4500),
        ("NPM-2", "NPM-2: I mentor two first-years. Mostly on how to study & ask for help.", 5000, 10250),
        ("NPM-5", "NPM-5: For me it is about belonging.", 11000, 14000),
        ("NPM-6", "NPM-6: I joined late, but I agree.", 75000, 78000),
        (None, "(laughter)", 79000, 80000),
    ]
    assert doc.speakers == ["Facilitator", "NPM-2", "NPM-5", "NPM-6"] and doc.format == "vtt"


def test_srt_cues_with_labels_wrapped_lines_and_italics(project):
    doc, text, turns = imported(project, "interview.srt")
    assert text == ("Interviewer: Can you describe a hard moment?\n"
                    "NPM-1: My first patient presentation. I froze.\n"
                    "Interviewer: What helped?\n"
                    "NPM-1: My mentor rehearsed it with me.")
    assert [(t.speaker, t.begin_ms, t.end_ms) for t in turns] == [
        ("Interviewer", 1000, 3000), ("NPM-1", 3500, 7000), ("Interviewer", 7500, 9000), ("NPM-1", 9500, 12000)]
    assert turn_texts(text, turns)[1] == ("NPM-1", "NPM-1: My first patient presentation. I froze.")


def test_markdown_kept_verbatim_with_bold_labels(project):
    doc, text, turns = imported(project, "field_notes.md", kind="field-notes")
    assert text == (FIXTURES / "field_notes.md").read_text(encoding="utf-8")
    assert turn_texts(text, turns) == [
        ("Interviewer", "**Interviewer:** How was the *review session*?"),
        ("NPM-6", "**NPM-6:** Good. We used the whiteboard.\n\n- attendance: 7 students\n- topic: renal physiology"),
    ]


def test_pdf_text_layer_with_reflowed_paragraphs(project):
    doc, text, turns = imported(project, "libreoffice.pdf")
    assert doc.format == "pdf" and doc.encoding == "PDF text layer"
    # The long answer wrapped over three lines in the PDF and is one paragraph again.
    long_answer = LIBREOFFICE_TEXT.split("\n")[4]
    assert long_answer in text.split("\n")
    assert text.startswith("CONFIDENTIAL header: not transcript text\nInterview 4: near-peer mentoring\n"
                           "Interviewer: Thank you for joining.")  # a PDF cannot tell its page header apart
    assert [t.speaker for t in turns][:6] == ["Interviewer", "NPM-4"] * 3
    assert (text[turns[3].start:turns[3].end]) == long_answer


def test_multi_file_import_is_one_report_in_order(project):
    names = ["cp1252_crlf.txt", "focus_group.vtt", "speaker_table.docx"]
    report = import_files(project, [FIXTURES / n for n in names])
    assert [d.name for d in report.imported] == ["cp1252_crlf", "focus_group", "speaker_table"]
    assert [d.name for d in project.documents()] == ["cp1252_crlf", "focus_group", "speaker_table"]
    assert all(d.source_sha256 and d.imported for d in project.documents())
    assert [d.source_name for d in project.documents()] == names


import pytest  # noqa: E402


@pytest.mark.parametrize("text, codec, label", [
    ("Interviewer: Was it hard?\r\nNPM-9: José Muñoz, from São Paulo, naïve “quote” — café.\r\n", "cp1252", "cp1252"),
    ("NPM-2: Die Prüfung war schwer, aber später war ich glücklich über das Gespräch.\n", "cp1252", "cp1252"),
    ("NPM-4: Łódź była trudna. Żółć, gęś, źdźbło. Przyszłość mentora była ważna dla mnie.\n", "cp1250", "cp1250"),
    ("NPM-5: Очень хорошо, спасибо большое за программу наставничества.\n", "cp1251", "cp1251"),
])
def test_legacy_code_pages_keep_every_letter(tmp_path, project, text, codec, label):
    """A look-alike code page must never silently change letters (cp1250 read 'Muñoz' as 'Muńoz')."""
    from npmdesk.formats.importing import import_files

    path = tmp_path / f"{codec}.txt"
    path.write_bytes(text.encode(codec))
    [doc] = import_files(project, [path]).imported
    assert doc.encoding == label
    assert project.document_text(doc.document_id) == text.replace("\r\n", "\n")
