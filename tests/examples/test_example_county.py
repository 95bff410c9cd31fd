"""The worked example of docs/authoring.md: a county's own rulebook file,
kept outside the package (data/rulebooks/example-county-2024.toml), scoring
its example ledger (data/examples/example-county-2024/) as worked out by hand.

The rulebook (its articles 第四条 … 第九条): 1 point an item, at most 30 a
year, in date order; -2 for a month without an item; adoptions 2 (county,
brief 1) / 5 (city) / 10 (province) / 20 (national), only an item's highest,
credited as it rises; instructions 3 (county) / 5 (city) / 10 (province and
up), each; late submission -3, false report -10 each time; co-units get half
of the lead's adoption points; in each group the first two are advanced
unless they have a false report, the last one is criticised.
"""

from pathlib import Path

import pytest

import simsuite
from simsuite.cli import main

ROOT = Path(__file__).parents[2]
RULEBOOK = ROOT / "data" / "rulebooks" / "example-county-2024.toml"
LEDGER = ROOT / "data" / "examples" / "example-county-2024"

EXPECTED = {
    # t1 城关镇: a filler item on the 15th of each month (12), 22 items on 1-22 March and
    #   research item t1-j1 on 25 March (co-unit t2): 35 items, capped at 30 in date order:
    #   by 31 March 2 + 22 + 1 + 1 = 26, April-June 3 more (29), the July item the 30th.
    #   t1-j1 adopted by the county journal on 28 March (2, Q1) and by the city on 10 April
    #   (highest 5: the rise 3, Q2); a county leader's instruction on 12 April (3, Q2).
    #   Q1 = 26 + 2 = 28; Q2 = 3 + 3 + 3 = 9; Q3 = 1; Q4 = 0; points 30 + 5 + 3 = 38.
    "t1": dict(points=38.0, q=(28.0, 9.0, 1.0, 0.0), rank=1, award="advanced"),
    # t2 东溪乡: fillers January-October (10); November and December empty: 2 × -2 = -4.
    #   Co-unit of t1-j1: half of t1's adoption credit, 1 (Q1) and 1.5 (Q2); the
    #   instruction is not shared. Q1 = 3 + 1 = 4; Q2 = 3 + 1.5 = 4.5; Q3 = 3;
    #   Q4 = 1 - 4 = -3; points 10 - 4 + 2.5 = 8.5: last of the townships, criticised.
    "t2": dict(points=8.5, q=(4.0, 4.5, 3.0, -3.0), rank=3, award="criticised"),
    # t3 西山镇: 12 fillers; its June item adopted by the province (10, Q2); a false
    #   report on 8 July (-10, Q3). Points 12 + 10 - 10 = 12, second, but a false report
    #   bars it from advanced (第九条): no award.
    "t3": dict(points=12.0, q=(3.0, 13.0, -7.0, 3.0), rank=2, award=""),
    # d1 发改局: 12 fillers; its September item adopted nationally on 20 September (20)
    #   and instructed by a national leader on 25 September (10): 12 + 20 + 10 = 42, Q3 = 33.
    "d1": dict(points=42.0, q=(3.0, 3.0, 33.0, 3.0), rank=1, award="advanced"),
    # d2 交通局: fillers January-June (6); July-December empty: 6 × -2 = -12; two late
    #   submissions on 10 October (count 2): -6. 6 - 12 - 6 = -12; Q3 = -6, Q4 = -6 - 6 = -12.
    "d2": dict(points=-12.0, q=(3.0, 3.0, -6.0, -12.0), rank=3, award="criticised"),
    # d3 教育局: 12 fillers; its May item adopted by the city (5, Q2): 17, second: advanced.
    "d3": dict(points=17.0, q=(3.0, 8.0, 3.0, 3.0), rank=2, award="advanced"),
}


@pytest.fixture(scope="module")
def table():
    return simsuite.score(RULEBOOK, LEDGER).table.set_index("unit_id")


@pytest.mark.parametrize("unit_id", EXPECTED)
def test_example_county_scores_as_worked_out_by_hand(table, unit_id):
    want, row = EXPECTED[unit_id], table.loc[unit_id]
    assert row["points"] == pytest.approx(want["points"]) and row["final"] == pytest.approx(want["points"])
    assert [row[f"points_q{q}"] for q in (1, 2, 3, 4)] == pytest.approx(list(want["q"]))
    assert (row["rank"], row["award"]) == (want["rank"], want["award"])


def test_the_command_line_scores_the_county_file(tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["score", "--rulebook", str(RULEBOOK), "--history", str(LEDGER), "--out", str(out)]) == 0
    assert "example-county-2024" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8-sig").count("\n") == 7  # header and six units
