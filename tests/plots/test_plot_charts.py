"""Charts: drawn in Chinese without missing glyphs, and saying what the data say."""

import functools
import re
import subprocess
import sys
import warnings
from io import BytesIO

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

import simsuite.plots as plots
from simsuite.plots.charts import MUTED, spread_labels

NAMES = ["银川市交通运输局", "兴庆区", "金凤区", "建德市新安江街道", "永宁县", "公路管理局"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def units_frame() -> pd.DataFrame:
    # moves: 0, +3 (worse), -1, -2 (better), +0.5, -0.5
    return pd.DataFrame({
        "name": NAMES,
        "rank_base": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "rank_variant": [1.0, 5.0, 2.0, 2.0, 5.5, 5.5],
        "group": ["第一组", "第一组", "第一组", "第二组", "第二组", "第二组"],
    })  # fmt: skip


def probabilities_frame() -> pd.DataFrame:
    # expected ranks by hand: 银川 2.0·0.5+… see test; 兴庆区 1.2, 金凤区 2.6
    rows = [
        ("银川市交通运输局", 1, 0.3), ("银川市交通运输局", 2, 0.4), ("银川市交通运输局", 3, 0.3),
        ("兴庆区", 1, 0.8), ("兴庆区", 2, 0.2),
        ("金凤区", 2, 0.4), ("金凤区", 3, 0.6),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["name", "rank", "probability"])


def sources_frame() -> pd.DataFrame:
    # two replicate rows per unit; means by hand below
    return pd.DataFrame({
        "name": ["兴庆区", "兴庆区", "金凤区", "金凤区"],
        "from_volume": [10.0, 20.0, 30.0, 30.0],
        "from_adoption": [4.0, 6.0, 1.0, 3.0],
        "from_instruction": [0.0, 2.0, 0.0, 0.0],
        "from_conduct": [-2.0, -4.0, 1.0, 1.0],
    })  # fmt: skip


def distribution_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": NAMES[:3] * 2,
        "comparison": ["基准"] * 3 + ["变体"] * 3,
        "median_rank": [2.0, 1.0, 3.0, 1.5, 2.5, 2.0],
        "rank_p5": [1.0, 1.0, 2.0, 1.0, 1.0, 1.0],
        "rank_p95": [3.0, 2.0, 3.0, 3.0, 3.0, 3.0],
    })  # fmt: skip


def curves_frame() -> pd.DataFrame:
    efforts = np.arange(6)
    return pd.concat([
        pd.DataFrame({"effort": efforts, "reward": np.minimum(2 * efforts, 6), "series": "报送 submit"}),
        pd.DataFrame({"effort": efforts, "reward": np.where(efforts >= 3, 5, 0), "series": "采用 adoption"}),
    ])  # fmt: skip


def sweep_frame() -> pd.DataFrame:
    # swings: 0.10, 0.30, 0.05 -> order 采用分值, 月度任务, 数量上限
    return pd.DataFrame({
        "parameter": ["月度任务 quota", "采用分值 adoption", "数量上限 cap"],
        "output_low": [0.75, 0.60, 0.78],
        "output_high": [0.85, 0.90, 0.83],
        "output_base": [0.80, 0.80, 0.80],
    })  # fmt: skip


def sobol_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "parameter": ["批示分值", "采用分值", "月度任务"],
        "S1": [0.02, 0.45, 0.20],
        "ST": [0.05, 0.60, 0.30],
        "S1_conf": [0.01, 0.05, 0.04],
        "ST_conf": [0.02, 0.06, 0.05],
    })  # fmt: skip


def jurisdiction_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "rulebook": ["宁夏交通运输厅 2021", "建德市 2018", "隆阳区 2019"],
        "肯德尔 tau": [0.7, 0.4, 0.8],
        "末三名 bottom-3": [0.3, np.nan, 0.25],
    })  # fmt: skip


CHARTS = {
    "rank_shift_chart": lambda: plots.rank_shift_chart(units_frame()),
    "rank_heatmap": lambda: plots.rank_heatmap(probabilities_frame()),
    "score_breakdown": lambda: plots.score_breakdown(sources_frame()),
    "rank_intervals": lambda: plots.rank_intervals(distribution_frame(), by="comparison"),
    "effort_reward_chart": lambda: plots.effort_reward_chart(curves_frame()),
    "tornado_chart": lambda: plots.tornado_chart(sweep_frame()),
    "sobol_chart": lambda: plots.sobol_chart(sobol_frame()),
    "jurisdiction_chart": lambda: plots.jurisdiction_chart(jurisdiction_frame()),
}


