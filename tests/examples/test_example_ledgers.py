"""Score the hand-made example ledgers in data/examples/ and compare every unit
with values worked out by hand from the rulebooks.

Each expected value carries its computation: the rule (article, numbered
decision), the ledger rows it uses (item ids, dates) and the arithmetic.
"q1..q4" are the rulebook's quarters, "annual" the year-as-a-whole points
(checklist lines); q1 + q2 + q3 + q4 + annual = points.
"""

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

import simsuite
from simsuite.ledger import read_history
from ledger_rows import YEARS

REPO = Path(__file__).parents[2]
EXAMPLES = REPO / "data" / "examples"


@lru_cache(maxsize=None)
def _table(rulebook: str) -> pd.DataFrame:
    scores = simsuite.score(rulebook, EXAMPLES / rulebook, year=YEARS[rulebook])
    return scores.table


def _rows(rulebook: str) -> dict[str, dict]:
    t = _table(rulebook)
    return {str(r["unit_id"]): r for r in t.to_dict("records")}


def _check(rulebook: str, expected: dict[str, dict], columns: tuple[str, ...]):
    rows = _rows(rulebook)
    assert sorted(rows) == sorted(expected)
    problems = []
    for uid, exp in expected.items():
        for col in columns:
            if col not in exp:
                continue
            got = rows[uid][col]
            want = exp[col]
            if isinstance(want, float):
                ok = got == pytest.approx(want, abs=1e-9)
            elif isinstance(want, str):
                ok = ("" if got is None or (isinstance(got, float) and pd.isna(got)) else got) == want
            else:
                ok = got == want
            if not ok:
                problems.append(f"{uid} {col}: expected {want!r}, got {got!r}")
    assert not problems, "\n".join(problems)


QUARTERS = ("points_q1", "points_q2", "points_q3", "points_q4", "points_annual")
OUTCOME = ("points", "final", "rank", "award")


