"""Controls are generated from the parameters' own metadata: every parameter
of every rulebook has exactly one, tables become grids, and a parameter added
to a rulebook file gets a control without anything being listed by hand."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simsuite
from simsuite.engine.rulebook import Rulebook
from simsuite.engine.variant_file import read_variant
from simsuite.explorer import ControlPanel, find_tables
from simsuite.explorer.controls import _step, css_name, format_value, parse_text
from simsuite.params import Param, Parameters, read_rulebook_file
from simsuite.rulebooks import HERE

VARIANTS = Path(__file__).parents[2] / "scenarios" / "variants"
RULEBOOKS = list(simsuite.list_rulebooks()["id"])


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_every_parameter_has_one_control(rulebook_id):
    rb = simsuite.rulebook(rulebook_id)
    panel = ControlPanel(rb)
    leaves = set(rb.parameters.leaves)
    assert set(panel.controls) == leaves
    folded = [path for paths in panel.tables.values() for path in paths]
    assert len(folded) == len(set(folded))  # no parameter in two grids
    # what is on screen: one row per parameter not in a grid, one per grid
    assert len(panel.rows) == len(leaves) - len(folded) + len(panel.tables)
    assert set(panel.rows) == (leaves - set(folded)) | set(panel.tables)
    assert panel.changes() == {}
    assert panel.problems() == {}


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_widget_kind_follows_the_parameter_type(rulebook_id):
    rb = simsuite.rulebook(rulebook_id)
    panel = ControlPanel(rb)
    in_grid = {path for paths in panel.tables.values() for path in paths}
    for path, control in panel.controls.items():
        p, widget = control.param, control.widget
        assert css_name(path) in widget._dom_classes
        assert path in widget.tooltip and p.cite in widget.tooltip
        if path in in_grid:
            continue
        if p.type in ("number", "integer") and p.max - p.min <= 1000:
            assert isinstance(widget, w.IntSlider if p.type == "integer" else w.FloatSlider), path
            assert (widget.min, widget.max) == (p.min, p.max)
            assert widget.value == p.value  # the baseline sits on the slider's grid
        elif p.type == "bool":
            assert isinstance(widget, w.ToggleButton)
        elif p.type == "choice":
            assert isinstance(widget, w.Dropdown) and tuple(widget.options) == p.choices
        elif p.type == "set":
            assert isinstance(widget, w.SelectMultiple) and widget.value == p.value
        elif path == "grouping.merge" and len(rb.groups) > 1:
            assert isinstance(widget, w.ToggleButtons) and widget.value == "split"
        elif p.type in ("list", "mapping"):
            assert isinstance(widget, w.Text) and parse_text(p, widget.value) == p.value


def test_ningxia_tables_are_grids_with_their_keys_as_headers():
    rb = simsuite.rulebook("ningxia-transport-2021")
    tables = find_tables(rb.parameters)
    assert {k: len(v) for k, v in tables.items()} == {"quota.items": 2, "adoption.points": 11,
                                                      "instruction.points": 6}
    panel = ControlPanel(rb)
    grid = panel.rows["adoption.points"].children[1]
    texts = [c.value for c in grid.children if isinstance(c, w.HTML)]
    assert "<b>item</b>" in texts and "<b>brief</b>" in texts
    assert "《宁夏交通信息》" in texts  # the outlet's Chinese name heads its row
    # nx-info has two sections, the other nine outlets one: 11 boxes, 9 empty cells
    boxes = [c for c in grid.children if isinstance(c, w.BoundedFloatText)]
    assert len(boxes) == 11
    assert len(grid.children) == 3 + 10 * 3  # header row + 10 outlets × (label + 2 cells)


def test_a_parameter_added_to_a_rulebook_file_gets_a_control(tmp_path):
    text = (HERE / "ningxia-transport-2021.toml").read_text(encoding="utf-8")
    text += (
        "\n[quota.bonus_per_extra_item]\nvalue = 0.5\ntype = \"number\"\nmin = 0\nmax = 5\nunit = \"points an item\"\n"
        "zh = \"超额每条加分\"\nen = \"points for each item above the quota\"\ncite = \"decision NX-99\"\n"
        "\n[publicity.weights]\nvalue = { web = 1, wechat = 2 }\ntype = \"integer\"\nmin = 0\nmax = 10\n"
        "zh = \"宣传渠道权重\"\nen = \"weight of each publicity channel\"\ncite = \"decision NX-98\"\n"
    )
    path = tmp_path / "ningxia-transport-2021.toml"
    path.write_text(text, encoding="utf-8")
    base = simsuite.rulebook("ningxia-transport-2021")
    file = read_rulebook_file(path)
    rb = Rulebook(file=file, point_rules=base.point_rules, steps=base.steps, parameters=file.parameters)

    panel = ControlPanel(rb)
    slider = panel.controls["quota.bonus_per_extra_item"].widget
    assert isinstance(slider, w.FloatSlider) and (slider.min, slider.max, slider.value) == (0, 5, 0.5)
    label = panel.rows["quota.bonus_per_extra_item"].children[0].value
    assert "超额每条加分" in label and "points an item" in label
    assert panel.tables["publicity.weights"] == ["publicity.weights.web", "publicity.weights.wechat"]
    assert "publicity" in panel.sections  # a new section gets its own fold, titled by its key
    assert panel.widget.titles[panel.sections.index("publicity")] == "publicity"

    slider.value = 1.5
    panel.controls["publicity.weights.wechat"].widget.value = 3
    changes = panel.changes()
    assert changes == {"quota.bonus_per_extra_item": 1.5, "publicity.weights.wechat": 3}
    assert rb.vary(changes).parameters["publicity.weights.wechat"] == 3


def test_a_parameter_added_to_a_parameter_set_gets_a_control():
    base = simsuite.rulebook("longyang-2019").parameters
    extra = Param("award.extra_band", True, "bool", "decision LY-99", "增设表扬名额", "a commendation band")
    params = Parameters({**base.leaves, extra.path: extra})
    before, after = ControlPanel(base), ControlPanel(params)
    assert set(after.controls) - set(before.controls) == {"award.extra_band"}
    assert isinstance(after.controls["award.extra_band"].widget, w.ToggleButton)


def test_changing_controls_changes_the_changes():
    rb = simsuite.rulebook("ningxia-transport-2021")
    panel = ControlPanel(rb)
    seen = []
    panel.observe(seen.append)
    panel.controls["normalise.enabled"].widget.value = False
    panel.controls["quota.points"].widget.value = 7
    panel.controls["adoption.points.nx-info.item"].widget.value = 3.5
    panel.controls["grouping.merge"].widget.value = "pooled"
    panel.controls["quota.kinds"].widget.value = ("dynamic",)
    assert seen == ["normalise.enabled", "quota.points", "adoption.points.nx-info.item", "grouping.merge",
                    "quota.kinds"]
    pooled = read_variant(VARIANTS / "ningxia-pooled.toml").all_changes()["grouping.merge"]
    assert panel.changes() == {"normalise.enabled": False, "quota.points": 7, "adoption.points.nx-info.item": 3.5,
                               "grouping.merge": pooled, "quota.kinds": ("dynamic",)}
    assert pooled == {"2": "1"}
    panel.controls["quota.points"].widget.value = 5  # back at the baseline: no longer a change
    assert "quota.points" not in panel.changes()
    panel.reset()
    assert panel.changes() == {}


def test_a_bad_text_value_is_shown_at_its_control_not_swallowed():
    rb = simsuite.rulebook("ningxia-transport-2021")
    panel = ControlPanel(rb)
    box = panel.controls["calendar.quarter_starts"]
    box.widget.value = "[0, 3, 6, 12]"  # 12 is above the allowed 11
    assert "calendar.quarter_starts" in panel.problems()
    assert "≤ 11" in box.error.value
    with pytest.raises(ValueError, match="quarter_starts"):
        panel.changes()
    box.widget.value = "[0, 3, 6, 10]"
    assert box.error.value == ""
    assert panel.changes() == {"calendar.quarter_starts": (0.0, 3.0, 6.0, 10.0)}


def test_text_values_read_as_json_or_toml():
    rb = simsuite.rulebook("ningxia-transport-2021")
    merge = rb.parameters.param("grouping.merge")
    assert parse_text(merge, '{"2" = "1"}') == {"2": "1"}
    assert parse_text(merge, '{"2": "1"}') == {"2": "1"}
    with pytest.raises(ValueError, match="no group|not among"):
        parse_text(merge, '{"2" = "3"}')
    with pytest.raises(ValueError, match="neither JSON nor a TOML value"):
        parse_text(merge, '{"2" = ')
    starts = rb.parameters.param("calendar.quarter_starts")
    assert parse_text(starts, format_value(starts.value)) == starts.value


@settings(max_examples=200, deadline=None)
@given(lo=st.integers(-1000, 1000), span=st.integers(1, 1000), cents=st.integers(0, 100_000))
def test_slider_step_keeps_the_baseline_on_its_grid(lo, span, cents):
    value = lo + (cents % (span * 100 + 1)) / 100  # any value of two decimals in [lo, lo + span]
    p = Param("x.y", float(value), "number", "decision C-1", "x", "x", min=lo, max=lo + span)
    step = _step(p)
    assert abs(round(value / step) * step - value) < 1e-6
    assert step <= span / 100 + 1e-12  # at least a hundred steps across the range
