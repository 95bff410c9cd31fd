"""The search over rule designs: Optuna's NSGA-II asked for a generation of
candidates at a time, each scored on the common histories, told back in
trial order.

Why it gives the same answer however it is run:

- a generation's sampler is seeded from the specification's seed and the
  number of trials already told, and holds nothing else: what it knows of
  earlier generations is read from the study's storage;
- every candidate of a generation is asked before any is scored, scored on
  any number of processes (a pure function of the candidate and the seed)
  and told in trial order;
- the study lives in one journal file; a search started again on it first
  scores any candidate that was asked but never told (an interrupted
  generation), then continues. So a search stopped after n generations and
  continued gives the trials of one run straight through.
"""

from __future__ import annotations

import json
import math
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import optuna
import pandas as pd

from ..analytics.compare import VariantComparison, compare_panels
from ..engine.rulebook import Rulebook
from .evaluate import READY, Bench, Evaluation, evaluate_values, objective_vector
from .objectives import OBJECTIVES
from .spec import DesignError, DesignSpec

STUDY = "design"

#: trial columns of a search judged at equilibrium: ε, converged, items a
#: unit files a year, share of units that do not behave as today
RESPONSE_COLUMNS = ("eps", "converged", "items_a_year", "moved")

#: spawn key of the samplers' seeds (generation uses 0 and 1, analyses 2 and 3)
_SAMPLER_STREAM = 4


@dataclass
class DesignResult:
    """Every trial of a search with its objectives, the Pareto front and the
    recommended designs."""

    spec: DesignSpec
    bench: Bench = field(repr=False)
    trials: pd.DataFrame  # one row per told trial: number, feasible, <objective>, <objective>_se, [eps, …], values
    front: pd.DataFrame  # the non-dominated feasible trials (a subset of ``trials``' rows)

    @property
    def baseline(self) -> Evaluation:
        return self.bench.baseline

    def candidate(self, number: int) -> Rulebook:
        """The rulebook trial ``number`` scored."""
        row = self.trials.loc[self.trials["number"] == number]
        if row.empty:
            raise KeyError(f"no trial {number}; trials are {list(self.trials['number'])}")
        return self.spec.candidate(json.loads(row["values"].iloc[0]), title=f"design {number}")

    def recommended(self) -> dict[str, int]:
        """Trial numbers of the recommended designs: the front member that
        improves most on the baseline by the weighted objectives (none if no
        change improves on it), and the feasible design closest to the
        baseline whose fidelity beats the baseline's by more than two SEs."""
        out = {}
        changed = self.front[self.front["changed_parameters"] > 0]
        if not changed.empty:
            score = self.weighted(changed)
            if score.max() > 0:  # today's rule scores 0: recommend only a design that improves on it
                out["best weighted"] = int(changed.loc[score.idxmax(), "number"])
        base = self.baseline.values["tau_b"][0]
        better = self.trials[self.trials["feasible"]
                             & (self.trials["tau_b"] - base > 2 * self.trials["tau_b_se"])
                             & (self.trials["changed_parameters"] > 0)]
        if not better.empty:
            closest = better.sort_values(["change_size", "changed_parameters", "number"], kind="stable")
            out["closest better fidelity"] = int(closest["number"].iloc[0])
        return out

    def weighted(self, rows: pd.DataFrame) -> pd.Series:
        """Each row's weighted improvement over the baseline: objectives in
        the direction of their meaning, each scaled by its spread over the
        feasible trials."""
        feasible = self.trials[self.trials["feasible"]]
        score = pd.Series(0.0, index=rows.index)
        for name, o in OBJECTIVES.items():
            w = self.spec.weight(name)
            if not w or name not in rows:
                continue
            scale = float(feasible[name].std()) if len(feasible) > 1 else 0.0
            diff = (rows[name] - self.baseline.values[name][0]).fillna(0.0)
            score += w * o.sign * diff / (scale if scale > 0 and math.isfinite(scale) else 1.0)
        return score

    def comparisons(self) -> dict[str, tuple[int, VariantComparison]]:
        """The baseline against each recommended design on the same
        histories: rank shifts and award changes (the comparison analytics)."""
        out = {}
        for label, number in self.recommended().items():
            panel = self.bench.panel(self.candidate(number), name=f"design {number}")
            out[label] = (number, compare_panels(self.bench.base_panel, panel))
        return out


