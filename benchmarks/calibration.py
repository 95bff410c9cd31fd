"""Calibration benchmark: fit a 60-unit, one-year ledger, then generate
replicate years from the calibrated population beside the random one.

    .venv/bin/python benchmarks/calibration.py           # 1,024 replicate-years generated
    .venv/bin/python benchmarks/calibration.py --small   # 64: proves it works

The target is calibration under 5 s, and a calibrated population that
generates as fast as a synthetic one. Nothing here asserts a time: the
figures are printed for the record (best of 5, CPU seconds of this process).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import simsuite
from simsuite.ledger import write_history
from simsuite.synthetic import generate, synthetic_units, to_history
from simsuite.synthetic.calibrate import calibrate

from run import best_of  # this folder's other benchmark script

RULEBOOK, YEAR, UNITS = "ningxia-transport-2021", 2021, 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="64 replicate-years instead of 1,024")
    replicates = 64 if parser.parse_args().small else 1024
    rb = simsuite.rulebook(RULEBOOK)
    units = synthetic_units(rb, {rb.groups[0]: UNITS})
    history = to_history(generate(rb, units, YEAR, seed=1), rb, 0)
    print(f"ledger: {UNITS} units, one year, {len(history.items)} items, {len(history.adoptions)} adoptions")
    t = best_of(lambda: calibrate(rb, history))
    print(f"calibrate: {t:.3f} s (target < 5 s)")
    with tempfile.TemporaryDirectory() as tmp:
        write_history(history, Path(tmp) / "ledger")
        t = best_of(lambda: simsuite.calibrate(rb, Path(tmp) / "ledger"))
    print(f"read the CSV ledger and calibrate: {t:.3f} s (target < 5 s)")
    c = calibrate(rb, history)
    behaviour = c.behaviour()
    t_random = best_of(lambda: generate(rb, units, YEAR, replicates=replicates, seed=2))
    t_fitted = best_of(lambda: generate(rb, c.units, YEAR, behaviour, replicates=replicates, seed=2))
    print(f"generate {replicates} replicate-years: synthetic population {t_random:.3f} s, "
          f"calibrated population {t_fitted:.3f} s ({t_fitted / t_random:.2f}×)")


if __name__ == "__main__":
    main()
