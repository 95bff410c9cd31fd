"""Hand-computed clause tests for the ``jiande-2018`` rulebook.

Every test builds a tiny history, scores year 2018 and checks values worked
out by hand from the rulebook (建德市, 三、计分办法 and 四、考核结果,
decisions JD-1, JD-2 and the common decisions C-1 … C-9).

Conventions of the helpers below:
- ``filler(uid)`` gives a unit one unadopted ``dynamic`` item on the 15th of
  each month: the month is not a zero month and the item scores nothing.
- ``township_filler(uid)`` does the same for a township and also fulfils
  its direct-report task (直报点任务): two items sent to
  ``jd-hangzhou:key`` every month and one sent to ``jd-hangzhou:special``
  every quarter, none of them adopted.
- ``raw(uid, quarter, pts)`` gives a unit exactly ``pts`` raw points in a
  quarter: ``pts // 30`` persons of ``secondment`` (+30 each) and the rest as
  unadopted ``commissioned`` items whose ``quality`` is their base points.
"""

from __future__ import annotations

from functools import partial

import pytest

import ledger_rows
from ledger_rows import ALL_MONTHS, adoption, event, instruction, item, quarters

RULEBOOK = "jiande-2018"
YEAR = 2018

TARGET = {"township": 30, "A": 30, "B": 20, "C": 10}
TABLE = {
    "township": list(range(15, 5, -1)),  # 15, 14, ..., 6
    "A": list(range(25, 10, -1)),  # 25, 24, ..., 11
    "B": list(range(10, 4, -1)),  # 10, 9, ..., 5
    "C": list(range(10, 3, -1)),  # 10, 9, ..., 4
}
REST = {"township": 5, "A": 10, "B": 3, "C": 4}


# --------------------------------------------------------------------------
# helpers


unit = partial(ledger_rows.unit, prefix="测试单位")
filler = partial(ledger_rows.filler, year=YEAR)
score = partial(ledger_rows.score, RULEBOOK, year=YEAR)


def township_filler(unit_id: str, months=ALL_MONTHS, key_per_month=None, special_quarters=(1, 2, 3, 4)):
    """Direct-report items of a township; ``key_per_month`` overrides the 2 of a month."""
    key_per_month = key_per_month or {}
    rows = []
    for m in months:
        for k in range(key_per_month.get(m, 2)):
            rows.append(item(f"{unit_id}-key-{m:02d}-{k}", unit_id, f"{YEAR}-{m:02d}-{5 + k:02d}",
                             sent_to="jd-hangzhou:key"))
    for q in special_quarters:
        m = 3 * (q - 1) + 1
        rows.append(item(f"{unit_id}-spc-{q}", unit_id, f"{YEAR}-{m:02d}-20",
                         sent_to="jd-hangzhou:special"))
    # a month without key items still needs an item to avoid the zero month
    rows += filler(unit_id, [m for m in months if key_per_month.get(m, 2) == 0])
    return rows


