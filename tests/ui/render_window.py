"""Render the main window off-screen to a PNG, on the demo project (or the small test study).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/render_window.py /tmp/npmdesk-main.png \
        [--dark] [--study] [--size=1366x768]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = tempfile.mkdtemp(prefix="npmdesk-render-")
os.environ["NPMDESK_CONFIG_DIR"] = os.path.join(_TMP, "config")
os.environ["NPMDESK_DATA_DIR"] = os.path.join(_TMP, "data")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(argv: list[str]) -> int:
    out = next((a for a in argv if not a.startswith("--")), "/tmp/npmdesk-main.png")
    if "--dark" in argv:
        os.environ["NPMDESK_THEME"] = "dark"
    from PySide6.QtWidgets import QApplication

    from npmdesk.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    if "--study" in argv:
        from tests.ui.sample_project import build

        path = Path(_TMP) / "study.npmdesk"
        build(path).close()
    else:
        from npmdesk.demo import demo_copy

        path = demo_copy()
    from npmdesk.ui import MainWindow

    window = MainWindow(path, coder="Ana")
    size = next((a.split("=", 1)[1] for a in argv if a.startswith("--size=")), "1440x900")
    width, height = (int(x) for x in size.split("x"))
    window.resize(width, height)
    window.show()
    app.processEvents()
    model = window.code_panel.model
    busiest = max(model.codes, key=lambda c: model.own.get(c).codings if model.own.get(c) else 0)
    window.code_tree.select_code(busiest)  # the excerpts panel shows something real
    spans = list(window.transcript.index.spans.values())
    if spans:
        window.transcript.set_current_coding(spans[len(spans) // 2].coding_id)
    app.processEvents()
    window.grab().save(out)
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