# ---------------------------------------------------------------------------
# ningxia-transport-2021 (宁夏回族自治区交通运输厅), year 2021
# Groups 1 (quota 2 dynamic+comprehensive a month) and 2 (quota 1).
# Month base (第十一条): quota reached +5, no counted item at all -5, else 0 (NX-1).
# research / commissioned items +5 each in their quarter (NX-2).
# Adoption: per item only the highest, credited as it rises (第十一条(二), C-8).
# Instruction province/ministry/national 10 each (NX-3); bureau/city/county 0.
# Co-unit: half of the lead's adoption + instruction credits, same dates (NX-4).
# Efficiency per quarter and group: 5 x q / top; top <= 0 -> all 0; negatives -> 0
# (第十二条, NX-5). final = mean of the four efficiencies. award: none.
# ---------------------------------------------------------------------------
NINGXIA = {
    # 001 银川市交通运输局 (group 1)
    "001": {
        # Q1: Jan a01+a02 = 2 -> +5; Feb a03+a04 = 2 -> +5; Mar a05 (1 dynamic) + a06
        # (research, not quota) -> 0; research a06 +5; a05 nx-info:item 2021-03-20
        # raises highest 0 -> 2: +2.  5 + 5 + 0 + 5 + 2 = 17
        "points_q1": 17,
        # Q2: Apr a07+a08 -> +5; May a09+a10 -> +5; Jun no item -> -5;
        # a05 nx-gov-info:item 04-10 raises 2 -> 4: +2; a05 nx-info:brief 05-06 (1) no rise: 0;
        # a07 nx-party-ningxia-info:item 04-20: +6 (lead, in full);
        # a07 province/affirm 05-10: +10; a07 bureau/read 05-12: 0 (NX-3).
        # 5 + 5 - 5 + 2 + 6 + 10 = 23
        "points_q2": 23,
        # Q3: Jul a11+a12 -> +5; Aug none -> -5; Sep a13 research only -> 0 and +5;
        # a05 nx-central:item 07-08 raises 4 -> 10: +6.  5 - 5 + 0 + 5 + 6 = 11
        "points_q3": 11,
        # Q4: Oct, Nov, Dec no item: -5 x 3 = -15
        "points_q4": -15,
        "points_annual": 0,
        # 17 + 23 + 11 - 15 = 36
        "points": 36,
        # group 1 efficiencies: Q1 top is 001 (17) -> 5; Q2 001 and 008 tie at 23 -> 5;
        # Q3 top is 032 (25): 11 x 5 / 25 = 2.2; Q4 top of group is 008 with -9 <= 0 -> 0 (NX-5).
        # (5 + 5 + 2.2 + 0) / 4 = 3.05
        "final": 3.05,
        "rank": 1,
        "award": "",
    },
    # 008 石嘴山市交通运输局 (group 1), co-unit of 001's a07
    "008": {
        # Q1: Jan b01+b02+b03 = 3 -> +5 (over quota earns nothing more); Feb none -> -5;
        # Mar b04 only 1 -> 0; b00 (item of 2020-12-20, outside the year) had
        # nx-info:item 2 on 2020-12-28 (outside, counts toward the highest so far);
        # nx-gov-info:item 2021-01-15 raises 2 -> 4: +2.  5 - 5 + 0 + 2 = 2
        "points_q1": 2,
        # Q2: Apr b05+b06 -> +5; May b07+b08 -> +5; Jun b09+b10 -> +5;
        # co-unit half of a07: adoption 6 / 2 = 3 (04-20) + instruction 10 / 2 = 5 (05-10).
        # 15 + 3 + 5 = 23
        "points_q2": 23,
        # Q3: no item Jul, Aug, Sep: -15 (a07 as co-unit counts for no quota, NX-1)
        "points_q3": -15,
        # Q4: Oct b11 (1 of 2) -> 0; Nov, Dec none -> -10; b11 nx-info:brief 10-28 -> +1.
        # 0 - 10 + 1 = -9
        "points_q4": -9,
        "points_annual": 0,
        # 2 + 23 - 15 - 9 = 1
        "points": 1,
        # Q1 2 x 5 / 17 = 10/17; Q2 tie at top 23 -> 5; Q3 -15 -> 0; Q4 top <= 0 -> 0.
        # (10/17 + 5) / 4 = 95/68
        "final": 95 / 68,
        "rank": 2,
        "award": "",
    },
    # 032 厅办公室 (group 1)
    "032": {
        # Q1: Jan c01 emergency (an item, not quota) -> 0; Feb c02 (1 of 2) -> 0; Mar none -> -5
        "points_q1": -5,
        # Q2: Apr c03 (1 of 2) -> 0; May, Jun none -> -10; c03 city/decision 04-30 scores 0 (NX-3)
        "points_q2": -10,
        # Q3: Jul c04 research -> month 0, +5; Aug c05 commissioned -> month 0, +5,
        # c05 ministry/read 08-30 +10; Sep c06+c07 -> +5.  5 + 5 + 10 + 5 = 25
        "points_q3": 25,
        # Q4: no item: -15
        "points_q4": -15,
        "points_annual": 0,
        # -5 - 10 + 25 - 15 = -5
        "points": -5,
        # Q1 negative -> 0; Q2 negative -> 0; Q3 top -> 5; Q4 top <= 0 -> 0.  5 / 4
        "final": 1.25,
        "rank": 3,
        "award": "",
    },
    # 037 宁夏交通学校 (group 2, quota 1)
    "037": {
        # Q1: Jan d01 +5; Feb d02 +5; Mar d03 commissioned -> month 0, item +5.  15
        "points_q1": 15,
        # Q2: Apr, May none -> -10; Jun d04 +5.  -5
        "points_q2": -5,
        # Q3: Jul d05 research -> month 0, +5; Aug d06 +5; Sep d07 +5;
        # d06 nx-mot-exchange:item 08-31 +6.  5 + 5 + 5 + 6 = 21
        "points_q3": 21,
        # Q4: Oct d08 +5; Nov d09 +5; Dec none -5.  5
        "points_q4": 5,
        "points_annual": 0,
        # 15 - 5 + 21 + 5 = 36
        "points": 36,
        # Q1 top -> 5; Q2 group top is 041 with 0 (<= 0) -> 0; Q3 top -> 5;
        # Q4 5 x 5 / 16 = 25/16.  (5 + 0 + 5 + 25/16) / 4 = 2.890625
        "final": 2.890625,
        "rank": 1,
        "award": "",
    },
    # 041 自治区交通宣传事务中心 (group 2)
    "041": {
        # Q1: Jan e01 +5; Feb only e02, which is in_scope=false (C-5: counts for
        # nothing, so the month has no counted item) -> -5, and its nx-info:item
        # adoption 02-26 scores 0; Mar e03 +5.  5 - 5 + 5 = 5
        "points_q1": 5,
        # Q2: Apr e04 +5; May none -5; Jun e05 emergency -> an item, below quota -> 0.  0
        "points_q2": 0,
        # Q3: Jul e06 +5; Aug, Sep none -10.  -5
        "points_q3": -5,
        # Q4: Oct e07 +5; Nov e08 +5; Dec none -5; e07 nx-info:brief 10-20 +1;
        # e07 national/decision 11-02 +10 (NX-3).  5 + 5 - 5 + 1 + 10 = 16
        "points_q4": 16,
        "points_annual": 0,
        # 5 + 0 - 5 + 16 = 16
        "points": 16,
        # Q1 5 x 5 / 15 = 5/3; Q2 top 0 -> 0; Q3 -5 -> 0; Q4 top -> 5.
        # (5/3 + 5) / 4 = 5/3
        "final": 5 / 3,
        "rank": 2,
        "award": "",
    },
}


def test_ningxia_quarter_points_month_quota_zero_months_highest_adoption_and_co_unit_half():
    _check("ningxia-transport-2021", NINGXIA, QUARTERS)


def test_ningxia_points_final_is_mean_of_quarterly_efficiency_and_ranks():
    _check("ningxia-transport-2021", NINGXIA, OUTCOME)


def test_ningxia_highest_adoption_rise_lands_in_each_later_quarter():
    # a05 (001): nx-info 2 (Q1), nx-gov-info 4 (Q2, +2), nx-info:brief 1 (Q2, +0),
    # nx-central 10 (Q3, +6): the item's 10 spread 2 / 2 / 6 over Q1..Q3 (C-8);
    # Q1 is not rewritten when the higher adoptions arrive. Without those adoptions 001 would
    # have Q1 15, Q2 21, Q3 5 (see NINGXIA above).
    row = _rows("ningxia-transport-2021")["001"]
    assert (row["points_q1"], row["points_q2"], row["points_q3"]) == (15 + 2, 21 + 2, 5 + 6)


