"""A code's tooltip in the code tree tells what the codebook says about it: the definition and, when
set, the inclusion and exclusion criteria and the example, read once per change, not per hover."""

from __future__ import annotations

from PySide6.QtCore import Qt

from npmdesk.store import Project
from npmdesk.ui.code_tree_model import CodeTreeModel
from tests.ui.conftest import code_id

TIP = Qt.ItemDataRole.ToolTipRole


def _tip(model, cid: int, column: int = 0) -> str:
    return model.index_of(cid, column).data(TIP)


def test_tooltip_shows_definition_and_criteria(qtbot, study):
    model = CodeTreeModel()
    with Project.open(study, "Ana") as p:
        belong = p.code_by_path("Socialisation into medicine/Belonging").id
        imposter = p.code_by_path("Socialisation into medicine/Imposter feelings").id
        p.set_code_definition(belong, description="Feeling part of medicine",
                              inclusion="The speaker says they fit in <or> are relied on",
                              exclusion="Belonging to a family: use 'First generation'",
                              example="I felt like I belonged in medicine")
        model.load(p)
        tip = _tip(model, belong)
        plain = _tip(model, imposter)
    assert tip.startswith("<b>Socialisation into medicine/Belonging</b><br>Feeling part of medicine")
    assert "<b>Inclusion:</b> The speaker says they fit in &lt;or&gt; are relied on" in tip
    assert "<b>Exclusion:</b> Belonging to a family: use 'First generation'" in tip
    assert "<b>Example:</b> I felt like I belonged in medicine" in tip
    assert tip.index("Inclusion") < tip.index("Exclusion") < tip.index("Example") < tip.index("codings in")
    assert "Inclusion" not in plain and "Exclusion" not in plain and "Example" not in plain
    assert "codings in" in plain


def test_definitions_are_read_once_per_change_not_per_hover(qtbot, study):
    model = CodeTreeModel()
    with Project.open(study, "Ana") as p:
        model.load(p)
        reads = []
        source = p.code_definitions
        model.definitions_from = lambda: reads.append(1) or source()
        ids = list(model.codes)
        for _ in range(5):
            for cid in ids:
                _tip(model, cid)
        assert len(reads) == 1
        model.shown()  # the codes changed: the next hover reads again, once
        for cid in ids:
            _tip(model, cid)
        assert len(reads) == 2


def test_window_tooltip_follows_an_undoable_definition_edit(qtbot, window):
    model = window.code_panel.model
    cid = code_id(window, "Teaching consolidates knowledge")
    assert "Inclusion" not in _tip(model, cid)
    p = window.project
    window.run("Edit definition", lambda: p.set_code_definition(cid, inclusion="Explaining out loud",
                                                                 example="Teaching it consolidated it."))
    tip = _tip(model, cid)
    assert "<b>Inclusion:</b> Explaining out loud" in tip and "<b>Example:</b> Teaching it consolidated it." in tip
    window.actions["undo"].trigger()
    assert "Inclusion" not in _tip(model, cid) and "Example" not in _tip(model, cid)
