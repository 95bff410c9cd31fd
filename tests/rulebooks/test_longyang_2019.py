"""Hand-computed clause tests for `longyang-2019` (隆阳区工业和科技信息化局).

Every expected value below is worked out by hand from the rulebook
(隆阳区工业和科技信息化局政务信息工作实施方案, 2019, and decisions LY-1, LY-2
and C-1 … C-9 of docs/decisions.md) and the fixed readings
of the scoring API; the comment above each assertion shows the arithmetic and
the article or decision it rests on.

Year 2019 is the calendar year (C-1). One group, `section`.
final = base (2 per item, at most 60) + bonus − deductions (六、(二));
points = final.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

import ledger_rows
from ledger_rows import adoption, event, item

RULEBOOK = "longyang-2019"
YEAR = 2019


# --------------------------------------------------------------------------
# helpers

unit = partial(ledger_rows.unit, group="section", prefix="股室")
spread = partial(ledger_rows.spread, start=date(2019, 1, 1), days=365)
score = partial(ledger_rows.score, RULEBOOK, year=YEAR)


def _by_items(counts: list[int]):
    """Units u0, u1, … with the given numbers of items (final = 2 × count, ≤ 30)."""
    units = [unit(f"u{k}") for k in range(len(counts))]
    items = []
    for k, n in enumerate(counts):
        items += spread(f"u{k}", n)
    return units, items


# --------------------------------------------------------------------------
# 六、(一)1 base: 2 per item, at most 60


@pytest.mark.parametrize(
    "n_items, base",
    [
        (1, 2),      # 1 × 2
        (29, 58),    # 29 × 2
        (30, 60),    # 30 × 2 = 60, exactly the cap
        (31, 60),    # 31 × 2 = 62 -> capped at 60
        (45, 60),    # 90 -> 60
    ],
)
def test_ly_6_1_1_base_capped_at_exactly_60(n_items, base):
    t = score([unit("a")], spread("a", n_items))
    # 六、(一)1: 2 per item, at most 60; no bonus, no deduction; points = final.
    assert t.loc["a", "final"] == pytest.approx(base)
    assert t.loc["a", "points"] == pytest.approx(base)


def test_ly_6_1_1_base_credited_in_date_order_until_cap():
    units = [unit("a"), unit("b")]
    # a: 11 items in Q2 listed first, then 20 in Q1
    a_items = spread("a", 11, start=date(2019, 4, 1), days=91, prefix="a-q2-")
    a_items += spread("a", 20, start=date(2019, 1, 1), days=90, prefix="a-q1-")
    # b: 25 items in Q1, 10 in Q3
    b_items = spread("b", 25, start=date(2019, 1, 1), days=90, prefix="b-q1-")
    b_items += spread("b", 10, start=date(2019, 7, 1), days=92, prefix="b-q3-")
    t = score(units, a_items + b_items)
    # a: by date, 20 Q1 items -> 40 in Q1; the next 10 Q2 items reach 60 (20
    #    in Q2); the 11th Q2 item earns nothing.
    assert t.loc["a", "points_q1"] == pytest.approx(40)
    assert t.loc["a", "points_q2"] == pytest.approx(20)
    assert t.loc["a", "points_q3"] == pytest.approx(0)
    assert t.loc["a", "final"] == pytest.approx(60)
    # b: 25 × 2 = 50 in Q1; 5 more items reach 60 -> 10 in Q3.
    assert t.loc["b", "points_q1"] == pytest.approx(50)
    assert t.loc["b", "points_q3"] == pytest.approx(10)
    assert t.loc["b", "final"] == pytest.approx(60)


def test_ly_6_1_1_base_counts_in_year_in_scope_lead_items_of_every_kind():
    units = [unit("a"), unit("lead")]
    items = [
        item("a1", "a", "2019-01-01", "dynamic"),
        item("a2", "a", "2019-03-01", "comprehensive"),
        item("a3", "a", "2019-05-01", "research"),
        item("a4", "a", "2019-07-01", "commissioned"),
        item("a5", "a", "2019-12-31", "emergency"),
        item("a-before", "a", "2018-12-31"),
        item("a-after", "a", "2020-01-01"),
        item("a-out", "a", "2019-06-01", in_scope=False),
        item("lead1", "lead", "2019-06-01", co_units="a"),
    ]
    t = score(units, items)
    # a: 5 counted items of every kind (C-9); 2018/2020 items, the out-of-scope
    #    item (C-5) and the co-submitted item (C-3) count for nothing: 5 × 2 = 10
    assert t.loc["a", "final"] == pytest.approx(10)
    # lead: its one item: 2
    assert t.loc["lead", "final"] == pytest.approx(2)


# --------------------------------------------------------------------------
# 六、(一)2 bonus per adoption


@pytest.mark.parametrize(
    "outlet, section, value",
    [
        ("ly-district", "regular", 5),
        ("ly-district", "special", 10),
        ("ly-province", "item", 20),
        ("ly-state-council", "item", 20),
    ],
)
def test_ly_6_1_2_adoption_bonus_value(outlet, section, value):
    items = [item("i1", "a", "2019-02-10")]
    adoptions = [adoption("i1", outlet, section, "2019-08-10")]
    t = score([unit("a")], items, adoptions)
    # base 2 (Q1) + bonus `value` on the adoption's date (Q3); dynamic item, no LY-1.
    assert t.loc["a", "points_q1"] == pytest.approx(2)
    assert t.loc["a", "points_q3"] == pytest.approx(value)
    assert t.loc["a", "final"] == pytest.approx(2 + value)


def test_ly_c2_every_adoption_sums():
    items = [item("i1", "a", "2019-02-10")]
    adoptions = [
        adoption("i1", "ly-district", "special"),
        adoption("i1", "ly-province", "item", "2019-04-02"),
        adoption("i1", "ly-state-council", "item", "2019-04-20"),
    ]
    t = score([unit("a")], items, adoptions)
    # C-2: 2 base + 10 + 20 + 20 = 52; Q1 = 2 + 10, Q2 = 40.
    assert t.loc["a", "points_q1"] == pytest.approx(12)
    assert t.loc["a", "points_q2"] == pytest.approx(40)
    assert t.loc["a", "final"] == pytest.approx(52)


# --------------------------------------------------------------------------
# LY-1: commissioned / research item with an adoption, +15 once


@pytest.mark.parametrize(
    "kind, bonus",
    [("commissioned", 15), ("research", 15), ("dynamic", 0), ("comprehensive", 0), ("emergency", 0)],
)
def test_ly_1_plus_15_once_on_first_adoption_date(kind, bonus):
    items = [item("i1", "a", "2019-02-10", kind)]
    # the later adoption is listed first: LY-1 goes by date, not row order
    adoptions = [
        adoption("i1", "ly-province", "item", "2019-05-20"),
        adoption("i1", "ly-district", "regular", "2019-03-15"),
    ]
    t = score([unit("a")], items, adoptions)
    # Q1: base 2 + ly-district regular 5 + LY-1 bonus (first adoption 2019-03-15)
    # Q2: ly-province 20; the second adoption brings no second bonus.
    assert t.loc["a", "points_q1"] == pytest.approx(2 + 5 + bonus)
    assert t.loc["a", "points_q2"] == pytest.approx(20)
    # final = 2 + 5 + 20 + bonus
    assert t.loc["a", "final"] == pytest.approx(27 + bonus)


def test_ly_1_no_bonus_without_adoption():
    units = [unit("a"), unit("b")]
    items = [item("a1", "a", "2019-02-10", "commissioned"), item("b1", "b", "2019-02-10", "research")]
    t = score(units, items)
    # LY-1 needs at least one adoption: base 2 only.
    assert t.loc["a", "final"] == pytest.approx(2)
    assert t.loc["b", "final"] == pytest.approx(2)


def test_ly_1_bonus_lands_in_year_of_first_adoption():
    units = [unit("a"), unit("b")]
    items = [
        item("a1", "a", "2018-12-20", "commissioned"),
        item("b1", "b", "2018-11-01", "research"),
    ]
    adoptions = [
        adoption("a1", "ly-district", "regular", "2019-01-05"),
        adoption("b1", "ly-district", "regular", "2018-12-10"),
        adoption("b1", "ly-province", "item", "2019-02-01"),
    ]
    t19 = score(units, items, adoptions, year=2019)
    # 2019, a: the item is of 2018 (no base); adoption 5 + LY-1 15 on its first
    #    adoption date 2019-01-05 -> 20, all in Q1.
    assert t19.loc["a", "points_q1"] == pytest.approx(20)
    assert t19.loc["a", "final"] == pytest.approx(20)
    # 2019, b: first adoption (and LY-1) was in 2018; only ly-province 20.
    assert t19.loc["b", "final"] == pytest.approx(20)

    t18 = score(units, items, adoptions, year=2018)
    # 2018, a: base 2, no adoption in 2018 -> 2.
    assert t18.loc["a", "final"] == pytest.approx(2)
    # 2018, b: base 2 + ly-district 5 + LY-1 15 = 22.
    assert t18.loc["b", "final"] == pytest.approx(22)


# --------------------------------------------------------------------------
# 六、(一)3 deductions


@pytest.mark.parametrize(
    "kind, per",
    [
        ("commission_missed", 15),
        ("emergency_failure", 15),
        ("leak", 20),
        ("plagiarism", 20),
        ("false_report", 20),
    ],
)
def test_ly_6_1_3_deductions_per_event(kind, per):
    units = [unit("one"), unit("two"), unit("count2"), unit("outside")]
    items = []
    for u in ("one", "two", "count2", "outside"):
        items += spread(u, 20)  # base 40 each
    events = [
        event("one", "2019-06-01", kind),
        event("two", "2019-06-01", kind),
        event("two", "2019-09-01", kind),
        event("count2", "2019-06-01", kind, 2),
        event("outside", "2018-12-31", kind),
        event("outside", "2020-01-01", kind),
    ]
    t = score(units, items, unit_events=events)
    # one event: 40 - per
    assert t.loc["one", "final"] == pytest.approx(40 - per)
    # two events: 40 - 2 × per
    assert t.loc["two", "final"] == pytest.approx(40 - 2 * per)
    # one row with count 2 = two events: 40 - 2 × per
    assert t.loc["count2", "final"] == pytest.approx(40 - 2 * per)
    # events of 2018 / 2020: 40
    assert t.loc["outside", "final"] == pytest.approx(40)
    for u in ("one", "two", "count2", "outside"):
        assert t.loc[u, "points"] == pytest.approx(t.loc[u, "final"])


def test_ly_6_2_deductions_are_not_floored():
    events = [event("a", "2019-06-01", "leak")]
    t = score([unit("a")], [item("a1", "a", "2019-03-01")], unit_events=events)
    # 六、(二) final = base + bonus - deductions = 2 + 0 - 20 = -18 (no floor given)
    assert t.loc["a", "final"] == pytest.approx(-18)
    assert t.loc["a", "points"] == pytest.approx(-18)


# --------------------------------------------------------------------------
# 七 awards: top 3 advanced (LY-2), bottom three criticised


def test_ly_7_top_three_advanced_bottom_three_criticised():
    # finals 16, 14, 12, 10, 8, 6, 4, 2
    units, items = _by_items([8, 7, 6, 5, 4, 3, 2, 1])
    t = score(units, items)
    # 七: ranks 1–3 advanced; ranks 6–8 have 2, 1, 0 units strictly lower
    # (< 3) -> criticised; ranks 4–5 have 4 and 3 lower -> nothing.
    assert [int(t.loc[f"u{k}", "rank"]) for k in range(8)] == list(range(1, 9))
    assert [t.loc[f"u{k}", "award"] for k in range(8)] == (
        ["advanced"] * 3 + ["", ""] + ["criticised"] * 3
    )


def test_ly_7_tie_at_third_rank_all_advanced():
    # finals 20, 18, 16, 16, 10, 8, 6, 4, 2
    units, items = _by_items([10, 9, 8, 8, 5, 4, 3, 2, 1])
    t = score(units, items)
    # C-6: the two at 16 share rank 3 ≤ 3 -> both advanced; 10 has 4 lower
    # -> nothing; 8 (3 lower) nothing; 6, 4, 2 (2, 1, 0 lower) criticised.
    assert [int(t.loc[f"u{k}", "rank"]) for k in range(9)] == [1, 2, 3, 3, 5, 6, 7, 8, 9]
    assert [t.loc[f"u{k}", "award"] for k in range(9)] == (
        ["advanced"] * 4 + ["", ""] + ["criticised"] * 3
    )


@pytest.mark.parametrize(
    "missed, disqualified",
    [
        # two rows in the year -> ≥ 2 commission_missed (LY-2)
        ([("2019-03-01", 1), ("2019-09-01", 1)], True),
        # one row with count 2 -> 2 commission_missed
        ([("2019-03-01", 2)], True),
        # one commission_missed -> not disqualified
        ([("2019-03-01", 1)], False),
        # one in 2018, one in 2019 -> 1 in the year -> not disqualified
        ([("2018-12-31", 1), ("2019-03-01", 1)], False),
    ],
)
def test_ly_2_two_commission_missed_disqualify_from_advanced(missed, disqualified):
    # d: 30 items (60) + ly-province adoption 20 = 80 before deductions;
    # others: finals 40, 30, 20, 10, 6, 4, 2.
    units, items = _by_items([20, 15, 10, 5, 3, 2, 1])
    units.append(unit("d"))
    items += spread("d", 30)
    adoptions = [adoption("d-n0", "ly-province", "item")]
    events = [event("d", day, "commission_missed", c) for day, c in missed]
    t = score(units, items, adoptions, unit_events=events)
    n_in_year = sum(c for day, c in missed if day.startswith("2019"))
    # d: 80 - 15 × (commission_missed in 2019) = 50 or 65; still rank 1
    assert t.loc["d", "final"] == pytest.approx(80 - 15 * n_in_year)
    assert t.loc["d", "rank"] == 1
    # u0 (40) rank 2 and u1 (30) rank 3: advanced either way
    assert t.loc["u0", "rank"] == 2
    assert t.loc["u1", "rank"] == 3
    assert t.loc["u0", "award"] == "advanced"
    assert t.loc["u1", "award"] == "advanced"
    # u2 (20) is rank 4: outside ranks 1–3 whether or not d is disqualified
    # (七: the band is ranks 1–3; LY-2 only withholds d's title).
    assert t.loc["u2", "rank"] == 4
    assert t.loc["u2", "award"] == ""
    # d: LY-2 with ≥ 2 commission_missed -> not advanced (and not among the
    # bottom three: 7 units lower) -> ""; otherwise advanced.
    assert t.loc["d", "award"] == ("" if disqualified else "advanced")


def test_ly_7_bottom_three_with_ties():
    # A: finals 20, 18, 16, 12, 12, 10, 8
    units, items = _by_items([10, 9, 8, 6, 6, 5, 4])
    t = score(units, items)
    # strictly lower: 16 -> 4 (not bottom); 12s -> 2 each; 10 -> 1; 8 -> 0:
    # four criticised (fewer than three strictly lower).
    assert [t.loc[f"u{k}", "award"] for k in range(7)] == (
        ["advanced"] * 3 + ["criticised"] * 4
    )

    # B: finals 20, 18, 16, 14, 6, 6, 6, 6
    units, items = _by_items([10, 9, 8, 7, 3, 3, 3, 3])
    t = score(units, items)
    # 14 has four strictly lower -> nothing; the four 6s have 0 lower ->
    # all criticised.
    assert [t.loc[f"u{k}", "award"] for k in range(8)] == (
        ["advanced"] * 3 + [""] + ["criticised"] * 4
    )
    assert [int(t.loc[f"u{k}", "rank"]) for k in range(8)] == [1, 2, 3, 4, 5, 5, 5, 5]


def test_ly_7_tiny_group_advanced_beats_criticised():
    # four units, finals 8, 6, 4, 2
    units, items = _by_items([4, 3, 2, 1])
    t = score(units, items)
    # u0: rank 1, 3 lower -> advanced only.
    # u1, u2: ranks 2, 3 and 2, 1 lower -> both bottom three and advanced ->
    #         advanced (七).
    # u3: rank 4, 0 lower -> criticised.
    assert [t.loc[f"u{k}", "award"] for k in range(4)] == ["advanced"] * 3 + ["criticised"]

    # two units: both ranks ≤ 3 and both bottom -> both advanced.
    units, items = _by_items([2, 1])
    t = score(units, items)
    assert [t.loc[f"u{k}", "award"] for k in range(2)] == ["advanced", "advanced"]


def test_ly_2_disqualified_unit_in_tiny_group_is_criticised():
    units = [unit("x"), unit("y"), unit("z")]
    items = spread("x", 20) + spread("y", 30) + spread("z", 10)
    events = [
        event("y", "2019-04-01", "commission_missed"),
        event("y", "2019-08-01", "commission_missed"),
    ]
    t = score(units, items, unit_events=events)
    # x: 40 (rank 1); y: 60 - 2 × 15 = 30 (rank 2); z: 20 (rank 3).
    assert t.loc["x", "final"] == pytest.approx(40)
    assert t.loc["y", "final"] == pytest.approx(30)
    assert t.loc["z", "final"] == pytest.approx(20)
    # x: advanced (rank 1; 2 lower, also bottom three -> advanced wins).
    # y: LY-2 disqualified from advanced; 1 lower < 3 -> criticised.
    # z: advanced (rank 3; also bottom -> advanced wins).
    assert t.loc["x", "award"] == "advanced"
    assert t.loc["y", "award"] == "criticised"
    assert t.loc["z", "award"] == "advanced"
