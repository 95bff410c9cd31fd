"""Which parameters of a rulebook move the rankings most.

Two analyses over the same replicate histories (common random numbers: the
histories are generated once, the baseline is scored once, and every run
scores the very same histories under a variant of the rulebook, so a
difference between runs comes from the rules, never from the dice):

- :func:`sweep` and :func:`tornado`, one parameter at a time;
- :func:`sobol`, a variance-based global analysis over ranges of several
  parameters at once: first-order and total Sobol' indices with bootstrap
  confidence intervals, from SALib's Saltelli design and estimators.

The output analysed is the *rank shift*: the mean over replicates and units
of |rank under the run's rules − rank under the baseline|, one number per run;
each unit's mean rank per run is kept as well. Parameter paths and ranges are
checked against the rulebook before anything is generated or scored, and
every problem is reported at once.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from SALib.analyze import sobol as salib_sobol
from SALib.sample import sobol as salib_sample

from ..engine.rulebook import RedundantChange, Rulebook, VariantError
from ..engine.score import score_batch
from ..params import suggest
from ..synthetic import Behaviour, Synthetic, generate, real_units

__all__ = ["SensitivityError", "SobolResult", "Sweep", "sobol", "sobol_indices", "sweep", "tornado"]

#: parameter types that can be given a numeric range
RANGED_TYPES = ("number", "integer")

#: spawn keys of the seed's streams; generation uses (0,) and (1, block)
_DESIGN_STREAM, _BOOTSTRAP_STREAM = 2, 3

INDEX_COLUMNS = ["parameter", "S1", "S1_conf", "ST", "ST_conf"]


class SensitivityError(ValueError):
    """A sensitivity analysis that cannot run, with every reason at once."""


# ---- results ------------------------------------------------------------------

@dataclass(frozen=True)
class Sweep:
    """One parameter swept over values, each scored on the same histories.

    ``summary``: parameter, value, mean_abs_shift, mean_abs_shift_se (one row
    per value, in the order given); ``ranks``: parameter, value, unit_id,
    name, group, mean_rank, base_mean_rank (one row per value and unit).
    A value of ``calendar.quarter_starts`` is scored on the same histories
    with their quarters regrouped (``dataclasses.replace(batch, calendar=
    variant.calendar(year))``).
    """

    rulebook: Rulebook
    parameter: str
    summary: pd.DataFrame
    ranks: pd.DataFrame
    seed: int
    replicates: int
    year: int

    def variant(self, value: Any) -> Rulebook:
        """The rulebook the sweep scored at ``value``."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RedundantChange)
            return self.rulebook.vary({self.parameter: value}, title=f"{self.parameter} = {value!r}")


