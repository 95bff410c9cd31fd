"""Every notebook runs top to bottom, and shows what it says it shows.

Each test runs a notebook in a fresh kernel, then asks that same kernel for
the notebook's key results (a cell the test appends, not saved) and checks
them against the library called here, with the same scenario and seed.
"""

import html
import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from nbclient import NotebookClient

import simsuite
from simsuite import analytics

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"
SCENARIOS = NOTEBOOKS.parent / "scenarios"


def run(name: str, probe: str | None = None):
    """Execute a notebook; with ``probe``, also run that code last in the
    same kernel and return what it printed as JSON."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    if probe:
        nb.cells.append(nbformat.v4.new_code_cell(probe))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{name}: {out.get('ename')}: {out.get('evalue')}"
            if out.get("name") == "stderr":
                assert "Glyph" not in out["text"] and "missing from" not in out["text"], out["text"]
    if probe:
        printed = outputs(nb.cells.pop())
        return nb, json.loads(printed)
    return nb


def outputs(cell) -> str:
    text = []
    for out in cell.get("outputs", []):
        text.append(out.get("text", ""))
        data = out.get("data", {})
        text.append(data.get("text/html", "") + data.get("text/plain", ""))
    return "\n".join(text)


def images(nb) -> int:
    return sum("image/png" in out.get("data", {}) for c in nb.cells for out in c.get("outputs", []))


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == [
        "00-quickstart.ipynb", "01-five-rulebooks.ipynb", "02-variants.ipynb",
        "03-uncertainty-and-fairness.ipynb", "04-incentives-and-sensitivity.ipynb", "05-jurisdictions.ipynb",
        "06-explorer.ipynb", "07-strategic-response.ipynb", "08-design-search.ipynb", "09-calibration.ipynb"]


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
    # the explanation in full: every citation whole, no cell cut short with an ellipsis
    explanation = expected.explain(best["unit_id"])
    for cite in set(explanation.points["cite"]) | set(explanation.steps["cite"]):
        shown = outputs(cells[4])
        assert html.escape(cite) in shown or html.escape(cite, quote=False) in shown, cite
    assert "..." not in outputs(cells[4]) and "…" not in outputs(cells[4])
    comparison = outputs(cells[6])
    for column in ("rank_rank_points", "rank_raw_points", "shift"):
        assert column in comparison


def test_five_rulebooks_side_by_side():
    nb, got = run("01-five-rulebooks.ipynb", "import json; print(json.dumps({'firsts': firsts.to_dict('list'), "
                  "'likely': likely.to_dict('list'), 'features': list(features.columns)}, ensure_ascii=False))")
    ids = list(simsuite.list_rulebooks()["id"])
    assert len(got["features"]) >= 5
    for rulebook_id in ids:  # each bureau's first-placed units, as the library ranks them
        table = simsuite.score(rulebook_id, NOTEBOOKS.parent / "data/examples" / rulebook_id).table
        firsts = sorted(table.loc[table["rank"] == 1, "name"])
        assert sorted(n for r, n in zip(got["firsts"]["rulebook"], got["firsts"]["name"]) if r == rulebook_id) == firsts
    run_ = simsuite.run_scenario(SCENARIOS / "five-baselines.toml", replicates=200)
    ningxia = analytics.rank_distribution(run_, "宁夏 2021").nlargest(3, "p_first")
    mine = [(c, n, p) for c, n, p in zip(got["likely"]["comparison"], got["likely"]["name"], got["likely"]["p_first"])
            if c == "宁夏 2021"]
    assert [(n, p) for _, n, p in mine] == list(zip(ningxia["name"], ningxia["p_first"]))
    assert len(got["likely"]["name"]) == 15


def test_variants_show_who_moves():
    nb, got = run("02-variants.ipynb", "import json; print(json.dumps({'groups': normalisation.groups.to_dict('list'), "
                  "'movers': list(normalisation.movers(8)['name']), 'pooled': pooled.groups.to_dict('list')}, "
                  "ensure_ascii=False))")
    result = simsuite.run_scenario(SCENARIOS / "ningxia-normalisation.toml", replicates=200)
    expected = analytics.compare_variants(result, "baseline", "no normalisation")
    np.testing.assert_allclose(got["groups"]["kendall_tau_b"], expected.groups["kendall_tau_b"])
    np.testing.assert_allclose(got["groups"]["mean_abs_shift"], expected.groups["mean_abs_shift"])
    assert got["movers"] == list(expected.movers(8)["name"])
    assert all(-1 <= t <= 1 for t in got["groups"]["kendall_tau_b"])
    # pooling puts everyone in one ranking, so some units move
    assert max(got["pooled"]["mean_abs_shift"]) > 0
    assert images(nb) >= 1


def test_uncertainty_and_fairness():
    nb, got = run("03-uncertainty-and-fairness.ipynb",
                  "import json; print(json.dumps({'fidelity': fidelity(run, baseline).to_dict('list'), "
                  "'stability': stability(run, baseline).to_dict('list'), "
                  "'precise': [precise.manifest['replicates'], precise.manifest['largest_se']]}))")
    result = simsuite.run_scenario(SCENARIOS / "ningxia-normalisation.toml", replicates=300)
    np.testing.assert_allclose(got["fidelity"]["spearman_quality"],
                               analytics.fidelity(result, "baseline")["spearman_quality"])
    np.testing.assert_allclose(got["stability"]["expected_rank_shift"],
                               analytics.stability(result, "baseline")["expected_rank_shift"])
    replicates, se = got["precise"]
    assert se <= 0.03 and replicates > 64
    assert images(nb) >= 3  # intervals, heatmap, breakdown


def test_incentives_and_sensitivity():
    nb, got = run("04-incentives-and-sensitivity.ipynb",
                  "import json; print(json.dumps({'marginal': marginal.to_dict('list'), "
                  "'indices': indices.indices.to_dict('list'), 'sweep': quota.summary.to_dict('list')}, "
                  "ensure_ascii=False, default=float))")
    expected = analytics.marginal_points("longyang-2019", NOTEBOOKS.parent / "data/examples/longyang-2019")
    np.testing.assert_allclose(got["marginal"]["d_points"], expected["d_points"])
    assert set(got["indices"]["parameter"]) == {"quota.points", "zero_month.points", "adoption.points.nx-info.item"}
    assert all(st >= s1 - 0.2 for s1, st in zip(got["indices"]["S1"], got["indices"]["ST"]))
    sweep = pd.DataFrame(got["sweep"]).set_index("value")
    assert sweep.loc[5, "mean_abs_shift"] == 0  # the baseline's own quota points move nobody
    assert images(nb) >= 3


def test_jurisdictions_in_one_table():
    nb, got = run("05-jurisdictions.ipynb", "import json; print(json.dumps(table.to_dict('list'), ensure_ascii=False))")
    result = simsuite.run_scenario(SCENARIOS / "five-rulebooks-common-population.toml", replicates=200)
    expected = analytics.jurisdiction_table(result)
    assert got["comparison"] == list(expected["comparison"])
    for column in ("top10_share", "relative_rank_shift", "spearman_quality", "share_volume"):
        np.testing.assert_allclose(got[column], expected[column])
    assert "volume_d_final" in got and "quality_d_final" in got
    assert images(nb) == 1


def test_explorer_notebook_shows_the_movers():
    import time

    from simsuite.explorer import WhatIf

    started = time.perf_counter()
    nb = run("06-explorer.ipynb")
    assert time.perf_counter() - started < 60
    code = [c for c in nb.cells if c.cell_type == "code"]
    widget_outputs = [o for o in code[0].outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widget_outputs) == 1  # the explorer, as a widget model
    assert "2 change(s)" in outputs(code[1]) and "160 replicate years × 51 units" in outputs(code[1])

    expected = WhatIf("ningxia-transport-2021", replicates=160).compare(
        {"normalise.enabled": False, "quota.points": 7}).movers(5)
    movers = outputs(code[2])
    positions = [movers.index(name) for name in expected["name"]]
    assert positions == sorted(positions)  # the same five units, in the same order
    assert f"{expected['mean_shift'].iloc[0]:.6f}"[:5] in movers

    assert "'quota.points': 7," in outputs(code[3]) and '"normalise.enabled" = false' in outputs(code[3])
    assert "kendall_tau_b" in outputs(code[4])


def test_calibration_notebook_fits_checks_and_runs_next_year():
    from simsuite.synthetic.calibrate import check_table, predictive_check

    probe = ("import json; print(json.dumps({'activity': [float(x) for x in v['activity.mean'][:, 0]], "
             "'observed': table['observed'].tolist(), 'inside': table['inside'].tolist(), "
             "'calibration': run.manifest['calibration'], 'units': run.results['unit_id'].nunique()}))")
    nb, got = run("09-calibration.ipynb", probe)
    ledger = NOTEBOOKS.parent / "data/examples/ningxia-transport-2021"
    c = simsuite.calibrate("ningxia-transport-2021", ledger, years=[2021])
    np.testing.assert_allclose(got["activity"], c.values["activity.mean"][:, 0])
    rb = simsuite.rulebook("ningxia-transport-2021")
    from simsuite.ledger import read_history

    table = check_table(predictive_check(c, rb, read_history(ledger, rb.vocabulary), 2021, replicates=200, seed=0))
    assert got["observed"] == table["observed"].tolist() and got["inside"] == table["inside"].tolist()
    assert got["calibration"]["file"] == "population.toml" and got["calibration"]["years"] == "2021"
    assert got["units"] == len(c.units)
    assert images(nb) == 1  # the predictive check's figure


def test_design_search_answers_the_ningxia_question():
    from simsuite.design import read_design, search

    probe = """
