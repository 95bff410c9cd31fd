"""How quickly the what-if explorer answers a change.

    .venv/bin/python benchmarks/explorer.py            # 500 replicate years (docs/explorer.md)
    .venv/bin/python benchmarks/explorer.py --small    # a quick run that proves it works

For a 60-unit jurisdiction (Ningxia's rulebook on 60 synthetic units, 42 + 18
in the proportions of its real groups) and for Ningxia's 51 real units: the
one-off cost (histories generated and the baseline scored once), then the
median over a series of changes of what a change costs on screen — the
variant scored and compared, the tables and code panel written, the two
charts drawn (inline SVG) — and where that time goes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time

import simsuite
from run import best_of  # this folder's other benchmark script
from simsuite.analytics.compare import compare_panels
from simsuite.analytics.uncertainty import rank_distribution
from simsuite.explorer import Explorer
from simsuite.explorer.controls import pooled_value
from simsuite.explorer.svg import rank_intervals_svg, rank_shift_svg
from simsuite.plots import figure_png_bytes, rank_intervals, rank_shift_chart

NX = "ningxia-transport-2021"

#: the changes made one after another, as a user would (each on top of the last)
CHANGES = [
    ("normalise.enabled", False),
    ("quota.points", 7),
    ("adoption.points.nx-info.item", 3.0),
    ("co_submission.share", 0.3),
    ("normalise.enabled", True),
    ("normalise.scale", 10),
    ("zero_month.points", -3),
    ("grouping.merge", pooled_value(("1", "2"))),
    ("quota.points", 5),
]


def measure(label: str, population, replicates: int) -> None:
    t = time.perf_counter()
    explorer = Explorer(NX, population=population, replicates=replicates, variants_dir="/dev/null",
                        exports_dir="/dev/null")
    opening = time.perf_counter() - t
    setup = explorer.whatif.setup_seconds
    rows = []
    for path, value in CHANGES:
        explorer.set(path, value)
        rows.append(explorer.timings)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    units = len(explorer.whatif.units)
    print(f"| {label} | {units} | {replicates} | {setup:.2f} | {opening:.2f} | {med['scoring']:.3f} | "
          f"{med['tables']:.3f} | {med['charts']:.3f} | **{med['total']:.3f}** | "
          f"{med['scoring'] + med['tables']:.3f} |")
    return explorer


def breakdown(explorer: Explorer) -> None:
    w = explorer.whatif
    variant = w.variant({"normalise.enabled": False})
    result = w.run({"normalise.enabled": False, "quota.points": 6})
    parts = {
        "score_batch (variant)": best_of(lambda: w._panel(variant, "v")),
        "compare_panels": best_of(lambda: compare_panels(w.base_panel, w.base_panel)),
        "rank_distribution (variant)": best_of(lambda: rank_distribution(w.base_panel)),
        "rank_shift_svg (what the explorer draws)": best_of(lambda: rank_shift_svg(result.comparison.units)),
        "rank_intervals_svg (what the explorer draws)": best_of(lambda: rank_intervals_svg(result.distributions)),
        "rank_shift_chart + PNG (matplotlib, for comparison)": best_of(
            lambda: figure_png_bytes(rank_shift_chart(result.comparison.units), dpi=80)),
        "rank_intervals + PNG (matplotlib, for comparison)": best_of(
            lambda: figure_png_bytes(rank_intervals(result.distributions, by="comparison"), dpi=80)),
    }
    print("\n| part of a change | s (best of 3) |\n|---|---|")
    for name, seconds in parts.items():
        print(f"| {name} | {seconds:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="64 replicate years instead of 500")
    args = parser.parse_args()
    replicates = 64 if args.small else 500
    print(f"\n## What-if explorer: response to a change (median of {len(CHANGES)} changes, "
          f"simsuite {simsuite.__version__})\n")
    print("| population | units | replicates | generate + baseline s | screen opens s | score + compare s | "
          "tables + code s | charts s | response s | response without charts s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    explorer = measure("Ningxia rules, 60 synthetic units (42 + 18)", 60, replicates)
    measure("Ningxia, 51 real units", "real", replicates)
    breakdown(explorer)


if __name__ == "__main__":
    main()
