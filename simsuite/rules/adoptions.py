"""Points for adoptions (采用/录用) of an item by an outlet (刊物)."""

from __future__ import annotations

import numpy as np

from ..engine.batch import KIND
from ..engine.calendar import N_PERIODS
from ..engine.context import Context
from ..engine.points import Points
from .crediting import credit_rises
from .registry import Spec, component

UNSCORED = Spec("items.unscored_kinds", "set", "采用和批示不计分的信息类型",
                "item kinds whose adoptions and instructions score nothing", choices="item_kinds", default=(),
                cite="decision C-5")


def _adoption_feature(rb) -> dict:
    highest = rb.parameters["adoption.combine"] == "highest"
    return {"adoption combination": "highest only, credited as it rises (C-8)" if highest
            else "every adoption scores (sum)"}


def _adoption_cells(rules, source, n, b, rulebook, u) -> dict:
    """An adoption cites its outlet-and-section cell, and a group's own points
    or a kind's factor only where they apply."""
    if source != "adoption":
        return {}
    from ..ledger import ITEM_KINDS

    p = rulebook.parameters
    group = rulebook.groups[b.group[u]]
    outlet, section = rulebook.pairs[b.ad_pair[n]]
    kind = ITEM_KINDS[b.item_kind[b.ad_item[n]]]
    cells = {"adoption.points": f"adoption.points.{outlet}.{section}",
             "adoption.group_points": f"adoption.group_points.{group}.{outlet}.{section}",
             "adoption.multiplier": f"adoption.multiplier.{kind}.{outlet}"}
    return {k: (v if v in p else None) for k, v in cells.items()}


def _bonus_feature(rb) -> dict:
    p = rb.parameters
    return {"bonuses": f"{p['bonus.points']:g} once per adopted {'/'.join(p['bonus.kinds'])} item"}


def adoption_table(ctx: Context) -> tuple[np.ndarray, list[str]]:
    """An adoption's points as a (group, item kind, pair) table, and the
    parameters behind it.

    ``adoption.points`` gives each outlet-and-section pair its points; a
    group's own ``adoption.group_points`` replace them for that group, and
    ``adoption.multiplier`` scales them for an item kind. An axis a rulebook
    does not vary by has length 1, so the lookup is one take per adoption.
    """
    p = ctx.p
    values = ctx.pair_values("adoption.points")[None, None, :]
    rules = ["adoption.points"]
    if p.has("adoption.group_points"):
        values = np.repeat(values, len(ctx.groups), axis=0)
        for group, outlets in p.table("adoption.group_points").items():
            for outlet, sections in outlets.items():
                for section, v in sections.items():
                    values[ctx.groups.index(group), 0, ctx.pair_code(outlet, section)] = v
        rules.append("adoption.group_points")
    if p.has("adoption.multiplier"):
        values = np.repeat(values, len(KIND), axis=1)
        outlet_of_pair = [o for o, _ in ctx.pairs]
        for kind, outlets in p.table("adoption.multiplier").items():
            for outlet, factor in outlets.items():
                pairs = [i for i, o in enumerate(outlet_of_pair) if o == outlet]
                values[:, KIND[kind], pairs] = values[:, KIND[kind], pairs] * factor
        rules.append("adoption.multiplier")
    return values, rules


