"""coding_spans: a document's codings as columns in document order, their coders read on demand."""

from __future__ import annotations

import random

from npmdesk.store import Project


def test_columns_are_the_codings_in_document_order_with_their_coders(project, tmp_path):
    text = "word " * 400
    doc = project.add_document("Interview", text)
    codes = [project.add_code(f"Code {i}") for i in range(3)]
    rng = random.Random(2)
    with project.write("setup"):
        made = set()
        while len(made) < 120:
            s = rng.randrange(0, len(text) - 20)
            made.add((rng.choice(codes), s, min(len(text), s + rng.randint(1, 60))))
        for code, s, e in sorted(made):
            project.apply_coding(doc, code, s, e)
    project.close()
    other = Project.open(tmp_path / "study.npmdesk", "Ben")  # a second coder adds a few
    for k in range(5):
        other.apply_coding(doc, codes[0], 10 * k, 10 * k + 7)
    columns = other.coding_spans(doc)
    codings = sorted(other.codings_in_document(doc), key=lambda c: (c.start, c.end, c.code_id, c.id))
    assert list(columns.ids) == [c.id for c in codings]
    assert (list(columns.code_ids), list(columns.starts), list(columns.ends)) == (
        [c.code_id for c in codings], [c.start for c in codings], [c.end for c in codings])
    assert list(columns.coder_ids) == [c.coder_id for c in codings]
    ben = next(c.coder_id for c in codings if c.coder == "Ben")
    shown = columns.without_coders({ben})
    assert list(shown.ids) == [c.id for c in codings if c.coder != "Ben"] and len(shown) == len(codings) - 5
    assert len(other.coding_spans(other.add_document("Empty", "nothing coded"))) == 0
    other.close()
