"""Help > User guide names menus and keys exactly as the window has them.

The guide (resources/help/guide.html) writes every menu path in bold, "Menu > Entry > Entry", and a
menu entry's shortcut in brackets right after it. These tests walk the window's own menu bar for
each path, compare the keys, and open the guide the way a user does.
"""

from __future__ import annotations

import html
import re

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QTextBrowser

from npmdesk.paths import resources_dir

TOP_MENUS = ("File", "Edit", "Code", "Analysis", "View", "Help")
MENUS = "|".join(TOP_MENUS)
MENU_PATH = re.compile(rf"^(?:{MENUS}) > ")
KEY = re.compile(r"^(?:(?:Ctrl|Shift|Alt)\+\S+|F\d{1,2}|Delete)$")


def _guide() -> str:
    return (resources_dir() / "help" / "guide.html").read_text(encoding="utf-8")


def _plain(fragment: str) -> str:
    """Text of an HTML fragment: tags dropped, entities decoded, white space made single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _bold_paths(text: str) -> list[tuple[list[str], str | None]]:
    """Each bold menu path of the guide, split at ' > ', with the key named in brackets after it."""
    found = []
    for m in re.finditer(r"<b>(.*?)</b>(\s*\(([^)]*)\))?", text, re.S):
        label = _plain(m.group(1))
        if not MENU_PATH.match(label):
            continue
        key = None
        if m.group(3):
            first = m.group(3).split(",")[0].strip()
            key = first if KEY.match(first) else None
        found.append((label.split(" > "), key))
    return found


def _label(action) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def _find(window, path: list[str]):
    """The action at `path` in the window's menu bar (a submenu's own action for a submenu), or None."""
    actions = window.menuBar().actions()
    found = None
    for part in path:
        found = next((a for a in actions if not a.isSeparator() and _label(a) == part), None)
        if found is None:
            return None
        menu = found.menu()
        if isinstance(menu, QMenu):
            menu.aboutToShow.emit()  # menus filled as they open (Open recent, Show codings by coder)
            actions = menu.actions()
        else:
            actions = []
    return found


def test_the_guide_names_many_menu_paths_all_in_bold():
    text = _guide()
    paths = _bold_paths(text)
    assert len(paths) >= 50
    # A menu path written outside <b> would escape the check below: there are none.
    outside_bold = _plain(re.sub(r"<b>.*?</b>", "", text, flags=re.S))
    mentions = re.findall(rf"\b(?:{MENUS}) > ", outside_bold)
    assert mentions == []


def test_every_menu_path_in_the_guide_exists_in_the_window(window):
    assert _find(window, ["File", "No such entry…"]) is None  # the walk can fail
    assert _find(window, ["Help", "User guide"]) is not None
    missing = [" > ".join(p) for p, _ in _bold_paths(_guide()) if _find(window, p) is None]
    assert missing == []


def test_keys_named_beside_menu_entries_are_their_shortcuts(window):
    checked = 0
    wrong = []
    for path, key in _bold_paths(_guide()):
        if key is None:
            continue
        action = _find(window, path)
        assert action is not None, path
        if QKeySequence(key) not in action.shortcuts():
            shown = ", ".join(k.toString() for k in action.shortcuts()) or "no shortcut"
            wrong.append(f"{' > '.join(path)}: guide says {key}, window has {shown}")
        checked += 1
    assert wrong == []
    assert checked >= 20


def test_the_guide_names_the_player_keys_the_player_uses():
    from npmdesk.ui.player import DEFAULT_KEYS

    text = _guide()
    for name in ("play_pause", "back", "forward"):
        assert f"<b>{DEFAULT_KEYS[name]}</b>" in text, name


def test_help_user_guide_shows_every_section(qtbot, window):
    action = _find(window, ["Help", "User guide"])
    action.trigger()
    guide = window.guide
    qtbot.addWidget(guide)
    assert guide.isVisible()
    shown = guide.findChild(QTextBrowser).toPlainText()
    headings = [_plain(h) for h in re.findall(r"<h3>(.*?)</h3>", _guide(), re.S)]
    assert len(headings) >= 12
    for heading in headings:
        assert heading in shown
    for topic in ("Read excerpts as a document", "Quick-code bar", "Stripes by coder", "Inclusion criteria",
                  "Merge code into…", "Find identifiers…", "Save a de-identified copy…", "Copy for a co-coder…",
                  "Intercoder agreement…", "Transcribe a recording…", "REFI-QDA", "Theme", "groups"):
        assert topic in shown, topic
    assert "&gt;" not in shown and "<b>" not in shown  # rendered as HTML, not shown as source
    guide.close()
