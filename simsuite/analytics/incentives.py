"""Incentives: what one more piece of work is worth to a unit under a rulebook.

A unit's *marginal points* for an action are the change in its points, final
score, rank and award when its ledger gains exactly that action and nothing
else changes. Curves bend where the rulebook bends them: a cap on per-item
points (隆阳: 60), a monthly quota with no points above it (宁夏: 超额报送不加分),
normalisation to the group's first-placed unit, quarterly rank-point tables
(建德) and checklists judged over the year.

Actions (names used in the ``action`` column):

- ``item:<kind>`` — one more item of that kind (动态/综合/调研/约稿/突发);
- ``adoption:<level>`` — one more item (kind ``dynamic`` unless told) together
  with its adoption by the level's main outlet and section: the first
  outlet-section pair of that level in the rulebook's catalogue (the same
  level → outlet mapping the synthetic generator draws from);
- ``quota_month`` — one more month with the monthly quota met: just enough
  items of the first counted kind added to the unit's first month below its
  quota (rulebooks with a monthly quota only).

Date rule: every added item and adoption is dated the 15th of the unit's
busiest month of the year (the month with most of its counted items; the
earliest such month on a tie; the year's first month for a unit with no
item), so the extra work lands where the unit already works, inside the
year. ``quota_month`` items are dated the 15th of the month they complete.
Added items are in scope, have no co-submitters and carry the ledger's
default quality mark (10).

Every variant (unit × action × amount) is one replicate of a single batch:
the unchanged ledger is replicate 0 and the batch is scored once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..engine.batch import KIND, Batch, compile_histories
from ..engine.context import Context
from ..engine.rulebook import Rulebook, infer_year
from ..engine.score import as_histories, score_batch
from ..ledger import ITEM_KINDS, History
from ..params import OUTLET_LEVELS, suggest

#: Chinese names of item kinds and outlet levels, for descriptions
KIND_ZH = {"dynamic": "动态信息", "comprehensive": "综合信息", "research": "调研信息",
           "commissioned": "约稿信息", "emergency": "突发信息"}
LEVEL_ZH = {"own": "本级", "up1": "上一级", "up2": "上两级", "national": "国家级"}

#: quality mark of an added item: the ledger's default for an empty cell
ADDED_QUALITY = 10.0

RESULT_COLUMNS = ["unit_id", "name", "group", "action", "description", "d_points", "d_final", "d_rank",
                  "points", "final", "rank", "award", "award_after", "note"]


# --------------------------------------------------------------------------
# public functions


def marginal_points(rulebook: str | Rulebook, history, year: int | None = None, *,
                    units: Iterable[str] | None = None, actions: Sequence[str] | None = None,
                    adoption_kind: str = "dynamic") -> pd.DataFrame:
    """For each unit and action, what one more of it changes: ``d_points``,
    ``d_final``, ``d_rank`` (negative = a better rank) and the award after it,
    next to the unit's current ``points``, ``final``, ``rank`` and ``award``;
    ``d_from_<component>`` splits ``d_points`` by rule.

    ``history`` is a ledger path, a :class:`History` or a one-replicate
    :class:`Batch`; ``units`` limits the table to these unit ids (or names);
    ``actions`` to these actions (default: every action of the rulebook, see
    :func:`available_actions`). Where an action cannot be taken (no monthly
    quota, every month already at quota) the changes are NaN and ``note`` says
    why. All variants are scored in one batch (module doc: the date rule).
    """
    rb = _rulebook(rulebook)
    base = _base_batch(rb, history, year)
    chosen = _unit_positions(base, units)
    names = _check_actions(rb, actions) if actions is not None else available_actions(rb)
    _check_kind(adoption_kind, "adoption_kind")
    plan = _Plan(rb, base, adoption_kind)
    blocks = [plan.variants(action, chosen, np.ones(len(chosen), np.int64)) for action in names]
    variants = _Variants.concat(blocks)
    out = _score_variants(rb, base, variants)
    return _tidy_marginals(rb, base, variants, out)


def effort_reward(rulebook: str | Rulebook, history=None, *, unit: str | None = None,
                  action: str = "adoption:own", max_effort: int = 20, year: int | None = None,
                  seed: int = 0, adoption_kind: str = "dynamic") -> pd.DataFrame:
    """One unit's reward after k = 0 … ``max_effort`` more of ``action``, all k
    scored as replicates of one batch: columns ``series`` (= action),
    ``effort`` (k), ``reward`` (= final), ``points``, ``final``, ``rank``,
    ``award``. Without ``history`` one synthetic year of the jurisdiction's
    real units is drawn with ``seed``; without ``unit`` the unit with the
    median points is used (a middle-of-the-table unit)."""
    return effort_reward_curves(rulebook, history, unit=unit, actions=[action], max_effort=max_effort,
                                year=year, seed=seed, adoption_kind=adoption_kind)


def effort_reward_curves(rulebook: str | Rulebook, history=None, *, unit: str | None = None,
                         actions: Sequence[str] | None = None, max_effort: int = 20, year: int | None = None,
                         seed: int = 0, adoption_kind: str = "dynamic") -> pd.DataFrame:
    """:func:`effort_reward` for several actions at once (one batch), so one
    chart per rulebook shows the volume incentive (``item:dynamic``) against
    the quality incentives (adoptions at each level) and ``quota_month``.
    Default actions: ``item:dynamic``, ``adoption:<level>`` for each level of
    the catalogue, and ``quota_month`` where the rulebook has a monthly quota.
    A ``quota_month`` series stops when the unit has no month left below quota."""
    rb = _rulebook(rulebook)
    if not isinstance(max_effort, (int, np.integer)) or max_effort < 0:
        raise ValueError(f"max_effort must be a whole number ≥ 0, not {max_effort!r}")
    _check_kind(adoption_kind, "adoption_kind")
    base = _base_batch(rb, history, year, seed)
    names = _check_actions(rb, actions) if actions is not None else curve_actions(rb)
    position = _one_unit(rb, base, unit)
    plan = _Plan(rb, base, adoption_kind)
    efforts = np.arange(1, max_effort + 1, dtype=np.int64)
    blocks = [plan.variants(a, np.full(len(efforts), position), efforts) for a in names]
    variants = _Variants.concat(blocks)
    out = _score_variants(rb, base, variants)
    keep = variants.feasible
    reps = np.concatenate([np.zeros(len(names), np.int64), 1 + np.flatnonzero(keep)])
    series = np.concatenate([np.array(names, dtype=object), variants.action[keep]])
    effort = np.concatenate([np.zeros(len(names), np.int64), variants.effort[keep]])
    frame = pd.DataFrame({
        "rulebook": rb.id,
        "unit_id": base.units["unit_id"].iloc[position],
        "name": base.units["name"].iloc[position],
        "series": series,
        "effort": effort,
        "points": out.points[reps, position],
        "final": out.final[reps, position],
        "rank": out.rank[reps, position].astype(np.int64),
        "award": out.award[reps, position],
    })
    frame["reward"] = frame["final"]
    order = {a: i for i, a in enumerate(names)}
    frame = frame.sort_values(["series", "effort"], key=lambda s: s.map(order) if s.name == "series" else s)
    return frame[["rulebook", "unit_id", "name", "series", "effort", "reward", "points", "final", "rank",
                  "award"]].reset_index(drop=True)


def incentive_summary(rulebook: str | Rulebook, history=None, *, year: int | None = None,
                      seed: int = 0) -> pd.DataFrame:
    """Averaged over units, the marginal points and final of one more item
    (``item:dynamic``, the volume incentive) against one more adoption at the
    catalogue's highest level (the quality incentive), for the cross-rulebook
    table. Without ``history`` one synthetic year of the real units is used."""
    rb = _rulebook(rulebook)
    base = _base_batch(rb, history, year, seed)
    top = [lv for lv in OUTLET_LEVELS if lv in _level_pairs(rb)][-1]
    actions = ["item:dynamic", f"adoption:{top}"]
    table = marginal_points(rb, base, actions=actions)
    summary = (table.groupby("action", sort=False)
               .agg(mean_d_final=("d_final", "mean"), mean_d_points=("d_points", "mean"), units=("unit_id", "size"))
               .reindex(actions).reset_index())
    summary.insert(0, "rulebook", rb.id)
    summary.insert(1, "incentive", ["volume", "quality"])
    return summary[["rulebook", "incentive", "action", "mean_d_final", "mean_d_points", "units"]]


def available_actions(rulebook: str | Rulebook) -> list[str]:
    """Every action a rulebook offers: ``item:<kind>`` for the five kinds,
    ``adoption:<level>`` for the catalogue's levels, and ``quota_month``."""
    rb = _rulebook(rulebook)
    levels = [lv for lv in OUTLET_LEVELS if lv in _level_pairs(rb)]
    return [f"item:{k}" for k in ITEM_KINDS] + [f"adoption:{lv}" for lv in levels] + ["quota_month"]


