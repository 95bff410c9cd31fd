"""The explorer screen driven from Python, as the notebook and Voilà drive it."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import simsuite
from simsuite.engine.variant_file import read_variant
from simsuite.explorer import Explorer, WhatIf, ranking_table

NX = "ningxia-transport-2021"
R = 32


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explorer")
    return Explorer(NX, replicates=R, variants_dir=folder / "variants", exports_dir=folder / "exports")


def shown_units(explorer) -> list[str]:
    return re.findall(r"data-unit='([^']+)'", explorer.ranking.value)


def test_a_change_redraws_what_the_library_computes(explorer):
    assert explorer.updates == 1 and "data-state='ready'" in explorer.status.value
    baseline_chart = explorer.shift_chart.value
    explorer.set("normalise.enabled", False)
    assert explorer.updates == 2
    assert explorer.changes() == {"normalise.enabled": False}
    expected = ranking_table(WhatIf(NX, replicates=R).compare({"normalise.enabled": False}))
    assert shown_units(explorer) == expected["unit_id"].tolist()
    assert explorer.shift_chart.value.startswith("<svg") and explorer.shift_chart.value != baseline_chart
    # one slope per unit, one interval per unit and comparison
    assert explorer.shift_chart.value.count("<g data-unit=") == 51
    assert explorer.interval_chart.value.count("<g data-unit=") == 2 * 51
    assert "1 change(s)" in explorer.status.value and f"{R} replicate years × 51 units" in explorer.status.value


def test_code_panel_reproduces_the_screen(explorer):
    scope: dict = {}
    exec(explorer.code.value, scope)
    pd.testing.assert_frame_equal(scope["comparison"].units, explorer.result.comparison.units)


def test_save_and_export_buttons_write_files(explorer):
    explorer.name_box.value = "宁夏 不换算"
    explorer.save_button.click()
    saved = explorer.variants_dir / "宁夏-不换算.toml"
    assert saved.exists() and str(saved) in explorer.files.value
    assert read_variant(saved).all_changes() == explorer.changes()
    explorer.save_button.click()
    assert (explorer.variants_dir / "宁夏-不换算-2.toml").exists()
    explorer.export_button.click()
    exported = explorer.exports_dir / "宁夏-不换算.xlsx"
    assert exported.exists() and "data:application/vnd.openxmlformats" in explorer.files.value
    assert pd.ExcelFile(exported).sheet_names == ["units", "groups", "awards"]


def test_a_bad_value_stops_the_redraw_and_says_why(explorer):
    before = explorer.updates
    explorer.panel.controls["calendar.quarter_starts"].widget.value = "[0, 3, 6"
    assert explorer.updates == before
    assert "not recomputed" in explorer.status.value and "calendar.quarter_starts" in explorer.status.value
    explorer.set("calendar.quarter_starts", (0.0, 3.0, 6.0, 9.0))
    assert explorer.updates == before + 1


def test_a_change_that_changes_nothing_is_flagged(explorer):
    # Ningxia has no rank override: the kinds it would exclude change no score
    explorer.reset_button.click()
    assert explorer.changes() == {}
    explorer.set("override.exclude_kinds", ("emergency",))
    assert explorer.changes() == {"override.exclude_kinds": ("emergency",)}
    assert explorer.result.comparison.identical
    assert "the variant changes no score" in explorer.status.value
    explorer.set("override.exclude_kinds", ())
    explorer.set("normalise.enabled", False)


def test_switching_rulebook_and_population_rebuilds_the_controls(explorer):
    explorer.population_box.value = "synthetic"
    explorer.units_box.value = 20
    assert len(explorer.whatif.units) == 20
    assert explorer.changes() == {"normalise.enabled": False}  # kept across a new population
    explorer.rulebook_box.value = "jiande-2018"
    assert set(explorer.panel.controls) == set(simsuite.rulebook("jiande-2018").parameters.leaves)
    assert explorer.changes() == {} and explorer.name_box.value == "jiande-2018-variant"
    assert "data-state='ready'" in explorer.status.value and "× 20 units" in explorer.status.value


@pytest.mark.parametrize("kwargs, message", [
    ({"rulebook": "ningxia-transport-2012"}, "did you mean"),
    ({"population": {"1": 10, "2": 5}}, "population="),
    ({"population": "Real"}, "population="),
    ({"replicates": 8}, "16 to 5000"),
])
def test_bad_arguments_are_refused_not_replaced(kwargs, message):
    with pytest.raises((ValueError, KeyError), match=message):
        Explorer(**kwargs)


def test_add_a_rule_from_the_catalogue(tmp_path):
    e = Explorer("harbin-2008", replicates=16, variants_dir=tmp_path / "v", exports_dir=tmp_path / "x")
    names = [v for _, v in e.rule_box.options]
    assert "year_cap" in names and "checklist_points" not in names  # Harbin has it already
    e.rule_box.value = "year_cap"  # as a user picks it
    assert "year_cap.points" in e.panel.controls and e.rule_box.value == ""
    e.set("year_cap.points", 20)
    assert "year_cap" in e.result.variant.component_names
    assert "whatif.add_rule('year_cap')" in e.code.value


@pytest.fixture
def fresh(tmp_path):
    return Explorer(NX, replicates=16, variants_dir=tmp_path / "variants", exports_dir=tmp_path / "exports")


def test_a_save_name_too_long_for_a_file_is_refused_cleanly(fresh):
    explorer = fresh
    explorer.set("quota.points", 6)
    # 100 Chinese characters are 300 bytes as a file name; file systems allow 255
    explorer.name_box.value = "很" * 100
    explorer.save_button.click()
    assert "未保存 not saved: 名称太长 the name is too long for a file: 100 characters (300 bytes)" \
        in explorer.files.value
    explorer.export_button.click()
    assert "未导出 not exported: 名称太长" in explorer.files.value
    explorer.name_box.value = "很" * 66  # 198 bytes: accepted
    explorer.save_button.click()
    assert (explorer.variants_dir / ("很" * 66 + ".toml")).exists()


def test_an_unexpected_error_in_an_event_is_one_line_not_a_traceback(fresh, monkeypatch):
    explorer = fresh
    def broken(changes):
        raise RuntimeError("boom")

    monkeypatch.setattr(explorer.whatif, "run", broken)
    explorer.set("quota.points", 6)  # the event fires; the handler must not raise
    assert "data-state='error'" in explorer.status.value
    assert "出错了 something went wrong (RuntimeError: boom)" in explorer.status.value
    assert "Traceback" not in explorer.status.value


def test_diagnostics_of_both_sides_and_a_warning_when_a_target_is_out_of_reach(tmp_path):
    e = Explorer("jiande-2018", replicates=16, variants_dir=tmp_path / "v", exports_dir=tmp_path / "x")
    assert "最终得分为 0 的比例" in e.diagnostics.value and "基准 baseline" in e.diagnostics.value
    assert "警告" not in e.diagnostics.value  # the calibrated defaults give every group a ranking
    for g in ("township", "A", "B", "C"):  # quarterly targets no unit reaches: no quarter earns rank points
        e.set(f"rank_points.target.{g}", 300)
    table = e.result.diagnostics
    variant = table[table["comparison"] == "变体 variant"]
    assert variant["degenerate"].all() and (variant["zero_final"] > 0.4).all()
    assert "the ranking of group C is degenerate" in e.diagnostics.value


def test_what_units_will_do_on_request(tmp_path):
    from simsuite.response import answers, solve

    ex = Explorer("longyang-2019", replicates=R, variants_dir=tmp_path / "v", exports_dir=tmp_path / "e")
    assert ex.response.value == ""  # nothing computed until asked
    ex.set("item_points.cap", 40)
    ex.respond()
    shown = ex.response.value
    eq = solve(ex.whatif.variant({"item_points.cap": 40}), ex.whatif.units, ex.whatif.year,
               behaviour=ex.whatif.behaviour, replicates=R, seed=ex.whatif.seed, max_rounds=8)
    assert f"ε = {eq.eps:.3f}" in shown and "items a unit files a month" in shown
    items = answers.summary(eq).set_index("statistic").loc["items_a_month"]
    assert f"<td>{items['response']:.2f}</td>" in shown
    ex.set("item_points.cap", 50)
    assert ex.response.value == ""  # a new variant clears the previous answer