def raw(unit_id: str, quarter: int, pts: int, tag: str = "") -> tuple[list[dict], list[dict]]:
    """(items, unit_events) giving exactly ``pts`` >= 0 raw points in ``quarter``."""
    first = 3 * (quarter - 1) + 1
    events = []
    if pts // 30:
        events.append(event(unit_id, f"{YEAR}-{first:02d}-10", "secondment", pts // 30))
    items = []
    rest, k = pts % 30, 0
    while rest > 0:
        q = min(10, rest)
        items.append(item(f"{unit_id}-cm{tag}{quarter}-{k}", unit_id,
                          f"{YEAR}-{first + 1:02d}-{10 + k:02d}", "commissioned", quality=q))
        rest -= q
        k += 1
    return items, events


def ranked_group(group: str, raws: list[int], quarter: int = 1):
    """Units ``001``… of ``group`` with the given raw points in one quarter."""
    units, items, events = [], [], []
    for i, pts in enumerate(raws, start=1):
        uid = f"{i:03d}"
        units.append(unit(uid, group))
        items += township_filler(uid) if group == "township" else filler(uid)
        it, ev = raw(uid, quarter, pts)
        items += it
        events += ev
    return units, items, events


# --------------------------------------------------------------------------
# 三、计分办法: own outlets (per adoption)


OUTLET_CATALOGUE = [
    ("jd-dynamic", "item", "C", 4),
    ("jd-dynamic", "brief", "C", 2),
    ("jd-special", "item", "C", 8),
    ("jd-reference", "item", "C", 6),
    ("jd-hangzhou", "key", "C", 8),
    ("jd-hangzhou", "special", "C", 16),
    ("jd-hangzhou", "key", "A", 8),
    ("jd-hangzhou", "special", "B", 16),
    ("jd-zhejiang", "key", "C", 16),
    ("jd-zhejiang", "special", "C", 32),
    ("jd-dynamic", "item", "township", 4),
    ("jd-special", "item", "township", 8),
    ("jd-zhejiang", "key", "township", 16),
    ("jd-zhejiang", "special", "township", 32),
]


@pytest.mark.parametrize("outlet,section,group,pts", OUTLET_CATALOGUE)
def test_jd_3_adoption_points_per_outlet(outlet, section, group, pts):
    items = filler("001") + [item("x", "001", "2018-01-10")]
    t = score([unit("001", group)], items, [adoption("x", outlet, section)])
    # 三、计分办法 outlet table; adoption dated on the item's date (Jan) -> Q1.
    assert quarters(t, "001") == pytest.approx([pts, 0, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(pts)


def test_jd_3_township_gets_16_and_32_at_hangzhou():
    units = [unit("001", "township"), unit("002", "A")]
    items = filler("001") + filler("002") + [
        item("tk", "001", "2018-01-10"),
        item("ts", "001", "2018-04-10"),
        item("ak", "002", "2018-01-10"),
        item("as", "002", "2018-04-10"),
    ]
    adoptions = [
        adoption("tk", "jd-hangzhou", "key"),
        adoption("ts", "jd-hangzhou", "special"),
        adoption("ak", "jd-hangzhou", "key"),
        adoption("as", "jd-hangzhou", "special"),
    ]
    t = score(units, items, adoptions)
    # 三、计分办法 《杭州政务》 直报点: a township gets 16 (要情) / 32 (专报).
    assert quarters(t, "001") == pytest.approx([16, 32, 0, 0])
    # any other unit 8 / 16.
    assert quarters(t, "002") == pytest.approx([8, 16, 0, 0])


def test_jd_1_adoption_points_sum_over_outlets():
    items = filler("001") + [item("x", "001", "2018-01-10")]
    adoptions = [
        adoption("x", "jd-dynamic", "item"),
        adoption("x", "jd-reference", "item", "2018-02-01"),
        adoption("x", "jd-hangzhou", "key", "2018-03-01"),
        adoption("x", "jd-zhejiang", "special", "2018-03-20"),
        adoption("x", "jd-special", "item", "2018-04-02"),
    ]
    t = score([unit("001", "C")], items, adoptions)
    # JD-1 (C-2): every adoption scores: Q1 4 + 6 + 8 + 32 = 50; the April
    # adoption lands in Q2: 8.
    assert quarters(t, "001") == pytest.approx([50, 8, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(58)


# --------------------------------------------------------------------------
# commissioned items


def test_jd_3_commissioned_base_is_quality():
    items = filler("001") + [
        item("c1", "001", "2018-01-10", "commissioned", quality=7),
        item("c2", "001", "2018-04-10", "commissioned"),
        item("c3", "001", "2018-07-10", "commissioned", quality=0),
    ]
    t = score([unit("001", "C")], items)
    # 三、计分办法 约稿: base = quality in the item's quarter; quality
    # defaults to 10 (docs/ledger-format.md).  Q1 7, Q2 10, Q3 0.
    assert quarters(t, "001") == pytest.approx([7, 10, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(17)


def test_jd_3_commissioned_adopted_by_hangzhou_scores_triple():
    units = [unit("001", "C"), unit("002", "township")]
    items = filler("001") + filler("002") + [
        item("c1", "001", "2018-01-10", "commissioned", quality=6),
        item("c2", "001", "2018-04-10", "commissioned", quality=5),
        item("c3", "001", "2018-07-10", "commissioned", quality=4),
        item("t1", "002", "2018-01-10", "commissioned", quality=2),
        item("t2", "002", "2018-04-10", "commissioned", quality=3),
    ]
    adoptions = [
        adoption("c1", "jd-hangzhou", "key"),
        adoption("c2", "jd-zhejiang", "key"),
        adoption("c3", "jd-dynamic", "item"),
        adoption("c3", "jd-hangzhou", "special"),
        adoption("t1", "jd-hangzhou", "special"),
        adoption("t2", "jd-hangzhou", "key"),
    ]
    t = score(units, items, adoptions)
    # 三、计分办法 约稿被《杭州政务》采用按三倍计:
    # c1: 6 + 3 x 8 = 30 (Q1); c2: 5 + 16 (not 《杭州政务》, single) = 21 (Q2);
    # c3: 4 + 4 (jd-dynamic, single) + 3 x 16 = 56 (Q3).
    assert quarters(t, "001") == pytest.approx([30, 21, 56, 0])
    # township: t1 2 + 3 x 32 = 98 (Q1); t2 3 + 3 x 16 = 51 (Q2).
    assert quarters(t, "002") == pytest.approx([98, 51, 0, 0])


# --------------------------------------------------------------------------
# instructions


@pytest.mark.parametrize(
    "level,pts",
    [("county", 3), ("city", 30), ("province", 50), ("ministry", 50), ("national", 50), ("bureau", 0)],
)
def test_jd_3_instruction_points_by_level(level, pts):
    items = filler("001") + [item("x", "001", "2018-01-10")]
    t = score([unit("001", "C")], items, instructions=[instruction("x", level, "read", "2018-02-10")])
    # 三、计分办法 领导批示: 市政府 3, 杭州市 30, 省/部/国家 50, 本局 0; Feb -> Q1.
    assert quarters(t, "001") == pytest.approx([pts, 0, 0, 0])


def test_jd_c8_only_highest_instruction_counts_credited_as_it_rises():
    items = filler("001") + [
        item("x", "001", "2018-01-10"),
        item("y", "001", "2018-01-11"),
    ]
    instructions = [
        instruction("x", "province", "read", "2018-11-02"),
        instruction("x", "bureau", "read", "2018-09-02"),
        instruction("x", "county", "read", "2018-08-02"),
        instruction("x", "city", "read", "2018-05-02"),
        instruction("x", "county", "read", "2018-02-02"),
        instruction("y", "county", "read", "2018-01-20"),
        instruction("y", "province", "read", "2018-02-20"),
        instruction("y", "city", "read", "2018-03-20"),
    ]
    t = score([unit("001", "C")], items, instructions=instructions)
    # 多位领导批示按最高分计, credited as it rises (C-8), in date order:
    # x: Feb county 3 -> Q1 +3; May city 30 -> Q2 +27; Aug county, Sep bureau
    #    -> +0; Nov province 50 -> Q4 +20.  x total 50.
    # y: Q1 county 3, province 50 (+47), city 30 (+0) -> Q1 50.
    # Q1 = 3 + 50 = 53, Q2 27, Q3 0, Q4 20; year 100.
    assert quarters(t, "001") == pytest.approx([53, 27, 0, 20])
    assert t.loc["001", "points"] == pytest.approx(100)


def test_jd_c8_instruction_before_year_sets_highest_so_far():
    items = filler("001") + [item("p", "001", "2017-12-10")]
    instructions = [
        instruction("p", "city", "read", "2017-12-20"),
        instruction("p", "province", "read", "2018-01-15"),
    ]
    adoptions = [adoption("p", "jd-special", "item", "2018-02-01")]
    t = score([unit("001", "C")], items, adoptions, instructions)
    # C-8 across the year start: the 2017 city instruction (30) is the
    # highest so far; the Jan 2018 province one (50) brings only +20 into Q1.
    # The Feb adoption of the 2017 item scores in 2018: +8.  Q1 = 28.
    assert quarters(t, "001") == pytest.approx([28, 0, 0, 0])


def test_jd_c4_instruction_adds_to_adoptions():
    items = filler("001") + [item("x", "001", "2018-01-10")]
    t = score(
        [unit("001", "C")], items,
        [adoption("x", "jd-special", "item")],
        [instruction("x", "county", "read"), instruction("x", "city", "read")],
    )
    # C-4: 8 (《情况专报》) + 30 (highest instruction, city) = 38.
    assert quarters(t, "001") == pytest.approx([38, 0, 0, 0])


# --------------------------------------------------------------------------
# emergency items and events


def test_jd_3_emergency_items_and_their_instructions_score_nothing():
    units = [unit("001", "C"), unit("002", "C")]
    items = filler("001", months=range(2, 13)) + filler("002") + [
        item("e", "001", "2018-01-10", "emergency"),
    ]
    adoptions = [adoption("e", "jd-zhejiang", "special"), adoption("e", "jd-hangzhou", "key")]
    instructions = [instruction("e", "province"), instruction("e", "national")]
    it, ev = raw("002", 1, 30)
    t = score(units, items + it, adoptions, instructions, ev)
    # 应急信息不计分: adoptions and instructions of the emergency item -> 0;
    # the emergency item still keeps Jan from being a zero month (C-9).
    assert quarters(t, "001") == pytest.approx([0, 0, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(0)
    # its national instruction puts nobody first (non-emergency items only):
    # 002 Q1 raw 30 >= 10 -> position 1 -> 10 (group C); 001 final 0 -> rank 2.
    assert t.loc["002", "final"] == pytest.approx(10)
    assert int(t.loc["002", "rank"]) == 1
    assert int(t.loc["001", "rank"]) == 2


def test_jd_3_emergency_failure_first_minus_10_then_minus_20():
    events = [
        event("001", "2018-05-10", "emergency_failure", 2),
        event("001", "2018-02-10", "emergency_failure"),
        event("001", "2018-08-10", "emergency_failure", 1),
    ]
    t = score([unit("001", "C")], filler("001"), unit_events=events)
    # 三、计分办法: first in the year (Feb) -10; each later one -20:
    # May (2 events) -40, Aug -20.  Q = -10, -40, -20, 0; year -70.
    assert quarters(t, "001") == pytest.approx([-10, -40, -20, 0])
    assert t.loc["001", "points"] == pytest.approx(-70)


def test_jd_3_zero_month_minus_10():
    items = filler("002", months=[m for m in ALL_MONTHS if m not in (3, 4, 12)])
    t = score([unit("001", "C"), unit("002", "C")], items)
    # 三、计分办法: a month with no item -10.
    # 001 has no item: every quarter -30, year -120.
    assert quarters(t, "001") == pytest.approx([-30, -30, -30, -30])
    assert t.loc["001", "points"] == pytest.approx(-120)
    # 002 misses Mar, Apr, Dec.
    assert quarters(t, "002") == pytest.approx([-10, -10, 0, -10])
    # raw below target every quarter -> no rank points.
    assert t.loc["001", "final"] == pytest.approx(0)


def test_jd_3_duplicate_channel_and_absence_minus_10_each():
    events = [
        event("001", "2018-01-10", "duplicate_channel"),
        event("001", "2018-02-10", "duplicate_channel"),
        event("001", "2018-06-10", "absence"),
    ]
    t = score([unit("001", "C")], filler("001"), unit_events=events)
    # 三、计分办法 多头报送 -10 each, 无故缺席 -10 each: Q1 -20, Q2 -10.
    assert quarters(t, "001") == pytest.approx([-20, -10, 0, 0])


def test_jd_3_secondment_plus_30_per_person():
    events = [
        event("001", "2018-03-10", "secondment", 2),
        event("001", "2018-10-10", "secondment"),
    ]
    t = score([unit("001", "C")], filler("001"), unit_events=events)
    # 三、计分办法 挂职 +30 per person: Mar count 2 -> 60; Oct count 1 -> 30.
    assert quarters(t, "001") == pytest.approx([60, 0, 0, 30])
    assert t.loc["001", "points"] == pytest.approx(90)


def test_jd_c3_co_units_score_nothing():
    items = filler("001") + filler("002", months=range(2, 13)) + [
        item("x", "001", "2018-01-10", co_units="002"),
    ]
    t = score(
        [unit("001", "C"), unit("002", "C")], items,
        [adoption("x", "jd-zhejiang", "special")],
        [instruction("x", "city")],
    )
    # C-3 (no co-submission rule): the lead gets 32 + 30 = 62.
    assert quarters(t, "001") == pytest.approx([62, 0, 0, 0])
    # the co-unit nothing; the co-submitted item is not its own, so Jan is a
    # zero month (C-9): -10.
    assert quarters(t, "002") == pytest.approx([-10, 0, 0, 0])


def test_jd_c5_out_of_scope_items_score_nothing():
    items = filler("001", months=[m for m in ALL_MONTHS if m != 2]) + [
        item("o1", "001", "2018-01-10", "commissioned", quality=8, in_scope=False),
        item("o2", "001", "2018-02-10", in_scope=False),
    ]
    t = score(
        [unit("001", "C")], items,
        [adoption("o1", "jd-hangzhou", "special"), adoption("o2", "jd-dynamic", "item")],
        [instruction("o1", "province")],
    )
    # C-5: o1's base 8, its tripled adoption and its instruction -> 0; o2's
    # adoption -> 0; Feb holds only an out-of-scope item -> zero month -10.
    assert quarters(t, "001") == pytest.approx([-10, 0, 0, 0])


# --------------------------------------------------------------------------
# quarter vetoes: 三、(三)2 (约稿未完成), 三、(二)2 (直报点任务)


def test_jd_3_3_2_commission_missed_vetoes_the_quarter():
    units = [unit("001", "C"), unit("002", "C")]
    items, events = filler("001") + filler("002"), [event("001", "2018-02-20", "commission_missed")]
    for uid, q, pts in [("001", 1, 60), ("001", 2, 30), ("002", 1, 30), ("002", 2, 60)]:
        it, ev = raw(uid, q, pts)
        items += it
        events += ev
    t = score(units, items, unit_events=events)
    # 约稿未完成 当季不得分: 001's Q1 is vetoed -> 0 rank points and no
    # position: 002 (30) is position 1 -> 10.
    # Q2: 002 60 -> 10, 001 30 -> 9.
    # final 001 = 0 + 9 = 9; 002 = 10 + 10 = 20.
    assert t.loc["001", "final"] == pytest.approx(9)
    assert t.loc["002", "final"] == pytest.approx(20)
    # points are raw, before any veto: 001 60 + 30 = 90.
    assert quarters(t, "001") == pytest.approx([60, 30, 0, 0])
    assert t.loc["001", "points"] == pytest.approx(90)
    assert int(t.loc["002", "rank"]) == 1
    assert int(t.loc["001", "rank"]) == 2


def test_jd_3_2_2_township_direct_report_task():
    units = [unit(u, "township") for u in ("001", "002", "003", "004")]
    items = (
        township_filler("001")
        + township_filler("002", key_per_month={2: 1})
        + township_filler("003", special_quarters=(2, 3, 4))
        + township_filler("004")
    )
    events = []
    for uid, pts in [("001", 32), ("002", 96), ("003", 96), ("004", 64)]:
        it, ev = raw(uid, 1, pts)
        items += it
        events += ev
    t = score(units, items, unit_events=events)
    # 直报点任务: 002 has only 1 jd-hangzhou:key item in Feb, 003 none sent to
    # jd-hangzhou:special in Q1 -> both fail Q1 (0, no position).
    # Eligible in Q1: 004 (64) position 1 -> 15, 001 (32) position 2 -> 14.
    assert t.loc["004", "final"] == pytest.approx(15)
    assert t.loc["001", "final"] == pytest.approx(14)
    assert t.loc["002", "final"] == pytest.approx(0)
    assert t.loc["003", "final"] == pytest.approx(0)
    # raw points are kept.
    assert t.loc["002", "points"] == pytest.approx(96)
    assert t.loc["003", "points"] == pytest.approx(96)


# --------------------------------------------------------------------------
# 四、考核结果 2: quarter rank points


@pytest.mark.parametrize("group", ["township", "A", "B", "C"])
def test_jd_4_2_below_target_gets_no_rank_points(group):
    target = TARGET[group]
    units, items, events = ranked_group(group, [target - 1, target])
    t = score(units, items, unit_events=events)
    assert quarters(t, "001") == pytest.approx([target - 1, 0, 0, 0])
    # 四、考核结果 2: 001 is one point short of the target (township/A 30,
    # B 20, C 10) -> 0 and takes no position; 002 reaches it -> position 1 ->
    # the first value of the table (15 / 25 / 10 / 10).
    assert t.loc["001", "final"] == pytest.approx(0)
    assert t.loc["002", "final"] == pytest.approx(TABLE[group][0])


@pytest.mark.parametrize("group", ["township", "A", "B", "C"])
def test_jd_4_2_rank_point_table_and_rest(group):
    table, rest = TABLE[group], REST[group]
    n = len(table) + 2
    # unit i (1..n) gets 30 * (n - i + 1) raw points in Q1: all above target,
    # positions 1..n in unit order.
    units, items, events = ranked_group(group, [30 * (n - i + 1) for i in range(1, n + 1)])
    t = score(units, items, unit_events=events)
    # 四、考核结果 2 table: township 15..6 rest 5; A 25..11 rest 10;
    # B 10..5 rest 3; C 10..4 rest 4.  Positions past the table get the rest;
    # Q2..Q4 raw 0 < target -> 0, so final = Q1 rank points.
    expected = table + [rest, rest]
    got = [float(t.loc[f"{i:03d}", "final"]) for i in range(1, n + 1)]
    assert got == pytest.approx(expected)
    assert t.loc["001", "points"] == pytest.approx(30 * n)


def test_jd_4_2_ties_share_better_rank_points():
    units, items, events = ranked_group("C", [90, 60, 60, 30])
    t = score(units, items, unit_events=events)
    # 四、考核结果 2, tied units share the better position's points:
    # 90 -> position 1 -> 10; 60, 60 -> position 2 -> 9 each; 30 -> position
    # 4 -> 7.
    assert [float(t.loc[u, "final"]) for u in ("001", "002", "003", "004")] == pytest.approx([10, 9, 9, 7])
    # C-6: ranks 1, 2, 2, 4.
    assert [int(t.loc[u, "rank"]) for u in ("001", "002", "003", "004")] == [1, 2, 2, 4]


def test_jd_4_3_final_is_sum_of_quarter_rank_points():
    units = [unit("001", "C"), unit("002", "C")]
    items, events = filler("001") + filler("002"), []
    for uid, q, pts in [("001", 1, 60), ("002", 1, 30), ("001", 2, 30), ("002", 2, 60),
                        ("001", 3, 30), ("002", 3, 5)]:
        it, ev = raw(uid, q, pts)
        items += it
        events += ev
    t = score(units, items, unit_events=events)
    # Q1: 001 60 -> 10, 002 30 -> 9; Q2: 002 -> 10, 001 -> 9;
    # Q3: 001 30 -> 10, 002 5 < 10 -> 0; Q4: both 0 < 10 -> 0.
    # final 001 = 10 + 9 + 10 = 29; 002 = 9 + 10 + 0 = 19.
    assert t.loc["001", "final"] == pytest.approx(29)
    assert t.loc["002", "final"] == pytest.approx(19)
    # points = raw year: 120 and 95.
    assert t.loc["001", "points"] == pytest.approx(120)
    assert t.loc["002", "points"] == pytest.approx(95)
    assert int(t.loc["001", "rank"]) == 1
    assert int(t.loc["002", "rank"]) == 2


# --------------------------------------------------------------------------
# year vetoes (三、(三)2, 三、(六)1) and the national-instruction override (三、(四))


@pytest.mark.parametrize("kind", ["false_report", "commission_upper_penalty"])
def test_jd_3_year_veto_sets_final_to_zero(kind):
    units, items, events = ranked_group("C", [60, 30])
    events.append(event("001", "2018-08-01", kind))
    t = score(units, items, unit_events=events)
    # Year veto (C-7: after everything else): 001 took position 1 in Q1
    # (10), then the veto zeroes its final; 002 keeps position 2 -> 9.
    assert t.loc["001", "final"] == pytest.approx(0)
    assert t.loc["002", "final"] == pytest.approx(9)
    assert t.loc["001", "points"] == pytest.approx(60)
    assert int(t.loc["002", "rank"]) == 1
    assert int(t.loc["001", "rank"]) == 2


def test_jd_3_national_instruction_puts_unit_first_and_moves_others_down():
    units = [unit("001", "C"), unit("002", "C"), unit("003", "C"), unit("004", "C"), unit("005", "B")]
    items = filler("001") + filler("002") + [
        item("n1", "001", "2018-01-10"),
        item("n2", "002", "2018-01-10"),
    ]
    instructions = [instruction("n1", "national"), instruction("n2", "national", "decision", "2018-07-01")]
    events = [event("001", "2018-02-01", "commission_missed"), event("002", "2018-08-01", "commission_missed")]
    for uid, grp, pts in [("003", "C", 60), ("004", "C", 30), ("005", "B", 30)]:
        items += filler(uid)
        it, ev = raw(uid, 1, pts)
        items += it
        events += ev
    t = score(units, items, instructions=instructions, unit_events=events)
    # 001 raw Q1 50, vetoed (commission_missed in Feb); 002 raw Q3 50, vetoed
    # (commission_missed in Aug) -> both final 0.
    # Q1 eligible: 003 (60) -> 10, 004 (30) -> 9.
    assert t.loc["001", "final"] == pytest.approx(0)
    assert t.loc["002", "final"] == pytest.approx(0)
    assert t.loc["003", "final"] == pytest.approx(10)
    assert t.loc["004", "final"] == pytest.approx(9)
    # 视为年度排名第一: 001 and 002 share rank 1; the others move down by 2:
    # 003 rank 1 + 2 = 3, 004 rank 2 + 2 = 4.  Group B is untouched.
    assert [int(t.loc[u, "rank"]) for u in ("001", "002", "003", "004")] == [1, 1, 3, 4]
    assert int(t.loc["005", "rank"]) == 1
    # JD-2 reads the tier off the rank: n = 4, k = ceil(1.2) = 2, r = 2 ->
    # tier sizes 1, 1, 0: ranks 1, 1 no-deduction, 3 deduction-1,
    # 4 deduction-2.
    assert [t.loc[u, "award"] for u in ("001", "002", "003", "004")] == [
        "no-deduction", "no-deduction", "deduction-1", "deduction-2"]


@pytest.mark.parametrize("kind", ["false_report", "commission_upper_penalty"])
def test_jd_3_4_year_veto_beats_national_override(kind):
    units = [unit("001", "C"), unit("002", "C"), unit("003", "C")]
    items = filler("001") + [item("n", "001", "2018-01-10")]
    events = [event("001", "2018-06-01", kind)]
    for uid, pts in [("002", 60), ("003", 30)]:
        items += filler(uid)
        it, ev = raw(uid, 1, pts)
        items += it
        events += ev
    t = score(units, items, instructions=[instruction("n", "national")], unit_events=events)
    # Q1 raw: 002 60 -> 10, 001 50 -> 9, 003 30 -> 8.  The year veto sets
    # 001's final to 0 and cancels its override (a year veto beats it).
    assert t.loc["001", "final"] == pytest.approx(0)
    assert t.loc["002", "final"] == pytest.approx(10)
    assert t.loc["003", "final"] == pytest.approx(8)
    assert t.loc["001", "points"] == pytest.approx(50)
    assert [int(t.loc[u, "rank"]) for u in ("002", "003", "001")] == [1, 2, 3]


# --------------------------------------------------------------------------
# 四、考核结果 3 / JD-2: award tiers

ND, D1, D2, D3 = "no-deduction", "deduction-1", "deduction-2", "deduction-3"


@pytest.mark.parametrize(
    "n,expected",
    [
        # n = 1: k = ceil(0.3) = 1, r = 0.
        (1, [ND]),
        # n = 3: k = ceil(0.9) = 1, r = 2 -> tiers 0+1, 0+1, 0.
        (3, [ND, D1, D2]),
        # n = 4: k = ceil(1.2) = 2, r = 2 -> tiers 1, 1, 0.
        (4, [ND, ND, D1, D2]),
        # n = 5: k = ceil(1.5) = 2, r = 3 -> tiers 1, 1, 1.
        (5, [ND, ND, D1, D2, D3]),
        # n = 7: k = ceil(2.1) = 3, r = 4 -> tiers 1+1, 1, 1.
        (7, [ND] * 3 + [D1] * 2 + [D2, D3]),
        # n = 10: k = ceil(3.0) = 3 (exactly 30 %), r = 7 -> tiers 2+1, 2, 2.
        (10, [ND] * 3 + [D1] * 3 + [D2] * 2 + [D3] * 2),
        # n = 16: k = ceil(4.8) = 5, r = 11 -> tiers 3+1, 3+1, 3.
        (16, [ND] * 5 + [D1] * 4 + [D2] * 4 + [D3] * 3),
    ],
)
def test_jd_2_award_tiers(n, expected):
    # group A, unit i gets 30 * (n - i + 1) in Q1 -> position i -> final
    # 25, 24, ... (distinct for n <= 16) -> rank i.
    units, items, events = ranked_group("A", [30 * (n - i + 1) for i in range(1, n + 1)])
    t = score(units, items, unit_events=events)
    assert [int(t.loc[f"{i:03d}", "rank"]) for i in range(1, n + 1)] == list(range(1, n + 1))
    assert [t.loc[f"{i:03d}", "award"] for i in range(1, n + 1)] == expected


def test_jd_2_tied_units_share_tier():
    units, items, events = ranked_group("A", [120, 90, 60, 60])
    t = score(units, items, unit_events=events)
    # finals 25, 24, 23, 23 -> ranks 1, 2, 3, 3.  n = 4: k = 2, r = 2 ->
    # tiers 1, 1, 0: rank 3 is the first position after k -> deduction-1 for
    # both tied units; nobody is deduction-2.
    assert [int(t.loc[u, "rank"]) for u in ("001", "002", "003", "004")] == [1, 2, 3, 3]
    assert [t.loc[u, "award"] for u in ("001", "002", "003", "004")] == [ND, ND, D1, D1]
