"""`npmdesk --self-test`: prove that this installation (often a PyInstaller bundle) really works.

It builds a copy of the demo project in a temporary folder, opens it in the main window off-screen,
renders it, codes a passage through the window's own actions and undo stack, undoes it, checks
the project file after each step, exports Word reports, and exits 0; any failure prints one line
naming the step and exits 1. The user's settings, recent projects and demo copy are not touched
(config and data folders point into the temporary folder for the duration).
"""

from __future__ import annotations

import faulthandler
import os
import shutil
import sys
import tempfile
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

HARD_TIMEOUT_S = 300  # a hung self-test (e.g. a dialog waiting for a click) must still end, loudly
SELF_TEST_CODER = "npmdesk self-test"
PHRASE_DOC = "Interview NPM-1"
PHRASE = "Pay us in coffee if you have to, but keep the programme."
PHRASE_CODE = "Cost of mentoring"


class SelfTestFailure(Exception):
    pass


def run_self_test(verbose: bool = True) -> int:
    """Run every check; 0 if all passed, 1 (with a message on stderr) otherwise."""
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="npmdesk-selftest-"))
    step = "start"

    def say(text: str) -> None:
        if verbose:
            print(f"self-test: {text}", flush=True)

    watchdog = _start_watchdog()
    try:
        with _isolated_environment(tmp):
            check = _Checks(tmp, say)
            for name, fn in check.steps():
                step = name  # the failure message names the step that was running
                fn()
        say(f"all checks passed in {time.monotonic() - started:.1f} s")
        return 0
    except Exception as e:  # any failure at all is the answer to "does this installation work?"
        print(f"npmdesk self-test FAILED at '{step}': {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        return 1
    finally:
        if watchdog:
            faulthandler.cancel_dump_traceback_later()
        shutil.rmtree(tmp, ignore_errors=True)


def _start_watchdog() -> bool:
    """Exit with a traceback if the self-test hangs; impossible without a real stderr (a windowed
    Windows exe has none, pytest captures it), and then the self-test simply runs without."""
    try:
        faulthandler.dump_traceback_later(HARD_TIMEOUT_S, exit=True)
        return True
    except (AttributeError, OSError, ValueError, RuntimeError):  # io.UnsupportedOperation is an OSError
        return False


@contextmanager
def _isolated_environment(tmp: Path):
    saved = {k: os.environ.get(k) for k in ("NPMDESK_CONFIG_DIR", "NPMDESK_DATA_DIR", "QT_QPA_PLATFORM")}
    os.environ["NPMDESK_CONFIG_DIR"] = str(tmp / "config")
    os.environ["NPMDESK_DATA_DIR"] = str(tmp / "data")
    # Off-screen unless the caller chose a platform (QT_QPA_PLATFORM=xcb npmdesk --self-test tests X11).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class _Checks:
    def __init__(self, tmp: Path, say):
        self.tmp = tmp
        self.say = say
        self.app = None
        self.window = None
        self.project_path = tmp / "demo.npmdesk"
        self.doc_id = self.code_id = None
        self.span = None
        self.baseline = None
        self.dialogs: list[str] = []

    def steps(self):
        return [("build the demo project", self.build_demo), ("start Qt", self.start_qt),
                ("open the demo in the main window", self.open_window), ("render the window", self.render),
                ("code a passage", self.code_passage), ("undo the coding", self.undo_coding),
                ("link a recording", self.recordings), ("export Word reports", self.export_word),
                ("close the window", self.close_window)]

    # Steps ----------------------------------------------------------------------------------------

    def build_demo(self) -> None:
        from npmdesk.demo import build_demo

        s = build_demo(self.project_path)
        _expect(s.codings > 0 and s.documents == 5, f"demo has {s.documents} documents, {s.codings} codings")
        self.say(f"demo project built ({s.documents} documents, {s.codes} codes, {s.codings} codings)")

    def start_qt(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from npmdesk.ui.theme import apply_theme

        self.app = QApplication.instance() or QApplication([sys.argv[0], "-platform",
                                                            os.environ["QT_QPA_PLATFORM"]])
        apply_theme(self.app)
        _quiet_platform_notes()
        # A modal dialog would wait forever for a click nobody makes: note its text and close it.
        self._watch = QTimer()
        self._watch.timeout.connect(self._close_dialogs)
        self._watch.start(100)
        self.say(f"Qt {self._qt_version()} on platform '{self.app.platformName()}'")

    def open_window(self) -> None:
        from npmdesk.ui import MainWindow

        self.window = MainWindow(self.project_path, coder=SELF_TEST_CODER)
        self.window.resize(1280, 800)
        self.window.show()
        self._settle()
        _expect(self.window.project is not None, "the window did not open the project")
        doc = self.window.project.document_by_name(PHRASE_DOC)
        self.doc_id = doc.id
        self.window.open_document(doc.id)
        self._settle()
        _expect(self.window.current_document == doc.id, "the transcript did not open")
        self.say(f"opened '{self.window.project.name}' and the transcript '{doc.name}'")

    def render(self) -> None:
        png = self.tmp / "window.png"
        pixmap = self.window.grab()
        _expect(not pixmap.isNull() and pixmap.width() > 200, "grabbing the window gave no image")
        _expect(pixmap.save(str(png), "PNG") and png.stat().st_size > 1000, "the screenshot could not be saved")
        image = self.window.transcript.viewport().grab().toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        _expect(len(colours) >= 8, f"the transcript looks blank ({len(colours)} colours)")
        project = self.window.project
        code_colours = {project.code(c.code_id).color for c in project.codings_in_document(self.doc_id)}
        _expect(_shows_any(image, code_colours), "no coded passage is highlighted in the transcript")
        self.say(f"rendered {pixmap.width()}x{pixmap.height()} ({png.stat().st_size} bytes PNG), "
                 "coded passages highlighted")

    def code_passage(self) -> None:
        from npmdesk.demo import locate

        w = self.window
        self.code_id = w.project.code_by_path(PHRASE_CODE).id
        self.span = locate(w.project.document_text(self.doc_id), PHRASE, PHRASE_DOC)
        self.baseline = self._file_codings()
        _expect(self.span not in self.baseline, "the test passage is already coded")
        w.code_tree.select_code(self.code_id)
        w.transcript.select_span(*self.span)
        _expect(w.transcript.selected_span() == self.span, "selecting the passage in the transcript failed")
        w.actions["apply"].trigger()
        self._settle()
        self._no_dialogs()
        _expect(w.undo_stack.count() == 1 and w.undo_stack.canUndo(), "the coding is not on the undo stack")
        after = self._file_codings()
        _expect(after == self.baseline | {self.span}, "the project file does not show the new coding")
        self.say(f"coded {self.span[0]}:{self.span[1]} with '{PHRASE_CODE}' through the window; file has it")

    def undo_coding(self) -> None:
        self.window.actions["undo"].trigger()
        self._settle()
        self._no_dialogs()
        _expect(self._file_codings() == self.baseline, "after undo the project file still has the coding")
        _expect(self.window.undo_stack.canRedo(), "undo left nothing to redo")
        self.say("undid it; the file is back as it was")

    def recordings(self) -> None:
        """Link a short silent recording through the window; check the player and, where the
        transcription part is installed, that its model is the pinned one."""
        import wave

        from npmdesk.formats import media as media_files
        from npmdesk.formats import transcribe as speech
        from npmdesk.ui.player import multimedia_available

        rec = self.tmp / "silence.wav"
        with wave.open(str(rec), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(16_000)
            f.writeframes(b"\x00\x00" * 16_000)
        info = media_files.describe(rec)
        w = self.window
        outcome = w.run("Link recording", lambda: w.project.link_media(self.doc_id, rec, info.sha256, info.size,
                                                                       info.duration_ms))
        self._settle()
        _expect(outcome.ok and w.project.media_link(self.doc_id) is not None, "linking a recording failed")
        w.media.show_document(self.doc_id)
        _expect("silence.wav" in w.media.panel.title.text(), "the player does not show the linked recording")
        w.undo_stack.undo()
        self._settle()
        _expect(w.project.media_link(self.doc_id) is None, "undo left the recording linked")
        parts = ["player ready" if multimedia_available() else "player not installed (media extra)"]
        if speech.available() is None:
            speech.model_dir()  # raises unless every model file has its pinned hash
            parts.append("transcription model verified")
        else:
            parts.append("transcription not installed (transcribe extra)")
        self.say(f"linked and unlinked a recording; {', '.join(parts)}")

    def export_word(self) -> None:
        from docx import Document

        from npmdesk.formats.reports.excerpts import export_excerpts_docx
        from npmdesk.formats.reports.tables import export_alignment_docx

        out = self.tmp / "reports"
        out.mkdir()
        project = self.window.project
        n = export_excerpts_docx(project, out / "excerpts.docx")
        _expect(n > 0, "the excerpts report is empty")
        export_alignment_docx(project, out / "competencies.docx")
        for name, must_contain in (("excerpts.docx", "Teaching it is what made me actually know it."),
                                   ("competencies.docx", "Interpersonal and Communication Skills")):
            path = out / name
            _expect(zipfile.is_zipfile(path), f"{name} is not a Word file")
            text = _docx_text(Document(str(path)))
            _expect(must_contain in text, f"{name} lacks {must_contain!r}")
        self.say(f"exported Word reports: {n} excerpts, competency table ({_kb(out)} kB in all)")

    def close_window(self) -> None:
        self.window.close()
        self._settle()
        self._watch.stop()
        self._no_dialogs()

    # Helpers ----------------------------------------------------------------------------------------

    def _file_codings(self) -> set[tuple[int, int]]:
        """What the file on disk says, through a second connection (not the window's)."""
        from npmdesk.store import Project

        with Project.open(self.project_path, SELF_TEST_CODER) as p:
            return {(c.start, c.end) for c in p.codings_in_document(self.doc_id) if c.code_id == self.code_id}

    def _settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()
            time.sleep(0.01)

    def _close_dialogs(self) -> None:
        box = self.app.activeModalWidget()
        if box is not None:
            text = getattr(box, "text", None)
            self.dialogs.append(text() if callable(text) else box.windowTitle())
            box.reject() if hasattr(box, "reject") else box.close()

    def _no_dialogs(self) -> None:
        self._close_dialogs()
        _expect(not self.dialogs, f"the window showed a message: {' | '.join(self.dialogs)}")

    @staticmethod
    def _qt_version() -> str:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        return f"{qVersion()} / PySide6 {pyside}"


_PLATFORM_NOTES = ("This plugin does not support propagateSizeHints()", "PulseAudioService: pa_context_connect()")


def _quiet_platform_notes() -> None:
    """The off-screen platform and a machine with no sound server say so on every window; those
    notes are not failures, and a self-test's output should hold only what it checked."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):
        if message.startswith(_PLATFORM_NOTES):
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def _shows_any(image, hex_colours: set[str], tolerance: int = 3) -> bool:
    from PySide6.QtGui import QColor

    wanted = [QColor(c) for c in hex_colours]
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 5):
            px = image.pixelColor(x, y)
            if any(abs(px.red() - c.red()) <= tolerance and abs(px.green() - c.green()) <= tolerance
                   and abs(px.blue() - c.blue()) <= tolerance for c in wanted):
                return True
    return False


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _kb(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir()) // 1024
