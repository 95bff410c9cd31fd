"""The analyses a scenario run gets by default, with the data behind each figure.

For every comparison: rank distribution, stability, fidelity to latent
quality, points by source and group bias. Every other comparison of a
rulebook is set against that rulebook's baseline, its comparison without
changes (who moves, who gains or loses an award). When a scenario holds
several rulebooks, they are also set side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from io import BytesIO

import numpy as np
import pandas as pd

from ..analytics.compare import VariantComparison, compare_panels
from ..analytics.diagnostics import diagnostics
from ..analytics.fidelity import fidelity, group_bias, point_sources
from ..analytics.fixed import hide_fixed
from ..analytics.jurisdictions import jurisdiction_table, scenario_incentives
from ..analytics.panel import Panel, panels
from ..analytics.uncertainty import rank_distribution, rank_probabilities, stability
from .headline import Headline, comparison_headline, own_group_panel, rulebook_headline
from .labels import column_label, decimals, format_value, group_names


@dataclass
class Figure:
    """A chart, the sentence that explains it, and the data it draws."""

    key: str  # file stem: letters, digits and dashes
    title: str
    caption: str
    figure: object  # matplotlib Figure
    data: pd.DataFrame

    @cached_property
    def png(self) -> bytes:
        """The chart as PNG, drawn once for both figures/ and the HTML page."""
        buffer = BytesIO()
        self.figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        return buffer.getvalue()


@dataclass
class Analysis:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # sheet name → table
    figures: list[Figure] = field(default_factory=list)
    comparisons: list[VariantComparison] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the report leaves out, and why
    headlines: list[Headline] = field(default_factory=list)  # the answer in a few sentences, per comparison
    group_names: dict[str, dict[str, str]] = field(default_factory=dict)  # comparison → group id → name


def analyse(result, figures: bool = True) -> Analysis:
    """Tables (and, unless ``figures=False``, charts) for a :class:`RunResult`."""
    out = Analysis()
    by_name = panels(result.results)
    tables: dict[str, list[pd.DataFrame]] = {k: [] for k in
                                             ("distribution", "stability", "fidelity", "sources", "groups")}
    for p in by_name.values():
        tables["distribution"].append(rank_distribution(p))
        tables["stability"].append(stability(p))
        tables["fidelity"].append(fidelity(p))
        tables["sources"].append(point_sources(p))
        tables["groups"].append(group_bias(p))
    # figures the ranking fixes (a group's chance of its own top three is 3/n) are no finding
    out.tables = {k: hide_fixed(pd.concat(v, ignore_index=True)) for k, v in tables.items()}
    # whether the simulated units give each rule something to tell apart, first of the run's tables
    out.tables = {"diagnostics": diagnostics(result).drop(columns=["warning_zh", "warning_en"]), **out.tables}

    shifts, award_changes = [], []
    out.group_names = group_names(result)
    for base, variant in pairs(by_name, result.manifest):
        # ranks read within each unit's own group: pooling changes the scale, not the order
        c = compare_panels(own_group_panel(base), own_group_panel(variant))
        out.comparisons.append(c)
        out.headlines.append(comparison_headline(base, variant, out.group_names.get(variant.name), within=c))
        shifts.append(_labelled(c.groups, c))
        award_changes.append(_labelled(c.awards, c))
        if c.identical and np.array_equal(base.rank, variant.rank):
            out.warnings.append(
                f"“{c.variant}” gives every unit exactly the same scores, ranks and awards as “{c.base}”: "
                f"the variant changes nothing, which usually means a mistyped variant.")
    if shifts:
        out.tables["agreement"] = pd.concat(shifts, ignore_index=True)
        out.tables["award_changes"] = pd.concat(award_changes, ignore_index=True)
        out.tables["rank_shifts"] = pd.concat([_labelled(c.units, c) for c in out.comparisons], ignore_index=True)
    if not out.comparisons:  # nothing to set against a baseline: how sure each ranking is
        for p in by_name.values():
            out.headlines.append(rulebook_headline(p, out.tables["stability"], out.tables["fidelity"],
                                                   out.group_names.get(p.name)))
    if len({p.rulebook for p in by_name.values()}) > 1:
        out.tables["jurisdictions"] = jurisdiction_table(result.results, scenario_incentives(result.scenario))
    if figures:
        out.figures = _figures(out, by_name)
    return out


def _labelled(table: pd.DataFrame, c: VariantComparison) -> pd.DataFrame:
    """The table with the two comparisons it sets side by side as its first columns."""
    return pd.concat([pd.DataFrame({"base": c.base, "variant": c.variant}, index=table.index), table], axis=1)


def pairs(by_name: dict[str, Panel], manifest: dict) -> list[tuple[Panel, Panel]]:
    """Each comparison against its rulebook's baseline: the first comparison
    of that rulebook that changes nothing, or else its first comparison."""
    changes = {name: c.get("changes", {}) for name, c in manifest.get("comparisons", {}).items()}
    base: dict[str, Panel] = {}
    for p in by_name.values():
        if p.rulebook not in base or (changes.get(base[p.rulebook].name) and not changes.get(p.name)):
            base[p.rulebook] = p
    return [(base[p.rulebook], p) for p in by_name.values() if p is not base[p.rulebook]]


def _ranking_frame(p: Panel, frame: pd.DataFrame, names: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame with each unit's ranking group (its own group, or the pooled
    group it is ranked in) and that group's heading."""
    ranking = p.group if p.ranking_group is None else p.ranking_group.astype(str)
    lookup = dict(zip(p.units["unit_id"], ranking))
    headings = {}
    for g in dict.fromkeys(ranking):
        members = list(dict.fromkeys(p.group[ranking == g]))
        headings[g] = (" + ".join(names.get(m, m) for m in members) + "（合并排名 pooled）" if len(members) > 1
                       else names.get(g, g))
    return frame.assign(ranking_group=frame["unit_id"].astype(str).map(lookup).to_numpy()), headings


