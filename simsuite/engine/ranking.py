"""Ranks within groups, vectorised over replicates (RULES.md C-6).

Scores are compared after rounding to 6 decimal places, so the order in which
floating-point sums were taken never makes or breaks a tie; ties share the
best rank of the tie ("min"). Nothing here depends on the order of a sort:
every tied unit gets the same answer whatever its position in the input.
"""

from __future__ import annotations

import numpy as np

DECIMALS = 6


def comparable(scores: np.ndarray) -> np.ndarray:
    """Scores as compared for ranks, positions, bands and ties (C-6)."""
    return np.round(np.asarray(scores, dtype=np.float64), DECIMALS) + 0.0  # +0.0 folds -0.0


def rank_min(scores: np.ndarray, groups: np.ndarray, eligible: np.ndarray | None = None) -> np.ndarray:
    """Rank 1 = best, within each group of each replicate; ties share the best.

    ``scores`` is (R, U); ``groups`` (U,) or (R, U) integer codes. Units where
    ``eligible`` is False neither get a rank (0) nor occupy a position.
    Rank = 1 + the number of eligible units of the group with a strictly
    higher comparable score.
    """
    return 1 + count_beyond(scores, groups, eligible, higher=True)


def count_beyond(scores: np.ndarray, groups: np.ndarray, eligible: np.ndarray | None = None,
                 higher: bool = True) -> np.ndarray:
    """For each unit, how many eligible units of its group score strictly higher
    (or, with ``higher=False``, strictly lower). Ineligible units get -1.

    Each replicate's row is sorted on its own (by group, then score), which
    keeps the sort within a few cache lines; ineligible units sort into a
    group of their own and are answered -1 at the end."""
    s = comparable(scores)
    R, U = s.shape
    n_groups = int(np.max(groups, initial=0)) + 1
    g = np.broadcast_to(np.asarray(groups), (R, U))
    ok = np.ones((R, U), bool) if eligible is None else np.asarray(eligible, bool)
    g = np.where(ok, g, n_groups)
    key = -s if higher else s
    order = np.lexsort((key, g), axis=1)
    gs, ks = np.take_along_axis(g, order, axis=1), np.take_along_axis(key, order, axis=1)
    seg_new = np.ones((R, U), bool)
    seg_new[:, 1:] = gs[:, 1:] != gs[:, :-1]
    val_new = seg_new.copy()
    val_new[:, 1:] |= ks[:, 1:] != ks[:, :-1]
    idx = np.arange(U)
    seg_start = np.maximum.accumulate(np.where(seg_new, idx, 0), axis=1)
    val_start = np.maximum.accumulate(np.where(val_new, idx, 0), axis=1)
    out = np.empty((R, U), dtype=np.int64)
    np.put_along_axis(out, order, val_start - seg_start, axis=1)
    out[~ok] = -1
    return out


def group_max(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per replicate and group, the maximum over units: (R, ..., G) from (R, U, ...)."""
    out = np.full(values.shape[:1] + (n_groups,) + values.shape[2:], -np.inf)
    for g in range(n_groups):
        members = groups == g
        if members.any():
            out[:, g] = values[:, members].max(axis=1)
    return out
