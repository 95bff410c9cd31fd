"""The synthetic-history generator: valid histories whose statistics follow
the behaviour parameters, reproducible and independent of chunking."""

import sys

import numpy as np
import pandas as pd
import pytest

import simsuite
from simsuite.engine.score import scores_of_batch
from simsuite.synthetic import BLOCK, Behaviour, generate, real_units, synthetic_units, to_history
from random_histories import YEARS

RULEBOOKS = list(YEARS)


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_generated_histories_are_valid_ledgers_and_score_the_same_either_way(rulebook_id):
    # to_history goes through the ledger loader's checks with the rulebook's
    # vocabulary; scoring the arrays directly must equal scoring the ledger
    rb = simsuite.rulebook(rulebook_id)
    s = generate(rb, real_units(rb), YEARS[rulebook_id], replicates=2, seed=3)
    direct = scores_of_batch(rb, s.batch).table
    for r in range(2):
        alone = simsuite.score(rb, to_history(s, rb, r), year=YEARS[rulebook_id]).table
        mine = direct[direct["replicate"] == r].drop(columns="replicate").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=False, atol=1e-9)


def test_same_seed_same_histories_and_another_seed_others():
    rb = simsuite.rulebook("jiande-2018")
    units = real_units(rb)
    a = generate(rb, units, 2018, replicates=20, seed=42).batch
    b = generate(rb, units, 2018, replicates=20, seed=42).batch
    c = generate(rb, units, 2018, replicates=20, seed=43).batch
    for field in ("item_unit", "item_day", "item_kind", "ad_item", "ad_pair", "ad_day", "ev_kind", "ck_unit"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert len(a.item_day) != len(c.item_day) or not np.array_equal(a.item_day, c.item_day)


def test_distinct_replicates_differ():
    rb = simsuite.rulebook("longyang-2019")
    s = generate(rb, real_units(rb), 2019, replicates=2 * BLOCK, seed=1)
    per_rep = np.bincount(s.batch.item_rep, minlength=2 * BLOCK)
    assert len(set(per_rep.tolist())) > BLOCK  # item counts of 32 replicates: nearly all distinct
    days = [tuple(s.batch.item_day[s.batch.item_rep == r][:20]) for r in range(2 * BLOCK)]
    assert len(set(days)) == 2 * BLOCK
    # the units are the same units in every replicate year: their latent traits are fixed
    assert (s.quality == s.quality[0]).all() and len(set(s.quality[0])) == s.quality.shape[1]


def test_chunked_equals_unchunked():
    rb = simsuite.rulebook("ningxia-transport-2021")
    units = real_units(rb)
    whole = scores_of_batch(rb, generate(rb, units, 2021, replicates=3 * BLOCK, seed=9).batch).table
    parts = []
    for chunk in (range(0, BLOCK), range(BLOCK, 3 * BLOCK)):
        t = scores_of_batch(rb, generate(rb, units, 2021, replicates=chunk, seed=9).batch).table
        parts.append(t.assign(replicate=t["replicate"] + chunk.start))
    pd.testing.assert_frame_equal(whole, pd.concat(parts, ignore_index=True))


def test_activity_follows_its_mean_and_month_profile():
    # 64 replicates × 60 units × 12 months; expected items a unit-month =
    # mean × profile[month]; the gamma–Poisson mixture's variance is known
    rb = simsuite.rulebook("longyang-2019")
    units = synthetic_units(rb, {"section": 60})
    beh = Behaviour.make({"activity.mean": 5.0})
    s = generate(rb, units, 2019, beh, replicates=64, seed=5)
    b = s.batch
    months = b.calendar.month_index(b.item_day)
    counts = np.bincount(months, minlength=12) / (64 * 60)
    profile = np.array(beh["activity.month_profile"])
    # each unit's latent activity is kept with the history; given it, a
    # unit-month count is gamma–Poisson with mean a_u × profile[m] and
    # variance mean + mean² / k_month
    a = s.activity[0]
    assert s.activity.shape == (64, 60)
    expected = a.mean() * profile
    km = beh["activity.month_shape"]
    var = (a[None, :] * profile[:, None] + (a[None, :] * profile[:, None]) ** 2 / km).sum(axis=1) / 60**2
    se = np.sqrt(var / 64)
    assert np.all(np.abs(counts - expected) < 4.5 * se)
    # and the traits themselves follow their gamma law: mean 5, sd 5/sqrt(shape)
    assert abs(a.mean() - 5.0) < 4.5 * 5.0 / np.sqrt(beh["activity.unit_shape"] * 60)


def test_kind_shares_and_adoption_chances_per_level():
    # with quality and kind effects off, the share of items adopted at the own
    # level is chance.own, and of those climbing a level up chance.up1
    rb = simsuite.rulebook("jiande-2018")
    beh = Behaviour.make({"adoption.quality_effect": 0, "adoption.research_boost": 0,
                          "adoption.chance": {"own": 0.5, "up1": 0.3, "up2": 0.2, "national": 0.1}})
    s = generate(rb, real_units(rb), 2018, beh, replicates=32, seed=11)
    b = s.batch
    n = len(b.item_kind)
    shares = np.bincount(b.item_kind, minlength=5) / n
    want = np.array(list(beh.table("kinds.share").values()))
    assert np.all(np.abs(shares - want) < 4 * np.sqrt(want * (1 - want) / n))
    level = np.array([rb.file.outlets[o].level for o, _ in rb.pairs])[b.ad_pair]
    own, up1 = (level == "own").sum(), (level == "up1").sum()
    assert abs(own / n - 0.5) < 4 * np.sqrt(0.25 / n)
    assert abs(up1 / own - 0.3) < 4 * np.sqrt(0.21 / own)
    # every adoption comes after its item, and a higher one after the lower
    assert (b.ad_day >= b.item_day[b.ad_item]).all()


def test_quota_hitting_rate_matches_the_poisson_law():
    # unit and month spread switched off: dynamic+comprehensive items in a
    # month ~ Poisson(mean × profile × 0.8); Ningxia group 1's quota is 2
    rb = simsuite.rulebook("ningxia-transport-2021")
    units = synthetic_units(rb, {"1": 40})
    beh = Behaviour.make({"activity.mean": 2.0, "activity.unit_shape": 1000, "activity.month_shape": 1000,
                          "activity.month_profile": [1.0] * 12})
    s = generate(rb, units, 2021, beh, replicates=64, seed=2)
    t = scores_of_batch(rb, s.batch).table
    hit_rate = t["from_quota"].sum() / 5 / (64 * 40 * 12)
    mu = 2.0 * 0.8
    p = 1 - np.exp(-mu) * (1 + mu)
    assert abs(hit_rate - p) < 4 * np.sqrt(p * (1 - p) / (64 * 40 * 12)) + 0.01  # + the small gamma residue


def test_group_overrides_and_latent_quality_drive_adoption():
    rb = simsuite.rulebook("ningxia-transport-2021")
    units = synthetic_units(rb, {"1": 20, "2": 20})
    beh = Behaviour.make(groups={"2": {"activity.mean": 12.0}})
    s = generate(rb, units, 2021, beh, replicates=32, seed=4)
    per_unit = np.bincount(s.batch.item_unit, minlength=40)
    assert per_unit[20:].sum() > 2 * per_unit[:20].sum()
    # better units are adopted more often
    b = s.batch
    adopted = np.bincount(b.ad_item, minlength=len(b.item_rep)) > 0
    q = s.quality[b.item_rep, b.item_unit]
    assert adopted[q > 0.6].mean() > adopted[q < 0.4].mean()


def test_behaviour_errors_name_the_parameter():
    with pytest.raises(KeyError, match=r"activity\.maen.*did you mean 'activity\.mean'"):
        Behaviour.make({"activity.maen": 3})
    with pytest.raises(ValueError, match=r"co_submission\.chance.*≤ 1"):
        Behaviour.make({"co_submission.chance": 2})
    with pytest.raises(ValueError, match=r"no group 'three'"):
        synthetic_units(simsuite.rulebook("jiande-2018"), {"three": 4})


def test_a_replicate_is_the_same_whichever_range_draws_it():
    rb = simsuite.rulebook("ningxia-transport-2021")
    units = real_units(rb)
    whole = generate(rb, units, 2021, replicates=range(0, 3 * BLOCK), seed=4)
    part = generate(rb, units, 2021, replicates=range(BLOCK + 5, 2 * BLOCK + 3), seed=4)
    keep = (whole.batch.item_rep >= BLOCK + 5) & (whole.batch.item_rep < 2 * BLOCK + 3)
    np.testing.assert_array_equal(part.batch.item_day, whole.batch.item_day[keep])
    np.testing.assert_array_equal(part.batch.item_rep + BLOCK + 5, whole.batch.item_rep[keep])


def test_delays_and_outlets_follow_their_laws():
    # an adoption comes 1 + Geometric days after the step before it, with mean
    # 1 + delay_days of its level (success chance p = 1 / (1 + delay), so the
    # variance is (1 − p) / p²); an instruction Geometric − 1 days after its
    # adoption (mean instruction.delay_days); each outlet section of a level
    # equally likely
    rb = simsuite.rulebook("ningxia-transport-2021")
    beh = Behaviour.make()
    s = generate(rb, real_units(rb), 2021, beh, replicates=64, seed=8)
    b = s.batch
    level_of_pair = np.array([rb.file.outlets[o].level for o, _ in rb.pairs], dtype=object)
    delay = beh.table("adoption.delay_days")
    first = np.zeros(len(b.ad_item), bool)
    first[b.keys.ad_runs.first] = True
    later = np.flatnonzero(~first)
    assert (b.ad_item[later] == b.ad_item[later - 1]).all()  # an item's adoptions are listed together
    gap = np.where(first, b.ad_day - b.item_day[b.ad_item], b.ad_day - np.roll(b.ad_day, 1))
    for level, mean_delay in delay.items():
        rows = np.flatnonzero(level_of_pair[b.ad_pair] == level)
        if len(rows) < 100:
            continue
        p = 1 / (1 + mean_delay)
        assert gap[rows].min() >= 1
        assert abs(gap[rows].mean() - 1 / p) < 4.5 * np.sqrt((1 - p) / p**2 / len(rows)), level
        assert abs((gap[rows] == 1).mean() - p) < 4.5 * np.sqrt(p * (1 - p) / len(rows)), level
        counts = np.bincount(b.ad_pair[rows], minlength=len(rb.pairs))[level_of_pair == level]
        expected = len(rows) / len(counts)
        assert np.all(np.abs(counts - expected) < 4.5 * np.sqrt(expected)), level
    # instructions on items adopted once: days after that one adoption
    once = np.bincount(b.ad_item, minlength=len(b.item_rep)) == 1
    ins = np.flatnonzero(once[b.ins_item])
    one_ad = np.full(len(b.item_rep), -1)
    one_ad[b.ad_item[first]] = b.ad_day[first]
    wait = b.ins_day[ins] - one_ad[b.ins_item[ins]]
    p = 1 / (1 + beh["instruction.delay_days"])
    assert len(ins) > 100 and wait.min() >= 0
    assert abs(wait.mean() - (1 / p - 1)) < 4.5 * np.sqrt((1 - p) / p**2 / len(ins))


def test_direct_reports_follow_their_chance_and_go_to_each_section_a_level_up_alike():
    # an item is sent on with chance direct_report.chance (0.4 for every unit
    # here), to one of the outlet sections one level up, each as likely;
    # within 4.5 standard errors over 64 replicates
    from simsuite.params import OUTLET_LEVELS

    rb = simsuite.rulebook("ningxia-transport-2021")
    beh = Behaviour.make().for_rulebook(rb.id)
    b = generate(rb, real_units(rb), 2021, beh, replicates=64, seed=5).batch
    n, p = len(b.item_rep), beh["direct_report.chance"]
    sent = np.diff(b.sent_ptr)
    assert set(np.unique(sent)) <= {0, 1}
    assert abs(sent.mean() - p) < 4.5 * np.sqrt(p * (1 - p) / n)
    up1 = [i for i, (o, _) in enumerate(rb.pairs) if rb.file.outlets[o].level == OUTLET_LEVELS[1]]
    assert set(np.unique(b.sent_pair)) <= set(up1)
    counts = np.bincount(b.sent_pair, minlength=len(rb.pairs))[up1]
    expected = len(b.sent_pair) / len(up1)
    assert np.all(np.abs(counts - expected) < 4.5 * np.sqrt(expected))


@pytest.mark.parametrize("rulebook_id", ["ningxia-transport-2021", "longyang-2019"])
def test_instructions_follow_their_chance_by_level(rulebook_id):
    # each adoption draws an instruction with its outlet level's chance
    # (0.01, 0.04, 0.08, 0.2 from own level up); an instruction is listed by
    # the level the rulebook gives that outlet level, so the instructions of
    # each instruction level number Σ n_l p_l over the outlet levels l that
    # map to it (n_l adoptions at l), give or take 4.5 √(Σ n_l p_l (1 − p_l))
    from simsuite.ledger import INSTRUCTION_LEVELS
    from simsuite.params import OUTLET_LEVELS

    rb = simsuite.rulebook(rulebook_id)
    beh = Behaviour.make().for_rulebook(rb.id)
    b = generate(rb, real_units(rb), YEARS[rulebook_id], beh, replicates=256, seed=6).batch
    level_of_pair = np.array([OUTLET_LEVELS.index(rb.file.outlets[o].level) for o, _ in rb.pairs])
    n = np.bincount(level_of_pair[b.ad_pair], minlength=len(OUTLET_LEVELS))
    p = np.array([beh.table("instruction.chance")[lv] for lv in OUTLET_LEVELS])
    maps_to = [INSTRUCTION_LEVELS.index(rb.file.meta.get("instruction_levels", {}).get(lv, "national"))
               for lv in OUTLET_LEVELS]
    got = np.bincount(b.ins_level, minlength=len(INSTRUCTION_LEVELS))
    for code in set(maps_to):
        at = np.array(maps_to) == code
        mean, var = (n * p)[at].sum(), (n * p * (1 - p))[at].sum()
        if not n[at].any():  # no outlet at these levels (Longyang has none of its own): none
            assert got[code] == 0
            continue
        assert mean > 50 and abs(got[code] - mean) < 4.5 * np.sqrt(var), INSTRUCTION_LEVELS[code]


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_the_keys_the_generator_hands_over_are_those_the_arrays_give(rulebook_id):
    # the generator knows some batch keys from its draw (unit-month cells,
    # each item's adoptions in date order, who is co-submitted or sent on);
    # they must equal what the batch works out from its arrays alone, for a
    # range that starts and ends inside blocks too
    from simsuite.engine.batch import KEY_NAMES, RowKeys

    rb = simsuite.rulebook(rulebook_id)
    for reps in (range(2 * BLOCK), range(3, BLOCK + 7)):
        b = generate(rb, real_units(rb), YEARS[rulebook_id], replicates=reps, seed=6).batch
        handed = {k: v for k, v in b.keys.__dict__.items() if k in KEY_NAMES}
        assert {"item_key", "ad_runs"} <= set(handed)
        worked_out = RowKeys(b).all()
        for name, value in handed.items():
            mine = getattr(worked_out, name)
            if name.endswith("_runs"):
                assert np.array_equal(value.first_rows, mine.first_rows), name
                v = np.arange(len(b.ad_item), dtype=float)[::-1] % 7  # any values: the running maxima must agree
                np.testing.assert_array_equal(value.back(value.running_max(value.in_order(v))),
                                              mine.back(mine.running_max(mine.in_order(v))), err_msg=name)
            else:
                np.testing.assert_array_equal(value, mine, err_msg=name)


@pytest.mark.parametrize("shape", [4.0, 4.5, 1.0])
def test_monthly_counts_are_negative_binomial(shape):
    # given a unit's activity a, its items in a month (flat profile) are
    # Poisson(a × Gamma(k, 1/k)): negative binomial with P(0) = (k / (k + a))**k,
    # mean a and second moment a + a²/k + a²; whole and fractional shapes
    # are drawn differently and must follow the same law
    rb = simsuite.rulebook("longyang-2019")
    units = synthetic_units(rb, {"section": 60})
    beh = Behaviour.make({"activity.mean": 3.0, "activity.month_shape": shape, "activity.month_profile": [1.0] * 12})
    s = generate(rb, units, 2019, beh, replicates=64, seed=12)
    b = s.batch
    counts = np.bincount(b.item_rep * 60 * 12 + b.item_unit * 12 + b.calendar.month_index(b.item_day),
                         minlength=64 * 60 * 12).reshape(64, 60, 12)
    a, k, n = s.activity[0], shape, counts.size
    p0 = ((k / (k + a)) ** k).mean()
    assert abs((counts == 0).mean() - p0) < 4.5 * np.sqrt(p0 * (1 - p0) / n)
    assert abs(counts.mean() - a.mean()) < 4.5 * np.sqrt((a + a**2 / k).mean() / n)
    second = (a + a**2 / k + a**2).mean()
    assert abs((counts.astype(float) ** 2).mean() - second) < 4.5 * (counts.astype(float) ** 2).std() / np.sqrt(n)


def test_monthly_counts_of_a_shape_below_one_are_negative_binomial():
    # a shape below 1 has a tail whose ratios rise towards their limit: drawn
    # by a table all the same when short enough, else by a gamma and a Poisson
    test_monthly_counts_are_negative_binomial(0.5)


def test_monthly_counts_with_a_tail_too_long_for_a_table_are_negative_binomial(monkeypatch):
    # the gamma and Poisson draw, kept for laws whose tables would be too long
    from simsuite.synthetic.generate import _Counts

    monkeypatch.setattr(_Counts, "LONGEST", 16)
    assert _Counts.of(np.array([0.5 ** 4]), lambda c: (c + 4) / (c + 1) * 0.5, np.array([0.5]), 4, 2.8) is None
    for shape in (4.0, 4.5):
        test_monthly_counts_are_negative_binomial(shape)


def test_counts_drawn_from_a_table_follow_its_chances():
    # Poisson(0.7): p(0) = e**-0.7 = 0.4966, p(1) = 0.3476, p(2) = 0.1217,
    # p(3) = 0.0284, p(4) = 0.0050; 200,000 draws per column put each share
    # within 4.5 standard errors of its chance
    from math import exp, factorial

    from simsuite.synthetic.generate import _Counts

    lam = np.array([0.7, 0.0])
    table = _Counts.of(np.exp(-lam), lambda c: lam / (c + 1), np.zeros(2), lam, np.sqrt(lam))
    counts = table.draw(np.random.default_rng(5).random((200_000, 2)))
    assert (counts[:, 1] == 0).all()  # a chance of none: nothing
    for c in range(5):
        p = exp(-0.7) * 0.7**c / factorial(c)
        assert abs((counts[:, 0] == c).mean() - p) < 4.5 * np.sqrt(p * (1 - p) / 200_000), c
    assert table.draw(np.array([[0.0, 0.0], [np.nextafter(1, 0), np.nextafter(1, 0)]])).max() < table.S
    # the guide: where each bin of the uniform starts is the count of chances at or below its start
    cdf = table.cdf.reshape(2, table.S)
    expected = [np.searchsorted(row, np.arange(table.G) / table.G, side="right") + d * table.S
                for d, row in enumerate(cdf)]
    np.testing.assert_array_equal(table.guide, np.concatenate(expected))


def test_unit_events_are_poisson_by_unit_and_kind():
    # each (replicate, unit, kind) has Poisson(rate × 2 (1 − reliability))
    # events, secondments Poisson(rate): the count of each kind over all
    # cells has mean and variance the sum of their rates, and the share of
    # cells with none is the mean of e**−rate
    from simsuite.ledger import EVENT_KINDS

    rb = simsuite.rulebook("ningxia-transport-2021")
    units = real_units(rb)
    R, U, E = 256, len(units), len(EVENT_KINDS)
    s = generate(rb, units, 2021, replicates=R, seed=4)
    b = s.batch
    beh = Behaviour.make().for_rulebook(rb.id)
    rate = np.array([beh.table("events.rate")[k] for k in EVENT_KINDS]) * np.ones((U, 1))
    second = EVENT_KINDS.index("secondment")
    rate[:, np.arange(E) != second] *= 2 * (1 - s.reliability[0])[:, None]
    counts = np.bincount((b.ev_rep * U + b.ev_unit) * E + b.ev_kind, minlength=R * U * E).reshape(R, U, E)
    for k in range(E):
        total = rate[:, k].sum() * R
        assert abs(counts[:, :, k].sum() - total) < 4.5 * np.sqrt(total) + 1e-9, EVENT_KINDS[k]
    p0 = np.exp(-rate).mean()
    assert abs((counts == 0).mean() - p0) < 4.5 * np.sqrt(p0 * (1 - p0) / counts.size)


def test_marks_follow_each_units_quality():
    # a mark is round(10 (q + N(0, 0.1²))) clipped to 0–10: P(mark ≤ k) =
    # Φ(k + ½ − 10 q) for k < 10, so P(mark = k) is the difference of two of
    # these; each unit's count of each mark lies within 4.5 standard
    # deviations of n p, give or take 2 (for marks of chance near 0)
    from math import erf, sqrt

    rb = simsuite.rulebook("longyang-2019")
    s = generate(rb, real_units(rb), 2019, replicates=128, seed=8)
    b = s.batch
    for u, q in enumerate(s.quality[0]):
        marks = b.item_quality[b.item_unit == u]
        assert set(np.unique(marks)) <= set(range(11))
        cdf = [0.5 * (1 + erf((k + 0.5 - 10 * q) / sqrt(2))) for k in range(10)] + [1.0]
        for k in range(11):
            p = cdf[k] - (cdf[k - 1] if k else 0.0)
            n = len(marks)
            assert abs((marks == k).sum() - n * p) < 4.5 * np.sqrt(n * p * (1 - p)) + 2, (u, k)


@pytest.mark.parametrize("margin", [6, -10])
def test_rare_successes_are_bernoulli_in_every_block(monkeypatch, margin):
    # rows of 40 blocks of 2,000 (and one empty); each row a success with chance 0.03,
    # drawn as geometric gaps: 80,000 rows give 2,400 successes expected, sd
    # √(80,000 × 0.03 × 0.97) = 48.2; each block's count has mean 60, and its
    # first success is at row k with chance 0.97**k × 0.03 (mean 32.3). A
    # margin of −10 draws one gap at a time: every block takes the path of
    # drawing more, with the same law
    from simsuite.synthetic.generate import _rare

    g = sys.modules[_rare.__module__]  # the module: the package's name for it is its function

    monkeypatch.setattr(g, "RARE_MARGIN", margin)
    sizes = np.array([2000] * 20 + [0] + [2000] * 20)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    blocks = g._Blocks([np.random.default_rng(k) for k in range(len(sizes))])
    rows = g._rare(blocks, bounds, 0.03)
    assert (np.diff(rows) > 0).all() and rows.min() >= 0 and rows.max() < bounds[-1]
    assert abs(len(rows) - 2400) < 4.5 * 48.2
    per_block = np.diff(np.searchsorted(rows, bounds))
    assert per_block[20] == 0  # the empty block has none
    first = [rows[(rows >= lo) & (rows < hi)].min() - lo for lo, hi in zip(bounds[:-1], bounds[1:]) if hi > lo]
    assert abs(np.mean(first) - 0.97 / 0.03) < 4.5 * np.sqrt(0.97) / 0.03 / np.sqrt(len(first))
    # a block draws the same whichever blocks are drawn with it
    alone = g._rare(g._Blocks([np.random.default_rng(3)]), np.array([0, 2000]), 0.03)
    np.testing.assert_array_equal(alone, rows[(rows >= bounds[3]) & (rows < bounds[4])] - bounds[3])
    assert len(g._rare(blocks, bounds, 0.0)) == 0
