"""media, transcribe: recordings beside transcripts, and speech to text on this computer."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from npmdesk.commands._common import add_json_arg, add_project_arg, open_project, print_json, quoted
from npmdesk.core.errors import InvalidValueError, NpmdeskError
from npmdesk.core.timecode import format_hms, parse_hms
from npmdesk.core.wording import plural
from npmdesk.formats import media as media_files
from npmdesk.formats import transcribe as speech


def register(sub) -> None:
    p = sub.add_parser("media", help="link a recording to a transcript, show or unlink it, set turn times")
    add_project_arg(p)
    p.add_argument("--doc", required=True, metavar="NAME", help="the transcript (document name)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--link", metavar="FILE", help="link this recording (.m4a .mp3 .wav .mp4 .webm ...)")
    what.add_argument("--unlink", action="store_true", help="forget the linked recording (the file stays)")
    what.add_argument("--turn-time", nargs=2, metavar=("TURN", "TIME"),
                      help="set when turn number TURN (1 = first, as `--show` lists them) starts: hh:mm:ss, "
                           "or 'none' to clear it")
    add_json_arg(p)
    p.set_defaults(run=cmd_media)

    p = sub.add_parser("transcribe", help="transcribe a recording on this computer (no network) into a new "
                                          "transcript linked to it")
    add_project_arg(p)
    p.add_argument("file", metavar="FILE", help="the recording")
    p.add_argument("--name", help="the new transcript's name (default: the file's name)")
    p.add_argument("--language", default="en", help="spoken language (the packaged model: en)")
    p.add_argument("--speakers", type=int, default=1, metavar="N", help="how many people speak (default 1)")
    p.add_argument("--kind", default=None, help="interview, focus-group, field-notes or other "
                                                "(default: interview, focus-group for 3+ speakers)")
    p.add_argument("--restart", action="store_true", help="ignore an unfinished earlier run and start over")
    add_json_arg(p)
    p.set_defaults(run=cmd_transcribe)


def _link_json(doc: str, link, found: Path | None) -> dict:
    return {"document": doc, "path": link.stored_path, "found_at": str(found) if found else None,
            "sha256": link.sha256, "size": link.size, "duration_ms": link.duration_ms,
            "duration": format_hms(link.duration_ms), "kind": link.kind, "linked": link.linked}


def cmd_media(args) -> int:
    changing = bool(args.link or args.unlink or args.turn_time)
    with open_project(args, read_only=not changing) as project:
        doc = project.document_by_name(args.doc)
        if args.link:
            info = media_files.describe(args.link)
            link = project.link_media(doc.id, info.path, info.sha256, info.size, info.duration_ms)
            length = format_hms(link.duration_ms) or "length unknown"
            print(f"linked {info.path.name} to {doc.name} ({link.kind}, {length}; stored as {link.stored_path})")
            return 0
        if args.unlink:
            project.unlink_media(doc.id)
            print(f"{doc.name}: recording unlinked (the file itself was not touched)")
            return 0
        turns = project.turns(doc.id)
        if args.turn_time:
            number, when = args.turn_time
            if not number.isdigit() or not 1 <= int(number) <= len(turns):
                raise InvalidValueError(f"{doc.name} has turns 1 to {len(turns)}; there is no turn {quoted(number)}")
            ms = None if when.lower() == "none" else parse_hms(when)
            if ms is None and when.lower() != "none":
                raise InvalidValueError(f"a turn time is hh:mm:ss or mm:ss (got {quoted(when)})")
            project.set_turn_time(turns[int(number) - 1].id, ms)
            print(f"{doc.name}: turn {number} starts at {format_hms(ms) if ms is not None else '(no time)'}")
            return 0
        link = project.media_link(doc.id)
        found = media_files.locate(project.path, link) if link else None
        if args.json:
            print_json([_link_json(doc.name, link, found) if link else {"document": doc.name, "path": None}])
            return 0
        if link is None:
            print(f"{doc.name}: no recording linked (link one with `npmdesk media {args.project} --doc "
                  f"{shlex.quote(doc.name)} --link FILE`)")
        else:
            where = str(found) if found else "NOT FOUND (moved or deleted; link it again with --link)"
            print(f"{doc.name}: {link.kind} {link.stored_path}, {format_hms(link.duration_ms) or 'length unknown'}, "
                  f"at {where}")
        text = project.document_text(doc.id)
        for i, t in enumerate(turns, 1):
            first = " ".join(text[t.start:t.end].split())[:60]
            print(f"{i}\t{format_hms(t.begin_ms) or '--:--:--'}\t{first}")
        return 0


def _progress(done_ms: int, total_ms: int, left: float | None) -> bool:
    if sys.stderr.isatty():
        eta = f", about {format_hms(round(left * 1000))} left" if left is not None else ""
        print(f"\rtranscribing {format_hms(done_ms)} of {format_hms(total_ms)}{eta}   ", end="", file=sys.stderr)
    return True


def cmd_transcribe(args) -> int:
    problem = speech.available()
    if problem:
        raise NpmdeskError(problem)
    if args.speakers < 1:
        raise InvalidValueError("--speakers is a number of people, 1 or more")
    info = media_files.describe(args.file)
    name = args.name or Path(args.file).stem
    kind = args.kind or ("focus-group" if args.speakers >= 3 else "interview")
    with open_project(args) as project:
        if any(d.name == name for d in project.documents()):
            raise NpmdeskError(f"a document named {quoted(name)} already exists in this project (choose --name)")
        if args.restart:
            speech.discard_checkpoint(info.sha256)
        result = speech.transcribe(info.path, info.sha256, language=args.language, progress=_progress)
        if sys.stderr.isatty():
            print(file=sys.stderr)
        text, turns, notes = speech.as_text_and_turns(result, args.speakers)
        if not text.strip():
            raise NpmdeskError(f"{info.path.name}: no speech was recognised; nothing was added")
        doc_id = project.add_transcribed_document(name, text, turns, kind=kind, media=info.path, sha256=info.sha256,
                                                  size=info.size, duration_ms=result.duration_ms)
        speech.discard_checkpoint(info.sha256)
        notes = result.notes + notes
        summary = {"document": name, "turns": len(turns), "words": len(text.split()),
                   "duration": format_hms(result.duration_ms), "seconds": round(result.seconds, 1),
                   "real_time_factor": round(result.real_time_factor, 3), "model": speech.MODEL_NAME,
                   "notes": notes, "document_id": doc_id}
        if args.json:
            print_json([summary])
        else:
            print(f"transcribed {info.path.name} into {name}: {plural(len(turns), 'turn')}, "
                  f"{plural(summary['words'], 'word')}, "
                  f"{summary['duration']} of recording in {result.seconds:.0f} s "
                  f"({result.real_time_factor:.2f}x real time; {speech.MODEL_NAME})")
            for n in notes:
                print(f"note: {n}")
        return 0
