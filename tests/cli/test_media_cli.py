"""`npmdesk media` and `npmdesk transcribe` from the command line."""

import json
import socket

import pytest

from npmdesk.store import Project
from tests.cli.cli_helpers import run

FIXTURE = "tests/fixtures/media/two-sentences.wav"


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.npmdesk"
    (tmp_path / "i1.txt").write_text("[00:00:02] Interviewer: Hello there.\n[00:00:06] NPM-1: Budget cuts hurt.\n",
                                     encoding="utf-8")
    with Project.create(path, "Ana"):
        pass
    assert run_ok("import", path, tmp_path / "i1.txt")
    return path


def run_ok(*argv):
    from npmdesk.cli import main
    return main(["--coder", "Ana", *map(str, argv)]) == 0


def test_link_show_turn_time_and_unlink(capsys, study):
    code, out, _ = run(capsys, "media", study, "--doc", "i1", "--link", FIXTURE)
    assert code == 0 and "linked two-sentences.wav to i1 (audio, 00:00:08" in out
    code, out, _ = run(capsys, "media", study, "--doc", "i1")
    assert code == 0 and "1\t00:00:02\t[00:00:02] Interviewer: Hello there." in out
    assert "2\t00:00:06\t[00:00:06] NPM-1" in out
    code, out, _ = run(capsys, "media", study, "--doc", "i1", "--turn-time", "2", "0:07")
    assert code == 0 and "turn 2 starts at 00:00:07" in out
    code, out, _ = run(capsys, "media", study, "--doc", "i1", "--json")
    shown = json.loads(out)[0]
    assert shown["duration"] == "00:00:08" and shown["found_at"].endswith("two-sentences.wav")
    with Project.open(study, "Ana", read_only=True) as p:
        assert [t.begin_ms for t in p.turns(p.document_by_name("i1").id)] == [2000, 7000]
    code, out, _ = run(capsys, "media", study, "--doc", "i1", "--unlink")
    assert code == 0 and "unlinked" in out


def test_bad_turn_time_and_missing_file_are_clear_errors(capsys, study):
    code, _, err = run(capsys, "media", study, "--doc", "i1", "--turn-time", "9", "0:07")
    assert code == 1 and "turns 1 to 2" in err and "Traceback" not in err
    code, _, err = run(capsys, "media", study, "--doc", "i1", "--turn-time", "1", "soon")
    assert code == 1 and "hh:mm:ss" in err
    code, _, err = run(capsys, "media", study, "--doc", "i1", "--link", "nothing-here.m4a")
    assert code == 1 and "no such file" in err


def test_showing_a_link_does_not_write(capsys, study):
    run(capsys, "media", study, "--doc", "i1", "--link", FIXTURE)
    before = study.read_bytes()
    assert run(capsys, "media", study, "--doc", "i1")[0] == 0
    assert study.read_bytes() == before


needs_transcription = pytest.mark.skipif(
    __import__("npmdesk.formats.transcribe", fromlist=["available"]).available() is not None,
    reason="the transcribe extra is not installed")


@needs_transcription
def test_transcribe_makes_a_timed_transcript_linked_to_its_recording_without_network(capsys, tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("npmdesk tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    path = tmp_path / "t.npmdesk"
    Project.create(path, "Ana").close()
    code, out, err = run(capsys, "transcribe", path, FIXTURE, "--name", "Recorded", "--json")
    assert code == 0, err
    summary = json.loads(out)[0]
    assert summary["turns"] == 2 and summary["real_time_factor"] < 2
    with Project.open(path, "Ana", read_only=True) as p:
        doc = p.document_by_name("Recorded")
        text = p.document_text(doc.id).lower()
        turns = p.turns(doc.id)
        link = p.media_link(doc.id)
    for word in ("budget", "mentoring", "program", "every week", "library"):
        assert word in text
    assert [t.speaker for t in turns] == ["Speaker 1", "Speaker 1"]
    assert turns[0].begin_ms < 1500 and 4000 <= turns[1].begin_ms <= 6500 and turns[1].end_ms <= 9000
    assert link is not None and link.duration_ms == 8800


@needs_transcription
def test_a_cancelled_transcription_resumes_from_its_checkpoint(tmp_path):
    from npmdesk.core.errors import CancelledError
    from npmdesk.formats import transcribe as speech
    from npmdesk.formats.media import describe

    info = describe(FIXTURE)
    speech.discard_checkpoint(info.sha256)
    calls = []

    def stop_after_first(done, total, left):
        calls.append(done)
        return len(calls) < 2  # the first call is before any work; stop after one segment

    with pytest.raises(CancelledError, match="resumes"):
        speech.transcribe(info.path, info.sha256, progress=stop_after_first)
    kept = speech.load_checkpoint(info.sha256)
    assert len(kept) == 1 and "budget" in kept[0].text.lower()
    again = speech.transcribe(info.path, info.sha256)
    assert again.notes and "resumed" in again.notes[0]
    assert len(again.segments) == 2 and again.segments[0] == kept[0] and "library" in again.segments[1].text.lower()
    speech.discard_checkpoint(info.sha256)


@needs_transcription
def test_a_model_file_that_is_not_the_pinned_one_is_refused(monkeypatch):
    from npmdesk.formats import transcribe as speech

    monkeypatch.setattr(speech, "_verified", {})
    monkeypatch.setitem(speech.MODEL_FILES, "config.json", "0" * 64)
    with pytest.raises(speech.TranscriptionUnavailable, match="hash differs"):
        speech.model_dir()


def test_without_the_extra_transcribe_says_what_to_install(capsys, tmp_path, monkeypatch):
    from npmdesk.formats import transcribe as speech

    monkeypatch.setattr(speech.util, "find_spec", lambda name: None)
    path = tmp_path / "t.npmdesk"
    Project.create(path, "Ana").close()
    code, _, err = run(capsys, "transcribe", path, FIXTURE)
    assert code == 1 and "pip install 'npmdesk[transcribe]'" in err
