"""Marginal points and effort–reward curves (simsuite.analytics.incentives).

Hand values come from the rulebooks' TOML files (article cited beside each);
the batch mechanism is checked against scoring the changed ledger directly.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger_rows
import simsuite
from ledger_rows import item
from random_histories import YEARS, random_history
from simsuite.analytics import incentives
from simsuite.analytics.incentives import (
    available_actions,
    effort_reward,
    effort_reward_curves,
    incentive_summary,
    marginal_points,
)
from simsuite.ledger import history_from_records

LY, NX = "longyang-2019", "ningxia-transport-2021"


def ledger(units, items=(), adoptions=()):
    return history_from_records(units=list(units), items=list(items), adoptions=list(adoptions))


def by_unit_action(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index(["unit_id", "action"])


# --------------------------------------------------------------------------
# Longyang: 2 points an item, at most 60 (六、(一)1); adoption bonus 5 / 10 / 20 / 20 (六、(一)2)

ly_unit = partial(ledger_rows.unit, group="section", prefix="股室")
ly_spread = partial(ledger_rows.spread, start=date(2019, 1, 1), days=365)


def longyang_ledger():
    """Unit "cap" has 30 items (2 × 30 = 60, exactly at the cap); "low" has 10 (20 points)."""
    return ledger([ly_unit("cap"), ly_unit("low")], ly_spread("cap", 30) + ly_spread("low", 10))


def test_longyang_capped_item_earns_nothing_more():
    t = by_unit_action(marginal_points(LY, longyang_ledger(), 2019))
    # at the cap: one more item of any kind adds 0 base points (六、(一)1 最多计60分)
    for kind in ("dynamic", "comprehensive", "research", "commissioned", "emergency"):
        row = t.loc[("cap", f"item:{kind}")]
        assert row["d_points"] == 0.0 and row["d_final"] == 0.0 and row["d_from_items"] == 0.0
    # an adopted item at the cap: its base part is 0, only the adoption scores
    # (ly-district 普刊 5, 省 20, 国务院 20; 六、(一)2)
    for action, bonus in (("adoption:up1", 5.0), ("adoption:up2", 20.0), ("adoption:national", 20.0)):
        row = t.loc[("cap", action)]
        assert row["d_from_items"] == 0.0
        assert row["d_points"] == bonus


def test_longyang_below_cap_hand_values():
    t = by_unit_action(marginal_points(LY, longyang_ledger(), 2019, units=["low"]))
    assert set(t.index.get_level_values("unit_id")) == {"low"}
    # 20 points now, 40 below the cap: one more item earns its 2 points
    assert t.loc[("low", "item:dynamic"), "d_points"] == 2.0
    # a research item earns the extra 15 only once adopted (LY-1): not adopted here
    assert t.loc[("low", "item:research"), "d_points"] == 2.0
    # item 2 + adoption 5 / 20 / 20
    assert t.loc[("low", "adoption:up1"), "d_points"] == 7.0
    assert t.loc[("low", "adoption:up2"), "d_points"] == 22.0
    assert t.loc[("low", "adoption:national"), "d_points"] == 22.0
    # points = final in Longyang; "low" (20) passes nobody ("cap" has 60): rank stays 2
    assert t.loc[("low", "adoption:up2"), "d_final"] == 22.0
    assert t.loc[("low", "adoption:up2"), "d_rank"] == 0.0
    assert t.loc[("low", "item:dynamic"), "points"] == 20.0 and t.loc[("low", "item:dynamic"), "rank"] == 2


def test_longyang_has_no_own_level_and_no_monthly_quota():
    assert "adoption:own" not in available_actions(LY)
    t = by_unit_action(marginal_points(LY, longyang_ledger(), 2019))
    row = t.loc[("low", "quota_month")]
    assert np.isnan(row["d_points"]) and "no monthly quota" in row["note"]
    with pytest.raises(ValueError, match="adoption:own"):
        effort_reward(LY, longyang_ledger(), unit="low", year=2019)  # default action: no own-level outlet


def test_longyang_effort_reward_flat_past_the_cap():
    curve = effort_reward(LY, longyang_ledger(), unit="low", action="item:dynamic", max_effort=25, year=2019)
    assert curve["effort"].tolist() == list(range(26))
    assert (curve["series"] == "item:dynamic").all()
    # 20 + 2k until the cap of 60 at k = 20, then flat (六、(一)1)
    expected = [20.0 + 2 * min(k, 20) for k in range(26)]
    assert curve["points"].tolist() == expected
    assert curve["reward"].tolist() == expected  # reward = final = points in Longyang


# --------------------------------------------------------------------------
# Ningxia: quota 2 items a month in group 1 for 5 points, no more above it
# (第十一条(一) 基础分计5分,超额报送不加分); zero month −5; research 5 an item (NX-2)


def nx_month_items(uid: str, per_month: dict[int, int]) -> list[dict]:
    return [item(f"{uid}-{m:02d}-{k}", uid, f"2021-{m:02d}-{10 + k:02d}") for m, n in per_month.items()
            for k in range(n)]


def ningxia_ledger():
    """Group 1 (quota 2): "a" has 2 dynamic items every month but 1 in March;
    "b" has 2 every month and none in February (a zero month)."""
    a = nx_month_items("a", {m: (1 if m == 3 else 2) for m in range(1, 13)})
    b = nx_month_items("b", {m: 2 for m in range(1, 13) if m != 2})
    return ledger([ledger_rows.unit("a", "1"), ledger_rows.unit("b", "1")], a + b)


def test_ningxia_no_extra_points_above_quota_and_quota_month():
    t = by_unit_action(marginal_points(NX, ningxia_ledger(), 2021))
    # the busiest month of "a" is January (2 items, at quota): one more dynamic
    # or comprehensive item there earns nothing (超额报送不加分)
    assert t.loc[("a", "item:dynamic"), "d_points"] == 0.0
    assert t.loc[("a", "item:comprehensive"), "d_points"] == 0.0
    # a research item scores per item: 5 (第十一条(一) 调研类…基础分计5分; NX-2)
    assert t.loc[("a", "item:research"), "d_points"] == 5.0
    # March is one item short: one item completes it, exactly quota.points = 5
    # (ningxia-transport-2021.toml [quota.points] value = 5, 第十一条(一))
    row = t.loc[("a", "quota_month")]
    assert row["d_points"] == 5.0 and row["d_from_quota"] == 5.0
    assert "2021-03" in row["description"] and "1 more item" in row["description"]
    # "b"'s first month below quota is its zero month: 2 items give the quota's 5
    # and lift the −5 of 每月零报送扣5分 ([zero_month.points] = −5): 10 in all
    row = t.loc[("b", "quota_month")]
    assert row["d_points"] == 10.0
    assert row["d_from_quota"] == 5.0 and row["d_from_zero_month"] == 5.0


def test_ningxia_higher_adoption_never_scores_less_than_own():
    t = by_unit_action(marginal_points(NX, ningxia_ledger(), 2021, units=["a"]))
    # the item lands in a month at quota (0), its adoption scores the catalogue's value:
    # 《宁夏交通信息》2, 党委《综合信息》4, 选报国办 6, 中办国办 10 (第十一条(二)1-4)
    got = [t.loc[("a", f"adoption:{lv}"), "d_points"] for lv in ("own", "up1", "up2", "national")]
    assert got == [2.0, 4.0, 6.0, 10.0]
    assert got == sorted(got)


def test_ningxia_quota_month_curve_stops_when_no_month_is_left():
    curve = effort_reward(NX, ningxia_ledger(), unit="a", action="quota_month", max_effort=5, year=2021)
    # "a" has one month below quota: efforts 0 and 1 only, +5 points
    assert curve["effort"].tolist() == [0, 1]
    assert np.diff(curve["points"]).tolist() == [5.0]


# --------------------------------------------------------------------------
# properties


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulebook_id=st.sampled_from(sorted(YEARS)), seed=st.integers(0, 10_000))
def test_effort_in_the_year_never_lowers_points(rulebook_id, seed):
    h = random_history(rulebook_id, seed)
    curves = effort_reward_curves(rulebook_id, h, unit="001", max_effort=6, year=YEARS[rulebook_id])
    for _, curve in curves.groupby("series"):
        assert (np.diff(curve["points"].to_numpy()) >= -1e-9).all()


def busiest_day(rb, h, unit_id: str, year: int) -> str:
    """The date rule, recomputed from the ledger: the 15th of the unit's month
    with most in-scope items of the year (earliest on a tie; first month if none)."""
    cal = rb.calendar(year)
    items = h.items[(h.items["unit_id"] == unit_id) & h.items["in_scope"]]
    month = items["date"].dt.year * 12 + items["date"].dt.month - 1 - (cal.start_month + 1970 * 12)
    counts = month[(month >= 0) & (month < 12)].value_counts().reindex(range(12), fill_value=0)
    m = int(counts.idxmax())  # first label of the maximum
    start = np.datetime64(cal.start_month + m, "M").astype("datetime64[D]")
    return str(start + np.timedelta64(14, "D"))


@pytest.mark.parametrize("rulebook_id, seed", [("jiande-2018", 3), ("ningxia-transport-2021", 5),
                                               ("jilin-transport-2015", 8), ("harbin-2008", 2)])
def test_batch_marginals_equal_scoring_the_changed_ledger(rulebook_id, seed):
    """Each variant scored in the shared batch gives what scoring the ledger
    with the added rows gives on its own."""
    rb = simsuite.rulebook(rulebook_id)
    year = YEARS[rulebook_id]
    h = random_history(rulebook_id, seed)
    actions = ["item:research", available_actions(rb)[-2]]  # a kind, and the top-level adoption
    table = by_unit_action(marginal_points(rb, h, year, actions=actions))
    base = simsuite.score(rb, h, year).table.set_index("unit_id")
    top_pair = rb.outlets().query("level == @actions[1].split(':')[1]").iloc[0]
    for unit_id in h.units["unit_id"]:
        day = busiest_day(rb, h, unit_id, year)
        for action in actions:
            kind = "research" if action == "item:research" else "dynamic"
            extra = [item("added", unit_id, day, kind)]
            ads = [] if action == "item:research" else [ledger_rows.adoption("added", top_pair.outlet, top_pair.section)]
            changed = history_from_records(
                units=h.units, items=pd.concat([h.items, pd.DataFrame(extra)], ignore_index=True),
                adoptions=pd.concat([h.adoptions, pd.DataFrame(ads, columns=["item_id", "outlet", "section"])],
                                    ignore_index=True),
                instructions=h.instructions, unit_events=h.unit_events, checklist=h.checklist)
            after = simsuite.score(rb, changed, year).table.set_index("unit_id")
            row = table.loc[(unit_id, action)]
            assert row["d_points"] == pytest.approx(after.loc[unit_id, "points"] - base.loc[unit_id, "points"])
            assert row["d_final"] == pytest.approx(after.loc[unit_id, "final"] - base.loc[unit_id, "final"])
            assert row["d_rank"] == after.loc[unit_id, "rank"] - base.loc[unit_id, "rank"]
            assert row["award_after"] == after.loc[unit_id, "award"]


def test_every_variant_is_one_replicate_of_one_scoring_run(monkeypatch):
    calls = []
    real = incentives.score_batch

    def counting(rulebook, batch, *args, **kwargs):
        calls.append(batch.n_reps)
        return real(rulebook, batch, *args, **kwargs)

    monkeypatch.setattr(incentives, "score_batch", counting)
    table = marginal_points(NX, ningxia_ledger(), 2021)
    # 2 units × (5 kinds + 4 levels + quota month) = 20 variants, plus the unchanged ledger
    assert len(table) == 2 * 10
    assert calls == [1 + 20]
    calls.clear()
    curves = effort_reward_curves(NX, ningxia_ledger(), unit="b", max_effort=4, year=2021)
    # 5 series (item:dynamic, 4 levels) × 4 efforts + quota_month × 4 (only 1 feasible), plus the base
    assert calls == [1 + 6 * 4]
    assert len(curves) == 5 * 5 + 2


def test_summary_hand_values():
    s = incentive_summary(LY, longyang_ledger(), year=2019).set_index("incentive")
    assert list(s.columns) == ["rulebook", "action", "mean_d_final", "mean_d_points", "units"]
    # volume: one more dynamic item: 0 at the cap, 2 below → mean 1
    assert s.loc["volume", "action"] == "item:dynamic" and s.loc["volume", "mean_d_points"] == 1.0
    # quality: a national adoption (20) with its item: 0 + 20 and 2 + 20 → mean 21
    assert s.loc["quality", "action"] == "adoption:national" and s.loc["quality", "mean_d_final"] == 21.0


def test_curves_from_a_synthetic_year_are_tidy():
    curves = effort_reward_curves(LY, max_effort=3, seed=7)
    assert {"series", "effort", "reward"} <= set(curves.columns)
    assert set(curves["series"]) == {"item:dynamic", "adoption:up1", "adoption:up2", "adoption:national"}
    assert curves.groupby("series")["effort"].apply(list).map(lambda e: e == [0, 1, 2, 3]).all()
    assert curves["unit_id"].nunique() == 1


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="did you mean 'item:dynamic'"):
        marginal_points(NX, ningxia_ledger(), 2021, actions=["item:dynamc"])
    with pytest.raises(ValueError, match="no unit 'c'"):
        marginal_points(NX, ningxia_ledger(), 2021, units=["c"])
    with pytest.raises(ValueError, match="max_effort"):
        effort_reward(NX, ningxia_ledger(), unit="a", max_effort=-1, year=2021)
    with pytest.raises(ValueError, match="adoption_kind"):
        marginal_points(NX, ningxia_ledger(), 2021, adoption_kind="dinamic")
