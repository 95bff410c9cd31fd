"""How sure is a ranking? Rank distributions over replicate years, and how
stable a rulebook is from one year to the next.

Every probability comes with a 95 % Wilson interval (``_lo``, ``_hi``) and a
standard error read from it (``_se``, its half-width / 1.96), which stay
honest where the estimate is 0 or 1: a unit never seen in the bottom three in
200 years may still land there about one year in 50. Rank quantiles come with
distribution-free intervals from order statistics, which hold for ranks that
take only a few values. A run can be continued until the errors are small
enough (:func:`simsuite.runs.run` with ``until_se``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from ..engine.ranking import count_beyond
from .fixed import unit_fixed
from .panel import Panel, as_panel, mean_se

#: the two-sided 95 % normal quantile, for intervals and the SEs read from them
Z95 = 1.959963984540054


def rank_distribution(results, comparison=None, top: int = 3) -> pd.DataFrame:
    """Per unit: mean rank (± SE); median, 5 % and 95 % rank, each with a 95 %
    interval (``_lo``, ``_hi``); and the chance of ranking first, in the top
    ``top``, in the bottom three and of each award (each with its Wilson
    interval and SE). ``fixed`` names the figures the unit's ranking group
    fixes by its size alone (see :mod:`simsuite.analytics.fixed`).
    ``results`` may be a run, its table, or a :class:`Panel`."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    R = p.n_replicates
    out = p.units.copy()
    out.insert(0, "comparison", p.name)
    out["n_replicates"] = R
    out["mean_rank"], out["mean_rank_se"] = mean_se(p.rank)
    for name, q in (("median_rank", 0.5), ("rank_p5", 0.05), ("rank_p95", 0.95)):
        out[name] = np.quantile(p.rank, q, axis=0)
        out[f"{name}_lo"], out[f"{name}_hi"] = quantile_interval(p.rank, q)
    events = {"p_first": p.rank == 1, f"p_top{top}": p.rank <= top, "p_bottom3": _bottom(p, 3)}
    events.update({f"p_{award}": p.award == award for award in p.award_names()})
    for name, hit in events.items():
        out[name] = hit.mean(axis=0)
        out[f"{name}_lo"], out[f"{name}_hi"] = wilson_interval(out[name].to_numpy(), R)
        out[f"{name}_se"] = interval_se(out[f"{name}_lo"], out[f"{name}_hi"])
    out["fixed"] = unit_fixed(p, top=top)
    return out


def rank_probabilities(results, comparison=None) -> pd.DataFrame:
    """Long table: the chance that each unit takes each rank, with its Wilson
    interval (``lo``, ``hi``) and the SE read from it."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    R, U = p.rank.shape
    K = int(p.rank.max())
    counts = np.bincount((np.arange(U) * K + p.rank - 1).ravel(), minlength=U * K).reshape(U, K)
    prob = counts / R
    frame = pd.DataFrame({
        "comparison": p.name,
        "unit_id": np.repeat(p.units["unit_id"].to_numpy(), K),
        "name": np.repeat(p.units["name"].to_numpy(), K),
        "group": np.repeat(p.units["group"].to_numpy(), K),
        "rank": np.tile(np.arange(1, K + 1), U),
        "probability": prob.ravel(),
    })
    frame["lo"], frame["hi"] = wilson_interval(frame["probability"].to_numpy(), R)
    frame["se"] = interval_se(frame["lo"], frame["hi"])
    return frame


def stability(results, comparison=None) -> pd.DataFrame:
    """Per ranking group (pooled groups count as one): the expected rank
    shift of a unit between two independent years of the same units
    (replicates paired 0–1, 2–3, …), also as a share of the group's size,
    and the chance that the year's first-placed unit is the one with the
    highest latent quality."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    half = p.n_replicates // 2
    rows = []
    for group, cols in p.ranking_groups():
        ranks = p.rank[:, cols]
        shift = np.abs(ranks[0:2 * half:2] - ranks[1:2 * half:2]).mean(axis=1)
        row = {"comparison": p.name, "group": group, "n_units": len(cols)}
        row["expected_rank_shift"], row["expected_rank_shift_se"] = (float(v) for v in mean_se(shift))
        row["relative_rank_shift"] = row["expected_rank_shift"] / len(cols)
        best = top_is_best(p, cols)
        row["p_top_is_best"], row["p_top_is_best_se"] = (float(v) for v in mean_se(best))
        rows.append(row)
    return pd.DataFrame(rows)


