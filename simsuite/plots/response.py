"""Charts of what a rule induces: items a month (bunching at a quota or a
stop) and where units put their effort, under response and fixed behaviour."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..response import answers
from ..response.strategy import cap_items, monthly_quota
from .charts import footnote

FIXED, RESPONSE = "#9aa5b1", "#c8553d"


def response_chart(eq, title: str | None = None) -> Figure:
    """Two panels: the share of unit-months with each number of items, fixed
    behaviour against response (the rulebook's quota marked) — or, where the
    rulebook caps per-item points a year, of unit-years, the cap's item count
    marked — and the mean share of the effort budget units spend on each action."""
    yearly = cap_items(eq.rulebook) is not None
    hist = answers.year_histogram(eq) if yearly else answers.month_histogram(eq, most=20)
    shares = answers.effort_shares(eq)
    figure = Figure(figsize=(10, 4), layout="constrained")
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    x = hist.iloc[:, 0].to_numpy()
    left.bar(x - 0.2, hist["share_fixed"], 0.4, color=FIXED, label="行为不变 fixed behaviour")
    left.bar(x + 0.2, hist["share_response"], 0.4, color=RESPONSE, label="策略应对 response")
    if yearly:
        cap = cap_items(eq.rulebook)
        marks = [(cap, f"封顶 cap: {cap} 条 items")]
    else:
        quota = monthly_quota(eq.rulebook, eq.units)
        marks = [] if quota is None else [(q, f"月度任务 quota {q}") for q in sorted(set(quota.tolist()))]
    for at, text in marks:
        left.axvline(at, color="#333333", linestyle="--", linewidth=1)
        left.annotate(text, (at, left.get_ylim()[1] * 0.95), xytext=(3, 0), textcoords="offset points", fontsize=8)
    most = int(x[-1])
    left.set_xlabel(f"单位全年报送条数 items a unit files in the year ({most} = {most} or more)" if yearly else
                    f"单位当月报送条数 items a unit files in a month ({most} = {most} or more)")
    left.set_ylabel("单位·年占比 share of unit-years" if yearly else "单位·月占比 share of unit-months")
    left.legend(frameon=False, fontsize=8)
    y = np.arange(len(shares))
    right.barh(y, shares["share"], color=RESPONSE)
    right.set_yticks(y, [f"{zh}\n{en}" for zh, en in zip(shares["zh"], shares["en"])], fontsize=8)
    right.invert_yaxis()
    right.set_xlim(0, 1)
    right.set_xlabel("平均努力占比 mean share of the effort budget")
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    figure.suptitle(title or f"{eq.rulebook.name}:单位会如何应对 what units will do")
    return footnote(figure, f"均衡近似误差 ε = {eq.eps:.3f}(任一单位改变策略最多还能提高的收益)"
                            f"; the largest payoff gain any unit could still make; "
                            f"{'converged' if eq.converged else 'not converged'}. 单位特质为模拟 simulated units.")
