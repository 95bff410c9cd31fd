"""Scoring candidate rules on replicate histories drawn once.

The histories are drawn from the specification's seed by the baseline's
root rulebook (as a scenario run draws them), and every candidate scores
only itself on that batch, so an evaluation is a pure function of the
candidate and the seed. :meth:`Bench.panel` is the one place a candidate
rulebook becomes the replicate outcome the objectives read: evaluating at
the units' strategic response to a rule would replace it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..analytics.panel import Panel
from ..engine.rulebook import Rulebook
from ..engine.score import score_batch
from ..synthetic import Synthetic, generate
from .objectives import OBJECTIVES, award_counts, distance, outcome_measures
from .spec import DesignSpec


@dataclass(frozen=True)
class Evaluation:
    """A candidate's objectives (name → mean, SE) and constraint values
    (name → value, ≤ 0 where the constraint holds)."""

    values: Mapping[str, tuple[float, float]]
    constraints: Mapping[str, float]

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
        self.synthetic: Synthetic = generate(rb.root, spec.units, spec.year, spec.behaviour,
                                             range(spec.replicates), spec.seed)
        self.unit_table = pd.DataFrame({c: spec.units[c].astype(str).to_numpy() for c in ("unit_id", "name", "group")})
        self.kinds = (spec.units["type"] if "type" in spec.units else spec.units["group"]).astype(str).to_numpy()
        self.spans = {d.path: d.high - d.low for d in spec.dimensions if d.is_range}
        self.base_panel = self.panel(rb)
        self.base_awards = award_counts(self.base_panel)
        self.baseline = self.evaluate(rb)

    def panel(self, rulebook: Rulebook, name: str = "") -> Panel:
        """The candidate's replicate years: its scores on the common histories."""
        s = self.synthetic
        _, o, ctx = score_batch(rulebook, s.batch.under(rulebook.calendar(self.spec.year)))
        R = o.final.shape[0]
        # built directly, without the score sources no objective reads
        return Panel(name or rulebook.name, rulebook.id, self.unit_table, np.arange(R), o.points, o.final,
                     o.rank.astype(np.int64), np.asarray(o.award_names, dtype=object)[o.award], s.quality[0],
                     ranking_group=np.asarray(rulebook.groups)[ctx.scoring_group])

    def evaluate(self, rulebook: Rulebook) -> Evaluation:
        p = self.panel(rulebook)
        values = dict(outcome_measures(p, self.kinds))
        values.update(distance(rulebook, self.spec.baseline, self.spans))
        return Evaluation(values, self.constraints(p))

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
