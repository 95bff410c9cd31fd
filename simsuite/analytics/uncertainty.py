"""How sure is a ranking? Rank distributions over replicate years, and how
stable a rulebook is from one year to the next.

Every probability comes with its Monte Carlo standard error, so a table can
say "0.42 ± 0.02" and a run can be continued until the error is small enough
(:func:`simsuite.runs.run` with ``until_se``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.ranking import count_beyond
from .panel import Panel, as_panel, mean_se


def rank_distribution(results, comparison=None, top: int = 3) -> pd.DataFrame:
    """Per unit: mean rank (± SE), median, 5–95 % interval, and the chance of
    ranking first, in the top ``top``, in the bottom three and of each award
    (each ± SE). ``results`` may be a run, its table, or a :class:`Panel`."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    R = p.n_replicates
    out = p.units.copy()
    out.insert(0, "comparison", p.name)
    out["n_replicates"] = R
    out["mean_rank"], out["mean_rank_se"] = mean_se(p.rank)
    out["median_rank"] = np.median(p.rank, axis=0)
    out["median_rank_se"] = quantile_se(p.rank, 0.5)
    out["rank_p5"], out["rank_p95"] = np.quantile(p.rank, [0.05, 0.95], axis=0)
    out["rank_p5_se"], out["rank_p95_se"] = quantile_se(p.rank, 0.05), quantile_se(p.rank, 0.95)
    events = {"p_first": p.rank == 1, f"p_top{top}": p.rank <= top, "p_bottom3": _bottom(p, 3)}
    events.update({f"p_{award}": p.award == award for award in p.award_names()})
    for name, hit in events.items():
        out[name] = hit.mean(axis=0)
        out[f"{name}_se"] = binomial_se(out[name].to_numpy(), R)
    return out


def rank_probabilities(results, comparison=None) -> pd.DataFrame:
    """Long table: the chance that each unit takes each rank (± SE)."""
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
    frame["se"] = binomial_se(frame["probability"].to_numpy(), R)
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


def quantile_se(values: np.ndarray, q: float) -> np.ndarray:
    """Standard error of each column's ``q`` quantile over replicates, from
    order statistics (no assumption about the distribution): the number of
    replicates below the quantile is binomial, so the order statistics
    ±1.96 binomial SEs around position qR bound a 95 % interval, whose half
    width over 1.96 is the SE. Ties make it 0 where the quantile is certain."""
    values = np.sort(np.asarray(values, dtype=float), axis=0)
    R = values.shape[0]
    spread = 1.96 * np.sqrt(R * q * (1 - q))
    lo = int(np.clip(np.floor(q * R - spread), 0, R - 1))
    hi = int(np.clip(np.ceil(q * R + spread), 0, R - 1))
    return (values[hi] - values[lo]) / (2 * 1.96)


def binomial_se(p: np.ndarray, n: int) -> np.ndarray:
    """Standard error of a proportion estimated from ``n`` independent replicates."""
    p = np.asarray(p, dtype=float)
    return np.sqrt(p * (1 - p) / max(n - 1, 1))


def largest_se(results, top: int = 3) -> float:
    """The largest standard error among every unit's chance of each award,
    of the top ``top`` and of the bottom three, over every comparison: the
    figure a run with ``until_se`` drives down."""
    from .panel import panels

    worst = 0.0
    for p in panels(results).values():
        d = rank_distribution(p, top=top)
        cols = [c for c in d.columns if c.startswith("p_") and c.endswith("_se")]
        worst = max(worst, float(np.nanmax(d[cols].to_numpy())) if cols else 0.0)
    return worst


def _bottom(p: Panel, k: int) -> np.ndarray:
    """Units with fewer than ``k`` units of their ranking group ranked below
    them: the run's ``bottom3``, counted as the engine counts it."""
    labels = p.group if p.ranking_group is None else p.ranking_group.astype(str)
    _, codes = np.unique(labels, return_inverse=True)
    return count_beyond(-p.rank, codes, higher=False) < k
