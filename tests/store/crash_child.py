"""Child process for the crash-safety test: apply codings forever, print each id after commit."""

import sys

from npmdesk.store import Project

path, doc_id, code_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = Project.open(path, "Crash")
length = p.document(doc_id).length
i = 0
while True:
    start = i % (length - 10)
    try:
        cid = p.apply_coding(doc_id, code_id, start, start + 1 + (i * 7) % 9)
    except Exception:  # the same span twice: move on
        i += 1
        continue
    print(cid, flush=True)
    i += 1
