"""The rates behind the run's resource guard (simsuite.runs.resources),
measured on the shipped scenarios: peak bytes while a chunk is scored per
unit-year drawn, bytes per result row, and µs per unit-year and comparison.

    .venv/bin/python benchmarks/resources.py [--replicates 128]

Compare with CHUNK_BYTES, ROW_BYTES and ROW_SECONDS; nothing is asserted.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from simsuite.runs import read_scenario
from simsuite.runs.resources import CHUNK_BYTES, ROW_BYTES, ROW_SECONDS
from simsuite.runs.run import run_chunk

SCENARIOS = Path(__file__).parents[1] / "scenarios"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicates", type=int, default=128)
    n = parser.parse_args().replicates
    print(f"guard assumes: {CHUNK_BYTES} B per unit-year drawn, {ROW_BYTES} B per result row (×3 of as scored), "
          f"{ROW_SECONDS * 1e6:.0f} µs per unit-year and comparison")
    print(f"{'scenario':36} {'units':>6} {'comps':>5} {'B/unit-year':>12} {'B/row':>6} {'µs/row':>7}")
    for path in sorted(SCENARIOS.glob("*.toml")):
        s = read_scenario(path)
        drawn = sum(len(u) for u in s.populations.values())
        rows_per_year = sum(len(s.units(c.rulebook.id)) for c in s.comparisons)
        run_chunk(*s.sources, range(0, 16))  # warm the caches
        tracemalloc.start()
        started = time.perf_counter()
        frame = run_chunk(*s.sources, range(0, n))
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{path.stem:36} {drawn:6} {len(s.comparisons):5} {peak / (n * drawn):12.0f} "
              f"{frame.memory_usage(deep=True).sum() / len(frame):6.0f} {seconds / (n * rows_per_year) * 1e6:7.1f}")


if __name__ == "__main__":
    main()
