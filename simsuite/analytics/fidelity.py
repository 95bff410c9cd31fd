"""Does a rule reward the better units, or luck, or sheer volume?

Synthetic runs keep each unit's latent quality, so the final ranking can be
set against the truth: how closely it follows quality, how often the best
unit comes first, where the points come from, and whether a group of units
does better than another when all behave alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.ranking import rank_min
from .agreement import kendall_tau_b, spearman_rho
from .fixed import group_fixed
from .panel import SOURCE_NAMES, SOURCES, Panel, as_panel, mean_se
from .uncertainty import top_is_best


def fidelity(results, comparison=None) -> pd.DataFrame:
    """Per ranking group (pooled groups count as one): Spearman's rho and
    Kendall's tau-b between the final ranking and the ranking by latent
    quality (1 = the rule ranks exactly by quality), and the chance the
    truly best unit ranks first; each ± SE."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    if p.quality is None:
        raise ValueError(f"{p.name!r} carries no latent quality (only synthetic runs do)")
    rows = []
    for group, cols in p.ranking_groups():
        ranks = p.rank[:, cols]
        truth = np.broadcast_to(rank_min(p.quality[None, cols], np.zeros(len(cols), int)), ranks.shape)
        row = {"comparison": p.name, "group": group, "n_units": len(cols)}
        for name, values in (("spearman_quality", spearman_rho(ranks, truth)),
                             ("kendall_quality", kendall_tau_b(ranks, truth)),
                             ("p_best_first", top_is_best(p, cols))):
            row[name], row[f"{name}_se"] = (float(v) for v in mean_se(values))
        rows.append(row)
    return pd.DataFrame(rows)


def point_sources(results, comparison=None) -> pd.DataFrame:
    """Per unit: mean points from volume (items, quotas, checklists),
    adoption quality, leaders' instructions and conduct (events), and each
    as a share of the unit's mean points."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    out = p.units.copy()
    out.insert(0, "comparison", p.name)
    out["points"] = p.points.mean(axis=0)
    for s in SOURCES:
        out[f"from_{s}"] = p.sources[f"from_{s}"].mean(axis=0) if f"from_{s}" in p.sources else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        for s in SOURCES:
            out[f"share_{s}"] = np.where(out["points"] != 0, out[f"from_{s}"] / out["points"], np.nan)
    return out


def source_shares(results, comparison=None) -> pd.DataFrame:
    """One row: the share of all points (every unit, every replicate) that
    each source contributes. Penalties make the conduct share negative."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    total = p.points.sum()
    row = {"comparison": p.name, "rulebook": p.rulebook}
    for s in SOURCES:
        part = p.sources.get(f"from_{s}")
        row[f"share_{s}"] = float(part.sum() / total) if part is not None and total else np.nan
    return pd.DataFrame([row])


def group_bias(results, comparison=None, by: str = "group", units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group (or another unit column): mean points and final score per
    unit, the chance of the top three and of each award, and mean latent
    quality, each ± SE over replicates. Give every group the same behaviour
    (no per-group overrides) to read differences as the rule's own bias.
    ``fixed`` names the figures the ranking fixes for the row (the top three
    of a group ranked on its own is 3/n): no finding, see
    :func:`simsuite.analytics.fixed.hide_fixed`.

    ``units`` (a table with ``unit_id`` and the ``by`` column, such as
    ``data/units/<rulebook>.csv`` with its ``type`` column) supplies a unit
    attribute the run does not carry, e.g. ``by="type"``."""
    p = results if isinstance(results, Panel) else as_panel(results, comparison)
    table = p.units
    if units is not None:
        if by not in units or "unit_id" not in units:
            raise KeyError(f"units must have the columns 'unit_id' and {by!r}; they have {list(units.columns)}")
        lookup = units.assign(unit_id=units["unit_id"].astype(str)).set_index("unit_id")[by]
        missing = sorted(set(table["unit_id"]) - set(lookup.index))
        if missing:
            raise KeyError(f"units has no {by!r} for unit(s) {missing[:5]}{' …' if len(missing) > 5 else ''}")
        table = table.assign(**{by: lookup.reindex(table["unit_id"]).to_numpy()})
    if by not in table:
        raise KeyError(f"units have no column {by!r}; they have {list(table.columns)}")
    labels = table[by].astype(str).to_numpy()
    fixed = group_fixed(p, labels)
    awards = p.award_names()
    top3 = p.rank <= 3
    rows = []
    for label in dict.fromkeys(labels):
        cols = np.flatnonzero(labels == label)
        row = {"comparison": p.name, by: label, "n_units": len(cols)}
        for name, values in (("mean_points", p.points[:, cols].mean(axis=1)),
                             ("mean_final", p.final[:, cols].mean(axis=1)),
                             ("p_top3", top3[:, cols].mean(axis=1)),
                             *((f"p_{a}", (p.award[:, cols] == a).mean(axis=1)) for a in awards)):
            row[name], row[f"{name}_se"] = (float(v) for v in mean_se(values))
        row["mean_quality"] = float(p.quality[cols].mean()) if p.quality is not None else np.nan
        row["fixed"] = ", ".join(name for name in fixed[label] if name in row)
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["fidelity", "group_bias", "point_sources", "source_shares", "SOURCE_NAMES"]
