"""The explorer's two live charts, written as inline SVG.

A change must redraw within a quarter of a second. matplotlib spends about
0.2 s on each chart of 60 labelled units (text layout and rasterising), so
the explorer writes the SVG itself — a few hundred elements, in
milliseconds — and leaves the text to the browser, which draws Chinese with
its own CJK font. The report and the notebooks draw the same charts with
matplotlib (:func:`simsuite.plots.rank_shift_chart`,
:func:`simsuite.plots.rank_intervals`), with the same colours and the same
rule for which moves stand out.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from ..plots.charts import IMPROVED, MUTED, PALETTE, WORSENED, mover_threshold, spread_labels

FONT = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei','Simsuite Sans CJK SC',sans-serif"
ROW = 15  # pixels per rank
WIDTH = 640


def rank_shift_svg(units: pd.DataFrame, *, label: str = "name", before: str = "rank_base",
                   after: str = "rank_variant", group: str = "group", names: tuple[str, str] = ("基准", "变体"),
                   group_names: dict[str, str] | None = None) -> str:
    """Slope chart, one panel per group, each on its own rank axis: each
    unit's mean rank under the baseline (left) and the variant (right);
    movers (a tenth of the group, at least one place: see
    :func:`~simsuite.plots.charts.mover_threshold`) in blue (up) or red
    (down), the rest grey. Panels are headed by the group's name."""
    groups = list(dict.fromkeys(units[group].astype(str))) if group in units else [""]
    parts, y0 = [], 0
    for g in groups:
        part = units[units[group].astype(str) == g] if g else units
        svg, height = _slope_panel(part, label, before, after, names, _group_title(g, group_names)
                                   if len(groups) > 1 else "", y0)
        parts.append(svg)
        y0 += height
    return _svg(WIDTH, y0, "".join(parts), "simsuite-svg-shift")


def _group_title(group: str, group_names: dict[str, str] | None) -> str:
    name = (group_names or {}).get(group)
    return f"{name} (group {group})" if name else f"第 {group} 组 group {group}"


def rank_intervals_svg(distribution: pd.DataFrame, *, label: str = "name", median: str = "median_rank",
                       low: str = "rank_p5", high: str = "rank_p95", by: str = "comparison", group: str = "group",
                       group_names: dict[str, str] | None = None) -> str:
    """Each unit's 5–95 % rank interval with a dot at the median, one row per
    unit (sorted by the first series' median), the series side by side; one
    panel per group, each on its own rank axis (ranks of different groups
    are not on one scale)."""
    series = list(dict.fromkeys(distribution[by].astype(str)))
    groups = list(dict.fromkeys(distribution[group].astype(str))) if group in distribution else [""]
    parts, y0 = [], 0
    for g in groups:
        part = distribution[distribution[group].astype(str) == g] if g else distribution
        svg, height = _intervals_panel(part, series, label, median, low, high, by,
                                       _group_title(g, group_names) if len(groups) > 1 else "", y0)
        parts.append(svg)
        y0 += height
    return _svg(WIDTH, y0, "".join(parts), "simsuite-svg-intervals")


def _intervals_panel(distribution: pd.DataFrame, series: list[str], label, median, low, high, by,
                     title: str, y0: int) -> tuple[str, int]:
    first = distribution[distribution[by].astype(str) == series[0]].set_index(label)[median]
    order = first.sort_values(kind="stable").index.tolist()
    row = {u: i for i, u in enumerate(order)}
    top, left, right = y0 + (52 if title else 34), 190, WIDTH - 20
    worst = float(distribution[high].max())
    x = lambda r: left + (np.asarray(r, float) - 1) / max(worst - 1, 1) * (right - left)  # noqa: E731
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    offsets = np.linspace(-3.5, 3.5, len(series)) if len(series) > 1 else [0.0]
    body = []
    if title:
        body.append(f"<text x='{WIDTH / 2}' y='{y0 + 16}' font-size='12' text-anchor='middle' "
                    f"fill='#222'>{escape(title)}</text>")
    body.append(_legend([(s, colours[s]) for s in series], left, top - 20))
    for tick in _ticks(worst):
        body.append(f"<line x1='{x(tick):.1f}' x2='{x(tick):.1f}' y1='{top - 6}' y2='{top + ROW * len(order)}' "
                    f"stroke='#e6e6e6'/><text x='{x(tick):.1f}' y='{top - 9}' font-size='10' fill='#666' "
                    f"text-anchor='middle'>{tick}</text>")
    for u in order:
        body.append(f"<text x='{left - 8}' y='{top + ROW * row[u] + 4}' font-size='11' text-anchor='end' "
                    f"fill='#333'>{escape(str(u))}</text>")
    for offset, s in zip(offsets, series):
        part = distribution[distribution[by].astype(str) == s]
        ys = np.array([top + ROW * row[u] for u in part[label]]) + offset
        for u, y, lo, hi, mid in zip(part[label], ys, x(part[low]), x(part[high]), x(part[median])):
            body.append(f"<g data-unit='{escape(str(u))}' data-series='{escape(s)}'>"
                        f"<line x1='{lo:.1f}' x2='{hi:.1f}' y1='{y:.1f}' y2='{y:.1f}' stroke='{colours[s]}' "
                        f"stroke-width='2.2' opacity='0.8'/><circle cx='{mid:.1f}' cy='{y:.1f}' r='3' "
                        f"fill='{colours[s]}' stroke='white' stroke-width='0.6'/></g>")
    return "".join(body), top + ROW * len(order) + 10 - y0


