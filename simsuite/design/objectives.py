"""What makes one rule design better than another, measured on replicate years.

Every candidate is scored on the very same replicate histories (common
random numbers), so a difference between two candidates is the rules' doing.
Each objective is a mean over replicates with its standard error; its
direction is fixed by its meaning (no one wants a less faithful ranking):

- ``tau_b`` (maximise): Kendall's τ-b between the ranking and the units'
  latent quality, within each ranking group, averaged over groups weighted by
  their number of unit pairs;
- ``top_is_best`` (maximise): the chance that the unit ranked first in a
  group is its truly best unit, averaged over groups;
- ``rank_shift`` (minimise): the expected absolute change of a unit's rank
  between two years of the same units (replicates 2i and 2i + 1);
- ``fairness_gap`` (minimise): the largest gap between two kinds of unit
  (the units' ``type`` where the unit list has one, else their group) in
  mean rank percentile, after removing what latent quality explains (each
  replicate's least-squares line of rank percentile on quality), in
  percentile points; kinds of fewer than three units are left out (a kind
  of one unit is that unit's own traits);
- ``award_gap`` (minimise): the same for the chance of a recognised award,
  in percentage points;
- ``award_concentration`` (minimise): the share of all recognised awards
  (not criticism or deduction tiers) won by the tenth of units that win most;
- ``changed_parameters`` and ``change_size`` (minimise): how far a candidate
  is from the baseline — the number of parameters and components changed, and
  the sum of each change relative to the baseline value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..analytics.agreement import tau_b_against
from ..analytics.panel import Panel, mean_se
from ..analytics.uncertainty import top_is_best


@dataclass(frozen=True)
class Objective:
    name: str
    direction: str  # "maximize" or "minimize", as Optuna spells them
    zh: str
    en: str
    meaning: str  # one line for policy staff
    meaning_zh: str = ""
    digits: int = 3

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"

    @property
    def sign(self) -> float:
        """+1 where larger is better."""
        return 1.0 if self.direction == "maximize" else -1.0


OBJECTIVES: dict[str, Objective] = {o.name: o for o in (
    Objective("tau_b", "maximize", "排名与真实质量一致度(τ-b)", "fidelity: Kendall's tau-b of rank vs latent quality",
              "1 = the ranking follows true quality exactly, 0 = unrelated to it",
              "1 表示排名完全按真实质量, 0 表示与质量无关"),
    Objective("top_is_best", "maximize", "第一名确为最优的概率", "chance the first-placed unit is truly best",
              "share of years in which each group's first place goes to its best unit",
              "各组第一名恰是组内真实质量最高单位的年份比例"),
    Objective("rank_shift", "minimize", "年际名次变动(名)", "year-to-year rank shift (places)",
              "how many places a unit moves between two years with nothing changed but luck",
              "单位本身不变、只因偶然因素, 两年之间名次平均变动几名", 2),
    Objective("fairness_gap", "minimize", "类别间不公平差距(百分位)", "fairness gap between kinds of unit (percentile points)",
              "largest gap in mean rank percentile between kinds of unit that quality does not explain",
              "扣除真实质量能解释的部分后, 各类单位平均名次百分位之间的最大差距", 1),
    Objective("award_gap", "minimize", "类别间获奖机会差距(百分点)", "award-chance gap between kinds of unit (points)",
              "largest gap in the chance of an award between kinds of unit that quality does not explain",
              "扣除真实质量能解释的部分后, 各类单位获奖概率之间的最大差距(百分点)", 1),
    Objective("award_concentration", "minimize", "奖项集中度(前10%单位占比)", "award concentration (share to the top tenth)",
              "share of all awards won by the tenth of units that win most; 1 = the same few every year",
              "获奖最多的十分之一单位拿走全部奖项的比例; 1 表示年年都是那几家"),
    Objective("changed_parameters", "minimize", "改动项数", "number of changes from the baseline",
              "parameters and rule components changed: fewer is easier to explain",
              "改动的参数和规则组件个数: 越少越好解释", 0),
    Objective("change_size", "minimize", "改动幅度(相对)", "size of the change (sum of relative changes)",
              "each change relative to today's value, added up (a switch or a component counts 1)",
              "每项改动相对现行数值的幅度之和(开关或组件的改动记 1)", 2),
)}

#: awards that are a criticism or a deduction, not a recognition
NEGATIVE_AWARDS = ("criticised", "deduction")

#: the fewest units a kind needs to be compared: a kind of one or two units
#: is those units' own traits, not something about the kind
MIN_KIND = 3

#: replicate groups for the jackknife SE of award concentration
_JACKKNIFE = 10


def outcome_measures(p: Panel, kinds: np.ndarray | None = None) -> dict[str, tuple[float, float]]:
    """Every objective read from a scored panel: name → (mean, SE)."""
    if p.quality is None:
        raise ValueError("design objectives need latent quality: score synthetic histories")
    groups = [(g, cols) for g, cols in p.ranking_groups() if len(cols) >= 2]
    kinds_ = p.group if kinds is None else np.asarray(kinds).astype(str)
    won = recognised(p.award)
    return {
        "tau_b": _tau_b(p, groups),
        "top_is_best": _top_is_best(p, groups),
        "rank_shift": _rank_shift(p),
        "fairness_gap": _gap(_percentile(p), p.quality, kinds_),
        "award_gap": _gap(100.0 * won, p.quality, kinds_) if won.any() else (math.nan, math.nan),
        "award_concentration": _concentration(won),
    }


def _pair(values: np.ndarray) -> tuple[float, float]:
    mean, se = mean_se(values)
    return float(mean), float(se)


def _tau_b(p: Panel, groups) -> tuple[float, float]:
    """τ-b of (−rank) against quality per group, weighted by unit pairs."""
    if not groups:
        return math.nan, math.nan
    R = p.n_replicates
    total, weight = np.zeros(R), np.zeros(R)
    for _, cols in groups:
        tau = tau_b_against(p.rank[:, cols], p.quality[cols])
        w = len(cols) * (len(cols) - 1) / 2
        ok = ~np.isnan(tau)
        total[ok] += w * tau[ok]
        weight[ok] += w
    with np.errstate(invalid="ignore"):
        return _pair(np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan))


def _top_is_best(p: Panel, groups) -> tuple[float, float]:
    if not groups:
        return math.nan, math.nan
    return _pair(np.mean([top_is_best(p, cols) for _, cols in groups], axis=0))


def _rank_shift(p: Panel) -> tuple[float, float]:
    half = p.n_replicates // 2
    return _pair(np.abs(p.rank[0:2 * half:2] - p.rank[1:2 * half:2]).mean(axis=1))


def _percentile(p: Panel) -> np.ndarray:
    """Rank as a percentile of the ranking group: 0 = first, 100 = last."""
    pct = np.full(p.rank.shape, 50.0)
    for _, cols in p.ranking_groups():
        if len(cols) > 1:
            pct[:, cols] = 100.0 * (p.rank[:, cols] - 1) / (len(cols) - 1)
    return pct


def _gap(values: np.ndarray, quality: np.ndarray, kinds: np.ndarray) -> tuple[float, float]:
    """The largest gap between kinds of unit in the mean of ``values`` (R, U)
    left after each replicate's least-squares line on quality, ± the SE of
    that difference over replicates."""
    counts = {k: int((kinds == k).sum()) for k in dict.fromkeys(kinds)}
    names = [k for k, n in counts.items() if n >= MIN_KIND]
    if len(names) < 2:  # no two kinds large enough to say anything about kinds rather than units
        return math.nan, math.nan
    q = quality - quality.mean()
    qq = float(q @ q)
    slope = values @ q / qq if qq > 0 else np.zeros(len(values))
    resid = values - values.mean(axis=1, keepdims=True) - slope[:, None] * q[None, :]  # (R, U)
    member = (kinds[:, None] == np.asarray(names)[None, :]).astype(float)  # (U, K)
    by_kind = resid @ member / member.sum(axis=0)  # (R, K): each kind's mean residual per replicate
    means = by_kind.mean(axis=0)
    hi, lo = int(np.argmax(means)), int(np.argmin(means))
    return _pair(by_kind[:, hi] - by_kind[:, lo])


def recognised(award: np.ndarray) -> np.ndarray:
    """Which cells hold a recognition (any award but a criticism or deduction
    tier), judging each award name once rather than each cell."""
    award = np.asarray(award, dtype=object)
    out = np.zeros(award.shape, dtype=bool)
    for name in set(award.ravel().tolist()):
        if name and not str(name).startswith(NEGATIVE_AWARDS):
            out |= award == name
    return out


def _concentration(won: np.ndarray) -> tuple[float, float]:
    """Share of recognised awards (``won``, R × U) to the top tenth of units,
    SE by a grouped jackknife over replicates (the share is a ratio over all
    replicates, not a mean)."""
    R, U = won.shape
    if not won.any():
        return math.nan, math.nan
    k = max(1, math.ceil(U / 10))

    def share(counts: np.ndarray) -> np.ndarray:  # (..., U) → (...)
        top = -np.sort(-counts, axis=-1)[..., :k].sum(axis=-1)
        return top / np.maximum(counts.sum(axis=-1), 1)

    total = won.sum(axis=0).astype(float)
    G = min(_JACKKNIFE, R)
    part = np.add.reduceat(won.astype(float), np.linspace(0, R, G + 1).astype(int)[:-1], axis=0)  # (G, U)
    loo = share(total[None, :] - part)
    se = math.sqrt((G - 1) / G * float(((loo - loo.mean()) ** 2).sum())) if G > 1 else math.nan
    return float(share(total)), se


def distance(candidate, baseline, spans: Mapping[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """How far ``candidate`` is from ``baseline``: the number of parameters
    and components changed, and the sum of relative changes (|new − old| /
    |old|, or over the searched range's width where the old value is 0; a
    switch, a choice or a component counts 1). Exact: SE 0."""
    count, size = 0, 0.0
    for path, param in candidate.parameters.leaves.items():
        old = baseline.parameters[path] if path in baseline.parameters else None
        new = param.value
        if old is None or new == old:
            continue
        count += 1
        size += _relative(new, old, (spans or {}).get(path))
    added = set(candidate.component_names) ^ set(baseline.component_names)
    count += len(added)
    size += len(added)
    return {"changed_parameters": (float(count), 0.0), "change_size": (float(size), 0.0)}


def _relative(new: Any, old: Any, span: float | None) -> float:
    if isinstance(new, bool) or isinstance(old, bool) or not isinstance(new, (int, float)) \
            or not isinstance(old, (int, float)):
        return 1.0
    if old != 0:
        return abs(new - old) / abs(old)
    return abs(new - old) / span if span else 1.0


def award_counts(p: Panel) -> dict[str, float]:
    """Mean number of units holding each award in a replicate year."""
    return {a: float((p.award == a).sum(axis=1).mean()) for a in p.award_names()}