def curve_actions(rulebook: str | Rulebook) -> list[str]:
    """The default series of :func:`effort_reward_curves`."""
    rb = _rulebook(rulebook)
    levels = [lv for lv in OUTLET_LEVELS if lv in _level_pairs(rb)]
    return ["item:dynamic"] + [f"adoption:{lv}" for lv in levels] + (["quota_month"] if _has_monthly_quota(rb) else [])


# --------------------------------------------------------------------------
# rulebook facts


def _rulebook(rulebook) -> Rulebook:
    from ..rulebooks import resolve

    return resolve(rulebook)


def _level_pairs(rb: Rulebook) -> dict[str, int]:
    """Level → pair code of its main outlet-section: the first of the pairs
    the generator draws among at that level."""
    from ..synthetic.generate import pairs_by_level

    return {lv: int(codes[0]) for lv, codes in zip(OUTLET_LEVELS, pairs_by_level(rb)) if len(codes)}


def _has_monthly_quota(rb: Rulebook) -> bool:
    return "monthly_quota" in rb.component_names


def _check_actions(rb: Rulebook, actions: Sequence[str]) -> list[str]:
    if isinstance(actions, str):
        actions = [actions]
    known = available_actions(rb)
    names = []
    for a in actions:
        if a not in known:
            raise ValueError(f"{rb.id} has no action {a!r}{suggest(str(a), known)}; actions: {known}")
        if a not in names:
            names.append(a)
    if not names:
        raise ValueError("actions is empty: name at least one of " + ", ".join(known))
    return names