# ---------------------------------------------------------------------------
# jiande-2018 (建德市), year 2018
# Quarter raw (三、计分办法): own outlets per adoption (JD-1: several outlets sum);
# jd-hangzhou key/special 8/16, township 16/32; commissioned: quality as base,
# a jd-hangzhou adoption of it x3; instructions per item only the highest
# (county 3, city 30, province/ministry/national 50), credited as it rises (C-8);
# emergency items and their instructions 0; no item in a month -10;
# emergency_failure first -10, later -20; duplicate_channel/absence -10;
# secondment +30 per person.
# Rank points (四、2): eligible = raw >= target (township 30, A 30) and no quarter
# veto (commission_missed in the quarter; township direct-report task);
# position = 1 + eligible units with strictly higher raw; township 15..6 then 5,
# A 25..11 then 10; not eligible -> 0.
# final = sum of rank points; year veto (false_report) -> 0; national instruction
# on a non-emergency item -> shares rank 1 unless year-vetoed.
# award (四、3, JD-2): k = ceil(0.3 n) ranks no-deduction, then tiers of r // 3
# positions (+1 for tier i <= r % 3), r = n - k.
# ---------------------------------------------------------------------------
JIANDE = {
    # 001 新安江街道 (township, target 30)
    "001": {
        # Q1: t1-02 jd-hangzhou:special 02-02 township 32; t1-03 jd-dynamic:item 02-12 4;
        # every month has items.  32 + 4 = 36.  Direct-report task met: Jan t1-01,t1-02;
        # Feb t1-03,t1-04; Mar t1-05,t1-06 all sent to jd-hangzhou:key (>= 2 a month),
        # t1-02 also sent to jd-hangzhou:special (>= 1 in the quarter).
        "points_q1": 36,
        # Q2: t1-07 jd-hangzhou:key 04-20 township 16; May, Jun no item -20.  -4
        "points_q2": -4,
        # Q3: t1-08 commissioned quality 8 -> 8; its jd-hangzhou:key 07-25 = 16 x 3 = 48;
        # Aug, Sep no item -20.  8 + 48 - 20 = 36 (task failed: Aug/Sep no key sends)
        "points_q3": 36,
        # Q4: secondment 10-31 +30; Oct, Nov, Dec no item -30.  0
        "points_q4": 0,
        "points_annual": 0,
        # 36 - 4 + 36 + 0 = 68
        "points": 68,
        # rank points: Q1 only eligible township -> position 1 -> 15; Q2 below target;
        # Q3 raw 36 >= 30 but direct-report task failed -> 0; Q4 below.  15
        "final": 15,
        "rank": 1,
        # n = 2: k = ceil(0.6) = 1 -> rank 1 no-deduction
        "award": "no-deduction",
    },
    # 005 寿昌镇 (township)
    "005": {
        # Q1: t2-01 jd-zhejiang:special 01-29 32 (no township rate outside jd-hangzhou);
        # items in Jan, Feb, Mar.  32 (task failed: Jan has 1 key send, Mar none, no special)
        "points_q1": 32,
        # Q2: Apr none -10; May t2-05 emergency (an item; its jd-hangzhou:key 05-12 and
        # city/decision 05-15 score 0: 应急信息不计分); Jun none -10.  -20
        "points_q2": -20,
        # Q3: Jul none -10; t2-06 research 08-21 jd-hangzhou:special 09-10 township 32;
        # city/read 09-18 30; Sep none -10.  32 + 30 - 20 = 42 (task failed)
        "points_q3": 42,
        # Q4: Oct t2-07; Nov, Dec none -20; emergency_failure 11-02 count 2 = the
        # year's first (-10) and second (-20).  -20 - 30 = -50
        "points_q4": -50,
        "points_annual": 0,
        # 32 - 20 + 42 - 50 = 4
        "points": 4,
        # no quarter eligible (Q1, Q3 task failed; Q2, Q4 below target)
        "final": 0,
        "rank": 2,
        # n = 2: k = 1, r = 1 -> tier 1 holds 1 position: rank 2 -> deduction-1
        "award": "deduction-1",
    },
    # 018 发改局 (group A, target 30)
    "018": {
        # Q1: a1-01 jd-special:item 8 + jd-dynamic:item 4 (JD-1 sum); a1-02 jd-reference 6;
        # a1-03 jd-zhejiang:key 16; a1-03 county/read 03-20 +3.  8 + 4 + 6 + 16 + 3 = 37
        "points_q1": 37,
        # Q2: a1-03 city/affirm 04-12 raises highest 3 -> 30: +27; county/decision
        # 04-20 (3) no rise: 0; a1-04 jd-dynamic:brief 2; a1-05 jd-dynamic:item 4;
        # a1-06 in Jun (no adoption).  27 + 2 + 4 = 33
        "points_q2": 33,
        # Q3: a1-07 emergency in Jul: its jd-special and national/read score 0;
        # Aug, Sep no item -20; emergency_failure 07-10 first -10, 09-05 second -20.
        # -20 - 10 - 20 = -50
        "points_q3": -50,
        # Q4: a1-08 jd-zhejiang:special 32 + jd-hangzhou:special 16 + jd-special 8;
        # its jd-dynamic 2019-01-15 is outside the year; Nov, Dec no item -20.  56 - 20 = 36
        "points_q4": 36,
        "points_annual": 0,
        # 37 + 33 - 50 + 36 = 56
        "points": 56,
        # Q1 eligible 027 (50), 018 (37), 020 (37): 018 position 2 -> 24 (tie with 020);
        # Q2 eligible 034 (80), 031 (44), 018 (33), 020 (30): position 3 -> 23;
        # Q3 -50 -> 0; Q4 eligible 018 (36), 034 (36): tie, position 1 -> 25.
        # 24 + 23 + 0 + 25 = 72
        "final": 72,
        # override unit 031 takes rank 1; 018 first of the rest -> 1 + 1 = 2
        "rank": 2,
        # n = 5: k = ceil(1.5) = 2 -> rank 2 no-deduction
        "award": "no-deduction",
    },
    # 020 教育局 (A) — national instruction but year veto
    "020": {
        # Q1: a2-01 jd-hangzhou:key 8 (non-township) + jd-dynamic:brief 2; a2-02 jd-special 8;
        # a2-03 jd-zhejiang:key 16; a2-03 county/affirm 03-26 3.  10 + 8 + 16 + 3 = 37
        "points_q1": 37,
        # Q2: a2-04 jd-special 8 + jd-dynamic:brief 2; May, Jun no item -20;
        # duplicate_channel 05-20 -10; absence 06-05 -10; secondment 06-30 count 2 +60.
        # 10 - 20 - 10 - 10 + 60 = 30 (exactly the target: eligible)
        "points_q2": 30,
        # Q3: a2-07 jd-reference 6 + jd-dynamic 4; national/decision 08-01 50;
        # Aug, Sep no item -20.  6 + 4 + 50 - 20 = 40
        "points_q3": 40,
        # Q4: no item -30 (false_report 11-20 is a year veto, no points)
        "points_q4": -30,
        "points_annual": 0,
        # 37 + 30 + 40 - 30 = 77
        "points": 77,
        # rank points would be Q1 24 + Q2 22 (position 4) + Q3 23 (position 3 behind
        # 027, 031 at 50) = 69, but false_report in the year -> final 0 (year veto, C-7);
        # the year veto also beats the national-instruction override.
        "final": 0,
        # rest ranked 018 72, 027 50, 034 50, 020 0 -> 1 + 4 = 5
        "rank": 5,
        # positions after k = 2: 3 -> deduction-1, 4 -> deduction-2, 5 -> deduction-3
        "award": "deduction-3",
    },
    # 027 交通运输局 (A)
    "027": {
        # Q1: a3-01 jd-zhejiang:special 32; a3-02 jd-special 8; a3-03 jd-reference 6 +
        # jd-dynamic 4.  50  (absence 2017-12-20 is outside the year)
        "points_q1": 50,
        # Q2: a3-04 jd-dynamic 4 + jd-reference 6; May, Jun no item -20.  -10
        "points_q2": -10,
        # Q3: a3-07 jd-dynamic:brief 2 + jd-special 8; secondment 09-28 count 2 +60;
        # Aug, Sep no item -20.  10 + 60 - 20 = 50
        "points_q3": 50,
        # Q4: a3-08 in Nov; Oct, Dec no item -20
        "points_q4": -20,
        "points_annual": 0,
        # 50 - 10 + 50 - 20 = 70
        "points": 70,
        # Q1: 034's 55 is vetoed (commission_missed) so 027 is position 1 -> 25;
        # Q2 below target; Q3 027 and 031 tie at 50 -> both position 1 -> 25; Q4 below.
        # 25 + 0 + 25 + 0 = 50
        "final": 50,
        # rest: 018 72 first, 027 and 034 tie at 50 -> 1 + 2 = 3
        "rank": 3,
        "award": "deduction-1",
    },
    # 031 旅游商务局 (A) — national instruction on a research item: 视为年度排名第一
    "031": {
        # Q1: a4-01 jd-special 8; Feb, Mar no item -20.  -12
        "points_q1": -12,
        # Q2: a4-04 jd-zhejiang:key 16 + jd-hangzhou:special 16 (non-township);
        # a4-05 jd-special 8; a4-06 jd-dynamic 4.  44
        "points_q2": 44,
        # Q3: a4-07 jd-dynamic 4 + jd-zhejiang:key 16; national/affirm 08-08 50;
        # province/read 09-03 also 50: no rise, 0 (only the highest, C-8);
        # Aug, Sep no item -20.  4 + 16 + 50 - 20 = 50
        "points_q3": 50,
        # Q4: a4-08 in Oct; Nov, Dec no item -20; absence 12-10 -10.  -30
        "points_q4": -30,
        "points_annual": 0,
        # -12 + 44 + 50 - 30 = 52
        "points": 52,
        # Q1 below target; Q2 position 2 (behind 034 80) -> 24; Q3 tie at 50 -> 25; Q4 below.
        # 0 + 24 + 25 + 0 = 49
        "final": 49,
        # override: rank 1 although 018's final is higher
        "rank": 1,
        "award": "no-deduction",
    },
    # 034 市场监管局 (A)
    "034": {
        # Q1: a5-01 commissioned quality 7 -> 7, its jd-hangzhou:key 01-31 = 8 x 3 = 24;
        # a5-02 jd-zhejiang:key 16; a5-03 jd-special 8.  7 + 24 + 16 + 8 = 55
        # (commission_missed 03-15: quarter veto, raw points still count in points)
        "points_q1": 55,
        # Q2: a5-04 jd-zhejiang:special 32; a5-05 commissioned, quality blank = 10 -> 10,
        # its jd-hangzhou:special 05-30 = 16 x 3 = 48; Jun no item -10.  32 + 10 + 48 - 10 = 80
        "points_q2": 80,
        # Q3: a5-07 jd-special 8 + jd-reference 6 + jd-dynamic 4; Aug, Sep -20.  -2
        "points_q3": -2,
        # Q4: a5-10 jd-zhejiang:special 32 + jd-hangzhou:special 16 + jd-special 8;
        # Nov, Dec no item -20.  36
        "points_q4": 36,
        "points_annual": 0,
        # 55 + 80 - 2 + 36 = 169
        "points": 169,
        # Q1 vetoed -> 0; Q2 position 1 -> 25; Q3 below; Q4 tie with 018 at 36 -> 25.  50
        "final": 50,
        "rank": 3,
        # rank 3 = position 3 -> tier 1, shared with 027
        "award": "deduction-1",
    },
}


