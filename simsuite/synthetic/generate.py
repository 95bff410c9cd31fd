"""Synthetic submission histories, generated straight into scoring arrays.

Each unit's latent traits (activity, quality, reliability) are drawn once per
scenario from ``SeedSequence(seed, spawn_key=(0,))``: replicates are the same
units living through different years. Replicates are drawn in fixed blocks of
:data:`BLOCK`: block b draws from its own stream
``SeedSequence(seed, spawn_key=(1, b))``, so a replicate's history
depends only on the seed and its block, never on how many replicates are
generated at once — chunks of any multiple of the block give the same
results. Within a block every draw is one vectorised numpy call over
replicates, units, months and items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.batch import Batch, expand_csr, left_out_report
from ..engine.calendar import Calendar
from ..engine.rulebook import Rulebook
from ..ledger import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS
from ..params import OUTLET_LEVELS
from .behaviour import Behaviour

#: replicates per random stream; chunks are whole blocks
BLOCK = 16

KIND_RESEARCH = (ITEM_KINDS.index("research"), ITEM_KINDS.index("commissioned"))


@dataclass
class Synthetic:
    """R replicate histories as scoring arrays, with each unit's latent traits."""

    batch: Batch
    quality: np.ndarray  # (R, U) latent quality, 0–1
    activity: np.ndarray  # (R, U) mean items a month
    reliability: np.ndarray  # (R, U)
    first_replicate: int