def top_is_best(p: Panel, cols: np.ndarray) -> np.ndarray:
    """Per replicate: the chance that a unit drawn from those ranked first in
    the group is the group's truly best (highest latent quality) unit."""
    if p.quality is None:
        raise ValueError(f"{p.name!r} carries no latent quality (only synthetic runs do)")
    best = cols[np.argmax(p.quality[cols])]
    first = p.rank[:, cols] == p.rank[:, cols].min(axis=1, keepdims=True)
    return (p.rank[:, best] == p.rank[:, cols].min(axis=1)) / first.sum(axis=1)


def quantile_interval(values: np.ndarray, q: float, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """A ``level`` interval for each column's ``q`` quantile over replicates,
    from order statistics: the number of replicates at or below the true
    quantile is binomial(R, q) whatever the distribution, so the order
    statistics at that law's (1 − level)/2 and (1 + level)/2 points bound it.
    Unlike a symmetric SE this stays right for ranks that take few values (a
    rank that is 1 or 2 half the time gets the interval [1, 2]); it is
    conservative there. With fewer than 72 replicates the interval of the
    5 % and 95 % quantiles reaches the sample's extremes and covers less."""
    values = np.sort(np.asarray(values, dtype=float), axis=0)
    R = values.shape[0]
    alpha = (1 - level) / 2
    # 1-based order statistics l and u with P(l ≤ B ≤ u − 1) ≥ level, B ~ binomial(R, q)
    lower = int(binom.ppf(alpha, R, q))
    upper = int(binom.ppf(1 - alpha, R, q)) + 1
    return values[max(lower, 1) - 1], values[min(upper, R) - 1]


def wilson_interval(p: np.ndarray, n: int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval for a proportion ``p`` observed in ``n``
    independent replicates. Unlike p ± z·SE it is never empty at p = 0 or 1:
    none in n gives [0, z²/(n + z²)], about [0, 3.8/n]."""
    p = np.asarray(p, dtype=float)
    n = max(int(n), 1)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def interval_se(lo, hi, z: float = Z95) -> np.ndarray:
    """The standard error a 95 % interval stands for: its half-width / 1.96.
    For a Wilson interval it is close to √(p(1 − p)/n) away from 0 and 1, and
    about 0.98/n (not 0) at 0 or 1."""
    return (np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)) / (2 * z)


def proportion_se(p, n: int) -> np.ndarray:
    """The SE of a chance ``p`` seen in ``n`` replicate years, read from its
    95 % Wilson interval (never 0, even where ``p`` is 0 or 1)."""
    return interval_se(*wilson_interval(np.asarray(p, dtype=float), n))


def largest_se(results, top: int = 3) -> float:
    """The largest SE (from the Wilson interval) among every unit's chance of
    first place, of the top ``top``, of the bottom three and of each award,
    over every comparison: the figure a run with ``until_se`` drives down.
    Figures the unit's ranking group fixes by its size (a group of three is
    always in the top three) are certain and left out."""
    from .panel import panels

    worst = 0.0
    for p in panels(results).values():
        d = rank_distribution(p, top=top)
        names = [c[:-3] for c in d.columns if c.startswith("p_") and c.endswith("_se")]
        for name in names:
            fixed = d["fixed"].str.split(", ").apply(lambda figures, n=name: n in figures)
            se = d.loc[~fixed, f"{name}_se"].to_numpy()
            if se.size:
                worst = max(worst, float(np.nanmax(se)))
    return worst


def _bottom(p: Panel, k: int) -> np.ndarray:
    """Units with fewer than ``k`` units of their ranking group ranked below
    them: the run's ``bottom3``, counted as the engine counts it."""
    labels = p.group if p.ranking_group is None else p.ranking_group.astype(str)
    _, codes = np.unique(labels, return_inverse=True)
    return count_beyond(-p.rank, codes, higher=False) < k
