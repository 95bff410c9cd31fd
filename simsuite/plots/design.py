"""The chart of a rule design search: every candidate on two objectives,
the Pareto front highlighted and today's rule marked."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..design.objectives import OBJECTIVES
from .charts import MUTED, _figure_and_axes, _require_columns

FRONT, BASELINE = "#2a7ab0", "#d1495b"


def design_front_chart(trials: pd.DataFrame, front: pd.DataFrame, baseline: dict[str, tuple[float, float]],
                       x: str, y: str, ax: Axes | None = None) -> Figure:
    """Candidates on objectives ``x`` and ``y`` (means with ±1 SE bars on
    the front), infeasible ones hollow, the front joined in order of ``x``,
    the baseline a red star. Axis labels say which way is better."""
    for name in (x, y):
        if name not in OBJECTIVES:
            raise ValueError(f"no objective {name!r}; objectives: {sorted(OBJECTIVES)}")
    _require_columns(trials, ["feasible", x, y], "trials")
    figure, ax = _figure_and_axes(ax, (7.0, 4.8))
    ok = trials[trials["feasible"]]
    ax.scatter(ok[x], ok[y], s=14, color=MUTED, label="候选方案 candidates", zorder=1)
    bad = trials[~trials["feasible"]]
    if len(bad):
        ax.scatter(bad[x], bad[y], s=14, facecolors="none", edgecolors=MUTED,
                   label="不满足约束 breaks a constraint", zorder=1)
    if len(front):
        f = front.sort_values(x)
        ax.errorbar(f[x], f[y], xerr=f.get(f"{x}_se"), yerr=f.get(f"{y}_se"), fmt="o", color=FRONT, ms=5,
                    elinewidth=0.8, capsize=2, label="最优权衡 Pareto front", zorder=3)
        for _, row in f.iterrows():
            ax.annotate(str(int(row["number"])), (row[x], row[y]), textcoords="offset points", xytext=(4, 4),
                        fontsize=7, color=FRONT)
    ax.scatter([baseline[x][0]], [baseline[y][0]], marker="*", s=180, color=BASELINE,
               label="现行规则 baseline", zorder=4)
    for name, setter in ((x, ax.set_xlabel), (y, ax.set_ylabel)):
        o = OBJECTIVES[name]
        better = "越大越好 higher is better" if o.sign > 0 else "越小越好 lower is better"
        setter(f"{o.zh}\n{o.en} ({better})", fontsize=8.5)
    ax.set_title("规则设计的最优权衡 The best trade-offs between rule designs", fontsize=10)
    ax.legend(fontsize=7.5, loc="best")
    ax.grid(alpha=0.3)
    return figure