def search(spec: DesignSpec, study_file: str | Path | None = None, *, trials: int | None = None,
           workers=None, bench: Bench | None = None,
           progress: Callable[[int, int], None] | None = None) -> DesignResult:
    """Search ``spec`` until ``trials`` (default: the spec's) trials are told.

    ``study_file``: a journal file holding the study; an existing one made
    for the same specification is continued, one made for another refused.
    ``workers``: a number > 1 scores each generation on that many local
    processes, a ``dask.distributed.Client`` on its cluster's workers (each
    reads the specification's files, so they must see the same folder); the
    trials are the same however they are scored.
    """
    total = spec.trials if trials is None else int(trials)
    if total < 1:
        raise DesignError(f"trials = {total}: give 1 or more")
    bench = bench or Bench(spec)
    storage = _storage(study_file)
    study = _open(spec, storage)
    names = list(spec.search)
    local = isinstance(workers, int) and workers > 1
    if local:  # forked workers inherit the bench built here rather than drawing the histories again
        READY.clear()
        READY[(spec.text, spec.path, spec.base)] = bench
    pool = ProcessPoolExecutor(max_workers=workers) if local else workers if not isinstance(workers, int) else None
    try:
        stale = [t for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))]
        if stale:  # asked but never told: an interrupted generation, scored now as it would have been
            _tell(study, [optuna.trial.Trial(study, t._trial_id) for t in stale], spec, bench, pool, names)
        while (done := _told(study)) < total:
            study = optuna.load_study(study_name=STUDY, storage=storage, sampler=_sampler(spec, done))
            batch = [study.ask(_distributions(spec)) for _ in range(min(spec.generation, total - done))]
            _tell(study, batch, spec, bench, pool, names)
            if progress is not None:
                progress(_told(study), total)
    finally:
        if local:
            pool.shutdown()
            READY.clear()
    return result_of(spec, bench, study)


def result_of(spec: DesignSpec, bench: Bench, study: optuna.Study) -> DesignResult:
    table = trial_table(study)
    return DesignResult(spec, bench, table, pareto_front(table, spec.search))


def _storage(path: str | Path | None):
    if path is None:
        return optuna.storages.InMemoryStorage()
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    return JournalStorage(JournalFileBackend(str(path)))


def _open(spec: DesignSpec, storage) -> optuna.Study:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    directions = [OBJECTIVES[n].direction for n in spec.search]
    study = optuna.create_study(study_name=STUDY, storage=storage, directions=directions, load_if_exists=True,
                                sampler=_sampler(spec, 0))
    made_for = study.user_attrs.get("spec_digest")
    if made_for is None:
        study.set_user_attr("spec_digest", spec.digest)
        study.set_user_attr("objectives", list(spec.search))
        start = _baseline_values(spec)
        if start is not None:  # today's rule is the first candidate: the front always holds "change nothing"
            study.enqueue_trial(start)
    elif made_for != spec.digest:
        raise DesignError(f"{spec.path}: the stored study was made for another design specification "
                          f"(it searched {study.user_attrs.get('objectives')}); start a new study file, or "
                          f"start over (--force)")
    return study


