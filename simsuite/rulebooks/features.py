"""The five rulebooks side by side, read from their own parameters.

Every cell is generated from a rulebook's parameter values (and its
composition), so the table changes when a rulebook or a variant does.
"""

from __future__ import annotations

import calendar as _cal

import pandas as pd

from ..engine.rulebook import Rulebook

FEATURES = ("period", "groups", "quota rules", "per-item points", "adoption combination",
            "instruction combination", "co-submission", "normalisation", "rank-point tables", "vetoes",
            "caps", "checklists", "final score", "awards")


def feature_table(rulebooks=None) -> pd.DataFrame:
    """Rows: features; columns: rulebooks (ids, or Rulebook objects for variants)."""
    from . import available, load

    books = [rb if isinstance(rb, Rulebook) else load(rb) for rb in (rulebooks or available())]
    data = {rb.name if rb.baseline is not None else rb.id: features(rb) for rb in books}
    return pd.DataFrame(data, index=list(FEATURES))


def features(rb: Rulebook) -> dict[str, str]:
    p = rb.parameters
    has = p.has
    steps = {f.__name__ for f in rb.steps}
    out = {}
    out["period"] = _period(rb)
    merge = p["grouping.merge"]
    groups = ", ".join(f"{g} {rb.file.groups[g].name}" for g in rb.groups)
    out["groups"] = groups + (f"; pooled: {merge}" if merge else "")

    quotas = []
    if has("quota.items"):
        quotas.append(f"monthly {'+'.join(p['quota.kinds'])} ≥ {_by_group(p.table('quota.items'))} → "
                      f"{p['quota.points']:g} a month, no more above quota")
    if has("zero_month.points"):
        quotas.append(f"month with no item {p['zero_month.points']:g}")
    if has("checklist.rule"):
        for line, rule in p.table("checklist.rule").items():
            if rule in ("items_per_week", "items_per_month"):
                per = "week" if rule == "items_per_week" else "month"
                quotas.append(f"{line}: items a {per} (year average) ≥ {_by_group(p.table('checklist.quota'))}")
    if p.get("direct_report.enabled", False):
        quotas.append(f"direct reports ({', '.join(p['direct_report.groups'])}): ≥ {p['direct_report.monthly_count']} "
                      f"{p['direct_report.monthly_to']} a month and ≥ {p['direct_report.quarterly_count']} "
                      f"{p['direct_report.quarterly_to']} a quarter")
    out["quota rules"] = "; ".join(quotas) or "none"

    if has("item_points.points"):
        basis = " × quality" if p["item_points.basis"] == "quality" else ""
        kinds = "every" if len(p["item_points.kinds"]) == 5 else "/".join(p["item_points.kinds"])
        out["per-item points"] = f"{p['item_points.points']:g}{basis} per {kinds} item"
    else:
        out["per-item points"] = "none"
    out["adoption combination"] = ("highest only, credited as it rises (C-8)" if p["adoption.combine"] == "highest"
                                   else "every adoption scores (sum)")
    out["instruction combination"] = ("highest only, credited as it rises" if p["instruction.combine"] == "highest"
                                      else "each instruction scores (sum)")
    share = p["co_submission.share"]
    out["co-submission"] = ("lead only (C-3)" if share == 0 else
                            f"co-units get {share:g} of adoption{' and instruction' if p['co_submission.covers_instructions'] else ''} points")
    if "normalise_quarters" in steps and p["normalise.enabled"]:
        out["normalisation"] = f"each quarter to the group's first = {p['normalise.scale']:g}"
    else:
        out["normalisation"] = "none"
    if "rank_point_quarters" in steps and p["rank_points.enabled"]:
        tables = p.table("rank_points.table")
        out["rank-point tables"] = "; ".join(
            f"{g}: target {p[f'rank_points.target.{g}']:g}, {_span(tables[g])}, rest {p[f'rank_points.rest.{g}']:g}"
            for g in rb.groups)
    else:
        out["rank-point tables"] = "none"
    vetoes = []
    if has("veto.quarter_events") and p["veto.quarter_events"]:
        vetoes.append(f"quarter: {', '.join(p['veto.quarter_events'])}")
    if p.get("direct_report.enabled", False):
        vetoes.append("quarter: direct-report task failed")
    if has("veto.year_events") and p["veto.year_events"]:
        vetoes.append(f"year: {', '.join(p['veto.year_events'])}")
    if p.get("veto.without_adoption", False):
        vetoes.append("year: no adoption in the year")
    if p.get("override.enabled", False):
        vetoes.append(f"override: {'/'.join(p['override.levels'])} instruction → rank 1")
    out["vetoes"] = "; ".join(vetoes) or "none"
    out["caps"] = (f"per-item points capped at {p['item_points.cap']:g} a year"
                   if has("item_points.cap_enabled") and p["item_points.cap_enabled"] else "none")
    if has("checklist.points"):
        pts = p.table("checklist.points")
        out["checklists"] = f"{len(pts)} lines, {sum(pts.values()):g} points, all-or-nothing"
    else:
        out["checklists"] = "none"
    if "combine_quarters" in steps:
        scores = ("efficiency scores" if out["normalisation"] != "none" else
                  "rank points" if out["rank-point tables"] != "none" else "points")
        out["final score"] = f"{p['final.combine']} of the quarters' {scores}"
    else:
        out["final score"] = "the year's points"
    out["awards"] = _awards(rb, steps)
    return out


def _period(rb: Rulebook) -> str:
    first = int(rb.parameters["calendar.first_month"])
    starts = [int(x) for x in rb.parameters["calendar.quarter_starts"]]
    month = lambda k: _cal.month_abbr[(first - 1 + k) % 12 + 1]  # noqa: E731
    bounds = starts + [12]
    quarters = ", ".join(f"{month(a)}–{month(b - 1)}" for a, b in zip(bounds, bounds[1:]))
    return f"{month(0)}–{month(11)} (quarters {quarters})"


def _by_group(table: dict) -> str:
    return "/".join(f"{v:g} ({g})" for g, v in table.items())


def _span(values) -> str:
    values = list(values)
    return f"{values[0]:g}…{values[-1]:g} for positions 1–{len(values)}"


def _awards(rb: Rulebook, steps: set[str]) -> str:
    p = rb.parameters
    if "award_bands" in steps:
        parts = []
        lower = {g: 0 for g in rb.groups}
        for name, table in p.table("award.top").items():
            parts.append(f"{name}: " + ", ".join(f"{g} {lower[g] + 1}–{n}" for g, n in table.items()))
            lower.update(table)
        return "; ".join(parts)
    if "award_tiers" in steps:
        return (f"no-deduction: top {p['award.top_percent']}% (rounded up); the rest in "
                f"{p['award.later_tiers']} deduction tiers by rank")
    if "award_top_and_bottom" in steps:
        return (f"advanced: top {p['award.advanced_top']} unless ≥ {p['award.disqualify_count']} "
                f"{p['award.disqualify_event']}; criticised: bottom {p['award.criticised_bottom']}")
    return "none"
