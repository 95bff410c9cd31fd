"""Charts of rankings, score sources, sensitivities and rulebook comparisons.

Every chart takes a tidy DataFrame with named columns and returns the
matplotlib Figure, built with the object-oriented API on a plain
``matplotlib.figure.Figure`` (no pyplot state, no GUI backend), so reports
and servers can draw them in threads. Charts that fit in one Axes take
``ax=`` to draw into a figure of the caller's. Titles and axis labels are
short and bilingual (名次 rank) for policy staff; unit names are Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simsuite.params import suggest
from simsuite.rules.registry import source_labels

PNG_DPI = 110


def mover_threshold(n_units: int) -> int:
    """Places a unit must move, on average, to count as a mover: a tenth of
    its group, at least one place (1 in a group of 6, 2 in 15, 6 in 51)."""
    return max(1, -(-int(n_units) // 10))

# Chinese and English names of the score sources of the score breakdown.
COMPONENT_NAMES = source_labels()
COMPONENT_COLOURS = {
    "from_volume": "#4C72B0",
    "from_adoption": "#55A868",
    "from_instruction": "#DD8452",
    "from_conduct": "#C44E52",
}

# A palette readable on white and distinct for up to ten groups or series.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
MUTED = "#c8c8c8"
IMPROVED, WORSENED = "#2a7ab0", "#d1495b"


# --------------------------------------------------------------------------- checks and layout


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                f"{what} has no column {column!r}{suggest(column, list(map(str, frame.columns)))}; "
                f"it has {list(frame.columns)}"
            )
    if frame.empty:
        raise ValueError(f"{what} has no rows")


def _numeric(frame: pd.DataFrame, column: str, what: str, *, allow_missing: bool = False) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & (frame[column].notna().to_numpy() if allow_missing else True)
    if bad.any():
        rows = frame.index[bad][:5].tolist()
        raise ValueError(f"{what}: column {column!r} must be numbers; rows {rows} are not")
    return values


def _no_duplicates(frame: pd.DataFrame, keys: Sequence[str], what: str) -> None:
    duplicated = frame.duplicated(list(keys), keep=False)
    if duplicated.any():
        example = frame.loc[duplicated, list(keys)].iloc[0].tolist()
        raise ValueError(f"{what} has more than one row for {dict(zip(keys, example))}; expected one per {list(keys)}")


def _figure_and_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes, not {type(ax).__name__}")
        return ax.figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _unit_chart_height(n_units: int) -> float:
    """Inches that keep 10 to 60 unit names legible at the report's size."""
    return float(np.clip(1.3 + 0.27 * n_units, 3.0, 18.0))


def group_title(group: str, group_names: dict | None) -> str:
    """A panel's heading: the group's name where the rulebook gives one, never a bare id."""
    name = (group_names or {}).get(str(group))
    return name if name else f"组 group {group}"


def _parts(frame: pd.DataFrame, group: str | None) -> list[tuple[str, pd.DataFrame]]:
    """The frame cut by ``group`` in first-seen order; [] when there is one group or none."""
    if group is None or group not in frame.columns:
        return []
    labels = frame[group].astype(str)
    groups = list(dict.fromkeys(labels))
    return [(g, frame[(labels == g).to_numpy()]) for g in groups] if len(groups) > 1 else []


def _panels(heights: list[float], width: float) -> tuple[Figure, list[Axes]]:
    """One panel per group, stacked, each as tall as its units need."""
    figure = Figure(figsize=(width, sum(heights) + 0.4), layout="constrained")
    axes = figure.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False).ravel()
    return figure, list(axes)


def _colours_for(values: Sequence) -> dict:
    levels = list(dict.fromkeys(values))
    return {level: PALETTE[i % len(PALETTE)] for i, level in enumerate(levels)}


