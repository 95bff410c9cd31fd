"""Monte Carlo runs: every comparison of a scenario scored on the same
replicate histories, chunk by chunk, on any executor."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ..analytics.diagnostics import outcome_columns
from ..analytics.panel import source_columns
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

    def write(self, out: str | Path, force: bool = False,
              also: Callable[[Path], None] | None = None) -> Path:
        """results.parquet, manifest.json and the scenario itself: the run's
        data. ``also`` writes more into the same folder before it is complete
        (:func:`simsuite.report.write_report` adds the workbooks, analyses and
        report this way).

        Everything is written into a temporary folder beside ``out`` and moved
        into place when complete, so ``out`` never holds half a run or files
        of an earlier one. A non-empty ``out`` is refused unless ``force``,
        which replaces it."""
        out = Path(out)
        refuse_output(out, force)
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.writing-", dir=out.parent))
        try:
            self.results.to_parquet(staging / "results.parquet", index=False)
            (staging / "manifest.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=2),
                                                   encoding="utf-8")
            (staging / "scenario.toml").write_text(self.scenario.text, encoding="utf-8")
            if also is not None:
                also(staging)
            _move_into_place(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return out


def refuse_output(out: Path, force: bool) -> None:
    """ValueError, in one line, for an output that is a file, or a folder
    holding anything, unless ``force``."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: is a file; give a folder for the run's files")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ValueError(f"--out {out}: the folder is not empty; give a new folder, or --force to replace "
                         f"what it holds")


def _move_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by the complete ``staging`` folder: the old folder is
    renamed aside first and removed only once the new one is in place."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def chunks(scenario: Scenario) -> list[range]:
    n, size = scenario.replicates, scenario.chunk
    return [range(lo, min(lo + size, n)) for lo in range(0, n, size)]


def run_chunk(scenario_text: str, name: str, variant_texts: tuple, rulebook_texts: tuple,
              reps: range) -> pd.DataFrame:
    """Score every comparison of the scenario on replicates ``reps``. The
    scenario arrives as texts (:attr:`Scenario.sources`), so a worker reads
    no file and needs no working folder."""
    scenario = _scenario(scenario_text, name, variant_texts, rulebook_texts)
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
        lower = ctx.standing(o.final)[1]
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
            **{k: v.ravel() for k, v in outcome_columns(rb, o, ctx).items()},
        }))
    return pd.concat(frames, ignore_index=True)


@lru_cache(maxsize=4)
def _scenario(text: str, name: str, variant_texts: tuple, rulebook_texts: tuple) -> Scenario:
    return parse_scenario(text, Path("."), name, dict(variant_texts), dict(rulebook_texts))


