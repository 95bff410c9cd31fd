"""How often the uncertainty of a run's rank quantiles and chances covers the truth.

    .venv/bin/python benchmarks/coverage.py            # 64 sets of 200 years (docs/analytics.md)
    .venv/bin/python benchmarks/coverage.py --small    # 8 sets of 100: a quick run that proves it works

Ningxia's 51 real units are run for sets × years replicate years in one go;
each set of years is one independent run, and the truth is taken from all of
them together. Printed per statistic: how often the 95 % interval of a set
covers the truth (over units × sets), and for chances of at most 0.02 how
often the Wilson interval and the symmetric p ± 1.96·SE do, and how many sets
report such a chance as exactly 0. Nothing is asserted; the coverage tests
are in tests/analytics/test_uncertainty.py.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from simsuite.analytics.panel import panels
from simsuite.analytics.uncertainty import _bottom, quantile_interval, wilson_interval
from simsuite.runs import parse_scenario, run

SCENARIO = """
[scenario]
title = "coverage"
year = 2021
replicates = {replicates}
seed = 20210319
chunk = 800

[population]
rulebook = "ningxia-transport-2021"

[[compare]]
name = "baseline"
rulebook = "ningxia-transport-2021"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="8 sets of 100 years")
    args = parser.parse_args()
    sets, years = (8, 100) if args.small else (64, 200)
    started = time.perf_counter()
    scenario = parse_scenario(SCENARIO.format(replicates=sets * years), Path(__file__).parents[1] / "scenarios",
                              "coverage.toml")
    p = panels(run(scenario).results)["baseline"]
    print(f"{sets} sets of {years} replicate years of {p.rank.shape[1]} units, "
          f"run in {time.perf_counter() - started:.0f} s")
    ordered = np.sort(p.rank, axis=0)
    for name, q in (("median_rank", 0.5), ("rank_p5", 0.05), ("rank_p95", 0.95)):
        truth = ordered[int(np.ceil(q * len(ordered))) - 1]  # the lower q quantile of all years
        lo, hi = quantile_interval(p.rank.reshape(sets, years, -1).transpose(1, 0, 2).reshape(years, -1), q)
        covered = ((lo <= np.tile(truth, sets)) & (np.tile(truth, sets) <= hi)).reshape(sets, -1)
        print(f"{name:12} interval covers {covered.mean():.3f} of units × sets (worst unit {covered.mean(axis=0).min():.3f})")
    for name, hit in (("p_first", p.rank == 1), ("p_top3", p.rank <= 3), ("p_bottom3", _bottom(p, 3))):
        truth = hit.mean(axis=0)
        per_set = hit.reshape(sets, years, -1).mean(axis=1)
        lo, hi = wilson_interval(per_set, years)
        se = np.sqrt(per_set * (1 - per_set) / (years - 1))
        rare = (truth > 0) & (truth <= 0.02)
        if not rare.any():
            print(f"{name:12} no unit with a chance in (0, 0.02]")
            continue
        wilson = ((lo <= truth) & (truth <= hi))[:, rare].mean()
        symmetric = (np.abs(per_set - truth) <= 1.96 * se)[:, rare].mean()
        print(f"{name:12} chances ≤ 0.02 ({rare.sum()} units): Wilson covers {wilson:.3f}, p ± 1.96·SE {symmetric:.3f}; "
              f"{(per_set[:, rare] == 0).mean():.3f} of sets see 0")


if __name__ == "__main__":
    main()