def _plain_axes(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def spread_labels(positions: np.ndarray, gap: float) -> np.ndarray:
    """Positions moved down (increasing) as little as possible to be ≥ gap apart.

    Sorted positions y get y'_i = max(y_i, y'_{i-1} + gap), which is
    gap·i + running max of (y_i − gap·i): one vectorised pass.
    """
    order = np.argsort(positions, kind="stable")
    steps = gap * np.arange(len(positions))
    spread_sorted = steps + np.maximum.accumulate(positions[order] - steps)
    spread = np.empty_like(positions, dtype=float)
    spread[order] = spread_sorted
    return spread


# --------------------------------------------------------------------------- rank shift


def rank_shift_chart(
    units: pd.DataFrame,
    ax: Axes | None = None,
    *,
    label: str = "name",
    before: str = "rank_base",
    after: str = "rank_variant",
    group: str = "group",
    names: tuple[str, str] = ("基准", "变体"),
    group_names: dict | None = None,
    threshold: float | None = None,
    title: str | None = None,
) -> Figure:
    """Slope chart: each unit's rank under one rulebook (left) and another (right).

    Shows at a glance who gains and who loses from a rule change. Rank 1 is
    at the top; units moving by ``threshold`` places or more are coloured
    (blue up, red down), the rest grey. The default threshold suits each
    group's size (:func:`mover_threshold`: a tenth of the group, at least
    one place). Each label is tied to its line's end by a thin leader, so
    labels pushed apart by ties still point at their line. Units ranked in
    separate groups get one panel per group, headed by the group's name
    (``group_names``: id → name); given ``ax``, everything is drawn into
    it, coloured by group.
    """
    _require_columns(units, [label, before, after], "units")
    if len(names) != 2:
        raise ValueError(f"names must be two labels (before, after), got {names!r}")
    _no_duplicates(units, [label], "units")
    for column in (before, after):
        if (_numeric(units, column, "units") < 1).any():
            raise ValueError(f"units: ranks in {before!r} and {after!r} start at 1")
    heading = title or f"名次变化 rank shift（{names[0]} → {names[1]}）"
    parts = _parts(units, group)
    if ax is not None or not parts:
        figure, ax = _figure_and_axes(ax, (7.0, _unit_chart_height(len(units))))
        grouped = group if group in units.columns and units[group].nunique() > 1 else None
        _draw_slope(ax, units, label, before, after, grouped, names, threshold)
        ax.set_title(heading, fontsize=12)
        return figure
    figure, axes = _panels([_unit_chart_height(len(part)) for _, part in parts], 7.0)
    for axis, (g, part) in zip(axes, parts):
        _draw_slope(axis, part, label, before, after, None, names, threshold)
        axis.set_title(group_title(g, group_names), fontsize=11)
    figure.suptitle(heading, fontsize=12)
    return figure


def _rank_text(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _draw_slope(ax: Axes, units: pd.DataFrame, label: str, before: str, after: str, group: str | None,
                names: tuple[str, str], threshold: float | None = None) -> None:
    rank_before = _numeric(units, before, "units")
    rank_after = _numeric(units, after, "units")
    unit_names = units[label].astype(str).to_numpy()
    shift = rank_after - rank_before
    if threshold is None:
        threshold = mover_threshold(len(units))
    notable = np.abs(shift) >= threshold - 1e-9
    if group is not None:
        group_values = units[group].astype(str).to_numpy()
        group_colour = _colours_for(sorted(set(group_values)))
        colours = np.array([group_colour[g] for g in group_values], dtype=object)
    else:
        colours = np.where(shift < 0, IMPROVED, WORSENED).astype(object)
    colours[~notable] = MUTED

    # Grey lines first so that the notable ones are drawn over them.
    for i in np.argsort(notable, kind="stable"):
        ax.add_line(
            Line2D(
                [0.0, 1.0],
                [rank_before[i], rank_after[i]],
                color=colours[i],
                linewidth=2.0 if notable[i] else 1.0,
                marker="o",
                markersize=4 if notable[i] else 3,
                gid=f"unit:{unit_names[i]}",
                zorder=3 if notable[i] else 2,
            )
        )

    gap = 0.9  # one rank apart is the tightest legible spacing at the chosen height
    # tied ends are spread in the order of the other end, so leaders do not cross
    left_y = spread_labels(rank_before + 1e-6 * rank_after, gap)
    right_y = spread_labels(rank_after + 1e-6 * rank_before, gap)
    for i in range(len(units)):
        text_colour = "#222222" if notable[i] else "#666666"
        leader = colours[i] if notable[i] else "#aaaaaa"
        for x_end, x_text, y_end, y_text, text, ha, side in (
            (0.0, -0.05, rank_before[i], left_y[i], f"{unit_names[i]} {_rank_text(rank_before[i])}", "right", "left"),
            (1.0, 1.05, rank_after[i], right_y[i], f"{_rank_text(rank_after[i])} {unit_names[i]}", "left", "right"),
        ):
            ax.add_line(Line2D([x_end, x_text], [y_end, y_text], color=leader, linewidth=0.6, zorder=1,
                               gid=f"leader-{side}:{unit_names[i]}"))
            ax.text(x_text + (-0.01 if ha == "right" else 0.01), y_text, text, ha=ha, va="center", fontsize=8.5,
                    color=text_colour, gid=f"label-{side}:{unit_names[i]}")

    lowest = max(left_y.max(), right_y.max(), rank_before.max(), rank_after.max())
    ax.set_ylim(lowest + 0.7, min(rank_before.min(), rank_after.min()) - 0.7)
    ax.set_xlim(-0.8, 1.8)
    ax.set_xticks([0.0, 1.0], [names[0], names[1]], fontsize=11)
    ax.xaxis.tick_top()  # column headings above, legend below
    ax.tick_params(axis="x", length=0)
    ax.set_yticks([])
    ax.spines[["top", "right", "left", "bottom"]].set_visible(False)

    limit = _rank_text(threshold)
    quiet = f"变动 <{limit} 名 moved <{limit}"
    handles = [Line2D([], [], color=MUTED, linewidth=1.0, label=quiet)]
    if group is not None:
        shown = sorted(set(group_values[notable]))
        handles = [Line2D([], [], color=group_colour[g], linewidth=2.0, label=g) for g in shown] + handles
    else:
        handles = [
            Line2D([], [], color=IMPROVED, linewidth=2.0, label=f"上升 ≥{limit} 名 up"),
            Line2D([], [], color=WORSENED, linewidth=2.0, label=f"下降 ≥{limit} 名 down"),
        ] + handles
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=min(len(handles), 4),
              frameon=False, fontsize=8.5)  # fmt: skip


# --------------------------------------------------------------------------- rank probabilities


def rank_heatmap(
    probabilities: pd.DataFrame,
    ax: Axes | None = None,
    *,
    label: str = "name",
    rank: str = "rank",
    probability: str = "probability",
    group: str | None = "group",
    group_names: dict | None = None,
    title: str | None = None,
) -> Figure:
    """Heatmap of how likely each unit is to finish at each rank.

    Units are ordered by expected rank, so a clear ranking shows as a dark
    diagonal and a lottery as a smear. Units ranked in different groups get
    a panel each, whose columns run over that group's ranks only.
    """
    _require_columns(probabilities, [label, rank, probability], "probabilities")
    _no_duplicates(probabilities, [label, rank], "probabilities")
    chance = _numeric(probabilities, probability, "probabilities")
    if ((chance < 0) | (chance > 1)).any():
        raise ValueError(f"probabilities: column {probability!r} must lie between 0 and 1")
    ranks = _numeric(probabilities, rank, "probabilities")
    tidy = pd.DataFrame({"unit": probabilities[label].astype(str).to_numpy(), "rank": ranks, "p": chance,
                         "group": probabilities[group].astype(str).to_numpy()
                         if group in probabilities.columns else ""})
    grids = [(g, _rank_grid(part)) for g, part in (_parts(tidy, "group") if ax is None else [])]
    heading = title or "名次概率 rank probability"
    vmax = float(tidy["p"].max()) or 1.0
    if not grids:
        grid = _rank_grid(tidy)
        figure, ax = _figure_and_axes(ax, (max(5.5, 2.8 + 0.32 * grid.shape[1]), _unit_chart_height(len(grid))))
        image = _draw_heatmap(ax, grid, vmax)
        ax.set_title(heading, fontsize=12)
        axes = [ax]
    else:
        width = max(5.5, 2.8 + 0.32 * max(g.shape[1] for _, g in grids))
        figure, axes = _panels([_unit_chart_height(len(g)) for _, g in grids], width)
        for axis, (g, grid) in zip(axes, grids):
            image = _draw_heatmap(axis, grid, vmax)
            axis.set_title(group_title(g, group_names), fontsize=11)
        figure.suptitle(heading, fontsize=12)
    colourbar = figure.colorbar(image, ax=axes, shrink=0.8 if len(axes) == 1 else 0.5)
    colourbar.set_label("概率 probability")
    colourbar.outline.set_visible(False)
    return figure


def _rank_grid(tidy: pd.DataFrame) -> pd.DataFrame:
    """Units × ranks, ordered by expected rank; only the ranks the units can take."""
    grid = tidy.pivot(index="unit", columns="rank", values="p").fillna(0.0)
    weights = grid.to_numpy()
    totals = weights.sum(axis=1)
    if (totals <= 0).any():
        empty = grid.index[totals <= 0].tolist()
        raise ValueError(f"probabilities: units {empty} have no probability on any rank")
    expected = weights @ grid.columns.to_numpy(dtype=float) / totals
    used = grid.columns[(weights > 0).any(axis=0)]
    grid = grid.loc[:, [r for r in grid.columns if r <= used.max()]]
    order = np.argsort(expected, kind="stable")
    grid = grid.iloc[order]
    grid.attrs["expected"] = expected[order]
    return grid


def _draw_heatmap(ax: Axes, grid: pd.DataFrame, vmax: float):
    expected = grid.attrs["expected"]
    n_units, n_ranks = grid.shape
    image = ax.imshow(grid.to_numpy(), cmap="Blues", vmin=0.0, vmax=vmax, aspect="auto",
                      interpolation="nearest")  # fmt: skip
    rank_labels = [f"{value:g}" for value in grid.columns]
    step = max(1, n_ranks // 20)
    ax.set_xticks(np.arange(0, n_ranks, step), rank_labels[::step])
    ax.set_yticks(np.arange(n_units), [f"{unit}（{e:.1f}）" for unit, e in zip(grid.index, expected)], fontsize=8.5)
    ax.set_xlabel("名次 rank")
    ax.set_ylabel("单位（期望名次）unit (expected rank)")
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    if n_units <= 15 and n_ranks <= 15:
        values = grid.to_numpy()
        dark = values > 0.6 * vmax
        for (row, column), value in np.ndenumerate(values):
            if value >= 0.005:
                ax.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize=7.5,
                        color="white" if dark[row, column] else "#333333")  # fmt: skip
    return image


# --------------------------------------------------------------------------- score sources


def score_breakdown(
    sources: pd.DataFrame,
    ax: Axes | None = None,
    *,
    label: str = "name",
    components: Sequence[str] | None = None,
    group: str | None = "group",
    group_names: dict | None = None,
    title: str | None = None,
) -> Figure:
    """Stacked bars of where each unit's points come from, on average.

    Volume, adoption, instruction and conduct points stack to the right of
    zero; penalties stack to the left; a dot marks the net total. Rows are
    averaged per unit, so replicate rows may be passed as they are. Units of
    different groups get a panel each (on one shared points scale), since a
    unit is only ranked against its own group.
    """
    _require_columns(sources, [label], "sources")
    if components is None:
        components = [column for column in sources.columns if str(column).startswith("from_")]
        if not components:
            raise ValueError(f"sources has no 'from_…' columns to stack; it has {list(sources.columns)}")
    components = list(components)
    _require_columns(sources, components, "sources")
    for component in components:
        _numeric(sources, component, "sources")
    heading = title or "得分来源 score by source"
    parts = _parts(sources, group) if ax is None else []
    if not parts:
        figure, ax = _figure_and_axes(ax, (7.5, _unit_chart_height(sources[label].nunique())))
        _draw_breakdown(ax, sources, label, components)
        ax.set_title(heading, fontsize=12, pad=24)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(len(components) + 1, 5), frameon=False,
                  fontsize=8.5)  # fmt: skip
        return figure
    figure, axes = _panels([_unit_chart_height(part[label].nunique()) for _, part in parts], 7.5)
    for axis, (g, part) in zip(axes, parts):
        _draw_breakdown(axis, part, label, components)
        axis.set_title(group_title(g, group_names), fontsize=11)
    left = min(a.get_xlim()[0] for a in axes)
    right = max(a.get_xlim()[1] for a in axes)
    for axis in axes:  # one points scale for every group
        axis.set_xlim(left, right)
    figure.suptitle(heading, fontsize=12)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=min(len(components) + 1, 5), frameon=False,
                  fontsize=8.5)  # fmt: skip
    return figure


