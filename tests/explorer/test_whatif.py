"""The explorer's engine and screen without a browser: the same comparison as
scoring both rulebooks by hand, histories generated once, files that read
back, and code that reproduces the screen."""

from __future__ import annotations

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import simsuite
from simsuite.analytics.compare import compare_panels
from simsuite.analytics.panel import Panel
from simsuite.engine.rulebook import VariantError
from simsuite.engine.score import score_batch
from simsuite.engine.variant_file import read_variant
from simsuite.explorer import WhatIf, group_sizes, population_units, ranking_table
from simsuite.explorer import whatif as whatif_module
from simsuite.synthetic import Behaviour, generate, real_units

R = 32
NX = "ningxia-transport-2021"


@pytest.fixture(scope="module")
def ningxia():
    return WhatIf(NX, population="real", replicates=R, seed=7)


def test_comparison_is_the_one_computed_by_hand(ningxia):
    rb = simsuite.rulebook(NX)
    units = real_units(rb)
    synthetic = generate(rb, units, 2021, Behaviour.make(), range(R), 7)
    panels = []
    for name, variant in (("a", rb), ("b", rb.vary({"normalise.enabled": False}))):
        _, outcome, _ = score_batch(variant, synthetic.batch)
        panels.append(Panel.from_outcome(outcome, units, name=name, rulebook=NX, quality=synthetic.quality[0]))
    by_hand = compare_panels(*panels)
    got = ningxia.compare({"normalise.enabled": False})
    pd.testing.assert_frame_equal(got.units, by_hand.units)
    pd.testing.assert_frame_equal(got.groups, by_hand.groups)
    assert not got.identical and got.n_replicates == R


def test_variants_are_scored_on_the_histories_generated_once(ningxia, monkeypatch):
    def no_more_generation(*args, **kwargs):
        raise AssertionError("histories generated again")

    monkeypatch.setattr(whatif_module, "generate", no_more_generation)
    a = ningxia.compare({"quota.points": 7})
    b = ningxia.compare({"quota.points": 3})
    assert not a.identical and not b.identical
    np.testing.assert_array_equal(a.units["rank_base"], b.units["rank_base"])  # one baseline for all


def test_a_change_back_to_the_baseline_is_quiet_and_identical(ningxia):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comparison = ningxia.compare({"quota.points": 5})
    assert comparison.identical
    assert ningxia.effective_changes({"quota.points": 5}) == {}
    assert (comparison.units["rank_base"] == comparison.units["rank_variant"]).all()


def test_a_mistyped_parameter_is_named_with_a_suggestion(ningxia):
    with pytest.raises(VariantError, match=r"normalise\.enable.*did you mean 'normalise\.enabled'"):
        ningxia.compare({"normalise.enable": False})


def test_distributions_hold_both_sides(ningxia):
    result = ningxia.run({"normalise.enabled": False})
    d = result.distributions
    assert list(d["comparison"].unique()) == ["基准 baseline", "变体 variant"]
    assert len(d) == 2 * len(ningxia.units)
    assert (d["rank_p5"] <= d["median_rank"]).all() and (d["median_rank"] <= d["rank_p95"]).all()


def test_ranking_is_by_group_then_mean_rank_under_the_variant(ningxia):
    table = ranking_table(ningxia.compare({"normalise.enabled": False}))
    for _, part in table.groupby("group"):
        assert part["rank_variant"].is_monotonic_increasing


def test_populations():
    rb = simsuite.rulebook(NX)
    # 60 units in the real proportions 36 : 15 → 42.35, 17.65: largest remainder to group 2
    assert group_sizes(rb, 60) == {"1": 42, "2": 18}
    jd = simsuite.rulebook("jiande-2018")
    # 16 : 23 : 10 : 7 of 56 → 17.14, 24.64, 10.71, 7.5: the two largest remainders are B and A
    assert group_sizes(jd, 60) == {"township": 17, "A": 25, "B": 11, "C": 7}
    assert population_units(rb, {"1": 3, "2": 2})["group"].tolist() == ["1", "1", "1", "2", "2"]
    assert len(population_units(rb, "real")) == 51
    with pytest.raises(ValueError, match="did you mean 'real'"):
        population_units(rb, "reel")
    assert {r: simsuite.rulebook(r).own_year() for r in simsuite.list_rulebooks()["id"]} == {
        "jilin-transport-2015": 2015, "ningxia-transport-2021": 2021, "harbin-2008": 2008, "jiande-2018": 2018,
        "longyang-2019": 2019}


