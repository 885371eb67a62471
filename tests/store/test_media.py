"""Linking recordings: stored relative beside the project, found again when moved, undoable."""

import shutil

import pytest

from npmdesk.core.errors import BadInputError, InvalidValueError
from npmdesk.core.model import TurnSpec
from npmdesk.formats import media as media_files

FIXTURE = "tests/fixtures/media/two-sentences.wav"


@pytest.fixture
def doc(project):
    text = "Interviewer: Hello.\nNPM-1: Budget cuts hurt."
    return project.add_document("Interview 1", text, turns=[TurnSpec(0, 19, "Interviewer"), TurnSpec(20, 44, "NPM-1")])


def test_describe_reads_hash_size_and_length():
    info = media_files.describe(FIXTURE)
    assert info.duration_ms == 8800 and info.size > 200_000 and len(info.sha256) == 64


def test_describe_refuses_what_is_not_a_recording(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(BadInputError, match="links recordings of types"):
        media_files.describe(tmp_path / "notes.txt")
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(BadInputError, match="empty"):
        media_files.describe(tmp_path / "empty.wav")
    with pytest.raises(BadInputError, match="no such file"):
        media_files.describe(tmp_path / "gone.m4a")


def test_mp4_length_comes_from_the_movie_header(tmp_path):
    import struct

    mvhd_body = bytes(4) + struct.pack(">IIII", 0, 0, 1000, 3_723_000) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    ftyp = struct.pack(">I4s", 16, b"ftyp") + b"M4A " + bytes(4)
    (tmp_path / "zoom.m4a").write_bytes(ftyp + moov)
    assert media_files.duration_ms(tmp_path / "zoom.m4a") == 3_723_000


def test_a_recording_beside_the_project_is_stored_relative_and_found_after_a_move(project, doc, tmp_path):
    rec = tmp_path / "audio" / "interview1.wav"
    rec.parent.mkdir()
    shutil.copy(FIXTURE, rec)
    info = media_files.describe(rec)
    link = project.link_media(doc, rec, info.sha256, info.size, info.duration_ms)
    assert link.stored_path == "audio/interview1.wav" and link.kind == "audio"
    assert media_files.locate(project.path, link) == rec.resolve()
    moved = tmp_path / "recordings" / "2026" / "interview1.wav"
    moved.parent.mkdir(parents=True)
    rec.rename(moved)
    assert media_files.locate(project.path, link) == moved
    other = tmp_path / "elsewhere" / "interview1.wav"  # same name, different sound: not it
    other.parent.mkdir()
    other.write_bytes(b"RIFF" + bytes(100))
    moved.unlink()
    assert media_files.locate(project.path, link) is None
    assert not media_files.matches(other, link)


def test_link_unlink_and_turn_times_are_undoable_steps(project, doc):
    info = media_files.describe(FIXTURE)
    _, step = project.perform(project.link_media, doc, info.path, info.sha256, info.size, info.duration_ms)
    assert doc in step.changes.documents and not step.changes.everything
    project.revert(step)
    assert project.media_link(doc) is None
    turn = project.turns(doc)[1]
    _, step = project.perform(project.set_turn_time, turn.id, 5_000)
    assert project.turns(doc)[1].begin_ms == 5_000 and project.time_at(doc, 30) == 5_000
    assert project.times_at([(doc, 30), (doc, 3)]) == [5_000, None]
    project.revert(step)
    assert project.turns(doc)[1].begin_ms is None
    with pytest.raises(InvalidValueError):
        project.set_turn_time(turn.id, -1)


def test_only_recording_types_can_be_linked(project, doc, tmp_path):
    with pytest.raises(InvalidValueError, match="links recordings of types"):
        project.link_media(doc, tmp_path / "x.pdf", "0" * 64, 1, None)


def test_excerpts_carry_the_time_their_passage_is_spoken(project, doc):
    code = project.add_code("Budget")
    project.set_turn_time(project.turns(doc)[1].id, 65_000)
    project.apply_coding(doc, code, 27, 39)
    (excerpt,) = project.excerpts()
    assert excerpt.time_ms == 65_000 and excerpt.to_json()["time_ms"] == 65_000