@component("adoption_points", zh="采用计分", en="points for each adoption by an outlet and section",
           credits={"adoption": "adoption"}, feature=_adoption_feature, narrow=_adoption_cells, params=(
    Spec("adoption.points", "number", "刊物采用计分", "points per adoption, by outlet and section", "points an adoption",
         0, 1000, keys="outlets", below=("sections",)),
    Spec("adoption.group_points", "number", "某组的采用计分", "a group's own points for some outlet sections",
         "points an adoption", 0, 1000, keys="groups", below=("outlets", "sections"), default={},
         cite="default: the same points for every group"),
    Spec("adoption.multiplier", "number", "某类信息采用计分倍数", "factor on an item kind's adoption by an outlet",
         "times", 0, 10, keys="item_kinds", below=("outlets",), default={}, cite="default: no factor"),
    Spec("adoption.combine", "choice", "同一信息多次采用:累加或只记最高分",
         "several adoptions of one item: sum them, or only the highest (credited as it rises)",
         choices=("sum", "highest"), default="sum", cite="decision C-2"),
    UNSCORED,
))
def adoption_points(ctx: Context) -> list:
    """Each adoption scores its outlet-and-section points to the item's lead
    unit, in the period of the adoption's own date.

    Parameters: ``adoption.points`` (the catalogue's point table),
    ``adoption.combine`` (``sum``: every adoption scores, C-2; ``highest``:
    only the item's highest, credited as it rises, C-8), optional
    ``adoption.group_points`` (a group's own points for some sections) and
    ``adoption.multiplier`` (item kind → outlet → factor).
    """
    b, p = ctx.b, ctx.p
    table, rules = adoption_table(ctx)
    unscored = ctx.kind_mask(p["items.unscored_kinds"] if "items.unscored_kinds" in p else ())
    if unscored.any() and not ctx.trace and b.keys.all_in_scope:
        # only kinds score nothing: 0 in the table for them, no mask over the adoptions
        # (explanations keep the mask, to say why those adoptions scored nothing)
        table = np.repeat(table, len(KIND), axis=1) if table.shape[1] == 1 else table.copy()
        table[:, unscored] = 0.0
        scores = None
    else:
        scores = ctx.item_scores("adoption")  # None: every adoption's item may score
    n_groups, n_kinds, n_pairs = table.shape
    if n_groups == n_kinds == 1:
        values = np.take(table[0, 0], b.ad_pair)
    else:  # each adoption's entry of the (group, kind, pair) table, its index made in place
        if n_groups > 1:
            index = np.multiply(b.keys.ad_group, n_kinds, dtype=np.intp)
            if n_kinds > 1:
                index += b.keys.ad_kind
        else:
            index = b.keys.ad_kind.astype(np.intp)
        index *= n_pairs
        index += b.ad_pair
        values = np.take(table, index)
    # 0 where the item scores nothing (a product: np.where with a scalar is slower)
    basis = values if scores is None else values * scores
    highest = p["adoption.combine"] == "highest"
    # the rises scan in the values when nothing else reads them (no explanation lists their basis)
    spare = not ctx.trace and scores is None and table.min() >= 0
    credit = credit_rises(b.keys.ad_runs, basis, spare) if highest else basis
    rules.append("adoption.combine")
    out = [ctx.credit("adoption", rules, "adoption", credit, lambda: scored_in_year(b, b.ad_month, scores), basis,
                      note="highest so far: credited the rise" if highest else "")]
    if ctx.trace and scores is not None:
        out += scores_nothing(ctx, "adoption", b.in_year(b.ad_month) & ~scores)
    return out


def scored_in_year(b, month: np.ndarray, scores: np.ndarray | None) -> np.ndarray:
    """Rows dated in the year whose item may score (``scores``, ``None``: all)."""
    return b.in_year(month) if scores is None else b.in_year(month) & scores


@component("first_adoption_bonus", zh="完成任务并被采用另加分", en="extra points once for an adopted item of some kinds",
           credits={"bonus": "adoption"}, feature=_bonus_feature, params=(
    Spec("bonus.kinds", "set", "被采用另加分的信息类型", "item kinds earning the extra bonus once adopted",
         choices="item_kinds"),
    Spec("bonus.points", "number", "被采用另加分", "extra points, once, on the date of the item's first adoption",
         "points an item", 0, 1000),
    Spec("bonus.per", "choice", "加分方式:每条信息一次,或每次采用", "the bonus once per item (item) or for every adoption (adoption)",
         choices=("item", "adoption"), default="item", cite="default: once per item (decision LY-1)"),
))
def first_adoption_bonus(ctx: Context) -> list:
    """Decision LY-1: an item of ``bonus.kinds`` with at least one adoption earns
    ``bonus.points`` once, on the date of its first adoption (``bonus.per`` =
    ``adoption``: on every adoption)."""
    b, p = ctx.b, ctx.p
    rows = b.keys.ad_runs.first_rows if p["bonus.per"] == "item" else np.arange(len(b.ad_item))
    item = b.ad_item[rows]
    earns = ctx.of_kinds(b.item_kind[item], p["bonus.kinds"])
    if not b.keys.all_in_scope:
        earns &= b.item_in_scope[item]
    earns = np.compress(earns, rows)  # (np.compress: several times faster than a[mask] for a sparse mask)
    if b.keys.ad_runs.order is not None and p["bonus.per"] == "item":
        earns.sort()
    # a few rows earn it: listed as they are (their slots are the adoptions'), not summed over every adoption
    slot = b.keys.slots("adoption", ctx.quarter_of_month)[earns]
    in_year = slot < b.n_reps * b.n_units * N_PERIODS
    return [Points("bonus", ("bonus.points", "bonus.kinds", "bonus.per"), "adoption", np.compress(in_year, earns),
                   np.compress(in_year, slot), np.full(np.count_nonzero(in_year), float(p["bonus.points"])), b.n_units,
                   note="first adoption of the item" if p["bonus.per"] == "item" else "an adoption of the item")]


def scores_nothing(ctx: Context, source: str, unscored: np.ndarray) -> list[Points]:
    """Zero-point records (trace mode) that say why adoptions or
    instructions dated in the year scored nothing."""
    if not unscored.any():
        return []
    rules = ["items.unscored_kinds"] if "items.unscored_kinds" in ctx.p else []
    return [ctx.credit(source, rules, source, np.zeros(len(unscored)), unscored,
                       note="item out of scope (C-5) or of a kind that scores nothing")]
