"""Checklist lines (基础工作 / 报送工作): points for each line met in the year.

A line is judged by its ``checklist.rule``:

- ``given``: from the ledger's checklist rows only; no row means met;
- ``items_per_week`` / ``items_per_month``: the year's counted items, averaged
  over the year's weeks (days ÷ 7) or its 12 months, reach the unit's group
  quota ``checklist.quota``;
- ``items_every_week``: every week of the year (7-day weeks from its first
  day; a last short week counts too) reaches the quota — the other reading
  of decision JL-1;
- ``no_commission_missed`` / ``no_emergency_failure``: no such event in the year;
- ``research_every_quarter``: at least one counted ``research`` item in each quarter.

A ledger row for a line overrides the computation (any row saying not met
makes the line not met). All-or-nothing: a met line scores its
``checklist.points``, credited to the year as a whole.
"""

from __future__ import annotations

import numpy as np

from ..engine.batch import EVENT
from ..engine.calendar import ANNUAL
from ..engine.context import Context
from ..engine.points import PointsGrid, sum_last
from .registry import Spec, component

RULES = ("given", "items_per_week", "items_per_month", "items_every_week", "no_commission_missed",
         "no_emergency_failure", "research_every_quarter")


def computed_lines(ctx: Context, rule: str) -> np.ndarray:
    """(R, U) whether each unit meets a line judged by ``rule``, before rows."""
    b = ctx.b
    R, U = b.n_reps, b.n_units
    if rule == "given":
        return np.ones((R, U), bool)
    if rule in ("items_per_week", "items_per_month"):
        total = sum_last(ctx.month_counts(None))
        quota = ctx.by_group("checklist.quota")[None, :]
        if rule == "items_per_week":
            return total * 7 >= quota * b.calendar.days  # average over days ÷ 7 weeks ≥ quota
        return total >= quota * 12
    if rule == "items_every_week":
        days = b.item_day - int(b.calendar.start.astype(np.int64))
        ok = ctx.item_counted & (days >= 0) & (days < b.calendar.days)
        weeks = (b.calendar.days + 6) // 7
        key = (b.item_rep[ok].astype(np.int64) * U + b.item_unit[ok]) * weeks + days[ok] // 7
        per_week = np.bincount(key, minlength=R * U * weeks).reshape(R, U, weeks)
        quota = ctx.by_group("checklist.quota")[None, :, None]
        return (per_week >= quota).all(axis=2)
    if rule == "no_commission_missed":
        return ctx.event_counts(EVENT["commission_missed"]) == 0
    if rule == "no_emergency_failure":
        return ctx.event_counts(EVENT["emergency_failure"]) == 0
    if rule == "research_every_quarter":
        return (ctx.quarter_counts(["research"]) > 0).all(axis=2)
    raise ValueError(f"unknown checklist rule {rule!r}")


def _checklist_feature(rb) -> dict:
    p = rb.parameters
    pts = p.table("checklist.points")
    out = {"checklists": f"{len(pts)} lines, {sum(pts.values()):g} points, all-or-nothing"}
    quotas = []
    for line, rule in p.table("checklist.rule").items():
        if rule in QUOTA_RULES:
            per = {"items_per_week": "a week", "items_per_month": "a month", "items_every_week": "every week"}[rule]
            table = p.table("checklist.quota")
            average = "" if rule == "items_every_week" else " (year average)"
            quotas.append(f"{line}: items {per}{average} ≥ " + "/".join(f"{v:g} ({g})" for g, v in table.items()))
    if quotas:
        out["quota rules"] = "; ".join(quotas)
    return out


def _checklist_cell(rules, source, n, b, rulebook, u) -> dict:
    return {"checklist.quota": f"checklist.quota.{rulebook.groups[b.group[u]]}"}


@component("checklist_points", zh="考核清单", en="points for each checklist line met in the year, all or nothing",
           credits={"checklist": "volume"}, feature=_checklist_feature, narrow=_checklist_cell, params=(
    Spec("checklist.points", "number", "考核清单每项分值", "points for each checklist line met (all or nothing)",
         "points a line", 0, 1000, keys="lines"),
    Spec("checklist.rule", "choice", "各项的判定方法", "how each line is judged; a ledger row overrides it",
         choices="checklist_rules", keys="lines"),
    Spec("checklist.quota", "number", "报送数量要求(年度平均)", "items a week or a month required, by group",
         "items (year average)", 0, 1000, keys="groups", default={}, cite="default: no quota line"),
))
def checklist_points(ctx: Context) -> list[PointsGrid]:
    """Each checklist line met in the year scores its ``checklist.points``,
    all or nothing, credited to the year as a whole. A line is judged by its
    ``checklist.rule`` (given, items_per_week, items_per_month,
    items_every_week, no_commission_missed, no_emergency_failure, research_every_quarter); a
    ledger row for the line overrides the computation."""
    b, p = ctx.b, ctx.p
    R, U = b.n_reps, b.n_units
    points = p.table("checklist.points")
    out = []
    for code, line in enumerate(ctx.lines):
        rule = p[f"checklist.rule.{line}"]
        met = computed_lines(ctx, rule)
        rows = b.ck_line == code
        seen = np.zeros((R, U), bool)
        seen[b.ck_rep[rows], b.ck_unit[rows]] = True
        said_no = np.zeros((R, U), bool)
        said_no[b.ck_rep[rows & ~b.ck_met], b.ck_unit[rows & ~b.ck_met]] = True
        met = np.where(seen, ~said_no, met)
        how = "no ledger row: met" if rule == "given" else f"computed: {rule}"
        rules = [f"checklist.points.{line}", f"checklist.rule.{line}"] + _quota_rule(rule)
        for origin, note in ((seen, f"{line}: ledger row"), (~seen, f"{line}: {how}")):
            amounts = (origin & met) * float(points[line])
            out.append(PointsGrid("checklist", tuple(rules), "checklist", amounts[:, :, None],
                                  (origin & (met | ctx.trace))[:, :, None], np.array([code]), np.array([ANNUAL]),
                                  note=note))
    return out


def _quota_rule(rule: str) -> list[str]:
    return ["checklist.quota"] if rule in QUOTA_RULES else []


QUOTA_RULES = ("items_per_week", "items_per_month", "items_every_week")
