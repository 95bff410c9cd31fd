"""Design specifications: a good file reads into a DesignSpec; a bad one
fails with one error that names the file and every bad key, with a
did-you-mean where a name is close to a real one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toml_values import any_toml, strip_none

from simsuite.design import DesignError, DesignSpec, parse_design, read_design

ROOT = Path(__file__).parents[2]

BASE = {
    "design": {"title": "t", "baseline": "ningxia-transport-2021", "year": 2021, "seed": 1, "replicates": 16,
               "trials": 4, "generation": 4},
    "population": {"units": 10, "groups": {"ningxia-transport-2021": {"1": 6, "2": 4}}},
    "behaviour": {"activity": {"mean": 3.0}},
    "search": {"normalise.enabled": {"choices": [True, False]},
               "adoption.points.nx-info.item": {"range": [1, 6], "step": 0.5},
               "quota.points": {"range": [0, 10]}},
    "constraints": {"same_award_count": True, "min_expected_final": 0},
    "objectives": {"search": ["tau_b", "rank_shift"], "weights": {"tau_b": 2}},
}


def text(doc) -> str:
    return tomli_w.dumps(doc)


def edited(path: tuple, value) -> str:
    doc = copy.deepcopy(BASE)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return text(doc)


def error(doc_text: str) -> str:
    with pytest.raises(DesignError) as exc:
        parse_design(doc_text, ROOT / "scenarios" / "design", "d.toml")
    message = str(exc.value)
    assert message.startswith("d.toml:")
    return message


def test_a_good_specification_reads_into_a_spec():
    spec = parse_design(text(BASE), ROOT, "d.toml")
    assert isinstance(spec, DesignSpec)
    assert [d.path for d in spec.dimensions] == ["normalise.enabled", "adoption.points.nx-info.item", "quota.points"]
    quota = spec.dimensions[2]
    assert quota.integer and (quota.low, quota.high) == (0, 10)  # quota.points is a whole-number parameter
    assert spec.dimensions[1].step == 0.5 and not spec.dimensions[1].integer
    assert spec.search == ("tau_b", "rank_shift")
    assert spec.weight("tau_b") == 2 and spec.weight("rank_shift") == 1 and spec.weight("fairness_gap") == 0
    assert len(spec.units) == 10 and spec.same_award_count and spec.min_expected_final == 0


def test_nested_search_tables_name_the_same_parameter():
    doc = copy.deepcopy(BASE)
    doc["search"] = {"normalise": {"enabled": {"choices": [True, False]}}}
    spec = parse_design(text(doc), ROOT, "d.toml")
    assert [d.path for d in spec.dimensions] == ["normalise.enabled"]


def test_a_candidate_applies_only_what_differs_from_the_baseline():
    spec = parse_design(text(BASE), ROOT, "d.toml")
    same = spec.candidate({"normalise.enabled": True, "adoption.points.nx-info.item": 2.0, "quota.points": 5})
    assert same is spec.baseline  # every value is the baseline's: nothing to vary
    rb = spec.candidate({"normalise.enabled": False, "adoption.points.nx-info.item": 2.0, "quota.points": 5})
    assert rb.all_changes() == {"normalise.enabled": False}


def test_the_shipped_example_reads():
    spec = read_design(ROOT / "scenarios" / "design" / "ningxia-adoption-points.toml")
    assert spec.baseline.id == "ningxia-transport-2021" and spec.dimensions


@pytest.mark.parametrize("path, value, expected", [
    (("design", "replicats"), 5, "unknown key 'replicats' (did you mean 'replicates'?)"),
    (("design", "baseline"), "ningxia-transport-2012", "did you mean 'ningxia-transport-2021'"),
    (("design", "seed"), -1, "[design] seed = -1: expected a whole number"),
    (("design", "replicates"), 1, "[design] replicates = 1"),
    (("search", "normalise.enabeld"), {"choices": [True, False]}, "did you mean 'normalise.enabled'?"),
    (("search", "quota.points"), {"range": [0, 1000]}, "must be ≤"),
    (("search", "quota.points"), {"range": [5, 1]}, "low must be below high"),
    (("search", "quota.points"), {"range": [0, 10], "step": 0.5}, "whole-number parameters take whole steps"),
    (("search", "normalise.enabled"), {"range": [0, 1]}, "is a bool parameter"),
    (("search", "normalise.top_not_positive"), {"choices": ["zero", "nothing"]}, "takes one of"),
    (("search", "quota.points"), {"rnage": [0, 1]}, "expected a table with range"),
    (("search", "adoption.points"), {"range": [0, 1]}, "is a table of parameters: name one cell"),
    (("search", "calendar.first_month"), {"range": [1, 12]}, "moves the assessment year"),
    (("search", "components"), {"add": ["year_cpa"]}, "no rule component 'year_cpa' (did you mean 'year_cap'?)"),
    (("search", "components"), {"add": ["award_top_and_bottom"]}, "already has 'award_top_and_bottom'"),
    (("search", "components"), {"add": ["first_adoption_bonus"]}, "missing required parameter bonus.points"),
    (("search", "components"), {"remove": ["normalise"], "ad": []}, "unknown key 'ad' (did you mean 'add'?)"),
    (("constraints", "same_award_cont"), True, "did you mean 'same_award_count'?"),
    (("constraints", "min_expected_final"), "zero", "min_expected_final = 'zero': expected a number"),
    (("objectives", "search"), ["tau_b", "fidelity"], "no objective 'fidelity'"),
    (("objectives", "weights"), {"tau": 1}, "no objective 'tau' (did you mean 'tau_b'?)"),
    (("population", "unit"), 10, "unknown key 'unit' (did you mean 'units'?)"),
    (("population", "calibrated"), "nowhere.toml", "[population] calibrated"),
    (("behaviour", "activity"), {"mean": -1}, "[behaviour]"),
])
def test_bad_specifications_name_the_file_and_the_key(path, value, expected):
    assert expected in error(edited(path, value))


def test_every_problem_is_reported_at_once():
    doc = copy.deepcopy(BASE)
    doc["design"]["seed"] = "one"
    doc["search"]["quota.point"] = {"range": [0, 1]}
    doc["objectives"]["search"] = ["tau"]
    message = error(text(doc))
    assert "seed = 'one'" in message and "'quota.point'" in message and "no objective 'tau'" in message


def test_fairness_needs_two_kinds_large_enough_to_compare():
    doc = copy.deepcopy(BASE)
    doc["population"]["groups"]["ningxia-transport-2021"] = {"1": 8, "2": 2}
    doc["objectives"]["search"] = ["tau_b", "fairness_gap"]
    assert "needs two kinds (group) of at least 3 units" in error(text(doc))


def test_an_empty_search_is_refused():
    doc = copy.deepcopy(BASE)
    doc["search"] = {}
    assert "name at least one parameter" in error(text(doc))


def test_not_toml_is_a_named_error():
    assert "not valid TOML" in error("[design\nbaseline = 1")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, 700), junk=st.text(max_size=20))
def test_randomly_corrupted_specifications_give_a_clean_error_or_a_spec(cut, junk):
    source = text(BASE)
    try:
        spec = parse_design(source[:cut] + junk + source[cut:], ROOT, "d.toml")
    except DesignError as exc:
        assert str(exc).startswith("d.toml")
    else:
        assert isinstance(spec, DesignSpec) and (spec.dimensions or spec.add or spec.remove)


PATHS = [("design", k) for k in BASE["design"]] + [("population", "units"), ("behaviour", "activity"),
                                                    ("search", "quota.points"), ("search", "components"),
                                                    ("constraints", "same_award_count"), ("objectives", "search"),
                                                    ("objectives", "weights"), ("search",), ("constraints",)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=any_toml(text=8, keys=6, leaves=6))
def test_any_value_anywhere_gives_a_clean_error_or_a_spec(path, value):
    value = "none" if value is None else strip_none(value)
    try:
        spec = parse_design(edited(path, value), ROOT, "d.toml")
    except DesignError as exc:
        assert str(exc).startswith("d.toml")
    else:
        assert isinstance(spec, DesignSpec)


def test_a_rulebook_file_of_ones_own_is_a_baseline(tmp_path):
    doc = {"design": {"baseline": "../data/rulebooks/example-county-2024.toml", "seed": 1, "replicates": 8,
                      "trials": 2, "generation": 2},
           "population": {"units": 6},
           "search": {"item_points.points": {"range": [0, 3]}}}
    spec = parse_design(text(doc), ROOT / "scenarios", "d.toml")  # read relative to the specification's folder
    assert spec.baseline.file.meta["id"] == "example-county-2024" and spec.year == spec.baseline.own_year()
    assert spec.dimensions[0].path == "item_points.points" and len(spec.units) == 6
