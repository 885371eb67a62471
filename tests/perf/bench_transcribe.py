"""Benchmark of offline transcription (a script, not a unit test): the real-time factor on this
machine, for recordings of several lengths built from the synthetic fixture.

    .venv/bin/python tests/perf/bench_transcribe.py [--minutes 0.5 2] [--repeat 3] [--json FILE]

Needs the transcribe extra (pip install -e '.[transcribe]'). The recording is the fixture's
synthetic speech (espeak-ng) repeated with pauses; the real-time factor is transcription time over
recording length (0.1 means a 90-minute interview takes 9 minutes). Budget: under 1 (faster than
the recording plays), so a long interview never takes longer to transcribe than to listen to.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

_TMP = tempfile.mkdtemp(prefix="npmdesk-bench-")
os.environ["NPMDESK_DATA_DIR"] = os.path.join(_TMP, "data")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from npmdesk.formats import transcribe as speech  # noqa: E402
from npmdesk.formats.media import describe  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "media" / "two-sentences.wav"
BUDGET_RTF = 1.0


# Synthetic interview lines (written for npmdesk); spoken by espeak-ng in turn by two voices.
LINES = [
    "How did the first month of the mentoring program go for you?",
    "It was slower than I expected, because the schedule kept changing every week.",
    "What helped you most when the anatomy exams came around?",
    "Honestly, the study group in the library and a second-year student who listened.",
    "Did the budget cuts change what the program could offer?",
    "We lost the room on Fridays, so we met in the cafeteria instead.",
    "Tell me about a time you felt you belonged in medicine.",
    "On the ward, when a patient thanked me for explaining her medication slowly.",
    "What would you change for next year's incoming students?",
    "More time with mentors early on, before the first exam, not after it.",
]


def long_recording(minutes: float, folder: Path) -> Path:
    """Varied speech from espeak-ng when it is installed (repeating one sentence makes Whisper's
    fallback sampling drop text, which is not what an interview sounds like); else the fixture."""
    import shutil
    import subprocess

    pieces: list[bytes] = []
    rate = 16_000
    if shutil.which("espeak-ng"):
        for i, line in enumerate(LINES):
            wav = folder / f"line{i}.wav"
            subprocess.run(["espeak-ng", "-s", "150", "-v", "en" if i % 2 == 0 else "en+f3", "-w", str(wav), line],
                           check=True)
            pieces.append(_resampled(wav, rate))
    else:
        print("espeak-ng is not installed: the fixture recording is repeated instead (apt-get install espeak-ng)")
        pieces.append(_resampled(FIXTURE, rate))
    pause = b"\x00\x00" * rate
    out = folder / f"recording-{minutes:g}min.wav"
    target = minutes * 60 * rate * 2
    written = 0
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        while written < target:
            for frames in pieces:
                w.writeframes(frames + pause)
                written += len(frames) + len(pause)
                if written >= target:
                    break
    return out


def _resampled(path: Path, rate: int) -> bytes:
    with wave.open(str(path), "rb") as w:
        frames, source = w.readframes(w.getnframes()), w.getframerate()
    if source == rate:
        return frames
    import array

    samples = array.array("h", frames)
    n = int(len(samples) * rate / source)
    return array.array("h", (samples[int(i * source / rate)] for i in range(n))).tobytes()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, nargs="+", default=[0.5, 2.0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    problem = speech.available()
    if problem:
        print(f"skipped: {problem}")
        return 0
    folder = Path(_TMP)
    t = time.perf_counter()
    speech.model_dir()
    print(f"model files checked against their pinned hashes in {time.perf_counter() - t:.2f} s "
          f"({speech.MODEL_NAME}); {os.cpu_count()} CPU cores")
    results = []
    over = False
    for minutes in args.minutes:
        rec = long_recording(minutes, folder)
        info = describe(rec)
        factors, words = [], 0
        for _ in range(args.repeat):
            speech.discard_checkpoint(info.sha256)
            result = speech.transcribe(rec, info.sha256)
            factors.append(result.real_time_factor)
            words = sum(len(s.text.split()) for s in result.segments)
        speech.discard_checkpoint(info.sha256)
        row = {"minutes": round(info.duration_ms / 60000, 2), "rtf_median": round(statistics.median(factors), 3),
               "rtf_max": round(max(factors), 3), "words": words, "runs": args.repeat}
        over = over or row["rtf_median"] >= BUDGET_RTF
        results.append(row)
        print(f"{row['minutes']:6.2f} min of speech: real-time factor median {row['rtf_median']:.3f}, "
              f"max {row['rtf_max']:.3f} ({words} words) — 90 minutes would take "
              f"{90 * row['rtf_median']:.0f} min")
        if words == 0:  # a figure over nothing transcribed measures nothing
            print("  no words were transcribed from this recording: the figure is not a measure of speech "
                  "(install espeak-ng for varied synthetic speech)")
            over = True
    if args.json:
        args.json.write_text(json.dumps({"budget_rtf": BUDGET_RTF, "results": results}, indent=2))
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
