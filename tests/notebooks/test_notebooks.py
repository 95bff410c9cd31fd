"""Every notebook runs top to bottom, and shows what it says it shows."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import simsuite

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


def run(name: str):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def outputs(cell) -> str:
    text = []
    for out in cell.get("outputs", []):
        text.append(out.get("text", ""))
        data = out.get("data", {})
        text.append(data.get("text/html", "") + data.get("text/plain", ""))
    return "\n".join(text)


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == ["00-quickstart.ipynb"]


def test_quickstart_scores_and_explains():
    nb = run("00-quickstart.ipynb")
    cells = [c for c in nb.cells if c.cell_type == "code"]
    expected = simsuite.score("jiande-2018", NOTEBOOKS.parent / "data/examples/jiande-2018", year=2018)
    table_html = outputs(cells[2])
    assert expected.stamp["parameters"] in table_html  # the stamped caption
    for name in expected.table["name"]:
        assert name in table_html
    best = expected.table.sort_values(["group", "rank"]).iloc[0]
    assert expected.explain(best["unit_id"]).summary in outputs(cells[4])
    assert "三、" in outputs(cells[4])  # citations of the Jiande articles
    comparison = outputs(cells[6])
    for column in ("rank_rank_points", "rank_raw_points", "shift"):
        assert column in comparison