@functools.cache
def font_cmap(path: str, face_index: int) -> dict:
    with TTFont(path, fontNumber=face_index, lazy=True) as font:
        return dict(font.getBestCmap())


@pytest.fixture(params=["system font preferred", "bundled font only"])
def chinese_font(request):
    families = plots.use_chinese_font(prefer_system=request.param == "system font preferred")
    yield families
    plots.use_chinese_font()


@pytest.mark.parametrize("chart", list(CHARTS))
def test_chart_renders_chinese_png_with_a_cjk_font_and_no_missing_glyphs(chart, chinese_font, caplog):
    with warnings.catch_warnings(), caplog.at_level("WARNING", logger="matplotlib.font_manager"):
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" fails the test
        figure = CHARTS[chart]()
        png = plots.figure_png_bytes(figure)
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # e.g. "findfont: … not found"
    assert isinstance(figure, Figure)
    image = matplotlib.image.imread(BytesIO(png), format="png")
    assert len(png) > 10_000 and image.shape[0] > 200 and image.shape[1] > 300
    assert image[..., :3].std() > 0.05  # something is drawn, not a blank page

    chinese_texts = [t for t in figure.findobj(Text) if t.get_visible() and HAN.search(t.get_text())]
    assert chinese_texts, "the chart shows no Chinese text"
    for text in chinese_texts:
        first_family = text.get_fontfamily()[0]
        assert first_family == chinese_font[0]
        properties = text.get_fontproperties().copy()
        properties.set_family(first_family)
        path = font_manager.findfont(properties, fallback_to_default=False)
        cmap = font_cmap(str(path), getattr(path, "face_index", 0))
        missing = [c for c in HAN.findall(text.get_text()) if ord(c) not in cmap]
        assert not missing, f"{first_family} ({path}) lacks {missing} of {text.get_text()!r}"


def test_charts_draw_into_a_given_axes_and_return_its_figure():
    figure = Figure()
    axes = figure.subplots(2, 4).ravel()
    calls = [
        lambda ax: plots.rank_shift_chart(units_frame(), ax),
        lambda ax: plots.rank_heatmap(probabilities_frame(), ax),
        lambda ax: plots.score_breakdown(sources_frame(), ax),
        lambda ax: plots.rank_intervals(distribution_frame(), ax, by="comparison"),
        lambda ax: plots.effort_reward_chart(curves_frame(), ax),
        lambda ax: plots.tornado_chart(sweep_frame(), ax),
        lambda ax: plots.sobol_chart(sobol_frame(), ax),
    ]
    for ax, call in zip(axes, calls):
        assert call(ax) is ax.figure is figure
        assert ax.has_data()


def test_rank_shift_has_one_line_per_unit_at_the_given_ranks_and_highlights_moves_of_two():
    units = units_frame()
    figure = plots.rank_shift_chart(units, threshold=2)
    assert len(figure.axes) == 2  # ranks counted within each group: one panel per group
    lines = {
        line.get_gid().removeprefix("unit:"): line
        for ax in figure.axes
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith("unit:")
    }
    assert sorted(lines) == sorted(NAMES)
    assert {line.get_gid() for line in figure.axes[1].get_lines() if line.get_gid().startswith("unit:")} == {
        "unit:建德市新安江街道", "unit:永宁县", "unit:公路管理局"}
    for row in units.itertuples():
        line = lines[row.name]
        assert list(line.get_xdata()) == [0.0, 1.0]
        assert list(line.get_ydata()) == [row.rank_base, row.rank_variant]
    muted = {name for name, line in lines.items() if line.get_color() == MUTED}
    # |shift| < 2: 银川 0, 金凤区 1, 永宁县 0.5, 公路管理局 0.5
    assert muted == {"银川市交通运输局", "金凤区", "永宁县", "公路管理局"}
    # one moved down, the other up: different colours
    assert lines["兴庆区"].get_color() != lines["建德市新安江街道"].get_color()
    bottom, top = figure.axes[1].get_ylim()
    assert top < 4 < 6 < bottom  # the best rank at the top
    labels = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert "兴庆区 2" in labels and "5 兴庆区" in labels and "5.5 永宁县" in labels
    # drawn into one given Axes, groups share it and are told apart by colour
    one = Figure().add_subplot()
    plots.rank_shift_chart(units, one, threshold=2)
    colour = {line.get_gid(): line.get_color() for line in one.get_lines() if (line.get_gid() or "").startswith("unit:")}
    assert colour["unit:兴庆区"] != colour["unit:建德市新安江街道"] and len(colour) == 6