def _draw_breakdown(ax: Axes, sources: pd.DataFrame, label: str, components: list[str]) -> None:
    means = sources.groupby(sources[label].astype(str), sort=False)[components].mean()
    total = means.sum(axis=1)
    means = means.loc[total.sort_values(ascending=False, kind="stable").index]
    total = total.loc[means.index]

    values = means.to_numpy(dtype=float)
    positive = np.clip(values, 0.0, None)
    negative = np.clip(values, None, 0.0)
    positive_left = np.cumsum(positive, axis=1) - positive
    negative_left = np.cumsum(negative, axis=1) - negative

    n_units = len(means)
    y = np.arange(n_units)
    spare = iter(colour for colour in PALETTE if colour not in COMPONENT_COLOURS.values())
    for k, component in enumerate(components):
        colour = COMPONENT_COLOURS.get(component) or next(spare, MUTED)
        name = COMPONENT_NAMES.get(component, component)
        ax.barh(y, positive[:, k], left=positive_left[:, k], height=0.7, color=colour, label=name)
        if (negative[:, k] < 0).any():
            ax.barh(y, negative[:, k], left=negative_left[:, k], height=0.7, color=colour)
    ax.scatter(total.to_numpy(), y, s=14, color="black", zorder=3, label="合计 total")
    ax.axvline(0.0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, means.index, fontsize=8.5)
    ax.set_ylim(n_units - 0.4, -0.6)  # every bar whole, the first at the top
    low = min(0.0, float(negative.sum(axis=1).min()), float(total.min()))
    high = max(0.0, float(positive.sum(axis=1).max()), float(total.max()))
    pad = 0.04 * ((high - low) or 1.0)
    ax.set_xlim(low - pad, high + pad)  # the longest bar and its dot whole
    ax.set_xlabel("平均得分 mean points")
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    _plain_axes(ax)


