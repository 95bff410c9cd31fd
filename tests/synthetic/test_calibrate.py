"""Calibration from a ledger: the pooling estimators worked by hand, the
recovery of known parameters from a synthetic ledger, the file round trip,
the predictive check's data, scenarios and the command line."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simsuite
from simsuite.cli import main
from simsuite.ledger import LedgerWarning, history_from_records, write_history
from simsuite.synthetic import Behaviour, generate, synthetic_units, to_history
from simsuite.synthetic.calibrate import (POOLED, calibrate, check_table, dirichlet_multinomial, gamma_poisson,
                                          predictive_check, read_calibration)

RB = "ningxia-transport-2021"


def test_gamma_poisson_by_hand():
    # counts 0, 10, 20, 30 over 10 months each: pooled rate m = 60 / 40 = 1.5;
    # Σ[(y − e m)² − e m] = (225 + 25 + 25 + 225) − 4 × 15 = 440, so the gamma
    # shape a = m² Σe² / 440 = 2.25 × 400 / 440 = 2.04545…; a unit's rate is
    # (a + y) / (a / m + e) = (2.04545 + y) / 11.36364
    rate, m, a = gamma_poisson(np.array([[0], [10], [20], [30]]), np.full(4, 10.0))
    assert m[0] == pytest.approx(1.5)
    assert a[0] == pytest.approx(900 / 440)
    np.testing.assert_allclose(rate[:, 0], [0.18, 1.06, 1.94, 2.82], atol=1e-9)
    # counts no more spread than Poisson: every unit gets the pooled rate
    rate, _, a = gamma_poisson(np.array([[15], [15]]), np.full(2, 10.0))
    assert a[0] == POOLED and rate[:, 0] == pytest.approx([1.5, 1.5], rel=1e-4)


def test_dirichlet_multinomial_by_hand():
    # [[8, 2], [2, 8]]: pooled shares ½, ½; each unit's χ² = 2 × 3² / 5 = 3.6,
    # 7.2 in all, less (K − 1) × 2 units = 5.2; α + 1 = (K − 1) Σ(n − 1) / 5.2
    # = 18 / 5.2, α = 32 / 13; the first unit's share (8 + α/2) / (10 + α) = 20 / 27
    shares, p, alpha = dirichlet_multinomial(np.array([[8, 2], [2, 8]]))
    assert alpha == pytest.approx(32 / 13)
    np.testing.assert_allclose(shares, [[20 / 27, 7 / 27], [7 / 27, 20 / 27]])
    # a unit with three items is pulled far more toward the mean than one with thirty
    counts = np.array([[3, 0], [30, 0], [10, 20], [12, 18], [5, 25], [20, 10]])
    shares, p, _ = dirichlet_multinomial(counts)
    assert p[0] < shares[0, 0] < shares[1, 0] < 1


def _ledger_of_years(rb, units, behaviour, years, seed):
    """One ledger of several assessment years for the same units (their
    latent traits come from the seed alone, so each year is drawn for the
    same units as replicate r of the seed)."""
    frames = {k: [] for k in ("items", "adoptions", "instructions", "unit_events", "checklist")}
    truth = None
    for r, year in enumerate(years):
        s = generate(rb, units, year, behaviour, replicates=range(r, r + 1), seed=seed)
        truth = s
        h = to_history(s, rb, 0)
        for key in frames:
            f = getattr(h, key).copy()
            if "item_id" in f:
                f["item_id"] = f"{year}-" + f["item_id"].astype(str)
            for col in ("co_units", "sent_to"):
                if col in f:
                    f[col] = f[col].map(";".join)
            if key == "checklist":
                continue  # the checklist is per year; calibration does not read it
            frames[key].append(f)
    joined = {k: pd.concat(v, ignore_index=True) for k, v in frames.items() if v}
    return history_from_records(units=units, vocabulary=rb.vocabulary, source="three synthetic years",
                                **joined), truth


@pytest.fixture(scope="module")
def recovered():
    rb = simsuite.rulebook(RB)
    units = synthetic_units(rb, {rb.groups[0]: 60})
    # known parameters: units differ in activity (gamma shape 2) and quality
    # (which moves adoption chances through a logit slope of 3); no research boost
    behaviour = Behaviour.make({"adoption.research_boost": 0.0, "activity.mean": 5.0})
    history, truth = _ledger_of_years(rb, units, behaviour, (2019, 2020, 2021), seed=11)
    return rb, behaviour, history, truth, calibrate(rb, history, date="2026-01-01")


def test_parameter_recovery_from_a_three_year_ledger(recovered):
    rb, behaviour, history, truth, c = recovered
    assert c.years == (2019, 2020, 2021)
    act = c.values["activity.mean"][:, 0]
    true_act = truth.activity[0] * np.array(behaviour["activity.month_profile"]).mean()
    # activity: 36 months a unit, so a unit's rate is known to within ~15 %
    assert np.corrcoef(act, true_act)[0, 1] > 0.95
    assert np.median(np.abs(act / true_act - 1)) < 0.15
    assert act.mean() == pytest.approx(true_act.mean(), rel=0.05)
    # month-to-month over-dispersion: true gamma shape 4; a ratio estimate from
    # 60 × 12 cells of 3 years, 3.2–4.3 over seeds 0–4 and 5.5 for this one
    assert 3.0 < c.shared["month_shape"] < 6.0
    # no unit has a month profile of its own: the profile is pooled (α very large)
    assert c.pooling["activity.month_profile"] > 500
    # month profile: the jurisdiction's shares of the year by calendar month, within 0.01
    true_profile = np.array(behaviour["activity.month_profile"])
    np.testing.assert_allclose((c.values["activity.month_profile"] / 12).mean(axis=0),
                               true_profile / true_profile.sum(), atol=0.01)
    # kinds: the defaults' shares, within 0.015 for every kind
    share = np.array(list(behaviour.table("kinds.share").values()))
    np.testing.assert_allclose(c.values["kinds.share"].mean(axis=0), share / share.sum(), atol=0.015)
    # quality (mark / 10): each unit within 4.5 standard errors of its latent
    # quality; a mark / 10 is q + N(0, 0.1²) rounded to a tenth, sd √(0.01 +
    # 0.01 / 12) ≈ 0.104 an item, so a unit with n items is known to 0.104 / √n
    # (15–400 items a unit: 0.005–0.027; the largest of 60 units' errors is
    # 2.3–3.3 of them over seeds, so a fixed bound of 0.05 failed for some seeds)
    n = history.items.groupby("unit_id").size().reindex(history.units["unit_id"]).fillna(0).to_numpy()
    err = np.abs(c.values["quality.mean"][:, 0] - truth.quality[0])
    assert (err < 4.5 * 0.104 / np.sqrt(n)).all()
    assert np.abs(c.values["quality.mean"][:, 0] - truth.quality[0]).mean() < 0.02
    # own-level adoption: each unit's true chance is logistic(logit 0.45 + 3 (q − ½))
    logit = np.log(0.45 / 0.55) + 3.0 * (truth.quality[0] - 0.5)
    true_own = 1 / (1 + np.exp(-logit))
    own = c.values["adoption.chance"][:, 0]
    assert np.corrcoef(own, true_own)[0, 1] > 0.9
    # ~180 items a unit over three years: binomial sd √(0.45 × 0.55 / 180) ≈ 0.037,
    # mean absolute error ≈ 0.8 sd ≈ 0.03 before shrinkage
    assert np.abs(own - true_own).mean() < 0.045
    # habits shared by every unit: co-submission 0.05, direct reports 0.4, in scope 1
    assert c.values["co_submission.chance"].mean() == pytest.approx(0.05, abs=0.01)
    assert c.values["direct_report.chance"].mean() == pytest.approx(0.4, abs=0.02)
    assert c.values["in_scope.chance"].min() == 1.0
    # events: the jurisdiction's yearly rate of absences, rate × 2 (1 − reliability)
    # per unit; 60 units × 3 years ≈ 43 expected, so 3 Poisson sd ≈ 30 %
    k = list(behaviour.table("events.rate")).index("absence")
    true_rate = (0.2 * 2 * (1 - truth.reliability[0])).mean()
    assert c.values["events.rate"][:, k].mean() == pytest.approx(true_rate, rel=0.3)


def test_a_unit_with_three_items_gets_a_sensible_estimate():
    rb = simsuite.rulebook(RB)
    units = synthetic_units(rb, {rb.groups[0]: 20})
    s = generate(rb, units, 2021, Behaviour.make({"activity.mean": 4.0}), seed=2)
    h = to_history(s, rb, 0)
    few = h.items["unit_id"] == units["unit_id"].iloc[0]
    keep = np.flatnonzero(few)[:3]
    items = pd.concat([h.items[~few], h.items.iloc[keep]])
    ad = h.adoptions[h.adoptions["item_id"].isin(items["item_id"])]
    ins = h.instructions[h.instructions["item_id"].isin(items["item_id"])]
    conv = lambda f: f.assign(**{c: f[c].map(";".join) for c in ("co_units", "sent_to") if c in f})  # noqa: E731
    thin = history_from_records(units=units, items=conv(items), adoptions=ad, instructions=ins,
                                vocabulary=rb.vocabulary)
    c = calibrate(rb, thin)
    act, own = c.values["activity.mean"][:, 0], c.values["adoption.chance"][:, 0]
    # 3 items in 12 months is 0.25 a month; shrinkage puts it between that and the mean
    assert 0.25 < act[0] < act.mean()
    # its adoption chance lies between its raw share and the jurisdiction's, strictly inside [0, 1]
    assert 0 < own[0] < 1
    assert c.values["kinds.share"][0].min() > 0  # no kind ruled out by three items


def test_file_round_trip_and_errors(recovered, tmp_path):
    *_, c = recovered
    back = read_calibration(c.to_toml(), "population.toml")
    pd.testing.assert_frame_equal(back.units, c.units)
    for path, v in c.values.items():
        np.testing.assert_allclose(back.values[path], v, rtol=1e-5, atol=1e-9)
    assert (back.date, back.years, back.rulebook_id) == ("2026-01-01", (2019, 2020, 2021), RB)
    bad = c.to_toml().replace("direct_report.chance\" = 0.", "direct_report.chance\" = 1", 1)
    with pytest.raises(ValueError, match=r"population.toml: \[units.'001'\] direct_report.chance = 1\d"):
        read_calibration(bad, "population.toml")
    with pytest.raises(ValueError, match="population.toml: a calibrated population needs"):
        read_calibration("[scenario]\nyear = 2021\n", "population.toml")


def test_calibrated_units_are_themselves_in_every_replicate(recovered):
    rb, _, history, _, c = recovered
    s = generate(rb, c.units, 2021, c.behaviour(), replicates=64, seed=1)
    np.testing.assert_array_equal(s.activity[0], c.values["activity.mean"][:, 0])
    np.testing.assert_array_equal(s.quality[5], c.values["quality.mean"][:, 0])
    # items a unit-month in the simulated years average the fitted rate × profile
    per_unit = np.bincount(s.batch.item_unit, minlength=len(c.units)) / (64 * 12)
    assert per_unit.mean() == pytest.approx(c.values["activity.mean"].mean(), rel=0.03)


def test_predictive_check_data(recovered):
    rb, _, history, _, c = recovered
    check = predictive_check(c, rb, history, 2021, replicates=64, seed=0)
    months = check["items_per_unit_month"]
    # shares of unit-months: 0, 1, …, 9, 10+ sum to 1, observed and simulated
    assert list(months["value"]) == [str(k) for k in range(10)] + ["10+"]
    assert months["observed"].sum() == pytest.approx(1) and months["simulated_mean"].sum() == pytest.approx(1)
    # observed adoptions by level are the ledger's own 2021 adoptions
    ad = history.adoptions[pd.to_datetime(history.adoptions["date"]).dt.year == 2021]
    level = {o: out.level for o, out in rb.file.outlets.items()}
    levels = check["adoptions_per_level"].set_index("value")["observed"]
    assert levels.sum() == len(ad)
    assert levels["own"] == (ad["outlet"].map(level) == "own").sum()
    # observed points are the ledger's 2021 scores
    with pytest.warns(LedgerWarning, match="only 3"):  # one year of three, on purpose
        scores = simsuite.score(rb, history, year=2021).table
    pts = check["points_by_group"].set_index("value")
    assert pts.loc["1:mean", "observed"] == pytest.approx(scores["points"].mean())
    assert pts.loc["1:max", "observed"] == pytest.approx(scores["points"].max())
    # bands are ordered, and a good calibration has most observed values inside them
    for f in check.values():
        assert (f["simulated_p05"] <= f["simulated_p95"]).all()
    table = check_table(check)
    assert table["inside"].mean() >= 0.7
    assert {"label_zh", "label_en", "meaning"} <= set(table.columns)


def test_predictive_check_figure_draws_the_check(recovered):
    from simsuite.plots.calibration import check_data, predictive_check_chart

    rb, _, history, _, c = recovered
    check = predictive_check(c, rb, history, 2021, replicates=32, seed=0)
    data = check_data(check)
    fig = predictive_check_chart(check)
    axes = fig.axes
    assert len(axes) == 3
    for ax, (key, frame) in zip(axes, data.items()):
        bars = [p.get_height() for p in ax.patches]
        np.testing.assert_allclose(bars, frame["simulated_mean"])
        dots = ax.lines[-1].get_ydata()
        np.testing.assert_allclose(dots, frame["observed"])
    assert "本级 own" in [t.get_text() for t in axes[1].get_xticklabels()]


def test_a_scenario_runs_next_year_for_the_calibrated_units(recovered, tmp_path):
    from simsuite.runs import read_scenario, repeat_manifest, run

    *_, c = recovered
    c.write(tmp_path / "population.toml")
    (tmp_path / "next.toml").write_text(f"""
