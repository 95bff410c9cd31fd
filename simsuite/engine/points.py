"""The points ledger: one record per point credited, kept as parallel arrays.

Every rule returns :class:`Points`: for each credited amount, the replicate,
unit and period it lands in, the source row (item, adoption, instruction,
event, unit-month or checklist line) and the parameters that decided it.
Totals are group-sums of these arrays (``np.bincount``), an explanation is a
filter of them, and the components add up to the total by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .calendar import N_PERIODS

#: what a ``Points.index`` refers to
SOURCES = ("item", "adoption", "instruction", "event", "month", "checklist")


@dataclass(frozen=True)
class Points:
    """Amounts credited by one rule, with where each came from."""

    component: str  # a column of the score table, e.g. "adoption"
    rules: tuple[str, ...]  # parameter paths behind the amounts (label, citation)
    source: str  # one of SOURCES
    index: np.ndarray  # row in the source table (month: month index 0..11)
    rep: np.ndarray
    unit: np.ndarray
    period: np.ndarray  # 0..3 quarters, 4 annual
    points: np.ndarray
    basis: np.ndarray | None = None  # the table value before caps, shares, rises
    note: str = ""

    def __post_init__(self) -> None:
        n = len(self.points)
        for name in ("index", "rep", "unit", "period"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Points {self.component}: {name} has {len(getattr(self, name))} rows, points {n}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")

    def select(self, mask: np.ndarray) -> "Points":
        return Points(
            self.component, self.rules, self.source, self.index[mask], self.rep[mask], self.unit[mask],
            self.period[mask], self.points[mask], None if self.basis is None else self.basis[mask], self.note,
        )


def make_points(component: str, rules: Sequence[str], source: str, index, rep, unit, period, points,
                basis=None, note: str = "") -> Points:
    """Build a :class:`Points`, coercing arrays to compact dtypes."""
    return Points(
        component=component,
        rules=tuple(rules),
        source=source,
        index=np.asarray(index, dtype=np.int64),
        rep=np.asarray(rep, dtype=np.int32),
        unit=np.asarray(unit, dtype=np.int32),
        period=np.asarray(period, dtype=np.int8),
        points=np.asarray(points, dtype=np.float64),
        basis=None if basis is None else np.asarray(basis, dtype=np.float64),
        note=note,
    )


def totals(records: Iterable[Points], n_reps: int, n_units: int, components: Sequence[str]):
    """Sum records into (R, U, period) and (R, U, component) arrays.

    One ``np.bincount`` per record, by (replicate, unit, period); a
    component's total is the sum of its periods."""
    size = n_reps * n_units * N_PERIODS
    by_period = np.zeros(size)
    by_component = np.zeros((len(components), size))
    comp_code = {c: i for i, c in enumerate(components)}
    for rec in records:
        key = (rec.rep.astype(np.int64) * n_units + rec.unit) * N_PERIODS + rec.period
        sums = np.bincount(key, weights=rec.points, minlength=size)
        by_period += sums
        by_component[comp_code[rec.component]] += sums
    return (
        by_period.reshape(n_reps, n_units, N_PERIODS),
        by_component.reshape(len(components), n_reps, n_units, N_PERIODS).sum(axis=3).transpose(1, 2, 0),
    )