# --------------------------------------------------------------------------- rank intervals


def footnote(figure: Figure, text: str) -> Figure:
    """A small line under the chart (for example, that the units' traits are
    simulated), kept when the figure is saved with a tight bounding box."""
    figure.text(0.01, -0.01, text, ha="left", va="top", fontsize=7.5, color="#555555", wrap=True)
    return figure


def rank_intervals(
    distribution: pd.DataFrame,
    ax: Axes | None = None,
    *,
    label: str = "name",
    median: str = "median_rank",
    low: str = "rank_p5",
    high: str = "rank_p95",
    by: str | None = None,
    group: str | None = "group",
    group_names: dict | None = None,
    title: str | None = None,
) -> Figure:
    """Each unit's likely ranks: a 5–95 % interval with a dot at the median.

    Long bars say the rulebook cannot tell the unit from its neighbours.
    With ``by`` (for example "comparison") the intervals of each value are
    drawn side by side, slightly offset, to compare rulebooks unit by unit.
    Units ranked in different groups (``group``) get a panel and a rank
    axis each, headed by the group's name: two units are never both shown
    at "rank 1" on one axis.
    """
    columns = [label, median, low, high] + ([by] if by is not None else [])
    _require_columns(distribution, columns, "distribution")
    if by is None and distribution.duplicated(label).any():
        others = [c for c in distribution.columns if c not in (label, median, low, high)]
        raise ValueError(
            f"distribution has several rows per {label!r}; pass by= the column that tells them apart"
            + (f" (one of {others})" if others else "")
        )
    _no_duplicates(distribution, [label] + ([by] if by is not None else []), "distribution")
    medians = _numeric(distribution, median, "distribution")
    lows = _numeric(distribution, low, "distribution")
    highs = _numeric(distribution, high, "distribution")
    if ((lows > medians) | (medians > highs)).any():
        raise ValueError(f"distribution: expected {low!r} ≤ {median!r} ≤ {high!r} on every row")

    tidy = pd.DataFrame({
        "unit": distribution[label].astype(str).to_numpy(),
        "series": distribution[by].astype(str).to_numpy() if by is not None else "",
        "median": medians,
        "low": lows,
        "high": highs,
        "group": distribution[group].astype(str).to_numpy() if group in distribution.columns else "",
    })  # fmt: skip
    heading = title or "名次区间 rank intervals"
    n_series = tidy["series"].nunique()
    parts = _parts(tidy, "group") if ax is None else []
    if not parts:
        figure, ax = _figure_and_axes(ax, (7.0, _unit_chart_height(tidy["unit"].nunique())
                                           * (1.0 + 0.2 * (n_series - 1))))
        _draw_intervals(ax, tidy, by is not None)
        ax.set_title(heading, fontsize=12, pad=24 if by is not None else 6)
        return figure
    heights = [_unit_chart_height(part["unit"].nunique()) * (1.0 + 0.2 * (n_series - 1)) for _, part in parts]
    figure, axes = _panels(heights, 7.0)
    for k, (axis, (g, part)) in enumerate(zip(axes, parts)):
        _draw_intervals(axis, part, by is not None and k == 0)
        axis.set_title(group_title(g, group_names), fontsize=11, pad=24 if by is not None and k == 0 else 6)
    figure.suptitle(heading, fontsize=12)
    return figure


