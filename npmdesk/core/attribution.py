"""Who a quoted passage is credited to: the one attribution rule every report follows.

A passage is credited to the participant whose turn it lies in. A turn whose speaker is not a
participant (the interviewer, a facilitator, a note-taker) is never credited to a participant, even
in a participant's own interview: reports cite it as "(Interviewer, Interview NPM-1)" or leave it
out of participant-quote tables, and marking it as an exemplar warns. A passage across several
speakers is credited to each participant in it and flagged as spanning speakers.

Who counts as a participant, per speaker of a transcript:
  1. a speaker linked to a participant is that participant;
  2. a speaker named like an interviewer role ("Interviewer", "Facilitator", "Moderator", "Q", ...)
     is not a participant;
  3. a speaker named as the transcript's participant ("NPM-1" in NPM-1's interview) is them;
  4. in an interview with a participant where no speaker is linked to or named as them, the one
     remaining speaker who is not a role ("Respondent") is the participant;
  5. any other speaker is unlinked: shown by name, credited to no one, flagged.
Text outside every turn (a transcript without speaker labels) is credited to the transcript's
participant, if it has one.

Pure Python: the store gathers turns and links (store/attribution.py), reports format the result
(core/quotes.py)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

PARTICIPANT, OTHER, UNLINKED, NOBODY = "participant", "other", "unlinked", "nobody"

_ROLE = re.compile(
    r"^(?:(?:co-?|assistant |lead |second )?(?:interviewer|facilitator|moderator|researcher|investigator|"
    r"note[- ]?taker|observer|host|chair|interpreter|translator|transcriber)s?|int\.?|iv|q|i|pi)"
    r"(?:[ \-]?\d+|[ \-][a-z])?$", re.IGNORECASE)


def is_role_name(name: str) -> bool:
    """True for a speaker named as a member of the research team rather than a participant."""
    return bool(_ROLE.match(" ".join((name or "").split())))


def _same_name(a: str | None, b: str | None) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[\s\-_.\u2011]+", "", s.casefold())

    if not a or not b:
        return False
    return norm(a) == norm(b)


class SpeakerTurn(NamedTuple):
    """A turn as the rule needs it: [start, end), the speaker's label and its linked participant.
    (A named tuple: a report reads tens of thousands of turns, and a frozen dataclass is slow to make.)"""

    start: int
    end: int
    speaker: str | None
    linked: str | None = None  # the participant's name the speaker is linked to


@dataclass(frozen=True)
class DocumentSpeakers:
    """One transcript's turns (sorted by start), kind and participant."""

    name: str
    kind: str
    participant: str | None
    turns: tuple[SpeakerTurn, ...] = ()
    _starts: list[int] = field(init=False, repr=False, compare=False)
    _roles: dict[str, tuple[str, str | None]] = field(init=False, repr=False, compare=False)
    _ends: list[int] = field(init=False, repr=False, compare=False)
    _credit: list[tuple[str, ...]] = field(init=False, repr=False, compare=False)  # per turn

    def __post_init__(self):
        object.__setattr__(self, "_starts", [t.start for t in self.turns])
        object.__setattr__(self, "_roles", self._classify())
        object.__setattr__(self, "_ends", [t.end for t in self.turns])
        credit = {}
        for name in {t.speaker for t in self.turns}:
            role, who = self.role(name)
            credit[name] = (who,) if role == PARTICIPANT and who else ()
        object.__setattr__(self, "_credit", [credit[t.speaker] for t in self.turns])

    def _classify(self) -> dict[str, tuple[str, str | None]]:
        names = {t.speaker for t in self.turns if t.speaker}
        linked = {t.speaker: t.linked for t in self.turns if t.speaker and t.linked}
        roles: dict[str, tuple[str, str | None]] = {}
        for name in names:
            if name in linked:
                roles[name] = (PARTICIPANT, linked[name])
            elif is_role_name(name):
                roles[name] = (OTHER, None)
            elif _same_name(name, self.participant):
                roles[name] = (PARTICIPANT, self.participant)
        if self.kind == "interview" and self.participant:
            has_them = any(r == (PARTICIPANT, self.participant) for r in roles.values())
            rest = [n for n in names if n not in roles]
            if not has_them and len(rest) == 1:  # "Respondent" in NPM-1's interview
                roles[rest[0]] = (PARTICIPANT, self.participant)
        for name in names:
            roles.setdefault(name, (UNLINKED, None))
        return roles

    def role(self, speaker: str | None) -> tuple[str, str | None]:
        """(PARTICIPANT, name) | (OTHER, None) | (UNLINKED, None) for a speaker of this transcript."""
        if not speaker:
            return (PARTICIPANT, self.participant) if self.participant else (NOBODY, None)
        return self._roles.get(speaker, (UNLINKED, None))

    def credited(self, start: int, end: int) -> tuple[str, ...]:
        """The participants [start, end) is credited to: `attribute(start, end).participants`,
        answered without building segments for the usual passage that lies inside one turn (the
        matrices and the alignment view ask this for every coding)."""
        if end <= start:
            return self.attribute(start, end).participants
        starts = self._starts
        i = bisect_right(starts, start) - 1
        if i >= 0 and end <= self._ends[i] and (i + 1 == len(starts) or starts[i + 1] >= end):
            return self._credit[i]  # inside one turn (turn i starts at or before `start`)
        # Across turns: what `attribute` walks, on the per-turn credits alone.
        ends, credit = self._ends, self._credit
        outside = self._outside()
        people: dict[str, None] = {}  # in speaking order, each once
        pos = start
        for k in range(max(i, 0), bisect_left(starts, end)):  # the turns that start before `end`
            ts, te = starts[k], ends[k]
            if te <= start and te > ts:
                continue
            if ts > pos:  # text before this turn, outside every turn
                people.update(dict.fromkeys(outside))
            e = min(max(te, ts), end)
            if e > max(ts, start):
                people.update(dict.fromkeys(credit[k]))
            if e > pos:
                pos = e
        if pos < end:
            people.update(dict.fromkeys(outside))
        return tuple(people)

    @property
    def creditable(self) -> frozenset[str]:
        """Every participant a passage of this transcript can be credited to (a caller that has
        credited all of them for a code can skip the code's other passages here)."""
        return frozenset(w for c in self._credit for w in c) | frozenset(self._outside())

    def _outside(self) -> tuple[str, ...]:
        role, who = self.role(None)
        return (who,) if role == PARTICIPANT and who else ()

    def attribute(self, start: int, end: int) -> Attribution:
        """The attribution of the passage [start, end)."""
        segments: list[Segment] = []
        i = max(bisect_right(self._starts, start) - 1, 0)
        pos = start
        turns = self.turns
        for k in range(i, len(turns)):  # by index: a slice would copy the rest of the transcript's turns
            t = turns[k]
            if t.start >= end:
                break
            if t.end <= start and t.end > t.start:
                continue
            if t.start > pos:  # text before this turn, outside every turn
                segments.append(self._segment(pos, min(t.start, end), None))
            s, e = max(t.start, start), min(max(t.end, t.start), end)
            if e > s or not segments:
                segments.append(self._segment(s, max(e, s), t.speaker))
            pos = max(pos, e)
        if pos < end:
            segments.append(self._segment(pos, end, None))
        segments = [s for s in segments if s.end > s.start or len(segments) == 1]
        return Attribution.of(self.name, self.kind, tuple(_merge(segments)))

    def _segment(self, start: int, end: int, speaker: str | None) -> Segment:
        role, who = self.role(speaker)
        return Segment(start, end, speaker, role, who)


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    speaker: str | None  # the label in the transcript (None: outside every turn)
    role: str  # PARTICIPANT, OTHER, UNLINKED, NOBODY
    participant: str | None  # the participant credited (PARTICIPANT only)


