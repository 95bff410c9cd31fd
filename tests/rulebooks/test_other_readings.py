"""Each decision's other reading is a parameter that defaults to the decision:
switching it changes exactly what the decision is about, worked out by hand."""

from __future__ import annotations

import pytest

import simsuite
from ledger_rows import adoption, filler, item, quarters, score, unit

NX = "ningxia-transport-2021"


def _nx(changes=None):
    rb = simsuite.rulebook(NX)
    return rb.vary(changes) if changes else rb


def test_nx_5_quarter_whose_top_is_not_positive():
    # 001 has no item in Q1: three zero months, 3 × -5 = -15 (第十一条(一) 零报送).
    # 002 has one item in January (under group 1's quota of 2: 0), then February
    # and March empty: -10. The group's top in Q1 is -10 ≤ 0.
    units = [unit("001", "1"), unit("002", "1")]
    items = (filler("001", range(4, 13), year=2021) + filler("002", range(4, 13), year=2021)
             + [item("j", "002", "2021-01-10")])
    base = score(_nx(), units, items, year=2021)
    assert quarters(base, "001")[0] == -15 and quarters(base, "002")[0] == -10
    # decision NX-5: every unit scores 0 in such a quarter
    assert base.loc["001", "efficiency_q1"] == 0 and base.loc["002", "efficiency_q1"] == 0
    # the other reading, without the floor: the raw points pass through
    raw = score(_nx({"normalise.top_not_positive": "raw", "normalise.floor_negative": False}), units, items, year=2021)
    assert raw.loc["001", "efficiency_q1"] == -15 and raw.loc["002", "efficiency_q1"] == -10


def test_nx_1_co_units_items_count_toward_their_quotas_when_asked():
    # group 2 (quota 1 a month). 002 leads an item in January with 001 as co-unit;
    # 001 has nothing of its own in January. Both have fillers from February on.
    units = [unit("001", "2"), unit("002", "2")]
    items = (filler("001", range(2, 13), year=2021) + filler("002", range(2, 13), year=2021)
             + [item("x", "002", "2021-01-10", co_units="001")])
    base = score(_nx(), units, items, year=2021)
    # decision NX-1 (C-9): only the lead's items count: 001's January is empty, -5;
    # February..December quota reached: 11 × 5 = 55
    assert base.loc["001", "from_zero_month"] == -5 and base.loc["001", "from_quota"] == 55
    both = score(_nx({"quota.co_units_count": True, "zero_month.co_units_count": True}), units, items, year=2021)
    # the other reading: 001's January reaches its quota of 1 → 12 × 5 = 60, no zero month
    assert both.loc["001", "from_zero_month"] == 0 and both.loc["001", "from_quota"] == 60
    assert both.loc["002", "from_quota"] == base.loc["002", "from_quota"] == 60


def test_nx_2_research_points_read_as_a_quota():
    # 001 sends three research items in March and one in May; fillers every month.
    units = [unit("001", "1")]
    items = filler("001", year=2021) + [item(f"r{i}", "001", f"2021-03-0{i + 1}", "research") for i in range(3)] + [
        item("r9", "001", "2021-05-05", "research")]
    base = score(_nx(), units, items, year=2021)
    # decision NX-2: each research item scores 5: 4 × 5 = 20
    assert base.loc["001", "from_items"] == 20
    once = score(_nx({"item_points.count": "once_a_month"}), units, items, year=2021)
    # the other reading: a month with at least one scores 5 once: March and May, 10
    assert once.loc["001", "from_items"] == 10
    assert quarters(once, "001")[0] - quarters(base, "001")[0] == 5 - 15  # March: 5 instead of 15


def test_jl_1_weekly_quota_checked_week_by_week():
    # Jilin's year runs 2014-12-01 .. 2015-11-30: 365 days, 53 weeks (the last of one day).
    # A project office (quota 1 a week) sends 60 items, all in the first 60 days.
    from ledger_rows import spread
    from datetime import date

    units = [unit("p", "project")]
    items = spread("p", 60, start=date(2014, 12, 1), days=60)
    rb = simsuite.rulebook("jilin-transport-2015")
    base = score(rb, units, items, year=2015)
    # decision JL-1: 60 × 7 = 420 ≥ 1 × 365 on average → submission-1 met (20 points)
    weekly = score(rb.vary({"checklist.rule.submission-1": "items_every_week"}), units, items, year=2015)
    # week by week: weeks 10..53 have no item → not met: 20 points fewer
    assert base.loc["p", "points"] - weekly.loc["p", "points"] == 20


def test_ly_1_bonus_per_adoption():
    rb = simsuite.rulebook("longyang-2019")
    items = [item("i1", "a", "2019-02-10", "research")]
    adoptions = [adoption("i1", "ly-district", "regular", "2019-03-15"),
                 adoption("i1", "ly-province", "item", "2019-05-20")]
    base = score(rb, [unit("a", "section")], items, adoptions, year=2019)
    per = score(rb.vary({"bonus.per": "adoption"}), [unit("a", "section")], items, adoptions, year=2019)
    # decision LY-1: 15 once; the other reading: 15 for each of the two adoptions
    assert base.loc["a", "from_bonus"] == 15 and per.loc["a", "from_bonus"] == 30
    assert per.loc["a", "points_q2"] - base.loc["a", "points_q2"] == 15  # the May adoption's


@pytest.mark.parametrize("rounding, remainder, tiers", [
    # 11 units in one group: 30 % × 11 = 3.3 → up: k = 4, r = 7 over 3 tiers: 3, 2, 2 (JD-2)
    ("up", "first", [4, 3, 2, 2]),
    # down: k = 3, r = 8: 3, 3, 2
    ("down", "first", [3, 3, 3, 2]),
    # nearest: k = 3; the spare positions to the last tiers: 2, 3, 3
    ("nearest", "last", [3, 2, 3, 3]),
])
def test_jd_2_tier_sizes_and_rounding(rounding, remainder, tiers):
    rb = simsuite.rulebook("jiande-2018").vary(
        {"award.top_rounding": rounding, "award.remainder_to": remainder, "rank_points.enabled": False})
    units = [unit(f"{i:02d}", "A") for i in range(11)]
    # unit i sends 11 - i commissioned items of quality 10 in January: distinct points, ranks 1..11
    items = [item(f"{i}-{k}", f"{i:02d}", "2018-01-05", "commissioned", quality=10) for i in range(11) for k in range(11 - i)]
    t = score(rb, units, items, year=2018)
    assert sorted(t["rank"]) == list(range(1, 12))
    counts = t["award"].value_counts()
    names = ["no-deduction", "deduction-1", "deduction-2", "deduction-3"]
    assert [int(counts.get(n, 0)) for n in names] == tiers


def test_c_6_ties_share_the_best_or_the_worst_rank():
    rb = simsuite.rulebook("longyang-2019")
    units = [unit(u, "section") for u in "abc"]
    items = [item("a1", "a", "2019-02-10"), item("b1", "b", "2019-02-10"), item("c1", "c", "2019-02-10"),
             item("c2", "c", "2019-02-11")]
    best = score(rb, units, items, year=2019)
    worst = score(rb.vary({"ranking.ties": "worst"}), units, items, year=2019)
    # c: 4 points, rank 1; a and b tie on 2: decision C-6 gives both rank 2, the other reading rank 3
    assert best["rank"].to_dict() == {"a": 2, "b": 2, "c": 1}
    assert worst["rank"].to_dict() == {"a": 3, "b": 3, "c": 1}