def _draw_intervals(ax: Axes, tidy: pd.DataFrame, legend: bool) -> None:
    series = list(dict.fromkeys(tidy["series"]))
    # Order units by their median under the first series, then by the mean of the others.
    first = tidy[tidy["series"] == series[0]].set_index("unit")["median"]
    overall = tidy.groupby("unit", sort=False)["median"].mean()
    key = pd.DataFrame({"first": first.reindex(overall.index).fillna(np.inf), "overall": overall})
    units = key.sort_values(["first", "overall"], kind="stable").index.tolist()
    position = pd.Series(np.arange(len(units)), index=units)
    offsets = np.linspace(-0.22, 0.22, len(series)) if len(series) > 1 else np.zeros(1)
    colours = _colours_for(series)
    for offset, name in zip(offsets, series):
        part = tidy[tidy["series"] == name]
        y = position.loc[part["unit"]].to_numpy() + offset
        colour = colours[name] if name else "#1f77b4"
        ax.hlines(y, part["low"], part["high"], color=colour, linewidth=2.2, alpha=0.8)
        ax.plot(part["median"], y, "o", color=colour, markersize=5, markeredgecolor="white", markeredgewidth=0.6,
                label=name if name else None)  # fmt: skip
    ax.set_yticks(np.arange(len(units)), units, fontsize=8.5)
    ax.set_ylim(len(units) - 0.5, -0.5)
    top = max(float(tidy["high"].max()), 1.0)
    ax.set_xlim(0.5, top + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("名次 rank（中位数与 5–95% 区间 median, 5–95%）")
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    _plain_axes(ax)
    if legend and len(series) > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(len(series), 4), frameon=False,
                  fontsize=8.5)  # fmt: skip


