"""Hand-computed clause tests for `jilin-transport-2015` (吉林市交通运输局).

Every expected value below is worked out by hand from the rulebook
(吉林市交通运输局政务信息工作考核办法, 2015, and decisions JL-1 … JL-3 and
C-1 … C-9 of docs/decisions.md) and the
fixed readings of the scoring API; the comment above each assertion shows
the arithmetic and the article or decision it rests on. Test names carry the
method's article (test_jl_2_3_* is 考核办法 二、第三项, test_jl_3_* is 三、, the
year); the decisions JL-1 … JL-3 are named in the comments.

Assessment year 2015 runs 2014-12-01 … 2015-11-30 (考核办法 三), 365 days;
quarters are Dec–Mar, Apr–Jun, Jul–Sep, Oct–Nov.

A unit with no items, events or checklist rows scores
    basic 8 × 5 = 40                      (考核办法 二 第一项; absent lines = met)
  + submission-1   0  (0 items < quota)    (第二项)
  + submission-2  20  (no commission_missed)
  + submission-3   0  (no research item in any quarter; JL-2)
  = 60 points, and final 0 by the zero rule (no adoption in the year).
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

import ledger_rows
from ledger_rows import adoption, check, event, instruction, item

RULEBOOK = "jilin-transport-2015"
YEAR = 2015
YEAR_START = date(2014, 12, 1)
YEAR_DAYS = 365  # 2014-12-01 .. 2015-11-30

BASE_NO_ITEMS = 60  # 40 basic + 20 submission-2, see the module docstring


# --------------------------------------------------------------------------
# helpers

unit = partial(ledger_rows.unit, group="office")
spread = partial(ledger_rows.spread, start=YEAR_START, days=YEAR_DAYS)
score = partial(ledger_rows.score, RULEBOOK, year=YEAR)


# --------------------------------------------------------------------------
# 考核办法 三: the year runs 1 December – 30 November


def test_jl_3_year_starts_1_december():
    units = [unit("a"), unit("b"), unit("c")]
    items = [
        item("a1", "a", "2014-11-30"),
        item("b1", "b", "2014-12-01"),
        item("c1", "c", "2014-11-30"),
    ]
    adoptions = [
        adoption("a1", "jl-city", "general", "2014-11-30"),
        adoption("b1", "jl-city", "general", "2014-12-01"),
        adoption("c1", "jl-city", "general", "2014-12-01"),
    ]
    t = score(units, items, adoptions)

    # a: item and adoption dated 2014-11-30 belong to year 2014 (考核办法 三):
    #    points = 40 basic + 20 submission-2 = 60; no adoption dated in 2015
    #    -> zero rule (考核办法 一) final 0.
    assert t.loc["a", "points"] == pytest.approx(60)
    assert t.loc["a", "points_q1"] == pytest.approx(0)
    assert t.loc["a", "final"] == pytest.approx(0)
    # b: item and adoption dated 2014-12-01 are the first day of 2015:
    #    jl-city general 2 lands in Q1 (Dec–Mar); points = 60 + 2 = 62 = final.
    assert t.loc["b", "points"] == pytest.approx(62)
    assert t.loc["b", "points_q1"] == pytest.approx(2)
    assert t.loc["b", "final"] == pytest.approx(62)
    # c: item of 2014-11-30 (year 2014) adopted 2014-12-01: the adoption scores
    #    in its own date's year (docs/rulebooks.md) -> 2 in Q1 of 2015, and it is an
    #    adoption dated in the year, so the zero rule does not bite: 62 / 62.
    assert t.loc["c", "points"] == pytest.approx(62)
    assert t.loc["c", "points_q1"] == pytest.approx(2)
    assert t.loc["c", "final"] == pytest.approx(62)


def test_jl_3_year_ends_30_november():
    units = [unit("d"), unit("e"), unit("f")]
    items = [
        item("d1", "d", "2015-11-30"),
        item("e1", "e", "2015-12-01"),
        item("f1", "f", "2015-11-20"),
    ]
    adoptions = [
        adoption("d1", "jl-city", "general", "2015-11-30"),
        adoption("e1", "jl-city", "general", "2015-12-01"),
        adoption("f1", "jl-city", "general", "2015-12-01"),
    ]
    t = score(units, items, adoptions)

    # d: 2015-11-30 is the last day of 2015, Q4 (Oct–Nov): 60 + 2 = 62 = final.
    assert t.loc["d", "points"] == pytest.approx(62)
    assert t.loc["d", "points_q4"] == pytest.approx(2)
    assert t.loc["d", "final"] == pytest.approx(62)
    # e: 2015-12-01 belongs to year 2016: points 60, zero rule -> final 0.
    assert t.loc["e", "points"] == pytest.approx(60)
    assert t.loc["e", "final"] == pytest.approx(0)
    # f: item in 2015 but its only adoption (2015-12-01) is in 2016: no
    #    adoption point and no adoption dated in 2015 -> 60 / final 0.
    assert t.loc["f", "points"] == pytest.approx(60)
    assert t.loc["f", "final"] == pytest.approx(0)

    t16 = score(units, items, adoptions, year=2016)
    # Year 2016 = 2015-12-01 .. 2016-11-30:
    # e: item and adoption on its first day -> 2 in Q1 of 2016: 62 / 62.
    assert t16.loc["e", "points"] == pytest.approx(62)
    assert t16.loc["e", "points_q1"] == pytest.approx(2)
    assert t16.loc["e", "final"] == pytest.approx(62)
    # f: item of 2015, adoption 2015-12-01 scores in 2016 Q1 and satisfies the
    #    zero rule (an adoption dated in the year): 62 / 62.
    assert t16.loc["f", "points"] == pytest.approx(62)
    assert t16.loc["f", "final"] == pytest.approx(62)
    # d: nothing dated in 2016 -> 60 / final 0.
    assert t16.loc["d", "points"] == pytest.approx(60)
    assert t16.loc["d", "final"] == pytest.approx(0)


def test_jl_3_items_counted_only_inside_shifted_year():
    units = [unit("g"), unit("h")]
    # g: 51 items 2014-12-02 .. 2015-11-29 plus the two boundary days inside.
    g_items = spread("g", 51, start=date(2014, 12, 2), days=363)
    g_items += [item("g-first", "g", "2014-12-01"), item("g-last", "g", "2015-11-30")]
    # h: 52 items strictly inside plus the two days just outside the year.
    h_items = spread("h", 52, start=date(2014, 12, 2), days=363)
    h_items += [item("h-before", "h", "2014-11-30"), item("h-after", "h", "2015-12-01")]
    t = score(units, g_items + h_items)

    # g: 53 counted items; 53 × 7 = 371 ≥ 1 × 365 -> submission-1 met (第二项, C-9):
    #    40 + 20 (submission-1) + 20 (submission-2) = 80.
    assert t.loc["g", "points"] == pytest.approx(80)
    # h: 52 counted items (2014-11-30 and 2015-12-01 are outside 2015);
    #    52 × 7 = 364 < 365 -> not met: 40 + 20 = 60.
    assert t.loc["h", "points"] == pytest.approx(60)


# --------------------------------------------------------------------------
# 考核办法 三: quarters Dec–Mar, Apr–Jun, Jul–Sep, Oct–Nov


def test_jl_3_adoption_on_31_march_is_q1_on_1_april_q2():
    units = [unit("m"), unit("n"), unit("o")]
    items = [
        item("m1", "m", "2015-03-20"),
        item("n1", "n", "2015-03-20"),
        item("o1", "o", "2014-12-15"),
    ]
    adoptions = [
        adoption("m1", "jl-city", "important", "2015-03-31"),
        adoption("n1", "jl-city", "important", "2015-04-01"),
        adoption("o1", "jl-city", "important", "2014-12-31"),
    ]
    t = score(units, items, adoptions)

    # m: jl-city important 5 on 2015-03-31 -> Q1 (Dec–Mar).
    assert t.loc["m", "points_q1"] == pytest.approx(5)
    assert t.loc["m", "points_q2"] == pytest.approx(0)
    # n: the same adoption on 2015-04-01 -> Q2, although the item is of March
    #    (an event scores in the period of its own date, docs/rulebooks.md).
    assert t.loc["n", "points_q1"] == pytest.approx(0)
    assert t.loc["n", "points_q2"] == pytest.approx(5)
    # o: December 2014 is in Q1 of 2015.
    assert t.loc["o", "points_q1"] == pytest.approx(5)
    # each: 60 + 5 = 65 = final.
    for uid in "mno":
        assert t.loc[uid, "points"] == pytest.approx(65)
        assert t.loc[uid, "final"] == pytest.approx(65)


def test_jl_3_quarters_dec_mar_apr_jun_jul_sep_oct_nov():
    units = [unit("q")]
    plan = [
        ("k1", "2014-12-01", "jl-city", "general"),              # 2  Q1
        ("k2", "2015-03-31", "jl-city", "important"),            # 5  Q1
        ("k3", "2015-04-01", "jl-province", "general"),          # 5  Q2
        ("k4", "2015-06-30", "jl-city", "research"),             # 10 Q2
        ("k5", "2015-07-01", "jl-province", "research"),         # 15 Q3
        ("k6", "2015-09-30", "jl-city", "general"),              # 2  Q3
        ("k7", "2015-10-01", "jl-national", "general"),          # 15 Q4
        ("k8", "2015-11-30", "jl-city", "forwarded-province"),   # 5  Q4
    ]
    items = [item(iid, "q", day) for iid, day, _, _ in plan]
    adoptions = [adoption(iid, o, s, day) for iid, day, o, s in plan]
    t = score(units, items, adoptions)

    # 考核办法 三 quarters with the adoption table (第三项):
    # Q1 (Dec–Mar) = 2 + 5 = 7; Q2 (Apr–Jun) = 5 + 10 = 15;
    # Q3 (Jul–Sep) = 15 + 2 = 17; Q4 (Oct–Nov) = 15 + 5 = 20.
    assert t.loc["q", "points_q1"] == pytest.approx(7)
    assert t.loc["q", "points_q2"] == pytest.approx(15)
    assert t.loc["q", "points_q3"] == pytest.approx(17)
    assert t.loc["q", "points_q4"] == pytest.approx(20)
    # annual = 40 basic + 20 submission-2 (8 items < 53; items are dynamic, so
    # no research item for JL-2) = 60; points = 60 + 59 = 119 = final.
    assert t.loc["q", "points_annual"] == pytest.approx(60)
    assert t.loc["q", "points"] == pytest.approx(119)
    assert t.loc["q", "final"] == pytest.approx(119)


# --------------------------------------------------------------------------
# 考核办法 二 第一项: basic work, 8 lines × 5


def test_jl_2_basic_checklist_5_each_absent_met():
    units = [unit(u) for u in ("p", "q", "r", "s", "t", "u")]
    checklist = (
        [check("q", "basic-3", False)]
        + [check("r", f"basic-{k}", False) for k in range(1, 9)]
        + [check("s", "basic-5", True)]
        + [check("t", "basic-1", False),
           check("t", "basic-8", False)]
        + [check("u", "basic-2", False)]
    )
    items = [item("u1", "u", "2015-05-05")]
    adoptions = [adoption("u1", "jl-city", "general")]
    t = score(units, items, adoptions, checklist=checklist)

    # basic 5 per met line, absent = met; + submission-2 20 (no events).
    # p: no rows -> 8 × 5 + 20 = 60
    assert t.loc["p", "points"] == pytest.approx(60)
    assert t.loc["p", "points_annual"] == pytest.approx(60)
    # q: basic-3 not met -> 7 × 5 + 20 = 55
    assert t.loc["q", "points"] == pytest.approx(55)
    assert t.loc["q", "points_annual"] == pytest.approx(55)
    # r: all eight not met -> 0 + 20 = 20
    assert t.loc["r", "points"] == pytest.approx(20)
    # s: basic-5 explicitly met -> 8 × 5 + 20 = 60
    assert t.loc["s", "points"] == pytest.approx(60)
    # t: basic-1, basic-8 not met -> 6 × 5 + 20 = 50
    assert t.loc["t", "points"] == pytest.approx(50)
    # p..t have no adoption in the year: final 0 (zero rule, 考核办法 一).
    for uid in "pqrst":
        assert t.loc[uid, "final"] == pytest.approx(0)
    # u: basic-2 not met, one jl-city general adoption (dated the item's date):
    #    35 + 20 + 2 = 57 = final.
    assert t.loc["u", "points"] == pytest.approx(57)
    assert t.loc["u", "points_annual"] == pytest.approx(55)
    assert t.loc["u", "final"] == pytest.approx(57)


# --------------------------------------------------------------------------
# 考核办法 二 第二项: submission work, 20 each, all or nothing


@pytest.mark.parametrize(
    "group, n_items, met",
    [
        # affiliate 2 a week: 105 × 7 = 735 ≥ 2 × 365 = 730; 104 × 7 = 728 < 730
        ("affiliate", 105, True),
        ("affiliate", 104, False),
        # office 1 a week: 53 × 7 = 371 ≥ 365; 52 × 7 = 364 < 365
        ("office", 53, True),
        ("office", 52, False),
        # project office 1 a week (JL-1), over 365 / 7 = 52.14 weeks
        ("project", 53, True),
        ("project", 52, False),
    ],
)
def test_jl_2_submission_1_weekly_quota_at_threshold(group, n_items, met):
    t = score([unit("w", group=group)], spread("w", n_items))
    # 40 basic + 20 submission-2 + (20 if submission-1 met); items are dynamic,
    # so no research item for submission-3 (JL-2).
    expected = 60 + (20 if met else 0)
    assert t.loc["w", "points"] == pytest.approx(expected)
    # no adoption -> zero rule (考核办法 一)
    assert t.loc["w", "final"] == pytest.approx(0)


def test_jl_2_submission_1_counts_lead_in_scope_items_of_every_kind():
    units = [unit("v"), unit("w"), unit("x"), unit("z")]
    # v: 52 in-scope items + 1 out of scope
    items = spread("v", 52) + [item("v-out", "v", "2015-06-01", in_scope=False)]
    # w: 52 items of its own + 1 item led by x with w as a co-unit
    items += spread("w", 52) + [item("x1", "x", "2015-06-01", co_units="w")]
    # z: 50 dynamic + research + commissioned + emergency
    items += spread("z", 50) + [
        item("z-r", "z", "2015-06-02", "research"),
        item("z-c", "z", "2015-06-03", "commissioned"),
        item("z-e", "z", "2015-06-04", "emergency"),
    ]
    t = score(units, items)

    # v: 52 counted (C-5: out-of-scope counts for no quota); 364 < 365 -> 60.
    assert t.loc["v", "points"] == pytest.approx(60)
    # w: 52 counted (C-9: only the lead unit's items); not met -> 60.
    assert t.loc["w", "points"] == pytest.approx(60)
    # z: 53 counted (C-9: items of every kind); 371 ≥ 365 -> 40 + 20 + 20 = 80
    #    (one research item, not every quarter: submission-3 not met).
    assert t.loc["z", "points"] == pytest.approx(80)


def test_jl_2_submission_2_commission_missed():
    units = [unit(u) for u in ("a", "b", "c", "d")]
    events = [
        event("a", "2015-06-01", "commission_missed"),
        event("b", "2014-11-30", "commission_missed"),
        event("c", "2015-12-01", "commission_missed"),
    ]
    t = score(units, unit_events=events)

    # a: commission_missed in the year -> submission-2 not met: 40.
    assert t.loc["a", "points"] == pytest.approx(40)
    # b, c: the event falls in 2014 / 2016 -> met: 40 + 20 = 60.
    assert t.loc["b", "points"] == pytest.approx(60)
    assert t.loc["c", "points"] == pytest.approx(60)
    # d: no event -> 60.
    assert t.loc["d", "points"] == pytest.approx(60)


def test_jl_2_submission_3_research_every_quarter():
    plans = {
        "r1": ["2014-12-01", "2015-04-01", "2015-07-01", "2015-10-01"],  # all four
        "r2": ["2015-03-31", "2015-06-30", "2015-09-30", "2015-11-30"],  # all four
        "r3": ["2015-01-15", "2015-04-15", "2015-07-15", "2015-12-15"],  # no Oct–Nov
        "r4": ["2014-12-15", "2015-05-01", "2015-08-01", "2015-11-01"],  # all four
        "r5": ["2014-12-15", "2015-02-15", "2015-05-01", "2015-08-01"],  # no Oct–Nov
    }
    units = [unit(u) for u in plans] + [unit("r6"), unit("r7"), unit("lead")]
    items = [
        item(f"{uid}-{k}", uid, day, "research") for uid, days in plans.items() for k, day in enumerate(days)
    ]
    # r6: four quarters, but the Jul–Sep one is out of scope (C-5)
    items += [
        item("r6-0", "r6", "2015-01-10", "research"),
        item("r6-1", "r6", "2015-05-10", "research"),
        item("r6-2", "r6", "2015-08-10", "research", in_scope=False),
        item("r6-3", "r6", "2015-10-10", "research"),
    ]
    # r7: the Oct–Nov research item is led by another unit (C-9: lead only)
    items += [
        item("r7-0", "r7", "2015-01-10", "research"),
        item("r7-1", "r7", "2015-05-10", "research"),
        item("r7-2", "r7", "2015-08-10", "research"),
        item("lead-3", "lead", "2015-10-10", "research", co_units="r7"),
    ]
    t = score(units, items)

    # JL-2: met (+20) with ≥ 1 research item in every shifted quarter;
    # 4 items < 53, so submission-1 is not met; + 40 basic + 20 submission-2.
    # r1: Dec | Apr | Jul | Oct -> met: 80
    assert t.loc["r1", "points"] == pytest.approx(80)
    # r2: Mar (Q1) | Jun | Sep | Nov (Q4) -> met: 80
    assert t.loc["r2", "points"] == pytest.approx(80)
    # r3: 2015-12-15 is in year 2016; Oct–Nov has none -> 60
    assert t.loc["r3", "points"] == pytest.approx(60)
    # r4: 2014-12-15 is in Q1 of 2015 -> met: 80
    assert t.loc["r4", "points"] == pytest.approx(80)
    # r5: Dec and Feb both Q1, May Q2, Aug Q3, nothing in Oct–Nov -> 60
    assert t.loc["r5", "points"] == pytest.approx(60)
    # r6: Q3 research item is out of scope -> 60
    assert t.loc["r6", "points"] == pytest.approx(60)
    # r7: Q4 item is led by another unit -> 60
    assert t.loc["r7", "points"] == pytest.approx(60)


def test_jl_2_checklist_overrides_computed_line_both_ways():
    units = [unit(f"o{k}") for k in range(1, 7)]
    items = spread("o1", 53)
    research = ["2015-01-10", "2015-05-10", "2015-08-10", "2015-10-10"]
    items += [item(f"o5-{k}", "o5", day, "research") for k, day in enumerate(research)]
    events = [event("o3", "2015-06-01", "commission_missed")]
    checklist = [
        check("o1", "submission-1", False),
        check("o2", "submission-1", True),
        check("o3", "submission-2", True),
        check("o4", "submission-2", False),
        check("o5", "submission-3", False),
        check("o6", "submission-3", True),
    ]
    t = score(units, items, unit_events=events, checklist=checklist)

    # docs/rulebooks.md, checklists: a row for a computed submission line overrides it.
    # o1: 53 items would meet submission-1; row says false -> 40 + 20 = 60
    assert t.loc["o1", "points"] == pytest.approx(60)
    # o2: no items; row says submission-1 met -> 40 + 20 + 20 = 80
    assert t.loc["o2", "points"] == pytest.approx(80)
    # o3: commission_missed, but row says submission-2 met -> 40 + 20 = 60
    assert t.loc["o3", "points"] == pytest.approx(60)
    # o4: no event, but row says submission-2 not met -> 40
    assert t.loc["o4", "points"] == pytest.approx(40)
    # o5: research every quarter, row says submission-3 not met -> 40 + 20 = 60
    assert t.loc["o5", "points"] == pytest.approx(60)
    # o6: no research, row says submission-3 met -> 40 + 20 + 20 = 80
    assert t.loc["o6", "points"] == pytest.approx(80)
    for k in range(1, 7):
        assert t.loc[f"o{k}", "points_annual"] == pytest.approx(t.loc[f"o{k}", "points"])


# --------------------------------------------------------------------------
# 考核办法 二 第三项: adoption, per adoption


@pytest.mark.parametrize(
    "outlet, section, value",
    [
        ("jl-city", "general", 2),
        ("jl-city", "research", 10),
        ("jl-city", "important", 5),
        ("jl-city", "forwarded-province", 5),
        ("jl-province", "general", 5),
        ("jl-province", "research", 15),
        ("jl-province", "forwarded-state-council", 15),
        ("jl-national", "general", 15),
        ("jl-national", "research", 30),
        ("jl-own", "general", 0),
        ("jl-own", "brief", 0),
    ],
)
def test_jl_2_3_adoption_table_value(outlet, section, value):
    items = [item("i1", "a", "2015-05-10")]
    adoptions = [adoption("i1", outlet, section, "2015-05-10")]
    t = score([unit("a")], items, adoptions)
    # 第三项 table: `value` in Q2 (Apr–Jun); points = 60 + value; an adoption
    # dated in the year keeps final = points (考核办法 一).
    assert t.loc["a", "points_q2"] == pytest.approx(value)
    assert t.loc["a", "points"] == pytest.approx(60 + value)
    assert t.loc["a", "final"] == pytest.approx(60 + value)


def test_jl_own_scores_0_but_counts_for_zero_rule():
    units = [unit("own1"), unit("own2"), unit("none")]
    items = [item("a1", "own1", "2015-02-01"), item("b1", "own2", "2015-08-01"),
             item("c1", "none", "2015-02-01")]
    adoptions = [
        adoption("a1", "jl-own", "general"),
        adoption("b1", "jl-own", "brief"),
    ]
    t = score(units, items, adoptions)
    # jl-own adoptions score 0 (第三项 table) but are adoptions "by any outlet,
    # jl-own included" for the zero rule: 60 points, final 60.
    for uid in ("own1", "own2"):
        assert t.loc[uid, "points"] == pytest.approx(60)
        assert t.loc[uid, "final"] == pytest.approx(60)
        assert t.loc[uid, "rank"] == 1
    # no adoption at all: 60 points, final 0 -> rank 3 in the office group.
    assert t.loc["none", "points"] == pytest.approx(60)
    assert t.loc["none", "final"] == pytest.approx(0)
    assert t.loc["none", "rank"] == 3


def test_jl_c2_c3_every_adoption_sums_lead_unit_only():
    units = [unit("lead"), unit("co")]
    items = [item("i1", "lead", "2015-05-10", co_units="co")]
    adoptions = [
        adoption("i1", "jl-city", "general", "2015-05-10"),
        adoption("i1", "jl-province", "research", "2015-07-10"),
    ]
    t = score(units, items, adoptions)
    # C-2: both adoptions score: 2 (Q2) + 15 (Q3); lead: 60 + 17 = 77 = final.
    assert t.loc["lead", "points_q2"] == pytest.approx(2)
    assert t.loc["lead", "points_q3"] == pytest.approx(15)
    assert t.loc["lead", "points"] == pytest.approx(77)
    assert t.loc["lead", "final"] == pytest.approx(77)
    # C-3: the co-unit gets nothing, and the item is not its own for the zero
    # rule: 60 points, final 0.
    assert t.loc["co", "points"] == pytest.approx(60)
    assert t.loc["co", "final"] == pytest.approx(0)


# --------------------------------------------------------------------------
# instructions (考核办法 二、第三项(四)-(六)) with JL-3


@pytest.mark.parametrize(
    "level, kind, value",
    [
        ("bureau", "read", 2), ("bureau", "affirm", 5), ("bureau", "reference", 5), ("bureau", "decision", 10),
        ("city", "read", 5), ("city", "affirm", 10), ("city", "reference", 10), ("city", "decision", 20),
        ("province", "read", 10), ("province", "affirm", 20), ("province", "reference", 20),
        ("province", "decision", 40),
        # JL-3: ministry and national as province
        ("ministry", "read", 10), ("ministry", "affirm", 20), ("ministry", "reference", 20),
        ("ministry", "decision", 40),
        ("national", "read", 10), ("national", "affirm", 20), ("national", "reference", 20),
        ("national", "decision", 40),
        # JL-3: county scores nothing
        ("county", "read", 0), ("county", "affirm", 0), ("county", "reference", 0), ("county", "decision", 0),
    ],
)
def test_jl_2_3_instruction_table_by_level_and_kind(level, kind, value):
    items = [item("i1", "a", "2015-05-10")]
    # a jl-own adoption (0 points) keeps the zero rule out of the way
    adoptions = [adoption("i1", "jl-own", "general")]
    instructions = [instruction("i1", level, kind, "2015-08-01")]
    t = score([unit("a")], items, adoptions, instructions)
    # instruction table + JL-3 (reference as affirm); dated 2015-08-01 -> Q3.
    # points = 60 + value = final.
    assert t.loc["a", "points_q3"] == pytest.approx(value)
    assert t.loc["a", "points"] == pytest.approx(60 + value)
    assert t.loc["a", "final"] == pytest.approx(60 + value)


def test_jl_c4_instructions_sum_and_add_to_adoption():
    items = [item("i1", "a", "2015-05-10")]
    adoptions = [adoption("i1", "jl-city", "general")]
    instructions = [
        instruction("i1", "bureau", "read", "2015-05-12"),
        instruction("i1", "province", "decision", "2015-10-12"),
        instruction("i1", "county", "decision", "2015-10-13"),
    ]
    t = score([unit("a")], items, adoptions, instructions)
    # C-4: adoption 2 + bureau read 2 (Q2) and province decision 40 + county 0 (Q4)
    assert t.loc["a", "points_q2"] == pytest.approx(4)
    assert t.loc["a", "points_q4"] == pytest.approx(40)
    # points = 60 + 44 = 104 = final
    assert t.loc["a", "points"] == pytest.approx(104)
    assert t.loc["a", "final"] == pytest.approx(104)


# --------------------------------------------------------------------------
# 考核办法 一 / 考核结果运用: the zero rule


def test_jl_1_zero_rule_no_adoption_in_year_keeps_points():
    units = [unit("z1"), unit("z2"), unit("z3")]
    research = ["2015-01-10", "2015-05-10", "2015-08-10", "2015-10-10"]
    items = spread("z1", 49) + [item(f"z1-r{k}", "z1", d, "research") for k, d in enumerate(research)]
    instructions = [instruction("z1-r1", "province", "decision")]
    items += [item("z2-out", "z2", "2015-05-10", in_scope=False)]
    items += [item("z3-1", "z3", "2014-11-10"), item("z3-2", "z3", "2015-05-10")]
    adoptions = [
        adoption("z2-out", "jl-national", "research"),
        adoption("z3-1", "jl-city", "general", "2014-11-20"),
    ]
    t = score(units, items, adoptions, instructions)

    # z1: 53 items (submission-1 met), research every quarter (JL-2 met),
    #     no commission_missed: 40 + 20 + 20 + 20 = 100, + province decision 40
    #     = 140 points; no adoption -> final 0, points kept.
    assert t.loc["z1", "points"] == pytest.approx(140)
    assert t.loc["z1", "final"] == pytest.approx(0)
    # z2: the adopted item is out of scope (C-5): adoption scores nothing and
    #     is no in-scope adoption for the zero rule: 60 points, final 0.
    assert t.loc["z2", "points"] == pytest.approx(60)
    assert t.loc["z2", "final"] == pytest.approx(0)
    # z3: its only adoption is dated 2014-11-20 (year 2014); its 2015 item is
    #     not adopted: 60 points, final 0.
    assert t.loc["z3", "points"] == pytest.approx(60)
    assert t.loc["z3", "final"] == pytest.approx(0)
    # award: none for this rulebook
    assert (t["award"] == "").all()


def test_jl_1_zero_rule_late_submission():
    units = [unit("l1"), unit("l2"), unit("l3"), unit("l4")]
    items = [item(f"{u}-1", u, "2015-05-10") for u in ("l1", "l2", "l3", "l4")]
    adoptions = [adoption(f"{u}-1", "jl-city", "general") for u in ("l1", "l2", "l3", "l4")]
    events = [
        event("l1", "2015-06-01", "late_submission"),
        event("l2", "2014-11-30", "late_submission"),
        event("l3", "2015-12-01", "late_submission"),
    ]
    t = score(units, items, adoptions, unit_events=events)
    # each: 40 + 20 + jl-city general 2 = 62 points.
    for uid in ("l1", "l2", "l3", "l4"):
        assert t.loc[uid, "points"] == pytest.approx(62)
    # l1: late_submission in the year -> final 0 (考核办法 一), points kept.
    assert t.loc["l1", "final"] == pytest.approx(0)
    # l2, l3: the event is dated in 2014 / 2016 -> final 62; l4: none -> 62.
    assert t.loc["l2", "final"] == pytest.approx(62)
    assert t.loc["l3", "final"] == pytest.approx(62)
    assert t.loc["l4", "final"] == pytest.approx(62)
    # ranks by final within the office group: three share 1, l1 is 4th.
    assert t.loc["l1", "rank"] == 4
    assert t.loc["l2", "rank"] == 1
