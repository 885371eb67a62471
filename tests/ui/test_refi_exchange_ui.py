"""REFI-QDA in the window: the positions dialog (weak evidence: a choice of convention with a
preview under each), the export-target choice, and a category (non-codable code) refused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog

import npmdesk.ui.exchange_menu as exchange_menu
from npmdesk.store import Project
from tests.formats.refi_helpers import guid, make_qdpx, qde_of
from tests.formats.test_qdpx_variants import RAW, STORED, UTF16, position, qde
from tests.ui.conftest import click_code, select_text


def weak_qdpx(tmp_path):
    a, b = STORED.index("I learned"), STORED.index("tude by") + len("tude by")
    sel = (f'<PlainTextSelection guid="{guid(100)}" startPosition="{position(UTF16, a)}" '
           f'endPosition="{position(UTF16, b)}"><Coding guid="{guid(200)}"><CodeRef targetGUID="{guid(2)}"/>'
           '</Coding></PlainTextSelection>')
    return make_qdpx(tmp_path / "weak.qdpx", qde(sel, origin=""), {f"sources/{guid(3)}.txt": RAW})


def test_weak_positions_ask_with_a_preview_and_the_choice_is_followed(window, qtbot, tmp_path, monkeypatch, messages):
    path = weak_qdpx(tmp_path)
    target = tmp_path / "imported.npmdesk"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(exchange_menu, "show_info", lambda *a, **k: messages.append(" | ".join(map(str, a[1:]))))
    seen = {}

    def choose(dialog):
        assert dialog.objectName() == "positionsDialog"
        details = dialog.findChild(type(dialog.details), "positionsDialogDetails").toPlainText()
        seen["details"] = details
        dialog.resize(1000, 560)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.grab().save(str(tmp_path / "positions.png"))
        seen["png"] = tmp_path / "positions.png"
        combo = dialog.combo
        combo.setFocus()
        while combo.currentData() != "utf16":  # the keyboard alone picks the convention
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(exchange_menu.ChoiceDialog, "exec", choose)
    exchange_menu.import_project_qdpx(window)
    assert "only 1 selection" in seen["details"]
    assert "“I learned, e\u0301tude by”" in seen["details"]  # the UTF-16 reading, previewed
    with Project.open(target, "Ana", read_only=True) as p:
        (doc,) = p.documents()
        (coding,) = p.codings_in_document(doc.id)
        assert p.document_text(doc.id)[coding.start:coding.end] == "I learned, e\u0301tude by"
    assert any("REFI-QDA project imported" in m for m in messages)  # chosen by the user: no warning left
    import shutil

    shutil.copy(seen["png"], "/tmp/refi_positions.png")


def test_export_asks_for_the_target(window, tmp_path, monkeypatch, messages):
    out = tmp_path / "for-nvivo.qdpx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(exchange_menu, "show_info", lambda *a, **k: messages.append(" | ".join(map(str, a[1:]))))

    def choose(dialog):
        assert dialog.objectName() == "exportTargetDialog"
        dialog.combo.setCurrentIndex(dialog.combo.findData("nvivo-windows"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(exchange_menu.ChoiceDialog, "exec", choose)
    exchange_menu.export_project_qdpx(window)
    assert "positions=utf16" in qde_of(out).get("origin")
    assert any("written for NVivo for Windows" in m for m in messages)


def test_a_category_is_refused_in_the_window(window, qtbot, reopen):
    p = window.project
    code = p.codes()[0]
    window.run("Make a category", lambda: p.set_code_codable(code.id, False))
    before = len(reopen().codings_in_document(window.current_document))
    text = window.transcript.document().toPlainText()
    phrase = text.split()[0]
    select_text(window.transcript, phrase)
    click_code(qtbot, window, code.id)
    assert "is a category and cannot be applied" in window.statusBar().currentMessage()
    assert len(reopen().codings_in_document(window.current_document)) == before


def test_export_offers_a_de_identified_file_once_there_is_a_pseudonym_table(window, tmp_path, monkeypatch,
                                                                             messages):
    import zipfile

    p = window.project
    out = tmp_path / "shared.qdpx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(exchange_menu, "show_info", lambda *a, **k: messages.append(" | ".join(map(str, a[1:]))))
    asked = []

    def choose(dialog):
        asked.append(dialog.objectName())
        if dialog.objectName() == "exchangeDeidentifiedDialog":
            dialog.combo.setCurrentIndex(dialog.combo.findData("initials"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(exchange_menu.ChoiceDialog, "exec", choose)
    exchange_menu.export_project_qdpx(window)  # nothing to de-identify yet: not asked
    assert asked == ["exportTargetDialog"]
    assert window.run("Pseudonym", lambda: p.set_pseudonym("NPM-1", "replace", "P-01")).ok
    asked.clear()
    before = p.path.read_bytes()
    exchange_menu.export_project_qdpx(window)
    assert asked == ["exportTargetDialog", "exchangeDeidentifiedDialog"]
    with zipfile.ZipFile(out) as z:
        body = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert "NPM-1" not in body and "P-01" in body and 'name="Ana"' not in body and 'name="A."' in body
    assert "de-identified" in messages[-1]
    assert p.path.read_bytes() == before  # the project itself is not changed
