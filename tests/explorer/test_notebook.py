"""The explorer notebook runs top to bottom headless (the widgets render as
models) and shows what it says: the movers after a change made from code."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from simsuite.explorer import WhatIf

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "06-explorer.ipynb"


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        data = out.get("data", {})
        parts.append(data.get("text/html", "") + data.get("text/plain", ""))
    return "\n".join(parts)


def test_explorer_notebook_runs_and_shows_the_movers():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    started = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    assert time.perf_counter() - started < 60
    code = [c for c in nb.cells if c.cell_type == "code"]
    widget_outputs = [o for o in code[0].outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widget_outputs) == 1  # the explorer, as a widget model

    assert "2 change(s)" in text_of(code[1]) and "160 replicate years × 51 units" in text_of(code[1])

    expected = WhatIf("ningxia-transport-2021", replicates=160).compare(
        {"normalise.enabled": False, "quota.points": 7}).movers(5)
    movers = text_of(code[2])
    positions = [movers.index(name) for name in expected["name"]]
    assert positions == sorted(positions)  # the same five units, in the same order
    assert f"{expected['mean_shift'].iloc[0]:.6f}"[:5] in movers

    assert "'quota.points': 7," in text_of(code[3]) and '"normalise.enabled" = false' in text_of(code[3])
    assert "kendall_tau_b" in text_of(code[4])
