"""The points ledger: every amount credited, kept as parallel arrays.

Every rule returns records of what it credited, each naming the replicate,
unit and period an amount lands in, the source row (item, adoption,
instruction, event, unit-month or checklist line) and the parameters that
decided it. Totals are group-sums of these arrays (``np.bincount``), an
explanation is a filter of them, and the components add up to the total by
construction.

Three shapes of record, one meaning:

- :class:`Points`, one row per credited amount: what rules over rows of the
  ledger (adoptions, instructions, items, events) list when an explanation
  asks (scoring in trace mode), and what small tables always list;
- :class:`Credits`, the same amounts over every row of a large table,
  summed into their slots without listing rows: what scoring keeps otherwise,
  so a run of many replicates never builds a row index it would not read;
- :class:`PointsGrid`, amounts over every replicate × unit × column
  (unit-months, or a checklist line for the year), for rules whose natural
  result is a grid: nearly every cell may score, so the grid is summed as
  it is and its rows are listed only when an explanation asks.

A test scores every rulebook both ways and checks the totals agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .calendar import N_PERIODS

#: what a record's ``index`` refers to
SOURCES = ("item", "adoption", "instruction", "event", "month", "checklist")


@dataclass(frozen=True)
class Points:
    """Amounts credited by one rule, one row each, with where each came from."""

    component: str  # a column of the score table, e.g. "adoption"
    rules: tuple[str, ...]  # parameter paths behind the amounts (label, citation)
    source: str  # one of SOURCES
    index: np.ndarray  # row in the source table (month: month index 0..11)
    slot: np.ndarray  # where it lands: (replicate × units + unit) × N_PERIODS + period
    points: np.ndarray
    n_units: int
    basis: np.ndarray | None = None  # the table value before caps, shares, rises
    note: str = ""

    def __post_init__(self) -> None:
        n = len(self.points)
        for name in ("index", "slot"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Points {self.component}: {name} has {len(getattr(self, name))} rows, points {n}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")

    @property
    def rep(self) -> np.ndarray:
        return self.slot // (N_PERIODS * self.n_units)

    @property
    def unit(self) -> np.ndarray:
        return self.slot // N_PERIODS % self.n_units

    @property
    def period(self) -> np.ndarray:
        """0..3 quarters, 4 the year as a whole."""
        return self.slot % N_PERIODS

    def select(self, mask: np.ndarray) -> "Points":
        return Points(self.component, self.rules, self.source, self.index[mask], self.slot[mask], self.points[mask],
                      self.n_units, None if self.basis is None else self.basis[mask], self.note)

    def rows(self) -> "Points":
        return self

    def add_to(self, sums: np.ndarray) -> None:
        """Add the amounts into flat (replicate, unit, period) ``sums``."""
        sums += np.bincount(self.slot, weights=self.points, minlength=len(sums))

    def sums(self, size: int) -> np.ndarray:
        """The amounts summed into ``size`` flat (replicate, unit, period) slots."""
        sums = np.bincount(self.slot, weights=self.points, minlength=size)
        return sums.astype(np.float64, copy=False)  # of no rows, bincount counts in integers


@dataclass(frozen=True)
class Credits:
    """Amounts of one rule over the rows of a ledger table, not listed.

    ``amounts`` holds one value per row (0 where the rule credits nothing)
    and ``slot`` each row's ``cell × N_PERIODS + quarter``, rows outside the
    year one past the last (:meth:`~simsuite.engine.batch.RowKeys.slots`).
    """

    component: str
    rules: tuple[str, ...]
    source: str
    amounts: np.ndarray
    slot: np.ndarray
    note: str = ""

    def add_to(self, sums: np.ndarray) -> None:
        sums += self.sums(len(sums))

    def sums(self, size: int) -> np.ndarray:
        """The amounts summed into ``size`` slots (rows outside the year fall in one past the last)."""
        sums = np.bincount(self.slot, weights=self.amounts, minlength=size + 1)[:size]
        return sums.astype(np.float64, copy=False)  # of no rows, bincount counts in integers

    def rows(self) -> Points:
        raise not_listed(self)


def not_listed(record) -> ValueError:
    return ValueError(f"{record.component} points were summed without listing their {record.source} rows; "
                      "score with trace=True to list them")


def add_by_period(sums: np.ndarray, by_column: np.ndarray, period: np.ndarray) -> None:
    """Add (cells, C) sums by column (e.g. month) into flat (cells, period)
    ``sums``, column c into period ``period[c]``.

    Column by column: numpy reduces a short last axis slowly, and a matrix
    product goes through BLAS, whose threads wake for each small call."""
    by_period = sums.reshape(-1, N_PERIODS)
    for c, p in enumerate(period):
        by_period[:, p] += by_column[:, c]


def by_period_of(by_column: np.ndarray, period: np.ndarray, times: float | None = None) -> np.ndarray:
    """(cells, C) sums by column as fresh flat (cells, period) sums: what
    :func:`add_by_period` adds into zeros, in the same order of additions
    (so the same to the last bit), with fewer passes over strided memory.
    Three months to a quarter, in order (every calendar's quarters), take
    three additions over all four quarters at once.

    ``times``: the columns hold counts (one-byte marks of cells that score
    one value): they are added in their own type, then times this value."""
    quarters = quarters_of_months(by_column, period)
    if quarters is not None:
        if times is not None:
            quarters = np.multiply(quarters, times)
        return with_year_column(quarters)
    out = np.zeros((len(by_column), N_PERIODS))
    add_by_period(out.reshape(-1), by_column, period)
    if times is not None:
        out *= times
    return out.reshape(-1)


def quarters_of_months(by_month: np.ndarray, period: np.ndarray) -> np.ndarray | None:
    """(cells, 12) sums by month as (cells, 4) sums by quarter, in a fresh
    contiguous array, where ``period`` puts three months to a quarter in
    order (every shipped calendar's quarters); None for other quarters.
    Month by month into zeros, so the same to the last bit."""
    if by_month.shape[1] != 12 or not (np.asarray(period) == QUARTERS_OF_MONTHS).all():
        return None
    months = by_month.reshape(len(by_month), 4, 3)
    quarters = months[:, :, 0] + months[:, :, 1]  # contiguous: fast to add into
    quarters += months[:, :, 2]
    return quarters


def with_year_column(quarters: np.ndarray) -> np.ndarray:
    """(cells, 4) float sums by quarter as flat (cells, period) sums, the
    year's column zero. Each cell's four quarters are copied as one 32-byte
    item: numpy adds or copies into a row of four slowly, a row at a time."""
    cells = len(quarters)
    out = np.empty((cells, N_PERIODS))
    out[:, 4] = 0.0
    out[:, :4].view(np.void(32))[:, 0] = np.ascontiguousarray(quarters, dtype=np.float64).view(np.void(32))[:, 0]
    return out.reshape(-1)


#: the quarter of each month of a year of four quarters of three months
QUARTERS_OF_MONTHS = np.repeat(np.arange(4), 3)


@dataclass(frozen=True)
class PointsGrid:
    """Amounts of one rule over every replicate × unit × column.

    ``amounts`` is (R, U, C) and 0 off ``listed``; column c is source row
    ``index[c]`` (a month 0..11, or a checklist line's code) and lands in
    period ``period[c]``. ``listed`` marks the cells an explanation lists:
    those credited, and in trace mode those that scored nothing too.

    A rule may also sum rows it does not list (``listed`` and ``index``
    None: per-item points by month); it then lists them item by item when
    scored in trace mode, which is how explanations score.
    """

    component: str
    rules: tuple[str, ...]
    source: str
    amounts: np.ndarray | None  # None: ``value`` in every listed cell
    listed: np.ndarray | None
    index: np.ndarray | None
    period: np.ndarray
    note: str = ""
    value: float | None = None
    quarters: np.ndarray | None = None  # (R × U, 4) sums by quarter, where the rule has them (amounts then unread)

    @classmethod
    def of_cells(cls, component: str, rules, source: str, listed: np.ndarray, value: float, index, period,
                 note: str = "") -> "PointsGrid":
        """``value`` in each cell of ``listed`` (a month that reached its
        quota, an empty month): summed from the cells' one-byte marks, three
        months to a quarter, then times the value, with no grid of amounts
        made unless something reads it."""
        return cls(component, tuple(rules), source, None, listed, index, period, note, float(value))

    def grid(self) -> np.ndarray:
        """The (R, U, C) amounts (worked out from the listed cells and kept, for a grid of one value)."""
        if self.amounts is not None:
            return self.amounts
        if "_grid" not in self.__dict__:
            self.__dict__["_grid"] = self.listed * self.value
        return self.__dict__["_grid"]

    def add_to(self, sums: np.ndarray) -> None:
        if self.amounts is None or self.quarters is not None:
            sums += self.sums(len(sums))
            return
        R, U, C = self.amounts.shape
        add_by_period(sums, self.amounts.reshape(R * U, C), self.period)

    def sums(self, size: int) -> np.ndarray:
        if self.quarters is not None:
            return with_year_column(self.quarters)
        if self.amounts is None:  # how many listed cells fall in each period (in bytes), times the value
            R, U, C = self.listed.shape
            marks = np.ascontiguousarray(self.listed).reshape(R * U, C).view(np.uint8)
            return by_period_of(marks, self.period, times=self.value)
        R, U, C = self.amounts.shape
        return by_period_of(self.amounts.reshape(R * U, C), self.period)

    def rows(self) -> Points:
        """The grid's listed cells as one row each."""
        if self.listed is None:
            raise not_listed(self)
        R, U, C = self.listed.shape
        flat = np.flatnonzero(self.listed)
        cell, col = np.divmod(flat, C)
        return Points(self.component, self.rules, self.source, self.index[col].astype(np.int64),
                      cell * N_PERIODS + self.period[col], self.grid().reshape(-1)[flat], U, note=self.note)


def make_points(component: str, rules: Sequence[str], source: str, index, cell, period, points, n_units: int,
                basis=None, note: str = "") -> Points:
    """A :class:`Points` from each amount's source row, (replicate, unit)
    cell (``replicate × units + unit``, as :class:`~simsuite.engine.batch.RowKeys`
    holds them) and period."""
    slot = np.asarray(cell, dtype=np.int64) * N_PERIODS + period
    return Points(
        component=component,
        rules=tuple(rules),
        source=source,
        index=np.asarray(index, dtype=np.int64),
        slot=slot,
        points=np.asarray(points, dtype=np.float64),
        n_units=n_units,
        basis=None if basis is None else np.asarray(basis, dtype=np.float64),
        note=note,
    )


def sum_last(a: np.ndarray) -> np.ndarray:
    """Sum over a short last axis (5 periods, 12 months) column by column:
    several times faster than numpy's reduction over a short innermost axis."""
    if a.shape[-1] < 2:
        return a[..., 0].copy() if a.shape[-1] else np.zeros(a.shape[:-1], a.dtype)
    out = a[..., 0] + a[..., 1]  # the first two into a fresh array: no copy first
    for c in range(2, a.shape[-1]):
        out += a[..., c]
    return out


def totals(records: Iterable[Points | Credits | PointsGrid], n_reps: int, n_units: int, components: Sequence[str]):
    """Sum records into (R, U, period) and (R, U, component) arrays: each
    component's records into its sums, and the periods' total is the sum
    over components.

    One component's sums at a time: its first record's sums (a bincount, or
    a grid's quarters: fresh arrays anyway) take the others, add into the
    total and go, so the memory they free serves the next component (fresh
    memory costs page faults) and nothing is filled with zeros only to be
    added to. The additions are those of summing every component into
    zeros first, in the same order, so the sums are the same to the last bit."""
    size = n_reps * n_units * N_PERIODS
    by_period = np.zeros(size)  # the total when there is no component
    by_component = np.empty((n_reps, n_units, len(components)))
    records = list(records)
    for i, c in enumerate(components):
        part = None
        for rec in records:
            if rec.component != c:
                continue
            if part is None:
                part = rec.sums(size)
            else:
                rec.add_to(part)
        if part is None:
            part = np.zeros(size)
        by_component[:, :, i] = sum_last(part.reshape(n_reps, n_units, N_PERIODS))
        if i == 0:
            by_period = part
        else:
            by_period += part
    return by_period.reshape(n_reps, n_units, N_PERIODS), by_component
