"""cProfile of the window's gestures on a shape of issue 14 (a script for finding where time goes).

    python tests/perf/profile_window.py docs --documents 2000 [--top 25]
    python tests/perf/profile_window.py docs --documents 2000 --measure [--repeats 15] [--json OUT]

Opens the main window (headless) on a copy of the cached shape and profiles, one at a time:
opening the project until the window is shown, selecting the biggest theme in the code tree
(its excerpts listed), applying a code to a passage of the heaviest transcript until the event
loop is idle again, and a search. For each it prints the wall time and the functions with the most
cumulative time, split into what the store (npmdesk/store) and the window (npmdesk/ui) spent.

With --measure it times the window's gestures instead (no profiler), each repeated, and prints the
median and p95: opening the project to an interactive window (counts cached, as on every open but
the first), selecting the biggest theme (its excerpts' first screen), clicking a code in the tree
with a passage selected (the code selected, its excerpts shown, the coding durable and the viewer
repainted) while the theme's excerpts are on show, the follow-up work after it (event loop idle:
excerpts list, counts, coded shares), undo and redo (durable + repainted, then the follow-up),
and a search's first screen. Run it on an old checkout's package to compare under the same load.

Then every coding gesture of issue 14 driven as a user would (class Gestures; --gestures picks):
a real mouse click on the code's row (QTest: the press, which selects the code, and the release,
which codes the selection, timed apart, with the event loop turning between them as it does in
the tenth of a second between a hand's press and release), Enter on the code current in the tree, the code's
number key in the transcript, drag: a mouse drag-selection (press, each move, release: the
selection painted) and the selection dropped on a code, in-vivo coding (Ctrl+I: a new code named
by the words) with its undo and redo. Each: durable + repainted, then the follow-up until idle;
--parts also splits the first into the gesture's own work and the repaint. --screen 1366x768
gives the offscreen plugin a real screen's size (its default 800x800 leaves a ~90 px text column).

    python tests/perf/profile_window.py heavy --codings 50000 --profile in-vivo,key [--repeats 15]

cProfiles those gestures instead, each part on its own, in ms per gesture (cumulative and own).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import statistics
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="npmdesk-profile-"))
os.environ.setdefault("NPMDESK_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("NPMDESK_CONFIG_DIR", str(_TMP / "config"))
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import shapes  # noqa: E402


def report(label: str, prof: cProfile.Profile, seconds: float, top: int) -> None:
    s = io.StringIO()
    st = pstats.Stats(prof, stream=s)
    print(f"\n=== {label}: {seconds * 1000:.0f} ms")
    for part in ("npmdesk/store", "npmdesk/ui", "npmdesk/core"):
        s.seek(0)
        s.truncate()
        st.sort_stats("cumulative").print_stats(part, top)
        lines = [ln for ln in s.getvalue().splitlines() if part in ln]
        print(f"--- {part} (cumulative)")
        print("\n".join(lines[:top]))


def profiled(label, fn, top, app):
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    out = fn()
    app.processEvents()
    prof.disable()
    report(label, prof, time.perf_counter() - t0, top)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shape", choices=sorted(shapes.DEFAULTS))
    for name in ("codings", "documents", "answers"):
        ap.add_argument(f"--{name}", type=int)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--measure", action="store_true", help="time the gestures (median, p95) instead")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--json", metavar="OUT")
    names = ",".join(GESTURES)
    ap.add_argument("--gestures", default=names, help=f"with --measure: which coding gestures ({names})")
    ap.add_argument("--screen", metavar="WxH",
                    help="an offscreen screen of this size (e.g. 1366x768), the window fitted to it as on a "
                         "real one (default: the offscreen plugin's 800x800, where the text column is ~90 px)")
    ap.add_argument("--palette", action="store_true",
                    help="give the copy's codes distinct colours (the shapes give every code one colour, which "
                         "lets the highlighter merge neighbouring runs far more than in a real project)")
    ap.add_argument("--parts", action="store_true",
                    help="with --measure: each coding gesture split too (its own work, the repaint, the margin's)")
    ap.add_argument("--profile", metavar="GESTURES",
                    help=f"cProfile these coding gestures (comma-separated: {names}), --repeats each, per gesture")
    args = ap.parse_args(argv)
    for opt in ("gestures", "profile"):
        value = getattr(args, opt)
        if value is not None:
            chosen = [x.strip() for x in value.split(",") if x.strip()]
            unknown = [x for x in chosen if x not in GESTURES]
            if unknown:
                ap.error(f"--{opt}: unknown {', '.join(unknown)} (known: {names})")
            setattr(args, opt, chosen)
    overrides = {k: getattr(args, k) for k in ("codings", "documents", "answers")
                 if getattr(args, k) is not None and k in shapes.DEFAULTS[args.shape]}
    if args.screen:
        _screen(args.screen)
    src, _ = shapes.build(args.shape, quiet=False, **overrides)
    path = _TMP / "profiled.npmdesk"
    shutil.copyfile(src, path)
    if args.palette:
        _recolour(path)

    from PySide6.QtWidgets import QApplication
    from npmdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    if args.measure:
        return measure(MainWindow, path, app, args)
    if args.profile:
        return profile_gestures(MainWindow, path, app, args)
    w = profiled("open the project, window shown", lambda: _open(MainWindow, path, app), args.top, app)
    p = w.project
    tops = [c.id for c in p.codes() if c.parent_id is None]
    totals = p.code_counts(with_descendants=True)
    theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)
    doc = p.db.execute("SELECT document_id FROM codings GROUP BY document_id ORDER BY count(*) DESC "
                       "LIMIT 1").fetchone()[0]
    leaf = max(c.id for c in p.codes())
    profiled("select the biggest theme in the code tree (excerpts listed)",
             lambda: w.code_tree.select_code(theme), args.top, app)
    w.open_document(doc)
    app.processEvents()
    profiled("apply a code in the heaviest transcript, until idle",
             lambda: w.coding.apply_code(leaf, (10, 60), doc), args.top, app)
    profiled('search "budget cuts" in the whole project', lambda: w.search('"budget cuts"', True), args.top, app)
    w.close()
    shutil.rmtree(_TMP, ignore_errors=True)
    return 0


def _stats(xs: list[float]) -> dict:
    ys = sorted(xs)
    return {"median": statistics.median(ys) * 1000, "p95": ys[min(len(ys) - 1, round(0.95 * (len(ys) - 1)))] * 1000,
            "n": len(ys)}


BUDGET = "(p95 budget 30 ms)"


class Gestures:
    """The coding gestures, driven as a user drives them (mouse and key events, the window's actions),
    each prepared untimed and then timed in two parts: durable + repainted (the store committed, a
    step on the undo stack, the window's frame repainted: transcript viewport, margin, status bar…)
    and the follow-up until the event loop is idle (every zero-interval timer of the window done:
    excerpts list, counts, coded shares, colouring). `timed(label, fn)` times, or profiles."""

    def __init__(self, w, app, timed):
        from PySide6.QtCore import QTimer

        self.w, self.app, self.timed, self.QTimer = w, app, timed, QTimer
        self.p = p = w.project
        codes = p.codes()
        tops = [c.id for c in codes if c.parent_id is None]
        totals = p.code_counts(with_descendants=True)
        self.theme = max(tops, key=lambda c: totals[c].codings if c in totals else 0)
        below = set(p.code_descendants(self.theme))
        codable = set(below) - set(getattr(p, "non_codable_codes", lambda: ())())  # (older trees: none)
        self.leaves = [c.id for c in codes if c.id in codable and c.id != self.theme][:2]
        self.doc = p.db.execute("SELECT document_id FROM codings GROUP BY document_id ORDER BY count(*) DESC "
                                "LIMIT 1").fetchone()[0]
        self.view = w.transcript
        self.tree = w.code_tree
        self.failed: dict[str, int] = {}
        self.parted: dict[str, list[float]] = {}
        self._timers: list = []

    # Helpers ----------------------------------------------------------------------------------------

    def repaint(self) -> None:
        """The frame after the gesture: viewport().repaint() paints every dirty widget of the window
        (the viewport, the margin, the status bar, the toolbar's undo buttons, …), each once; the
        margin is marked dirty first so that it is always in the frame."""
        margin = getattr(self.view, "margin", None)
        if margin is not None:
            margin.update()
        self.view.viewport().repaint()

    def idle(self) -> None:
        """Until the window's zero-interval timers are done (the work a gesture leaves to the loop)."""
        from PySide6.QtCore import QEvent

        app = self.app
        app.processEvents()
        for _ in range(100_000):
            if not any(t.isActive() for t in self._timers):
                break
            app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()

    def settle(self) -> None:
        """Untimed: idle, and note the window's zero-interval timers (some are made on first need)."""
        self.idle()
        self._timers = [t for t in self.w.findChildren(self.QTimer) if t.interval() == 0]

    def span(self, i: int, n: int, length: int = 60, shift: float = 0.0) -> tuple[int, int]:
        text_len = len(self.text)
        step = max(1, text_len // (n + 2))
        s = (int((i + shift) * step)) % max(1, text_len - length - 20)
        return s, s + length

    def open_doc(self) -> None:
        if self.w.current_document != self.doc:
            self.w.open_document(self.doc)
        self.settle()
        self.w.heap.settle()  # the quiet moment after opening, before a user codes (ui/heap_settle.py)
        self.text = self.p.document_text(self.doc)
        size = self.app.primaryScreen().size()
        margin = getattr(self.view, "margin", None)
        self.geometry = (f"screen {size.width()}x{size.height()}, window {self.w.width()}x{self.w.height()}, "
                         f"transcript viewport {self.view.viewport().width()}x{self.view.viewport().height()}, "
                         f"margin {margin.width() if margin is not None else 0} px")

    def show_code(self, code_id: int) -> None:
        if self.tree.current_code() != code_id:
            self.tree.select_code(code_id)
        self.settle()

    def select(self, start: int, end: int, focus) -> None:
        """A fresh selection in the transcript (as a drag would leave it), scrolled into view."""
        self.view.select_span(start, end)
        focus.setFocus()
        self.w.activateWindow()
        self.settle()

    def row_pos(self, code_id: int):
        idx = self.tree.view_index(code_id)
        self.tree.scrollTo(idx)
        self.app.processEvents()
        return self.tree.visualRect(idx).center()

    def step_done(self, label: str, before: int, delta: int = 1) -> None:
        """The gesture made (or undid) a step and its transaction is over: it is durable."""
        ok = self.w.undo_stack.index() == before + delta and not self.p.db.conn.in_transaction
        if not ok:
            self.failed[label] = self.failed.get(label, 0) + 1

    parts = False  # --parts: also time the gesture's own work and each repaint on their own

    def gesture(self, label: str, fn, delta: int = 1) -> None:
        before = self.w.undo_stack.index()
        if not self.parts:
            self.timed(label, lambda: (fn(), self.repaint()))
        else:
            split = []

            def parted():
                t0 = time.perf_counter()
                fn()
                t1 = time.perf_counter()
                self.repaint()
                margin_ms = getattr(getattr(self.view, "margin", None), "last_paint_ms", 0.0)
                split.extend((t1 - t0, time.perf_counter() - t1, margin_ms / 1000))
            self.timed(label, parted)
            name = label.split(":")[0]
            for part, seconds in zip(("the gesture until durable", "the repaint (all that is dirty)",
                                      "  of which the margin's own paint"), split):
                self.parted.setdefault(f"    {name}: {part}", []).append(seconds)
        self.step_done(label, before, delta)

    def undo_untimed(self) -> None:
        self.w.undo_stack.undo()
        self.settle()

    def warm_up(self) -> None:
        """The day's first write (its backup) happens before the measures, as on any day but the first;
        each leaf is applied once so that it has a number key."""
        from npmdesk.store import backups

        self.open_doc()
        for k, leaf in enumerate(self.leaves):
            self.w.coding.apply_code(leaf, (1 + k, 5 + k), self.doc)
            self.settle()
            self.w.undo_stack.undo()
            self.settle()
        getattr(backups, "wait_for_backups", lambda: None)()  # (an older tree copies in place)

    # The gestures ---------------------------------------------------------------------------------

    def click(self, i: int, n: int) -> None:
        """Clicking a code in the tree as the first script did it (select the code, apply it to a span),
        then undo and redo, each with its follow-up."""
        w, leaf = self.w, self.leaves[i % 2]
        s, e = self.span(i, n)
        self.show_code(self.theme)  # the theme's excerpts on show while coding into it

        def click():  # mouse press selects the code; the click codes the selection
            w.code_tree.select_code(leaf)
            w.coding.apply_code(leaf, (s, e), self.doc)
        self.gesture(f"click a code: durable + repainted {BUDGET}", click)
        self.timed("  then the follow-up until idle", self.idle)
        self.gesture("undo: durable + repainted", w.undo_stack.undo, -1)
        self.timed("  then the follow-up until idle ", self.idle)
        self.gesture("redo: durable + repainted", w.undo_stack.redo)
        self.timed("  then the follow-up until idle  ", self.idle)
        self.undo_untimed()

    def mouse(self, i: int, n: int) -> None:
        """A real click on the code's row (press selects it, release codes the fresh selection)."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        leaf = self.leaves[i % 2]
        self.show_code(self.theme)
        self.select(*self.span(i, n, shift=0.3), self.view)
        pos = self.row_pos(leaf)
        viewport, button, none = self.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        self.timed(f"click a code with the mouse: the press (code selected), repainted {BUDGET}",
                   lambda: (QTest.mousePress(viewport, button, none, pos), self.repaint()))
        self.timed("  then the follow-up until idle (press: the code's excerpts)", self.idle)
        self.gesture(f"click a code with the mouse: the release (selection coded), durable + repainted {BUDGET}",
                     lambda: QTest.mouseRelease(viewport, button, none, pos))
        self.timed("  then the follow-up until idle (mouse click)", self.idle)
        self.undo_untimed()

    def enter(self, i: int, n: int) -> None:
        """Enter on the code current in the tree (its excerpts on show), a passage selected."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        leaf = self.leaves[i % 2]
        self.show_code(leaf)
        self.select(*self.span(i, n, shift=0.5), self.tree)
        self.gesture(f"Enter on the current code: durable + repainted {BUDGET}",
                     lambda: QTest.keyClick(self.tree, Qt.Key.Key_Return))
        self.timed("  then the follow-up until idle (Enter)", self.idle)
        self.undo_untimed()

    def key(self, i: int, n: int) -> None:
        """The leaf's number key in the transcript, the theme's excerpts on show."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        leaf = self.leaves[i % 2]
        quick = getattr(self.w, "quick_codes", None)  # (older trees: the window's recent codes)
        slots = quick.slots() if quick is not None else list(self.w.recent_codes)
        if leaf not in slots:
            self.failed["number key: the code has no key"] = self.failed.get("number key: the code has no key", 0) + 1
            return
        k = slots.index(leaf) + 1
        self.show_code(self.theme)
        self.select(*self.span(i, n, shift=0.7), self.view)
        self.gesture(f"number key: durable + repainted {BUDGET}",
                     lambda: QTest.keyClick(self.view, Qt.Key(Qt.Key.Key_0.value + k)))
        self.timed("  then the follow-up until idle (number key)", self.idle)
        self.undo_untimed()

    def drag(self, i: int, n: int, moves: int = 8) -> None:
        """Drag-select a passage with the mouse (each move timed until the window's dirty widgets are
        repainted: what the selection made dirty, nothing forced), then the release, then drop the
        selection on a code (the coding step, theme's excerpts on show)."""
        from PySide6.QtCore import QEvent, QPointF, Qt
        from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent, QTextCursor
        from PySide6.QtWidgets import QApplication

        view, vp, leaf = self.view, self.view.viewport(), self.leaves[i % 2]
        self.show_code(self.theme)
        s, e = self.span(i, n, length=160, shift=0.9)
        a, b = view.positions.span_to_qt(s, e)

        def at(qt_pos: int) -> QPointF:
            c = QTextCursor(view.document())
            c.setPosition(qt_pos)
            r = view.cursorRect(c)
            return QPointF(r.x() + 1, r.center().y())

        view.setFocus()
        for _ in range(3):  # the passage on screen, no selection (the loop may scroll it away once)
            cur = QTextCursor(view.document())
            cur.setPosition(b)
            view.setTextCursor(cur)
            view.ensureCursorVisible()
            cur.setPosition(a)
            view.setTextCursor(cur)
            view.ensureCursorVisible()
            self.settle()
            if vp.rect().contains(at(a).toPoint()) and vp.rect().contains(at(b).toPoint()):
                break

        def send(kind, pt, button, buttons):
            ev = QMouseEvent(kind, pt, QPointF(vp.mapToGlobal(pt.toPoint())), button, buttons,
                             Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(vp, ev)

        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        self.timed("drag-select: mouse press, repainted",
                   lambda: (send(QEvent.Type.MouseButtonPress, at(a), left, left), vp.repaint()))
        for j in range(1, moves + 1):
            pt = at(a + (b - a) * j // moves)
            self.timed("drag-select: each mouse move, selection repainted",
                       lambda pt=pt: (send(QEvent.Type.MouseMove, pt, none, left), vp.repaint()))
        end = at(b)
        self.timed("drag-select: release (snapped to words), repainted",
                   lambda: (send(QEvent.Type.MouseButtonRelease, end, left, none), vp.repaint()))
        self.timed("  then the follow-up until idle (drag-select)", self.idle)
        if view.selected_span() is None:
            self.failed["drag-select: nothing selected"] = self.failed.get("drag-select: nothing selected", 0) + 1
            return
        mime = view.createMimeDataFromSelection()  # what a Ctrl+drag carries to the tree
        row = self.row_pos(leaf)
        actions, mods = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, Qt.KeyboardModifier.NoModifier
        target = self.tree.viewport()
        # The drag enters the tree and moves over the code's row (untimed), then drops there.
        QApplication.sendEvent(target, QDragEnterEvent(row, actions, mime, left, mods))
        QApplication.sendEvent(target, QDragMoveEvent(row, actions, mime, left, mods))
        drop = QDropEvent(QPointF(row), actions, mime, left, mods)
        self.gesture(f"drag: the selection dropped on a code: durable + repainted {BUDGET}",
                     lambda: QApplication.sendEvent(self.tree.viewport(), drop))
        self.timed("  then the follow-up until idle (drop)", self.idle)
        self.undo_untimed()

    def in_vivo(self, i: int, n: int) -> None:
        """Ctrl+I on a few selected words: a new code named by them, applied; then its undo and redo."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self.show_code(self.theme)
        self.select(*self.span(i, n, length=30, shift=0.4), self.view)
        self.gesture(f"in-vivo code (Ctrl+I, a new code): durable + repainted {BUDGET}",
                     lambda: QTest.keyClick(self.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier))
        self.timed("  then the follow-up until idle (in-vivo)", self.idle)
        self.gesture("undo in-vivo (the code goes): durable + repainted", self.w.undo_stack.undo, -1)
        self.timed("  then the follow-up until idle (undo in-vivo)", self.idle)
        self.gesture("redo in-vivo: durable + repainted", self.w.undo_stack.redo)
        self.timed("  then the follow-up until idle (redo in-vivo)", self.idle)
        self.undo_untimed()


GESTURES = {"click": Gestures.click, "mouse": Gestures.mouse, "enter": Gestures.enter, "key": Gestures.key,
            "drag": Gestures.drag, "in-vivo": Gestures.in_vivo}


def measure(MainWindow, path, app, args) -> int:
    n = args.repeats
    out: dict[str, list[float]] = {}
    load_before = os.getloadavg()

    def timed(key, fn):
        t0 = time.perf_counter()
        fn()
        out.setdefault(key, []).append(time.perf_counter() - t0)

    w = _open(MainWindow, path, app)  # the first open ever counts (a cold counts cache); not timed
    w.close()
    app.processEvents()
    for _ in range(max(3, n // 3)):
        holder = []
        timed("open the project: window shown, interactive", lambda: holder.append(_open(MainWindow, path, app)))
        holder[0].close()
        app.processEvents()
    w = _open(MainWindow, path, app)
    g = Gestures(w, app, timed)
    g.parts = args.parts
    p, doc, view, theme, leaves = w.project, g.doc, g.view, g.theme, g.leaves
    docs = getattr(w, "document_list", None) or p.documents()
    other = next(d.id for d in docs if d.id != doc) if len(docs) > 1 else None
    for _i in range(n):
        if other is not None:
            w.open_document(other)
        else:
            view.clear_document()
        app.processEvents()
        t0 = time.perf_counter()
        w.open_document(doc)
        view.viewport().repaint()
        out.setdefault("open the heaviest transcript: painted", []).append(time.perf_counter() - t0)
        while view.highlighter is not None and view.highlighter.pending:
            app.processEvents()
        out.setdefault("  ... every paragraph coloured", []).append(time.perf_counter() - t0)
    app.processEvents()
    for _i in range(n):
        w.code_tree.select_code(leaves[0])
        app.processEvents()
        timed("select the biggest theme: excerpts' first screen shown",
              lambda: (w.code_tree.select_code(theme), app.processEvents()))
    g.warm_up()
    for name in args.gestures:
        for i in range(n):
            GESTURES[name](g, i, n)
    for _i in range(n):
        timed('search "budget cuts", whole project: first screen',
              lambda: (w.search('"budget cuts"', True), app.processEvents()))
    w.close()
    app.processEvents()
    out.update(g.parted)
    results = {k: _stats(v) for k, v in out.items()}
    load = os.getloadavg()
    print(f"\n{args.shape} {overrides_text(args)}, load {load_before[0]:.2f} before, {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f} after; {g.geometry}")
    for k, r in results.items():
        print(f"{k:<66} median {r['median']:8.1f} ms   p95 {r['p95']:8.1f} ms   (n={r['n']})")
    for k, count in g.failed.items():
        print(f"NOT DONE {count}x: {k}")
    if args.json:
        Path(args.json).write_text(json.dumps({"shape": args.shape, "params": overrides_text(args),
                                               "load_before": load_before, "load": load, "results": results,
                                               "failed": g.failed, "geometry": g.geometry}, indent=2),
                                    encoding="utf-8")
    return 1 if g.failed else 0


def profile_gestures(MainWindow, path, app, args) -> int:
    """cProfile of the chosen gestures, each part (durable + repainted, follow-up) on its own profile,
    reported per gesture: wall ms, then the functions with the most cumulative and own time."""
    profiles: dict[str, cProfile.Profile] = {}
    walls: dict[str, list[float]] = {}

    def timed(key, fn):
        prof = profiles.setdefault(key, cProfile.Profile())
        t0 = time.perf_counter()
        prof.enable()
        fn()
        prof.disable()
        walls.setdefault(key, []).append(time.perf_counter() - t0)

    w = _open(MainWindow, path, app)
    g = Gestures(w, app, lambda key, fn: fn())
    g.warm_up()
    for name in args.profile:  # one untimed round first (caches, first-need timers)
        GESTURES[name](g, 0, args.repeats)
    g.timed = timed
    for name in args.profile:
        for i in range(args.repeats):
            GESTURES[name](g, i, args.repeats)
    print(f"\n{args.shape} {overrides_text(args)}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{g.geometry}")
    for key, prof in profiles.items():
        per_gesture_report(key, prof, walls[key], args.top)
    for k, count in g.failed.items():
        print(f"NOT DONE {count}x: {k}")
    w.close()
    return 0


def _where(func: tuple) -> str:
    file, line, name = func
    if file == "~":
        return name
    for root in (str(HERE.parents[1]) + "/", "site-packages/"):
        if root in file:
            file = file.split(root, 1)[1]
    return f"{file}:{line}({name})"


def per_gesture_report(label: str, prof: cProfile.Profile, walls: list[float], top: int) -> None:
    st = pstats.Stats(prof)
    n = len(walls)
    r = _stats(walls)
    print(f"\n=== {label.strip()}: median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms (profiled, n={n})")
    rows = [(func, cc, nc, tt, ct) for func, (cc, nc, tt, ct, _callers) in st.stats.items()]
    skip = ("profile_window.py", "<lambda>", "disable' of '_lsprof")
    for title, col in (("cumulative", 4), ("own time", 3)):
        print(f"--- by {title}, ms per gesture (calls per gesture)")
        shown = 0
        for func, _cc, nc, tt, ct in sorted(rows, key=lambda x: -x[col]):
            where = _where(func)
            if any(s in where for s in skip):
                continue
            print(f"  {ct / n * 1000:8.2f} cum {tt / n * 1000:8.2f} own  {nc / n:8.1f}x  {where}")
            shown += 1
            if shown >= top:
                break


def overrides_text(args) -> str:
    return " ".join(f"{k}={getattr(args, k)}" for k in ("codings", "documents", "answers") if getattr(args, k))


PALETTE = ("#f4d35e", "#ee964b", "#f95738", "#83c5be", "#a0c4ff", "#bdb2ff", "#ffc6ff", "#caffbf",
           "#9bf6ff", "#fdffb6", "#ffadad", "#d4a373", "#90be6d", "#f9c74f", "#43aa8b", "#577590")


def _recolour(path: Path) -> None:
    """Codes in turn take the palette's colours (in the copy only, before the window opens it)."""
    import sqlite3

    db = sqlite3.connect(str(path))
    ids = [r[0] for r in db.execute("SELECT id FROM codes ORDER BY id")]
    db.executemany("UPDATE codes SET color = ? WHERE id = ?",
                   [(PALETTE[i % len(PALETTE)], c) for i, c in enumerate(ids)])
    db.commit()
    db.close()


def _screen(size: str) -> None:
    """Give Qt's offscreen plugin one screen of this size (before the QApplication exists)."""
    width, height = (int(x) for x in size.lower().split("x"))
    config = _TMP / "screen.json"
    config.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
                                  "screens": [{"name": "screen", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}),
                      encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def _open(MainWindow, path, app):
    w = MainWindow(path, coder=shapes.CODER)
    w.show()
    app.processEvents()
    if getattr(getattr(w, "counting", None), "pending", False):  # a first open counts in the background
        from PySide6.QtCore import QEventLoop
        _counted = QEventLoop()
        w.counting.ready.connect(_counted.quit)
        _counted.exec()
    return w


if __name__ == "__main__":
    raise SystemExit(main())