def test_save_writes_an_overlay_that_reads_back_and_never_overwrites(ningxia, tmp_path):
    changes = {"normalise.enabled": False, "quota.points": 7}
    first = ningxia.save(changes, "宁夏 不换算", tmp_path / "variants")
    second = ningxia.save(changes, "宁夏 不换算", tmp_path / "variants")
    assert first.name == "宁夏-不换算.toml" and second.name == "宁夏-不换算-2.toml"
    for path in (first, second):
        rb = read_variant(path)
        assert rb.id == NX and rb.all_changes() == {"normalise.enabled": False, "quota.points": 7}
    assert read_variant(first).name == "宁夏 不换算"
    with pytest.raises(ValueError, match="nothing to save"):
        ningxia.save({"quota.points": 5}, "same", tmp_path)


def test_overlay_text_is_the_saved_file(ningxia, tmp_path):
    changes = {"adoption.points.nx-info.item": 3.0}
    text = ningxia.overlay(changes, title="宁夏 采用3分")
    path = tmp_path / "v.toml"
    path.write_text(text, encoding="utf-8")
    assert read_variant(path).all_changes() == changes


def test_export_writes_the_three_sheets(ningxia, tmp_path):
    path = ningxia.export({"normalise.enabled": False}, tmp_path / "out" / "cmp.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["units", "groups", "awards"]
    units = pd.read_excel(path, sheet_name="units", dtype={"unit_id": str, "group": str})
    expected = ningxia.compare({"normalise.enabled": False}).units
    assert units["unit_id"].tolist() == expected["unit_id"].tolist()
    np.testing.assert_allclose(units["rank_variant"], expected["rank_variant"])


def test_code_reproduces_the_comparison(ningxia):
    changes = {"normalise.enabled": False, "calendar.quarter_starts": [0, 3, 6, 10]}
    code = ningxia.code(changes)
    scope: dict = {}
    exec(code, scope)
    pd.testing.assert_frame_equal(scope["comparison"].units, ningxia.compare(changes).units)


def test_new_quarter_boundaries_regroup_the_same_histories():
    w = WhatIf("jiande-2018", replicates=16)
    changes = {"calendar.quarter_starts": [0, 2, 4, 6]}
    c = w.compare(changes)
    assert not c.identical
    variant = w.rulebook.vary(changes)
    _, outcome, _ = score_batch(variant, w.synthetic.batch.under(variant.calendar(w.year)))
    np.testing.assert_array_equal(c.units["rank_variant"], outcome.rank.mean(axis=0))
    with pytest.raises(ValueError, match="first_month"):
        w.compare({"calendar.first_month": 7})


def test_code_reproduces_a_unit_table_and_a_behaviour():
    from simsuite.synthetic import Behaviour, real_units

    units = real_units(simsuite.rulebook("longyang-2019")).iloc[:6]
    behaviour = Behaviour.make({"activity.mean": 3.0})
    w = WhatIf("longyang-2019", population=units, replicates=16, behaviour=behaviour)
    changes = {"item_points.cap": 40}
    scope: dict = {}
    exec(w.code(changes), scope)
    pd.testing.assert_frame_equal(scope["comparison"].units, w.compare(changes).units)


def test_a_rule_added_from_the_catalogue_is_scored_and_reproduced(tmp_path):
    from simsuite.explorer import WhatIf
    from simsuite.engine.variant_file import read_variant

    w = WhatIf("harbin-2008", replicates=8)
    assert "year_cap" in w.addable() and "rank_units" not in w.addable()
    start = w.add_rule("year_cap")
    assert start.parameters["year_cap.points"] == 100
    result = w.run({"year_cap.points": 20})
    assert "year_cap" in result.variant.component_names
    code = w.code({"year_cap.points": 20})
    assert "whatif.add_rule('year_cap')" in code and "'year_cap.points': 20" in code
    namespace = {}
    exec(code, namespace)  # the code panel reproduces the comparison
    assert namespace["comparison"].units.equals(result.comparison.units)
    saved = read_variant(w.save({"year_cap.points": 20}, "cap", tmp_path))
    assert saved.component_names == result.variant.component_names and saved.parameters["year_cap.points"] == 20
