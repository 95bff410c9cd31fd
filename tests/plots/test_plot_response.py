"""The response chart draws its two panels with Chinese labels and no missing glyphs."""

import warnings

import simsuite
from simsuite.plots.charts import figure_png_bytes
from simsuite.plots.response import response_chart
from simsuite.response import solve
from simsuite.synthetic import real_units


def test_response_chart_draws_the_quota_and_chinese_labels():
    rb = simsuite.rulebook("ningxia-transport-2021")
    eq = solve(rb, real_units(rb), 2021, replicates=16, seed=2, max_rounds=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns
        fig = response_chart(eq)
        png = figure_png_bytes(fig)
    left, right = fig.axes[:2]
    assert "月度任务 quota 1" in [t.get_text() for t in left.texts]
    assert "月度任务 quota 2" in [t.get_text() for t in left.texts]
    assert len(right.patches) == 5 and png[:4] == b"\x89PNG"


def test_under_a_yearly_cap_the_chart_shows_items_a_year_and_the_cap():
    rb = simsuite.rulebook("longyang-2019")  # 60 points at 2 an item: 30 items
    eq = solve(rb, real_units(rb), 2019, replicates=16, seed=2, max_rounds=2)
    fig = response_chart(eq)
    left = fig.axes[0]
    assert [t.get_text() for t in left.texts] == ["封顶 cap: 30 条 items"]
    assert "items a unit files in the year (60 = 60 or more)" in left.get_xlabel()
