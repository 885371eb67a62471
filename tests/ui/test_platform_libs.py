"""`npmdesk` names the missing system libraries before Qt's xcb plugin fails (issue 18 point 3)."""

from __future__ import annotations

import argparse
from pathlib import Path

from npmdesk.ui import platform_libs
from npmdesk.ui.platform_libs import XCB_SYSTEM_LIBS, check_before_window, uses_xcb

SYSTEM_LIBS = Path(__file__).resolve().parents[2] / "resources/installer/linux/system-libs.txt"


def test_xcb_is_checked_on_linux_when_unset_or_xcb_only():
    assert uses_xcb("linux", {})
    assert uses_xcb("linux", {"QT_QPA_PLATFORM": "xcb"})
    assert uses_xcb("linux", {"QT_QPA_PLATFORM": "xcb;wayland"})
    assert not uses_xcb("linux", {"QT_QPA_PLATFORM": "offscreen"})
    assert not uses_xcb("linux", {"QT_QPA_PLATFORM": "wayland"})
    assert not uses_xcb("darwin", {})
    assert not uses_xcb("win32", {})


def test_a_missing_library_is_named_with_its_apt_get_line():
    message = check_before_window(loads=lambda so: so not in {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"},
                                  platform="linux", environ={})
    assert message is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "Traceback" not in message
    assert check_before_window(loads=lambda so: True, platform="linux", environ={}) is None
    assert check_before_window(loads=lambda so: False, platform="linux",
                               environ={"QT_QPA_PLATFORM": "offscreen"}) is None


def test_the_window_is_not_started_and_the_message_printed(monkeypatch, capsys):
    from npmdesk.ui import app

    monkeypatch.delenv("QT_QPA_PLATFORM")  # as on a desktop: Qt would pick xcb
    monkeypatch.setattr(platform_libs.sys, "platform", "linux")
    monkeypatch.setattr(platform_libs, "_loads", lambda so: so != "libxcb-cursor.so.0")
    monkeypatch.setattr(platform_libs.check_before_window, "__defaults__",
                        (platform_libs._loads, "linux", None))
    args = argparse.Namespace(self_test=False, coder="Ana", project=None, demo=False)
    assert app.run(args) == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor.so.0" in err and "sudo apt-get install libxcb-cursor0" in err


def test_system_libs_txt_lists_every_library_the_check_knows():
    listed = {}
    for line in SYSTEM_LIBS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            soname, package = line.split()
            listed[soname] = package
    for soname, package in XCB_SYSTEM_LIBS:
        assert listed.get(soname) == package, soname


def test_readme_names_every_package():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for _, package in XCB_SYSTEM_LIBS:
        assert package in readme, package