def test_jiande_quarter_raw_points_outlets_commissioned_instructions_events_zero_months():
    _check("jiande-2018", JIANDE, QUARTERS)


def test_jiande_rank_points_vetoes_national_override_and_award_tiers():
    _check("jiande-2018", JIANDE, OUTCOME)


# ---------------------------------------------------------------------------
# jilin-transport-2015 (吉林市交通运输局), year 2014-12-01 .. 2015-11-30,
# quarters Dec-Mar, Apr-Jun, Jul-Sep, Oct-Nov (考核办法 三).
# annual: basic-1..8 5 each (absent = met); submission-1..3 20 each
# (submission-1 computed needs >= 53 items (office/project) or >= 105 (affiliate),
# none of these units has that many: set by checklist; submission-2 no
# commission_missed; submission-3 JL-2 research in every quarter); a checklist
# row overrides. Adoption and instruction tables per 第三项 / JL-3.
# Zero rule: final 0 without an in-scope item's adoption dated in the year
# (jl-own counts) or with a late_submission in the year; points before it.
# ---------------------------------------------------------------------------
JILIN = {
    # 001 办公室 (office)
    "001": {
        # j1-01 research 2014-12-01 (first day of the year): jl-city:research 2014-12-20 -> 10
        "points_q1": 10,
        # j1-02 jl-province:research 05-10 15 + city/affirm 05-20 10;
        # j1-05 jl-city:forwarded-province 06-10 5 + bureau/decision 06-15 10.  40
        "points_q2": 40,
        # j1-03 jl-city:important 08-20 -> 5
        "points_q3": 5,
        # j1-04 jl-national:general dated 2015-11-30 (last day of the year) -> 15
        "points_q4": 15,
        # basic 40 (no rows) + submission-1 20 (checklist true overrides the computed
        # "not met") + submission-2 20 + submission-3 20 (research j1-01 Q1, j1-02 Q2,
        # j1-03 Q3, j1-04 Q4) = 100
        "points_annual": 100,
        # 10 + 40 + 5 + 15 + 100 = 170
        "points": 170,
        # adoptions in the year; late_submission 2014-11-28 is outside the year -> no zero
        "final": 170,
        "rank": 1,
        "award": "",
    },
    # 002 综合规划处 (office)
    "002": {
        # j2-00 (item of 2014-11-30, outside): its jl-province 2014-11-30 is outside,
        # its jl-city:research 2014-12-01 is in the year -> 10; j2-01 jl-own:general 0.  10
        "points_q1": 10,
        # j2-02 jl-city:general 2 + province/read 10 + ministry/decision as province 40
        # (JL-3; several instructions sum, C-4).  52
        "points_q2": 52,
        "points_q3": 0,
        # j2-04 (2015-11-30) jl-city:general dated 2015-12-01 is outside -> 0
        "points_q4": 0,
        # basic 40 - basic-2 - basic-5 = 30; submission-1 computed not met (4 items) 0;
        # submission-2 20; submission-3 0: no research item dated in Q1 (j2-00 is
        # 2014-11-30, the year before).  30 + 0 + 20 + 0 = 50
        "points_annual": 50,
        # 10 + 52 + 50 = 112
        "points": 112,
        # j2-00's adoption of 2014-12-01 is in the year -> no zero
        "final": 112,
        "rank": 2,
        "award": "",
    },
    # 009 吉林市公路管理处 (affiliate)
    "009": {
        # j3-01 jl-province:forwarded-state-council 01-10 15; j3-02 jl-national:research
        # 03-05 30 + national/affirm 03-20 as province/affirm 20 (JL-3).  65
        "points_q1": 65,
        # j3-03 jl-city:research 04-28 10 + city/reference 05-02 as affirm 10 (JL-3).  20
        "points_q2": 20,
        # j3-04 jl-city:general 07-30 2
        "points_q3": 2,
        # j3-05 jl-own:brief 0; county/decision 0 (JL-3)
        "points_q4": 0,
        # basic 40 + submission-1 20 (checklist) + submission-2 0 (commission_missed
        # 06-18) + submission-3 20 (j3-02 Feb, j3-03 Apr, j3-04 Jul, j3-05 on 2015-11-30) = 80
        "points_annual": 80,
        # 65 + 20 + 2 + 0 + 80 = 167
        "points": 167,
        "final": 167,
        "rank": 1,
        "award": "",
    },
    # 010 吉林市道路运输管理处 (affiliate)
    "010": {
        # j4-05 is in_scope=false: its jl-city:general 03-10 scores 0 (C-5)
        "points_q1": 0,
        # j4-02 city/decision 06-11 20
        "points_q2": 20,
        "points_q3": 0,
        # j4-04 jl-province:research dated 2015-12-01 is outside the year
        "points_q4": 0,
        # basic 40 - basic-1 = 35; submission-1 computed not met 0; submission-2 20;
        # submission-3: research in every quarter (j4-01..j4-04) but checklist false -> 0.
        # 35 + 0 + 20 + 0 = 55
        "points_annual": 55,
        # 20 + 55 = 75
        "points": 75,
        # zero rule: no in-scope item has an adoption dated in the year (j4-04's is
        # 2015-12-01; j4-05 is out of scope) -> 0
        "final": 0,
        "rank": 2,
        "award": "",
    },
    # 017 吉林市城市外环路项目办 (project)
    "017": {
        # j5-01 jl-city:research 01-15 10
        "points_q1": 10,
        # j5-02 jl-city:general 06-30 2
        "points_q2": 2,
        "points_q3": 0,
        # j5-03 city/read 10-09 5
        "points_q4": 5,
        # basic 40 + submission-1 20 (checklist) + submission-2 20 + submission-3 0
        # (no research item in Oct-Nov) = 80
        "points_annual": 80,
        # 10 + 2 + 5 + 80 = 97
        "points": 97,
        # late_submission 2015-03-18 -> zero rule
        "final": 0,
        "rank": 2,
        "award": "",
    },
    # 018 吉林市绕城高速公路项目办 (project)
    "018": {
        # j6-01 jl-own:general 03-12 scores 0
        "points_q1": 0,
        "points_q2": 0,
        "points_q3": 0,
        "points_q4": 0,
        # basic 40 + submission-1 0 (1 item) + submission-2 20 + submission-3 0 = 60
        "points_annual": 60,
        "points": 60,
        # the jl-own adoption is an adoption dated in the year -> no zero
        "final": 60,
        "rank": 1,
        "award": "",
    },
}