def _sampler(spec: DesignSpec, done: int) -> optuna.samplers.BaseSampler:
    """The sampler of the generation starting after ``done`` told trials."""
    seed = int(np.random.SeedSequence(spec.seed, spawn_key=(_SAMPLER_STREAM, done)).generate_state(1)[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.NSGAIISampler(population_size=spec.generation, seed=seed)


def _distributions(spec: DesignSpec) -> dict[str, Any]:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    out: dict[str, Any] = {}
    for d in spec.dimensions:
        if d.choices:
            out[d.path] = CategoricalDistribution(list(d.choices))
        elif d.integer:
            out[d.path] = IntDistribution(int(d.low), int(d.high), step=int(d.step or 1))
        else:
            out[d.path] = FloatDistribution(d.low, d.high, step=d.step)
    for c in spec.add:
        out[f"add:{c}"] = CategoricalDistribution([False, True])
    for c in spec.remove:
        out[f"remove:{c}"] = CategoricalDistribution([False, True])
    return out


def _baseline_values(spec: DesignSpec) -> dict[str, Any] | None:
    """The baseline as searched values, or None where a baseline value lies
    outside its searched range or off its steps."""
    dists = _distributions(spec)
    out: dict[str, Any] = {f"{k}:{c}": False for k, cs in (("add", spec.add), ("remove", spec.remove)) for c in cs}
    for d in spec.dimensions:
        value = spec.baseline.parameters[d.path] if d.path in spec.baseline.parameters else None
        if value is None or not dists[d.path]._contains(dists[d.path].to_internal_repr(value)):
            return None
        out[d.path] = value
    return out


def _told(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))


def _tell(study, batch, spec: DesignSpec, bench: Bench, pool, names) -> None:
    """Score a generation's candidates (on the pool when there is one) and
    tell them in trial order."""
    values = [_plain(t.params) for t in batch]
    if pool is None:
        evaluations = [bench.evaluate(spec.candidate(v)) for v in values]
    elif isinstance(pool, ProcessPoolExecutor):
        source = (spec.text, spec.path, spec.base)
        chunk = max(1, math.ceil(len(values) / pool._max_workers))
        evaluations = list(pool.map(evaluate_values, [source] * len(values), values, chunksize=chunk))
    else:  # a dask.distributed Client: one task a candidate, gathered in trial order
        source = (spec.text, spec.path, spec.base)
        evaluations = pool.gather(pool.map(evaluate_values, [source] * len(values), values, pure=False))
    for trial, v, ev in zip(batch, values, evaluations):
        trial.set_user_attr("values", json.dumps(v, ensure_ascii=False, sort_keys=True))
        trial.set_user_attr("objectives", {k: [_finite(m), _finite(s)] for k, (m, s) in ev.values.items()})
        trial.set_user_attr("constraints", [float(c) for c in ev.constraints.values()])
        if ev.response:
            trial.set_user_attr("response", dict(ev.response))
        for name, c in ev.constraints.items():  # NSGA-II ranks feasible designs before infeasible ones
            trial.set_constraint(name, float(c))
        study.tell(trial, objective_vector(ev, names))


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in sorted(params.items())}


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def trial_table(study: optuna.Study) -> pd.DataFrame:
    """One row per told trial, in trial order: its number, whether it meets
    the constraints, every objective's mean and SE, judged at equilibrium
    its ε, whether it converged, items a unit files a year and the share of
    units that change (RESPONSE_COLUMNS), and its searched values (JSON)."""
    rows = []
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)):
        row = {"number": t.number, "feasible": all(c <= 0 for c in t.user_attrs.get("constraints", []))}
        for name, (m, s) in t.user_attrs["objectives"].items():
            row[name] = np.nan if m is None else m
            row[f"{name}_se"] = np.nan if s is None else s
        for name, v in t.user_attrs.get("response", {}).items():
            row[name] = bool(v) if name == "converged" else v
        row["values"] = t.user_attrs["values"]
        rows.append(row)
    at_equilibrium = [c for c in RESPONSE_COLUMNS if any(c in r for r in rows)]
    columns = ["number", "feasible"] + [c for n in OBJECTIVES for c in (n, f"{n}_se")] + at_equilibrium + ["values"]
    return pd.DataFrame(rows, columns=columns)


def pareto_front(table: pd.DataFrame, objectives) -> pd.DataFrame:
    """The feasible trials no other feasible trial dominates on the searched
    objectives' means (as good in all, better in one); of identical designs
    the first trial is kept."""
    feasible = table[table["feasible"]].drop_duplicates("values")
    if feasible.empty:
        return feasible
    signs = np.array([OBJECTIVES[n].sign for n in objectives])
    x = feasible[list(objectives)].to_numpy(float) * signs  # larger is better in every column
    x = np.where(np.isnan(x), -np.inf, x)
    better_eq = (x[:, None, :] >= x[None, :, :]).all(axis=2)
    strictly = (x[:, None, :] > x[None, :, :]).any(axis=2)
    dominated = (better_eq & strictly).any(axis=0)  # column j dominated by some row i
    return feasible[~dominated]