import json as _json
print(_json.dumps({"front": [int(n) for n in result.front["number"]],
                   "tau_b": result.baseline.values["tau_b"][0],
                   "recommended": result.recommended(),
                   "split": sorted(best.index), "again": again.mean("tau_b")}))
"""
    nb, got = run("08-design-search.ipynb", probe)
    expected = search(read_design(SCENARIOS / "design" / "ningxia-adoption-points.toml"), trials=60)
    assert got["front"] == [int(n) for n in expected.front["number"]]  # the same seed: the same search
    assert got["tau_b"] == expected.baseline.values["tau_b"][0]
    assert got["recommended"] == expected.recommended()
    assert got["split"] == ["不换算 raw points", "换算 normalise"]  # both answers to the question are shown
    number = list(got["recommended"].values())[-1]  # the variant file written, loaded back, scores the same
    assert got["again"] == np.float64(expected.trials.set_index("number").loc[number, "tau_b"]).item()
    assert images(nb) >= 1


def test_strategic_response_answers_the_cap_question():
    from simsuite.engine.variant_file import read_variant
    from simsuite.response import Payoff, answers, solve
    from simsuite.synthetic import real_units

    probe = ("import json; t = answers.compare(equilibria)\n"
             "print(json.dumps({'table': t.drop(columns=['zh', 'en', 'meaning']).to_dict('list'), "
             "'choice': {k: eq.strategy_names() for k, eq in equilibria.items()}}))")
    nb, got = run("07-strategic-response.ipynb", probe)
    cap60 = simsuite.rulebook("longyang-2019")
    cap40 = read_variant(SCENARIOS / "variants/longyang-cap-40.toml")
    wants = Payoff(awards={"advanced": 1.0, "criticised": -1.0}, bottom_three=0.0)
    expected = {name: solve(rb, real_units(cap60), 2019, payoff=wants, replicates=128, seed=2019)
                for name, rb in (("cap 40", cap40), ("cap 60", cap60))}
    assert got["choice"] == {k: eq.strategy_names() for k, eq in expected.items()}
    table = answers.compare(expected).drop(columns=["zh", "en", "meaning"])
    pd.testing.assert_frame_equal(pd.DataFrame(got["table"]), table, check_dtype=False)
    assert images(nb) == 2
    printed = outputs([c for c in nb.cells if c.cell_type == "code"][0])
    for name, eq in expected.items():
        assert f"{name}: ε = {eq.eps:.3f} after {len(eq.epsilon)} rounds" in printed

