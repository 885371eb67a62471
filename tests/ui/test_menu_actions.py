"""The Edit/Analysis/View actions that show a dock and move the focus into it."""

from __future__ import annotations


def test_find_search_and_go_to_actions_show_their_dock_and_focus(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    excerpts = window.docks["excerptsDock"]
    for name in ("find", "search", "code_excerpts"):
        excerpts.hide()
        window.actions[name].trigger()
        assert excerpts.isVisible(), name
    window.docks["codesDock"].hide()
    window.actions["focus3"].trigger()
    assert window.docks["codesDock"].isVisible()
    qtbot.waitUntil(lambda: window.code_panel.filter.hasFocus(), timeout=2000)
    window.actions["focus2"].trigger()  # the transcript has no dock
    qtbot.waitUntil(lambda: window.transcript.hasFocus(), timeout=2000)