@dataclass(frozen=True)
class SobolResult:
    """A global sensitivity analysis with every run's parameters kept.

    ``samples``: run and one column per parameter path (the values applied,
    integers rounded); ``outputs``: run, mean_abs_shift; ``unit_ranks``: run,
    unit_id, mean_rank; ``indices``: parameter, S1, S1_conf, ST, ST_conf for
    the rank shift; ``unit_indices``: unit_id, name, parameter, S1, S1_conf,
    ST, ST_conf for each unit's mean rank (NaN where the unit's mean rank is
    the same in every run); ``second_order``: parameter, other, S2, S2_conf
    (empty unless asked for), and ``unit_second_order`` the same per unit.
    Every output is analysed with the ``calc_second_order`` the design was
    drawn with: SALib reads the runs' layout from it. ``problem`` is the SALib
    problem the design was drawn from.
    """

    rulebook: Rulebook
    ranges: Mapping[str, tuple[float, float]]
    problem: dict
    samples: pd.DataFrame
    outputs: pd.DataFrame
    unit_ranks: pd.DataFrame
    indices: pd.DataFrame
    unit_indices: pd.DataFrame
    second_order: pd.DataFrame
    seed: int
    replicates: int
    year: int
    units: pd.DataFrame
    behaviour: Behaviour = field(repr=False, default_factory=Behaviour.make)
    unit_second_order: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["unit_id", "name", "parameter", "other", "S2", "S2_conf"]))

    @property
    def runs(self) -> int:
        return len(self.samples)

    def changes(self, run: int) -> dict[str, Any]:
        """The parameter values run ``run`` applied."""
        if not 0 <= run < self.runs:
            raise IndexError(f"no run {run}: runs are 0 … {self.runs - 1}")
        row = self.samples.iloc[run]
        return {path: _python_value(row[path], self.rulebook.parameters.param(path).type) for path in self.ranges}

    def variant(self, run: int) -> Rulebook:
        """The rulebook of run ``run``, to score, explain or compare again."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RedundantChange)
            return self.rulebook.vary(self.changes(run), title=f"sensitivity run {run}")

    def histories(self) -> Synthetic:
        """The replicate histories every run was scored on, drawn again from the seed."""
        return generate(self.rulebook, self.units, self.year, self.behaviour, range(self.replicates), self.seed)


# ---- one at a time ----------------------------------------------------------------

def sweep(rulebook: Rulebook, path: str, values: Iterable[Any], *, units: pd.DataFrame | None = None,
          replicates: int = 64, seed: int = 0, behaviour: Behaviour | None = None,
          year: int | None = None) -> Sweep:
    """Score the same histories with ``path`` set to each of ``values`` in
    turn: how far the rankings move from the baseline at each value.

    Any leaf parameter can be swept (numbers, whole numbers, true/false,
    choices); every value is checked against the rulebook first.
    """
    values = list(values) if not isinstance(values, (str, bytes)) else [values]
    values = [v.item() if isinstance(v, np.generic) else v for v in values]  # numpy scalars as Python values
    problems = _leaf_problems(rulebook, path)
    checked: list[Any] = []
    if not values:
        problems.append(f"sweep of {path!r}: give at least one value")
    if not problems:
        for value in values:
            try:
                checked.append(_vary(rulebook, {path: value}).parameters[path])
            except VariantError as exc:
                problems.append(_variant_message(exc))
        if len(checked) == len(values):
            problems += _calendar_problems(rulebook, path, checked, year)
    problems += _run_problems(rulebook, units, replicates, year, seed, behaviour)
    _raise(problems, f"sweep of {rulebook.name!r}")

    bench = _Bench.make(rulebook, units, replicates, seed, behaviour, year)
    shift, shift_se, unit_rank = bench.run_all([{path: v} for v in checked])
    U = len(bench.units)
    summary = pd.DataFrame({
        "parameter": path,
        "value": pd.Series(checked, dtype=object),
        "mean_abs_shift": shift,
        "mean_abs_shift_se": shift_se,
    })
    ranks = pd.DataFrame({
        "parameter": path,
        "value": pd.Series(np.repeat(_objects(checked), U), dtype=object),
        "unit_id": np.tile(bench.units["unit_id"].to_numpy(object), len(checked)),
        "name": np.tile(bench.units["name"].to_numpy(object), len(checked)),
        "group": np.tile(bench.units["group"].to_numpy(object), len(checked)),
        "mean_rank": unit_rank.ravel(),
        "base_mean_rank": np.tile(bench.base_rank.mean(axis=0), len(checked)),
    })
    return Sweep(rulebook, path, summary, ranks, seed, bench.replicates, bench.year)


def tornado(rulebook: Rulebook, ranges: Mapping[str, Sequence[float]], *, units: pd.DataFrame | None = None,
            replicates: int = 64, seed: int = 0, behaviour: Behaviour | None = None,
            year: int | None = None) -> pd.DataFrame:
    """Each parameter at the low and the high end of its range, the others at
    their baseline: the rank shift at either end, sorted by swing.

    Columns: parameter, label, low, high, base_value, output_low,
    output_high, output_base (the baseline's shift, 0) and swing (the width of
    the bar: the largest minus the smallest of the three outputs).
    """
    checked, problems = _range_problems(rulebook, ranges, year)
    problems += _run_problems(rulebook, units, replicates, year, seed, behaviour)
    _raise(problems, f"tornado of {rulebook.name!r}")

    bench = _Bench.make(rulebook, units, replicates, seed, behaviour, year)
    paths = list(checked)
    runs = [{p: checked[p][end]} for p in paths for end in (0, 1)]
    shift, _, _ = bench.run_all(runs)
    low, high = shift[0::2], shift[1::2]
    p = rulebook.parameters
    frame = pd.DataFrame({
        "parameter": paths,
        "label": [p.label(path) for path in paths],
        "low": [checked[path][0] for path in paths],
        "high": [checked[path][1] for path in paths],
        "base_value": [p[path] for path in paths],
        "output_low": low,
        "output_high": high,
        "output_base": 0.0,
    })
    outputs = frame[["output_low", "output_high", "output_base"]].to_numpy()
    frame["swing"] = outputs.max(axis=1) - outputs.min(axis=1)
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


# ---- global, variance based -----------------------------------------------------

def sobol(rulebook: Rulebook, ranges: Mapping[str, Sequence[float]], *, n: int = 64, replicates: int = 32,
          units: pd.DataFrame | None = None, seed: int = 0, behaviour: Behaviour | None = None,
          year: int | None = None, calc_second_order: bool = False, num_resamples: int = 200,
          conf_level: float = 0.95) -> SobolResult:
    """First-order and total Sobol' indices of the rank shift (and of each
    unit's mean rank) over ``ranges = {path: (low, high)}``.

    The design is SALib's Saltelli extension of a scrambled Sobol' sequence of
    ``n`` base points (a power of 2): n·(D + 2) runs, or n·(2D + 2) with
    ``calc_second_order``. A whole-number parameter is drawn on
    [low − ½, high + ½] and rounded, so each whole number in the range is
    equally likely; the run applies (and ``samples`` keeps) the rounded value.
    """
    checked, problems = _range_problems(rulebook, ranges, year)
    problems += _run_problems(rulebook, units, replicates, year, seed, behaviour)
    problems += _design_problems(n, num_resamples, conf_level)
    _raise(problems, f"Sobol analysis of {rulebook.name!r}")

    paths = list(checked)
    integers = [p for p in paths if rulebook.parameters.param(p).type == "integer"]
    problem, X = _design(checked, n, seed, calc_second_order, integers)
    bench = _Bench.make(rulebook, units, replicates, seed, behaviour, year)
    runs = [dict(zip(paths, _row_values(row, paths, integers))) for row in X]
    shift, _, unit_rank = bench.run_all(runs)

    indices, second = _analyse(problem, shift, calc_second_order, num_resamples, conf_level, seed)
    unit_frames, unit_pairs = [], []
    ids, names = bench.units["unit_id"].to_numpy(object), bench.units["name"].to_numpy(object)
    for u in range(unit_rank.shape[1]):  # one SALib analysis per unit's output (D estimators each, no scoring)
        # the same calc_second_order as the design: it tells SALib how the runs are laid out
        frame, pairs = _analyse(problem, unit_rank[:, u], calc_second_order, num_resamples, conf_level, seed)
        unit_frames.append(frame.assign(unit_id=ids[u], name=names[u]))
        unit_pairs.append(pairs.assign(unit_id=ids[u], name=names[u]))
    unit_indices = pd.concat(unit_frames, ignore_index=True)[["unit_id", "name"] + INDEX_COLUMNS]
    pair_columns = ["unit_id", "name", "parameter", "other", "S2", "S2_conf"]
    unit_second = (pd.concat(unit_pairs, ignore_index=True)[pair_columns] if calc_second_order and len(paths) > 1
                   else pd.DataFrame(columns=pair_columns))

    R = len(runs)
    samples = pd.DataFrame({"run": np.arange(R)})
    for j, path in enumerate(paths):
        samples[path] = X[:, j].astype(np.int64) if path in integers else X[:, j]
    U = unit_rank.shape[1]
    return SobolResult(
        rulebook=rulebook,
        ranges=checked,
        problem=problem,
        samples=samples,
        outputs=pd.DataFrame({"run": np.arange(R), "mean_abs_shift": shift}),
        unit_ranks=pd.DataFrame({"run": np.repeat(np.arange(R), U), "unit_id": np.tile(ids, R),
                                 "mean_rank": unit_rank.ravel()}),
        indices=indices,
        unit_indices=unit_indices,
        second_order=second,
        seed=seed,
        replicates=bench.replicates,
        year=bench.year,
        units=bench.units,
        behaviour=bench.behaviour,
        unit_second_order=unit_second,
    )


def sobol_indices(func: Callable[[np.ndarray], np.ndarray], ranges: Mapping[str, Sequence[float]], n: int, *,
                  seed: int = 0, num_resamples: int = 200, conf_level: float = 0.95) -> pd.DataFrame:
    """First-order and total Sobol' indices of any vectorised ``func``
    (a (runs × D) array in, ``runs`` outputs out) over uniform ``ranges``:
    SALib's Saltelli design of ``n`` base points (a power of 2) and its
    estimators with bootstrap intervals. Columns: parameter, S1, S1_conf, ST,
    ST_conf."""
    problems = _design_problems(n, num_resamples, conf_level)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        problems.append(f"seed = {seed!r}: give a whole number ≥ 0")
    bounds: dict[str, tuple[float, float]] = {}
    for name, rng in dict(ranges).items():
        try:
            low, high = _two_numbers(rng)
        except ValueError as exc:
            problems.append(f"{name!r}: {exc}")
            continue
        if not low < high:
            problems.append(f"{name!r}: the range ({low:g}, {high:g}) needs low < high")
        bounds[name] = (low, high)
    if not ranges:
        problems.append("give at least one range")
    _raise(problems, "Sobol analysis")
    problem, X = _design(bounds, n, seed, False, [])
    Y = np.asarray(func(X), dtype=float).reshape(-1)
    if Y.shape != (len(X),):
        raise SensitivityError(f"func returned {Y.size} values for {len(X)} runs: it must return one value a run")
    indices, _ = _analyse(problem, Y, False, num_resamples, conf_level, seed)
    return indices


# ---- common random numbers ---------------------------------------------------------

@dataclass
class _Bench:
    """Histories drawn once and the baseline scored once; runs score the same
    batch under variants (identical changes are scored once)."""

    rulebook: Rulebook
    units: pd.DataFrame
    year: int
    behaviour: Behaviour
    replicates: int
    synthetic: Synthetic
    base_rank: np.ndarray  # (R, U)

    @classmethod
    def make(cls, rulebook, units, replicates, seed, behaviour, year) -> "_Bench":
        units = (real_units(rulebook) if units is None else units).reset_index(drop=True)
        year = rulebook.own_year() if year is None else int(year)
        behaviour = behaviour or Behaviour.make()
        synthetic = generate(rulebook, units, year, behaviour, range(int(replicates)), seed)
        _, outcome, _ = score_batch(rulebook, synthetic.batch)
        return cls(rulebook, units, year, behaviour, int(replicates), synthetic, outcome.rank.astype(np.int64))

    def run_all(self, runs: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per run: mean absolute rank shift, its standard error over
        replicates, and each unit's mean rank (runs × U)."""
        shift = np.empty(len(runs))
        shift_se = np.empty(len(runs))
        unit_rank = np.empty((len(runs), self.base_rank.shape[1]))
        done: dict[str, int] = {}
        R = self.base_rank.shape[0]
        for k, changes in enumerate(runs):  # one variant and one scoring a run
            key = repr(sorted(changes.items()))
            if key in done:
                j = done[key]
                shift[k], shift_se[k], unit_rank[k] = shift[j], shift_se[j], unit_rank[j]
                continue
            _, outcome, _ = score_batch(*self.variant_and_batch(changes))
            per_rep = np.abs(outcome.rank - self.base_rank).mean(axis=1)
            shift[k] = per_rep.mean()
            shift_se[k] = per_rep.std(ddof=1) / math.sqrt(R) if R > 1 else np.nan
            unit_rank[k] = outcome.rank.mean(axis=0)
            done[key] = k
        return shift, shift_se, unit_rank

    def variant_and_batch(self, changes: Mapping[str, Any]):
        """The run's rulebook and the histories under its calendar: new quarter
        boundaries regroup the same dated events (the year itself is checked
        not to move, see :func:`_calendar_problems`)."""
        variant = _vary(self.rulebook, changes)
        batch = self.synthetic.batch
        calendar = variant.calendar(self.year)
        return variant, batch.under(calendar)