# --------------------------------------------------------------------------- effort and reward


def effort_reward_chart(
    curves: pd.DataFrame,
    ax: Axes | None = None,
    *,
    effort: str = "effort",
    reward: str = "reward",
    series: str = "series",
) -> Figure:
    """Points earned against effort, one line per series (action or rulebook).

    Flat stretches, jumps and caps are where a rule stops or starts paying;
    integer efforts (items, adoptions) are drawn as steps so they show.
    """
    _require_columns(curves, [effort, reward, series], "curves")
    _no_duplicates(curves, [series, effort], "curves")
    efforts = _numeric(curves, effort, "curves")
    rewards = _numeric(curves, reward, "curves")
    tidy = pd.DataFrame({"series": curves[series].astype(str).to_numpy(), "effort": efforts, "reward": rewards})
    integer_efforts = bool(np.all(efforts == np.round(efforts)))
    names = list(dict.fromkeys(tidy["series"]))
    colours = _colours_for(names)
    markers = "osD^vP*X"

    figure, ax = _figure_and_axes(ax, (7.0, 4.2))
    for k, name in enumerate(names):
        part = tidy[tidy["series"] == name].sort_values("effort", kind="stable")
        ax.plot(part["effort"], part["reward"], color=colours[name], marker=markers[k % len(markers)], markersize=4,
                linewidth=1.6, drawstyle="steps-post" if integer_efforts else "default", label=name)  # fmt: skip
    ax.set_xlabel("投入 effort")
    ax.set_ylabel("得分 reward")
    ax.set_title("投入与得分 effort and reward", fontsize=12)
    ax.grid(color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    _plain_axes(ax)
    if len(names) > 1:
        ax.legend(frameon=False, fontsize=8.5)
    return figure


# --------------------------------------------------------------------------- sensitivity


def tornado_chart(
    sweep: pd.DataFrame,
    ax: Axes | None = None,
    *,
    parameter: str = "parameter",
    low: str = "output_low",
    high: str = "output_high",
    base: str = "output_base",
) -> Figure:
    """Tornado chart: how far the output moves when each parameter goes to its low or high value.

    The widest bar, at the top, is the parameter the result depends on most.
    """
    _require_columns(sweep, [parameter, low, high, base], "sweep")
    _no_duplicates(sweep, [parameter], "sweep")
    lows = _numeric(sweep, low, "sweep")
    highs = _numeric(sweep, high, "sweep")
    bases = _numeric(sweep, base, "sweep")
    swing = np.abs(highs - lows)
    order = np.argsort(-swing, kind="stable")
    names = sweep[parameter].astype(str).to_numpy()[order]
    lows, highs, bases = lows[order], highs[order], bases[order]

    figure, ax = _figure_and_axes(ax, (7.0, float(np.clip(1.4 + 0.38 * len(names), 2.8, 14.0))))
    y = np.arange(len(names))
    ax.barh(y, lows - bases, left=bases, height=0.6, color="#4C72B0", label="参数取低值 low value", gid="low")
    ax.barh(y, highs - bases, left=bases, height=0.6, color="#DD8452", label="参数取高值 high value", gid="high")
    if np.allclose(bases, bases[0]):
        ax.axvline(bases[0], color="#333333", linewidth=0.9)
    ax.set_yticks(y, names, fontsize=8.5)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("结果 output（竖线为基准 line: baseline）")
    ax.set_title("单参数敏感度 one-at-a-time sensitivity", fontsize=12, pad=24)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    _plain_axes(ax)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False, fontsize=8.5)
    return figure


