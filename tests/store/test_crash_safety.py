"""A process killed with SIGKILL at any moment loses nothing it reported as done."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from npmdesk.store import Project

CHILD = Path(__file__).with_name("crash_child.py")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_loses_no_reported_coding(tmp_path, sample_text):
    path = tmp_path / "crash.npmdesk"
    with Project.create(path, "Ana") as p:
        doc = p.add_document("d", sample_text * 20)
        code = p.add_code("C")
    rng = random.Random(1234)
    reported: set[int] = set()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for _ in range(12):
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), str(doc), str(code)],
                                 stdout=subprocess.PIPE, text=True, env=env)
        # The kill lands while codings are being written, however long the child took to start
        # on a loaded machine: wait for its first reported coding, then a random moment more.
        assert child.stdout is not None
        first = child.stdout.readline()
        time.sleep(0.2 + rng.random() * 0.6)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        out = first + out
        reported.update(int(line) for line in out.split() if line.strip().isdigit())
        with Project.open(path, "Ana") as p:  # reopen: a hot journal is rolled back here
            present = {c.id for c in p.codings_in_document(doc)}
            assert reported <= present
            assert p.check()["integrity"] == "ok"
            # nothing half-written: every coding has its participants row state and a valid span
            assert p.db.execute("SELECT count(*) FROM codings WHERE end <= start").fetchone()[0] == 0
            audit = p.db.execute("SELECT count(*) FROM audit WHERE action = 'apply coding'").fetchone()[0]
            assert audit == len(present)
    assert len(reported) > 20