class ChunkStore:
    """Completed chunks kept as parquet files in ``folder``, so an interrupted
    run resumes where it stopped. Chunks are kept only for the exact scenario
    (texts of the scenario, its variants and rulebooks, package version) that
    made them; others found there are discarded."""

    def __init__(self, folder: str | Path, scenario: Scenario):
        from ..version import VERSION as __version__

        self.folder = Path(folder)
        key = hashlib.sha256(json.dumps([scenario.sources, __version__], ensure_ascii=False).encode()).hexdigest()
        stamp = self.folder / "scenario.sha256"
        if self.folder.exists() and (not stamp.exists() or stamp.read_text() != key):
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp.write_text(key)
        self.resumed = len(list(self.folder.glob("chunk-*.parquet")))

    def _path(self, reps: range) -> Path:
        return self.folder / f"chunk-{reps.start:09d}-{reps.stop:09d}.parquet"

    def load(self, reps: range) -> pd.DataFrame | None:
        path = self._path(reps)
        return pd.read_parquet(path) if path.exists() else None

    def save(self, reps: range, frame: pd.DataFrame) -> None:
        path = self._path(reps)
        part = path.with_suffix(".partial")
        frame.to_parquet(part, index=False)
        os.replace(part, path)  # a chunk file is whole or absent, even if the run is killed while writing

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def run(scenario: Scenario, executor=None, progress: bool = False, until_se: float | None = None,
        max_replicates: int | None = None, checkpoint: str | Path | ChunkStore | None = None,
        check_resources: bool = True) -> RunResult:
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

    With ``checkpoint`` (a folder), every completed chunk is saved there and
    a later call with the same scenario takes it from there instead of
    scoring it again: an interrupted run resumes from its completed chunks.

    A run that cannot fit in memory raises :class:`~.resources.ResourceError`
    before it starts (``check_resources=False`` skips the check).
    """
    from ..analytics.uncertainty import largest_se

    if check_resources:
        _check_resources(scenario, executor)

    args = scenario.sources
    store = checkpoint if isinstance(checkpoint, ChunkStore) or checkpoint is None else ChunkStore(checkpoint, scenario)
    limit = scenario.replicates if until_se is None else max(max_replicates or 100 * scenario.replicates,
                                                              scenario.replicates)
    bar = _bar(limit if until_se is not None else len(chunks(scenario)), progress)
    started = _dt.datetime.now(_dt.timezone.utc)
    names = [c.name for c in scenario.comparisons]
    frames = _execute(chunks(scenario), args, executor, bar, per_chunk=until_se is None, store=store, names=names)
    done, reached = scenario.replicates, None
    if until_se is not None:
        width = scenario.chunk * _workers(executor)
        reached = largest_se(_joined(frames))
        while reached > until_se and done < limit:
            more = [range(lo, min(lo + scenario.chunk, limit)) for lo in range(done, min(done + width, limit),
                                                                            scenario.chunk)]
            frames += _execute(more, args, executor, bar, per_chunk=False, store=store, names=names)
            done = more[-1].stop
            reached = largest_se(_joined(frames))
    bar.close()
    results = _joined(frames)
    del frames  # the chunks are in ``results`` now: free them before the sort copies it
    # one canonical order whatever the chunks: comparison, replicate, then units as listed
    results = results.sort_values(["comparison", "replicate"], kind="stable").reset_index(drop=True)
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
        # a calibrated population: its file, ledger and date (its text is kept with the variant files)
        "calibration": dict(scenario.calibration) or None,
        # the texts every comparison was built from, so a repeat needs no file and gets exactly these rules
        "rulebook_files": {rid: {"parameters": _baseline(scenario, rid).parameters.digest(), "text": text}
                           for rid, text in scenario.rulebook_texts},
        "variant_files": {path: {"parameters": _variant_digest(scenario, path), "text": text}
                          for path, text in scenario.variant_texts},
    }
    return RunResult(scenario, results, manifest)


def repeat_manifest(manifest: dict, name: str = "manifest.json") -> Scenario:
    """The scenario of an earlier run, rebuilt from the texts its manifest
    kept (no file is read, so it works from any folder) with as many
    replicate years as it ran."""
    from .scenario import ScenarioError

    if not isinstance(manifest, dict) or not isinstance(manifest.get("scenario_text"), str):
        raise ScenarioError(f"{name}: not the manifest.json of a simsuite run (no scenario_text)")
    try:
        return _repeat(manifest, name)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ScenarioError(f"{name}: not a complete manifest of a simsuite run ({type(exc).__name__}: {exc})") \
            from None


def _repeat(manifest: dict, name: str) -> Scenario:
    import dataclasses

    from .scenario import ScenarioError

    file = str(manifest.get("file", name))
    if "variant_files" in manifest:
        variants = {k: v["text"] for k, v in manifest["variant_files"].items()}
        rulebooks = {k: v["text"] for k, v in manifest.get("rulebook_files", {}).items()}
        scenario = parse_scenario(manifest["scenario_text"], Path("."), file, variants, rulebooks)
    else:  # a manifest from before the texts were kept: the files where they were
        scenario = parse_scenario(manifest["scenario_text"], Path(file).parent, file)
    kept = {k: v["parameters"] for k, v in manifest.get("comparisons", {}).items()}
    for comp in scenario.comparisons:
        if comp.name in kept and kept[comp.name] != comp.rulebook.parameters.digest():
            raise ScenarioError(f"{name}: comparison {comp.name!r} rebuilt with parameters "
                                f"{comp.rulebook.parameters.digest()}, but the run used {kept[comp.name]}")
    return dataclasses.replace(scenario, replicates=int(manifest["replicates"]))


def _baseline(scenario: Scenario, rulebook_id: str):
    for comp in scenario.comparisons:
        if comp.rulebook.id == rulebook_id:
            rb = comp.rulebook
            while rb.baseline is not None:
                rb = rb.baseline
            return rb
    raise KeyError(rulebook_id)


def _variant_digest(scenario: Scenario, path: str) -> str | None:
    from ..engine.variant_file import parse_toml, read_variant
    from .scenario import _baselines

    from .scenario import variant_key

    texts = dict(scenario.variant_texts)
    if not path.endswith(".toml"):  # a unit list kept beside a rulebook file: data, not parameters
        return None
    doc = parse_toml(texts[path], path)
    if "calibration" in doc:  # a calibrated population: its text's digest
        return hashlib.sha256(texts[path].encode("utf-8")).hexdigest()[:16]
    if "rulebook" in doc:  # a rulebook file named by the scenario
        from ..rulebooks import from_text

        return from_text(texts[path], Path(scenario.base) / path).parameters.digest()
    baselines = _baselines(dict(scenario.rulebook_texts), [])
    return read_variant(Path(path), reader=lambda p: texts[variant_key(p)],
                        baselines=baselines).parameters.digest()


#: the text columns of a run's results, kept as categories: a unit's name
#: repeated on every row costs tens of bytes a row as text, one as a category
TEXT_COLUMNS = ("comparison", "rulebook", "group", "ranking_group", "award", "unit_id", "name")


def _compact(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """A chunk's text columns as categories, as soon as it arrives: the
    chunks of a 10,000-year run take a third of the memory they would as
    text. ``comparison``'s categories are the scenario's comparisons, in
    its order (the order results are sorted in)."""
    frame["comparison"] = pd.Categorical(frame["comparison"], categories=names)
    for col in TEXT_COLUMNS[1:]:
        frame[col] = frame[col].astype("category")
    return frame


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one table, its text columns categories of every value
    they hold, sorted (as ``astype("category")`` of the whole would give),
    without turning them back into text first."""
    frames = [f.copy(deep=False) for f in frames]
    for col in TEXT_COLUMNS[1:]:
        categories = union_categoricals([f[col] for f in frames], sort_categories=True).categories
        for f in frames:
            f[col] = f[col].cat.set_categories(categories)
    return pd.concat(frames, ignore_index=True)