def test_rank_shift_threshold_suits_the_group_and_labels_are_tied_to_their_lines():
    # groups of 3: a tenth of the group, at least one place, is 1, so 金凤区 (−1) now counts as a mover
    assert [plots.charts.mover_threshold(n) for n in (3, 6, 10, 11, 15, 51)] == [1, 1, 1, 2, 2, 6]
    figure = plots.rank_shift_chart(units_frame(), group_names={"第一组": "区县 counties"}, title="名次变化：A → B")
    lines = {line.get_gid(): line for ax in figure.axes for line in ax.get_lines() if line.get_gid()}
    muted = {gid.removeprefix("unit:") for gid, line in lines.items() if gid.startswith("unit:")
             and line.get_color() == MUTED}
    assert muted == {"银川市交通运输局", "永宁县", "公路管理局"}  # |shift| 0, 0.5, 0.5 < 1
    assert figure.get_suptitle() == "名次变化：A → B"
    assert [ax.get_title() for ax in figure.axes] == ["区县 counties", "组 group 第二组"]
    texts = {t.get_gid(): t for ax in figure.axes for t in ax.texts}
    for name in NAMES:
        unit = lines[f"unit:{name}"]
        for side, end in (("left", 0), ("right", 1)):
            leader = lines[f"leader-{side}:{name}"]
            # the leader starts at the line's end and ends beside the label, at the label's height
            assert (leader.get_xdata()[0], leader.get_ydata()[0]) == (unit.get_xdata()[end], unit.get_ydata()[end])
            assert leader.get_ydata()[1] == texts[f"label-{side}:{name}"].get_position()[1]
    # 金凤区 and 建德 tie at rank 2 on the right, in different panels; 永宁县 and 公路管理局 tie at 5.5:
    # their labels are spread, in the order of their left ends (永宁县 5 above 公路管理局 6)
    assert texts["label-right:永宁县"].get_position()[1] < texts["label-right:公路管理局"].get_position()[1]


def test_rank_shift_without_groups_colours_by_direction():
    units = units_frame().drop(columns="group")
    ax = plots.rank_shift_chart(units).axes[0]
    colour = {line.get_gid(): line.get_color() for line in ax.get_lines() if line.get_gid().startswith("unit:")}
    assert colour["unit:兴庆区"] != colour["unit:建德市新安江街道"] != MUTED


@given(st.lists(st.floats(1, 60, allow_nan=False), min_size=1, max_size=60), st.floats(0.1, 2.0))
def test_label_spreading_keeps_order_and_gap_and_moves_only_down(positions, gap):
    y = np.array(positions)
    spread = spread_labels(y, gap)
    assert np.all(spread >= y - 1e-9)
    order = np.argsort(y, kind="stable")
    assert np.all(np.diff(spread[order]) >= gap - 1e-9)
    if len(y) == 1 or np.all(np.diff(np.sort(y)) >= gap):
        np.testing.assert_allclose(spread, y)


def test_rank_heatmap_orders_units_by_expected_rank():
    figure = plots.rank_heatmap(probabilities_frame())
    ax = figure.axes[0]
    # expected ranks: 兴庆区 1·0.8+2·0.2 = 1.2; 银川 0.3+0.8+0.9 = 2.0; 金凤区 0.8+1.8 = 2.6
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["兴庆区（1.2）", "银川市交通运输局（2.0）", "金凤区（2.6）"]
    grid = ax.images[0].get_array()
    np.testing.assert_allclose(grid, [[0.8, 0.2, 0.0], [0.3, 0.4, 0.3], [0.0, 0.4, 0.6]])
    assert len(figure.axes) == 2  # the colourbar


