"""Number keys 1–9 and the quick-code bar: codes a finger can learn.

A code takes a number when it is first APPLIED (a coding made), never when it is only created, and
keeps it while it is among the nine: a new code takes the first free number, else the one of the
code used least recently. A code can be pinned to a number (the tree's context menu, or a right
click on the bar): a pinned number never moves and is stored in the project (store/code_keys.py),
so it travels with the file; pin and unpin are undoable steps through the window's one mutation
path. The other numbers are this coder's, remembered per project in the user's settings.

The bar shows the nine numbers in the code panel: colour swatch, pin mark, name; a click codes the
selection as the number key does (an explicit gesture: it codes a found passage too), a right click
pins or unpins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPalette, QPen, QPixmap, QTextCursor
from PySide6.QtWidgets import QGridLayout, QMenu, QSizePolicy, QToolButton, QWidget

from npmdesk import settings

KEYS = range(1, 10)
COLUMNS = 3
VISIBLE_SETTING = "quick_code_bar"
SAVED_SETTING = "recent_codes"  # per project path: the unpinned numbers (slot n-1 is key n)


class KeyAssignments:
    """Which code each number key applies: pins (from the project) over the recent codes.

    Plain data, so the rules can be read and tested without a window."""

    def __init__(self) -> None:
        self.pins: dict[int, int] = {}  # key -> code, pinned in the project
        self.recent: list[int | None] = [None] * len(KEYS)  # unpinned: slot k-1 is key k
        self._used: dict[int, int] = {}  # code -> last use (a clock), to pick the one to replace
        self._clock = 0

    def load(self, saved: Iterable, pins: dict[int, int]) -> None:
        """This coder's saved numbers for a project, under the project's pins."""
        recent = [c if isinstance(c, int) and not isinstance(c, bool) else None for c in saved]
        self.recent = (recent + [None] * len(KEYS))[:len(KEYS)]
        self._used = {c: i for i, c in enumerate(self.recent) if c is not None}  # lower numbers older
        self._clock = len(KEYS)
        self.pins = {}
        self.reconcile(pins, None)

    def slots(self) -> list[int | None]:
        """The code on each key 1..9 (None: a free key)."""
        return [self.pins[k] if k in self.pins else self.recent[k - 1] for k in KEYS]

    def saved(self) -> list[int | None]:
        recent = list(self.recent)
        while recent and recent[-1] is None:
            recent.pop()
        return recent

    def key_of(self, code_id: int) -> int | None:
        return next((k for k, c in zip(KEYS, self.slots()) if c == code_id), None)

    def pinned_key(self, code_id: int) -> int | None:
        return next((k for k, c in self.pins.items() if c == code_id), None)

    def remember(self, code_id: int) -> bool:
        """A code was applied: it gets a number if it has none. True if a number changed hands."""
        self._clock += 1
        self._used[code_id] = self._clock
        if code_id in self.pins.values() or code_id in self.recent:
            return False
        key = self._free(self.recent)
        if key is None:
            taken = [k for k in KEYS if k not in self.pins and self.recent[k - 1] is not None]
            if not taken:
                return False  # all nine are pinned
            key = min(taken, key=lambda k: self._used.get(self.recent[k - 1] or 0, 0))
        self.recent[key - 1] = code_id
        return True

    def reconcile(self, pins: dict[int, int], alive: set[int] | None) -> bool:
        """Follow the project's pins (after a pin, an unpin, their undo, another window's change) and
        its codes (`alive`; None: not known yet). A deleted code frees its number; a code that is
        unpinned keeps its number as a recent one where it can; a recent code whose number was just
        pinned moves to the first free number. True if the recent numbers changed."""
        before = list(self.recent)
        old = self.pins
        self.pins = {k: c for k, c in pins.items() if k in KEYS}
        pinned = set(pins.values())
        recent = [c if c is not None and c not in pinned and (alive is None or c in alive) else None
                  for c in self.recent]
        displaced: list[int] = []
        for k in self.pins:
            if recent[k - 1] is not None:
                displaced.append(recent[k - 1])  # type: ignore[arg-type]
                recent[k - 1] = None
        for k, c in sorted(old.items()):
            if c in pinned or c in recent or (alive is not None and c not in alive):
                continue
            if k not in self.pins and recent[k - 1] is None:
                recent[k - 1] = c  # unpinned: the number stays where the finger knows it
            else:
                displaced.append(c)
        for c in displaced:
            key = self._free(recent)
            if key is not None:
                recent[key - 1] = c
        self.recent = recent
        return recent != before

    def _free(self, recent: list[int | None]) -> int | None:
        return next((k for k in KEYS if k not in self.pins and recent[k - 1] is None), None)


# The bar -------------------------------------------------------------------------------------------


ICON = QSize(20, 16)


_ICONS: dict[tuple[str | None, bool, int], QIcon] = {}


def key_icon(color: str | None, pinned: bool, ink: QColor) -> QIcon:
    """A colour swatch, with a pin stuck in its corner for a pinned key (drawn: no font needs a glyph;
    drawn once per colour, pin and ink: the bar is shown again after each code change)."""
    key = (color, pinned, ink.rgba())
    icon = _ICONS.get(key)
    if icon is None:
        if len(_ICONS) > 512:
            _ICONS.clear()
        icon = _ICONS[key] = _draw_key_icon(color, pinned, ink)
    return icon


def _draw_key_icon(color: str | None, pinned: bool, ink: QColor) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        pix = QPixmap(ICON.width() * scale, ICON.height() * scale)
        pix.setDevicePixelRatio(scale)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if color:
            p.setPen(QPen(QColor(color).darker(160), 1))
            p.setBrush(QColor(color))
            p.drawRoundedRect(QRectF(1.5, 3.5, 12, 12), 2, 2)
        if pinned:
            p.setPen(QPen(ink, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(QPointF(9.5, 11.5), QPointF(14.5, 5.5))  # the needle
            p.setPen(QPen(QColor("#7a1f1f"), 1))
            p.setBrush(QColor("#e04848"))
            p.drawEllipse(QPointF(15.5, 4.5), 3.8, 3.8)  # the head
        p.end()
        icon.addPixmap(pix)
    return icon


class QuickCodeBar(QWidget):
    """Nine buttons "1 Name" … "9 Name". Signals: keyClicked(key), keyMenuRequested(key, global pos)."""

    keyClicked = Signal(int)
    keyMenuRequested = Signal(int, QPoint)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("quickCodeBar")
        self.setAccessibleName("Quick-code bar")
        self.buttons: dict[int, QToolButton] = {}
        self._names: dict[int, str] = {}
        self._shown: dict[int, tuple] = {}  # each key's slot and palette as last shown
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setSpacing(2)
        for k in KEYS:
            b = QToolButton(self)
            b.setObjectName(f"quickCode{k}")
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            b.setIconSize(ICON)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the transcript keeps focus and its selection
            b.setAutoRaise(True)
            b.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            b.clicked.connect(lambda *_, k=k: self.keyClicked.emit(k))
            b.customContextMenuRequested.connect(
                lambda pos, k=k, b=b: self.keyMenuRequested.emit(k, b.mapToGlobal(pos)))
            grid.addWidget(b, (k - 1) // COLUMNS, (k - 1) % COLUMNS)
            self.buttons[k] = b
        for col in range(COLUMNS):
            grid.setColumnStretch(col, 1)

    def show_slots(self, slots: list[tuple[int, str | None, str | None, str | None, bool]]) -> None:
        """(key, name, path, colour, pinned) per key; a free key has no name."""
        palette = self.palette()
        ink = palette.windowText().color()
        faint = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        for k, name, path, color, pinned in slots:
            b = self.buttons[k]
            look = (name, path, color, pinned, palette.cacheKey(), ink.rgba(), faint.rgba())
            if self._shown.get(k) == look:
                continue  # as shown already: no new palette, icon, tooltip (each repaints the key)
            self._shown[k] = look
            shade = QPalette(palette)
            if name is None:  # a free key reads as such, yet still takes a right click (to pin)
                shade.setColor(QPalette.ColorRole.ButtonText, faint)
            b.setPalette(shade)
            self._names[k] = name or ""
            b.setIcon(key_icon(color, pinned, ink))
            b.setProperty("pinned", pinned)
            b.setProperty("free", name is None)
            if name is None:
                b.setToolTip(f"Key {k} is free: apply a code and it takes the first free number, or "
                             "right-click to pin the code selected in the tree here.")
                b.setAccessibleName(f"Key {k}: free")
            else:
                how = "pinned: it stays until you unpin it" if pinned else \
                    "while it is among your nine most recent codes (right-click to pin it)"
                b.setToolTip(f"{k}  {path}\nKey {k}, {how}.\nClick: code the selection with it.")
                b.setAccessibleName(f"Key {k}: {path}" + (" (pinned)" if pinned else ""))
        # Rows of free keys below the last used one are folded away (the code tree keeps the room);
        # the first row always shows, so a free key can still be right-clicked to pin.
        used = [k for k, name, *_ in slots if name is not None]
        last_row = (max(used) - 1) // COLUMNS if used else 0
        for k, b in self.buttons.items():
            b.setVisible((k - 1) // COLUMNS <= last_row)
        self._elide()

    def text_of(self, key: int) -> str:
        return self.buttons[key].text()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        for k, b in self.buttons.items():
            name = self._names.get(k, "")
            prefix = f"{k}  "
            # The button's own eliding would cut the middle of "1  Name": cut the name's end instead.
            room = max(12, b.width() - b.iconSize().width() - metrics.horizontalAdvance(prefix) - 16)
            b.setText(prefix + metrics.elidedText(name, Qt.TextElideMode.ElideRight, room) if name else f"{k}")

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()


# The controller --------------------------------------------------------------------------------------


class QuickCodes(QObject):
    """The window's number keys: assignments, the bar, the pin menus and the View toggle."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.keys = KeyAssignments()
        self._path: str | None = None  # the project whose saved numbers are loaded
        # This coder's numbers are written to the settings file after the gesture that changed
        # them, not while the user waits for the coding to show; written before the window closes,
        # another project opens or the application quits, so no number is lost.
        self._unsaved: tuple[str, list[int | None]] | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setObjectName("quickCodesSave")
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(0)
        self._save_timer.timeout.connect(self.flush)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.flush)
        self.bar: QuickCodeBar = window.code_panel.quick_bar
        self.bar.keyClicked.connect(lambda k: self.w.coding.quick_code(k))
        self.bar.keyMenuRequested.connect(self.bar_menu)
        window.projectChanged.connect(self.follow)  # after the window's own share: the catalog is fresh
        window.projectSwitched.connect(self._switched)
        self.toggle_action = QAction("&Quick-code bar", window)
        self.toggle_action.setObjectName("toggleQuickCodeBar")
        self.toggle_action.setCheckable(True)
        self.toggle_action.setChecked(bool(settings.load().get(VISIBLE_SETTING, True)))
        self.toggle_action.setStatusTip("Show or hide the row of number-key codes under the code tree "
                                        "(the number keys work either way)")
        self.toggle_action.toggled.connect(self._set_visible)
        self.bar.setVisible(self.toggle_action.isChecked())
        self.refresh()

    # Reading the project ------------------------------------------------------------------------

    def project_opened(self) -> None:
        """A project was opened: its pins, and this coder's numbers for it as they were last time."""
        self.flush()
        p = self.w.project
        self._path = str(p.path.resolve())
        saved = settings.load().get(SAVED_SETTING, {}).get(self._path, [])
        self.keys.load(saved if isinstance(saved, list) else [], p.code_keys())

    def _switched(self) -> None:
        self.flush()
        if self.w.project is None:
            self._path = None
            self.keys = KeyAssignments()
            self.refresh()

    def follow(self, changes) -> None:
        """Codes deleted or restored, pins changed (a step, its undo, another window): follow them."""
        p = self.w.project
        if p is None:
            return
        if self._path is None:
            self.project_opened()
        if changes.everything or changes.codes or changes.meta:
            if self.keys.reconcile(p.code_keys(), set(self.w.catalog.codes)):
                self._save()
            self.refresh()

    def slots(self) -> list[int | None]:
        return self.keys.slots()

    # Applying -----------------------------------------------------------------------------------

    def remember(self, code_id: int) -> None:
        """A code was applied: it gets (or keeps) a number."""
        if self.keys.remember(code_id):
            self._save()
            self.refresh()

    def _save(self) -> None:
        """Note this project's numbers to be written once the gesture is on screen (see flush)."""
        if self._path is None:
            return
        self._unsaved = (self._path, self.keys.saved())
        self._save_timer.start()

    def flush(self) -> None:
        """Write the numbers noted by _save, if any (the timer's end, a close, a project switch)."""
        self._save_timer.stop()
        unsaved, self._unsaved = self._unsaved, None
        if unsaved is None:
            return
        path, saved = unsaved
        data = settings.load()
        data.setdefault(SAVED_SETTING, {})[path] = saved
        try:
            settings.save(data)
        except OSError:
            pass  # number keys are a convenience; coding goes on without them being remembered

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.w and event.type() == QEvent.Type.Close:
            self.flush()
        return False

    # Pinning --------------------------------------------------------------------------------------

    def pin(self, code_id: int, key: int) -> bool:
        p, code = self.w.project, self.w.catalog.get(code_id)
        if p is None or code is None:
            return False
        if code_id in p.non_codable_codes():  # the menus grey it out; a direct call is refused too
            self.w.statusBar().showMessage(f"“{code.path}” is a category, so it cannot be pinned to key {key}: "
                                           "pin one of its codes.", 8000)
            return False
        return self._keeping_selection(lambda: self.w.run(
            f"Pin “{code.name}” to key {key}", lambda: p.pin_code_key(code_id, key)).ok)

    def unpin(self, code_id: int) -> bool:
        p, key = self.w.project, self.keys.pinned_key(code_id)
        if p is None or key is None:
            return False
        return self._keeping_selection(lambda: self.w.run(f"Unpin key {key}", lambda: p.unpin_code_key(code_id)).ok)

    def _keeping_selection(self, step: Callable[[], bool]) -> bool:
        """Run a pin step and give the transcript back its selection (or found passage) and scroll
        position if the views reloaded around it: a pin is no reason to lose what was selected."""
        t = self.w.transcript
        doc, cur = t.document_id, t.textCursor()
        anchor, position, located = cur.anchor(), cur.position(), t.located
        coded, exact, scroll = t.selection_coded, t.exact_selection, t.verticalScrollBar().value()
        ok = step()
        now = t.textCursor()
        if doc is None or t.document_id != doc or (now.anchor(), now.position(), t.located) == (
                anchor, position, located):
            return ok
        if located is not None and anchor == position:
            t.locate(*located)
        else:
            restored = QTextCursor(t.document())
            restored.setPosition(anchor)
            restored.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
            t.setTextCursor(restored)
        t.selection_coded, t.exact_selection = coded, exact
        t.verticalScrollBar().setValue(scroll)
        return ok

    def _pinnable(self, code_id: int) -> str:
        """Why a code cannot be pinned ('' if it can)."""
        p = self.w.project
        if p is None or p.read_only:
            return "The project is open read-only."
        if code_id in p.non_codable_codes():
            return "A category groups codes and is never applied itself: pin one of its codes."
        return ""

    def _pinning(self, code_id: int, key: int) -> Callable[[], bool]:
        return lambda: self.pin(code_id, key)

    def add_pin_menu(self, menu: QMenu, code_id: int) -> None:
        """'Pin to key ▸ 1…9' and 'Unpin key' for a code (the code tree's context menu, the bar's)."""
        codes, slots = self.w.catalog.codes, self.keys.slots()
        pinned = self.keys.pinned_key(code_id)
        why = self._pinnable(code_id)
        sub = menu.addMenu("Pin to &key")
        sub.setObjectName("pinToKeyMenu")
        for k, holder in zip(KEYS, slots):
            label = f"&{k}"
            if holder is not None and holder != code_id and holder in codes:
                label += f"   (now {codes[holder].name}{', pinned' if k in self.keys.pins else ''})"
            elif holder == code_id and k != pinned:
                label += "   (its number now)"
            act = sub.addAction(label, self._pinning(code_id, k))
            act.setCheckable(True)
            act.setChecked(k == pinned)
        sub.setEnabled(not why)
        if why:
            sub.menuAction().setToolTip(why)
            sub.menuAction().setStatusTip(why)
        unpin = menu.addAction(f"Unpin key {pinned}" if pinned else "Unpin key", lambda: self.unpin(code_id))
        unpin.setEnabled(pinned is not None and not (self.w.project is None or self.w.project.read_only))

    def bar_menu(self, key: int, global_pos: QPoint) -> None:
        menu = self.key_menu(key)
        menu.exec(global_pos)

    def key_menu(self, key: int) -> QMenu:
        """What a right click on the bar's key offers: pin its code there or unpin it, or pin the code
        selected in the tree to a free key."""
        menu = QMenu(self.w)
        menu.setObjectName("quickCodeMenu")
        codes = self.w.catalog.codes
        holder = self.keys.slots()[key - 1]
        if holder is not None and holder in codes:
            if key not in self.keys.pins:
                act = menu.addAction(f"Pin “{codes[holder].name}” to key {key}", lambda: self.pin(holder, key))
                act.setEnabled(not self._pinnable(holder))
            self.add_pin_menu(menu, holder)
        else:
            current = self.w.code_tree.current_code()
            if current is not None and current in codes:
                act = menu.addAction(f"Pin “{codes[current].name}” to key {key}", lambda: self.pin(current, key))
                act.setEnabled(not self._pinnable(current))
            else:
                menu.addAction(f"Select a code in the tree to pin it to key {key}").setEnabled(False)
        return menu

    # Showing --------------------------------------------------------------------------------------

    def refresh(self) -> None:
        codes = self.w.catalog.codes
        rows: list[tuple[int, str | None, str | None, str | None, bool]] = []
        for k, code_id in zip(KEYS, self.keys.slots()):
            code = codes.get(code_id) if code_id is not None else None
            if code is None:
                rows.append((k, None, None, None, False))
            else:
                rows.append((k, code.name, code.path, code.color, k in self.keys.pins))
        self.bar.show_slots(rows)

    def _set_visible(self, visible: bool) -> None:
        self.bar.setVisible(visible)
        data = settings.load()
        data[VISIBLE_SETTING] = visible
        try:
            settings.save(data)
        except OSError:
            pass
