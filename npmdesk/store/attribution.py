"""The attribution rule (core/attribution.py) fed from the project: each transcript's turns with
their speakers' links, read once per report with one query, then passages credited by bisection.

`coding_cases` (which participants a coding counts for in matrices) is left as it is: counting a
passage for the interview it lies in is a different question from whose words it quotes."""

from __future__ import annotations

import json

from npmdesk.core.attribution import Attribution, DocumentSpeakers, SpeakerTurn


class Attributions:
    """Credits passages of a project's transcripts; transcripts are read on first use."""

    def __init__(self, project):
        self.project = project
        self._docs: dict[int, DocumentSpeakers] = {}

    def load(self, doc_ids) -> None:
        """Read the turns of these transcripts in one query (a report calls this once)."""
        wanted = sorted({d for d in doc_ids if d not in self._docs})
        if not wanted:
            return
        db = self.project.db
        param = (json.dumps(wanted),)
        meta = {r[0]: r[1:] for r in db.execute(
            "SELECT d.id, d.name, d.kind, ca.name FROM documents d LEFT JOIN cases ca ON ca.id = d.case_id "
            "WHERE d.id IN (SELECT value FROM json_each(?))", param)}
        turns: dict[int, list[SpeakerTurn]] = {d: [] for d in wanted}
        for doc_id, start, end, speaker, linked in db.execute(
                "SELECT t.document_id, t.start, t.end, s.name, ca.name FROM turns t "
                "LEFT JOIN speakers s ON s.id = t.speaker_id LEFT JOIN cases ca ON ca.id = s.case_id "
                "WHERE t.document_id IN (SELECT value FROM json_each(?)) ORDER BY t.document_id, t.start, t.id", param):
            turns[doc_id].append(SpeakerTurn(start, end, speaker, linked))
        for d in wanted:
            name, kind, case = meta.get(d, (f"document {d}", "other", None))
            self._docs[d] = DocumentSpeakers(name, kind, case, tuple(turns[d]))

    def document(self, doc_id: int) -> DocumentSpeakers:
        self.load([doc_id])
        return self._docs[doc_id]

    def of(self, doc_id: int, start: int, end: int) -> Attribution:
        return self.document(doc_id).attribute(start, end)

    def credited(self, doc_id: int, start: int, end: int) -> tuple[str, ...]:
        """The participants a passage is credited to (`of(...).participants`, faster)."""
        doc = self._docs.get(doc_id)
        if doc is None:
            doc = self.document(doc_id)
        return doc.credited(start, end)

    def of_excerpt(self, e) -> Attribution:
        return self.of(e.document_id, e.start, e.end)


def attribution_of_coding(project, coding_id: int) -> Attribution:
    c = project.coding(coding_id)
    return Attributions(project).of(c.document_id, c.start, c.end)


def exemplar_warning(project, coding_id: int) -> str | None:
    """Why this coding should not be a participant's exemplar quote (None: it can be)."""
    return attribution_of_coding(project, coding_id).warning()
