"""The year's standing: year vetoes and the zero rule, ranks (with a rank
override), and awards."""

from __future__ import annotations

import numpy as np

from ..engine.batch import EVENT, LEVEL
from ..engine.context import Context
from ..engine.outcome import Outcome
from ..engine.ranking import count_beyond
from .registry import Spec, component


def _year_veto_feature(rb) -> dict:
    p = rb.parameters
    vetoes = []
    if p["veto.year_events"]:
        vetoes.append(f"year: {', '.join(p['veto.year_events'])}")
    if p["veto.without_adoption"]:
        vetoes.append("year: no adoption in the year")
    return {"vetoes": "; ".join(vetoes)} if vetoes else {}


def _rank_feature(rb) -> dict:
    p = rb.parameters
    if not p["override.enabled"]:
        return {}
    return {"vetoes": f"override: {'/'.join(p['override.levels'])} instruction → rank 1"}


def _bands_feature(rb) -> dict:
    p = rb.parameters
    parts = []
    lower = {g: 0 for g in rb.groups}
    for name, table in p.table("award.top").items():
        parts.append(f"{name}: " + ", ".join(f"{g} {lower[g] + 1}–{n}" for g, n in table.items()))
        lower.update(table)
    return {"awards": "; ".join(parts)}


def _tiers_feature(rb) -> dict:
    p = rb.parameters
    return {"awards": f"no-deduction: top {p['award.top_percent']}% (rounded up); the rest in "
                      f"{p['award.later_tiers']} deduction tiers by rank"}


def _top_bottom_feature(rb) -> dict:
    p = rb.parameters
    if p["award.advanced_top"] == 0 and p["award.criticised_bottom"] == 0:
        return {}
    by = " by the year's points" if p["award.by"] == "points" else ""
    return {"awards": f"advanced{by}: top {p['award.advanced_top']} unless ≥ {p['award.disqualify_count']} "
                      f"{p['award.disqualify_event']}; criticised: bottom {p['award.criticised_bottom']}"}


@component("year_vetoes", kind="step", phase="veto", zh="年度否决", en="the year's final set to 0 for some events, or without an adoption",
           feature=_year_veto_feature, params=(
    Spec("veto.year_events", "set", "年度考核计零分的事项", "events that set the year's final score to 0",
         choices="event_kinds", default=(), cite="decision C-7"),
    Spec("veto.without_adoption", "bool", "全年未被采用信息的单位计零分",
         "a unit none of whose items is adopted in the year scores 0", default=False, cite="decision C-7"),
))
def year_vetoes(ctx: Context, o: Outcome) -> None:
    """C-7: ``final`` = 0 after everything else for a unit with any event of
    ``veto.year_events`` in the year, or — with ``veto.without_adoption`` — none
    of whose in-scope items has an adoption dated in the year (a zero rule)."""
    p = ctx.p
    vetoed = np.zeros((ctx.n_reps, ctx.n_units), bool)
    for kind in p["veto.year_events"]:
        vetoed |= ctx.event_counts(EVENT[kind]) > 0
    rules = ["veto.year_events", "veto.without_adoption"]
    if p["veto.without_adoption"]:
        vetoed |= ~ctx.adopted_in_year()
    o.final = np.where(vetoed, 0.0, o.final)
    o.add_step("year veto: final set to 0", rules, year_vetoed=vetoed)


def override_units(ctx: Context, o: Outcome) -> np.ndarray:
    """(R, U) units put first of their group for the year (视为年度排名第一):
    the lead unit of an in-scope item not of ``override.exclude_kinds`` with an
    instruction of a level in ``override.levels`` dated in the year, unless
    the unit's year is vetoed."""
    p = ctx.p
    if not p["override.enabled"]:
        return np.zeros((ctx.n_reps, ctx.n_units), bool)
    out = ctx.instructed(tuple(sorted(LEVEL[x] for x in p["override.levels"])), tuple(sorted(p["override.exclude_kinds"])))
    vetoed = o.columns.get("year_vetoed")
    return out & ~vetoed if vetoed is not None else out


