"""The [response] section of a scenario: named errors, and `simsuite run`
writing what each rule induces."""

import re
from pathlib import Path

import pandas as pd
import pytest

from simsuite.cli import main
from simsuite.response.scenario import respond, response_settings
from simsuite.runs import parse_scenario, read_scenario
from simsuite.runs.scenario import ScenarioError

ROOT = Path(__file__).parents[2]
SMALL = """
[scenario]
title = "small"
year = 2019
replicates = 32
seed = 5

[population]
rulebook = "longyang-2019"

[[compare]]
name = "cap 40"
rulebook = "longyang-2019"
changes = { "item_points.cap" = 40 }

[[compare]]
name = "cap 60"
rulebook = "longyang-2019"
"""


def test_the_shipped_response_scenario_reads():
    s = read_scenario(ROOT / "scenarios/longyang-caps-response.toml")
    settings = response_settings(s)
    assert settings.replicates == 256 and settings.payoff.awards == {"advanced": 1.0, "criticised": -1.0}
    assert "[response]" in s.text  # kept with the scenario's text in the manifest: a repeat is exact


def test_a_scenario_without_response_has_none():
    assert response_settings(parse_scenario(SMALL)) is None


@pytest.mark.parametrize("section, message", [
    ("[response]\nreplicats = 32", "unknown key 'replicats' (did you mean 'replicates'?)"),
    ("[response]\nreplicates = 64", "replicates = 64: expected a whole number in [1, 32]"),
    ("[response.model]\n\"cost.itme\" = 1", "no response parameter 'cost.itme' (did you mean 'cost.item'?)"),
    ("[response.payoff]\nbottom_tree = -1", "unknown key 'bottom_tree' (did you mean 'bottom_three'?)"),
    ("[[response.strategy]]\nname = \"x\"\nshares = { volum = 1 }", "unknown action 'volum'"),
])
def test_a_bad_response_section_names_the_key(section, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        response_settings(parse_scenario(SMALL + section))


def test_simsuite_run_writes_what_each_rule_induces(tmp_path, capsys):
    scenario = tmp_path / "s.toml"
    scenario.write_text(SMALL + "[response]\nmax_rounds = 3\n[response.payoff]\nawards = { advanced = 1 }\n",
                        encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "cap 40: " in printed and "ε = " in printed
    per_unit = pd.read_csv(tmp_path / "out/response.csv", dtype={"unit_id": str})
    assert sorted(set(per_unit["comparison"])) == ["cap 40", "cap 60"] and len(per_unit) == 2 * 11
    summary = pd.read_csv(tmp_path / "out/response_summary.csv")
    assert {"cap 40: response", "cap 60: fixed"} <= set(summary.columns)
    assert "What units will do" in (tmp_path / "out/report.html").read_text(encoding="utf-8")
    # the manifest keeps the [response] section with the scenario: a repeat gives the same answer
    assert main(["run", str(tmp_path / "out/manifest.json"), "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again/response.csv").read_bytes() == (tmp_path / "out/response.csv").read_bytes()


def test_an_award_the_rulebook_never_gives_is_refused(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(SMALL + "[response.payoff]\nawards = { advance = 1 }\n", encoding="utf-8")
    s = read_scenario(scenario)
    with pytest.raises(ScenarioError, match="gives no award 'advance' \\(did you mean 'advanced'\\?\\)"):
        respond(s, response_settings(s))
