"""Scoring sums large tables by unit-month without listing rows; explanations
score in trace mode, which lists every row. Both must give the same points."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simsuite
from random_histories import YEARS, random_history
from simsuite.engine.batch import compile_histories
from simsuite.engine.calendar import N_PERIODS
from simsuite.engine.order import Runs
from simsuite.engine.score import score_batch
from simsuite.rules.crediting import credit_capped, credit_rises
from simsuite.rulebooks import available
from simsuite.synthetic import generate, real_units

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: variants that take the other branches: quality basis, caps on and off, sums instead of highest
VARIANTS = {
    "longyang-2019": [{}, {"item_points.cap_enabled": False}, {"item_points.basis": "quality"}],
    "ningxia-transport-2021": [{}, {"item_points.cap_enabled": True, "item_points.cap": 60, "item_points.basis": "quality"},
                               {"adoption.combine": "sum", "instruction.combine": "highest"}],
    "jiande-2018": [{}, {"item_points.cap_enabled": True, "item_points.cap": 100}],
    "harbin-2008": [{}],
    "jilin-transport-2015": [{}],
}
#: variants that add components: caps and normalisations over what the rules credit
ADDED = {
    "harbin-2008": [({"year_cap.points": 30}, ["year_cap"]), ({}, ["normalise_year"])],
    "ningxia-transport-2021": [({"year_cap.points": 12, "year_cap.columns": ["adoption", "instruction"]}, ["year_cap"])],
    "longyang-2019": [({"year_cap.points": 25, "year_cap.columns": ["adoption", "bonus", "events"]}, ["year_cap"])],
}
CASES = [(rid, changes) for rid in available() for changes in VARIANTS.get(rid, [{}])]
CASES += [(rid, case) for rid, cases in ADDED.items() for case in cases]


def test_every_rulebook_is_covered():
    assert set(VARIANTS) <= set(available())


def rulebook_of(rid, changes):
    rb = simsuite.rulebook(rid)
    if isinstance(changes, tuple):
        values, add = changes
        return rb.vary(values, add=add)
    return rb.vary(changes) if changes else rb


def assert_same(rb, batch):
    fast, o_fast, _ = score_batch(rb, batch)
    listed, o_listed, _ = score_batch(rb, batch, trace=True)
    for name in ("points", "final", "rank", "award", "quarters", "annual"):
        np.testing.assert_allclose(getattr(o_fast, name), getattr(o_listed, name), atol=1e-9, err_msg=name)
    assert o_fast.columns.keys() == o_listed.columns.keys()
    for name in o_fast.columns:
        np.testing.assert_allclose(o_fast.columns[name], o_listed.columns[name], atol=1e-9, err_msg=name)
    # the listed rows add up, slot by slot, to the summed totals
    size = batch.n_reps * batch.n_units * N_PERIODS
    by_rows = np.zeros(size)
    for rec in listed:
        rows = rec.rows()
        by_rows += np.bincount(rows.slot, weights=rows.points, minlength=size)
    by_sums = np.zeros(size)
    for rec in fast:
        rec.add_to(by_sums)
    np.testing.assert_allclose(by_rows, by_sums, atol=1e-9)


@pytest.mark.parametrize("rid,changes", CASES)
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_summed_equals_listed_on_random_ledgers(rid, changes, seed):
    rb = rulebook_of(rid, changes)
    histories = [random_history(rid, seed + r) for r in range(3)]
    batch = compile_histories(histories, rb.calendar(YEARS[rid]), rb.groups, rb.pairs, rb.checklist_lines)
    assert_same(rb, batch)


@pytest.mark.parametrize("rid,changes", CASES)
def test_summed_equals_listed_on_synthetic_years(rid, changes):
    rb = rulebook_of(rid, changes)
    assert_same(rb, generate(rb, real_units(rb), YEARS[rid], replicates=8, seed=3).batch)


def rises_one_by_one(key, day, value):
    """C-8 the slow way: walk the rows in (key, day, input) order."""
    out = np.zeros(len(value))
    best = {}
    for i in sorted(range(len(value)), key=lambda i: (key[i], day[i], i)):
        v = max(value[i], 0.0)
        out[i] = max(v - best.get(key[i], 0.0), 0.0)
        best[key[i]] = max(best.get(key[i], 0.0), v)
    return out


rows = st.integers(0, 80).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 6), min_size=n, max_size=n),  # few keys: long runs
    st.lists(st.integers(0, 20), min_size=n, max_size=n),
    st.lists(st.floats(-5, 60, allow_nan=False), min_size=n, max_size=n)))


@given(rows)
def test_credit_rises_walks_each_key_in_date_order(data):
    key, day = (np.array(x, dtype=np.int64) for x in data[:2])
    value = np.array(data[2], dtype=float)
    credit = credit_rises(Runs.of(key, day), value)
    np.testing.assert_allclose(credit, rises_one_by_one(key, day, value), atol=1e-9)


def test_runs_of_a_long_run_take_log_steps():
    key = np.zeros(1000, np.int64)
    runs = Runs.of(key, np.arange(1000))
    assert runs.order is None and len(runs.steps) == 10  # 2**9 < 999 earlier rows < 2**10
    value = np.sin(np.arange(1000)) * 10
    assert credit_rises(runs, value).sum() == pytest.approx(value.max())


def test_first_rows_are_each_keys_earliest():
    key = np.array([2, 1, 2, 1, 3])
    day = np.array([5, 9, 4, 2, 1])
    assert sorted(Runs.of(key, day).first_rows.tolist()) == [2, 3, 4]


@given(rows, st.floats(0, 100))
def test_capped_by_month_sums_as_item_by_item(data, cap):
    from simsuite.rules.items import capped_by_month

    unit, day = (np.array(x, dtype=np.int64) for x in data[:2])
    value = np.abs(np.array(data[2], dtype=float))
    credit = credit_capped(unit.astype(np.int64), day, value, cap)
    month = day * 12 // 21  # 21 days over 12 months
    monthly = np.zeros((1, 7, 12))
    np.add.at(monthly, (0, unit, month), value)
    by_item = np.zeros((1, 7, 12))
    np.add.at(by_item, (0, unit, month), credit)
    np.testing.assert_allclose(capped_by_month(monthly, cap), by_item, atol=1e-9)
