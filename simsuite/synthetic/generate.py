"""Synthetic submission histories, generated straight into scoring arrays.

Each unit's latent traits (activity, quality, reliability) are drawn once per
scenario from ``SeedSequence(seed, spawn_key=(0,))``: replicates are the same
units living through different years. Replicates are drawn in fixed blocks of
:data:`BLOCK`: block b draws from its own stream
``SeedSequence(seed, spawn_key=(1, b))``, so a replicate's history
depends only on the seed and its block, never on how many replicates are
generated at once — chunks of any multiple of the block give the same
results.

Only the random draws go block by block (each block's stream fills its
block's slice of one array over the chunk); everything computed from them
is one vectorised numpy operation over every replicate, unit, month and
item of the chunk. Items are drawn by unit-month, so the batch's keys for
them (cell, month, unit-month) come with the draw instead of being worked
out again.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.batch import Batch, left_out_report
from ..engine.calendar import Calendar
from ..engine.order import Runs
from ..engine.rulebook import Rulebook
from ..ledger import EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS
from ..params import OUTLET_LEVELS
from .behaviour import Behaviour
from .effort import Effort

#: replicates per random stream; chunks are whole blocks
BLOCK = 16

RESEARCH, COMMISSIONED = ITEM_KINDS.index("research"), ITEM_KINDS.index("commissioned")
assert COMMISSIONED == RESEARCH + 1  # the adoption boost tests one range of kind codes


@dataclass
class Synthetic:
    """R replicate histories as scoring arrays, with each unit's latent traits."""

    batch: Batch
    quality: np.ndarray  # (R, U) latent quality, 0–1
    activity: np.ndarray  # (R, U) mean items a month
    reliability: np.ndarray  # (R, U)
    first_replicate: int


def generate(rulebook: Rulebook, units: pd.DataFrame, year: int, behaviour: Behaviour | None = None,
             replicates: int | range = 1, seed: int = 0, effort: Effort | None = None) -> Synthetic:
    """Histories for ``replicates`` (a count, or a range of replicate numbers)
    of ``units`` under ``rulebook``'s catalogue. Replicate r is the same
    history whichever range it is drawn in. ``effort``: every unit spends
    effort so (a strategic response); latent traits stay the units' own."""
    behaviour = (behaviour or Behaviour.make()).for_rulebook(rulebook.id)  # the jurisdiction's calibrated defaults
    reps = range(replicates) if isinstance(replicates, int) else replicates
    calendar = rulebook.calendar(year)
    group_code = np.array([rulebook.groups.index(g) for g in units["group"]], dtype=np.int32)
    model = _Model(rulebook, behaviour, calendar, group_code, units["unit_id"].astype(str).tolist(), effort)
    activity, quality, reliability = model.traits(_stream(seed, 0))
    first_block, end_block = reps.start // BLOCK, max(-(-reps.stop // BLOCK), reps.start // BLOCK)
    drawn = model.draw([_stream(seed, 1, b) for b in range(first_block, end_block)], activity, quality, reliability)
    lo = reps.start - first_block * BLOCK
    if lo or len(reps) < (end_block - first_block) * BLOCK:  # not whole blocks: keep the replicates asked for
        drawn = _take(drawn, lo, lo + len(reps), model.U)
    traits = [np.broadcast_to(x, (len(reps), model.U)).copy() for x in (activity, quality, reliability)]
    return _assemble(drawn, units.reset_index(drop=True), group_code, calendar, len(reps), reps.start, *traits)


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(_seed_sequence(seed, key)))


@functools.lru_cache(maxsize=1 << 12)
def _seed_sequence(seed: int, key: tuple[int, ...]) -> np.random.SeedSequence:
    """A stream's seed, hashed once: half the cost of making a stream, which
    a small run of 64 blocks pays 65 times a chunk (a stream only reads it)."""
    return np.random.SeedSequence(seed, spawn_key=key)


class _Blocks:
    """The streams of a chunk's blocks. A draw over rows of the chunk (rows
    ordered by replicate, ``bounds[b]:bounds[b + 1]`` those of block b) takes
    each block's slice from that block's stream, so a block draws the same
    numbers whichever other blocks are drawn with it."""

    def __init__(self, rngs: list[np.random.Generator]):
        self.rngs = rngs
        self._scratch: dict[str, np.ndarray] = {}

    def scratch(self, n: int, slot: str) -> np.ndarray:
        """A float buffer of ``n`` for a result used at once and then dropped:
        reusing it spares the page faults of fresh memory, a fifth of the time
        of drawing a chunk otherwise."""
        buf = self._scratch.get(slot)
        if buf is None or len(buf) < n:
            buf = self._scratch[slot] = np.empty(n)
        return buf[:n]

    def uniform(self, bounds: np.ndarray, slot: str | None = None) -> np.ndarray:
        return self._fill(bounds, slot, np.random.Generator.random)

    def exponential(self, bounds: np.ndarray, slot: str | None = None) -> np.ndarray:
        return self._fill(bounds, slot, np.random.Generator.standard_exponential)

    def _fill(self, bounds, slot, draw) -> np.ndarray:
        n = int(bounds[-1])
        out = np.empty(n) if slot is None else self.scratch(n, slot)
        for rng, lo, hi in zip(self.rngs, bounds[:-1], bounds[1:]):
            draw(rng, out=out[lo:hi])
        return out

    def integers(self, bounds: np.ndarray, high: int | np.ndarray) -> np.ndarray:
        """Uniform integers 0 … high − 1 (``high`` one number or one per row):
        the whole part of a uniform draw times ``high``, uniform to within
        2**-53, and far cheaper than a call of ``Generator.integers`` per block."""
        u = self.uniform(bounds, "u")
        u *= high
        return u.astype(np.int64)

    def per_block(self, draw, shape: tuple[int, ...]) -> np.ndarray:
        """``draw(rng)`` of ``(BLOCK, *shape)`` for each block, stacked."""
        return np.concatenate([draw(rng) for rng in self.rngs]) if self.rngs else np.zeros((0, *shape))