def generate(rulebook: Rulebook, units: pd.DataFrame, year: int, behaviour: Behaviour | None = None,
             replicates: int | range = 1, seed: int = 0) -> Synthetic:
    """Histories for ``replicates`` (a count, or a range of replicate numbers)
    of ``units`` under ``rulebook``'s catalogue. Replicate r is the same
    history whichever range it is drawn in."""
    behaviour = behaviour or Behaviour.make()
    reps = range(replicates) if isinstance(replicates, int) else replicates
    calendar = rulebook.calendar(year)
    group_code = np.array([rulebook.groups.index(g) for g in units["group"]], dtype=np.int32)
    model = _Model(rulebook, behaviour, calendar, group_code)
    traits = model.traits(_stream(seed, 0))
    parts = []
    for b in range(reps.start // BLOCK, -(-reps.stop // BLOCK)):  # loop over blocks of replicates
        lo, hi = max(reps.start, b * BLOCK), min(reps.stop, (b + 1) * BLOCK)
        part = model.block(_stream(seed, 1, b), *traits)
        parts.append(_take(part, lo - b * BLOCK, hi - b * BLOCK, offset=lo - reps.start))
    return _assemble(parts, units.reset_index(drop=True), group_code, calendar, len(reps), reps.start)


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


class _Model:
    """Per-unit parameter arrays, computed once, and the draw of one block."""

    def __init__(self, rulebook: Rulebook, behaviour: Behaviour, calendar: Calendar, group_code: np.ndarray):
        self.rb, self.cal, self.g = rulebook, calendar, group_code
        groups = rulebook.groups
        per = lambda path: behaviour.by_group(path, groups)[group_code]  # noqa: E731
        self.U = len(group_code)
        self.activity_mean = per("activity.mean")
        self.unit_shape = per("activity.unit_shape")
        self.month_shape = per("activity.month_shape")
        profile = per("activity.month_profile")  # (U, 12) by calendar month
        first = calendar.first_month - 1
        self.profile = profile[:, (np.arange(12) + first) % 12]  # by month of the assessment year
        shares = per("kinds.share")
        self.kind_cum = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
        self.q_mean, self.q_conc = per("quality.mean"), per("quality.concentration")
        self.r_mean, self.r_conc = per("reliability.mean"), per("reliability.concentration")
        chance = per("adoption.chance")  # (U, 4) by level
        self.adopt_logit = np.log(chance / np.clip(1 - chance, 1e-12, None))
        self.quality_effect = per("adoption.quality_effect")
        self.research_boost = per("adoption.research_boost")
        self.delay = per("adoption.delay_days")
        self.ins_chance = per("instruction.chance")
        ins_share = per("instruction.kind_share")
        self.ins_kind_cum = np.cumsum(ins_share / ins_share.sum(axis=1, keepdims=True), axis=1)
        self.ins_delay = per("instruction.delay_days")
        self.co_chance = per("co_submission.chance")
        self.scope_chance = per("in_scope.chance")
        self.direct_chance = per("direct_report.chance")
        self.event_rate = per("events.rate")  # (U, E) in EVENT_KINDS order
        self.basic_met = per("checklist.basic_met")
        levels = rulebook.file.meta.get("instruction_levels", {})
        self.level_pairs = pairs_by_level(rulebook)
        self.level_instruction = [INSTRUCTION_LEVELS.index(levels.get(lv, "national")) for lv in OUTLET_LEVELS]
        self.basic_lines = np.array([i for i, line in enumerate(rulebook.checklist_lines) if line.startswith("basic")])
        month_starts = np.array([np.datetime64(calendar.start_month + m, "M").astype("datetime64[D]").astype(np.int64)
                                 for m in range(13)])
        self.month_start, self.month_days = month_starts[:12], np.diff(month_starts)
        self.year_start, self.year_days = int(month_starts[0]), int(month_starts[12] - month_starts[0])

    def traits(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each unit's latent activity (items a month), quality and reliability."""
        U = self.U
        activity = self.activity_mean * rng.gamma(self.unit_shape, 1 / self.unit_shape, U)
        quality = rng.beta(self.q_mean * self.q_conc, (1 - self.q_mean) * self.q_conc, U)
        reliability = rng.beta(self.r_mean * self.r_conc, (1 - self.r_mean) * self.r_conc, U)
        return activity, quality, reliability

    def block(self, rng: np.random.Generator, activity, quality, reliability) -> dict[str, np.ndarray]:
        B, U = BLOCK, self.U
        activity, quality, reliability = (np.broadcast_to(x, (B, U)) for x in (activity, quality, reliability))
        # items: over-dispersed monthly counts (gamma–Poisson)
        noise = rng.gamma(self.month_shape[:, None], 1 / self.month_shape[:, None], (B, U, 12))
        counts = rng.poisson(activity[:, :, None] * self.profile[None] * noise)
        cell = np.repeat(np.arange(B * U * 12), counts.ravel())
        rep, unit, month = cell // (U * 12), (cell // 12) % U, cell % 12
        n = len(cell)
        day = self.month_start[month] + (rng.random(n) * self.month_days[month]).astype(np.int64)
        kind = _draw_categories(rng.random(n), self.kind_cum, unit).astype(np.int8)
        q_item = quality[rep, unit]
        mark = np.clip(np.round(10 * (q_item + rng.normal(0, 0.1, n))), 0, 10)
        in_scope = rng.random(n) < self.scope_chance[unit]
        # co-submission: one other unit
        has_co = (rng.random(n) < self.co_chance[unit]) & (U > 1)
        co_unit = ((unit[has_co] + 1 + rng.integers(0, max(U - 1, 1), has_co.sum())) % U).astype(np.int32)
        co_ptr = np.concatenate([[0], np.cumsum(has_co)])
        # direct reports: sent to one outlet section a level up
        up1 = self.level_pairs[1]
        sends = (rng.random(n) < self.direct_chance[unit]) & (len(up1) > 0)
        sent_pair = up1[rng.integers(0, max(len(up1), 1), sends.sum())] if len(up1) else np.zeros(0, np.int64)
        sent_ptr = np.concatenate([[0], np.cumsum(sends)])
        # adoption cascade: level by level, each step conditional on the last
        logit_base = self.quality_effect[unit] * (q_item - 0.5) + np.where(
            np.isin(kind, KIND_RESEARCH), self.research_boost[unit], 0.0)
        alive = np.ones(n, bool)
        last_day = day.copy()
        ad, ins = [], []
        for lv in range(len(OUTLET_LEVELS)):  # four outlet levels
            pairs = self.level_pairs[lv]
            if len(pairs) == 0:
                continue  # no outlet at this level: the climb skips it
            p = 1 / (1 + np.exp(-(self.adopt_logit[unit, lv] + logit_base)))
            alive &= rng.random(n) < p
            rows = np.flatnonzero(alive)
            last_day[rows] += 1 + rng.geometric(1 / (1 + self.delay[unit[rows], lv]), len(rows)) - 1
            ad.append((rows, pairs[rng.integers(0, len(pairs), len(rows))], last_day[rows].copy()))
            drawn = rng.random(len(rows)) < self.ins_chance[unit[rows], lv]
            irows = rows[drawn]
            ikind = _draw_categories(rng.random(len(irows)), self.ins_kind_cum, unit[irows])
            iday = last_day[irows] + rng.geometric(1 / (1 + self.ins_delay[unit[irows]]), len(irows)) - 1
            ins.append((irows, np.full(len(irows), self.level_instruction[lv]), ikind, iday))
        ad_item, ad_pair, ad_day = (np.concatenate(x) for x in zip(*ad)) if ad else (np.zeros(0, np.int64),) * 3
        # list each item's adoptions together; level by level they are already
        # in date order, so the batch is ordered by (item, date) as scoring
        # prefers (C-8 then needs no sort)
        by_item = np.argsort(ad_item, kind="stable")
        ad_item, ad_pair, ad_day = ad_item[by_item], ad_pair[by_item], ad_day[by_item]
        ins_item, ins_level, ins_kind, ins_day = (np.concatenate(x) for x in zip(*ins)) if ins else (np.zeros(0, np.int64),) * 4
        # unit events: Poisson per kind, scaled by unreliability
        rates = self.event_rate[None] * np.where(
            np.arange(len(EVENT_KINDS)) == EVENT_KINDS.index("secondment"), 1.0, 2 * (1 - reliability)[:, :, None])
        ev_counts = rng.poisson(rates)
        ev_cell = np.repeat(np.arange(ev_counts.size), ev_counts.ravel())
        E = len(EVENT_KINDS)
        ev_rep, ev_unit, ev_kind = ev_cell // (U * E), (ev_cell // E) % U, ev_cell % E
        ev_day = self.year_start + rng.integers(0, self.year_days, len(ev_cell))
        # checklist: a row only for basic lines not met (absent = met)
        L = len(self.basic_lines)
        unmet = rng.random((B, U, L)) >= self.basic_met[None, :, None]
        ck_rep, ck_unit, ck_l = np.nonzero(unmet)
        return dict(
            activity=activity, quality=quality, reliability=reliability,
            item_rep=rep, item_unit=unit, item_day=day, item_kind=kind, item_in_scope=in_scope, item_quality=mark,
            co_ptr=co_ptr, co_unit=co_unit, sent_ptr=sent_ptr, sent_pair=sent_pair,
            ad_item=ad_item, ad_pair=ad_pair, ad_day=ad_day,
            ins_item=ins_item, ins_level=ins_level, ins_kind=ins_kind, ins_day=ins_day,
            ev_rep=ev_rep, ev_unit=ev_unit, ev_kind=ev_kind, ev_day=ev_day,
            ck_rep=ck_rep, ck_unit=ck_unit, ck_line=self.basic_lines[ck_l] if L else ck_l,
        )


def pairs_by_level(rulebook: Rulebook) -> list[np.ndarray]:
    """For each outlet level (own, one up, two up, national), the codes of
    the rulebook's outlet-section pairs at that level, in catalogue order."""
    return [np.array([i for i, (o, _) in enumerate(rulebook.pairs) if rulebook.file.outlets[o].level == lv],
                     dtype=np.int64) for lv in OUTLET_LEVELS]


def _draw_categories(u: np.ndarray, cum: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Category of each uniform draw ``u`` under its unit's cumulative shares
    ``cum[unit]``; units share few distinct share rows, one searchsorted each."""
    rows, which = np.unique(cum, axis=0, return_inverse=True)
    which = np.asarray(which).ravel()[unit]
    out = np.empty(len(u), dtype=np.int64)
    for k, row in enumerate(rows):  # one pass per distinct share vector (a group), not per item
        m = which == k
        out[m] = np.searchsorted(row, u[m], side="right")
    return np.minimum(out, cum.shape[1] - 1)


def _take(part: dict, lo: int, hi: int, offset: int) -> dict:
    """Replicates lo..hi of a block, renumbered from ``offset``."""
    if lo == 0 and hi == BLOCK:  # the whole block: only renumber
        out = dict(part)
        for k in ("item_rep", "ev_rep", "ck_rep"):
            out[k] = part[k] + offset
        return out
    keep_item = (part["item_rep"] >= lo) & (part["item_rep"] < hi)
    new_index = np.cumsum(keep_item) - 1
    out = {k: part[k][lo:hi] for k in ("activity", "quality", "reliability")}
    for k in ("item_rep", "item_unit", "item_day", "item_kind", "item_in_scope", "item_quality"):
        out[k] = part[k][keep_item]
    out["item_rep"] = out["item_rep"] - lo + offset
    kept = np.flatnonzero(keep_item)
    for ptr, flat in (("co_ptr", "co_unit"), ("sent_ptr", "sent_pair")):
        _, idx = expand_csr(part[ptr], kept)
        out[flat] = part[flat][idx]
        out[ptr] = np.concatenate([[0], np.cumsum(np.diff(part[ptr])[kept])])
    for prefix, fields in (("ad", ("pair", "day")), ("ins", ("level", "kind", "day"))):
        keep = keep_item[part[f"{prefix}_item"]]
        out[f"{prefix}_item"] = new_index[part[f"{prefix}_item"][keep]]
        for f in fields:
            out[f"{prefix}_{f}"] = part[f"{prefix}_{f}"][keep]
    for prefix, fields in (("ev", ("unit", "kind", "day")), ("ck", ("unit", "line"))):
        keep = (part[f"{prefix}_rep"] >= lo) & (part[f"{prefix}_rep"] < hi)
        out[f"{prefix}_rep"] = part[f"{prefix}_rep"][keep] - lo + offset
        for f in fields:
            out[f"{prefix}_{f}"] = part[f"{prefix}_{f}"][keep]
    return out


def _assemble(parts: list[dict], units: pd.DataFrame, group_code: np.ndarray, calendar: Calendar,
              n_reps: int, first: int) -> Synthetic:
    def cat(key, dtype):
        return np.concatenate([p[key] for p in parts]).astype(dtype, copy=False)

    def cat_items(key, dtype):
        """Item pointers shift by the items of earlier parts."""
        offsets = np.cumsum([0] + [len(p["item_rep"]) for p in parts[:-1]])
        return np.concatenate([p[key] + o for p, o in zip(parts, offsets)]).astype(dtype, copy=False)

    def cat_ptr(key):
        out, base = [np.zeros(1, np.int64)], 0
        for p in parts:
            out.append(p[key][1:] + base)
            base += p[key][-1]
        return np.concatenate(out).astype(np.int64)

    batch = Batch(
        calendar=calendar, units=units, group=group_code, n_reps=n_reps,
        item_rep=cat("item_rep", np.int32), item_unit=cat("item_unit", np.int32), item_day=cat("item_day", np.int32),
        item_kind=cat("item_kind", np.int8), item_in_scope=cat("item_in_scope", bool),
        item_quality=cat("item_quality", np.float64),
        co_ptr=cat_ptr("co_ptr"), co_unit=cat("co_unit", np.int32),
        sent_ptr=cat_ptr("sent_ptr"), sent_pair=cat("sent_pair", np.int32),
        ad_item=cat_items("ad_item", np.int64), ad_pair=cat("ad_pair", np.int32), ad_day=cat("ad_day", np.int32),
        ins_item=cat_items("ins_item", np.int64), ins_level=cat("ins_level", np.int8),
        ins_kind=cat("ins_kind", np.int8), ins_day=cat("ins_day", np.int32),
        ev_rep=cat("ev_rep", np.int32), ev_unit=cat("ev_unit", np.int32), ev_kind=cat("ev_kind", np.int8),
        ev_day=cat("ev_day", np.int32), ev_count=np.ones(sum(len(p["ev_rep"]) for p in parts), np.int64),
        ck_rep=cat("ck_rep", np.int32), ck_unit=cat("ck_unit", np.int32), ck_line=cat("ck_line", np.int32),
        ck_met=np.zeros(sum(len(p["ck_rep"]) for p in parts), bool),
    )
    batch.left_out = left_out_report(batch)
    return Synthetic(
        batch=batch,
        quality=np.concatenate([p["quality"] for p in parts]),
        activity=np.concatenate([p["activity"] for p in parts]),
        reliability=np.concatenate([p["reliability"] for p in parts]),
        first_replicate=first,
    )



def to_history(synthetic: Synthetic, rulebook: Rulebook, replicate: int = 0):
    """One replicate as a ledger in the FORMAT.md layout, through the ledger
    loader's checks (so a generated history is valid by the same rules as a
    bureau's)."""
    from ..ledger import history_from_records

    b = synthetic.batch
    rows = np.flatnonzero(b.item_rep == replicate)
    ids = np.array([f"S{k + 1:05d}" for k in range(len(rows))], dtype=object)
    item_id = np.full(len(b.item_rep), "", dtype=object)
    item_id[rows] = ids
    unit_ids = b.units["unit_id"].to_numpy(object)
    pair_names = np.array([f"{o}:{s}" for o, s in rulebook.pairs], dtype=object)

    def dates(d):
        return np.asarray(d, dtype="int64").astype("datetime64[D]").astype(str)

    def lists(ptr, flat, names):
        return [";".join(names[flat[ptr[n]:ptr[n + 1]]]) for n in rows]

    items = pd.DataFrame({
        "item_id": ids, "unit_id": unit_ids[b.item_unit[rows]], "date": dates(b.item_day[rows]),
        "kind": np.array(ITEM_KINDS, dtype=object)[b.item_kind[rows]],
        "co_units": lists(b.co_ptr, b.co_unit, unit_ids), "quality": b.item_quality[rows],
        "in_scope": b.item_in_scope[rows], "sent_to": lists(b.sent_ptr, b.sent_pair, pair_names),
    })
    ad = np.flatnonzero(b.item_rep[b.ad_item] == replicate)
    outlet_section = np.array(rulebook.pairs, dtype=object)[b.ad_pair[ad]] if len(ad) else np.zeros((0, 2), object)
    adoptions = pd.DataFrame({"item_id": item_id[b.ad_item[ad]], "outlet": outlet_section[:, 0],
                              "section": outlet_section[:, 1], "date": dates(b.ad_day[ad])})
    ins = np.flatnonzero(b.item_rep[b.ins_item] == replicate)
    instructions = pd.DataFrame({
        "item_id": item_id[b.ins_item[ins]], "level": np.array(INSTRUCTION_LEVELS, dtype=object)[b.ins_level[ins]],
        "kind": np.array(INSTRUCTION_KINDS, dtype=object)[b.ins_kind[ins]], "date": dates(b.ins_day[ins])})
    ev = np.flatnonzero(b.ev_rep == replicate)
    events = pd.DataFrame({"unit_id": unit_ids[b.ev_unit[ev]], "date": dates(b.ev_day[ev]),
                           "kind": np.array(EVENT_KINDS, dtype=object)[b.ev_kind[ev]], "count": b.ev_count[ev]})
    ck = np.flatnonzero(b.ck_rep == replicate)
    checklist = pd.DataFrame({"unit_id": unit_ids[b.ck_unit[ck]],
                              "item": np.array(rulebook.checklist_lines, dtype=object)[b.ck_line[ck]] if len(ck) else [],
                              "met": b.ck_met[ck]})
    return history_from_records(units=b.units, items=items, adoptions=adoptions, instructions=instructions,
                                unit_events=events, checklist=checklist, vocabulary=rulebook.vocabulary,
                                source=f"synthetic replicate {synthetic.first_replicate + replicate}")