def voice(s: Segment) -> tuple:
    """Who speaks in a segment: a participant is one voice whatever the label; others by label."""
    return (PARTICIPANT, s.participant) if s.role == PARTICIPANT else (s.role, s.speaker)


def _merge(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for s in segments:
        if out and voice(out[-1]) == voice(s) and out[-1].end <= s.start + 1 and s.speaker is None:
            out[-1] = Segment(out[-1].start, s.end, out[-1].speaker, s.role, s.participant)
        else:
            out.append(s)
    return out


@dataclass(frozen=True)
class Attribution:
    """Who a passage is credited to and whether it can stand as a participant's quote."""

    document: str
    kind: str
    segments: tuple[Segment, ...]
    participants: tuple[str, ...]  # credited, in speaking order, each once
    others: tuple[str, ...]  # non-participant speakers (role labels), each once
    unlinked: tuple[str, ...]  # speakers not linked to a participant, each once

    @classmethod
    def of(cls, document: str, kind: str, segments: tuple[Segment, ...]) -> Attribution:
        if len(segments) == 1:  # the usual case: one speaker
            s = segments[0]
            if s.role == PARTICIPANT:
                return cls(document, kind, segments, (s.participant,) if s.participant else (), (), ())
            if s.role == OTHER:
                return cls(document, kind, segments, (), (s.speaker,) if s.speaker else (), ())
            if s.role == UNLINKED:
                return cls(document, kind, segments, (), (), (s.speaker,) if s.speaker else ())

        def once(values):
            return tuple(dict.fromkeys(v for v in values if v))

        return cls(document, kind, segments,
                   once(s.participant for s in segments if s.role == PARTICIPANT),
                   once(s.speaker for s in segments if s.role == OTHER),
                   once(s.speaker for s in segments if s.role == UNLINKED))

    @property
    def is_participant_quote(self) -> bool:
        """Only participants speak in it: it may stand in a participant-quote table."""
        return bool(self.participants) and not self.others and not self.unlinked

    @property
    def spans_speakers(self) -> bool:
        return len({voice(s) for s in self.segments if s.end > s.start}) > 1

    @property
    def speaker_count(self) -> int:
        return len(self.participants) + len(self.others) + len(self.unlinked)

    def warning(self) -> str | None:
        """Why this passage should not be an exemplar quote of a participant (None: it can be)."""
        if not self.participants and self.others:
            return (f"this passage is spoken by {', '.join(self.others)} (not a participant) in "
                    f"{self.document}: reports will cite it as {self.others[0]}'s and leave it out of "
                    "participant-quote tables")
        if not self.participants and self.unlinked:
            return (f"the speaker {', '.join(self.unlinked)} in {self.document} is not linked to a "
                    "participant: link the speaker, or reports credit the passage to no one")
        if not self.participants:
            return f"no participant speaks in this passage of {self.document}"
        if self.others or self.unlinked:
            return (f"this passage also holds the words of {', '.join(self.others + self.unlinked)}: "
                    "participant-quote tables leave it out; shorten it to the participant's words")
        return None
