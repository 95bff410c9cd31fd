"""Worlds assembled by gathering, not by drawing again.

For each candidate strategy k, every unit plays k in R replicate years
(history set S_k), drawn on the batch engine with one seed: latent traits
are the units' own in every set. A unit's history does not depend on what
the others play, so the world "unit u plays k, every other unit v plays
σ(v)" takes u's rows from S_k and v's from S_σ(v). Point rules credit each
unit from its own history, so each set is point-scored once; the steps
(normalisation, ranks, vetoes, awards) then run on the gathered totals of
many worlds at once, worlds on the replicate axis.

The one thing a gathered world does not reproduce is co-submission: a
co-submitted item credits its partner within the set it was drawn in.
"""

from __future__ import annotations

from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..engine.context import Context
from ..engine.outcome import Outcome
from ..engine.rulebook import Rulebook
from ..engine.score import outcome_of_totals, run_steps, score_batch
from ..params import OUTLET_LEVELS
from ..synthetic import BLOCK, Behaviour, generate
from ..synthetic.effort import Effort
from ..synthetic.generate import RESEARCH, COMMISSIONED

#: the Context methods steps read the histories through
FACTS = ("event_counts", "direct_reports_met", "adopted_in_year", "instructed")


def _fact_key(name: str, args: tuple, kwargs: dict) -> tuple:
    return (name, args, tuple(sorted(kwargs.items())))


def _recorded(name: str):
    def method(self, *args, **kwargs):
        out = getattr(Context, name)(self, *args, **kwargs)
        self._cache.setdefault("facts", {})[_fact_key(name, args, kwargs)] = out
        return out
    method.__name__ = name
    return method


class Recording(Context):
    """A Context that keeps every fact it is asked for, to gather later."""

    event_counts = _recorded("event_counts")
    direct_reports_met = _recorded("direct_reports_met")
    adopted_in_year = _recorded("adopted_in_year")
    instructed = _recorded("instructed")


def score_set(rulebook: Rulebook, units: pd.DataFrame, year: int, behaviour: Behaviour | None,
              effort: Effort | None, reps: range, seed: int) -> dict:
    """Draw replicates ``reps`` with every unit spending ``effort``, score
    them, and keep the per-(replicate, unit) arrays a world is gathered from."""
    return score_drawn(rulebook, generate(rulebook, units, year, behaviour, reps, seed, effort=effort))


def score_drawn(rulebook: Rulebook, s) -> dict:
    """Point-score histories already drawn (a ``Synthetic``) under
    ``rulebook``, keeping what a world is gathered from: a rule design
    search draws each strategy's histories once and scores every candidate
    rule on them."""
    b = s.batch
    ctx = Recording(b, rulebook.parameters, rulebook.groups, rulebook.pairs, rulebook.checklist_lines)
    records, outcome, _ = score_batch(rulebook, b, context=ctx)
    by_period = np.stack([outcome.quarters[:, :, i] for i in range(4)] + [outcome.annual], axis=2)
    R, U = b.n_reps, b.n_units
    level_of_pair = np.array([OUTLET_LEVELS.index(rulebook.file.outlets[o].level) for o, _ in rulebook.pairs])
    keep = b.in_year(b.ad_month) & b.keys.ad_in_scope
    adopted = np.bincount(b.keys.ad_cell[keep] * 4 + level_of_pair[b.ad_pair[keep]], minlength=R * U * 4)
    counted = ctx.item_counted
    research = counted & (b.item_kind >= RESEARCH) & (b.item_kind <= COMMISSIONED)
    cell = b.item_rep.astype(np.int64) * U + b.item_unit
    return dict(
        by_period=by_period,
        facts={k: v for k, v in ctx._cache.get("facts", {}).items()},
        filed=np.bincount(cell, minlength=R * U).reshape(R, U),
        months=ctx.month_counts(None).astype(np.int32),
        adopted=adopted.reshape(R, U, 4).astype(np.int32),
        research=np.bincount(cell[research], minlength=R * U).reshape(R, U),
        award_names=list(outcome.award_names),
        quality=s.quality[0],
    )


@dataclass
class Histories:
    """K history sets, stacked: arrays (K, R, U, …) — candidate, replicate, unit."""

    rulebook: Rulebook
    units: pd.DataFrame
    by_period: np.ndarray
    facts: dict
    filed: np.ndarray
    months: np.ndarray
    adopted: np.ndarray
    research: np.ndarray
    quality: np.ndarray
    award_names: list[str]

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.by_period.shape[:3]

    @cached_property
    def group(self) -> np.ndarray:
        return np.array([self.rulebook.groups.index(g) for g in self.units["group"]], dtype=np.int32)

    @cached_property
    def quarter_of_month(self) -> np.ndarray:
        return self.rulebook.calendar(self.year).quarter_of_month

    year: int = 0