class _PerItem:
    """Each item's value of a per-unit table, by repeating each (replicate,
    unit) cell's value by the cell's items (items come cell by cell): runs
    of a few dozen copies, several times faster than a gather by unit."""

    def __init__(self, by_cell: np.ndarray, R: int):
        self.by_cell, self.R = by_cell, R

    def __call__(self, table: np.ndarray) -> np.ndarray:
        return np.repeat(np.tile(table, self.R), self.by_cell)


def _pick(u: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """One of ``pairs`` for each uniform draw ``u`` (overwritten), each as
    likely: ⌊k·U⌋; consecutive codes, as the catalogue lists a level's
    sections together, need no look-up."""
    u *= len(pairs)
    if np.array_equal(pairs, np.arange(pairs[0], pairs[0] + len(pairs))):
        u += pairs[0]
        return u.astype(np.int32)
    return pairs[u.astype(np.intp)].astype(np.int32)


def _within(rows: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Block bounds of a sorted subset ``rows`` of rows with block bounds ``bounds``."""
    return np.searchsorted(rows, bounds)


class _Model:
    """Per-unit parameter arrays, computed once, and the draw of a chunk."""

    def __init__(self, rulebook: Rulebook, behaviour: Behaviour, calendar: Calendar, group_code: np.ndarray,
                 unit_ids: list[str] | None = None, effort: Effort | None = None):
        self.rb, self.cal, self.g, self.effort = rulebook, calendar, group_code, effort
        groups = rulebook.groups
        unit_ids = unit_ids or []
        per = lambda path: behaviour.by_unit(path, unit_ids, behaviour.by_group(path, groups)[group_code])  # noqa: E731
        self.U = len(group_code)
        # calibrated units are themselves: fitted activity and quality, middling reliability (their
        # adoption chances and event rates are fitted as observed), the same in every replicate
        self.fixed = behaviour.calibrated(unit_ids) if unit_ids else np.zeros(self.U, bool)
        self.activity_mean = per("activity.mean")
        self.unit_shape = per("activity.unit_shape")
        self.month_shape = per("activity.month_shape")
        profile = per("activity.month_profile")  # (U, 12) by calendar month
        first = calendar.first_month - 1
        self.profile = profile[:, (np.arange(12) + first) % 12]  # by month of the assessment year
        self.kind_cum = _cumulative(per("kinds.share"))
        self.q_mean, self.q_conc = per("quality.mean"), per("quality.concentration")
        self.r_mean, self.r_conc = per("reliability.mean"), per("reliability.concentration")
        chance = per("adoption.chance")  # (U, 4) by level
        with np.errstate(divide="ignore"):  # a chance of 0 is a logit of −inf: never adopted
            self.adopt_logit = np.log(chance / np.clip(1 - chance, 1e-12, None))
        self.quality_effect = per("adoption.quality_effect")
        self.research_boost = per("adoption.research_boost")
        self.delay = per("adoption.delay_days")
        self.ins_chance = per("instruction.chance")
        self.ins_kind_cum = _cumulative(per("instruction.kind_share"))
        self.ins_delay = per("instruction.delay_days")
        self.co_chance = per("co_submission.chance")
        self.scope_chance = per("in_scope.chance")
        self.direct_chance = per("direct_report.chance")
        self.event_rate = per("events.rate")  # (U, E) in EVENT_KINDS order
        self.basic_met = per("checklist.basic_met")
        levels = rulebook.file.meta.get("instruction_levels", {})
        self.level_pairs = pairs_by_level(rulebook)
        self.level_instruction = [INSTRUCTION_LEVELS.index(levels.get(lv, "national")) for lv in OUTLET_LEVELS]
        self.basic_lines = np.array([i for i, line in enumerate(rulebook.checklist_lines) if line.startswith("basic")],
                                    dtype=np.int32)
        month_starts = np.array([np.datetime64(calendar.start_month + m, "M").astype("datetime64[D]").astype(np.int64)
                                 for m in range(13)])
        self.month_start, self.month_days = month_starts[:12].astype(np.float64), np.diff(month_starts).astype(np.float64)
        self.year_start, self.year_days = int(month_starts[0]), int(month_starts[12] - month_starts[0])
        if effort is not None:
            effort.apply(self)

    def traits(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each unit's latent activity (items a month), quality and reliability."""
        U = self.U
        activity = self.activity_mean * rng.gamma(self.unit_shape, 1 / self.unit_shape, U)
        quality = rng.beta(self.q_mean * self.q_conc, (1 - self.q_mean) * self.q_conc, U)
        reliability = rng.beta(self.r_mean * self.r_conc, (1 - self.r_mean) * self.r_conc, U)
        if self.fixed.any():  # drawn all the same, so uncalibrated units keep their traits
            activity = np.where(self.fixed, self.activity_mean, activity)
            quality = np.where(self.fixed, self.q_mean, quality)
            reliability = np.where(self.fixed, 0.5, reliability)
        return activity, quality, reliability

    def draw(self, rngs: list[np.random.Generator], activity, quality, reliability) -> dict[str, np.ndarray]:
        """The histories of the blocks whose streams are ``rngs``, replicates
        numbered from 0. Latent traits are per unit, the same in every
        replicate, so every chance that depends on them is a per-unit table."""
        blocks, U = _Blocks(rngs), self.U
        R = len(rngs) * BLOCK
        # items: over-dispersed monthly counts (gamma–Poisson), one row per item
        # in (replicate, unit, month) order; its position in that grid is
        # its unit-month key
        counts = self._monthly_counts(blocks, activity[:, None] * self.profile)
        if self.effort is not None:
            counts = self.effort.hold_back(counts)
        key = np.repeat(np.arange(R * U * 12, dtype=np.int64), counts.ravel())
        # rep, unit and month by repeating each cell's by its count, or by
        # one division (numpy's divmod is several times slower than either)
        by_cell = counts.sum(axis=2)
        by_rep = by_cell.sum(axis=1)
        bounds = np.concatenate([[0], np.cumsum(by_rep.reshape(len(rngs), BLOCK).sum(axis=1))])
        cell = key // 12
        month = np.multiply(cell, 12)
        np.subtract(key, month, out=month)
        rep = np.repeat(np.arange(R, dtype=np.int32), by_rep)
        per_item = _PerItem(by_cell.ravel(), R)
        unit = per_item(np.arange(U, dtype=np.int32))
        n = len(key)
        u, v = blocks.uniform(bounds, "u"), blocks.scratch(n, "v")
        u *= np.take(self.month_days, month, out=v, mode="clip")  # "clip": in range, and unbuffered
        u += np.take(self.month_start, month, out=v, mode="clip")
        day = u.astype(np.int32)
        kind = _categories(blocks.uniform(bounds, "u"), self.kind_cum, per_item)
        # a mark around ten times the unit's quality: round(10 (q + N(0, 0.1²)))
        # clipped to 0–10, at most k with chance Φ(k + ½ − 10 q); drawn from
        # each unit's table of these chances
        below = np.arange(10) + 0.5 - 10 * quality[:, None]
        marks = _Counts(np.concatenate([0.5 * _erfc(-below.T / np.sqrt(2)), np.ones((1, U))]), n // U)
        mark = marks.draw(blocks.uniform(bounds, "u"), per_item(np.arange(U, dtype=np.int32) * marks.G), np.float64, v)
        in_scope = _chance(blocks, bounds, self.scope_chance, per_item)
        # co-submission: one other unit
        if U < 2:
            co_rows = np.zeros(0, np.int64)
        elif (self.co_chance == self.co_chance[0]).all():
            co_rows = _bernoulli(blocks, bounds, self.co_chance[0])
        else:
            co_rows = np.flatnonzero(_chance(blocks, bounds, self.co_chance, per_item))
        has_co = np.zeros(n, bool)
        has_co[co_rows] = True
        co_unit = ((unit[co_rows] + 1 + blocks.integers(_within(co_rows, bounds), U - 1)) % U).astype(np.int32)
        # direct reports: sent to one outlet section a level up
        up1 = self.level_pairs[1]
        sends = _chance(blocks, bounds, self.direct_chance, per_item) if len(up1) else np.zeros(len(key), bool)
        sent_rows = np.flatnonzero(sends)
        sent_pair = _pick(blocks.uniform(_within(sent_rows, bounds), "u"), up1) if len(up1) else np.zeros(0, np.int32)
        ad, ins = self._cascade(blocks, bounds, unit, per_item, kind, day, quality)
        ev = self._events(blocks, reliability, R)
        # checklist: a row only for basic lines not met (absent = met)
        L = len(self.basic_lines)
        unmet = blocks.per_block(lambda rng: rng.random((BLOCK, U, L)), (U, L)) >= self.basic_met[None, :, None]
        ck_rep, ck_unit, ck_l = np.nonzero(unmet)
        return dict(
            item_key=key, item_cell=cell, item_month=month.astype(np.int16),
            item_rep=rep, item_unit=unit, item_day=day, item_kind=kind, item_in_scope=in_scope, item_quality=mark,
            has_co=has_co, co_rows=co_rows, co_unit=co_unit, sends=sends, sent_rows=sent_rows, sent_pair=sent_pair,
            month_counts=counts, **ad, **ins, **ev,
            ck_rep=ck_rep.astype(np.int32), ck_unit=ck_unit.astype(np.int32), ck_line=self.basic_lines[ck_l],
        )

    def _monthly_counts(self, blocks: _Blocks, mean: np.ndarray) -> np.ndarray:
        """Items of each (replicate, unit, month): Poisson with mean ``mean``
        (U, 12) times a Gamma(shape, 1/shape) month multiplier, i.e. negative
        binomial with shape k and success chance k / (k + mean): p(0) =
        (k / (k + mean))**k and p(c + 1) = p(c) (c + k) / (c + 1) × mean / (k + mean).
        Units' traits are the same in every replicate, so each unit-month has
        one such law, drawn from its table (:class:`_Counts`); a law with a
        tail too long for a table draws the gamma and the Poisson."""
        U, shape = self.U, self.month_shape
        k = np.repeat(shape, 12)
        m = mean.ravel()
        q = m / (k + m)
        with np.errstate(divide="ignore", invalid="ignore"):
            counts = _Counts.of((k / (k + m)) ** k, lambda c: (c + k) / (c + 1) * q, q,
                                m, np.sqrt(m + m * m / k), len(blocks.rngs) * BLOCK)
        if counts is not None:
            return counts.draw(blocks.per_block(lambda rng: rng.random((BLOCK, U * 12)), (U * 12,))).reshape(-1, U, 12)
        k = shape[0] if (shape == shape[0]).all() else shape[:, None]  # one number is the faster draw
        scaled = mean / shape[:, None]  # × Gamma(shape, 1)
        return blocks.per_block(lambda rng: rng.poisson(scaled * rng.standard_gamma(k, (BLOCK, U, 12))),
                                (U, 12)).astype(np.int64, copy=False)

    def _cascade(self, blocks: _Blocks, bounds, unit, per_item, kind, day, quality) -> tuple[dict, dict]:
        """Adoptions, level by level, each step conditional on the last, and
        the instructions they draw.

        First how far each item climbs (one chance per level, given the level
        below), then each adoption's delay, outlet and instruction, drawn
        item by item: adoptions come out listed by item, each item's in the
        order of its climb, which is date order (each step takes at least a
        day) — the order scoring wants (C-8 needs no sort). Most adoptions
        are an item's first, all at the first level climbed: whatever
        depends only on the level is worked out for all at once as if at
        that level, then put right at the positions of later steps (few)."""
        U, n_levels = self.U, len(OUTLET_LEVELS)
        climb = [lv for lv in range(n_levels) if len(self.level_pairs[lv])]  # a level without outlets is skipped
        research = ((kind >= RESEARCH) & (kind <= COMMISSIONED))  # the chance depends on the unit and this
        base = self.quality_effect * (quality - 0.5)
        logit = self.adopt_logit[:, None, :] + base[:, None, None] + (self.research_boost[:, None] * [0, 1])[:, :, None]
        chance = (1 / (1 + np.exp(-logit))).reshape(U * 2, n_levels)  # (unit × research, level)
        rows, depth, higher = np.zeros(0, np.int64), np.zeros(0, np.int64), []
        for j, lv in enumerate(climb):
            if j == 0:  # the unit's chance, and the research items' (a few) put right
                p = per_item(chance[0::2, lv])
                boosted = np.flatnonzero(research)
                p[boosted] = chance[1::2, lv][unit[boosted]]
                rows = np.flatnonzero(blocks.uniform(bounds, "u") < p)
                depth = np.ones(len(rows), np.intp)  # of each item in rows
                klass = research[rows].astype(np.intp)  # unit × 2 + research: a row of chance
                klass += unit[rows] * 2
                row_bounds = _within(rows, bounds)
            elif j == 1:  # every row alive: no gather by position
                alive = np.flatnonzero(blocks.uniform(row_bounds, "u") < np.take(chance[:, lv], klass, mode="clip"))
                depth[alive] += 1
                higher.append(alive)
            else:  # the block bounds of rows[alive] are those of alive among the rows' (rows ascend)
                at_level = np.take(chance[:, lv], klass[alive], mode="clip")
                alive = np.compress(blocks.uniform(_within(alive, row_bounds), "u") < at_level, alive)  # not a[mask]: slower
                depth[alive] += 1
                higher.append(alive)
        # item by item, each item's adoptions in the order of its climb:
        # step[j] holds the positions of the adoptions at the j-th level climbed
        first = np.cumsum(depth, dtype=np.int64)
        total = int(first[-1]) if len(first) else 0
        first -= depth  # each item's first adoption
        step = [first] + [first[alive] + j for j, alive in enumerate(higher, 1)]
        ad_item = np.empty(total, np.int64)  # each step's items put in place: faster than repeating by depth
        ad_item[first] = rows
        for at_step, alive in zip(step[1:], higher):
            ad_item[at_step] = rows[alive]
        step_of = np.zeros(total, np.int8)  # which step of its item's climb each adoption is
        for j, at_step in enumerate(step[1:], 1):
            step_of[at_step] = j
        level = np.array(climb, np.int8)  # of each step
        at = _within(ad_item, bounds)
        shared = all((t == t[0]).all() for t in (self.delay, self.ins_chance))
        ad_unit = None if shared else unit[ad_item]  # needed only where units differ in delays or instructions
        ad_level = None if shared else level[step_of]
        # days since the step before: geometric on 1, 2, … with mean 1 + delay
        scale = _geometric_scale(1 / (1 + self.delay))
        gap = _geometric(blocks, at, *self._per_adoption(scale, ad_unit, ad_level, step, climb))
        # an item's adoption is the one before (or the item's day) plus its gap
        ad_day = np.take(day, ad_item)
        ad_day += gap
        for at_step in step[1:]:
            ad_day[at_step] = ad_day[at_step - 1] + gap[at_step]
        # the outlet section: one of the level's pairs, each as likely
        ad_pair = self._outlets(blocks.uniform(at, "u"), step, climb)
        # instructions: a chance per adoption by its level; where units share
        # them, the adoptions of each step of the climb share one
        if shared:
            drawn = np.sort(np.concatenate([np.zeros(0, np.int64)] + [
                at_step[_bernoulli(blocks, _within(at_step, at), self.ins_chance[0, lv])]
                for at_step, lv in zip(step, climb)]))
        else:
            drawn = np.flatnonzero(blocks.uniform(at, "u") < self._per_adoption(self.ins_chance, ad_unit, ad_level,
                                                                               step, climb)[0])
        at_ins = _within(drawn, at)
        ins_item = ad_item[drawn]
        ins_unit = unit[ins_item]
        ins_kind = _categories(blocks.uniform(at_ins, "u"), self.ins_kind_cum, ins_unit)
        ins_gap = _geometric(blocks, at_ins, _gathered(_geometric_scale(1 / (1 + self.ins_delay)), ins_unit))
        ins_day = (ad_day[drawn] + ins_gap - 1).astype(np.int32)
        ins_level = np.array(self.level_instruction, np.int8)[level[step_of[drawn]]]
        # C-8's runs: each item's first adoption, and those with 2**s earlier ones
        runs = Runs(total, None, first, tuple(np.flatnonzero(step_of >= 1 << s)
                                              for s in range(max(len(climb) - 1, 0).bit_length())))
        return (dict(ad_item=ad_item, ad_pair=ad_pair, ad_day=ad_day, ad_runs=runs),
                dict(ins_item=ins_item, ins_level=ins_level, ins_kind=ins_kind, ins_day=ins_day))

    def _per_adoption(self, table: np.ndarray, ad_unit, level, step, climb) -> tuple:
        """``table`` (unit, level) at each adoption's unit and level, as (values,
        [(positions, value), …]): where units agree it depends on the step of
        the climb only, so one number for all and the values of the later
        steps at their positions; else every adoption's own value."""
        if ad_unit is None:
            return table[0, climb[0]] if climb else 0.0, [(at_step, table[0, climb[j]])
                                                          for j, at_step in enumerate(step[1:], 1)]
        return table.ravel()[ad_unit * table.shape[1] + level], []

    def _outlets(self, u: np.ndarray, step, climb) -> np.ndarray:
        """The outlet-section pair of each adoption from a uniform draw ``u``:
        one of its level's pairs, each as likely (consecutive codes, as the
        catalogue lists a level's sections together, need no look-up)."""
        if not climb:
            return np.zeros(0, np.int32)
        later = [(at_step, _pick(u[at_step], self.level_pairs[climb[j]])) for j, at_step in enumerate(step[1:], 1)]
        out = _pick(u, self.level_pairs[climb[0]])
        for at_step, pair in later:
            out[at_step] = pair
        return out

    def _events(self, blocks: _Blocks, reliability, R: int) -> dict:
        """Unit events: Poisson per kind, scaled by unreliability (secondments
        not). Events are rare (a few hundredths per replicate, unit and kind),
        so each block draws how many of each (unit, kind) its BLOCK replicates
        have together, Poisson(BLOCK × rate), and puts each in one of them,
        each as likely: the counts of the replicates are then independent
        Poisson(rate) (a Poisson count split at random), from a draw per
        event rather than one per replicate, unit and kind."""
        U, E = self.U, len(EVENT_KINDS)
        rates = self.event_rate * np.where(np.arange(E) == EVENT_KINDS.index("secondment"), 1.0,
                                           2 * (1 - reliability)[:, None])
        lam, n_blocks = BLOCK * rates.ravel(), len(blocks.rngs)
        together = np.array([rng.poisson(lam) for rng in blocks.rngs], dtype=np.int64).reshape(n_blocks, U * E)
        by_block = together.sum(axis=1)
        bounds = np.concatenate([[0], np.cumsum(by_block)])
        rep = blocks.integers(bounds, BLOCK)  # within its block
        rep += np.repeat(np.arange(n_blocks, dtype=np.int64) * BLOCK, by_block)
        cell = rep * (U * E)
        cell += np.repeat(np.tile(np.arange(U * E), n_blocks), together.ravel())
        cell.sort()  # (replicate, unit, kind) order, as the batch lists them; each block's stay together
        day = (self.year_start + blocks.integers(bounds, self.year_days)).astype(np.int32)
        return dict(ev_rep=(cell // (U * E)).astype(np.int32), ev_unit=((cell // E) % U).astype(np.int32),
                    ev_kind=(cell % E).astype(np.int8), ev_day=day)


class _Counts:
    """Counts with D distributions on 0, 1, 2, …, drawn by inverting the
    distribution function: a count is how many of its row's cumulative
    chances a uniform draw reaches (the law exactly, to the uniform's
    resolution of 2**-53; chances are cut where what is left is below
    2**-60, and the row scaled to end at exactly 1). One uniform per count,
    and a guide table (where each of G equal bins of the uniform starts)
    leaves about one comparison each: cheaper than a gamma and a Poisson
    draw, or k exponentials, or numpy's Poisson."""

    TAIL = 2.0 ** -60
    LONGEST = 4096  # distributions with longer tails are drawn the usual way
    BINS = 1024  # at most this many bins of the uniform: few hold a chance, so most draws need no comparison

    def __init__(self, cdf: np.ndarray, draws: int = BINS * 4):
        """``cdf`` (S, D): column d the cumulative chances of distribution d
        (columns, since numpy sums down rows far faster than along many short
        ones); ``draws``: about how many draws each distribution will have,
        so that the table costs no more to make than the draws it spares."""
        S, D = cdf.shape
        cdf = np.ascontiguousarray((cdf / cdf[-1]).T)  # each row ends at exactly 1, above every uniform draw
        self.cdf, self.D, self.S = cdf.ravel(), D, S
        # bins, 64 … BINS, about half the draws: a few draws in each bin pay for it
        self.G = G = 1 << min(max((draws // 2).bit_length() - 1, 6), self.BINS.bit_length() - 1)
        # where each bin g starts in the flat table (row d at d × S): the
        # count of chances at or below g / G, i.e. whose ⌈chance × G⌉ ≤ g
        # (exact: G is a power of 2); summed over the whole flat table at once,
        # the rows before d add their d × S chances, which is row d's start
        scaled = cdf * G
        top = np.ceil(scaled).astype(np.intp) + (np.arange(D) * (G + 1))[:, None]
        self.guide = np.cumsum(np.bincount(top.ravel(), minlength=D * (G + 1))).reshape(D, G + 1)[:, :G].ravel()
        # a bin holds a chance that lies strictly inside it (g < chance × G <
        # g + 1); every draw in any other bin has the count the guide points at
        low = np.floor(scaled)
        holds = np.zeros(D * G, bool)
        holds[(low.astype(np.intp) + (np.arange(D) * G)[:, None])[low < scaled]] = True
        self.pure = ~holds
        self._values: dict = {}

    @classmethod
    def of(cls, p0: np.ndarray, ratio, limit: np.ndarray, mean: np.ndarray, sd: np.ndarray,
           draws: int = BINS * 4) -> "_Counts | None":
        """Chances p(0) = ``p0`` (D,) and p(c + 1) = p(c) × ``ratio(c)`` ((c,
        D) for a column c of counts) where every ratio from c on is at most
        max(ratio(c), ``limit``) < 1, so what is left after c is at most
        p(c) r / (1 − r) for that bound r. None if the chances run longer than
        :attr:`LONGEST`. The first length tried is 20 standard deviations
        past the mean, enough for most laws. ``draws`` as for the constructor."""
        S = 1 << int(max(np.max(mean + 20 * sd, initial=0), 16)).bit_length()
        while S <= cls.LONGEST:
            with np.errstate(divide="ignore", invalid="ignore"):
                r = ratio(np.arange(S - 1, dtype=np.float64)[:, None])
                pmf = np.exp(np.cumsum(np.concatenate([np.log(p0)[None, :], np.log(r)]), axis=0))
                bound = np.maximum(r[-1], limit)
                left = np.where(pmf[-1] == 0, 0.0, pmf[-1] * bound / (1 - bound))
            if ((bound < 1) | (pmf[-1] == 0)).all() and (left < cls.TAIL).all():
                cdf = np.cumsum(pmf, axis=0)
                return cls(cdf, draws) if (cdf[-1] > 0).all() else None  # p(0) lost below the smallest float: no table
            S *= 2
        return None

    def draw(self, u: np.ndarray, start: np.ndarray | None = None, dtype=np.int64, scratch=None) -> np.ndarray:
        """Counts for uniform draws ``u``: from distribution d where ``start``
        (one per draw) is d × :attr:`G`, or else, ``u`` being (…, D), column d
        from distribution d. The count of each bin of the uniform that holds
        no chance is looked up (as ``dtype``) and only draws in the few bins
        that hold one are compared with the chances; ``scratch``, a float
        buffer like ``u``, spares fresh memory."""
        shape, u = u.shape, u.ravel()
        b = np.multiply(u, self.G, out=scratch).astype(np.intp)  # ⌊u G⌋, exact: G is a power of 2
        if start is None:
            b.reshape(-1, self.D)[...] += np.arange(self.D) * self.G
        else:
            b += start
        if dtype not in self._values:  # each pure bin's count, else −1; each chance's count
            values = np.tile(np.arange(self.S, dtype=dtype), self.D)
            self._values[dtype] = np.where(self.pure, values[self.guide], -1).astype(dtype), values
        by_bin, values = self._values[dtype]
        out = np.take(by_bin, b, mode="clip")  # in range: "clip" spares the bounds check
        mixed = np.flatnonzero(out < 0)
        pos, um = self.guide[b[mixed]], u[mixed]
        todo = np.flatnonzero(um >= self.cdf[pos])  # reaches more chances in its bin
        while len(todo):
            pos[todo] += 1
            todo = todo[um[todo] >= self.cdf[pos[todo]]]
        out[mixed] = values[pos]
        return out.reshape(shape)


def pairs_by_level(rulebook: Rulebook) -> list[np.ndarray]:
    """For each outlet level (own, one up, two up, national), the codes of
    the rulebook's outlet-section pairs at that level, in catalogue order."""
    return [np.array([i for i, (o, _) in enumerate(rulebook.pairs) if rulebook.file.outlets[o].level == lv],
                     dtype=np.int64) for lv in OUTLET_LEVELS]


_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _cumulative(shares: np.ndarray) -> np.ndarray:
    """Per-unit shares (U, K) as cumulative chances, normalised to end at 1."""
    return np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)


def _chance(blocks: _Blocks, bounds: np.ndarray, chance: np.ndarray, per_item: "_PerItem") -> np.ndarray:
    """One Bernoulli draw per row with its unit's ``chance``; a chance every
    unit shares is compared as one number, and a sure one needs no draw."""
    if (chance >= 1).all():
        return np.ones(int(bounds[-1]), bool)
    u = blocks.uniform(bounds, "u")
    if (chance == chance[0]).all():
        return u < chance[0]
    return u < per_item(chance)


def _geometric_scale(p):
    """The scale that makes an exponential draw a geometric count with success chance ``p``."""
    with np.errstate(divide="ignore"):
        return -1 / np.log1p(-np.asarray(p, dtype=np.float64))  # p = 1: no wait beyond the first trial


def _rare(blocks: _Blocks, bounds: np.ndarray, p: float) -> np.ndarray:
    """The rows, in order, of independent Bernoulli(``p``) successes among
    the rows of each block: each block draws the gaps between its successes
    (geometric, see :func:`_geometric`) until they pass its last row, one
    exponential per success (with a margin) rather than one uniform per row.
    A block's draws depend on its own rows only, whichever blocks are drawn
    with it."""
    rows = np.diff(bounds)
    if p <= 0 or not len(rows):
        return np.zeros(0, np.int64)
    scale, past = _geometric_scale(p), int(rows.max()) + 1  # a gap past every row is as good as any longer

    def gaps(e):
        e *= scale
        return np.minimum(e, past, out=e).astype(np.int64) + 1

    mean = rows * p  # successes expected: the gaps drawn at first cover them with a margin
    first = np.maximum(np.ceil(mean + RARE_MARGIN * (np.sqrt(mean) + 1)), 1).astype(np.int64)
    ends = np.cumsum(first)
    at = np.cumsum(gaps(blocks.exponential(np.concatenate([[0], ends]), "u")))
    # within the block: minus the gaps of the blocks before, and 1
    at -= np.repeat(np.concatenate([[1], at[ends[:-1] - 1] + 1]), first)
    short = np.flatnonzero(at[ends - 1] < rows)
    per_block = np.split(at, ends[:-1]) if len(short) else None
    for b in short:  # rare: a block whose gaps end before its last row draws more from its stream
        more = [per_block[b]]
        while more[-1][-1] < rows[b]:
            more.append(more[-1][-1] + np.cumsum(gaps(blocks.rngs[b].standard_exponential(int(first[b])))))
        per_block[b] = np.concatenate(more)
    if per_block is not None:
        at, first = np.concatenate(per_block), np.array([len(x) for x in per_block], np.int64)
    keep = at < np.repeat(rows, first)
    at += np.repeat(bounds[:-1], first)
    return at[keep]


RARE = 1 / 8  #: below this chance, Bernoulli draws are drawn as the gaps between successes
RARE_MARGIN = 6  #: standard deviations of gaps drawn beyond those expected: a block seldom needs more


def _bernoulli(blocks: _Blocks, bounds: np.ndarray, p: float) -> np.ndarray:
    """The rows, in order, of Bernoulli(``p``) successes among the rows of
    each block: for a rare chance by :func:`_rare`, else a uniform a row."""
    if p < RARE:
        return _rare(blocks, bounds, p)
    return np.flatnonzero(blocks.uniform(bounds, "u") < p)


def _geometric(blocks: _Blocks, bounds: np.ndarray, scale, later=()) -> np.ndarray:
    """Geometric counts of trials (1, 2, …), ``scale`` (one number or one per
    row) from :func:`_geometric_scale`, other scales at the positions of
    ``later`` [(positions, scale), …]: 1 + floor(E / −log(1 − p)) for E
    exponential has exactly that law, and an exponential draw is cheaper
    than numpy's geometric."""
    e = blocks.exponential(bounds, "u")
    fixed = [e[at] * s for at, s in later]
    e *= scale
    for (at, _), x in zip(later, fixed):
        e[at] = x
    trials = e.astype(np.int32)
    trials += 1
    return trials


def _gathered(table: np.ndarray, which: np.ndarray):
    """``table[which]``, or its one number where all agree."""
    return table[0] if (table == table[0]).all() else table[which]


def _categories(u: np.ndarray, cum: np.ndarray, unit) -> np.ndarray:
    """Category of each uniform draw ``u`` under its unit's cumulative chances
    ``cum[unit]`` (``unit`` each draw's unit, or a :class:`_PerItem`): the
    number of thresholds at or below it, one comparison per category
    (categories are few), each a single number where units agree."""
    out = np.zeros(len(u), np.int8)
    for k in range(cum.shape[1] - 1):  # the last threshold is 1, above every draw
        t = cum[:, k]
        out += u >= (t[0] if (t == t[0]).all() else unit(t) if isinstance(unit, _PerItem) else t[unit])
    return out


def _take(d: dict, lo: int, hi: int, U: int) -> dict:
    """Replicates lo..hi of a draw, renumbered from 0. Items, adoptions,
    unit events and checklist rows are in replicate order, so each is a
    slice; instructions are kept by their item."""
    a, b = np.searchsorted(d["item_rep"], [lo, hi])
    out = {}
    for k in ("item_rep", "item_unit", "item_day", "item_kind", "item_in_scope", "item_quality", "item_month",
              "has_co", "sends", "item_cell", "item_key"):
        out[k] = d[k][a:b]
    out["month_counts"] = d["month_counts"][lo:hi]
    out["item_rep"] = out["item_rep"] - lo
    out["item_cell"] = out["item_cell"] - lo * U
    out["item_key"] = out["item_key"] - lo * U * 12
    for flag, flat in (("has_co", "co_unit"), ("sends", "sent_pair")):
        before = int(d[flag][:a].sum())
        out[flat] = d[flat][before:before + int(out[flag].sum())]
    c, e = np.searchsorted(d["ad_item"], [a, b])
    for k in ("ad_item", "ad_pair", "ad_day"):
        out[k] = d[k][c:e]
    out["ad_item"] = out["ad_item"] - a
    runs = d["ad_runs"]
    out["ad_runs"] = Runs(e - c, None, _slice_sorted(runs.first, c, e),
                          tuple(_slice_sorted(s, c, e) for s in runs.steps))
    keep = (d["ins_item"] >= a) & (d["ins_item"] < b)
    for k in ("ins_item", "ins_level", "ins_kind", "ins_day"):
        out[k] = d[k][keep]
    out["ins_item"] = out["ins_item"] - a
    for prefix, fields in (("ev", ("unit", "kind", "day")), ("ck", ("unit", "line"))):
        f, g = np.searchsorted(d[f"{prefix}_rep"], [lo, hi])
        out[f"{prefix}_rep"] = d[f"{prefix}_rep"][f:g] - lo
        for k in fields:
            out[f"{prefix}_{k}"] = d[f"{prefix}_{k}"][f:g]
    return out


def _slice_sorted(positions: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The sorted positions in lo..hi, counted from lo."""
    a, b = np.searchsorted(positions, [lo, hi])
    return positions[a:b] - lo


def _assemble(d: dict, units: pd.DataFrame, group_code: np.ndarray, calendar: Calendar, n_reps: int, first: int,
              activity: np.ndarray, quality: np.ndarray, reliability: np.ndarray) -> Synthetic:
    def ptr(flag, rows):
        """CSR pointers of rows with at most one entry each (``rows`` those
        with one): for a few such rows, each row's number repeated up to the
        next (3–4× faster than a cumsum); else a cumsum of the flags made
        whole numbers first (a cumsum that converts as it goes is twice as slow)."""
        n = len(flag)
        if len(rows) < n // 8:
            return np.repeat(np.arange(len(rows) + 1, dtype=np.int64), np.diff(rows, prepend=-1, append=n))
        out = np.empty(n + 1, np.int64)
        out[0], out[1:] = 0, flag
        np.cumsum(out, out=out)
        return out

    for flag, rows in (("has_co", "co_rows"), ("sends", "sent_rows")):
        if rows not in d:  # the draw knows them; a part of its blocks (_take) keeps the flags only
            d[rows] = np.flatnonzero(d[flag])

    batch = Batch(
        calendar=calendar, units=units, group=group_code, n_reps=n_reps,
        item_rep=d["item_rep"], item_unit=d["item_unit"], item_day=d["item_day"],
        item_kind=d["item_kind"], item_in_scope=d["item_in_scope"], item_quality=d["item_quality"],
        co_ptr=ptr(d["has_co"], d["co_rows"]), co_unit=d["co_unit"], sent_ptr=ptr(d["sends"], d["sent_rows"]),
        sent_pair=d["sent_pair"],
        ad_item=d["ad_item"], ad_pair=d["ad_pair"], ad_day=d["ad_day"],
        ins_item=d["ins_item"], ins_level=d["ins_level"], ins_kind=d["ins_kind"], ins_day=d["ins_day"],
        ev_rep=d["ev_rep"], ev_unit=d["ev_unit"], ev_kind=d["ev_kind"],
        ev_day=d["ev_day"], ev_count=np.ones(len(d["ev_rep"]), np.int64),
        ck_rep=d["ck_rep"], ck_unit=d["ck_unit"], ck_line=d["ck_line"], ck_met=np.zeros(len(d["ck_rep"]), bool),
    )
    # what the draw knows already: every item and event falls in its month
    # of the year, items in their unit-month cell
    keys = batch.keys.know(item_key=d["item_key"], item_cell=d["item_cell"], item_month=d["item_month"],
                           ad_runs=d["ad_runs"], item_has_co=d["has_co"])
    keys.know(sent_key=keys.counted_key[d["sent_rows"]])
    if keys.all_in_scope:  # every item counts: the month counts are those drawn
        keys.know_month_counts(d["month_counts"])
    batch.left_out = left_out_report(batch)
    return Synthetic(batch=batch, quality=quality, activity=activity, reliability=reliability, first_replicate=first)


def to_history(synthetic: Synthetic, rulebook: Rulebook, replicate: int = 0):
    """One replicate as a ledger in the ledger format (docs/ledger-format.md), through the ledger
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