def _slope_panel(units: pd.DataFrame, label, before, after, names, title: str, y0: int) -> tuple[str, int]:
    b = units[before].to_numpy(float)
    a = units[after].to_numpy(float)
    shift = a - b
    notable = np.abs(shift) >= mover_threshold(len(units))
    colour = np.where(~notable, MUTED, np.where(shift < 0, IMPROVED, WORSENED))
    top = y0 + (44 if title else 30)
    best = min(b.min(), a.min())
    y = lambda r: top + (np.asarray(r, float) - best) * ROW  # noqa: E731
    x_left, x_right = 250, WIDTH - 250
    body = []
    if title:
        body.append(f"<text x='{WIDTH / 2}' y='{y0 + 16}' font-size='12' text-anchor='middle' "
                    f"fill='#222'>{escape(title)}</text>")
    body.append(f"<text x='{x_left}' y='{top - 12}' font-size='12' text-anchor='middle'>{escape(names[0])}</text>"
                f"<text x='{x_right}' y='{top - 12}' font-size='12' text-anchor='middle'>{escape(names[1])}</text>")
    left_y = y(best + spread_labels(b - best, 1.0))
    right_y = y(best + spread_labels(a - best, 1.0))
    for i in np.argsort(notable, kind="stable"):  # grey first, so the moves are drawn on top
        name = escape(str(units[label].iloc[i]))
        width = 2 if notable[i] else 1
        text = "#222" if notable[i] else "#777"
        body.append(
            f"<g data-unit='{name}'><line x1='{x_left}' y1='{y(b[i]):.1f}' x2='{x_right}' y2='{y(a[i]):.1f}' "
            f"stroke='{colour[i]}' stroke-width='{width}'/>"
            f"<circle cx='{x_left}' cy='{y(b[i]):.1f}' r='2.5' fill='{colour[i]}'/>"
            f"<circle cx='{x_right}' cy='{y(a[i]):.1f}' r='2.5' fill='{colour[i]}'/>"
            f"<text x='{x_left - 8}' y='{left_y[i] + 4:.1f}' font-size='11' text-anchor='end' fill='{text}'>"
            f"{name} {_rank(b[i])}</text>"
            f"<text x='{x_right + 8}' y='{right_y[i] + 4:.1f}' font-size='11' fill='{text}'>{_rank(a[i])} {name}</text>"
            f"</g>")
    bottom = max(left_y.max(), right_y.max()) + ROW
    return "".join(body), int(bottom - y0 + 10)


def _legend(entries, x: float, y: float) -> str:
    out = []
    for name, colour in entries:
        out.append(f"<circle cx='{x:.0f}' cy='{y - 4}' r='4' fill='{colour}'/><text x='{x + 8:.0f}' y='{y}' "
                   f"font-size='11'>{escape(name)}</text>")
        x += 16 + 12 * len(name)
    return "".join(out)


def _ticks(worst: float) -> list[int]:
    step = 1 if worst <= 12 else 5 if worst <= 60 else 10
    return [1] + list(range(step, int(worst) + 1, step))[1 if step == 1 else 0:]


def _rank(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _svg(width: int, height: float, body: str, css: str) -> str:
    return (f"<svg class='{css}' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height:.0f}' "
            f"viewBox='0 0 {width} {height:.0f}' style='font-family:{FONT}; max-width:100%'>{body}</svg>")