def test_jilin_quarters_follow_dec_to_nov_year_and_30_nov_1_dec_boundaries():
    _check("jilin-transport-2015", JILIN, QUARTERS)


def test_jilin_checklist_overrides_zero_rule_and_ranks():
    _check("jilin-transport-2015", JILIN, OUTCOME)


# ---------------------------------------------------------------------------
# harbin-2008 (哈尔滨市政府系统), year 2008
# annual: basic 8 x 5 (第七条, absent = met); submission-1..4 15 each (第八条):
# submission-1 >= 180 items (district/office; none has that many: checklist),
# submission-2 no emergency_failure, submission-3 no commission_missed,
# submission-4 research in every quarter (HRB-1); checklist rows override.
# Adoption (第九条) every adoption; instructions city 2/3/5/10, province
# 10/10/15/20, national 20, ministry as province, bureau/county 0 (HRB-2).
# points = final. award (第十条): district model ranks 1-2, advanced 3-5;
# office model 1-2, advanced 3-5.
# ---------------------------------------------------------------------------
HARBIN = {
    # 001 道里区政府
    "001": {
        # h1-01 hrb-province:research 03-05 10 + hrb-state-council:research 03-20 20
        "points_q1": 30,
        # h1-02 hrb-city:research-large 05-20 5 + national/read 06-02 20
        "points_q2": 25,
        # h1-03 hrb-city:research-small 08-25 2
        "points_q3": 2,
        # h1-04 hrb-province:general 11-20 2
        "points_q4": 2,
        # basic 40 + submission-1 15 (checklist) + 2: 15 + 3: 15 + 4: 15 (research
        # h1-01..h1-04 one a quarter) = 100
        "points_annual": 100,
        # 30 + 25 + 2 + 2 + 100 = 159
        "points": 159,
        "final": 159,
        "rank": 1,
        "award": "model",
    },
    # 002 南岗区政府
    "002": {
        # h2-01 hrb-city:research-large 01-30 5
        "points_q1": 5,
        # h2-02 hrb-province:research 05-06 10 + city/decision 05-15 10 +
        # ministry/affirm 06-10 as province/affirm 10 (HRB-2).  30
        "points_q2": 30,
        # h2-03 not adopted
        "points_q3": 0,
        # h2-04 hrb-city:general 10-22 1
        "points_q4": 1,
        # 40 + 15 (checklist) + 15 + 15 + 15 (research every quarter) = 100
        "points_annual": 100,
        # 5 + 30 + 0 + 1 + 100 = 136
        "points": 136,
        "final": 136,
        # ties with 003 at 136 -> both rank 2
        "rank": 2,
        "award": "model",
    },
    # 003 道外区政府
    "003": {
        # h3-01 hrb-state-council:general 03-28 10
        "points_q1": 10,
        # h3-02 hrb-province:research 06-25 10
        "points_q2": 10,
        # h3-02 province/reference 07-03 15; h3-03 hrb-city:general 09-26 1.  16
        "points_q3": 16,
        # h3-04 (2008-12-01) hrb-city:research-large 12-18 5
        "points_q4": 5,
        # basic 40 - basic-4 = 35 + 15 (checklist) + 15 + 15 + 15 (research every quarter) = 95
        "points_annual": 95,
        # 10 + 10 + 16 + 5 + 95 = 136
        "points": 136,
        "final": 136,
        # tie at rank 2: the model band (ranks 1-2) takes 3 units (C-6)
        "rank": 2,
        "award": "model",
    },
    # 004 平房区政府
    "004": {
        # h4-01 hrb-province:research 03-10 10
        "points_q1": 10,
        # h4-02 hrb-city:research-small 06-02 2
        "points_q2": 2,
        # h4-03 hrb-state-council:research 09-19 20 + city/affirm 09-25 3;
        # bureau/decision and county/read 0 (HRB-2).  23
        "points_q3": 23,
        # h4-04 hrb-city:urgent 11-18 2
        "points_q4": 2,
        # 40 + 15 (checklist) + submission-2 0 (emergency_failure 04-10) + 15 +
        # submission-4 0 (Q4 item h4-04 is dynamic, no research) = 70
        "points_annual": 70,
        # 10 + 2 + 23 + 2 + 70 = 107
        "points": 107,
        "final": 107,
        "rank": 4,
        "award": "advanced",
    },
    # 005 松北区政府
    "005": {
        # h5-01 hrb-city:general 01-28 1
        "points_q1": 1,
        # h5-02 hrb-city:research-large 04-21 5 + province/decision 05-08 20
        "points_q2": 25,
        "points_q3": 0,
        # h5-04 hrb-province:general 11-10 2
        "points_q4": 2,
        # basic 40 - basic-7 = 35; submission-1 0 (computed from 4 items; the checklist
        # row is for period 2007, outside the year); submission-2 15; submission-3 0
        # (commission_missed 06-12); submission-4 15.  35 + 0 + 15 + 0 + 15 = 65
        "points_annual": 65,
        # 1 + 25 + 0 + 2 + 65 = 93
        "points": 93,
        "final": 93,
        "rank": 5,
        "award": "advanced",
    },
    # 006 香坊区政府
    "006": {
        # h6-01 hrb-city:general 03-25 1; h6-03 (item of 2007-12-28) hrb-city:urgent
        # 2008-01-04 2 (an adoption scores in the period of its own date).  3
        "points_q1": 3,
        "points_q2": 0,
        "points_q3": 0,
        # h6-02 hrb-province:general dated 2009-01-08: outside the year
        "points_q4": 0,
        # basic 40 - basic-1 - basic-2 = 30; submission-1 0 (checklist false);
        # submission-2 15 (its emergency_failure is dated 2007-12-20); submission-3 15;
        # submission-4 15 (checklist true overrides: only Q1 has research).  75
        "points_annual": 75,
        # 3 + 75 = 78
        "points": 78,
        "final": 78,
        "rank": 6,
        # rank 6 is outside both district bands
        "award": "",
    },
    # 060 哈尔滨市人民政府驻北京办事处 (office)
    "060": {
        # o1-01 hrb-city:general 02-20 1
        "points_q1": 1,
        # o1-02 hrb-province:research 06-30 10
        "points_q2": 10,
        "points_q3": 0,
        "points_q4": 0,
        # 40 + submission-1 15 (checklist) + 15 + 15 + submission-4 0 (checklist false) = 85
        "points_annual": 85,
        # 1 + 10 + 85 = 96
        "points": 96,
        "final": 96,
        # tie with 061 -> both rank 1
        "rank": 1,
        "award": "model",
    },
    # 061 哈尔滨市人民政府驻上海办事处 (office)
    "061": {
        # o2-01 hrb-city:general 01-16 1
        "points_q1": 1,
        # o2-02 city/affirm 05-12 3
        "points_q2": 3,
        # o2-03 hrb-city:research-small 08-08 2
        "points_q3": 2,
        # o2-04 city/reference 10-20 5; o2-05 in_scope=false: its hrb-province 0 (C-5)
        "points_q4": 5,
        # 40 + submission-1 0 (computed, 4 in-scope items) + 15 + 15 + 15
        # (research o2-01..o2-04 one a quarter) = 85
        "points_annual": 85,
        # 1 + 3 + 2 + 5 + 85 = 96
        "points": 96,
        "final": 96,
        "rank": 1,
        "award": "model",
    },
}


