"""What a rule buys: behaviour, fidelity, output and who games, under
response against fixed behaviour (every unit steady), as tidy tables whose
every statistic carries a Chinese and English label and what it means."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from ..analytics.agreement import kendall_tau_b
from ..engine.ranking import rank_min
from ..params import OUTLET_LEVELS
from .equilibrium import Equilibrium
from .strategy import ACTIONS, cap_items

LEVEL_LABELS = {"own": ("本级", "own level"), "up1": ("上一级", "one level up"), "up2": ("上两级", "two levels up"),
                "national": ("国家级", "national")}

#: statistic → (zh, en, what it means, decimals)
STATISTICS = {
    "items_a_month": ("单位月均报送条数", "items a unit files a month",
                      "mean over units, months and replicate years of the items filed", 2),
    "empty_months": ("零报送月份占比", "share of unit-months with no counted item",
                     "how often a unit files nothing in a month", 3),
    "kendall_quality": ("排名与潜在质量的一致性(肯德尔τ-b)", "Kendall's τ-b of the ranking against latent quality",
                        "1: the ranking follows the units' real capacity exactly; 0: unrelated", 3),
    **{f"adopted_{lv}": (f"被{zh}刊物采用的信息(条/年)", f"items adopted {en} a year",
                         f"what the bureau receives: adoptions at {en} outlets, whole jurisdiction, mean a year", 1)
       for lv, (zh, en) in LEVEL_LABELS.items()},
    "research_items": ("调研和约稿信息(条/年)", "research and commissioned items a year",
                       "counted research and commissioned items, whole jurisdiction, mean a year", 1),
    "effort_used": ("平均投入的努力(预算占比)", "share of the effort budget used, mean over units",
                    "0: units behave as they do today; 1: every unit spends its whole budget", 2),
}


def _labelled(rows: list[dict]) -> pd.DataFrame:
    out = []
    for row in rows:
        zh, en, meaning, dec = STATISTICS[row["statistic"]]
        vals = {k: (round(float(v), dec) if isinstance(v, (float, np.floating)) else v)
                for k, v in row.items() if k != "statistic"}
        out.append({"statistic": row["statistic"], "zh": zh, "en": en, **vals, "meaning": meaning})
    return pd.DataFrame(out)


def _gather(eq: Equilibrium, stacked: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """(R, U, …) of ``stacked`` (K, R, U, …) under ``profile``."""
    R, U = stacked.shape[1], stacked.shape[2]
    return stacked[profile[None, :], np.arange(R)[:, None], np.arange(U)[None, :]]


def fidelity_of(eq: Equilibrium, profile: np.ndarray) -> float:
    """Kendall's τ-b of rank against latent quality, each scoring group's
    mean over replicates, averaged over groups weighted by their units."""
    o = eq.outcome(profile)
    groups = eq.scoring_group
    total, weight = 0.0, 0
    for g in np.unique(groups):
        cols = np.flatnonzero(groups == g)
        if len(cols) < 2:
            continue
        truth = np.broadcast_to(rank_min(eq.sets.quality[None, cols], np.zeros(len(cols), int)), o.rank[:, cols].shape)
        tau = np.nanmean(kendall_tau_b(o.rank[:, cols], truth))
        total, weight = total + tau * len(cols), weight + len(cols)
    return total / weight if weight else float("nan")


def _numbers(eq: Equilibrium, profile: np.ndarray) -> dict:
    months = _gather(eq, eq.sets.months, profile)
    adopted = _gather(eq, eq.sets.adopted, profile).sum(axis=1).mean(axis=0)  # (4,) a year
    used = np.array([eq.candidates[k].used for k in profile])
    return {"items_a_month": months.mean(), "empty_months": (months == 0).mean(),
            "kendall_quality": fidelity_of(eq, profile),
            **{f"adopted_{lv}": adopted[i] for i, lv in enumerate(OUTLET_LEVELS)},
            "research_items": _gather(eq, eq.sets.research, profile).sum(axis=1).mean(),
            "effort_used": used.mean()}


def summary(eq: Equilibrium) -> pd.DataFrame:
    """One row per statistic: under fixed behaviour, under response, and the change."""
    fixed, resp = _numbers(eq, eq.fixed), _numbers(eq, eq.choice)
    return _labelled([{"statistic": k, "fixed": fixed[k], "response": resp[k], "change": resp[k] - fixed[k]}
                      for k in STATISTICS])


def induced_behaviour(eq: Equilibrium) -> pd.DataFrame:
    """Per unit: the strategy it settles on, its effort shares and hold-back
    rule, and the items it files a month under response and fixed behaviour."""
    out = eq.units[["unit_id", "name", "group"]].copy()
    out["quality"] = np.round(eq.sets.quality, 3)
    out["strategy"] = [eq.candidates[k].name for k in eq.choice]
    out["strategy_zh"] = [eq.candidates[k].zh for k in eq.choice]
    for a in ACTIONS:
        out[f"share_{a}"] = [float(eq.candidates[k].shares.get(a, 0.0)) for k in eq.choice]
    out["stop"] = [_stop_text(eq.candidates[k]) for k in eq.choice]
    for name, profile in (("fixed", eq.fixed), ("response", eq.choice)):
        out[f"items_a_month_{name}"] = np.round(_gather(eq, eq.sets.months, profile).mean(axis=(0, 2)), 2)
    return out


def _stop_text(s) -> str:
    parts = []
    if s.monthly_stop is not None:
        parts.append(f"每月{s.monthly_stop}条即停 / stop at {s.monthly_stop} a month")
    if s.yearly_stop is not None:
        parts.append(f"全年{s.yearly_stop}条即停 / stop at {s.yearly_stop} a year")
    return "; ".join(parts)


def effort_shares(eq: Equilibrium) -> pd.DataFrame:
    """Per action: the mean share of the effort budget units spend on it
    under response (fixed behaviour spends none)."""
    rows = []
    for a, (zh, en) in ACTIONS.items():
        share = np.mean([eq.candidates[k].shares.get(a, 0.0) for k in eq.choice])
        rows.append({"action": a, "zh": zh, "en": en, "share": round(float(share), 3),
                     "meaning": "mean share of a unit's effort budget spent on this action at equilibrium"})
    return pd.DataFrame(rows)


def month_histogram(eq: Equilibrium, most: int = 30) -> pd.DataFrame:
    """Share of unit-months with each number of counted items (``most``
    and more pooled), under fixed behaviour and under response: bunching
    at a quota or stop shows as a spike."""
    out = {"items_in_month": np.arange(most + 1)}
    for name, profile in (("fixed", eq.fixed), ("response", eq.choice)):
        m = np.minimum(_gather(eq, eq.sets.months, profile).ravel(), most)
        out[f"share_{name}"] = np.round(np.bincount(m, minlength=most + 1) / m.size, 4)
    frame = pd.DataFrame(out)
    frame.attrs["labels"] = {"items_in_month": ("当月报送条数", "items counted in the month"),
                             "share_fixed": ("占比(行为不变)", "share of unit-months, fixed behaviour"),
                             "share_response": ("占比(策略应对)", "share of unit-months, strategic response")}
    return frame


def year_histogram(eq: Equilibrium, most: int | None = None) -> pd.DataFrame:
    """Share of unit-years with each number of counted items (``most`` and
    more pooled; default twice the cap's item count, or 60), fixed behaviour
    against response: bunching at a yearly cap shows as a spike."""
    cap = cap_items(eq.rulebook)
    most = most or (2 * cap if cap else 60)
    out = {"items_in_year": np.arange(most + 1)}
    for name, profile in (("fixed", eq.fixed), ("response", eq.choice)):
        y = np.minimum(_gather(eq, eq.sets.months, profile).sum(axis=2).ravel(), most)
        out[f"share_{name}"] = np.round(np.bincount(y, minlength=most + 1) / y.size, 4)
    frame = pd.DataFrame(out)
    frame.attrs["labels"] = {"items_in_year": ("全年报送条数", "items counted in the year"),
                             "share_fixed": ("占比(行为不变)", "share of unit-years, fixed behaviour"),
                             "share_response": ("占比(策略应对)", "share of unit-years, strategic response")}
    frame.attrs["cap_items"] = cap
    return frame


def who_games(eq: Equilibrium, top: int = 10) -> pd.DataFrame:
    """The units that gain most by their equilibrium strategy over behaving
    as today (payoff units, the others at equilibrium), with their mean rank
    under fixed behaviour and under response."""
    out = eq.units[["unit_id", "name", "group"]].copy()
    out["strategy"] = [eq.candidates[k].name for k in eq.choice]
    out["gain"] = np.round(eq.values[np.arange(len(eq.choice)), eq.choice] - eq.values[:, eq.steady], 3)
    out["rank_fixed"] = np.round(eq.outcome(eq.fixed).rank.mean(axis=0), 2)
    out["rank_response"] = np.round(eq.outcome(eq.choice).rank.mean(axis=0), 2)
    out["rank_change"] = np.round(out["rank_response"] - out["rank_fixed"], 2)
    out = out.sort_values(["gain", "unit_id"], ascending=[False, True]).head(top).reset_index(drop=True)
    out.attrs["labels"] = {"gain": ("策略收益增量", "payoff gained over behaving as today"),
                           "rank_fixed": ("平均名次(行为不变)", "mean rank, fixed behaviour"),
                           "rank_response": ("平均名次(策略应对)", "mean rank, strategic response"),
                           "rank_change": ("名次变化(负为上升)", "change in mean rank (negative: moves up)")}
    return out


def compare(equilibria: Mapping[str, Equilibrium]) -> pd.DataFrame:
    """Two or more rules side by side by what they induce: each statistic
    under response for each, with fixed behaviour for reference."""
    table = None
    for name, eq in equilibria.items():
        s = summary(eq).set_index(["statistic", "zh", "en", "meaning"])[["fixed", "response"]]
        s.columns = [f"{name}: fixed", f"{name}: response"]
        table = s if table is None else table.join(s)
    out = table.reset_index()
    return out[[c for c in out.columns if c != "meaning"] + ["meaning"]]


def convergence(eq: Equilibrium) -> pd.DataFrame:
    """Per round: the largest payoff gain any unit could still make (ε)."""
    return pd.DataFrame({"round": np.arange(1, len(eq.epsilon) + 1), "epsilon": np.round(eq.epsilon, 4),
                         "converged": [e <= eq.tolerance for e in eq.epsilon]})