# ---- validation ---------------------------------------------------------------------

def _leaf_problems(rb: Rulebook, path: Any) -> list[str]:
    """Why ``path`` is not a leaf parameter of ``rb`` (empty when it is)."""
    if not isinstance(path, str):
        return [f"{path!r} is not a parameter path (a dotted name such as 'normalise.scale')"]
    if path in rb.parameters:
        return []
    leaves = [p for p in rb.parameters.leaves if p.startswith(path + ".")]
    if leaves:
        shown = ", ".join(leaves[:6]) + (f" … and {len(leaves) - 6} more" if len(leaves) > 6 else "")
        return [f"{path!r} is a table of {len(leaves)} parameters, not one: name a cell ({shown})"]
    return [f"no parameter {path!r} in {rb.id}{suggest(path, list(rb.parameters.leaves))}"]


def _range_problems(rb: Rulebook, ranges: Mapping[str, Sequence[float]], year: Any
                    ) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Ranges checked against the rulebook: each path a number or whole-number
    leaf, low < high, both ends inside the parameter's bounds and accepted by
    ``rb.vary``. Returns the ranges (ends in the parameter's type) and every problem."""
    problems: list[str] = []
    checked: dict[str, tuple[float, float]] = {}
    if not isinstance(ranges, Mapping) or not ranges:
        return {}, ["give the ranges as {parameter path: (low, high)}, at least one"]
    for path, rng in ranges.items():
        bad = _leaf_problems(rb, path)
        if bad:
            problems += bad
            continue
        param = rb.parameters.param(path)
        if param.type not in RANGED_TYPES:
            problems.append(f"{path!r} is a {param.type} parameter (now {param.value!r}): only number and "
                            f"integer parameters take a range; try its values one at a time with sweep()")
            continue
        try:
            low, high = _two_numbers(rng)
        except ValueError as exc:
            problems.append(f"{path!r}: {exc}")
            continue
        where = f"{path!r}: the range ({low:g}, {high:g})"
        if not low < high:
            problems.append(f"{where} needs low < high")
            continue
        outside = [f"{name} {end:g} is below the minimum {param.min:g}" for name, end in (("low", low), ("high", high))
                   if param.min is not None and end < param.min]
        outside += [f"{name} {end:g} is above the maximum {param.max:g}" for name, end in (("low", low), ("high", high))
                    if param.max is not None and end > param.max]
        if outside:
            problems.append(f"{where} leaves the allowed [{_bound(param.min)}, {_bound(param.max)}]: "
                            + "; ".join(outside))
            continue
        ends = []
        for end in (low, high):
            try:
                ends.append(_vary(rb, {path: end}).parameters[path])
            except VariantError as exc:
                problems.append(f"{where}: {_variant_message(exc)}")
        if len(ends) == 2:
            moved = _calendar_problems(rb, path, ends, year)
            if moved:
                problems += moved
                continue
            checked[path] = (ends[0], ends[1])
    return checked, problems


def _calendar_problems(rb: Rulebook, path: str, values: Sequence[Any], year: Any) -> list[str]:
    """Histories are drawn for one assessment year: a value that moves the
    year's first month would score months nobody was simulated in."""
    if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
        return []  # reported by _run_problems
    try:
        y = rb.own_year() if year is None else int(year)
    except ValueError:  # no year: reported by _run_problems
        return []
    start = rb.calendar(y).start_month
    moved = [v for v in values if _vary(rb, {path: v}).calendar(y).start_month != start]
    if not moved:
        return []
    return [f"{path!r} = {moved[0]!r} moves the assessment year away from {rb.calendar(y).describe()}: the histories are "
            f"drawn for that year only; compare calendars with a scenario run per calendar instead"]


def _run_problems(rb: Rulebook, units: pd.DataFrame | None, replicates: Any, year: Any, seed: Any,
                  behaviour: Any) -> list[str]:
    """Why the histories could not be drawn: replicates, year, seed, behaviour, population."""
    problems = []
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        problems.append(f"seed = {seed!r}: give a whole number ≥ 0")
    if behaviour is not None and not isinstance(behaviour, Behaviour):
        problems.append(f"behaviour: give a Behaviour (Behaviour.make({{...}})), not {type(behaviour).__name__}")
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) or replicates < 1:
        problems.append(f"replicates = {replicates!r}: give a whole number ≥ 1")
    if year is None:
        try:
            rb.own_year()
        except ValueError as exc:
            problems.append(str(exc))
    elif isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        problems.append(f"year = {year!r}: give a whole number")
    if units is None:
        try:
            real_units(rb)
        except FileNotFoundError as exc:
            problems.append(f"units: {exc}")
    else:
        if not isinstance(units, pd.DataFrame):
            problems.append("units: give a table with columns unit_id, name, group (as real_units returns)")
        else:
            missing = [c for c in ("unit_id", "name", "group") if c not in units.columns]
            if missing:
                problems.append(f"units: missing columns {missing}")
            else:
                if units.empty:
                    problems.append("units: the table has no units")
                unknown = sorted({str(g) for g in units["group"]} - set(rb.groups))
                if unknown:
                    problems.append(f"units: {rb.id} has no group {unknown[0]!r} (groups: {list(rb.groups)})"
                                    f"{suggest(unknown[0], rb.groups)}")
    return problems


