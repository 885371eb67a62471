"""The analysis views over a small realistic study: models agree with the store, cells open their
excerpts, summaries are saved, the saturation chart exports a PNG, and the menu installs."""

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QMainWindow, QMenu  # noqa: E402

from npmdesk.ui.analysis.alignment import AlignmentView  # noqa: E402
from npmdesk.ui.analysis.chart import FrameworkChartView  # noqa: E402
from npmdesk.ui.analysis.matrix import MatrixView  # noqa: E402
from npmdesk.ui.analysis.menu import install_analysis_menu  # noqa: E402
from npmdesk.ui.analysis.saturation import SaturationView  # noqa: E402
from tests.ui.analysis_sample import build  # noqa: E402


@pytest.fixture
def study(tmp_path):
    p = build(tmp_path / "sample.npmdesk")
    yield p
    p.close()


def test_matrix_model_and_heat_map(qtbot, qtmodeltester, study):
    view = MatrixView(study)
    qtbot.addWidget(view)
    view.themes.setChecked(True)
    view.set_axes("codes", "participants")
    qtmodeltester.check(view.model)
    m = study.matrix("codes", "participants", aggregate=True)
    assert view.model.matrix == m
    row = m.row_labels.index("Teaching consolidates knowledge")
    idx = view.model.index(row, m.col_labels.index("NPM-1"))
    assert idx.data() == "2"
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is not None  # the maximum is coloured
    empty = view.model.index(row, m.col_labels.index("NPM-6") - 1)  # NPM-5 has 1
    assert empty.data() in ("", "1")
    view.heat.setChecked(False)
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is None
    with qtbot.waitSignal(view.cell_excerpts_requested) as sig:
        view.table.doubleClicked.emit(idx)
    excerpts = study.excerpts(sig.args[0])
    assert len(excerpts) == 2 and {e.participant for e in excerpts} == {"NPM-1"}


def test_matrix_cooccurrence_coverage_and_csv(qtbot, study, tmp_path):
    view = MatrixView(study)
    qtbot.addWidget(view)
    view.set_axes("codes", "codes")
    assert view.model.matrix.measure == "co-occurrence"
    diag = view.model.index(1, 1)
    assert diag.data() == "—" and diag.data(Qt.ItemDataRole.BackgroundRole) is None
    assert view.model.headerData(1, Qt.Orientation.Horizontal) == "Belonging"
    view.set_axes("codes", "participants", "coverage")
    assert view.model.index(1, 0).data().endswith("%")
    errors = []
    view.error.connect(errors.append)
    view.set_axes("codes", "codes", "coverage")
    assert errors and view.model.matrix is None
    view.set_axes("codes", "attribute:cohort")
    assert view.model.matrix.col_labels == ("2021", "2022", "2023")
    out = view.export_csv(str(tmp_path / "m.csv"))
    assert out and (tmp_path / "m.csv").read_text(encoding="utf-8-sig").startswith("codes \\ attribute:cohort")


def test_alignment_view_cells(qtbot, qtmodeltester, study):
    view = AlignmentView(study)
    qtbot.addWidget(view)
    qtmodeltester.check(view.model)
    model = view.model
    assert model.rowCount() == 6 and model.columnCount() == 5  # 4 aligned themes + all themes
    elements = [model.headerData(r, Qt.Orientation.Vertical) for r in range(6)]
    themes = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert themes[-1] == "All aligned themes"
    mk = model.index(elements.index("Medical Knowledge"), themes.index("Teaching consolidates knowledge"))
    text = mk.data()
    assert text.startswith("7 excerpts · 6 participants") and "cranial nerves" in text
    assert "Teaching deepens" in mk.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(elements.index("Medical Knowledge"), 0).data() is None  # not aligned
    with qtbot.waitSignal(view.cell_excerpts_requested) as sig:
        view.table.doubleClicked.emit(mk)
    assert len(study.excerpts(sig.args[0])) == 7
    total = model.index(elements.index("Patient Care"), 4)
    assert total.data() == "5 excerpts\n4 participants"


def test_framework_chart_saves_summaries(qtbot, qtmodeltester, study):
    view = FrameworkChartView(study)
    qtbot.addWidget(view)
    qtmodeltester.check(view.model)
    model = view.model
    idx = model.index(0, 0)
    assert model.setData(idx, "Feels part of the school once asked to teach.")
    case_id, code_id = model.key(idx)
    assert study.chart_summary(case_id, code_id) == "Feels part of the school once asked to teach."
    assert idx.data().startswith("Feels part") and "excerpt" in idx.data()
    view.table.setCurrentIndex(idx)
    with qtbot.waitSignal(view.cell_excerpts_requested) as sig:
        view.show_excerpts.click()
    assert all(e.participant == "NPM-1" for e in study.excerpts(sig.args[0]))
    # Editing through the delegate commits on leaving the cell.
    view.show()
    view.table.edit(model.index(1, 1))
    editor = view.table.findChild(object, "chartSummaryEditor")
    editor.setPlainText("Teaching as revision.")
    view.table.commitData(editor)
    assert study.chart_summary(*model.key(model.index(1, 1))) == "Teaching as revision."


def test_saturation_view_and_png(qtbot, study, tmp_path):
    view = SaturationView(study)
    qtbot.addWidget(view)
    assert [p.new_codes for p in view.chart.points] == [4, 2, 2, 0, 0]
    assert "last 2 transcript(s) added no new code" in view.summary.text()
    path = view.export_png(str(tmp_path / "sat.png"))
    image = QImage(path)
    assert not image.isNull() and image.width() == 1200
    view.resize(700, 360)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.cell_excerpts_requested) as sig:
        rect = view.chart._bars[1][0]
        qtbot.mouseClick(view.chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert {e.code for e in study.excerpts(sig.args[0])} == {
        "Socialisation into medicine/Imposter feelings", "Seeing the system/Navigating the hospital"}


def test_install_analysis_menu_on_a_plain_window(qtbot, study):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.menus = {"Analysis": QMenu("Analysis", window)}
    window.project = study
    docks = install_analysis_menu(window)
    texts = [a.text() for a in window.menus["Analysis"].actions() if a.text()]
    assert any("Matrix" in t for t in texts) and any("Saturation" in t for t in texts)
    assert any("ACGME" in t for t in texts)
    view = docks.show("matrix")
    assert isinstance(view, MatrixView) and docks.docks["matrix"].objectName() == "matrixAnalysisDock"
    assert isinstance(docks.show("alignment"), AlignmentView)
    docks.add_builtin("canmeds")
    assert docks.view("alignment").framework.currentText() == "CanMEDS 2015 Roles"
