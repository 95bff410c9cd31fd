"""The report's section on strategic response: what each rule induces."""

from __future__ import annotations

import html
from typing import Mapping

import pandas as pd

from ..plots.charts import figure_png_bytes
from ..plots.response import response_chart
from ..response import answers

INTRO = ("假定各单位会根据规则调整投入(多报、做调研、精编、均衡报送、直报，或够数即停)，求出各单位互为最优应对的近似均衡，"
         "并与行为不变时比较。",
         "Units choose how to spend extra effort (more items, research, polishing, even months, direct reports, or "
         "stopping at a quota or cap) as best responses to each other, to an approximate equilibrium, compared with "
         "the same rule when behaviour stays fixed.")


def response_section(equilibria: Mapping) -> str:
    """HTML: the side-by-side table, then per comparison its chart and who games."""
    import base64

    e = html.escape
    parts = [f"<h2 id='response'>单位会如何应对 <span class='en'>What units will do</span></h2>",
             f"<p class='note'>{e(INTRO[0])}<span class='en'> {e(INTRO[1])}</span></p>",
             _table(answers.compare(equilibria))]
    for name, eq in equilibria.items():
        png = base64.b64encode(figure_png_bytes(response_chart(eq, title=f"{name}"))).decode("ascii")
        parts.append(f"<h3>{e(name)}</h3><p class='note'>ε = {eq.eps:.3f}:任一单位改变策略最多还能提高的收益 "
                     f"<span class='en'>the largest payoff gain any unit could still make "
                     f"({'converged' if eq.converged else 'not converged'}; payoff: {e(eq.payoff.describe())})"
                     f"</span></p>")
        parts.append(f"<figure><img alt='{e(name)}' src='data:image/png;base64,{png}'></figure>")
        games = answers.who_games(eq, top=5)
        labels = {k: f"{zh} {en}" for k, (zh, en) in games.attrs["labels"].items()}
        parts.append(_table(games.drop(columns=["unit_id"]).rename(columns=labels)))
    return "\n".join(parts)


def _table(frame: pd.DataFrame) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r) + "</tr>" for r in frame.itertuples(index=False))
    return f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
