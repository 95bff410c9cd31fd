"""The rulebooks side by side on one common population: how concentrated
their points are, how stable and how faithful their rankings, and what they
reward (volume, adoptions, instructions).

Run a scenario whose comparisons are the rulebooks to set side by side on
the same synthetic units (``scenarios/five-rulebooks-common-population.toml``);
each row of the table is one comparison.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .fidelity import fidelity, source_shares
from .panel import SOURCES, Panel, mean_se, panels
from .uncertainty import stability


def top_share(p: Panel, share: float = 0.1) -> tuple[float, float]:
    """Mean (± SE) over replicates of the share of all raw points earned by
    the top ``share`` of units (at least one unit), across groups."""
    k = max(1, math.ceil(share * p.points.shape[1]))
    ordered = -np.sort(-p.points, axis=1)
    total = ordered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(total > 0, ordered[:, :k].sum(axis=1) / np.where(total > 0, total, 1), np.nan)
    mean, se = mean_se(values)
    return float(mean), float(se)


def jurisdiction_table(results, incentives: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per comparison: top-10 % share of points, relative year-to-year
    rank shift (share of the group's size), fidelity to latent quality
    (Spearman, chance the best unit ranks first; unit-weighted over groups),
    and the share of points from each source. ``incentives`` (marginal-point
    columns per comparison, as :func:`scenario_incentives` gives, or per
    rulebook) is joined on ``comparison`` or ``rulebook``, whichever it has."""
    rows = []
    for name, p in panels(results).items():
        row = {"comparison": name, "rulebook": p.rulebook, "n_units": p.points.shape[1],
               "n_groups": len(p.groups())}
        row["top10_share"], row["top10_share_se"] = top_share(p)
        st = stability(p)
        row["relative_rank_shift"] = _weighted(st, "relative_rank_shift")
        fi = fidelity(p)
        row["spearman_quality"] = _weighted(fi, "spearman_quality")
        row["p_best_first"] = _weighted(fi, "p_best_first")
        shares = source_shares(p).iloc[0]
        row.update({f"share_{s}": shares[f"share_{s}"] for s in SOURCES})
        rows.append(row)
    table = pd.DataFrame(rows)
    if incentives is not None:
        key = "comparison" if "comparison" in incentives else "rulebook"
        table = table.merge(incentives, on=key, how="left", validate="many_to_one")
    return table


def scenario_incentives(scenario) -> pd.DataFrame:
    """Per comparison of a scenario: the mean marginal final score of one
    more item (``volume_d_final``) and of one more top-level adoption
    (``quality_d_final``), on the first simulated year of the scenario's own
    population, for the ``incentives`` columns of :func:`jurisdiction_table`."""
    from ..synthetic import generate
    from .incentives import incentive_summary

    rows = []
    for comp in scenario.comparisons:
        rb = comp.rulebook
        year_one = generate(rb, scenario.units(rb.id), scenario.year, scenario.behaviour, 1, scenario.seed).batch
        summary = incentive_summary(rb, year_one).set_index("incentive")
        rows.append({"comparison": comp.name, "volume_d_final": summary.loc["volume", "mean_d_final"],
                     "quality_d_final": summary.loc["quality", "mean_d_final"]})
    return pd.DataFrame(rows)


def _weighted(frame: pd.DataFrame, column: str) -> float:
    ok = frame[column].notna()
    if not ok.any():
        return float("nan")
    return float(np.average(frame.loc[ok, column], weights=frame.loc[ok, "n_units"]))