def _simulated(figure):
    """Charts of named units carry the line that their traits are simulated."""
    from ..plots import footnote

    return footnote(figure, "单位特征为模拟，并非对实名单位的评价 · the units' traits are simulated: not a finding "
                            "about the real units named")


def _figures(a: Analysis, by_name: dict[str, Panel]) -> list[Figure]:
    from .. import plots

    figs = []
    for i, c in enumerate(a.comparisons, 1):
        names = a.group_names.get(c.variant, {})
        figs.append(Figure(
            f"shift-{i}", f"名次变化 rank shift: {c.base} → {c.variant}",
            f"Each line joins a unit's mean rank within its own group under “{c.base}” (left) to its mean rank "
            f"within the same group under “{c.variant}” (right); lines of units that move by a tenth of their "
            f"group or more (at least one place) are coloured, blue up and red down.",
            _simulated(plots.rank_shift_chart(c.units, names=(c.base, c.variant), group_names=names,
                                   title=f"名次变化 rank shift：{c.base} → {c.variant}")), c.units))
    distribution = a.tables["distribution"]
    drawn_sources: list[tuple[str, pd.DataFrame]] = []
    for i, (name, p) in enumerate(by_name.items(), 1):
        names = a.group_names.get(name, {})
        d, headings = _ranking_frame(p, distribution[distribution["comparison"] == name], names)
        figs.append(Figure(
            f"intervals-{i}", f"名次区间 rank intervals: {name}",
            "The dot is a unit's median rank over the replicate years, the bar the range of its middle 90 % "
            "of ranks, on its ranking group's own axis: a long bar means the rule ranks that unit by luck as "
            "much as by merit.",
            _simulated(plots.rank_intervals(d, group="ranking_group", group_names=headings,
                                 title=f"名次区间 rank intervals：{name}")), d))
        probs, _ = _ranking_frame(p, rank_probabilities(p), names)
        probs = probs[probs["probability"] > 0].reset_index(drop=True) if len(probs) > 20_000 else probs
        figs.append(Figure(
            f"heatmap-{i}", f"名次概率 rank probabilities: {name}",
            "Each row is a unit, each column a rank of its ranking group; the darker the cell, the likelier "
            "the unit takes that rank.",
            _simulated(plots.rank_heatmap(probs, group="ranking_group", group_names=headings,
                               title=f"名次概率 rank probabilities：{name}")), probs))
        s = a.tables["sources"]
        s, _ = _ranking_frame(p, s[s["comparison"] == name], names)
        cols = [c for c in s.columns if c.startswith("from_")]
        same = next((other for other, data in drawn_sources if _same_sources(data, s, cols)), None)
        drawn_sources.append((name, s))
        if same is not None:  # a variant that only ranks differently: the same bars again say nothing
            a.notes.append(f"“{name}”的得分来源与“{same}”相同，不再重复作图。 Points by source under “{name}” "
                           f"are the same as under “{same}”; the chart is not repeated.")
            continue
        figs.append(Figure(
            f"sources-{i}", f"得分来源 where the points come from: {name}",
            "Mean points per unit split by source: volume (items, quotas, checklists), adoptions, leaders' "
            "instructions and conduct (penalties and rewards), one panel per group.",
            _simulated(plots.score_breakdown(s, group="group", group_names=names,
                                  title=f"得分来源 score by source：{name}")), s))
    if "jurisdictions" in a.tables:
        t = a.tables["jurisdictions"]
        metrics = ["top10_share", "relative_rank_shift", "spearman_quality", "p_best_first", "share_volume",
                   "share_adoption", "volume_d_final", "quality_d_final"]
        figs.append(Figure(
            "jurisdictions", "五地办法对比 the rulebooks side by side",
            "For the same units: how concentrated the points are (top-10 % share), how much ranks move from "
            "year to year, how closely ranks follow latent quality, what share of points volume and adoptions "
            "earn, and what one more item or one more top-level adoption adds to a unit's final score.",
            plots.jurisdiction_chart(t, label="comparison", metrics=metrics,
                                     metric_names={m: column_label(m, sep="\n") for m in metrics},
                                     value_text=lambda m, v: format_value(v, decimals(m)),
                                     title="五地办法对比 the rulebooks side by side"), t))
    return figs


def _same_sources(a: pd.DataFrame, b: pd.DataFrame, cols: list[str]) -> bool:
    """Whether two comparisons give the same units the same points by source
    (comparisons of different jurisdictions have different units)."""
    return (a.shape == b.shape and a["unit_id"].astype(str).tolist() == b["unit_id"].astype(str).tolist()
            and np.allclose(a[cols].to_numpy(), b[cols].to_numpy()))
