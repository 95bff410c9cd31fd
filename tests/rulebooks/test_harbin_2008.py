"""Hand-computed clause tests for `harbin-2008` (哈尔滨市政府系统).

Every expected value below is worked out by hand from the rulebook (哈尔滨市
政府系统政务信息工作考核办法, 2008, and decisions HRB-1, HRB-2 and C-1 … C-9
of docs/decisions.md) and the fixed readings of the scoring
API; the comment above each assertion shows the arithmetic and the article or
decision it rests on.

Year 2008 is the calendar year (C-1); quarters Jan–Mar, Apr–Jun, Jul–Sep,
Oct–Dec.

A unit with no items, events or checklist rows scores
    basic 8 × 5 = 40                      (第七条; absent lines = met)
  + submission-1   0  (0 items)            (第八条)
  + submission-2  15  (no emergency_failure)
  + submission-3  15  (no commission_missed)
  + submission-4   0  (no research item; HRB-1)
  = 70 = final = points.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

import ledger_rows
from ledger_rows import adoption, check, event, instruction, item

RULEBOOK = "harbin-2008"
YEAR = 2008
BASE = 70  # see the module docstring


# --------------------------------------------------------------------------
# helpers

unit = partial(ledger_rows.unit, group="district")
spread = partial(ledger_rows.spread, start=date(2008, 1, 1), days=366)
score = partial(ledger_rows.score, RULEBOOK, year=YEAR)


def _adopted(uid: str, n: int, day: str = "2008-05-10") -> tuple[list[dict], list[dict]]:
    """n items of one unit, each adopted once by hrb-city general (1 point)."""
    items = [item(f"{uid}-a{i}", uid, day) for i in range(n)]
    adoptions = [adoption(f"{uid}-a{i}", "hrb-city", "general") for i in range(n)]
    return items, adoptions


def _ranked(spec: dict[str, list[int]]):
    """Units per group with the given extra points (one adopted item per point)."""
    units, items, adoptions, names = [], [], [], {}
    for group, extras in spec.items():
        for k, extra in enumerate(extras):
            uid = f"{group}-{k}"
            units.append(unit(uid, group=group))
            it, ad = _adopted(uid, extra)
            items += it
            adoptions += ad
            names.setdefault(group, []).append(uid)
    return units, items, adoptions, names


# --------------------------------------------------------------------------
# 第七条: basic work, 8 lines × 5


def test_hrb_7_basic_8_lines_5_each():
    units = [unit(u) for u in ("a", "b", "c", "d")]
    checklist = (
        [check("b", "basic-4", False)]
        + [check("c", f"basic-{k}", False) for k in range(1, 9)]
        + [check("d", "basic-1", True)]
    )
    t = score(units, checklist=checklist)
    # a: no rows -> 8 × 5 + 15 + 15 = 70
    assert t.loc["a", "final"] == pytest.approx(70)
    assert t.loc["a", "points_annual"] == pytest.approx(70)
    # b: basic-4 not met -> 7 × 5 + 30 = 65
    assert t.loc["b", "final"] == pytest.approx(65)
    # c: all eight not met -> 0 + 30 = 30
    assert t.loc["c", "final"] == pytest.approx(30)
    # d: basic-1 explicitly met -> 70
    assert t.loc["d", "final"] == pytest.approx(70)


# --------------------------------------------------------------------------
# 第八条: submission work, 15 each, all or nothing


@pytest.mark.parametrize(
    "group, n_items, met",
    [
        # ≥ 15 a month: 180 / 12 = 15 ≥ 15; 179 / 12 = 14.92 < 15
        ("district", 180, True),
        ("district", 179, False),
        ("county", 180, True),
        ("county", 179, False),
        ("office", 180, True),
        ("office", 179, False),
        # bureau ≥ 10 a month: 120 / 12 = 10; 119 / 12 = 9.92
        ("bureau", 120, True),
        ("bureau", 119, False),
    ],
)
def test_hrb_8_submission_1_monthly_average_at_threshold(group, n_items, met):
    t = score([unit("u", group=group)], spread("u", n_items))
    # 70 + (15 if the year's average reaches the group's quota)
    expected = BASE + (15 if met else 0)
    assert t.loc["u", "final"] == pytest.approx(expected)
    assert t.loc["u", "points"] == pytest.approx(expected)


def test_hrb_8_submission_1_counts_in_year_in_scope_lead_items():
    units = [unit("a"), unit("b"), unit("c"), unit("lead")]
    # a: 178 inside + both boundary days of 2008 -> 180
    a_items = spread("a", 178, start=date(2008, 1, 2), days=364)
    a_items += [item("a-first", "a", "2008-01-01"), item("a-last", "a", "2008-12-31")]
    # b: 179 inside + one day either side of 2008 + one out of scope
    b_items = spread("b", 179, start=date(2008, 1, 2), days=364)
    b_items += [item("b-before", "b", "2007-12-31"), item("b-after", "b", "2009-01-01"),
                item("b-out", "b", "2008-06-01", in_scope=False)]
    # c: 179 own + 1 item led by another unit with c as co-unit
    c_items = spread("c", 179) + [item("lead-1", "lead", "2008-06-01", co_units="c")]
    t = score(units, a_items + b_items + c_items)
    # a: 180 counted -> 180 / 12 = 15: 70 + 15 = 85
    assert t.loc["a", "final"] == pytest.approx(85)
    # b: 179 counted (outside-year and out-of-scope items count for nothing,
    #    C-5, C-9) -> 70
    assert t.loc["b", "final"] == pytest.approx(70)
    # c: 179 counted (C-9: the lead unit's items only) -> 70
    assert t.loc["c", "final"] == pytest.approx(70)


def test_hrb_8_submission_2_emergency_failure():
    units = [unit("a"), unit("b"), unit("c")]
    events = [
        event("a", "2008-07-01", "emergency_failure"),
        event("b", "2007-12-31", "emergency_failure"),
    ]
    t = score(units, unit_events=events)
    # a: emergency_failure in the year -> submission-2 lost: 70 - 15 = 55
    assert t.loc["a", "final"] == pytest.approx(55)
    # b: the event is of 2007 -> 70; c: none -> 70
    assert t.loc["b", "final"] == pytest.approx(70)
    assert t.loc["c", "final"] == pytest.approx(70)


def test_hrb_8_submission_3_commission_missed():
    units = [unit("a"), unit("b"), unit("c")]
    events = [
        event("a", "2008-03-01", "commission_missed"),
        event("b", "2009-01-01", "commission_missed"),
    ]
    t = score(units, unit_events=events)
    # a: commission_missed in the year -> submission-3 lost: 70 - 15 = 55
    assert t.loc["a", "final"] == pytest.approx(55)
    # b: the event is of 2009 -> 70; c: none -> 70
    assert t.loc["b", "final"] == pytest.approx(70)
    assert t.loc["c", "final"] == pytest.approx(70)


def test_hrb_1_submission_4_research_every_quarter():
    plans = {
        "r1": ["2008-03-31", "2008-06-30", "2008-09-30", "2008-12-31"],  # all four
        "r2": ["2008-01-01", "2008-04-01", "2008-07-01", "2008-10-01"],  # all four
        "r3": ["2008-01-15", "2008-02-15", "2008-05-15", "2008-08-15"],  # no Q4
        "r4": ["2007-12-20", "2008-04-15", "2008-07-15", "2008-10-15"],  # Q1 item is of 2007
    }
    units = [unit(u) for u in plans] + [unit("r5")]
    items = [item(f"{u}-{k}", u, d, "research") for u, days in plans.items() for k, d in enumerate(days)]
    # r5: all four quarters but the Q2 one out of scope (C-5)
    items += [
        item("r5-0", "r5", "2008-02-01", "research"),
        item("r5-1", "r5", "2008-05-01", "research", in_scope=False),
        item("r5-2", "r5", "2008-08-01", "research"),
        item("r5-3", "r5", "2008-11-01", "research"),
    ]
    t = score(units, items)
    # HRB-1: ≥ 1 research item in every calendar quarter -> +15.
    # r1, r2: met -> 70 + 15 = 85
    assert t.loc["r1", "final"] == pytest.approx(85)
    assert t.loc["r2", "final"] == pytest.approx(85)
    # r3: no Oct–Dec research item -> 70
    assert t.loc["r3", "final"] == pytest.approx(70)
    # r4: nothing in Jan–Mar 2008 -> 70
    assert t.loc["r4", "final"] == pytest.approx(70)
    # r5: Q2 research item out of scope -> 70
    assert t.loc["r5", "final"] == pytest.approx(70)


def test_hrb_8_checklist_overrides_submission_lines():
    units = [unit(u) for u in ("a", "b", "c")]
    events = [event("b", "2008-05-01", "emergency_failure")]
    checklist = [
        check("a", "submission-1", True),
        check("b", "submission-2", True),
        check("c", "submission-3", False),
    ]
    t = score(units, unit_events=events, checklist=checklist)
    # a: no items but submission-1 met by the checklist: 70 + 15 = 85
    assert t.loc["a", "final"] == pytest.approx(85)
    # b: emergency_failure, but submission-2 met by the checklist: 70
    assert t.loc["b", "final"] == pytest.approx(70)
    # c: no commission_missed, but submission-3 not met by the checklist: 55
    assert t.loc["c", "final"] == pytest.approx(55)


# --------------------------------------------------------------------------
# 第九条: adoption, every adoption scores


@pytest.mark.parametrize(
    "outlet, section, value",
    [
        ("hrb-city", "general", 1),
        ("hrb-city", "urgent", 2),
        ("hrb-city", "research-small", 2),
        ("hrb-city", "research-large", 5),
        ("hrb-province", "general", 2),
        ("hrb-province", "research", 10),
        ("hrb-state-council", "general", 10),
        ("hrb-state-council", "research", 20),
    ],
)
def test_hrb_9_adoption_table_value(outlet, section, value):
    items = [item("i1", "a", "2008-02-10")]
    adoptions = [adoption("i1", outlet, section, "2008-04-10")]
    t = score([unit("a")], items, adoptions)
    # 第九条 table: `value` on the adoption's date (Q2); 70 + value.
    assert t.loc["a", "points_q2"] == pytest.approx(value)
    assert t.loc["a", "points_q1"] == pytest.approx(0)
    assert t.loc["a", "final"] == pytest.approx(BASE + value)
    assert t.loc["a", "points"] == pytest.approx(BASE + value)


def test_hrb_9_every_adoption_scores():
    units = [unit("a"), unit("co")]
    items = [item("i1", "a", "2008-02-10", co_units="co")]
    adoptions = [
        adoption("i1", "hrb-city", "general", "2008-02-12"),
        adoption("i1", "hrb-province", "research", "2008-05-12"),
        adoption("i1", "hrb-state-council", "general", "2008-11-12"),
    ]
    t = score(units, items, adoptions)
    # 第九条 every adoption scores: 1 (Q1) + 10 (Q2) + 10 (Q4) = 21; 70 + 21 = 91.
    assert t.loc["a", "points_q1"] == pytest.approx(1)
    assert t.loc["a", "points_q2"] == pytest.approx(10)
    assert t.loc["a", "points_q4"] == pytest.approx(10)
    assert t.loc["a", "final"] == pytest.approx(91)
    # C-3: the co-unit gets nothing: 70.
    assert t.loc["co", "final"] == pytest.approx(70)


# --------------------------------------------------------------------------
# instructions (第九条) with HRB-2


@pytest.mark.parametrize(
    "level, kind, value",
    [
        ("city", "read", 2), ("city", "affirm", 3), ("city", "reference", 5), ("city", "decision", 10),
        ("province", "read", 10), ("province", "affirm", 10), ("province", "reference", 15),
        ("province", "decision", 20),
        # HRB-2: ministry as province
        ("ministry", "read", 10), ("ministry", "affirm", 10), ("ministry", "reference", 15),
        ("ministry", "decision", 20),
        # national: any kind 20
        ("national", "read", 20), ("national", "affirm", 20), ("national", "reference", 20),
        ("national", "decision", 20),
        # HRB-2: bureau and county nothing
        ("bureau", "read", 0), ("bureau", "affirm", 0), ("bureau", "reference", 0), ("bureau", "decision", 0),
        ("county", "read", 0), ("county", "affirm", 0), ("county", "reference", 0), ("county", "decision", 0),
    ],
)
def test_hrb_9_instruction_table_by_level_and_kind(level, kind, value):
    items = [item("i1", "a", "2008-05-10")]
    instructions = [instruction("i1", level, kind, "2008-08-01")]
    t = score([unit("a")], items, instructions=instructions)
    # instruction table (HRB-2): `value` on 2008-08-01 (Q3); 70 + value.
    assert t.loc["a", "points_q3"] == pytest.approx(value)
    assert t.loc["a", "final"] == pytest.approx(BASE + value)


def test_hrb_c4_instructions_sum_and_add_to_adoption():
    items = [item("i1", "a", "2008-05-10")]
    adoptions = [adoption("i1", "hrb-province", "general")]
    instructions = [
        instruction("i1", "city", "affirm"),
        instruction("i1", "national", "read"),
        instruction("i1", "bureau", "decision"),
    ]
    t = score([unit("a")], items, adoptions, instructions)
    # C-4: adoption 2 + city affirm 3 + national 20 + bureau 0 = 25, all on the
    # item's date (Q2); 70 + 25 = 95.
    assert t.loc["a", "points_q2"] == pytest.approx(25)
    assert t.loc["a", "final"] == pytest.approx(95)


def test_hrb_points_equal_final():
    units = [unit("a"), unit("b", group="bureau"), unit("c", group="county")]
    items = spread("b", 120) + [item("a1", "a", "2008-03-03")]
    adoptions = [adoption("a1", "hrb-state-council", "research")]
    instructions = [instruction("a1", "province", "decision")]
    events = [
        event("c", "2008-04-01", "emergency_failure"),
        event("c", "2008-04-02", "commission_missed"),
    ]
    checklist = [check("c", "basic-2", False)]
    t = score(units, items, adoptions, instructions, events, checklist)
    # a: 70 + 20 (state council research) + 20 (province decision) = 110
    assert t.loc["a", "final"] == pytest.approx(110)
    # b: bureau, 120 items -> 70 + 15 = 85
    assert t.loc["b", "final"] == pytest.approx(85)
    # c: 35 basic + 0 + 0 + 0 + 0 = 35
    assert t.loc["c", "final"] == pytest.approx(35)
    # points = final (the method ranks on the total score, 第十条)
    for uid in ("a", "b", "c"):
        assert t.loc[uid, "points"] == pytest.approx(t.loc[uid, "final"])


# --------------------------------------------------------------------------
# 第十条: award bands; C-6 ties


def test_hrb_10_band_edges_per_group():
    # distinct finals 70 + extra; rank r gets extra = n + 1 - r
    spec = {
        "district": list(range(6, 0, -1)),   # ranks 1..6
        "county": list(range(8, 0, -1)),     # ranks 1..8
        "bureau": list(range(31, 0, -1)),    # ranks 1..31
        "office": list(range(6, 0, -1)),     # ranks 1..6
    }
    bands = {"district": (2, 5), "county": (3, 7), "bureau": (10, 30), "office": (2, 5)}
    units, items, adoptions, names = _ranked(spec)
    t = score(units, items, adoptions)
    for group, uids in names.items():
        model_to, advanced_to = bands[group]
        for r, uid in enumerate(uids, start=1):
            # 第十条: model for ranks 1..model_to, advanced for model_to+1..advanced_to,
            # none past; ranks are within the group (C-6).
            expected = "model" if r <= model_to else "advanced" if r <= advanced_to else ""
            assert t.loc[uid, "rank"] == r, uid
            assert t.loc[uid, "final"] == pytest.approx(BASE + len(uids) + 1 - r), uid
            assert t.loc[uid, "award"] == expected, uid


def test_hrb_10_band_edges_with_ties():
    spec = {
        # ranks 1, 2, 2, 4, 5, 5, 7
        "district": [10, 9, 9, 8, 7, 7, 5],
        # ranks 1, 2, 3, 3, 5, 6, 7, 7, 9
        "county": [10, 9, 8, 8, 7, 6, 5, 5, 4],
        # ranks 1, 1, 1, 4, 5, 6
        "office": [9, 9, 9, 8, 7, 6],
        # ranks 1..9, three at 10, 13..29, three at 30, then 33
        "bureau": list(range(40, 31, -1)) + [31] * 3 + list(range(30, 13, -1)) + [13] * 3 + [12],
    }
    units, items, adoptions, names = _ranked(spec)
    t = score(units, items, adoptions)

    def awards(group):
        return [t.loc[u, "award"] for u in names[group]]

    def ranks(group):
        return [int(t.loc[u, "rank"]) for u in names[group]]

    # C-6: ties share the best rank; a band "top N" takes every rank ≤ N.
    # district (model 1–2, advanced 3–5): the two at rank 2 are both model;
    # the two at rank 5 are both advanced; rank 7 gets nothing.
    assert ranks("district") == [1, 2, 2, 4, 5, 5, 7]
    assert awards("district") == ["model"] * 3 + ["advanced"] * 3 + [""]
    # county (model 1–3, advanced 4–7): both rank-3 units model, both rank-7
    # units advanced, rank 9 nothing.
    assert ranks("county") == [1, 2, 3, 3, 5, 6, 7, 7, 9]
    assert awards("county") == ["model"] * 4 + ["advanced"] * 4 + [""]
    # office (model 1–2, advanced 3–5): three tied at 1 are all model; 4, 5
    # advanced; 6 nothing.
    assert ranks("office") == [1, 1, 1, 4, 5, 6]
    assert awards("office") == ["model"] * 3 + ["advanced"] * 2 + [""]
    # bureau (model 1–10, advanced 11–30): 9 + 3 tied at 10 = 12 model;
    # ranks 13..29 and the three tied at 30 = 20 advanced; rank 33 nothing.
    assert ranks("bureau") == list(range(1, 10)) + [10] * 3 + list(range(13, 30)) + [30] * 3 + [33]
    assert awards("bureau") == ["model"] * 12 + ["advanced"] * 20 + [""]


def test_hrb_c6_rounding_ties():
    # Every basic and submission line switched off by the checklist, so final
    # is the adoption points alone; hrb-city general = 0.1 and urgent = 0.3.
    units = [unit(u) for u in ("top", "a", "b", "c")]
    lines = [f"basic-{k}" for k in range(1, 9)] + [f"submission-{k}" for k in range(1, 5)]
    checklist = [check(u, line, False) for u in ("top", "a", "b", "c") for line in lines]
    items = [item("top-1", "top", "2008-05-01")]
    items += [item(f"a-{k}", "a", "2008-05-01") for k in range(3)]
    items += [item("b-1", "b", "2008-05-01"), item("c-1", "c", "2008-05-01")]
    adoptions = [adoption("top-1", "hrb-city", "research-large")]
    adoptions += [adoption(f"a-{k}", "hrb-city", "general") for k in range(3)]
    adoptions += [adoption("b-1", "hrb-city", "urgent"),
                  adoption("c-1", "hrb-city", "general")]
    variant = {"adoption.points.hrb-city.general": 0.1, "adoption.points.hrb-city.urgent": 0.3}
    t = score(units, items, adoptions, checklist=checklist, variant=variant)
    # top: research-large 5; a: 0.1 + 0.1 + 0.1 (= 0.30000000000000004 in
    # floating point); b: 0.3; c: 0.1.
    assert t.loc["top", "final"] == pytest.approx(5)
    assert t.loc["a", "final"] == pytest.approx(0.3)
    assert t.loc["b", "final"] == pytest.approx(0.3)
    assert t.loc["c", "final"] == pytest.approx(0.1)
    # C-6: compared after rounding to 6 places, a and b tie at rank 2; both
    # are within the district's model band (ranks 1–2, 第十条); c is rank 4,
    # advanced (3–5).
    assert t.loc["top", "rank"] == 1
    assert t.loc["a", "rank"] == 2
    assert t.loc["b", "rank"] == 2
    assert t.loc["c", "rank"] == 4
    assert [t.loc[u, "award"] for u in ("top", "a", "b", "c")] == ["model", "model", "model", "advanced"]