[scenario]
title = "next year"
year = 2022
replicates = 16
seed = 1
chunk = 16

[population]
calibrated = "population.toml"

[[compare]]
name = "baseline"
rulebook = "{RB}"
""", encoding="utf-8")
    scenario = read_scenario(tmp_path / "next.toml")
    assert list(scenario.units(RB)["unit_id"]) == list(c.units["unit_id"])
    result = run(scenario)
    assert result.manifest["calibration"]["file"] == "population.toml"
    assert result.manifest["calibration"]["date"] == "2026-01-01"
    assert "population.toml" in result.manifest["variant_files"]
    again = run(repeat_manifest(result.manifest))  # repeated from the manifest alone
    pd.testing.assert_frame_equal(again.results, result.results)
    # the report names the calibration (file and date) instead of calling the traits random
    from simsuite.report import analyse, render_html
    from simsuite.report.labels import SIMULATED_TRAITS

    page = render_html(result, analyse(result, figures=False))
    assert "population.toml" in page and "2026-01-01" in page
    assert SIMULATED_TRAITS[1] not in page
    bad = (tmp_path / "next.toml").read_text(encoding="utf-8").replace('calibrated = "population.toml"',
                                                                       'calibrated = "none.toml"')
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[population\] calibrated: .*none.toml: no such calibrated population file"):
        read_scenario(tmp_path / "bad.toml")


def test_command_line_calibrates_and_checks(tmp_path, capsys):
    rb = simsuite.rulebook(RB)
    units = synthetic_units(rb, {rb.groups[0]: 12})
    s = generate(rb, units, 2021, seed=4)
    ledger = tmp_path / "ledger"
    write_history(to_history(s, rb, 0), ledger)
    out = tmp_path / "population.toml"
    assert main(["calibrate", "--rulebook", RB, "--history", str(ledger), "--out", str(out),
                 "--check", str(tmp_path / "check")]) == 0
    printed = capsys.readouterr().out
    assert "calibrated 12 units" in printed and "单位月均报送条数" in printed
    c = read_calibration(out.read_text(encoding="utf-8"), str(out))
    assert len(c.units) == 12 and c.years == (2021,)
    table = pd.read_csv(tmp_path / "check" / "predictive-check.csv")
    assert set(table["statistic"]) == {"items_per_unit_month", "adoptions_per_level", "points_by_group"}
    assert (tmp_path / "check" / "predictive-check.png").stat().st_size > 10_000
    # a wrong output name is one clear line, not a traceback
    assert main(["calibrate", "--rulebook", RB, "--history", str(ledger), "--out", str(tmp_path / "p.csv")]) == 2
    assert "give a .toml file" in capsys.readouterr().err


EXAMPLES = Path(__file__).parents[2] / "data" / "examples"


def test_a_stray_year_is_left_out_with_a_warning_and_years_can_be_chosen():
    # the example ledger holds 48 items of 2021 and one of December 2020
    with pytest.warns(LedgerWarning, match=r"calibrated on 2021; left out 2020 \(1 item\)"):
        c = simsuite.calibrate(RB, EXAMPLES / RB)
    assert c.years == (2021,) and c.units["items"].sum() == 48 and (c.units["months"] == 12).all()
    both = simsuite.calibrate(RB, EXAMPLES / RB, years=[2020, 2021])
    assert both.years == (2020, 2021) and both.units["items"].sum() == 49 and (both.units["months"] == 24).all()
    with pytest.raises(ValueError, match=r"no items in 2019; the ledger covers 2020 \(1 items\), 2021 \(48 items\)"):
        simsuite.calibrate(RB, EXAMPLES / RB, years=[2019])


def test_basic_work_checklist_is_fitted_where_the_rulebook_has_it():
    rb = simsuite.rulebook("harbin-2008")
    c = simsuite.calibrate(rb, EXAMPLES / "harbin-2008", years=[2008])
    met = pd.Series(c.values["checklist.basic_met"][:, 0], index=c.units["unit_id"])
    # unit 003 missed one basic line in the example ledger; the others none
    assert met["003"] < met["001"] <= 1
    assert (met > 0.5).all()
    back = read_calibration(c.to_toml())
    np.testing.assert_allclose(back.values["checklist.basic_met"], c.values["checklist.basic_met"], rtol=1e-5)
    assert "checklist.basic_met" not in simsuite.calibrate(RB, EXAMPLES / RB, years=[2021]).values
