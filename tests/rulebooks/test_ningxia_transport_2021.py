"""Hand-computed clause tests for the ``ningxia-transport-2021`` rulebook.

Every test builds a tiny history, scores year 2021 and checks values worked
out by hand from the rulebook (宁夏回族自治区交通运输厅, 第十一条、第十二条,
decisions NX-1 … NX-5 and the common decisions C-1 … C-9).

Conventions of the helpers below:
- ``filler(uid)`` gives a unit one ``emergency`` item on the 15th of each
  month: it keeps the month from being a zero month (C-9: items of every kind
  count) but is neither ``dynamic`` nor ``comprehensive`` (no quota) nor
  ``research``/``commissioned`` (no per-item points), so a filled month
  scores 0 (NX-1).
- Quarters are calendar quarters (C-1).
"""

from __future__ import annotations

from functools import partial

import pytest

import ledger_rows
from ledger_rows import ALL_MONTHS, adoption, instruction, item, quarters

RULEBOOK = "ningxia-transport-2021"
YEAR = 2021


# --------------------------------------------------------------------------
# helpers


unit = partial(ledger_rows.unit, prefix="测试单位")
# one emergency item on the 15th of each month given (see module doc)
filler = partial(ledger_rows.filler, year=YEAR, kind="emergency")
score = partial(ledger_rows.score, RULEBOOK, year=YEAR)


def research_items(unit_id: str, quarter: int, n: int, tag: str = "r") -> list[dict]:
    """``n`` research items dated in the first month of ``quarter``: 5 points each."""
    month = 3 * (quarter - 1) + 1
    return [
        item(f"{unit_id}-{tag}{quarter}-{i}", unit_id, f"{YEAR}-{month:02d}-{20 + i:02d}", "research")
        for i in range(n)
    ]


