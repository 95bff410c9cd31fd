"""Effort in the generator: each lever moves what it should, hold-back rules
clip the filed counts, and latent traits stay the units' own."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import simsuite
from simsuite.engine.context import Context
from simsuite.synthetic import generate, real_units
from simsuite.synthetic.effort import Effects, Effort

R = 32


@pytest.fixture(scope="module")
def longyang():
    rb = simsuite.rulebook("longyang-2019")
    return rb, real_units(rb)


def _months(rb, s):
    b = s.batch
    return Context(b, rb.parameters, rb.groups, rb.pairs, rb.checklist_lines).month_counts(None)


def test_no_effort_and_a_zero_effort_give_the_same_histories(longyang):
    rb, units = longyang
    a = generate(rb, units, 2019, replicates=R, seed=5).batch
    b = generate(rb, units, 2019, replicates=R, seed=5, effort=Effort()).batch
    for field in ("item_unit", "item_day", "item_kind", "ad_item", "ad_pair", "ad_day", "ev_kind", "sent_pair"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_quality_stays_the_units_own_whatever_the_effort(longyang):
    rb, units = longyang
    a = generate(rb, units, 2019, replicates=R, seed=5)
    b = generate(rb, units, 2019, replicates=R, seed=5, effort=Effort(volume=1, polish=1, timing=1))
    np.testing.assert_array_equal(a.quality, b.quality)
    np.testing.assert_array_equal(a.reliability, b.reliability)
    # activity: the same draw scaled by (1 + 0.5 · 1) (1 − 0.2 · 1) = 1.2
    np.testing.assert_allclose(b.activity, a.activity * 1.2)


def test_monthly_stop_clips_every_month_and_yearly_stop_the_year(longyang):
    rb, units = longyang
    volume = Effort(volume=2)
    free = _months(rb, generate(rb, units, 2019, replicates=R, seed=2, effort=volume))
    monthly = _months(rb, generate(rb, units, 2019, replicates=R, seed=2,
                                   effort=Effort(volume=2, monthly_stop=3)))
    yearly = _months(rb, generate(rb, units, 2019, replicates=R, seed=2,
                                  effort=Effort(volume=2, yearly_stop=30)))
    # counted items (in scope, lead unit) are a subset of those filed: never above the stop
    assert monthly.max() <= 3 and (monthly == 3).mean() > 0.2
    assert yearly.sum(axis=2).max() <= 30 and (yearly.sum(axis=2) >= 25).mean() > 0.2
    assert free.max() > 3 and free.sum(axis=2).max() > 30


def test_each_lever_moves_its_own_output(longyang):
    rb, units = longyang
    base = generate(rb, units, 2019, replicates=R, seed=9).batch

    def research_share(b):
        return np.isin(b.item_kind, [2, 3]).mean()  # research, commissioned

    def adopted_above_own(b, n_items):
        return (np.isin(b.ad_pair, _pairs_above_own(rb))).sum() / n_items

    research = generate(rb, units, 2019, replicates=R, seed=9, effort=Effort(research=1)).batch
    assert research_share(research) > research_share(base) + 0.3  # 0.15 → 0.15 + 0.5 × 0.85
    polish = generate(rb, units, 2019, replicates=R, seed=9, effort=Effort(polish=1)).batch
    assert adopted_above_own(polish, len(polish.item_day)) > 1.5 * adopted_above_own(base, len(base.item_day))
    assert len(polish.item_day) < len(base.item_day)  # polishing takes time: fewer items
    direct = generate(rb, units, 2019, replicates=R, seed=9, effort=Effort(direct=1)).batch
    assert np.diff(direct.sent_ptr).mean() > np.diff(base.sent_ptr).mean()


def test_timing_spreads_items_over_months(longyang):
    rb, units = longyang
    base = _months(rb, generate(rb, units, 2019, replicates=R, seed=4))
    timed = _months(rb, generate(rb, units, 2019, replicates=R, seed=4, effort=Effort(timing=1)))
    # the same mean, fewer empty months and a smaller spread across months
    assert (timed == 0).mean() < (base == 0).mean()
    assert timed.std(axis=2).mean() < base.std(axis=2).mean()


def test_effects_are_parameters():
    weak = Effort(volume=1, effects=Effects(volume_gain=0.0))
    rb = simsuite.rulebook("longyang-2019")
    a = generate(rb, real_units(rb), 2019, replicates=16, seed=1)
    b = generate(rb, real_units(rb), 2019, replicates=16, seed=1, effort=weak)
    np.testing.assert_array_equal(a.activity, b.activity)


def _pairs_above_own(rb):
    from simsuite.synthetic.generate import pairs_by_level
    return np.concatenate(pairs_by_level(rb)[1:])


@settings(max_examples=60, deadline=None)
@given(counts=hnp.arrays(np.int64, (3, 4, 12), elements=st.integers(0, 50)),
       monthly=st.one_of(st.none(), st.integers(0, 10)), yearly=st.one_of(st.none(), st.integers(0, 200)))
def test_holding_back_never_adds_and_stops_where_it_says(counts, monthly, yearly):
    out = Effort(monthly_stop=monthly, yearly_stop=yearly).hold_back(counts)
    assert (out >= 0).all() and (out <= counts).all()
    if monthly is not None:
        assert out.max(initial=0) <= monthly
    if yearly is not None:
        assert (out.sum(axis=2) <= yearly).all()
        # the year's first items are filed: a month is cut only once the stop is reached
        before = np.minimum(counts, monthly) if monthly is not None else counts
        np.testing.assert_array_equal(out.sum(axis=2), np.minimum(before.sum(axis=2), yearly))


def test_a_stop_per_unit_applies_to_each_unit():
    counts = np.full((2, 3, 12), 5)
    out = Effort(monthly_stop=np.array([1, 2, 9])).hold_back(counts)
    assert out[:, 0].max() == 1 and out[:, 1].max() == 2 and (out[:, 2] == 5).all()
