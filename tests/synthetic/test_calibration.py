"""Every shipped scenario, run briefly, is fit to compare rules: no group is
degenerate, and each rulebook as written meets the calibration targets of
its jurisdiction (simsuite/synthetic/jurisdictions.toml, docs/calibration.md)."""

import re
from pathlib import Path

import numpy as np
import pytest

from simsuite.analytics.diagnostics import diagnostics
from simsuite.runs import parse_scenario, run
from simsuite.synthetic.behaviour import Behaviour, jurisdiction_defaults

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_fall_inside_their_bands(path):
    text = re.sub(r"replicates = \d+", "replicates = 30", path.read_text(encoding="utf-8"))
    result = run(parse_scenario(text, path.parent, path.name))
    table = diagnostics(result)
    assert not table["degenerate"].any(), table.loc[table["degenerate"], "warning_en"].tolist()
    as_written = {name for name, c in result.manifest["comparisons"].items() if not c["changes"]}
    checked = 0
    for rulebook, own in jurisdiction_defaults().items():
        for target in own.get("targets", []):
            rows = table[(table["rulebook"] == rulebook) & table["comparison"].isin(as_written)]
            if target["group"] != "*":
                rows = rows[rows["group"] == target["group"]]
            for _, part in rows.groupby("comparison"):
                value = np.average(part[target["statistic"]], weights=part["n_units"])
                lo, hi = target["band"]
                assert lo <= value <= hi, (rulebook, target["statistic"], value, target["band"])
                checked += 1
    assert checked or not as_written


def test_every_target_says_why_and_names_a_diagnostic():
    for rulebook, own in jurisdiction_defaults().items():
        assert own.get("targets"), rulebook
        for target in own["targets"]:
            assert target["statistic"] in {"periods_met", "vetoed", "at_cap", "items_a_month", "zero_final"}
            assert len(target["band"]) == 2 and target["band"][0] <= target["band"][1]
            assert len(target["why"]) > 30


def test_a_scenario_setting_a_path_wins_over_a_calibrated_group_default():
    b = Behaviour.make({"activity.mean": 6.0}).for_rulebook("jiande-2018")
    assert b.by_group("activity.mean", ("township", "A")).tolist() == [6.0, 6.0]
    # the calibrated direct-report habit of townships stays, since the scenario does not set it
    assert b.by_group("direct_report.chance", ("township", "A")).tolist() == [0.95, 0.4]
    plain = Behaviour.make(jurisdiction="").for_rulebook("jiande-2018")
    assert plain.by_group("activity.mean", ("township",)).tolist() == [4.0]