def test_score_breakdown_stacks_means_and_puts_penalties_left_of_zero():
    ax = plots.score_breakdown(sources_frame()).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["金凤区", "兴庆区"]  # totals 33.0 > 18.0
    # means: 兴庆区 volume 15, adoption 5, instruction 1, conduct -3; 金凤区 30, 2, 0, +1
    spans = {}  # unit row -> sorted (left edge, length) of its bar pieces
    for bar in ax.patches:
        x, width = bar.get_x(), bar.get_width()
        if width != 0:
            spans.setdefault(round(bar.get_y() + bar.get_height() / 2), []).append((min(x, x + width), abs(width)))
    np.testing.assert_allclose(sorted(spans[1]), [(-3, 3), (0, 15), (15, 5), (20, 1)])  # penalty left of zero
    np.testing.assert_allclose(sorted(spans[0]), [(0, 30), (30, 2), (32, 1)])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"数量 volume", "采用 adoption", "批示 instruction", "奖惩 conduct", "合计 total"} == set(legend)
    totals = ax.collections[0].get_offsets()
    np.testing.assert_allclose(totals[:, 0], [33.0, 18.0])


def test_rank_intervals_sort_by_median_and_offset_each_comparison():
    ax = plots.rank_intervals(distribution_frame(), by="comparison").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["兴庆区", "银川市交通运输局", "金凤区"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["基准", "变体"]
    first, second = ax.collections[:2]
    first_y = [segment[0, 1] for segment in first.get_segments()]
    second_y = [segment[0, 1] for segment in second.get_segments()]
    assert np.all(np.array(second_y) - np.array(first_y) > 0.3)  # side by side, not on top of each other
    np.testing.assert_allclose([s[:, 0] for s in first.get_segments()], [[1, 3], [1, 2], [2, 3]])


def test_effort_reward_draws_steps_for_integer_efforts_only():
    ax = plots.effort_reward_chart(curves_frame()).axes[0]
    assert [line.get_drawstyle() for line in ax.get_lines()] == ["steps-post", "steps-post"]
    smooth = curves_frame().assign(effort=lambda f: f["effort"] * 0.5 + 0.25)
    ax = plots.effort_reward_chart(smooth).axes[0]
    assert {line.get_drawstyle() for line in ax.get_lines()} == {"default"}


def test_tornado_bars_are_sorted_by_swing_and_run_from_the_base():
    ax = plots.tornado_chart(sweep_frame()).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["采用分值 adoption", "月度任务 quota", "数量上限 cap"]
    low_bars = sorted((p for p in ax.patches if p.get_gid() == "low"), key=lambda p: p.get_y())
    high_bars = sorted((p for p in ax.patches if p.get_gid() == "high"), key=lambda p: p.get_y())
    np.testing.assert_allclose([p.get_x() for p in low_bars], 0.8)
    np.testing.assert_allclose([p.get_x() + p.get_width() for p in low_bars], [0.60, 0.75, 0.78])
    np.testing.assert_allclose([p.get_x() + p.get_width() for p in high_bars], [0.90, 0.85, 0.83])


def test_sobol_bars_sorted_by_total_index_with_error_bars():
    ax = plots.sobol_chart(sobol_frame()).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["采用分值", "月度任务", "批示分值"]
    totals = sorted((p for p in ax.patches if p.get_gid() == "ST"), key=lambda p: p.get_y())
    np.testing.assert_allclose([p.get_width() for p in totals], [0.60, 0.30, 0.05])
    assert len([c for c in ax.containers if getattr(c, "has_xerr", False)]) == 2


def test_jurisdiction_chart_has_one_panel_per_metric():
    figure = plots.jurisdiction_chart(jurisdiction_frame())
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["肯德尔 tau", "末三名 bottom-3"]
    rulebooks = [t.get_text() for t in visible[0].get_yticklabels()]
    assert rulebooks == ["宁夏交通运输厅 2021", "建德市 2018", "隆阳区 2019"]
    assert "—" in [t.get_text().strip() for t in visible[1].texts]  # a missing value is shown as missing
    figure = plots.jurisdiction_chart(jurisdiction_frame(), metrics=["肯德尔 tau"])
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 1


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match=r"no column 'rank_base'.*did you mean 'rank_bas'"):
        plots.rank_shift_chart(units_frame().rename(columns={"rank_base": "rank_bas"}))
    with pytest.raises(ValueError, match="more than one row"):
        plots.tornado_chart(pd.concat([sweep_frame(), sweep_frame()]))
    with pytest.raises(ValueError, match="between 0 and 1"):
        plots.rank_heatmap(probabilities_frame().assign(probability=1.5))
    with pytest.raises(ValueError, match="from_"):
        plots.score_breakdown(sources_frame()[["name"]])
    with pytest.raises(ValueError, match=r"pass by=.*comparison"):
        plots.rank_intervals(distribution_frame())
    with pytest.raises(ValueError, match="≤"):
        plots.rank_intervals(distribution_frame().assign(rank_p5=4.0), by="comparison")
    with pytest.raises(ValueError, match="must be numbers"):
        plots.effort_reward_chart(curves_frame().assign(reward="很多"))
    with pytest.raises(ValueError, match="'说明' must be numbers"):
        plots.jurisdiction_chart(jurisdiction_frame().assign(说明="较好"), metrics=["肯德尔 tau", "说明"])


