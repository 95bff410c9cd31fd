"""Scoring candidate rules on replicate histories drawn once.

The histories are drawn from the specification's seed by the baseline's
root rulebook (as a scenario run draws them), and every candidate scores
only itself on that batch, so an evaluation is a pure function of the
candidate and the seed. :meth:`Bench.panel` is the one place a candidate
rulebook becomes the replicate outcome the objectives read. With a
[response] section, each candidate strategy's histories are drawn once
(design/respond.py), and a candidate rule is point-scored on every set and
its outcome read at the units' equilibrium under it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..analytics.panel import Panel
from ..engine.rulebook import Rulebook
from ..engine.score import score_batch
from ..response.equilibrium import Equilibrium, solve
from ..response.worlds import score_drawn, stack_sets
from ..synthetic import Synthetic, generate
from .objectives import OBJECTIVES, award_counts, distance, outcome_measures
from .spec import DesignSpec


@dataclass(frozen=True)
class Evaluation:
    """A candidate's objectives (name → mean, SE) and constraint values
    (name → value, ≤ 0 where the constraint holds)."""

    values: Mapping[str, tuple[float, float]]
    constraints: Mapping[str, float]
    #: at equilibrium: its ε, whether it converged, items a unit files a
    #: year, the share of units that do not behave as today (empty: fixed behaviour)
    response: Mapping[str, float] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return all(v <= 0 for v in self.constraints.values())

    def mean(self, name: str) -> float:
        return self.values[name][0]


class Bench:
    """The specification's replicate histories and its baseline, scored once."""

    def __init__(self, spec: DesignSpec):
        self.spec = spec
        rb = spec.baseline
        #: fixed behaviour's histories (None with a [response] section: then each strategy's, drawn once)
        self.synthetic: Synthetic | None = None if spec.response else generate(
            rb.root, spec.units, spec.year, spec.behaviour, range(spec.replicates), spec.seed)
        self.unit_table = pd.DataFrame({c: spec.units[c].astype(str).to_numpy() for c in ("unit_id", "name", "group")})
        self.kinds = (spec.units["type"] if "type" in spec.units else spec.units["group"]).astype(str).to_numpy()
        self.spans = {d.path: d.high - d.low for d in spec.dimensions if d.is_range}
        self.drawn: list[Synthetic] = []
        self._last: tuple[Rulebook, Equilibrium] | None = None
        if spec.response is not None:  # each strategy's histories, drawn once for every design
            model = spec.response.model
            self.drawn = [generate(rb.root, spec.units, spec.year, spec.behaviour, range(spec.response.replicates),
                                   spec.seed, effort=d.effort(model)) for d in spec.strategies]
        self.base_panel = self.panel(rb)
        self.base_awards = award_counts(self.base_panel)
        self.baseline = self.evaluate(rb)

    def panel(self, rulebook: Rulebook, name: str = "") -> Panel:
        """The candidate's replicate years: its scores on the common histories
        (at the units' equilibrium under it, with a [response] section)."""
        if self.drawn:
            return self.panel_at(self.equilibrium(rulebook), name)
        s = self.synthetic
        _, o, ctx = score_batch(rulebook, s.batch.under(rulebook.calendar(self.spec.year)))
        R = o.final.shape[0]
        # built directly, without the score sources no objective reads
        return Panel(name or rulebook.name, rulebook.id, self.unit_table, np.arange(R), o.points, o.final,
                     o.rank.astype(np.int64), np.asarray(o.award_names, dtype=object)[o.award], s.quality[0],
                     ranking_group=np.asarray(rulebook.groups)[ctx.scoring_group])

    def equilibrium(self, rulebook: Rulebook) -> Equilibrium:
        """The units' equilibrium under ``rulebook``, on the histories drawn once."""
        if self._last is not None and self._last[0] is rulebook:  # the baseline: its panel, then its evaluation
            return self._last[1]
        r, calendar = self.spec.response, rulebook.calendar(self.spec.year)
        scored = [[score_drawn(rulebook, replace(s, batch=s.batch.under(calendar)))] for s in self.drawn]
        sets = stack_sets(rulebook, self.spec.units, self.spec.year, scored)
        eq = solve(rulebook, self.spec.units, self.spec.year, [d.strategy for d in self.spec.strategies],
                   r.payoff, r.model, self.spec.behaviour, r.replicates, self.spec.seed,
                   tolerance=r.tolerance, max_rounds=r.max_rounds, sets=sets)
        self._last = (rulebook, eq)
        return eq

    def panel_at(self, eq: Equilibrium, name: str = "") -> Panel:
        """The replicate years with every unit playing its equilibrium strategy."""
        o, rb = eq.outcome(eq.choice), eq.rulebook
        return Panel(name or rb.name, rb.id, self.unit_table, np.arange(o.final.shape[0]), o.points, o.final,
                     o.rank.astype(np.int64), np.asarray(o.award_names, dtype=object)[o.award], eq.sets.quality,
                     ranking_group=np.asarray(rb.groups)[eq.scoring_group])

    def evaluate(self, rulebook: Rulebook) -> Evaluation:
        response = {}
        if self.drawn:
            eq = self.equilibrium(rulebook)
            p = self.panel_at(eq)
            filed = eq.sets.filed[eq.choice, :, np.arange(len(eq.choice))]  # (U, R) at equilibrium
            response = {"eps": float(eq.eps), "converged": float(eq.converged), "items_a_year": float(filed.mean()),
                        "moved": float((eq.choice != eq.steady).mean())}
        else:
            p = self.panel(rulebook)
        values = dict(outcome_measures(p, self.kinds))
        values.update(distance(rulebook, self.spec.baseline, self.spans))
        return Evaluation(values, self.constraints(p), response)

    def constraints(self, p: Panel) -> dict[str, float]:
        spec, out = self.spec, {}
        if spec.same_award_count:
            now, base = award_counts(p), self.base_awards
            gap = max((abs(now.get(a, 0.0) - base.get(a, 0.0)) for a in set(now) | set(base)), default=0.0)
            out["same_award_count"] = gap - spec.award_count_tolerance
        if spec.min_expected_final is not None:
            out["min_expected_final"] = spec.min_expected_final - float(p.final.mean(axis=0).min())
        return out


def objective_vector(ev: Evaluation, names) -> list[float]:
    """The searched objectives' means, in order, for Optuna (a missing value,
    such as concentration where no award is given, as the worst possible)."""
    out = []
    for n in names:
        v = ev.mean(n)
        out.append(v if math.isfinite(v) else -OBJECTIVES[n].sign * 1e9)
    return out


# ---- in worker processes ---------------------------------------------------------------------------

#: benches already built in this process, by their specification's source;
#: worker processes forked from it find theirs here instead of drawing it again
READY: dict[tuple[str, str, str], Bench] = {}


@lru_cache(maxsize=2)
def _build(text: str, name: str, base: str) -> Bench:
    from .spec import parse_design

    return Bench(parse_design(text, base, name))


def _bench(text: str, name: str, base: str) -> Bench:
    return READY.get((text, name, base)) or _build(text, name, base)


def evaluate_values(source: tuple[str, str, str], values: Mapping[str, Any]) -> Evaluation:
    """Evaluate one candidate from its searched values, in any process: the
    bench is rebuilt from the specification's text once per process."""
    bench = _bench(*source)
    return bench.evaluate(bench.spec.candidate(values))