def test_harbin_quarter_and_checklist_points():
    _check("harbin-2008", HARBIN, QUARTERS)


def test_harbin_award_bands_with_ties():
    _check("harbin-2008", HARBIN, OUTCOME)


# ---------------------------------------------------------------------------
# longyang-2019 (隆阳区工业和科技信息化局), year 2019, one group `section`.
# final = base (2 per in-scope item dated in the year, at most 60, credited item
# by item in date order) + bonus (per adoption; LY-1 +15 once on the date of the
# first adoption of a commissioned/research item) - deductions
# (commission_missed / emergency_failure 15, leak / plagiarism / false_report 20).
# points = final. award (七): ranks 1-3 advanced unless >= 2 commission_missed
# (LY-2); criticised when fewer than three units have a strictly lower final;
# advanced beats criticised.
# ---------------------------------------------------------------------------
LONGYANG = {
    # 001 办公室: 31 items
    "001": {
        # base: 12 items in Q1 (l1-01..l1-12) 24; l1-05 ly-district:regular 02-20 5;
        # LY-1 (l1-05 research, first adoption 02-20) 15.  24 + 5 + 15 = 44
        "points_q1": 44,
        # base: 10 items (l1-13..l1-22) 20; l1-05 ly-province:item 04-12 20 (LY-1 not
        # again); commission_missed 05-06 -15.  20 + 20 - 15 = 25
        "points_q2": 25,
        # base: 6 items (l1-23..l1-28) 12 (running total 56); commission_missed 09-12 -15.  -3
        "points_q3": -3,
        # base: l1-29 -> 58, l1-30 -> 60 (cap reached), l1-31 0.  4
        "points_q4": 4,
        "points_annual": 0,
        # base 60 (31 items, 62 uncapped) + bonus 40 - 30 = 70
        "points": 70,
        "final": 70,
        "rank": 1,
        # two commission_missed -> no advanced (LY-2); 5 units have a lower final
        "award": "",
    },
    # 003 经济运行股
    "003": {
        # l2-01 commissioned 03-05 base 2; ly-district:special 03-15 10; LY-1 03-15 15.  27
        "points_q1": 27,
        # l2-02 base 2 + ly-district:regular 05-20 5.  7
        "points_q2": 7,
        # l2-03 research (never adopted: no LY-1) base 2; commission_missed 07-01 -15.  -13
        "points_q3": -13,
        # l2-04 base 2
        "points_q4": 2,
        "points_annual": 0,
        # base 8 + bonus 30 - 15 = 23
        "points": 23,
        "final": 23,
        # 70 > 58 > 23 = 23: shares rank 3 with 010
        "rank": 3,
        # rank 3 with one commission_missed -> advanced; also among the bottom three
        # (only 006 and 009 are strictly lower) -> advanced beats criticised
        "award": "advanced",
    },
    # 005 轻工业股
    "005": {
        # l3-01 base 2 + ly-state-council:item 01-30 20.  22
        "points_q1": 22,
        # l3-02 research base 2; l3-03 base 2.  4
        "points_q2": 4,
        # l3-04 base 2
        "points_q3": 2,
        # l3-04 ly-district:special 10-08 10; l3-02 ly-district:regular 12-20 5 and
        # LY-1 on that first adoption's date 15.  30
        "points_q4": 30,
        "points_annual": 0,
        # 22 + 4 + 2 + 30 = 58
        "points": 58,
        "final": 58,
        "rank": 2,
        "award": "advanced",
    },
    # 006 中小企业股
    "006": {
        # l4-01 base 2 + ly-district:regular 03-06 5; l4-02 (item of 2018-12-20: no base)
        # ly-province:item 2019-01-09 20. Its LY-1 +15 falls on its first adoption,
        # 2018-12-28, outside the year -> 0.  2 + 5 + 20 = 27
        "points_q1": 27,
        "points_q2": 0,
        # l4-03 base 2; emergency_failure 08-02 -15.  -13
        "points_q3": -13,
        # leak 10-15 -20
        "points_q4": -20,
        "points_annual": 0,
        # 27 - 13 - 20 = -6
        "points": -6,
        "final": -6,
        "rank": 5,
        "award": "criticised",
    },
    # 009 科技管理股
    "009": {
        "points_q1": 0,
        # l5-02 base 2 + ly-district:regular 06-03 5.  7
        "points_q2": 7,
        # l5-03 commissioned (not adopted: no LY-1) base 2; plagiarism 09-30 -20.  -18
        "points_q3": -18,
        # false_report 11-05 -20
        "points_q4": -20,
        "points_annual": 0,
        # 7 - 18 - 20 = -31
        "points": -31,
        "final": -31,
        "rank": 6,
        "award": "criticised",
    },
    # 010 园区管理办公室
    "010": {
        # l6-01 base 2 + ly-district:special 03-25 10.  12
        "points_q1": 12,
        # l6-05 research in_scope=false: no base, its ly-province 0, no LY-1 (C-5)
        "points_q2": 0,
        # l6-02 base 2 + ly-district:regular 08-30 5.  7
        "points_q3": 7,
        # l6-06 base 2; l6-03 (2019-12-31) base 2; l6-04 (2020-01-02) outside.  4
        "points_q4": 4,
        "points_annual": 0,
        # 12 + 0 + 7 + 4 = 23
        "points": 23,
        "final": 23,
        "rank": 3,
        # tie at rank 3 -> advanced (beats criticised, as for 003)
        "award": "advanced",
    },
}


