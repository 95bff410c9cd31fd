"""Time an equilibrium of the strategic response model: a 60-unit
jurisdiction, the default candidate strategies (≥ 10), 256 replicate-years.

    .venv/bin/python benchmarks/response.py            # full size (target < 60 s on a 2-core machine)
    .venv/bin/python benchmarks/response.py --small    # 32 replicate-years, to prove it works
    .venv/bin/python benchmarks/response.py --rulebook jiande-2018

Wall time, with its breakdown: drawing and point-scoring every candidate's
history set, then the best-response rounds. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import time

import simsuite
from simsuite.response import solve
from simsuite.synthetic import synthetic_units

YEARS = {"jilin-transport-2015": 2015, "ningxia-transport-2021": 2021, "harbin-2008": 2008,
         "jiande-2018": 2018, "longyang-2019": 2019}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="32 replicate-years instead of 256")
    parser.add_argument("--rulebook", default="ningxia-transport-2021", choices=sorted(YEARS))
    parser.add_argument("--units", type=int, default=60)
    args = parser.parse_args()
    replicates = 32 if args.small else 256
    rb = simsuite.rulebook(args.rulebook)
    units = synthetic_units(rb, {rb.groups[0]: args.units})  # one group: every unit's worlds hold all 60
    t = time.perf_counter()
    eq = solve(rb, units, YEARS[args.rulebook], replicates=replicates, seed=1)
    wall = time.perf_counter() - t
    print(f"{rb.name}: {len(units)} units, {len(eq.candidates)} candidate strategies, {replicates} replicate-years")
    print(f"equilibrium: {wall:.1f} s wall (target < 60 s at full size)")
    for part, seconds in eq.seconds.items():
        print(f"  {part}: {seconds:.1f} s")
    print(f"rounds: {len(eq.epsilon)}, ε by round: {', '.join(f'{e:.3f}' for e in eq.epsilon)}; "
          f"{'converged' if eq.converged else 'not converged'} (tolerance {eq.tolerance})")


if __name__ == "__main__":
    main()
