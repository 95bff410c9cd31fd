"""The explorer's SVG charts put each unit where its ranks say."""

import re

import pandas as pd

from simsuite.explorer.svg import ROW, rank_intervals_svg, rank_shift_svg
from simsuite.plots.charts import IMPROVED, MUTED, WORSENED


def lines(svg: str) -> dict[str, tuple[float, float, str]]:
    found = re.findall(r"<g data-unit='([^']+)'><line x1='[\d.]+' y1='([\d.]+)' x2='[\d.]+' y2='([\d.]+)' "
                       r"stroke='([^']+)'", svg)
    return {u: (float(a), float(b), c) for u, a, b, c in found}


def test_slopes_follow_the_ranks_and_colour_the_moves():
    units = pd.DataFrame({"name": ["银川市", "兴庆区", "金凤区", "永宁县"], "group": "1",
                          "rank_base": [1.0, 2.0, 3.0, 4.0], "rank_variant": [3.0, 2.0, 1.0, 3.5]})
    got = lines(rank_shift_svg(units))
    top = got["银川市"][0]  # rank 1 on the left
    assert [got[u][0] - top for u in units["name"]] == [0, ROW, 2 * ROW, 3 * ROW]
    assert got["银川市"][1] - top == 2 * ROW and got["永宁县"][1] - top == 2.5 * ROW
    assert got["银川市"][2] == WORSENED and got["金凤区"][2] == IMPROVED  # moves of two places
    assert got["兴庆区"][2] == MUTED and got["永宁县"][2] == MUTED


def test_each_group_gets_its_own_panel():
    units = pd.DataFrame({"name": ["甲", "乙", "丙", "丁"], "group": ["1", "1", "2", "2"],
                          "rank_base": [1.0, 2.0, 1.0, 2.0], "rank_variant": [2.0, 1.0, 1.0, 2.0]})
    svg = rank_shift_svg(units)
    assert "第 1 组" in svg and "第 2 组" in svg
    got = lines(svg)
    assert got["丙"][0] > got["乙"][0]  # the second panel is drawn below the first


def test_intervals_one_row_per_unit_sorted_by_the_first_median():
    d = pd.DataFrame({"comparison": ["基准"] * 2 + ["变体"] * 2, "name": ["甲", "乙", "甲", "乙"],
                      "median_rank": [2.0, 1.0, 1.0, 2.0], "rank_p5": [1.0, 1.0, 1.0, 1.0],
                      "rank_p95": [3.0, 2.0, 2.0, 3.0]})
    svg = rank_intervals_svg(d)
    assert svg.count("<g data-unit=") == 4
    rows = re.findall(r"<g data-unit='([^']+)' data-series='基准'><line x1='[\d.]+' x2='[\d.]+' y1='([\d.]+)'", svg)
    ys = {u: float(y) for u, y in rows}
    assert ys["乙"] < ys["甲"]  # 乙's median under the first series is better, so it is listed first


def test_panels_are_named_by_group_and_movers_judged_by_the_group_size():
    # group 1 has 4 units: a move of one place is a tenth or more of it (threshold 1);
    # group 2 has 20 units: a mover must shift 2 places (20 / 10), so 1.5 stays grey
    small = pd.DataFrame({"name": ["甲", "乙", "丙", "丁"], "group": "1",
                          "rank_base": [1.0, 2.0, 3.0, 4.0], "rank_variant": [2.0, 1.0, 3.0, 4.0]})
    large = pd.DataFrame({"name": [f"县{i}" for i in range(20)], "group": "2",
                          "rank_base": [float(i + 1) for i in range(20)]})
    large["rank_variant"] = large["rank_base"]
    large.loc[0, "rank_variant"], large.loc[1, "rank_variant"] = 2.5, 1.0 + 2.0  # +1.5 and +1
    large.loc[2, "rank_variant"] = 1.0  # -2: a mover
    svg = rank_shift_svg(pd.concat([small, large]), group_names={"1": "第一组", "2": "第二组"})
    assert "第一组 (group 1)" in svg and "第二组 (group 2)" in svg and "第 1 组" not in svg
    got = lines(svg)
    assert got["甲"][2] == WORSENED and got["乙"][2] == IMPROVED
    assert got["县0"][2] == MUTED and got["县1"][2] == MUTED and got["县2"][2] == IMPROVED


def test_intervals_put_each_group_on_its_own_rank_axis():
    # two groups whose worst ranks differ (3 and 30): each panel's axis ends at its own worst rank,
    # so rank 3 of group 1 is drawn at the right edge, as rank 30 of group 2 is
    d = pd.DataFrame({"comparison": "基准", "name": ["甲", "乙", "丙", "丁"], "group": ["1", "1", "2", "2"],
                      "median_rank": [1.0, 3.0, 1.0, 30.0], "rank_p5": [1.0, 2.0, 1.0, 20.0],
                      "rank_p95": [2.0, 3.0, 10.0, 30.0]})
    svg = rank_intervals_svg(d, group_names={"1": "第一组", "2": "第二组"})
    assert "第一组 (group 1)" in svg and "第二组 (group 2)" in svg
    ends = {u: float(x) for u, x in re.findall(
        r"<g data-unit='([^']+)' data-series='基准'><line x1='[\d.]+' x2='([\d.]+)'", svg)}
    assert ends["乙"] == ends["丁"]  # each group's worst rank at the same right edge
    assert ends["甲"] < ends["乙"]