def test_longyang_base_cap_and_ly1_bonus_by_quarter():
    _check("longyang-2019", LONGYANG, QUARTERS)


def test_longyang_ly2_disqualification_bottom_three_and_ties():
    _check("longyang-2019", LONGYANG, OUTCOME)


@pytest.mark.parametrize(
    "rulebook, expected",
    [
        ("ningxia-transport-2021", NINGXIA),
        ("jiande-2018", JIANDE),
        ("jilin-transport-2015", JILIN),
        ("harbin-2008", HARBIN),
        ("longyang-2019", LONGYANG),
    ],
)
def test_period_columns_add_up_to_points(rulebook, expected):
    # the hand values themselves satisfy q1 + q2 + q3 + q4 + annual = points ...
    for uid, exp in expected.items():
        assert sum(exp[c] for c in QUARTERS) == exp["points"], uid
    # ... and so must the engine's table
    for uid, row in _rows(rulebook).items():
        assert sum(row[c] for c in QUARTERS) == pytest.approx(row["points"]), uid


# ---------------------------------------------------------------------------
# The folder read first with simsuite.ledger.read_history scores the same.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("rulebook", sorted(YEARS))
def test_scoring_a_read_history_gives_the_same_table_as_scoring_the_folder(rulebook):
    folder = EXAMPLES / rulebook
    from_path = simsuite.score(rulebook, folder, year=YEARS[rulebook]).table
    history = read_history(folder)
    from_history = simsuite.score(rulebook, history, year=YEARS[rulebook]).table
    pd.testing.assert_frame_equal(
        from_path.reset_index(drop=True), from_history.reset_index(drop=True)
    )


