"""Two processes writing one project: SQLite's locks serialise them; nothing is corrupted or lost."""

import subprocess
import sys
from pathlib import Path

from npmdesk.store import Project

CHILD = Path(__file__).with_name("concurrent_child.py")


def test_two_writers_do_not_corrupt(tmp_path, sample_text):
    path = tmp_path / "shared.npmdesk"
    with Project.create(path, "Ana") as p:
        doc = p.add_document("d", sample_text * 10)
        code = p.add_code("C")
    n = 60
    procs = [subprocess.Popen([sys.executable, str(CHILD), str(path), str(doc), str(code), str(off), str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for off in (0, 300)]
    with Project.open(path, "Reader") as reader:  # a third connection reading meanwhile
        for _ in range(20):
            reader.codings_in_document(doc)
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    with Project.open(path, "Ana") as p:
        assert len(p.codings_in_document(doc)) == 2 * n
        assert p.check()["integrity"] == "ok"
        assert {c.coder for c in p.codings_in_document(doc)} == {"Coder0", "Coder300"}
