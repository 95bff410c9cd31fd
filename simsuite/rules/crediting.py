"""How amounts are credited over time when only a running best, or a capped
running total, counts.

Both are segmented scans in date order over every item or unit of every
replicate at once: a running maximum over each item's runs of rows
(:class:`~simsuite.engine.order.Runs`, worked out once per batch), and a
``cumsum`` per unit.
"""

from __future__ import annotations

import numpy as np

from ..engine.order import Runs, ordering


def credit_rises(runs: Runs, value: np.ndarray, spare: bool = False) -> np.ndarray:
    """Decision C-8: where only a key's highest value counts, each arrival is
    credited the amount by which it raises the key's highest so far (from 0),
    in date order (``runs``: the rows of each key, in that order). The
    credits of one key sum to its highest value.

    ``spare``: ``value`` is a float array of no negative number that the
    caller no longer needs, so the scan runs in it (one pass fewer)."""
    if spare and value.dtype == np.float64:
        v = runs.in_order(value)
    else:  # fresh: scanned in place
        v = runs.in_order(np.maximum(np.asarray(value, dtype=np.float64), 0.0))
    credit = runs.running_max(v, in_place=True)
    if runs.steps:
        later = runs.steps[0]  # every row after its run's first: the rise over the row before
        credit[later] -= credit[later - 1]  # the right side is gathered before any row changes
    return runs.back(credit)


def credit_capped(key: np.ndarray, day: np.ndarray, value: np.ndarray, cap: float) -> np.ndarray:
    """Credits of a running total that stops at ``cap`` per key, in date order:
    the arrival that crosses the cap gets the remainder, later ones nothing."""
    n = len(value)
    if n == 0:
        return np.zeros(0)
    order = ordering(key, day)
    value = np.asarray(value, dtype=np.float64)
    k, vs = (key, value) if order is None else (key[order], value[order])
    cum = np.cumsum(vs)
    start = np.concatenate([[True], k[1:] != k[:-1]])
    base = np.maximum.accumulate(np.where(start, cum - vs, -np.inf))
    within = cum - base
    credit = np.minimum(within, cap) - np.minimum(within - vs, cap)
    if order is None:
        return credit
    out = np.empty(n)
    out[order] = credit
    return out
