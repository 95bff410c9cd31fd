"""How far two rankings of the same units agree, vectorised over replicates.

Each function takes two (R, n) arrays of ranks (1 = best; ties share a rank)
for the same n units in R replicates and returns R values. Ties are common in
these rulebooks (rank-point tables and caps give many units equal points), so
every measure is tie-aware: Kendall's tau-b, Spearman's rho on average ranks,
and Vigna's weighted tau with hyperbolic weights, which counts agreement at
the top more than at the bottom. An undefined value (a ranking with every
unit tied) is NaN, never a made-up 0 or 1.

The pairwise arrays are built in slices of replicates so memory stays near
``_PAIRS`` booleans whatever R is.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

_PAIRS = 4_000_000  # pairwise cells held at once


def kendall_tau_b(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kendall's tau-b between rows of ``a`` and ``b`` (same shape (R, n))."""
    return _pairwise(a, b, weights=None)


def tau_b_against(rank: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Kendall's τ-b of each replicate's ranking (R, n; 1 = best) against
    one fixed quality per unit (n,): what :func:`kendall_tau_b` gives, with
    the quality's side of every pair worked out once and the sum over pairs
    done as one matrix-vector product (the search scores this per candidate)."""
    n = rank.shape[1]
    iu, ju = np.triu_indices(n, k=1)
    dq = np.sign(quality[iu] - quality[ju])
    dr = np.sign(rank[:, ju] - rank[:, iu]).astype(np.float32)  # a better rank is a smaller number
    num = dr @ dq.astype(np.float32)
    den = np.sqrt(np.count_nonzero(dr, axis=1) * float(np.count_nonzero(dq)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def weighted_tau(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Vigna's weighted tau (additive hyperbolic weights, as
    ``scipy.stats.weightedtau`` with ``rank=True``): a pair of units weighs
    1/(r_i + 1) + 1/(r_j + 1), where r is a unit's place in the ranking, so
    disagreement about the leaders costs most. As in scipy, the value is the
    mean of the statistic with places taken from ``a`` and from ``b``.
    """
    place_a = _places(-np.asarray(a, float), -np.asarray(b, float))
    place_b = _places(-np.asarray(b, float), -np.asarray(a, float))
    return 0.5 * (_pairwise(a, b, weights=place_a) + _pairwise(a, b, weights=place_b))


def spearman_rho(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's rho on average ranks (the usual tie correction)."""
    ra = rankdata(a, axis=1)
    rb = rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    den = np.sqrt((ra * ra).sum(axis=1) * (rb * rb).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (ra * rb).sum(axis=1) / np.where(den > 0, den, 1), np.nan)


def _places(primary: np.ndarray, secondary: np.ndarray) -> np.ndarray:
    """Each unit's 0-based place in decreasing lexicographic order of
    (primary, secondary). Units equal in both take successive places; they
    have the same sign against every other unit, so which of them comes
    first does not change the statistic."""
    order = np.lexsort((-secondary, -primary), axis=1)
    places = np.empty_like(order)
    np.put_along_axis(places, order, np.broadcast_to(np.arange(order.shape[1]), order.shape).copy(), axis=1)
    return places


def _pairwise(a, b, weights) -> np.ndarray:
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"rankings must be two (replicates, units) arrays of one shape, not {a.shape} and {b.shape}")
    R, n = a.shape
    out = np.full(R, np.nan)
    if n < 2:
        return out
    iu, ju = np.triu_indices(n, k=1)
    step = max(1, _PAIRS // len(iu))
    for lo in range(0, R, step):  # slices of replicates, to bound memory
        sl = slice(lo, lo + step)
        da = np.sign(a[sl][:, iu] - a[sl][:, ju])
        db = np.sign(b[sl][:, iu] - b[sl][:, ju])
        if weights is None:
            w = 1.0
        else:
            h = 1.0 / (weights[sl] + 1.0)
            w = h[:, iu] + h[:, ju]
        num = (w * da * db).sum(axis=1)
        den = np.sqrt((w * (da != 0)).sum(axis=1) * (w * (db != 0)).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[sl] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return out