def _check_kind(kind: str, what: str) -> None:
    if kind not in ITEM_KINDS:
        raise ValueError(f"{what}: no item kind {kind!r}{suggest(str(kind), ITEM_KINDS)}; kinds: {list(ITEM_KINDS)}")


# --------------------------------------------------------------------------
# the base ledger


def _base_batch(rb: Rulebook, history, year: int | None, seed: int = 0) -> Batch:
    """The unchanged ledger as a one-replicate batch: a compiled History or
    path, a given Batch, or (``history`` None) one synthetic year."""
    if history is None:
        from ..synthetic import generate, real_units

        return generate(rb, real_units(rb), year or rb.own_year(), replicates=1, seed=seed).batch
    if isinstance(history, Batch):
        if history.n_reps != 1:
            raise ValueError(f"history: a batch of one replicate is needed, not {history.n_reps}")
        if year is not None and history.calendar.year != year:
            raise ValueError(f"history: the batch is compiled for {history.calendar.year}, not year={year}")
        return history
    if not isinstance(history, (History, str, Path)):
        raise TypeError(f"history must be a ledger path, a History or a one-replicate Batch, not {type(history).__name__}")
    histories = as_histories(rb, history)
    if year is None:
        year = infer_year(rb, histories[0].items["date"])
    return compile_histories(histories, rb.calendar(year), rb.groups, rb.pairs, rb.checklist_lines)


def _unit_positions(base: Batch, units: Iterable[str] | None) -> np.ndarray:
    if units is None:
        return np.arange(base.n_units)
    if isinstance(units, str):
        units = [units]
    ids, names = base.units["unit_id"].astype(str).tolist(), base.units["name"].astype(str).tolist()
    out = []
    for u in units:
        u = str(u)
        if u in ids:
            out.append(ids.index(u))
        elif u in names:
            out.append(names.index(u))
        else:
            raise ValueError(f"units: no unit {u!r} in the ledger{suggest(u, ids + names)}")
    return np.array(out, dtype=np.int64)


