"""Ledger loading benchmark: load, check and score CSV ledgers at three sizes 10× apart.

    .venv/bin/python benchmarks/ledger.py            # 2k, 20k and 200k items (docs/ledger-format.md)
    .venv/bin/python benchmarks/ledger.py --small    # 200, 2k and 20k items: proves it works (CI)
    .venv/bin/python benchmarks/ledger.py --xlsx     # also the same ledgers as workbooks

Each ledger has 2.5 adoptions per item, as a jurisdiction-sized ledger does
(200k items, 500k adoptions). Loading is linear when the time per row stays
flat across the three sizes. Nothing here asserts a time: the figures are
printed for the record.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import simsuite
from simsuite.ledger import ITEM_KINDS, read_history, write_history

RULEBOOK, YEAR = "ningxia-transport-2021", 2021


def make_ledger(folder: Path, n_items: int, seed: int = 1) -> int:
    """Write a valid Ningxia-style CSV ledger of ``n_items`` items; returns its row count."""
    rb = simsuite.rulebook(RULEBOOK)
    rng = np.random.default_rng(seed)
    n_units = max(10, n_items // 100)
    unit_ids = np.array([f"{i:05d}" for i in range(1, n_units + 1)])
    units = pd.DataFrame({"unit_id": unit_ids, "name": [f"单位{i}" for i in range(1, n_units + 1)],
                          "group": np.array(rb.groups)[np.arange(n_units) % len(rb.groups)]})
    day0 = np.datetime64(f"{YEAR}-01-01")
    item_day = rng.integers(0, 330, n_items)
    lead = rng.integers(0, n_units, n_items)
    co = np.where(rng.random(n_items) < 0.05, unit_ids[(lead + 1) % n_units], "")
    items = pd.DataFrame({
        "item_id": [f"i{j:07d}" for j in range(n_items)], "unit_id": unit_ids[lead],
        "date": (day0 + item_day).astype(str), "kind": np.array(ITEM_KINDS[:3])[rng.integers(0, 3, n_items)],
        "co_units": co,
    })
    # 2.5 adoptions an item: distinct (item, outlet, section), dated on or after the item
    n_ad = int(2.5 * n_items)
    pairs = np.array([f"{o}|{s}" for o, s in rb.pairs])
    ad = pd.DataFrame({"item": rng.integers(0, n_items, int(n_ad * 1.2)),
                       "pair": rng.integers(0, len(pairs), int(n_ad * 1.2))}).drop_duplicates().iloc[:n_ad]
    outlet_section = pd.Series(pairs[ad["pair"]]).str.split("|", expand=True)
    adoptions = pd.DataFrame({
        "item_id": items["item_id"].to_numpy()[ad["item"]], "outlet": outlet_section[0], "section": outlet_section[1],
        "date": (day0 + item_day[ad["item"]] + rng.integers(0, 30, len(ad))).astype(str),
    })
    n_ins = n_items // 50
    ins_item = rng.choice(n_items, n_ins, replace=False)
    instructions = pd.DataFrame({
        "item_id": items["item_id"].to_numpy()[ins_item], "level": rng.choice(["bureau", "city", "province"], n_ins),
        "kind": rng.choice(["read", "affirm"], n_ins), "date": (day0 + item_day[ins_item] + 3).astype(str),
    })
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("units", units), ("items", items), ("adoptions", adoptions), ("instructions", instructions)):
        frame.to_csv(folder / f"{name}.csv", index=False)
    return len(units) + len(items) + len(adoptions) + len(instructions)


def measure(path: Path, repeats: int) -> tuple[float, float]:
    """Best-of-``repeats`` seconds to load and check, then to score."""
    rb = simsuite.rulebook(RULEBOOK)
    vocabulary = rb.vocabulary
    loads, scores = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        history = read_history(path, vocabulary)
        loads.append(time.perf_counter() - t)
        t = time.perf_counter()
        simsuite.score(rb, history, year=YEAR)
        scores.append(time.perf_counter() - t)
    return min(loads), min(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="200, 2k and 20k items (seconds, for CI)")
    parser.add_argument("--xlsx", action="store_true", help="also time the same ledgers as .xlsx workbooks")
    args = parser.parse_args(argv)
    sizes = (200, 2_000, 20_000) if args.small else (2_000, 20_000, 200_000)
    per_row, net_per_row = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny"
        make_ledger(tiny, 10)
        measure(tiny, 1)  # imports and first-call costs are not loading
        fixed = measure(tiny, 5)[0]  # what any ledger costs, whatever its size: the sheets' and columns' setup
        print(f"Fixed cost of a ledger (10 items): {fixed:.3f} s\n")
        print("| ledger | items | rows | load + check s | µs per row | µs per row beyond the fixed cost | score s "
              "| total s |")
        print("|---|---|---|---|---|---|---|---|")
        for n in sizes:
            folder = Path(tmp) / f"ledger-{n}"
            rows = make_ledger(folder, n)
            sources = [("CSV", folder)]
            if args.xlsx:
                book = Path(tmp) / f"ledger-{n}.xlsx"
                write_history(read_history(folder), book)
                sources.append(("xlsx", book))
            for kind, path in sources:
                load, score = measure(path, 1 if n == sizes[-1] else 3)
                per_row.setdefault(kind, []).append(load / rows)
                net_per_row.setdefault(kind, []).append((load - fixed) / rows)
                print(f"| {kind} | {n:,} | {rows:,} | {load:.2f} | {load / rows * 1e6:.1f} | "
                      f"{(load - fixed) / rows * 1e6:.1f} | {score:.2f} | {load + score:.2f} |")
    for kind in per_row:
        raw, net = per_row[kind], net_per_row[kind]
        print(f"\n{kind}: largest ÷ smallest time per row = {max(raw) / min(raw):.2f}×, beyond the fixed cost "
              f"{max(net) / min(net):.2f}× (linear loading keeps this near 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
