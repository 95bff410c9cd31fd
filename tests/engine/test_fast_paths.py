"""The shortcuts scoring takes for speed give exactly what their plain
definitions give: quarters of a month grid, a value per day, rows of some
kinds, and the totals of a list of records."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simsuite
from simsuite.engine.calendar import N_PERIODS, Calendar
from simsuite.engine.context import Context
from simsuite.engine.points import Credits, Points, PointsGrid, add_by_period, by_period_of, totals
from simsuite.engine.ranking import count_beyond
from simsuite.ledger import ITEM_KINDS
from simsuite.synthetic import generate, real_units
from simsuite.synthetic.behaviour import Behaviour

SETTINGS = settings(max_examples=40, deadline=None)


@pytest.mark.parametrize("quarter_starts", [(0, 3, 6, 9), (0, 2, 7, 9), (0, 6)])
def test_quarters_of_a_grid_are_its_months_added_into_zeros(quarter_starts):
    rng = np.random.default_rng(3)
    months = rng.normal(size=(40, 12)) * 10.0 ** rng.integers(-3, 4, size=(40, 12))
    period = Calendar(2021, quarter_starts=quarter_starts).quarter_of_month
    expected = np.zeros(40 * N_PERIODS)
    add_by_period(expected, months, period)
    # bit for bit: the same additions in the same order
    assert np.array_equal(by_period_of(months, period), expected)


@given(first_month=st.integers(1, 12), starts_previous_year=st.booleans(),
       days=st.lists(st.integers(-40_000, 80_000), min_size=1, max_size=60))
@SETTINGS
def test_a_value_per_day_is_the_value_of_its_month(first_month, starts_previous_year, days):
    """Days far outside the table around the year (clipped to its ends) are
    outside the year all the same."""
    cal = Calendar(2019, first_month=first_month, starts_previous_year=starts_previous_year)
    of_month = np.arange(12) * 7 + 1
    days = np.array(days, dtype=np.int32)
    month = cal.month_index(days)
    expected = np.where((month >= 0) & (month < 12), of_month[np.clip(month, 0, 11)], -5)
    assert np.array_equal(cal.by_day(days, of_month, -5), expected)


@given(kinds=st.sets(st.sampled_from(ITEM_KINDS)), codes=st.lists(st.integers(0, len(ITEM_KINDS) - 1), max_size=50))
@SETTINGS
def test_rows_of_some_kinds_are_those_the_table_of_kinds_marks(kinds, codes):
    rb = simsuite.rulebook("ningxia-transport-2021")
    b = generate(rb, real_units(rb), 2021, replicates=1, seed=1).batch
    ctx = Context(b, rb.parameters, rb.groups, rb.pairs, rb.checklist_lines)
    code = np.array(codes, dtype=np.int8)
    assert np.array_equal(ctx.of_kinds(code, kinds), ctx.kind_mask(kinds)[code])


def test_totals_are_every_record_added_into_zeros_by_component():
    """Records of one component apart in the list (a share after other
    components' records) and a component's first record of each shape."""
    rng = np.random.default_rng(5)
    R, U = 3, 4
    size = R * U * N_PERIODS
    quarters = Calendar(2021).quarter_of_month

    def credits(component):
        n = 30
        return Credits(component, (), "adoption", rng.normal(size=n),
                       np.minimum(rng.integers(0, size + 8, n), size))  # some rows outside the year

    def listed(component):
        n = 20
        return Points(component, (), "event", np.arange(n), rng.integers(0, size, n), rng.normal(size=n), U)

    def grid(component):
        return PointsGrid(component, (), "month", rng.normal(size=(R, U, 12)), None, None, quarters)

    records = [grid("quota"), credits("adoption"), listed("events"), credits("instruction"), credits("adoption"),
               grid("events"), listed("quota")]
    components = ["quota", "adoption", "events", "instruction"]
    by_component = np.zeros((len(components), size))
    for rec in records:
        rec.add_to(by_component[components.index(rec.component)])
    by_period, columns = totals(records, R, U, components)
    assert np.array_equal(by_period, by_component.sum(axis=0).reshape(R, U, N_PERIODS))
    for i in range(len(components)):
        assert np.array_equal(columns[:, :, i], by_component[i].reshape(R, U, N_PERIODS).sum(axis=2))


def test_totals_of_no_record_are_zero():
    by_period, columns = totals([], 2, 3, [])
    assert by_period.shape == (2, 3, N_PERIODS) and not by_period.any()
    assert columns.shape == (2, 3, 0)


@pytest.mark.parametrize("quarter_starts", [(0, 3, 6, 9), (0, 2, 7, 9)])
@pytest.mark.parametrize("value", [2.0, -1.5, 0.1])
def test_a_grid_of_one_value_sums_and_lists_as_its_amounts(quarter_starts, value):
    """A month that reached its quota or stayed empty scores one value:
    counting its marks three months to a quarter, then times the value,
    gives what the grid of amounts gives."""
    rng = np.random.default_rng(11)
    hit = rng.random((6, 5, 12)) < 0.4
    period = Calendar(2021, quarter_starts=quarter_starts).quarter_of_month
    months = np.arange(12)
    by_cells = PointsGrid.of_cells("quota", ("quota.points",), "month", hit, value, months, period)
    by_amounts = PointsGrid("quota", ("quota.points",), "month", hit * value, hit, months, period)
    size = 6 * 5 * N_PERIODS
    np.testing.assert_allclose(by_cells.sums(size), by_amounts.sums(size), rtol=1e-15)
    added = np.ones(size)
    by_cells.add_to(added)
    np.testing.assert_allclose(added, 1 + by_amounts.sums(size), rtol=1e-15)
    listed, expected = by_cells.rows(), by_amounts.rows()
    assert np.array_equal(listed.slot, expected.slot) and np.array_equal(listed.index, expected.index)
    assert np.array_equal(listed.points, expected.points)
    assert np.array_equal(by_cells.grid(), hit * value)


@pytest.mark.parametrize("rid, year, reps, in_scope", [("ningxia-transport-2021", 2021, range(3), 1.0),
                                                       ("jiande-2018", 2018, range(5, 9), 1.0),
                                                       ("jiande-2018", 2018, range(2), 0.9)])
def test_month_counts_the_generator_hands_over_are_those_counted(rid, year, reps, in_scope):
    """Every generated item is dated in its month, so where every item is in
    scope the counts the draw made are the counted items' month counts
    (also for replicates that start inside a block of the draw); where some
    are out of scope, nothing is handed over and the keys count them."""
    rb = simsuite.rulebook(rid)
    behaviour = Behaviour.make({"in_scope.chance": in_scope})
    b = generate(rb, real_units(rb), year, behaviour, replicates=reps, seed=4).batch
    assert b.keys.all_in_scope == (in_scope == 1.0)
    handed = b.keys.__dict__.get("_month_counts", {}).get(("month_counts", None))
    assert b.keys.all_in_scope == (handed is not None)
    if handed is not None:
        size = b.n_reps * b.n_units * 12
        recounted = np.bincount(b.keys.counted_key, minlength=size + 1)[:size].reshape(b.n_reps, b.n_units, 12)
        assert np.array_equal(handed, recounted)


def test_month_counts_of_another_shape_are_refused():
    rb = simsuite.rulebook("longyang-2019")
    b = generate(rb, real_units(rb), 2019, replicates=2, seed=1).batch
    with pytest.raises(ValueError, match="shape"):
        b.keys.know_month_counts(np.zeros((3, b.n_units, 12)))


@pytest.mark.parametrize("cap", [0.0, 7.5, 40.0, 1e9])
def test_a_capped_total_credits_the_months_of_units_within_the_cap_as_they_are(cap):
    """Cells whose year stays within the cap are credited their months; the
    others month by month, as the running total's definition does for all."""
    from simsuite.rules.items import _capped_by_month, capped_by_month

    rng = np.random.default_rng(8)
    monthly = rng.poisson(0.8, (40, 6, 12)) * 1.5
    got = capped_by_month(monthly, cap)
    by_definition = _capped_by_month(monthly.reshape(-1, 12), cap).reshape(monthly.shape)
    np.testing.assert_allclose(got, by_definition, rtol=0, atol=1e-12)
    assert (np.cumsum(got, axis=2) <= cap + 1e-12).all()  # a cap is never exceeded
    negative = monthly - 1.0  # a negative month: the running total, month by month, for every cell
    assert np.array_equal(capped_by_month(negative, cap), _capped_by_month(negative.reshape(-1, 12), cap).reshape(
        monthly.shape))


def test_standings_kept_for_the_final_follow_it_when_it_changes_in_place():
    """The rank and award steps share one count of who scores above and below;
    values changed in place since are counted again, not read from before."""
    rb = simsuite.rulebook("longyang-2019")
    b = generate(rb, real_units(rb), 2019, replicates=3, seed=2).batch
    ctx = Context(b, rb.parameters, rb.groups, rb.pairs, rb.checklist_lines)
    final = np.random.default_rng(4).integers(0, 6, (3, b.n_units)).astype(float)
    higher, lower = ctx.standing(final)
    assert ctx.standing(final)[0] is higher  # the same values: kept
    final[0] = -final[0]  # changed in place: counted again
    again = ctx.standing(final)
    assert np.array_equal(again[0], count_beyond(final, ctx.scoring_group, higher=True))
    assert np.array_equal(again[1], count_beyond(final, ctx.scoring_group, higher=False))
    assert not again[0].flags.writeable


@pytest.mark.parametrize("cap", [0, 7, 40, 61, 10000])
@pytest.mark.parametrize("points", [2, 3])
def test_per_item_points_summed_by_quarter_are_the_capped_months_summed(cap, points):
    """Fixed points an item are summed by quarter from the month counts, and
    only units that pass the cap run month by month: the quarters equal
    those of the capped grid of months, cell by cell."""
    from simsuite.rules.items import capped_by_month, per_item_points

    rb = simsuite.rulebook("longyang-2019").vary(
        {"item_points.points": points, "item_points.cap_enabled": True, "item_points.cap": cap})
    b = generate(rb, real_units(rb), 2019, replicates=40, seed=6).batch
    ctx = Context(b, rb.parameters, rb.groups, rb.pairs, rb.checklist_lines)
    (record,) = per_item_points(ctx)
    assert record.quarters is not None
    months = capped_by_month(points * ctx.month_counts(None), cap)
    expected = by_period_of(months.reshape(-1, 12), ctx.quarter_of_month)
    size = b.n_reps * b.n_units * N_PERIODS
    np.testing.assert_allclose(record.sums(size), expected, rtol=1e-12, atol=1e-9)
    assert (record.sums(size).reshape(-1, N_PERIODS).sum(axis=1) <= cap + 1e-9).all()  # a cap is never exceeded