def _one_unit(rb: Rulebook, base: Batch, unit: str | None) -> int:
    if unit is not None:
        return int(_unit_positions(base, [unit])[0])
    _, outcome, _ = score_batch(rb, base)
    points = outcome.points[0]
    order = np.argsort(points, kind="stable")
    return int(order[(len(order) - 1) // 2])  # the lower median


# --------------------------------------------------------------------------
# variants: what is added to which copy of the ledger


class _Variants:
    """One row per variant (replicate 1 + row); ``add_*`` the rows added."""

    def __init__(self, unit, action, effort, feasible, note, month, n_added,
                 add_var, add_unit, add_day, add_kind, add_pair):
        self.unit, self.action, self.effort = unit, action, effort
        self.feasible, self.note, self.month, self.n_added = feasible, note, month, n_added
        self.add_var, self.add_unit, self.add_day, self.add_kind, self.add_pair = (
            add_var, add_unit, add_day, add_kind, add_pair)

    def __len__(self) -> int:
        return len(self.unit)

    @property
    def feasible_float(self) -> np.ndarray:
        return np.where(self.feasible, 1.0, np.nan)

    @staticmethod
    def concat(blocks: list["_Variants"]) -> "_Variants":
        offsets = np.cumsum([0] + [len(b) for b in blocks[:-1]])
        cat = lambda name: np.concatenate([getattr(b, name) for b in blocks])  # noqa: E731
        return _Variants(
            cat("unit"), cat("action"), cat("effort"), cat("feasible"), cat("note"), cat("month"), cat("n_added"),
            np.concatenate([b.add_var + o for b, o in zip(blocks, offsets)]),
            cat("add_unit"), cat("add_day"), cat("add_kind"), cat("add_pair"),
        )


class _Plan:
    """Where each unit's extra work goes (module doc: the date rule)."""

    def __init__(self, rb: Rulebook, base: Batch, adoption_kind: str):
        self.rb, self.b, self.adoption_kind = rb, base, adoption_kind
        ctx = Context(base, rb.parameters, rb.groups, rb.pairs, rb.checklist_lines)
        self.ctx = ctx
        counts = ctx.month_counts(None)[0]  # (U, 12) counted items of every kind
        self.busiest = np.argmax(counts, axis=1)  # first month of the most items; month 0 when none
        cal = base.calendar
        starts = np.array([np.datetime64(cal.start_month + m, "M").astype("datetime64[D]").astype(np.int64)
                           for m in range(12)])
        self.mid_month = starts + 14  # the 15th of each month of the year
        self.levels = _level_pairs(rb)

    def variants(self, action: str, units: np.ndarray, efforts: np.ndarray) -> _Variants:
        """Variants for ``units[i]`` doing ``efforts[i]`` more of ``action``."""
        units = np.asarray(units, np.int64)
        efforts = np.asarray(efforts, np.int64)
        V = len(units)
        if action == "quota_month":
            return self._quota_months(units, efforts)
        kind_name, pair = action.split(":", 1)[1], -1
        if action.startswith("adoption:"):
            kind_name, pair = self.adoption_kind, self.levels[action.split(":", 1)[1]]
        month = self.busiest[units]
        add_var = np.repeat(np.arange(V), efforts)
        return _Variants(
            unit=units, action=np.full(V, action, dtype=object), effort=efforts, feasible=np.ones(V, bool),
            note=np.full(V, "", dtype=object), month=month, n_added=efforts,
            add_var=add_var, add_unit=units[add_var], add_day=self.mid_month[month][add_var],
            add_kind=np.full(len(add_var), KIND[kind_name], np.int8), add_pair=np.full(len(add_var), pair, np.int64),
        )

    def _quota_months(self, units: np.ndarray, efforts: np.ndarray) -> _Variants:
        """``efforts[i]`` more months at quota: the unit's first months below
        quota, each topped up with exactly the missing items."""
        V = len(units)
        empty = lambda dtype: np.zeros(0, dtype)  # noqa: E731
        if not _has_monthly_quota(self.rb):
            return _Variants(units, np.full(V, "quota_month", dtype=object), efforts, np.zeros(V, bool),
                             np.full(V, f"{self.rb.id} has no monthly quota", dtype=object), np.full(V, -1),
                             np.zeros(V, np.int64), empty(np.int64), empty(np.int64), empty(np.int64),
                             empty(np.int8), empty(np.int64))
        p = self.rb.parameters
        kinds = [k for k in ITEM_KINDS if k in p["quota.kinds"]]
        counts = self.ctx.month_counts(kinds)[0]  # (U, 12)
        quota = self.ctx.by_group("quota.items").astype(np.int64)  # (U,)
        deficit = np.maximum(quota[:, None] - counts, 0)  # (U, 12)
        below = deficit > 0
        n_below = below.sum(axis=1)
        feasible = efforts <= n_below[units]
        # the k-th month below quota of each unit: rank of each below-quota month
        order = np.cumsum(below, axis=1) * below  # 1.. for below-quota months, 0 otherwise
        take = order[units] <= efforts[:, None]  # (V, 12) months topped up in each variant
        take &= order[units] > 0
        take &= feasible[:, None]
        var, month = np.nonzero(take)
        n = deficit[units[var], month]
        add_var = np.repeat(var, n)
        first_month = np.where(n_below[units] > 0, np.argmax(below[units], axis=1), -1)
        note = np.where(feasible, "", np.where(n_below[units] == 0, "every month already meets the quota",
                                               "fewer months below quota than asked"))
        return _Variants(
            unit=units, action=np.full(V, "quota_month", dtype=object), effort=efforts, feasible=feasible,
            note=note.astype(object), month=first_month,
            n_added=np.bincount(var, weights=n, minlength=V).astype(np.int64),
            add_var=add_var, add_unit=units[add_var], add_day=self.mid_month[month][np.repeat(np.arange(len(var)), n)],
            add_kind=np.full(len(add_var), KIND[kinds[0]], np.int8), add_pair=np.full(len(add_var), -1, np.int64),
        )


# --------------------------------------------------------------------------
# one batch: the base ledger tiled, the additions appended, scored once


class _Scored:
    def __init__(self, outcome):
        self.points, self.final, self.rank = outcome.points, outcome.final, outcome.rank
        self.award = np.asarray(outcome.award_names, dtype=object)[outcome.award]
        self.components = {k[5:]: v for k, v in outcome.columns.items() if k.startswith("from_")}


def _score_variants(rb: Rulebook, base: Batch, variants: _Variants) -> _Scored:
    batch = with_additions(tile_batch(base, 1 + len(variants)), 1 + variants.add_var, variants.add_unit,
                           variants.add_day, variants.add_kind, variants.add_pair)
    _, outcome, _ = score_batch(rb, batch)
    return _Scored(outcome)


def tile_batch(base: Batch, copies: int) -> Batch:
    """``copies`` copies of a one-replicate batch as replicates 0 … copies−1
    (whole-array tiling: item pointers shift by the items of earlier copies)."""
    if base.n_reps != 1:
        raise ValueError(f"tile_batch needs a batch of one replicate, not {base.n_reps}")
    reps = np.arange(copies)
    n_items = len(base.item_rep)

    def tile(a):
        return np.tile(a, copies)

    def rep_column(a):
        return np.repeat(reps, len(a)).astype(a.dtype)

    def ptr(p):
        return np.concatenate([[0], np.cumsum(np.tile(np.diff(p), copies))]).astype(p.dtype)

    def item_link(a):
        return (tile(a) + np.repeat(reps * n_items, len(a))).astype(a.dtype)

    return Batch(
        calendar=base.calendar, units=base.units, group=base.group, n_reps=copies,
        item_rep=rep_column(base.item_rep), item_unit=tile(base.item_unit), item_day=tile(base.item_day),
        item_kind=tile(base.item_kind), item_in_scope=tile(base.item_in_scope), item_quality=tile(base.item_quality),
        co_ptr=ptr(base.co_ptr), co_unit=tile(base.co_unit), sent_ptr=ptr(base.sent_ptr), sent_pair=tile(base.sent_pair),
        ad_item=item_link(base.ad_item), ad_pair=tile(base.ad_pair), ad_day=tile(base.ad_day),
        ins_item=item_link(base.ins_item), ins_level=tile(base.ins_level), ins_kind=tile(base.ins_kind),
        ins_day=tile(base.ins_day),
        ev_rep=rep_column(base.ev_rep), ev_unit=tile(base.ev_unit), ev_kind=tile(base.ev_kind),
        ev_day=tile(base.ev_day), ev_count=tile(base.ev_count),
        ck_rep=rep_column(base.ck_rep), ck_unit=tile(base.ck_unit), ck_line=tile(base.ck_line),
        ck_met=tile(base.ck_met), left_out=base.left_out,
    )


def with_additions(batch: Batch, rep, unit, day, kind, pair) -> Batch:
    """``batch`` with new items appended (in scope, no co-submitters, nothing
    sent on, quality :data:`ADDED_QUALITY`); where ``pair`` ≥ 0 the item also
    gets an adoption by that outlet-section pair on the same day."""
    n_old, n_new = len(batch.item_rep), len(rep)
    adopted = np.flatnonzero(np.asarray(pair) >= 0)

    def cat(a, b):
        return np.concatenate([a, np.asarray(b)]).astype(a.dtype)

    def keep_ptr(p):
        return np.concatenate([p, np.full(n_new, p[-1])]).astype(p.dtype)

    return Batch(
        calendar=batch.calendar, units=batch.units, group=batch.group, n_reps=batch.n_reps,
        item_rep=cat(batch.item_rep, rep), item_unit=cat(batch.item_unit, unit), item_day=cat(batch.item_day, day),
        item_kind=cat(batch.item_kind, kind), item_in_scope=cat(batch.item_in_scope, np.ones(n_new, bool)),
        item_quality=cat(batch.item_quality, np.full(n_new, ADDED_QUALITY)),
        co_ptr=keep_ptr(batch.co_ptr), co_unit=batch.co_unit, sent_ptr=keep_ptr(batch.sent_ptr),
        sent_pair=batch.sent_pair,
        ad_item=cat(batch.ad_item, n_old + adopted), ad_pair=cat(batch.ad_pair, np.asarray(pair)[adopted]),
        ad_day=cat(batch.ad_day, np.asarray(day)[adopted]),
        ins_item=batch.ins_item, ins_level=batch.ins_level, ins_kind=batch.ins_kind, ins_day=batch.ins_day,
        ev_rep=batch.ev_rep, ev_unit=batch.ev_unit, ev_kind=batch.ev_kind, ev_day=batch.ev_day,
        ev_count=batch.ev_count, ck_rep=batch.ck_rep, ck_unit=batch.ck_unit, ck_line=batch.ck_line,
        ck_met=batch.ck_met, left_out=batch.left_out,
    )


# --------------------------------------------------------------------------
# the table


def _tidy_marginals(rb: Rulebook, base: Batch, v: _Variants, out: _Scored) -> pd.DataFrame:
    rep = 1 + np.arange(len(v))
    u = v.unit
    nan = v.feasible_float
    frame = pd.DataFrame({
        "unit_id": base.units["unit_id"].to_numpy(object)[u],
        "name": base.units["name"].to_numpy(object)[u],
        "group": base.units["group"].to_numpy(object)[u],
        "action": v.action,
        "description": _describe(rb, base, v),
        "d_points": (out.points[rep, u] - out.points[0, u]) * nan,
        "d_final": (out.final[rep, u] - out.final[0, u]) * nan,
        "d_rank": (out.rank[rep, u].astype(float) - out.rank[0, u]) * nan,
        "points": out.points[0, u],
        "final": out.final[0, u],
        "rank": out.rank[0, u].astype(np.int64),
        "award": out.award[0, u],
        "award_after": np.where(v.feasible, out.award[rep, u], None),
        "note": v.note,
    })
    for name, values in out.components.items():
        frame[f"d_from_{name}"] = (values[rep, u] - values[0, u]) * nan
    return frame[RESULT_COLUMNS + [c for c in frame.columns if c.startswith("d_from_")]]


def _describe(rb: Rulebook, base: Batch, v: _Variants) -> np.ndarray:
    """A short Chinese and English line per variant."""
    fixed = {f"item:{k}": f"多报1条{KIND_ZH[k]} / one more {k} item" for k in ITEM_KINDS}
    for level, code in _level_pairs(rb).items():
        outlet, section = rb.pairs[code]
        o = rb.file.outlets[outlet]
        fixed[f"adoption:{level}"] = (f"多1条{LEVEL_ZH[level]}采用({o.name}{o.sections[section]}) / "
                                      f"one more item adopted at {level} ({outlet}:{section})")
    fixed["quota_month"] = "多1个月完成报送任务 / one more month at quota"
    text = pd.Series(v.action, dtype=object).map(fixed)
    # a quota month names the month it completes and how many items that takes
    named = (v.action == "quota_month") & (v.month >= 0) & (v.n_added > 0)
    labels = pd.Series([base.calendar.month_label(m) for m in range(12)] + [""], dtype=object)
    month = labels.iloc[v.month[named]].to_numpy(object)
    n = v.n_added[named].astype(str).astype(object)
    plural = np.where(v.n_added[named] > 1, "s", "").astype(object)
    text[named] = ("多1个月完成报送任务(" + month + "补报" + n + "条) / one more month at quota ("
                   + month + ": " + n + " more item" + plural + ")")
    return text.to_numpy(object)