def sobol_chart(indices: pd.DataFrame, ax: Axes | None = None, *, parameter: str = "parameter") -> Figure:
    """Sobol indices: the share of the output's variance due to each parameter.

    First-order S1 counts a parameter alone; total ST adds its interactions,
    so a large gap between the two means the parameter matters in combination.
    """
    value_columns = ["S1", "ST", "S1_conf", "ST_conf"]
    _require_columns(indices, [parameter, *value_columns], "indices")
    _no_duplicates(indices, [parameter], "indices")
    s1, st, s1_conf, st_conf = (_numeric(indices, column, "indices") for column in value_columns)
    if ((s1_conf < 0) | (st_conf < 0)).any():
        raise ValueError("indices: confidence half-widths S1_conf and ST_conf cannot be negative")
    order = np.argsort(-st, kind="stable")
    names = indices[parameter].astype(str).to_numpy()[order]

    figure, ax = _figure_and_axes(ax, (7.0, float(np.clip(1.4 + 0.45 * len(names), 2.8, 14.0))))
    y = np.arange(len(names))
    error_style = {"ecolor": "#333333", "capsize": 2.5, "elinewidth": 0.9}
    ax.barh(y - 0.19, s1[order], xerr=s1_conf[order], height=0.36, color="#4C72B0", label="一阶 S1 first-order",
            error_kw=error_style, gid="S1")  # fmt: skip
    ax.barh(y + 0.19, st[order], xerr=st_conf[order], height=0.36, color="#DD8452", label="总效应 ST total",
            error_kw=error_style, gid="ST")  # fmt: skip
    ax.axvline(0.0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, names, fontsize=8.5)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("Sobol 指数 index（方差份额 share of variance）")
    ax.set_title("全局敏感度 Sobol indices", fontsize=12, pad=24)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    _plain_axes(ax)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False, fontsize=8.5)
    return figure