# ---------------------------------------------------------------------------
# Rows dated outside the year are not errors: they are left out and reported
# (docs/ledger-format.md). Rows per sheet, counted from the ledgers:
# ---------------------------------------------------------------------------
LEFT_OUT = {
    # b00 item of 2020-12-20; b00 adoption of 2020-12-28
    "ningxia-transport-2021": {"items": 1, "adoptions": 1},
    # a1-08 adoption of 2019-01-15; 027 absence of 2017-12-20
    "jiande-2018": {"adoptions": 1, "unit_events": 1},
    # items j2-00 (2014-11-30), j2-05 (2015-12-01); adoptions j2-00 (2014-11-30),
    # j2-04 and j4-04 (2015-12-01); 001 late_submission of 2014-11-28
    "jilin-transport-2015": {"items": 2, "adoptions": 3, "unit_events": 1},
    # h6-03 item of 2007-12-28; h6-02 adoption of 2009-01-08; 006 emergency_failure
    # of 2007-12-20; 005 checklist row for period 2007
    "harbin-2008": {"items": 1, "adoptions": 1, "unit_events": 1, "checklist": 1},
    # items l4-02 (2018-12-20), l6-04 (2020-01-02); l4-02 adoption of 2018-12-28
    "longyang-2019": {"items": 2, "adoptions": 1},
}


@pytest.mark.parametrize("rulebook", sorted(YEARS))
def test_rows_outside_the_year_are_reported_not_errors(rulebook):
    scores = simsuite.score(rulebook, EXAMPLES / rulebook, year=YEARS[rulebook])
    left = scores.left_out.groupby("sheet")["rows"].sum().to_dict()
    assert {k: int(v) for k, v in left.items()} == LEFT_OUT[rulebook]