@component("rank_units", kind="step", phase="rank", zh="组内排名", en="rank within the group by the final (ties share the best rank), with an optional override",
           feature=_rank_feature, params=(
    Spec("override.enabled", "bool", "某级领导批示视为年度排名第一", "an instruction of some levels puts the unit first of its group",
         default=False, cite="default: no override"),
    Spec("override.levels", "set", "视为排名第一的批示级别", "instruction levels that put a unit first", choices="levels",
         when=("override.enabled", True)),
    Spec("ranking.ties", "choice", "并列名次", "tied units share the best rank of the tie (best) or the worst (worst)",
         choices=("best", "worst"), default="best", cite="decision C-6"),
    Spec("ranking.decimals", "integer", "比较得分时保留的小数位", "decimal places scores are rounded to before ranking",
         "decimal places", 0, 12, default=6, cite="decision C-6"),
    Spec("override.exclude_kinds", "set", "不适用排名第一的信息类型", "item kinds whose instructions do not put a unit first",
         choices="item_kinds", default=(), cite="default: every kind"),
))
def rank_units(ctx: Context, o: Outcome) -> None:
    """Rank within the scoring group by ``final`` (C-6: 1 = best, ties share
    the best rank). Units of :func:`override_units` share rank 1 and every
    other unit's rank moves down by their number."""
    groups = ctx.scoring_group
    decimals = int(ctx.p["ranking.decimals"])
    worst = ctx.p["ranking.ties"] == "worst"

    def rank(eligible=None):
        if eligible is None:  # the counts the award step reads too
            higher, lower = ctx.standing(o.final, decimals)
            return 1 + higher if not worst else group_sizes(ctx)[None, :] - lower
        if not worst:
            return 1 + count_beyond(o.final, groups, eligible, higher=True, decimals=decimals)
        ok = np.ones(o.final.shape, bool) if eligible is None else eligible
        size = np.zeros((o.final.shape[0], len(ctx.groups)), dtype=np.int64)
        np.add.at(size, (np.nonzero(ok)[0], groups[np.nonzero(ok)[1]]), 1)
        lower = count_beyond(o.final, groups, eligible, higher=False, decimals=decimals)
        return np.where(ok, size[:, groups] - lower, 0)  # 1 + those above + those tied

    if ctx.p["override.enabled"]:
        first = override_units(ctx, o)
        n_first = np.zeros((o.final.shape[0], len(ctx.groups)), dtype=np.int64)
        np.add.at(n_first, (np.nonzero(first)[0], groups[np.nonzero(first)[1]]), 1)
        others = rank(~first)
        o.rank = np.where(first, 1, others + n_first[:, groups])
        o.add_step("ranked first of the group by a national leader's instruction",
                   ["override.enabled", "override.levels", "override.exclude_kinds"], ranked_first=first)
    else:
        o.rank = rank()


def group_sizes(ctx: Context) -> np.ndarray:
    """(U,) number of units in each unit's scoring group."""
    g = ctx.scoring_group
    return np.bincount(g, minlength=len(ctx.groups))[g]


@component("award_bands", kind="step", phase="award", zh="按名次评定等次", en="award bands by rank, per group",
           feature=_bands_feature, params=(
    Spec("award.top", "integer", "各等次:组内前N名", "award → group → the last rank of the band", "ranks", 0, 1000,
         keys="awards", below=("groups",)),
))
def award_bands(ctx: Context, o: Outcome) -> None:
    """``award.top.<award>.<group>`` = N: the first award (in file order) whose
    N ≥ the unit's rank (C-6: a tie at the edge enlarges the band)."""
    table = ctx.p.table("award.top")
    award = np.zeros(o.rank.shape, dtype=np.int8)
    for name in reversed(list(table)):
        n = ctx.by_group(f"award.top.{name}", scoring=True)
        award = np.where(o.rank <= n[None, :], o.award_code(name), award)
    o.award = award
    o.add_step("award bands by rank", ["award.top"])