def _execute(parts: list[range], args: tuple, executor, bar, per_chunk: bool,
             store: ChunkStore | None = None, names: list[str] | None = None) -> list[pd.DataFrame]:
    """Score ``parts`` (ranges of replicates) on the executor, in order;
    chunks ``store`` holds are taken from it, and new ones saved to it.
    Each chunk's text columns become categories as it arrives (``names``:
    the scenario's comparisons)."""
    frames: dict[int, pd.DataFrame] = {}
    for i, reps in enumerate(parts):
        kept = store.load(reps) if store is not None else None
        if kept is not None:
            frames[i] = _compact(kept, names)
            bar.update(1 if per_chunk else len(reps))
    todo = [(i, reps) for i, reps in enumerate(parts) if i not in frames]

    def done(i: int, reps: range, frame: pd.DataFrame) -> None:
        if store is not None:
            store.save(reps, frame)
        frames[i] = _compact(frame, names)
        bar.update(1 if per_chunk else len(reps))

    if executor is None:
        for i, reps in todo:  # one chunk of replicates at a time, to bound memory
            done(i, reps, run_chunk(*args, reps))
    elif todo and isinstance(executor, int):
        pool = ProcessPoolExecutor(max_workers=executor, initializer=_leave_ctrl_c_to_the_parent)
        try:
            futures = [pool.submit(run_chunk, *args, reps) for _, reps in todo]
            for (i, reps), future in zip(todo, futures):
                done(i, reps, future.result())
        except BaseException:  # Ctrl-C or a failure: stop now, not after every queued chunk
            pool.shutdown(wait=False, cancel_futures=True)
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise
        pool.shutdown()
    elif todo:
        calls = list(zip(*[(*args, reps) for _, reps in todo]))
        futures = executor.map(run_chunk, *calls, pure=False)  # a dask.distributed Client: chunks as tasks
        for (i, reps), future in zip(todo, futures):
            done(i, reps, future.result())
    return [frames[i] for i in range(len(parts))]


def _check_resources(scenario: Scenario, executor) -> None:
    from .resources import check

    if executor is None or isinstance(executor, int):
        n = max(1, executor or 1)
        check(scenario, workers=n, local_workers=n)
    else:  # a Dask client: chunks are scored on its workers, results gathered here
        limits = [w.get("memory_limit") or 0 for w in executor.scheduler_info().get("workers", {}).values()]
        check(scenario, workers=_workers(executor), local_workers=0, worker_memory=min(limits, default=0) or None)


def _leave_ctrl_c_to_the_parent() -> None:
    """In a pool worker: Ctrl-C reaches the whole process group; the parent
    alone handles it (keeping completed chunks), so workers print nothing."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
