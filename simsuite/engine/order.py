"""Rows that share a key (an item's adoptions, a unit's events), in date order.

Where only an item's highest adoption counts (decision C-8), or a unit's
first event, rules walk each key's rows in date order. That order is a
property of the histories, not of any parameter, so a batch works it out
once (:class:`Runs`) and every variant scored on it reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def ordering(key: np.ndarray, day: np.ndarray) -> np.ndarray | None:
    """Positions sorted by key, then day, ties in input order; ``None`` when
    the rows are in that order already (checked in one pass, not assumed).
    Otherwise one stable argsort of a combined integer (twice as fast as a
    two-key lexsort)."""
    if len(day) <= 1:
        return None
    key = np.asarray(key, dtype=np.int64)
    day = np.asarray(day)
    low, high = int(day.min()), int(day.max())
    if high - low >= 1 << 20 or key.max(initial=0) >= 1 << 42 or key.min(initial=0) < 0:
        combined = None
    else:
        combined = (key << 20) + (day - low)
        if (combined[1:] >= combined[:-1]).all():
            return None
    if combined is None:
        order = np.lexsort((day, key))
        return None if (order == np.arange(len(order))).all() else order
    return np.argsort(combined, kind="stable")


def order_by(key: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Positions sorted by key, then day, ties in input order."""
    order = ordering(key, day)
    return np.arange(len(day)) if order is None else order


@dataclass(frozen=True)
class Runs:
    """Each key's rows as one run, in (key, day) order.

    ``order`` puts the rows in that order (``None``: they are already);
    positions below are in that order. ``first`` holds each run's first
    position; ``steps[s]`` the positions with at least 2**s earlier rows in
    their run, which is what a running maximum needs (:meth:`running_max`).
    """

    n: int
    order: np.ndarray | None
    first: np.ndarray
    steps: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, key: np.ndarray, day: np.ndarray) -> "Runs":
        n = len(key)
        order = ordering(key, day)
        k = key if order is None else key[order]
        start = np.ones(n, bool)
        np.not_equal(k[1:], k[:-1], out=start[1:])
        first = np.flatnonzero(start)
        later = np.flatnonzero(~start)  # few: most keys have one row
        run_of = np.cumsum(start)[later] - 1
        before = later - first[run_of]  # earlier rows in the run
        steps, s = [], 1
        while len(later):
            steps.append(later)
            keep = before >= 2 * s
            later, before, s = np.compress(keep, later), np.compress(keep, before), 2 * s  # faster than a[mask]
        return cls(n, order, first, tuple(steps))

    @property
    def first_rows(self) -> np.ndarray:
        """Each key's first row (in date order; ties: the earlier row)."""
        return self.first if self.order is None else self.order[self.first]

    def in_order(self, values: np.ndarray) -> np.ndarray:
        return values if self.order is None else values[self.order]

    def back(self, values: np.ndarray) -> np.ndarray:
        """Values in run order, back in row order."""
        if self.order is None:
            return values
        out = np.empty_like(values)
        out[self.order] = values
        return out

    def running_max(self, values: np.ndarray, in_place: bool = False) -> np.ndarray:
        """Each position's maximum over its run so far (values in run order).
        ``in_place``: into ``values`` (float64), which the caller no longer
        needs, instead of a fresh copy.

        A doubling scan: step s folds in the maximum 2**s rows back, for the
        rows that far into their run, so a run of length L takes log2(L)
        steps and most rows (runs of one) none."""
        running = values if in_place and values.dtype == np.float64 else np.array(values, dtype=np.float64)
        for s, rows in enumerate(self.steps):
            running[rows] = np.maximum(running[rows], running[rows - (1 << s)])
        return running
