"""How many candidate rules a second the design search scores.

    .venv/bin/python benchmarks/design.py            # 500 replicate years, 100 candidates (docs/design-search.md)
    .venv/bin/python benchmarks/design.py --small    # a quick run that proves it works

Ningxia's rulebook on 60 synthetic units (42 + 18, in the proportions of its
real groups), four parameters searched (the specification below). For 1 and
2 worker processes: the one-off cost (histories drawn and the baseline
scored), then the wall time of the search itself and the candidates a
second; with one worker also by the CPU time of this process, which leaves
out the time other jobs on a shared machine hold the core. Then where one
candidate's time goes (scoring, objectives). Then designs a second judged
at the units' equilibrium: the shipped Longyang example (its eleven
sections, 29 candidate strategies, 128 replicate years), one worker, with
where a design's time goes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simsuite  # noqa: F401
from simsuite.design import Bench, parse_design, read_design, search
from simsuite.design.objectives import distance, outcome_measures

SPEC = """
[design]
baseline = "ningxia-transport-2021"
year = 2021
seed = 1
replicates = {replicates}
trials = {trials}
generation = 20
[population]
units = 60
groups = {{ "ningxia-transport-2021" = {{ "1" = 42, "2" = 18 }} }}
[search."normalise.enabled"]
choices = [true, false]
[search."adoption.points.nx-info.item"]
range = [1, 6]
step = 0.5
[search."adoption.points.nx-party-ningxia-info.item"]
range = [3, 10]
step = 0.5
[search."quota.points"]
range = [0, 10]
[constraints]
min_expected_final = 0
[objectives]
search = ["tau_b", "rank_shift", "change_size"]
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    replicates, trials = (64, 20) if args.small else (500, 100)
    spec = parse_design(SPEC.format(replicates=replicates, trials=trials), ".", "benchmark")
    print(f"\n## Design search: Ningxia's rules on 60 units, {replicates} replicate years, {trials} candidates\n")
    print("| workers | setup (s) | search, wall (s) | candidates a second (wall) | "
          "candidates a second (CPU of this process) |")
    print("|---|---|---|---|---|")
    for workers in (1, 2):
        t = time.perf_counter()
        bench = Bench(spec)
        setup = time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        search(spec, bench=bench, workers=workers)
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        own = f"{trials / cpu:.1f}" if workers == 1 else "— (scored in the workers)"
        print(f"| {workers} | {setup:.2f} | {took:.2f} | **{trials / took:.1f}** | {own} |")

    bench = Bench(spec)
    rb = spec.candidate({"normalise.enabled": False, "adoption.points.nx-info.item": 3.0,
                         "adoption.points.nx-party-ningxia-info.item": 8.0, "quota.points": 4})
    scoring, measures = [], []
    for _ in range(7):
        t = time.perf_counter()
        panel = bench.panel(rb)
        scoring.append(time.perf_counter() - t)
        t = time.perf_counter()
        outcome_measures(panel, bench.kinds)
        distance(rb, spec.baseline)
        measures.append(time.perf_counter() - t)
    print(f"\none candidate, median of 7: scoring {statistics.median(scoring) * 1000:.0f} ms, "
          f"objectives {statistics.median(measures) * 1000:.0f} ms")
    at_equilibrium(10 if args.small else 40)


def at_equilibrium(trials: int) -> None:
    spec = read_design(Path(__file__).parents[1] / "scenarios" / "design" / "longyang-cap-response.toml")
    print(f"\n## At equilibrium: Longyang's cap on its 11 sections, {len(spec.strategies)} strategies, "
          f"{spec.response.replicates} replicate years, {trials} candidates, 1 worker\n")
    t = time.perf_counter()
    bench = Bench(spec)
    setup = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.process_time()
    result = search(spec, bench=bench, trials=trials)
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    print("| setup: strategies drawn, baseline solved (s) | search, wall (s) | designs a second (wall) | "
          "designs a second (CPU of this process) | largest ε |")
    print("|---|---|---|---|---|")
    print(f"| {setup:.2f} | {took:.2f} | **{trials / took:.2f}** | {trials / cpu:.2f} | "
          f"{result.trials['eps'].max():.3f} |")
    parts = {"point scoring of every set": [], "best-response rounds": []}
    for cap in (20, 60, 100):
        rb = spec.candidate({"item_points.cap": cap, "item_points.cap_enabled": True})
        t = time.perf_counter()
        eq = bench.equilibrium(rb)
        parts["point scoring of every set"].append(time.perf_counter() - t - sum(eq.seconds.values()))
        parts["best-response rounds"].append(eq.seconds["best-response rounds"])
    print("\none design, median of 3 caps: " + ", ".join(f"{k} {statistics.median(v) * 1000:.0f} ms"
                                                       for k, v in parts.items()))


if __name__ == "__main__":
    main()
