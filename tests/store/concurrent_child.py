"""Child for the concurrency test: add N codings, one transaction each."""

import sys

from npmdesk.store import Project

path, doc_id, code_id, offset, n = sys.argv[1], *map(int, sys.argv[2:6])
with Project.open(path, f"Coder{offset}") as p:
    for i in range(n):
        p.apply_coding(doc_id, code_id, offset + i, offset + i + 3)
print("done")