def _design_problems(n: Any, num_resamples: Any, conf_level: Any) -> list[str]:
    problems = []
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2 or n & (n - 1):
        hint = ""
        if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 2:
            below = 1 << (int(n).bit_length() - 1)
            hint = f" (e.g. {below} or {below * 2})"
        problems.append(f"n = {n!r}: the Sobol' design needs a power of 2 ≥ 2 base points{hint}")
    if isinstance(num_resamples, bool) or not isinstance(num_resamples, (int, np.integer)) or num_resamples < 2:
        problems.append(f"num_resamples = {num_resamples!r}: give a whole number ≥ 2")
    if isinstance(conf_level, bool) or not isinstance(conf_level, (int, float)) or not 0 < conf_level < 1:
        problems.append(f"conf_level = {conf_level!r}: give a number strictly between 0 and 1")
    return problems


def _two_numbers(rng: Any) -> tuple[float, float]:
    if isinstance(rng, (str, bytes, Mapping)) or not isinstance(rng, Sequence) or len(rng) != 2:
        raise ValueError(f"give the range as (low, high), not {rng!r}")
    low, high = rng
    for end in (low, high):
        if isinstance(end, bool) or not isinstance(end, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(end)):
            raise ValueError(f"the range ends must be finite numbers, not {rng!r}")
    return float(low), float(high)


