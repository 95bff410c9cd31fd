"""Sensitivity of rankings to rulebook parameters: SALib's Sobol' indices on
functions with known indices, validation before any work, and runs that can
be reproduced from what the result keeps."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

import simsuite
import simsuite.analytics.sensitivity as sens
from simsuite.analytics.sensitivity import SensitivityError, sobol, sobol_indices, sweep, tornado
from simsuite.engine.score import score_batch
from simsuite.synthetic import generate, real_units

NINGXIA = "ningxia-transport-2021"


@pytest.fixture(scope="module")
def ningxia():
    return simsuite.rulebook(NINGXIA)


# ---- SALib wrapper on functions whose indices are known ----------------------------

def ishigami(X, a=7.0, b=0.1):
    """f = sin x1 + a sin² x2 + b x3⁴ sin x1, each x uniform on [−π, π]."""
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3 ** 4 * np.sin(x1)


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first-order and total indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / var, np.array([v1 + v13, v2, v13]) / var


def test_ishigami_indices_come_out_right():
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-4)  # the textbook values
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-4)
    ranges = {name: (-math.pi, math.pi) for name in ("x1", "x2", "x3")}
    got = sobol_indices(ishigami, ranges, 2 ** 12, seed=3)
    assert list(got.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(got["parameter"]) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(got["S1"], s1, atol=0.05)
    np.testing.assert_allclose(got["ST"], st, atol=0.05)
    for col in ("S1_conf", "ST_conf"):
        assert ((got[col] > 0) & (got[col] < 0.08)).all(), got


def test_additive_function_indices_are_its_variance_shares():
    # f = x + 2y, x, y uniform on [0, 1]: Var = 1/12 + 4/12, shares 1/5 and 4/5, no interaction
    got = sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1], {"x": (0, 1), "y": (0, 1)}, 2 ** 10, seed=1)
    np.testing.assert_allclose(got["S1"], [0.2, 0.8], atol=0.03)
    np.testing.assert_allclose(got["ST"], [0.2, 0.8], atol=0.03)


def test_sobol_indices_rejects_bad_design_and_output():
    with pytest.raises(SensitivityError, match=r"power of 2.*\(e\.g\. 64 or 128\)"):
        sobol_indices(ishigami, {"x": (0, 1)}, 100)
    with pytest.raises(SensitivityError, match="one value a run"):
        sobol_indices(lambda X: X, {"x": (0, 1), "y": (0, 1)}, 8)


# ---- validation before anything runs ---------------------------------------------------

@pytest.fixture
def nothing_runs(monkeypatch):
    """Generating or scoring anything fails the test."""
    def forbidden(*args, **kwargs):
        raise AssertionError("histories were generated or scored before validation")

    monkeypatch.setattr(sens, "generate", forbidden)
    monkeypatch.setattr(sens, "score_batch", forbidden)


def test_unknown_path_is_an_error_with_did_you_mean(ningxia, nothing_runs):
    with pytest.raises(SensitivityError, match=r"no parameter 'normalise\.scael'.*did you mean 'normalise\.scale'"):
        sobol(ningxia, {"normalise.scael": (1, 10)})
    with pytest.raises(SensitivityError, match=r"did you mean 'quota\.points'"):
        sweep(ningxia, "quota.point", [1, 2])


def test_table_prefix_names_its_cells(ningxia, nothing_runs):
    with pytest.raises(SensitivityError, match=r"'quota\.items' is a table of 2 parameters.*quota\.items\.1, quota\.items\.2"):
        tornado(ningxia, {"quota.items": (0, 3)})


def test_range_outside_bounds_and_non_numeric_parameters(ningxia, nothing_runs):
    with pytest.raises(SensitivityError, match=r"\(-1, 200\) leaves the allowed \[0, 100\].*below.*above"):
        sobol(ningxia, {"quota.points": (-1, 200)})
    with pytest.raises(SensitivityError, match=r"'normalise\.enabled' is a bool parameter"):
        sobol(ningxia, {"normalise.enabled": (0, 1)})
    with pytest.raises(SensitivityError, match=r"'final\.combine' is a choice parameter"):
        tornado(ningxia, {"final.combine": (0, 1)})
    with pytest.raises(SensitivityError, match=r"whole number"):  # the rulebook's own check, through vary
        sobol(ningxia, {"quota.points": (0.5, 3)})
    with pytest.raises(SensitivityError, match=r"co_submission\.share.*\(0\.8, 0\.2\) needs low < high"):
        sobol(ningxia, {"co_submission.share": (0.8, 0.2)})


def test_every_problem_is_reported_at_once(ningxia, nothing_runs):
    with pytest.raises(SensitivityError) as err:
        sobol(ningxia, {"normalise.scael": (1, 2), "normalise.enabled": (0, 1), "quota.points": (3, 200),
                        "adoption.points.nx-info.item": (2, 1)}, n=48, replicates=0, conf_level=1.5)
    text = str(err.value)
    assert "7 problem(s)" in text
    for part in ("normalise.scael", "normalise.enabled", "quota.points", "adoption.points.nx-info.item",
                 "n = 48", "replicates = 0", "conf_level = 1.5"):
        assert part in text


def test_sweep_values_and_population_are_checked(ningxia, nothing_runs):
    with pytest.raises(SensitivityError) as err:
        sweep(ningxia, "final.combine", ["mean", "median", "sum"])
    assert "'median'" in str(err.value) and "1 problem(s)" in str(err.value)
    units = real_units(ningxia).assign(group=lambda d: d["group"].replace("2", "3"))
    with pytest.raises(SensitivityError, match=r"units: ningxia-transport-2021 has no group '3'"):
        sweep(ningxia, "quota.points", [4, 6], units=units)


def test_a_calendar_that_moves_the_year_is_refused(ningxia, nothing_runs):
    # histories are drawn for one assessment year; starting it in March would score unsimulated months
    with pytest.raises(SensitivityError, match=r"'calendar\.first_month' = 3 moves the assessment year"):
        sweep(ningxia, "calendar.first_month", [1, 3])
    with pytest.raises(SensitivityError, match=r"'calendar\.first_month' = 12 moves the assessment year"):
        sobol(ningxia, {"calendar.first_month": (1, 12)})


# ---- sweeps and tornado ------------------------------------------------------------------

def test_normalisation_scale_cannot_move_ranks_except_at_zero(ningxia):
    # each quarter is scale × points ÷ the group's top: any positive scale
    # multiplies every final by the same factor, so no rank moves; at scale 0
    # everyone scores 0 and ties first, so each unit moves by (its rank − 1)
    result = sweep(ningxia, "normalise.scale", [1, 5, 20, 100, 0], replicates=16, seed=7)
    shift = result.summary.set_index("value")["mean_abs_shift"]
    assert (shift.loc[[1, 5, 20, 100]] == 0).all()
    base = score_batch(ningxia, generate(ningxia, real_units(ningxia), 2021, None, range(16), 7).batch)[1].rank
    assert shift.loc[0] == pytest.approx(base.mean() - 1, abs=1e-12)
    at_zero = result.ranks[result.ranks["value"] == 0]
    assert len(at_zero) == len(real_units(ningxia)) and (at_zero["mean_rank"] == 1).all()
    np.testing.assert_allclose(result.ranks.groupby("unit_id")["base_mean_rank"].first().sort_index(),
                               base.mean(axis=0), atol=1e-12)
    assert list(result.summary.columns) == ["parameter", "value", "mean_abs_shift", "mean_abs_shift_se"]


def test_quota_points_move_ranks_but_not_at_their_own_value(ningxia):
    result = sweep(ningxia, "quota.points", [0, 5, 20], replicates=16)
    shift = result.summary.set_index("value")["mean_abs_shift"]
    assert shift.loc[5] == 0  # the baseline's own value
    assert shift.loc[[0, 20]].max() > 0
    assert (result.summary["mean_abs_shift_se"] >= 0).all()
    assert result.variant(20).parameters["quota.points"] == 20


def test_quarter_boundaries_regroup_the_same_histories(ningxia):
    # quarter boundaries live in the histories' calendar: a sweep must apply them, not leave them inert
    result = sweep(ningxia, "calendar.quarter_starts", [(0, 3, 6, 9), (0, 1, 2, 3)], replicates=16)
    shift = result.summary["mean_abs_shift"].to_numpy()
    assert shift[0] == 0 and shift[1] > 0
    synthetic = generate(ningxia, real_units(ningxia), 2021, None, range(16), 0)
    base = score_batch(ningxia, synthetic.batch)[1].rank
    variant = result.variant((0, 1, 2, 3))
    batch = dataclasses.replace(synthetic.batch, calendar=variant.calendar(2021))
    rank = score_batch(variant, batch)[1].rank
    assert shift[1] == pytest.approx(np.abs(rank - base).mean(), abs=1e-12)


def test_tornado_orders_by_swing_and_keeps_the_plot_columns(ningxia):
    frame = tornado(ningxia, {"normalise.scale": (1, 100), "quota.points": (0, 20)}, replicates=16)
    assert {"parameter", "output_low", "output_high", "output_base"} <= set(frame.columns)
    assert list(frame["parameter"]) == ["quota.points", "normalise.scale"]
    scale = frame.set_index("parameter").loc["normalise.scale"]
    assert scale["output_low"] == scale["output_high"] == scale["swing"] == 0
    assert scale["base_value"] == 5 and scale["low"] == 1 and scale["high"] == 100
    quota = frame.set_index("parameter").loc["quota.points"]
    assert quota["swing"] == max(quota["output_low"], quota["output_high"]) > 0
    assert (frame["output_base"] == 0).all()


# ---- Sobol on a rulebook ---------------------------------------------------------------------

RANGES = {"quota.points": (0, 10), "adoption.points.nx-info.item": (0.5, 4.0)}


@pytest.fixture(scope="module")
def small_sobol(ningxia):
    return sobol(ningxia, RANGES, n=8, replicates=16, seed=11)


def test_samples_respect_ranges_and_whole_numbers(small_sobol):
    s = small_sobol.samples
    assert len(s) == 8 * (2 + 2) == len(small_sobol.outputs) == small_sobol.runs
    assert list(s.columns) == ["run", "quota.points", "adoption.points.nx-info.item"]
    assert pd.api.types.is_integer_dtype(s["quota.points"])
    assert s["quota.points"].between(0, 10).all()
    assert s["adoption.points.nx-info.item"].between(0.5, 4.0).all()
    assert s["adoption.points.nx-info.item"].nunique() > 8  # continuous, not rounded
    assert small_sobol.problem["bounds"][0] == [-0.5, 10.5]  # each whole number equally likely
    assert list(small_sobol.indices.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(small_sobol.unit_indices.columns) == ["unit_id", "name", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(small_sobol.unit_ranks) == small_sobol.runs * len(small_sobol.units)


def test_a_run_is_reproduced_from_what_the_result_keeps(small_sobol, ningxia):
    batch = small_sobol.histories().batch
    base = score_batch(ningxia, batch)[1].rank
    for run in (0, 5, 31):
        changes = small_sobol.changes(run)
        row = small_sobol.samples.iloc[run]
        assert changes == {p: row[p] for p in RANGES} and isinstance(changes["quota.points"], int)
        variant = small_sobol.variant(run)
        assert variant.parameters["quota.points"] == changes["quota.points"]
        rank = score_batch(variant, batch)[1].rank
        stored = small_sobol.unit_ranks[small_sobol.unit_ranks["run"] == run]
        np.testing.assert_array_equal(stored["mean_rank"].to_numpy(), rank.mean(axis=0))
        assert small_sobol.outputs.loc[run, "mean_abs_shift"] == pytest.approx(np.abs(rank - base).mean(), abs=1e-12)
    with pytest.raises(IndexError, match="no run 32"):
        small_sobol.variant(32)


def test_same_seed_same_indices(small_sobol, ningxia):
    again = sobol(ningxia, RANGES, n=8, replicates=16, seed=11)
    pd.testing.assert_frame_equal(again.indices, small_sobol.indices)
    pd.testing.assert_frame_equal(again.unit_indices, small_sobol.unit_indices)
    pd.testing.assert_frame_equal(again.samples, small_sobol.samples)
    other = sobol(ningxia, RANGES, n=8, replicates=16, seed=12)
    assert not other.samples.equals(small_sobol.samples)


def test_an_output_that_never_varies_gets_nan_indices(ningxia):
    # a positive normalisation scale never moves a rank: nothing to share out
    result = sobol(ningxia, {"normalise.scale": (1, 100)}, n=4, replicates=16, calc_second_order=True)
    assert len(result.samples) == 4 * (2 * 1 + 2)
    assert (result.outputs["mean_abs_shift"] == 0).all()
    assert result.indices[["S1", "S1_conf", "ST", "ST_conf"]].isna().all().all()
    assert result.unit_indices[["S1", "ST"]].isna().all().all()
    assert result.second_order.empty  # one parameter: no pairs


def test_second_order_pairs(ningxia):
    result = sobol(ningxia, RANGES, n=4, replicates=16, calc_second_order=True)
    assert len(result.samples) == 4 * (2 * 2 + 2)
    assert list(result.second_order[["parameter", "other"]].itertuples(index=False, name=None)) == [
        ("quota.points", "adoption.points.nx-info.item")]


def test_default_year_is_the_rulebooks_own():
    assert simsuite.rulebook(NINGXIA).own_year() == 2021
    assert simsuite.rulebook("jilin-transport-2015").own_year() == 2015


# ---- per-unit indices are SALib's own analysis of each unit's output ---------------------------

THREE = {**RANGES, "co_submission.share": (0.2, 0.8)}


# with 4 base points some units' outputs are constant within a block of runs, which SALib warns about
@pytest.mark.filterwarnings("ignore:Constant values encountered")
@pytest.mark.parametrize("ranges", [RANGES, THREE], ids=["two parameters", "three parameters"])
@pytest.mark.parametrize("second", [False, True], ids=["first and total", "with second order"])
def test_unit_indices_equal_salibs_analysis_of_each_unit(ningxia, ranges, second):
    from SALib.analyze import sobol as salib_sobol

    result = sobol(ningxia, ranges, n=4, replicates=8, seed=5, calc_second_order=second, num_resamples=20)
    D = len(ranges)
    assert result.runs == 4 * ((2 * D + 2) if second else (D + 2))
    checked = 0
    for unit_id, ranks in result.unit_ranks.groupby("unit_id", sort=False)["mean_rank"]:
        got = result.unit_indices[result.unit_indices["unit_id"] == unit_id]
        Y = ranks.to_numpy()
        if np.ptp(Y) == 0:  # nothing to share out: NaN, not SALib's division by zero
            assert got[["S1", "ST"]].isna().all().all()
            continue
        want = salib_sobol.analyze(result.problem, Y, calc_second_order=second, num_resamples=20,
                                   seed=sens._stream_seed(5, sens._BOOTSTRAP_STREAM))
        for column in ("S1", "S1_conf", "ST", "ST_conf"):
            np.testing.assert_allclose(got[column].to_numpy(), want[column], rtol=1e-12, atol=1e-12)
        pairs = result.unit_second_order[result.unit_second_order["unit_id"] == unit_id]
        if second:
            assert len(pairs) == D * (D - 1) // 2
            for row in pairs.itertuples():
                j, k = result.problem["names"].index(row.parameter), result.problem["names"].index(row.other)
                assert row.S2 == pytest.approx(want["S2"][j, k], abs=1e-12)
                assert row.S2_conf == pytest.approx(want["S2_conf"][j, k], abs=1e-12)
        else:
            assert pairs.empty
        checked += 1
    assert checked > 5  # most units' mean ranks move with these parameters