def test_save_png_writes_png_and_refuses_other_suffixes(tmp_path):
    figure = plots.tornado_chart(sweep_frame())
    written = plots.save_png(figure, tmp_path / "龙卷风.png")
    assert written.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    height, width = matplotlib.image.imread(written).shape[:2]
    assert (width, height) == pytest.approx(tuple(figure.get_size_inches() * plots.charts.PNG_DPI), abs=2)
    with pytest.raises(ValueError, match=r"\.png"):
        plots.save_png(figure, tmp_path / "chart.pdf")


def test_charts_need_no_pyplot():
    code = (
        "import sys, pandas as pd, simsuite.plots as p\n"
        "p.figure_png_bytes(p.tornado_chart(pd.DataFrame({'parameter': ['a'], 'output_low': [0.0],"
        " 'output_high': [1.0], 'output_base': [0.5]})))\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_units_of_different_groups_never_share_a_rank_axis():
    # two groups, each with its own rank 1: one panel (and one rank axis) per group, headed by name
    distribution = pd.DataFrame({
        "name": NAMES, "group": ["g1"] * 3 + ["g2"] * 3,
        "median_rank": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0], "rank_p5": [1.0] * 6, "rank_p95": [2.0, 3.0, 3.0, 1.0, 3.0, 3.0],
    })  # fmt: skip
    names = {"g1": "区县", "g2": "直属单位"}
    figure = plots.rank_intervals(distribution, group_names=names, title="名次区间：基准")
    assert [ax.get_title() for ax in figure.axes] == ["区县", "直属单位"]
    assert figure.get_suptitle() == "名次区间：基准"
    assert [[t.get_text() for t in ax.get_yticklabels()] for ax in figure.axes] == [NAMES[:3], NAMES[3:]]

    probabilities = pd.DataFrame({
        "name": np.repeat(NAMES, 6), "group": np.repeat(["g1", "g2"], 18), "rank": np.tile(np.arange(1, 7), 6),
        "probability": np.tile([0.5, 0.5, 0, 0, 0, 0], 6),
    })  # fmt: skip
    figure = plots.rank_heatmap(probabilities, group_names=names)
    heatmaps = [ax for ax in figure.axes if ax.images]
    assert len(heatmaps) == 2
    # each panel runs over its group's ranks only: ranks 3-6 carry no probability, so columns 1-2
    assert [ax.images[0].get_array().shape for ax in heatmaps] == [(3, 2), (3, 2)]

    sources = sources_frame().assign(group=["g1", "g1", "g2", "g2"])
    figure = plots.score_breakdown(sources, group_names=names)
    assert [ax.get_title() for ax in figure.axes] == ["区县", "直属单位"]
    # one shared points scale that holds every bar whole: 金凤区 reaches 30 + 2 + 0 + 1 = 33
    limits = {ax.get_xlim() for ax in figure.axes}
    assert len(limits) == 1 and next(iter(limits))[1] > 33 and next(iter(limits))[0] < -3


def test_score_breakdown_keeps_the_longest_bar_whole():
    # 金凤区 stacks to 30 + 2 + 0 + 1 = 33, 兴庆区's penalty reaches −3: both inside the axis, with room
    ax = plots.score_breakdown(sources_frame()).axes[0]
    left, right = ax.get_xlim()
    assert left < -3 and right > 33
    for bar in ax.patches:
        assert left < min(bar.get_x(), bar.get_x() + bar.get_width()) and max(bar.get_x(), bar.get_x() + bar.get_width()) < right
    bottom, top = ax.get_ylim()
    assert top < -0.35 and bottom > 1.35  # the first and last bars (height 0.7 around 0 and 1) whole
