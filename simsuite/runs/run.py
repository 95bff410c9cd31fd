"""Monte Carlo runs: every comparison of a scenario scored on the same
replicate histories, chunk by chunk, on any executor."""

from __future__ import annotations

import datetime as _dt
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..analytics.panel import source_columns
from ..engine.ranking import count_beyond
from ..engine.score import score_batch
from ..synthetic import generate
from .scenario import Scenario, parse_scenario


@dataclass
class RunResult:
    scenario: Scenario
    results: pd.DataFrame  # comparison × replicate × unit
    manifest: dict

    @property
    def summary(self) -> pd.DataFrame:
        return summarise(self.results)

    def write(self, out: str | Path) -> Path:
        """results.parquet, manifest.json and the scenario itself: the run's data.
        The workbooks, analyses and report are :func:`simsuite.report.write_report`'s."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.results.to_parquet(out / "results.parquet", index=False)
        (out / "manifest.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        (out / "scenario.toml").write_text(self.scenario.text, encoding="utf-8")
        return out


def chunks(scenario: Scenario) -> list[range]:
    n, size = scenario.replicates, scenario.chunk
    return [range(lo, min(lo + size, n)) for lo in range(0, n, size)]


def run_chunk(scenario_text: str, base: str, name: str, reps: range) -> pd.DataFrame:
    """Score every comparison of the scenario on replicates ``reps``."""
    scenario = _scenario(scenario_text, base, name)
    frames = []
    synthetic = {}
    for comp in scenario.comparisons:
        rb = comp.rulebook
        if rb.id not in synthetic:  # the same histories for every variant of a rulebook, drawn by its root
            synthetic[rb.id] = generate(rb.root, scenario.units(rb.id), scenario.year, scenario.behaviour, reps,
                                        scenario.seed)
        s = synthetic[rb.id]
        records, o, ctx = score_batch(rb, s.batch.under(rb.calendar(scenario.year)))
        R, U = o.final.shape
        units = s.batch.units
        lower = count_beyond(o.final, ctx.scoring_group, higher=False)
        frames.append(pd.DataFrame({
            "comparison": comp.name,
            "rulebook": rb.id,
            "replicate": np.repeat(np.arange(reps.start, reps.start + R), U),
            "unit_id": np.tile(units["unit_id"].to_numpy(object), R),
            "name": np.tile(units["name"].to_numpy(object), R),
            "group": np.tile(units["group"].to_numpy(object), R),
            "ranking_group": np.tile(np.asarray(rb.groups, dtype=object)[ctx.scoring_group], R),
            "points": o.points.ravel(),
            "final": o.final.ravel(),
            "rank": o.rank.ravel().astype(np.int32),
            "award": np.asarray(o.award_names, dtype=object)[o.award.ravel()],
            "bottom3": (lower < 3).ravel(),
            "quality": s.quality.ravel(),
            **{k: v.ravel() for k, v in source_columns(o.columns, (R, U)).items()},
        }))
    return pd.concat(frames, ignore_index=True)


@lru_cache(maxsize=4)
def _scenario(text: str, base: str, name: str) -> Scenario:
    return parse_scenario(text, Path(base), name)


def run(scenario: Scenario, executor=None, progress: bool = False, until_se: float | None = None,
        max_replicates: int | None = None) -> RunResult:
    """Run a scenario. ``executor``: None (in-process), an int (a local process
    pool of that many workers), or a ``dask.distributed.Client``; results do
    not depend on it.

    With ``until_se``, the run goes on past the scenario's replicates, a
    chunk (or one chunk per worker) at a time, until the largest standard
    error of any unit's chance of first place, of the top three, of the
    bottom three or of each award (read from its Wilson interval, so a chance
    still at 0 or 1 counts too; see
    :func:`simsuite.analytics.uncertainty.largest_se`) is at most
    ``until_se`` or ``max_replicates`` (default 100 × the scenario's) is
    reached. Replicate years are numbered from 0 whatever the stopping
    point, so the run equals a fixed run of the replicates it ended with.
    """
    from ..analytics.uncertainty import largest_se

    args = (scenario.text, scenario.base, scenario.path)
    limit = scenario.replicates if until_se is None else max(max_replicates or 100 * scenario.replicates,
                                                              scenario.replicates)
    bar = _bar(limit if until_se is not None else len(chunks(scenario)), progress)
    started = _dt.datetime.now(_dt.timezone.utc)
    frames = _execute(chunks(scenario), args, executor, bar, per_chunk=until_se is None)
    done, reached = scenario.replicates, None
    if until_se is not None:
        width = scenario.chunk * _workers(executor)
        reached = largest_se(pd.concat(frames, ignore_index=True))
        while reached > until_se and done < limit:
            more = [range(lo, min(lo + scenario.chunk, limit)) for lo in range(done, min(done + width, limit),
                                                                            scenario.chunk)]
            frames += _execute(more, args, executor, bar, per_chunk=False)
            done = more[-1].stop
            reached = largest_se(pd.concat(frames, ignore_index=True))
    results = pd.concat(frames, ignore_index=True)
    names = [c.name for c in scenario.comparisons]
    results["comparison"] = pd.Categorical(results["comparison"], categories=names)
    # one canonical order whatever the chunks: comparison, replicate, then units as listed
    results = results.sort_values(["comparison", "replicate"], kind="stable").reset_index(drop=True)
    for col in ("rulebook", "group", "ranking_group", "award", "unit_id", "name"):
        results[col] = results[col].astype("category")
    from ..version import VERSION as __version__

    manifest = {
        "scenario": scenario.title, "file": scenario.path, "year": scenario.year,
        "replicates": done, "seed": scenario.seed, "chunk": scenario.chunk,
        "until_se": until_se, "largest_se": reached,
        "simsuite": __version__, "started": started.isoformat(timespec="seconds"),
        "finished": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "comparisons": {c.name: {"rulebook": c.rulebook.id, "parameters": c.rulebook.parameters.digest(),
                                 "changes": {k: _plain(v) for k, v in c.rulebook.all_changes().items()}}
                        for c in scenario.comparisons},
        "scenario_text": scenario.text,
    }
    return RunResult(scenario, results, manifest)


def _execute(parts: list[range], args: tuple, executor, bar, per_chunk: bool) -> list[pd.DataFrame]:
    """Score ``parts`` (ranges of replicates) on the executor, in order."""
    if executor is None:
        frames = []
        for reps in parts:  # one chunk of replicates at a time, to bound memory
            frames.append(run_chunk(*args, reps))
            bar.update(1 if per_chunk else len(reps))
        return frames
    calls = list(zip(*[(*args, reps) for reps in parts]))
    if isinstance(executor, int):
        with ProcessPoolExecutor(max_workers=executor) as pool:
            results = pool.map(run_chunk, *calls)
            frames = []
            for frame, reps in zip(results, parts):
                frames.append(frame)
                bar.update(1 if per_chunk else len(reps))
            return frames
    futures = executor.map(run_chunk, *calls, pure=False)  # a dask.distributed Client: chunks as tasks
    frames = []
    for future, reps in zip(futures, parts):
        frames.append(future.result())
        bar.update(1 if per_chunk else len(reps))
    return frames


def _workers(executor) -> int:
    if executor is None:
        return 1
    if isinstance(executor, int):
        return executor
    return max(1, len(executor.scheduler_info().get("workers", {})))


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Per comparison and unit: mean and median rank, 5–95 % rank interval,
    probability of each award, of the top three and of the bottom three;
    ``fixed`` names those the unit's ranking group fixes by its size."""
    keys = ["comparison", "unit_id", "group"]
    g = results.groupby(keys, observed=True, sort=False)
    out = g["rank"].agg(mean_rank="mean", median_rank="median",
                        rank_p5=lambda s: s.quantile(0.05), rank_p95=lambda s: s.quantile(0.95))
    out["mean_final"] = g["final"].mean()
    out["p_top3"] = g["rank"].apply(lambda s: (s <= 3).mean())
    out["p_bottom3"] = g["bottom3"].mean()
    awards = [a for a in results["award"].astype(str).unique() if a]
    for award in sorted(awards):
        out[f"p_{award}"] = (results["award"].astype(str) == award).groupby(
            [results[k] for k in keys], observed=True, sort=False).mean()
    out["quality"] = g["quality"].mean()
    from ..analytics.fixed import units_fixed  # e.g. a unit of a three-unit group is always in the top three

    out = out.reset_index()
    fixed = units_fixed(results).set_index(["comparison", "unit_id"])["fixed"]
    out["fixed"] = fixed.reindex(list(zip(out["comparison"].astype(str), out["unit_id"].astype(str)))).to_numpy()
    return out


def _bar(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="chunk", disable=not show)


def _plain(v):
    return list(v) if isinstance(v, tuple) else v


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if k == "scenario_text":
            continue
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
    return out