def draw_sets(rulebook: Rulebook, units: pd.DataFrame, year: int, efforts: list[Effort | None], replicates: int,
              seed: int = 0, behaviour: Behaviour | None = None, executor=None, chunk: int = 64) -> Histories:
    """Every candidate's history set, R replicates each, drawn and point-scored
    in chunks of whole blocks (so the chunk size and executor change nothing).
    ``executor``: None (here), a number of local processes, or an Executor."""
    if chunk % BLOCK or chunk <= 0:
        raise ValueError(f"chunk must be a positive multiple of {BLOCK}, not {chunk}")
    parts = [range(lo, min(lo + chunk, replicates)) for lo in range(0, replicates, chunk)]
    calls = [(rulebook, units, year, behaviour, e, reps, seed) for e in efforts for reps in parts]
    if executor is None:
        results = [score_set(*c) for c in calls]
    elif isinstance(executor, int):
        with ProcessPoolExecutor(max_workers=executor) as pool:
            results = list(pool.map(score_set, *zip(*calls)))
    elif isinstance(executor, Executor):
        results = list(executor.map(score_set, *zip(*calls)))
    else:
        raise TypeError("executor must be None, a number of processes or a concurrent.futures Executor")
    n = len(parts)
    return stack_sets(rulebook, units, year, [results[i * n:(i + 1) * n] for i in range(len(efforts))])


def stack_sets(rulebook: Rulebook, units: pd.DataFrame, year: int, by_k: list[list[dict]]) -> Histories:
    """Histories from each candidate's scored chunks (``score_set`` or
    ``score_drawn`` results, in replicate order)."""

    def stack(name):
        return np.stack([np.concatenate([r[name] for r in rs]) for rs in by_k])

    keys = by_k[0][0]["facts"].keys()
    facts = {key: np.stack([np.concatenate([r["facts"][key] for r in rs]) for rs in by_k]) for key in keys}
    return Histories(rulebook, units.reset_index(drop=True), stack("by_period"), facts, stack("filed"),
                     stack("months"), stack("adopted"), stack("research"), by_k[0][0]["quality"],
                     by_k[0][0]["award_names"], year=year)


class WorldContext(Context):
    """What steps see of a set of worlds: world w is replicate ``rep[w]`` with
    unit ``units[i]``'s history from candidate ``cand[w, i]``'s set. Steps
    act within scoring groups, so ``units`` may be the units of some groups
    only (all units when None)."""

    def __init__(self, sets: Histories, cand: np.ndarray, rep: np.ndarray, units: np.ndarray | None = None):
        rb = sets.rulebook
        super().__init__(None, rb.parameters, rb.groups, rb.pairs, rb.checklist_lines)
        self.units = np.arange(cand.shape[1]) if units is None else np.asarray(units)
        self.sets, self.cand, self.rep = sets, cand, rep
        self._index = (cand, rep[:, None], self.units[None, :])

    @property
    def n_reps(self) -> int:
        return len(self.rep)

    @property
    def n_units(self) -> int:
        return self.cand.shape[1]

    @property
    def group(self) -> np.ndarray:
        return self.sets.group[self.units]

    @property
    def quarter_of_month(self) -> np.ndarray:
        return self.sets.quarter_of_month

    def gather(self, stacked: np.ndarray) -> np.ndarray:
        """(K, R, U, …) → (W, U, …) for these worlds."""
        return stacked[self._index]

    def _fact(self, name, args, kwargs):
        key = _fact_key(name, args, kwargs)
        if key not in self.sets.facts:
            raise KeyError(f"a step asked for {name}{args} that the history sets did not record")
        return self.gather(self.sets.facts[key])

    def event_counts(self, *args, **kwargs):
        return self._fact("event_counts", args, kwargs)

    def direct_reports_met(self, *args, **kwargs):
        return self._fact("direct_reports_met", args, kwargs)

    def adopted_in_year(self, *args, **kwargs):
        return self._fact("adopted_in_year", args, kwargs)

    def instructed(self, *args, **kwargs):
        return self._fact("instructed", args, kwargs)


def play(sets: Histories, cand: np.ndarray, rep: np.ndarray, units: np.ndarray | None = None) -> Outcome:
    """Final, rank and award of every unit (or of ``units``, whole scoring
    groups) in each world: (W, U)."""
    ctx = WorldContext(sets, cand, rep, units)
    return run_steps(sets.rulebook, ctx, outcome_of_totals(ctx.gather(sets.by_period)))
