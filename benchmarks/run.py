"""simsuite benchmarks: print throughput, ratios, time and peak memory.

    .venv/bin/python benchmarks/run.py            # full size (docs/benchmarks.md)
    .venv/bin/python benchmarks/run.py --small    # a quick run that proves it works (CI)

Nothing here asserts a time: the figures are printed for the record.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import simsuite  # noqa: E402
from simsuite.engine.batch import RowKeys  # noqa: E402
from simsuite.engine.score import score_batch  # noqa: E402
from simsuite.synthetic import generate, real_units  # noqa: E402

YEARS = {"jilin-transport-2015": 2015, "ningxia-transport-2021": 2021, "harbin-2008": 2008,
         "jiande-2018": 2018, "longyang-2019": 2019}


def best_of(f, n=5):
    """The shortest of ``n`` runs, in CPU seconds of this process: the code
    timed runs on one core, so on a quiet machine this is its wall time, and
    on a busy one it leaves out the time other jobs hold the core."""
    times = []
    for _ in range(n):
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return min(times)


def scoring(reps: int) -> None:
    print(f"\n## Generation and scoring ({reps} replicate-years of each jurisdiction's real units; best of 5–7)\n")
    print("| rulebook | units | events | generate s | draw floor s | generate ÷ draw floor | all keys s | score s "
          "| events/s scored | numpy floor s | score ÷ floor | scored once s | once ÷ floor |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for rid, year in YEARS.items():
        rb = simsuite.rulebook(rid)
        units = real_units(rb)
        gen = best_of(lambda: generate(rb, units, year, replicates=reps, seed=1))  # with the keys it knows
        b = generate(rb, units, year, replicates=reps, seed=1).batch

        def once() -> float:
            """Scoring a batch as generate hands it over: the keys its rules read included."""
            fresh = generate(rb, units, year, replicates=reps, seed=1).batch
            t = time.process_time()
            score_batch(rb, fresh)
            return time.process_time() - t

        events = len(b.item_rep) + len(b.ad_item) + len(b.ins_item) + len(b.ev_rep) + len(b.ck_rep)
        # the floor of generation: three uniform draws (and a comparison) per event produced
        rng = np.random.default_rng(0)
        draw_floor = best_of(lambda: (rng.random(events) < rng.random(events), rng.integers(0, 10, events)), 7)
        # every key worked out from the arrays alone, as for a batch loaded from ledgers
        keys_s = best_of(lambda: RowKeys.of(b).all())
        score_s = best_of(lambda: score_batch(rb, b))  # keys read already: the many-variants case
        once_s = min(once() for _ in range(5))
        values = np.array([rb.parameters[f"adoption.points.{o}.{sec}"] for o, sec in rb.pairs])
        key = b.item_rep[b.ad_item].astype(np.int64) * len(units) + b.item_unit[b.ad_item]
        floor = best_of(lambda: np.bincount(key, weights=values[b.ad_pair], minlength=reps * len(units)), 7)
        print(f"| {rid} | {len(units)} | {events:,} | {gen:.3f} | {draw_floor:.4f} | {gen / draw_floor:.1f}× "
              f"| {keys_s:.3f} | {score_s:.4f} | {events / score_s:,.0f} | {floor:.4f} | {score_s / floor:.1f}× "
              f"| {once_s:.4f} | {once_s / floor:.1f}× |")


def pandas_baseline(reps: int) -> None:
    from pandas_longyang import frames_of, score_all

    print(f"\n## Against a plain pandas implementation (longyang-2019, {reps} replicate-years)\n")
    rb = simsuite.rulebook("longyang-2019")
    s = generate(rb, real_units(rb), 2019, replicates=reps, seed=2)
    units, items, adoptions, events = frames_of(s.batch, rb)
    cal = rb.calendar(2019)
    start, end = pd.Timestamp(cal.start), pd.Timestamp(cal.end)
    t = time.process_time()
    by_pandas = score_all(units, items, adoptions, events, start, end)
    pandas_s = time.process_time() - t
    engine_s = best_of(lambda: score_batch(rb, s.batch))
    _, o, _ = score_batch(rb, s.batch)
    agree = np.allclose(by_pandas.sort_values(["replicate"], kind="stable")["final"].to_numpy(), o.final.ravel())
    print(f"pandas: {pandas_s:.2f} s; simsuite: {engine_s:.4f} s; simsuite is {pandas_s / engine_s:.0f}× faster; "
          f"finals agree: {agree}")
    if not agree:
        raise SystemExit("the pandas baseline and the engine disagree")


def ten_thousand(reps: int, workers: int, comparisons: int = 2, units: int = 0) -> None:
    """Ningxia's real units (or ``units`` synthetic ones, 2:1 over its two
    groups), the baseline (and one variant), in a fresh process."""
    population = (f'''units = {units}
[population.groups.ningxia-transport-2021]
"1" = {units * 2 // 3}
"2" = {units - units * 2 // 3}''' if units else 'rulebook = "ningxia-transport-2021"')
    variant = '''
[[compare]]
name = "no normalisation"
rulebook = "ningxia-transport-2021"
changes = { "normalise.enabled" = false }
''' if comparisons == 2 else ""
    code = f"""
import resource, time
from pathlib import Path
from simsuite.runs import parse_scenario, run
text = '''
[scenario]
title = "benchmark"
year = 2021
replicates = {reps}
seed = 1
chunk = 512
[population]
{population}
[[compare]]
name = "baseline"
rulebook = "ningxia-transport-2021"
{variant}
'''
s = parse_scenario(text, Path("scenarios"), "benchmark")
t = time.perf_counter()
r = run(s, executor={workers or None})
dt = time.perf_counter() - t
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"{{dt:.2f}} {{peak / 1024:.0f}} {{len(r.results)}}")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    where = f"{workers} worker processes" if workers else "in-process"
    print(f"| {reps:,} × {units or 51} units × {comparisons} comparison{'s' * (comparisons > 1)} | {where} | "
          f"{float(out[0]):.2f} s | {out[1]} MB | {int(out[2]):,} rows |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="a quick run (CI)")
    args = parser.parse_args()
    reps = 32 if args.small else 1024
    print(f"simsuite {simsuite.__version__} benchmarks ({'small' if args.small else 'full'} size)")
    # first, while this process is small: a child's peak memory starts from
    # its parent's, since the resident-size high-water mark survives fork and exec
    print("\n## Generated and scored: Ningxia's real units, the baseline (and a variant)\n")
    print("| replicate-years | executor | time | peak memory | result rows |")
    print("|---|---|---|---|---|")
    total = 64 if args.small else 10_000
    ten_thousand(total, 0)
    ten_thousand(total, 2)
    ten_thousand(total, 2, comparisons=1)
    ten_thousand(total, 2, comparisons=1, units=60)
    scoring(reps)
    pandas_baseline(16 if args.small else 200)


if __name__ == "__main__":
    main()