# --------------------------------------------------------------------------- rulebooks side by side


def jurisdiction_chart(table: pd.DataFrame, *, label: str = "rulebook", metrics: Sequence[str] | None = None,
                       metric_names: dict | None = None, title: str | None = None,
                       value_text=None) -> Figure:
    """Small multiples: one bar panel per metric, the rulebooks down each panel.

    Each panel has its own scale, so metrics in different units sit side by
    side without one dwarfing the others. ``metric_names`` titles the panels;
    ``value_text(metric, value)`` writes the figure beside each bar.
    """
    _require_columns(table, [label], "table")
    _no_duplicates(table, [label], "table")
    if metrics is None:
        metrics = [c for c in table.columns if c != label and pd.api.types.is_numeric_dtype(table[c])]
        if not metrics:
            raise ValueError(f"table has no numeric columns to chart besides {label!r}")
    metrics = list(metrics)
    _require_columns(table, metrics, "table")
    values = {metric: _numeric(table, metric, "table", allow_missing=True) for metric in metrics}
    rulebooks = table[label].astype(str).to_numpy()

    n_columns = 2 if len(metrics) == 4 else min(3, len(metrics))
    n_rows = -(-len(metrics) // n_columns)
    panel_height = 0.9 + 0.3 * len(rulebooks)
    figure = Figure(figsize=(3.6 * n_columns + 1.2, panel_height * n_rows + 0.5), layout="constrained")
    axes = np.atleast_1d(figure.subplots(n_rows, n_columns, sharey=True, squeeze=False)).ravel()
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(rulebooks))]
    y = np.arange(len(rulebooks))
    for panel, metric in zip(axes, metrics):
        bars = np.nan_to_num(values[metric], nan=0.0)
        panel.barh(y, bars, height=0.65, color=colours)
        for position, value in zip(y, values[metric]):
            text = "—" if np.isnan(value) else value_text(metric, value) if value_text else f"{value:.3g}"
            panel.text(max(value, 0.0) if not np.isnan(value) else 0.0, position, f" {text}", va="center", ha="left",
                       fontsize=8)  # fmt: skip
        panel.axvline(0.0, color="#444444", linewidth=0.8)
        panel.set_title((metric_names or {}).get(metric, str(metric)), fontsize=10)
        panel.set_yticks(y, rulebooks, fontsize=8.5)
        panel.set_ylim(len(rulebooks) - 0.5, -0.5)
        panel.tick_params(axis="y", length=0)
        panel.margins(x=0.18)
        _plain_axes(panel)
    for unused in axes[len(metrics):]:
        unused.set_visible(False)
    figure.suptitle(title or "规则对比 rulebooks compared", fontsize=12)
    return figure


# --------------------------------------------------------------------------- output


def figure_png_bytes(figure: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG bytes, at the resolution the HTML report embeds."""
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save_png(figure: Figure, path: str | Path, dpi: int = PNG_DPI) -> Path:
    """Write the figure as a PNG file; returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"save_png writes PNG files; {path} does not end in .png")
    path.write_bytes(figure_png_bytes(figure, dpi=dpi))
    return path