def _raise(problems: list[str], what: str) -> None:
    if problems:
        raise SensitivityError(f"{what}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))


def _bound(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _variant_message(exc: VariantError) -> str:
    """A VariantError's reasons without its 'variant of …' heading."""
    lines = str(exc).splitlines()
    return "; ".join(line.strip() for line in lines[1:]) if len(lines) > 1 else str(exc)


def _vary(rb: Rulebook, changes: Mapping[str, Any]) -> Rulebook:
    """``rb.vary`` without the warning for a value equal to the baseline's
    (a sweep or a design may well hit the baseline value)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RedundantChange)
        return rb.vary(changes)


# ---- SALib design and analysis --------------------------------------------------------

def _stream_seed(seed: int, key: int) -> int:
    """A positive integer seed for one purpose, independent of the histories' streams."""
    return int(np.random.SeedSequence(seed, spawn_key=(key,)).generate_state(1)[0]) + 1


def _design(ranges: Mapping[str, tuple[float, float]], n: int, seed: int, calc_second_order: bool,
            integers: Sequence[str]) -> tuple[dict, np.ndarray]:
    """The SALib problem and the (runs × D) design, whole-number columns rounded."""
    names = list(ranges)
    bounds = [[lo - 0.5, hi + 0.5] if p in integers else [lo, hi] for p, (lo, hi) in ranges.items()]
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    X = salib_sample.sample(problem, int(n), calc_second_order=calc_second_order,
                            seed=_stream_seed(seed, _DESIGN_STREAM))
    for j, p in enumerate(names):
        if p in integers:
            X[:, j] = np.clip(np.rint(X[:, j]), ranges[p][0], ranges[p][1])
    return problem, X


def _analyse(problem: dict, Y: np.ndarray, calc_second_order: bool, num_resamples: int, conf_level: float,
             seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SALib's first, total (and second) order indices of one output; NaN
    when the output is the same in every run (there is no variance to share out)."""
    names = problem["names"]
    D = len(names)
    if np.ptp(Y) == 0:
        first = pd.DataFrame({"parameter": names, **{c: np.nan for c in INDEX_COLUMNS[1:]}})
        pairs = [(names[j], names[k]) for j in range(D) for k in range(j + 1, D)] if calc_second_order else []
        second = pd.DataFrame({"parameter": [a for a, _ in pairs], "other": [b for _, b in pairs],
                               "S2": np.nan, "S2_conf": np.nan})
        return first, second
    S = salib_sobol.analyze(problem, np.asarray(Y, dtype=float), calc_second_order=calc_second_order,
                            num_resamples=int(num_resamples), conf_level=float(conf_level),
                            seed=_stream_seed(seed, _BOOTSTRAP_STREAM))
    first = pd.DataFrame({"parameter": names, "S1": S["S1"], "S1_conf": S["S1_conf"],
                          "ST": S["ST"], "ST_conf": S["ST_conf"]})
    rows = []
    if calc_second_order:
        for j in range(D):
            for k in range(j + 1, D):
                rows.append({"parameter": names[j], "other": names[k],
                             "S2": S["S2"][j, k], "S2_conf": S["S2_conf"][j, k]})
    second = pd.DataFrame(rows, columns=["parameter", "other", "S2", "S2_conf"])
    return first, second


def _row_values(row: np.ndarray, paths: Sequence[str], integers: Sequence[str]) -> list[Any]:
    return [int(v) if p in integers else float(v) for p, v in zip(paths, row)]


def _objects(values: Sequence[Any]) -> np.ndarray:
    """A 1-D object array of ``values``, even when they are tuples."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _python_value(v: Any, ptype: str) -> Any:
    return int(v) if ptype == "integer" else float(v)
