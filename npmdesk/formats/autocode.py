"""Auto-code by speaker: every turn of a speaker gets that speaker's code, so "what did NPM-3 say"
becomes an ordinary code query, matrix row or report section.

Two ways to name the codes: by speaker label ("Speakers/NPM-3", per label as written in the
transcript), or by participant ("Participants/NPM-3", only turns whose speaker is linked to a
participant, so that the interviewer's turns are left alone and one participant who appears under
different labels in different transcripts gets one code).
"""

from __future__ import annotations

from npmdesk.core.errors import InvalidValueError
from npmdesk.core.model import join_path

PARENTS = {"speaker": "Speakers", "case": "Participants"}


def autocode_speakers(project, doc_ids: list[int] | None = None, by: str = "speaker",
                      parent: str | None = None) -> int:
    """Code the speaker turns of the given documents (all if None); returns how many codings were made.

    Running it again makes no duplicates: a turn that already has its code is skipped. One transaction."""
    if by not in PARENTS:
        raise InvalidValueError(f"auto-code by 'speaker' or 'case', not {by!r}")
    parent = parent or PARENTS[by]
    if doc_ids is None:
        doc_ids = [d.id for d in project.documents()]
    made = 0
    with project.write("auto-code speakers", by=by, documents=len(doc_ids)):
        code_ids: dict[str, int] = {}
        for doc_id in doc_ids:
            linked = {s.id: s.case for s in project.speakers(doc_id)}
            existing = {(c.code_id, c.start, c.end) for c in project.codings_in_document(doc_id)
                        if c.coder_id == project.coder_id}
            for turn in project.turns(doc_id):
                if turn.speaker is None or turn.end <= turn.start:
                    continue
                name = turn.speaker if by == "speaker" else linked.get(turn.speaker_id)
                if not name:
                    continue
                if name not in code_ids:
                    code_ids[name] = project.ensure_code_path(join_path([parent, name]))
                key = (code_ids[name], turn.start, turn.end)
                if key in existing:
                    continue
                project.apply_coding(doc_id, code_ids[name], turn.start, turn.end)
                existing.add(key)
                made += 1
    return made
