"""WebVTT (.vtt, Zoom and Teams transcripts) and SubRip (.srt): cues become speaker turns.

The speaker comes from a voice tag (`<v NPM-2>`, as Teams writes) or a label at the start of the
cue text (`NPM-2: ...`, as Zoom writes). Consecutive cues of the same speaker are one turn (Zoom
cuts a long answer into many cues); its begin and end times are kept on the turn, never in the
text. Other markup (<i>, <c.colour>, inline timestamps) is removed and entities are decoded.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from npmdesk.core.errors import BadInputError
from npmdesk.formats.blocks import Block, assemble
from npmdesk.formats.importing import ParsedSource, reader
from npmdesk.formats.speakers import compile_speaker_pattern
from npmdesk.formats.readers.text import decode_text

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s+.*)?$")
# A tag's inside never holds "<": an unclosed "<v x<v x<v x..." then costs one scan to the next
# "<" per attempt (linear), not one to the end of the cue (quadratic: 80 KB took 45 s).
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^<>]+)>(.*?)(?:</v>|(?=<v[\s.])|$)", re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}>")


@dataclass
class Cue:
    begin_ms: int
    end_ms: int
    speaker: str | None
    text: str
    labelled: bool = False
    label_end: int = 0  # where what was said starts, after the label


def time_ms(stamp: str) -> int:
    parts = stamp.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return (hours * 3600 + minutes * 60) * 1000 + round(seconds * 1000)


def parse_cues(text: str) -> list[tuple[int, int, str]]:
    """(begin_ms, end_ms, payload) for every cue; NOTE, STYLE and REGION blocks are skipped."""
    cues = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [x for x in block.strip("\n").split("\n")]
        for i, line in enumerate(lines[:2]):  # a cue may have an identifier line before its timing
            m = _TIMING.match(line)
            if m:
                cues.append((time_ms(m.group(1)), time_ms(m.group(2)), "\n".join(lines[i + 1:]).strip()))
                break
    return cues


def _clean(payload: str) -> str:
    # A cue's line breaks only wrap the caption on screen: they are not paragraph breaks.
    text = html.unescape(_TAG.sub("", payload)).replace("\u200e", "").replace("\u200f", "")
    return " ".join(text.split())


def cues_with_speakers(raw: list[tuple[int, int, str]], pattern: str | None, detect: bool) -> list[Cue]:
    rx = compile_speaker_pattern(pattern) if detect else None
    group = ("speaker" if rx is not None and "speaker" in rx.groupindex else 1)
    out = []
    for begin, end, payload in raw:
        voices = _VOICE.findall(payload)
        if voices:
            for who, said in voices:
                said = _clean(said)
                if said:
                    out.append(Cue(begin, end, who.strip(), said))
            continue
        said = _clean(payload)
        if not said:
            continue
        m = rx.match(said) if rx is not None else None
        if m and m.group(group):
            out.append(Cue(begin, end, m.group(group).strip(), said, labelled=True, label_end=m.end()))
        else:
            out.append(Cue(begin, end, None, said))
    return out


def merge_turns(cues: list[Cue]) -> list[Block]:
    """Consecutive cues of one speaker become one turn; a cue without a speaker is its own turn."""
    blocks: list[Block] = []
    parts: list[list[str]] = []  # each block's pieces, joined once at the end (not once per cue)
    last: Cue | None = None
    for cue in cues:
        if last is not None and cue.speaker and cue.speaker == last.speaker:
            text = cue.text
            if cue.labelled:  # the continuation repeats the label: keep only what was said
                text = text[cue.label_end:].strip()
            parts[-1].append(text)
            blocks[-1].end_ms = cue.end_ms
            continue
        blocks.append(Block(cue.text, turn=True, speaker=cue.speaker, begin_ms=cue.begin_ms, end_ms=cue.end_ms,
                            labelled=cue.labelled))
        parts.append([cue.text])
        last = cue
    for block, pieces in zip(blocks, parts):
        if len(pieces) > 1:  # pieces carry no outer spaces (_clean): one space between non-empty ones
            block.text = " ".join(p for p in pieces if p)
    return blocks


def _read(path: Path, data: bytes, options, fmt: str, what: str) -> ParsedSource:
    text, encoding = decode_text(data, path)
    if fmt == "vtt" and not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise BadInputError(path, "this is not a WebVTT file (it does not start with WEBVTT)")
    raw = parse_cues(text)
    if not raw:
        raise BadInputError(path, f"no subtitle cues found (this does not look like a {what} file)")
    blocks = merge_turns(cues_with_speakers(raw, options.speaker_pattern, options.detect_speakers))
    if not blocks:
        raise BadInputError(path, "the subtitle cues contain no text")
    joined, turns = assemble(blocks, options.speaker_pattern, detect=False)
    notes = [f"{len(raw)} cues"]
    return ParsedSource(joined, encoding, fmt, turns=turns, notes=notes)


@reader(".vtt")
def read_vtt(path: Path, data: bytes, options) -> ParsedSource:
    return _read(path, data, options, "vtt", "WebVTT")


@reader(".srt")
def read_srt(path: Path, data: bytes, options) -> ParsedSource:
    return _read(path, data, options, "srt", "SubRip")