@component("award_tiers", kind="step", phase="award", zh="不扣分档与扣分档", en="a no-deduction tier by share of the group, the rest in deduction tiers",
           feature=_tiers_feature, params=(
    Spec("award.top_percent", "integer", "不扣分档:组内前百分之几", "no-deduction tier: top share of the group",
         "% of the group", 0, 100),
    Spec("award.later_tiers", "integer", "其余单位分几档扣分", "number of deduction tiers for the rest", "tiers", 1, 10),
    Spec("award.top_rounding", "choice", "不扣分档人数取整", "the no-deduction tier's size rounded up, down or to the nearest",
         choices=("up", "down", "nearest"), default="up", cite="decision JD-2"),
    Spec("award.remainder_to", "choice", "余下名次归入的档", "positions left over go one each to the first tiers or the last",
         choices=("first", "last"), default="first", cite="decision JD-2"),
))
def award_tiers(ctx: Context, o: Outcome) -> None:
    """Award tiers by rank: ranks ≤ k = ⌈``award.top_percent`` % × group size⌉
    are ``no-deduction``; the remaining r = n − k rank positions are split
    over ``award.later_tiers`` = t tiers ``deduction-1`` … in order, each
    r // t positions plus one for the first r % t tiers (JD-2)."""
    p = ctx.p
    t = int(p["award.later_tiers"])
    names = ["no-deduction"] + [f"deduction-{i}" for i in range(1, t + 1)]
    n = group_sizes(ctx)
    share = int(p["award.top_percent"]) * n
    k = {"up": (share + 99) // 100, "down": share // 100, "nearest": (share + 50) // 100}[p["award.top_rounding"]]
    r = n - k
    last = p["award.remainder_to"] == "last"
    codes = [o.award_code(x) for x in names]
    upper = k.copy()
    award = np.where(o.rank <= upper[None, :], codes[0], 0)
    for i in range(1, t + 1):
        size = r // t + ((i > t - r % t) if last else (i <= r % t))
        lower, upper = upper, upper + size
        award = np.where((o.rank > lower[None, :]) & (o.rank <= upper[None, :]), codes[i], award)
    o.award = award.astype(np.int8)
    o.add_step("award tier by rank", ["award.top_percent", "award.later_tiers", "award.top_rounding",
                                      "award.remainder_to"])


@component("award_top_and_bottom", kind="step", phase="award", zh="先进与通报", en="top ranks advanced unless disqualified, the lowest criticised",
           feature=_top_bottom_feature, params=(
    Spec("award.advanced_top", "integer", "先进:前N名", "advanced: ranks 1..N", "ranks", 0, 1000, default=3,
         cite="default: top three"),
    Spec("award.criticised_bottom", "integer", "通报批评:排名靠后的N个", "criticised: the N lowest-ranked units", "units",
         0, 1000, default=3, cite="default: bottom three"),
    Spec("award.disqualify_event", "choice", "取消先进资格的事项", "event that disqualifies a unit from advanced",
         choices="event_kinds", default="commission_missed", cite="default: commission_missed (decision LY-2)"),
    Spec("award.disqualify_count", "integer", "取消先进资格的事项次数", "events in the year that disqualify (0: none does)",
         "events a year", 0, 100, default=0, cite="default: nobody is disqualified"),
    Spec("award.by", "choice", "评先依据:最终得分或年度积分", "advanced and criticised by the final score (final) or the year's raw points (points)",
         choices=("final", "points"), default="final", cite="default: by the final score"),
))
def award_top_and_bottom(ctx: Context, o: Outcome) -> None:
    """Ranks ≤ ``award.advanced_top`` are ``advanced`` unless the unit has at
    least ``award.disqualify_count`` events of ``award.disqualify_event``; a
    unit is ``criticised`` when fewer than ``award.criticised_bottom`` units
    of its group have a strictly lower final. Advanced wins over criticised."""
    p = ctx.p
    count = int(p["award.disqualify_count"])
    bad = (ctx.event_counts(EVENT[p["award.disqualify_event"]]) >= count) & (count > 0)
    by_points = p["award.by"] == "points"
    higher, lower = ctx.standing(o.points if by_points else o.final)
    rank = 1 + higher if by_points else o.rank
    advanced = (rank <= p["award.advanced_top"]) & ~bad
    criticised = lower < p["award.criticised_bottom"]
    award = np.where(criticised, o.award_code("criticised"), 0)
    award = np.where(advanced, o.award_code("advanced"), award).astype(np.int8)
    o.award = award
    o.add_step(
        "awards: top ranks advanced unless disqualified, the lowest criticised",
        ["award.advanced_top", "award.disqualify_event", "award.disqualify_count", "award.criticised_bottom",
         "award.by"],
        disqualified=bad,
    )