def quarter_points(unit_id: str, quarter: int, pts: int) -> tuple[list[dict], list[dict]]:
    """Items and adoptions giving a group-1 unit exactly ``pts`` points in ``quarter``.

    Multiples of 5 come from research items (5 each, 第十一条); the remainder
    1..4 from ``dynamic`` items adopted by 《宁夏交通信息》 (brief 1, item 2) or
    《政务信息》 (4), at most one dynamic item a month so the group-1 quota of
    2 is never reached (NX-1: such a month scores 0).
    """
    items = research_items(unit_id, quarter, pts // 5)
    adoptions = []
    first = 3 * (quarter - 1) + 1
    rest = pts % 5
    parts = {0: [], 1: [("nx-info", "brief")], 2: [("nx-info", "item")],
             3: [("nx-info", "brief"), ("nx-info", "item")], 4: [("nx-gov-info", "item")]}[rest]
    for k, (outlet, section) in enumerate(parts):
        iid = f"{unit_id}-d{quarter}-{k}"
        items.append(item(iid, unit_id, f"{YEAR}-{first + k:02d}-03"))
        adoptions.append(adoption(iid, outlet, section))
    return items, adoptions


# --------------------------------------------------------------------------
# 第十一条(一): monthly base points


def test_nx_11_1_monthly_quota_reached_gives_5():
    items = filler("001") + [
        item("a1", "001", "2021-01-05"),
        item("a2", "001", "2021-01-06"),
        item("b1", "001", "2021-02-05"),
        item("b2", "001", "2021-02-06", "comprehensive"),
    ]
    t = score([unit("001", "1")], items)
    # 第十一条(一), group 1 quota 2 (dynamic + comprehensive):
    # Jan 2 dynamic -> 5; Feb 1 dynamic + 1 comprehensive -> 5; Mar only the
    # filler -> 0 (NX-1).  Q1 = 10, Q2..Q4 = 0; points = 10.
    assert quarters(t, "001") == pytest.approx([10, 0, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(10)


def test_nx_11_1_quota_exceeded_earns_nothing_extra():
    items = filler("001") + [
        item("a1", "001", "2021-01-05"),
        item("a2", "001", "2021-01-06"),
    ] + [item(f"m{i}", "001", f"2021-03-{i + 1:02d}") for i in range(5)] + [
        item("m9", "001", "2021-03-09", "comprehensive"),
    ]
    t = score([unit("001", "1")], items)
    # 第十一条(一) 超额报送不加分: Jan 2 items -> 5; Mar 6 items -> still 5.
    # Q1 = 5 + 0 + 5 = 10.
    assert quarters(t, "001") == pytest.approx([10, 0, 0, 0])


def test_nx_11_1_group_2_quota_is_one():
    items = filler("001") + filler("002") + [
        item("g1", "001", "2021-01-05"),
        item("g2a", "002", "2021-01-05"),
        item("g2b", "002", "2021-02-05", "comprehensive"),
    ]
    t = score([unit("001", "1"), unit("002", "2")], items)
    # 第十一条(一): group 1 needs 2 -> one dynamic item in Jan gives 0 (NX-1).
    assert quarters(t, "001") == pytest.approx([0, 0, 0, 0])
    # group 2 needs 1 -> Jan (1 dynamic) 5 + Feb (1 comprehensive) 5 = 10.
    assert quarters(t, "002") == pytest.approx([10, 0, 0, 0])


def test_nx_11_1_zero_month_minus_5():
    items = filler("002", months=[m for m in ALL_MONTHS if m not in (2, 5)])
    t = score([unit("001", "1"), unit("002", "1")], items)
    # 第十一条(一) 零报送 -5: unit 001 has no item at all -> every month -5,
    # every quarter -15, the year -60.
    assert quarters(t, "001") == pytest.approx([-15, -15, -15, -15])
    assert t.loc["001", "points"] == pytest.approx(-60)
    # unit 002 misses only Feb and May -> Q1 -5, Q2 -5.
    assert quarters(t, "002") == pytest.approx([-5, -5, 0, 0])
    assert t.loc["002", "points"] == pytest.approx(-10)


def test_nx_1_month_between_quota_and_zero_scores_0():
    items = filler("001", months=[m for m in ALL_MONTHS if m != 2]) + [
        item("d1", "001", "2021-01-05"),
        item("r1", "001", "2021-02-05", "research"),
    ]
    t = score([unit("001", "1")], items)
    # NX-1: Jan has 1 dynamic (< quota 2) -> 0, not -5; Feb has only a
    # research item -> not a zero month and no quota -> 0, plus the research
    # item's 5 (第十一条).  Q1 = 0 + 5 + 0 = 5.
    assert quarters(t, "001") == pytest.approx([5, 0, 0, 0])


def test_nx_1_co_units_items_do_not_count_toward_quotas():
    items = (
        filler("001")
        + filler("002", months=range(2, 13))
        + filler("003")
        + [
            item("j1", "001", "2021-01-05", co_units="002;003"),
            item("j2", "001", "2021-01-06", co_units="002;003"),
            item("j3", "001", "2021-04-06", "research", co_units="002;003"),
        ]
    )
    t = score([unit("001", "1"), unit("002", "1"), unit("003", "2")], items)
    # NX-1 / C-9: the lead 001 has 2 dynamic items in Jan -> 5; its research
    # item in Apr -> 5.
    assert quarters(t, "001") == pytest.approx([5, 5, 0, 0])
    # 002 has no item of its own in Jan: co-submitted items do not count,
    # so Jan is a zero month (-5); the research item's 5 is the lead's only.
    assert quarters(t, "002") == pytest.approx([-5, 0, 0, 0])
    # 003 (group 2, quota 1) would reach its quota if co-submissions counted;
    # they do not -> Jan 0.
    assert quarters(t, "003") == pytest.approx([0, 0, 0, 0])


def test_nx_11_1_research_and_commissioned_score_5_each():
    items = filler("001") + [
        item("r1", "001", "2021-01-10", "research"),
        item("c1", "001", "2021-05-10", "commissioned"),
    ]
    t = score([unit("001", "1")], items)
    # 第十一条 完成1次基础分计5分: research in Jan -> Q1 5; commissioned in
    # May -> Q2 5.
    assert quarters(t, "001") == pytest.approx([5, 5, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(10)


def test_nx_2_every_research_and_commissioned_item_counts():
    items = filler("001") + [
        item("r1", "001", "2021-01-10", "research"),
        item("r2", "001", "2021-02-10", "research"),
        item("r3", "001", "2021-03-10", "research"),
        item("c1", "001", "2021-07-10", "commissioned"),
        item("c2", "001", "2021-08-10", "commissioned"),
        item("r4", "001", "2021-09-10", "research"),
    ]
    t = score([unit("001", "1")], items)
    # NX-2: no cap at one per half-year/year: Q1 3 x 5 = 15; Q3 3 x 5 = 15.
    assert quarters(t, "001") == pytest.approx([15, 0, 15, 0])
    assert t.loc["001", "points"] == pytest.approx(30)


# --------------------------------------------------------------------------
# 第十一条(二): adoptions


ADOPTION_CATALOGUE = [
    ("nx-info", "item", 2),
    ("nx-info", "brief", 1),
    ("nx-party-comprehensive", "item", 4),
    ("nx-gov-info", "item", 4),
    ("nx-mot-brief", "item", 4),
    ("nx-party-ningxia-info", "item", 6),
    ("nx-party-key-report", "item", 6),
    ("nx-party-research", "item", 6),
    ("nx-gov-to-state-council", "item", 6),
    ("nx-mot-exchange", "item", 6),
    ("nx-central", "item", 10),
]


@pytest.mark.parametrize("outlet,section,pts", ADOPTION_CATALOGUE)
def test_nx_11_2_adoption_points_per_outlet(outlet, section, pts):
    items = filler("001") + [item("x", "001", "2021-01-10")]
    t = score([unit("001", "1")], items, [adoption("x", outlet, section)])
    # 第十一条(二) catalogue: one adoption of a lone dynamic item (month 0 by
    # NX-1), dated on the item's date (Jan) -> Q1 = the table value.
    assert quarters(t, "001") == pytest.approx([pts, 0, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(pts)


def test_nx_11_2_only_highest_adoption_counts():
    items = filler("001") + [item("x", "001", "2021-01-10")]
    adoptions = [
        adoption("x", "nx-info", "brief", "2021-01-20"),
        adoption("x", "nx-info", "item", "2021-02-01"),
        adoption("x", "nx-central", "item", "2021-02-10"),
        adoption("x", "nx-gov-info", "item", "2021-03-01"),
    ]
    t = score([unit("001", "1")], items, adoptions)
    # 第十一条(二) 只记最高分: adoptions 1, 2, 10, 4 in Q1 -> max = 10
    # (not the sum 17); by C-8 +1, +1, +8, +0 all land in Q1.
    assert quarters(t, "001") == pytest.approx([10, 0, 0, 0])


def test_nx_c8_highest_adoption_credited_as_it_arrives_across_quarters():
    items = filler("001") + [item("x", "001", "2021-01-10")]
    # rows deliberately out of date order
    adoptions = [
        adoption("x", "nx-central", "item", "2021-11-02"),
        adoption("x", "nx-gov-info", "item", "2021-08-02"),
        adoption("x", "nx-party-ningxia-info", "item", "2021-05-02"),
        adoption("x", "nx-info", "item", "2021-02-02"),
    ]
    t = score([unit("001", "1")], items, adoptions)
    # C-8 in date order: Feb 2 (highest 2) -> Q1 +2; May 6 -> Q2 +4;
    # Aug 4 (< 6) -> Q3 +0; Nov 10 -> Q4 +4.  Year = 10 = the highest.
    assert quarters(t, "001") == pytest.approx([2, 4, 0, 4])
    assert t.loc["001", "points"] == pytest.approx(10)


def test_nx_c8_adoption_before_year_sets_highest_so_far():
    items = filler("001") + [
        item("p1", "001", "2020-12-10"),
        item("p2", "001", "2020-12-11"),
        item("p3", "001", "2020-12-12", "research"),
    ]
    adoptions = [
        adoption("p1", "nx-gov-info", "item", "2020-12-20"),
        adoption("p1", "nx-central", "item", "2021-01-15"),
        adoption("p2", "nx-info", "item", "2021-02-01"),
        adoption("p3", "nx-party-research", "item", "2020-12-30"),
        adoption("p3", "nx-mot-brief", "item", "2021-03-01"),
    ]
    t = score([unit("001", "1")], items, adoptions)
    # C-8 across the year start (each row in its own date's period):
    # p1: 2020 adoption 4 sets the highest; Jan 2021 10 -> +6 in Q1.
    # p2: first adoption in Feb 2021 -> +2 in Q1.
    # p3: 2020 adoption 6; Mar 2021 4 does not raise it -> +0; the 2020
    #     research item earns no 5 in 2021, and the 2020 items count for no
    #     2021 quota.
    # Q1 = 6 + 2 + 0 = 8.
    assert quarters(t, "001") == pytest.approx([8, 0, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(8)


# --------------------------------------------------------------------------
# instructions (第十一条(二), NX-3, C-4)


@pytest.mark.parametrize(
    "level,pts",
    [("province", 10), ("ministry", 10), ("national", 10), ("bureau", 0), ("county", 0), ("city", 0)],
)
def test_nx_3_instruction_points_by_level(level, pts):
    items = filler("001") + [item("x", "001", "2021-01-10")]
    t = score([unit("001", "1")], items, instructions=[instruction("x", level, "read", "2021-02-10")])
    # 第十一条(二) 自治区/交通运输部领导批示 10; NX-3: national as those two,
    # bureau / county / city nothing.  Instruction dated Feb -> Q1.
    assert quarters(t, "001") == pytest.approx([pts, 0, 0, 0])


@pytest.mark.parametrize("kind", ["read", "affirm", "reference", "decision"])
def test_nx_3_instruction_kind_does_not_change_points(kind):
    items = filler("001") + [item("x", "001", "2021-01-10")]
    t = score([unit("001", "1")], items, instructions=[instruction("x", "province", kind)])
    # 第十一条(二): 10 per instruction whatever its kind.
    assert quarters(t, "001") == pytest.approx([10, 0, 0, 0])


def test_nx_c4_instructions_add_to_adoption_and_each_scores():
    items = filler("001") + [item("x", "001", "2021-01-10")]
    adoptions = [adoption("x", "nx-gov-info", "item", "2021-02-01")]
    instructions = [
        instruction("x", "province", "affirm", "2021-02-05"),
        instruction("x", "national", "affirm", "2021-05-05"),
        instruction("x", "city", "affirm", "2021-06-05"),
    ]
    t = score([unit("001", "1")], items, adoptions, instructions)
    # C-4: instruction points add to the adoption, and each instruction
    # scores (the highest-only rule covers adoptions only):
    # Q1 = 4 (《政务信息》) + 10 (province); Q2 = 10 (national) + 0 (city).
    assert quarters(t, "001") == pytest.approx([14, 10, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(24)


# --------------------------------------------------------------------------
# co-submission (NX-4)


def test_nx_4_co_units_get_half_including_instructions():
    units = [unit("001", "1"), unit("002", "1"), unit("003", "2")]
    items = filler("001") + filler("002") + filler("003") + [
        item("x", "001", "2021-01-10", co_units="002;003"),
    ]
    adoptions = [
        adoption("x", "nx-info", "item", "2021-02-01"),
        adoption("x", "nx-central", "item", "2021-04-01"),
    ]
    instructions = [
        instruction("x", "ministry", "affirm", "2021-05-01"),
        instruction("x", "bureau", "affirm", "2021-06-01"),
    ]
    t = score(units, items, adoptions, instructions)
    # Lead (第十一条 联合报送): Q1 +2 (nx-info); Q2 +8 (nx-central raises the
    # highest from 2 to 10, C-8) + 10 (ministry) + 0 (bureau) = 18.
    assert quarters(t, "001") == pytest.approx([2, 18, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(20)
    # NX-4: each co-unit half of every credit, on the same dates, including
    # the instruction: Q1 1; Q2 4 + 5 = 9.
    for co in ("002", "003"):
        assert quarters(t, co) == pytest.approx([1, 9, 0, 0])
        assert t.loc[co, "points"] == pytest.approx(10)


# --------------------------------------------------------------------------
# C-5 out-of-scope items


def test_nx_c5_out_of_scope_items_score_nothing():
    items = filler("001", months=[m for m in ALL_MONTHS if m != 2]) + filler("002") + [
        item("o1", "001", "2021-01-10", "research", in_scope=False, co_units="002"),
        item("o2", "001", "2021-01-11", in_scope=False),
        item("o3", "001", "2021-01-12", in_scope=False),
        item("o4", "001", "2021-02-10", in_scope=False),
        item("o5", "001", "2021-02-11", in_scope=False),
    ]
    adoptions = [adoption("o1", "nx-central"), adoption("o2", "nx-gov-info")]
    instructions = [instruction("o1", "province")]
    t = score([unit("001", "1"), unit("002", "1")], items, adoptions, instructions)
    # C-5: o1's research 5, adoption 10 and instruction 10 all score nothing,
    # o2's adoption nothing; o2 + o3 do not reach Jan's quota (Jan 0 through
    # the filler); Feb holds only out-of-scope items -> zero month -5.
    # Q1 = 0 + (-5) + 0 = -5.
    assert quarters(t, "001") == pytest.approx([-5, 0, 0, 0])
    # the co-unit's half of nothing is nothing.
    assert quarters(t, "002") == pytest.approx([0, 0, 0, 0])


# --------------------------------------------------------------------------
# 第十二条 efficiency score, NX-5, final, ranks


def test_nx_12_top_gets_5_others_in_proportion_per_group():
    units = [unit("001", "1"), unit("002", "1"), unit("003", "1"), unit("004", "2")]
    items, adoptions = [], []
    for uid, q, pts in [("001", 1, 20), ("002", 1, 10), ("003", 1, 4), ("004", 1, 5),
                        ("001", 2, 1), ("002", 2, 3)]:
        i, a = quarter_points(uid, q, pts)
        items += i
        adoptions += a
    for uid in ("001", "002", "003", "004"):
        items += filler(uid)
    t = score(units, items, adoptions)
    assert quarters(t, "001") == pytest.approx([20, 1, 0, 0])
    assert quarters(t, "002") == pytest.approx([10, 3, 0, 0])
    assert quarters(t, "003") == pytest.approx([4, 0, 0, 0])
    assert quarters(t, "004") == pytest.approx([5, 0, 0, 0])
    # 第十二条, group 1:
    #   Q1 top 20: 001 -> 5, 002 -> 10*5/20 = 2.5, 003 -> 4*5/20 = 1
    #   Q2 top 3:  002 -> 5, 001 -> 1*5/3 = 5/3, 003 -> 0
    #   Q3, Q4 top 0 -> 0 (NX-5)
    # final = mean of the four quarters:
    #   001 = (5 + 5/3) / 4 = 5/3;  002 = (2.5 + 5) / 4 = 1.875;  003 = 1/4.
    assert t.loc["001", "final"] == pytest.approx(5 / 3)
    assert t.loc["002", "final"] == pytest.approx(1.875)
    assert t.loc["003", "final"] == pytest.approx(0.25)
    # group 2 is normalised on its own: 004 is its Q1 top -> 5; final 5/4.
    assert t.loc["004", "final"] == pytest.approx(1.25)
    # ranks within group by final (C-6)
    assert [int(t.loc[u, "rank"]) for u in ("002", "001", "003", "004")] == [1, 2, 3, 1]


def test_nx_12_top_scores_exactly_5():
    items, adoptions = quarter_points("001", 1, 3)
    items += filler("001") + filler("002")
    i, a = quarter_points("002", 1, 1)
    items += i
    adoptions += a
    t = score([unit("001", "1"), unit("002", "1")], items, adoptions)
    # 第十二条: the top unit gets 5 (not 3 * 5 / 3 with a rounding error):
    # 001 Q1 eff = 5, other quarters 0 -> final = 5 / 4 = 1.25 exactly;
    # 002 Q1 eff = 1 * 5 / 3 -> final = 5/12.
    assert t.loc["001", "final"] == 1.25
    assert t.loc["002", "final"] == pytest.approx(5 / 12)


def test_nx_5_top_not_positive_gives_zero():
    items = (
        filler("001", months=range(2, 13))
        + filler("002", months=range(3, 13))
        + filler("003")
    )
    t = score([unit("001", "1"), unit("002", "1"), unit("003", "1")], items)
    # Q1: 001 -5 (Jan zero month), 002 -10 (Jan, Feb), 003 0 -> top 0 <= 0
    # -> every unit 0 (NX-5); Q2..Q4 top 0 -> 0.  final = 0 for all.
    assert quarters(t, "001") == pytest.approx([-5, 0, 0, 0])
    assert quarters(t, "002") == pytest.approx([-10, 0, 0, 0])
    for uid in ("001", "002", "003"):
        assert t.loc[uid, "final"] == pytest.approx(0)
    # all finals equal -> all share rank 1 (C-6)
    assert [int(t.loc[u, "rank"]) for u in ("001", "002", "003")] == [1, 1, 1]


def test_nx_5_negative_top_gives_zero_not_a_ratio():
    items = filler("001", months=range(2, 13)) + filler("002", months=range(3, 13))
    t = score([unit("001", "1"), unit("002", "1")], items)
    # Q1 top is -5 (001) -> NX-5: everyone 0 (not 5 for 001 nor 10 for 002).
    assert t.loc["001", "final"] == pytest.approx(0)
    assert t.loc["002", "final"] == pytest.approx(0)


def test_nx_5_negative_efficiency_floored_at_zero():
    items = filler("001") + filler("002", months=[m for m in ALL_MONTHS if m != 7])
    items += research_items("001", 3, 2)
    t = score([unit("001", "1"), unit("002", "1")], items)
    # Q3: 001 10 (2 research) -> 5; 002 -5 (Jul zero month) -> -5*5/10 =
    # -2.5, floored at 0 (NX-5).  final 001 = 5/4, 002 = 0.
    assert quarters(t, "002") == pytest.approx([0, 0, -5, 0])
    assert t.loc["001", "final"] == pytest.approx(1.25)
    assert t.loc["002", "final"] == pytest.approx(0)
    # points = the year's sum of quarter points (before normalisation)
    assert t.loc["001", "points"] == pytest.approx(10)
    assert t.loc["002", "points"] == pytest.approx(-5)


def test_nx_12_final_is_mean_of_four_quarters():
    items = filler("001") + filler("002")
    for uid, q, n in [("001", 1, 2), ("001", 2, 1), ("001", 3, 1),
                      ("002", 1, 1), ("002", 2, 2), ("002", 3, 1), ("002", 4, 1)]:
        items += research_items(uid, q, n)
    t = score([unit("001", "1"), unit("002", "1")], items)
    assert quarters(t, "001") == pytest.approx([10, 5, 5, 0])
    assert quarters(t, "002") == pytest.approx([5, 10, 5, 5])
    # 第十二条 年度 = 四个季度平均:
    # 001 effs 5, 2.5, 5, 0 -> 12.5 / 4 = 3.125
    # 002 effs 2.5, 5, 5, 5 -> 17.5 / 4 = 4.375
    assert t.loc["001", "final"] == pytest.approx(3.125)
    assert t.loc["002", "final"] == pytest.approx(4.375)
    # points = sum of quarter points: 20 and 25.
    assert t.loc["001", "points"] == pytest.approx(20)
    assert t.loc["002", "points"] == pytest.approx(25)
    assert int(t.loc["002", "rank"]) == 1
    assert int(t.loc["001", "rank"]) == 2


def test_nx_12_no_award_by_default():
    items = filler("001") + research_items("001", 1, 1)
    t = score([unit("001", "1")], items)
    # 第十二条: 先进单位 count not fixed -> award empty by default.
    assert t.loc["001", "award"] == ""


def test_nx_c6_equal_finals_share_best_rank():
    units = [unit(u, "1") for u in ("001", "002", "003", "004")]
    items, adoptions = [], []
    plan = {"001": (30, 30, 30, 30), "002": (1, 2, 3, 4), "003": (2, 3, 4, 1), "004": (1, 1, 1, 1)}
    for uid, per_q in plan.items():
        items += filler(uid)
        for q, pts in enumerate(per_q, start=1):
            i, a = quarter_points(uid, q, pts)
            items += i
            adoptions += a
    t = score(units, items, adoptions)
    assert quarters(t, "002") == pytest.approx([1, 2, 3, 4])
    assert quarters(t, "003") == pytest.approx([2, 3, 4, 1])
    # 第十二条 with top 30 every quarter:
    # 002 = (5/30)(1 + 2 + 3 + 4) / 4 = 5/12; 003 the same sum in another
    # order, 5/12 (as floats the two sums can differ in the last bit; C-6
    # compares after rounding to 6 dp) -> they tie.
    # 001 = 5; 004 = (5/30)*4/4 = 1/6.
    assert t.loc["002", "final"] == pytest.approx(5 / 12)
    assert t.loc["003", "final"] == pytest.approx(5 / 12)
    # C-6: ranks 1, 2, 2, 4 (ties share the best rank).
    assert [int(t.loc[u, "rank"]) for u in ("001", "002", "003", "004")] == [1, 2, 2, 4]
