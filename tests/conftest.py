"""Shared fixtures. Qt runs headless; settings, backups and demo copies go to a temp folder."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="npmdesk-tests-")
os.environ["NPMDESK_DATA_DIR"] = os.path.join(_HOME, "data")
os.environ["NPMDESK_CONFIG_DIR"] = os.path.join(_HOME, "config")

import pytest  # noqa: E402

from npmdesk.store import Project  # noqa: E402


@pytest.fixture
def project(tmp_path):
    """An empty project opened by coder 'Ana'."""
    p = Project.create(tmp_path / "study.npmdesk", "Ana")
    yield p
    p.close()


@pytest.fixture
def sample_text():
    return (
        "Interviewer: What did mentoring mean to you? 😀\n"
        "NPM-1: It felt like I belonged. My mentor gave honest feedback.\n"
        "Interviewer: And teaching?\n"
        "NPM-1: Teaching it made me really know it — مرحبا, e\u0301tude.\n"
    )
