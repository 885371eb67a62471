"""`npmdesk --self-test` in-process: passes on a working install, fails loudly and leaves settings alone."""

import os

from npmdesk import settings
from npmdesk.ui import selftest


def test_self_test_passes_and_leaves_user_settings_alone(qapp, capsys):
    before = (os.environ["NPMDESK_CONFIG_DIR"], os.environ["NPMDESK_DATA_DIR"], settings.recent_projects())
    assert selftest.run_self_test() == 0
    out = capsys.readouterr().out
    for fact in ("demo project built", "rendered", "coded", "undid it", "exported Word reports", "all checks passed"):
        assert fact in out
    assert (os.environ["NPMDESK_CONFIG_DIR"], os.environ["NPMDESK_DATA_DIR"], settings.recent_projects()) == before


def test_self_test_names_the_failing_step(qapp, capsys, monkeypatch):
    monkeypatch.setattr(selftest, "PHRASE", "words that are in no transcript")
    assert selftest.run_self_test(verbose=False) == 1
    err = capsys.readouterr().err
    assert "self-test FAILED at 'code a passage'" in err and "not found" in err


def test_a_message_box_fails_the_self_test_instead_of_hanging(qapp, capsys, monkeypatch):
    def render_with_error(self):
        self.window.report_error(ValueError("boom"))  # a modal QMessageBox: exec() waits for a click
        self._no_dialogs()

    monkeypatch.setattr(selftest._Checks, "render", render_with_error)
    assert selftest.run_self_test(verbose=False) == 1
    err = capsys.readouterr().err
    assert "FAILED at 'render the window'" in err and "boom" in err
