"""Every wrong type in a scenario or variant file is a named error, never a
traceback; the command line says what is wrong with its output or Dask
address in one line."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toml_values import any_toml, strip_none

from simsuite.cli import main
from simsuite.engine.rulebook import VariantError
from simsuite.engine.variant_file import read_variant
from simsuite.runs import Scenario, ScenarioError, parse_scenario

ROOT = Path(__file__).parents[2]

BASE = {
    "scenario": {"title": "t", "year": 2021, "replicates": 16, "seed": 1, "chunk": 16},
    "population": {"units": 10, "groups": {"ningxia-transport-2021": {"1": 6, "2": 4}}},
    "behaviour": {"activity": {"mean": 3.0}, "groups": {"2": {"activity": {"mean": 1.5}}}},
    "compare": [{"name": "base", "rulebook": "ningxia-transport-2021"},
                {"name": "raw", "rulebook": "ningxia-transport-2021", "changes": {"normalise.enabled": False}},
                {"name": "file", "variant": "variants/ningxia-no-normalisation.toml"}],
}


def edited(path: tuple, value) -> str:
    """BASE with the value at ``path`` replaced, as TOML text."""
    import copy

    doc = copy.deepcopy(BASE)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return tomli_w.dumps(doc)


def test_the_base_scenario_is_valid():
    s = parse_scenario(edited(("scenario", "seed"), 1), ROOT / "scenarios", "t.toml")
    assert [c.name for c in s.comparisons] == ["base", "raw", "file"]
    assert list(s.units("ningxia-transport-2021")["group"]) == ["1"] * 6 + ["2"] * 4


@pytest.mark.parametrize("path, value, message", [
    (("compare", 2, "variant"), 5, r"compare\[3\]: variant = 5: expected text"),
    (("compare", 1, "changes"), [1, 2], r"compare\[2\]: changes = \[1, 2\]: expected a table"),
    (("compare", 0, "name"), [1], r"compare\[1\]: name = \[1\]: expected text"),
    (("compare", 0, "rulebook"), 5, r"compare\[1\]: rulebook = 5: expected text"),
    (("compare",), 5, r"\[\[compare\]\]: name at least one"),
    (("compare",), [5], r"compare\[1\]: expected a table"),
    (("population", "groups"), 5, r"groups = 5: expected tables \[population\.groups"),
    (("population", "groups", "ningxia-transport-2021"), 5, r"groups\.ningxia-transport-2021 = 5: expected a table"),
    (("population", "groups", "ningxia-transport-2021", "2"), "4", r"groups\.ningxia-transport-2021\.2 = '4'"),
    (("population",), 5, r"population = 5: expected a \[population\] table"),
    (("behaviour",), 5, r"behaviour = 5: expected a \[behaviour\] table"),
    (("behaviour", "groups"), 5, r"\[behaviour\] groups = 5: expected tables"),
    (("behaviour", "groups", "2"), 5, r"\[behaviour\] groups = \{'2': 5\}: expected tables"),
    (("scenario",), 5, r"scenario = 5: expected a \[scenario\] table"),
    (("scenario", "title"), [1], r"\[scenario\] title = \[1\]: expected text"),
    (("compare", 2, "variant"), ".", r"compare\[3\]: .*scenarios: is a folder; give the variant file itself"),
    (("compare", 2, "variant"), "variants", r"compare\[3\]: .*variants: is a folder"),
    # a negative group size ran silently (as zero units); an unknown behaviour group was ignored
    (("population", "groups", "ningxia-transport-2021"), {"1": 12, "2": -2},
     r"groups\.ningxia-transport-2021\.2 = -2: expected a whole number of units ≥ 0"),
    (("behaviour", "groups"), {"9": {"activity": {"mean": 1.0}}},
     r"\[behaviour\.groups\.'9'\]: no compared rulebook has a group '9' \(groups: \['1', '2'\]\)"),
])
def test_wrong_types_in_a_scenario_are_named(path, value, message):
    with pytest.raises(ScenarioError, match="(?s)" + message):
        parse_scenario(edited(path, value), ROOT / "scenarios", "t.toml")


def test_deep_nesting_is_refused_not_a_recursion_error():
    deep = "changes = " + "{a = " * 2000 + "1" + "}" * 2000
    text = edited(("scenario", "seed"), 1) + "\n[[compare]]\nname = \"x\"\nrulebook = \"jiande-2018\"\n" + deep + "\n"
    with pytest.raises(ScenarioError, match="nested too deeply"):
        parse_scenario(text, ROOT / "scenarios", "t.toml")
    modest = "changes = " + "{a = " * 20 + "1" + "}" * 20
    with pytest.raises(ScenarioError, match="nested too deeply"):
        parse_scenario(edited(("scenario", "seed"), 1) + "\n[[compare]]\nname = \"x\"\n" + modest + "\n",
                       ROOT / "scenarios", "t.toml")


VARIANT = '[variant]\ntitle = "t"\nbaseline = "ningxia-transport-2021"\n\n[changes]\nquota.points = 7\n'


@pytest.mark.parametrize("text, message", [
    ("variant = 5\n", r"needs a \[variant\] table"),
    ('changes = [1, 2]\n[variant]\ntitle = "t"\nbaseline = "ningxia-transport-2021"\n',
     r"changes = \[1, 2\]: expected a \[changes\] table"),
    (VARIANT.replace('title = "t"', "title = [1]"), r"\[variant\] title = \[1\]: expected text"),
    (VARIANT.replace('baseline = "ningxia-transport-2021"', "baseline = 5"), r"baseline = 5: expected text"),
    (VARIANT.replace("quota.points = 7", "quota.points = { a = 1 }"), r"quota\.points' takes a number"),
    (VARIANT + "x = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
])
def test_wrong_types_in_a_variant_file_are_named(tmp_path, text, message):
    path = tmp_path / "v.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VariantError, match=message):
        read_variant(path)


def test_a_variant_that_is_a_folder_or_not_text_is_named(tmp_path):
    with pytest.raises(VariantError, match="is a folder; give the variant file itself"):
        read_variant(tmp_path)
    (tmp_path / "v.toml").write_bytes("标题".encode("gbk"))
    with pytest.raises(VariantError, match="not UTF-8 text .*save the variant file as UTF-8"):
        read_variant(tmp_path / "v.toml")


# ---- property: random corruption gives a clean error or a valid scenario ------------------------------


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = [p for p in _paths(BASE) if p]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(ALL_PATHS), value=any_toml())
def test_randomly_corrupted_scenarios_give_a_clean_error_or_a_valid_scenario(path, value):
    if value is None or strip_none(value) != value:
        value = strip_none(value) if value is not None else "none"
    try:
        result = parse_scenario(edited(path, value), ROOT / "scenarios", "t.toml")
    except ScenarioError as exc:
        assert str(exc).startswith("t.toml")
    else:
        assert isinstance(result, Scenario) and result.comparisons


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, len(VARIANT)), junk=st.text(max_size=20), extra=st.sampled_from(["", "\n[changes.x]\n"]))
def test_randomly_corrupted_variant_files_give_a_clean_error_or_a_variant(cut, junk, extra):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v.toml"
        path.write_text(VARIANT[:cut] + junk + VARIANT[cut:] + extra, encoding="utf-8")
        try:
            rb = read_variant(path)
        except VariantError as exc:
            assert str(exc).startswith(str(path))
        else:
            assert rb.baseline is not None and rb.id == "ningxia-transport-2021"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, 400), junk=st.text(max_size=20))
def test_randomly_corrupted_scenario_text_gives_a_clean_error_or_a_scenario(cut, junk):
    text = edited(("scenario", "seed"), 1)
    try:
        parse_scenario(text[:cut] + junk + text[cut:], ROOT / "scenarios", "t.toml")
    except ScenarioError as exc:
        assert str(exc).startswith("t.toml")


# ---- the command line: one line, exit 2 --------------------------------------------------------------
def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("simsuite: error: "), err
    return err[0]


def _cli_scenario(folder: Path) -> Path:
    path = folder / "s.toml"
    path.write_text(edited(("compare",), BASE["compare"][:2]), encoding="utf-8")
    return path


def test_score_output_that_is_missing_or_a_folder(tmp_path, capsys):
    history = str(ROOT / "data/examples/ningxia-transport-2021")
    common = ["score", "--rulebook", "ningxia-transport-2021", "--history", history, "--out"]
    assert main(common + [str(tmp_path / "nowhere" / "s.csv")]) == 2
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in _one_line_error(capsys)
    assert main(common + [str(tmp_path)]) == 2
    assert "is a folder; give a file name" in _one_line_error(capsys)


def test_run_output_that_is_a_file_or_holds_files(tmp_path, capsys):
    scenario = _cli_scenario(tmp_path)
    (tmp_path / "file").write_text("x")
    assert main(["run", str(scenario), "--out", str(tmp_path / "file")]) == 2
    assert "is a file; give a folder" in _one_line_error(capsys)
    full = tmp_path / "full"
    full.mkdir()
    (full / "old.txt").write_text("x")
    assert main(["run", str(scenario), "--out", str(full)]) == 2
    assert "not empty; give a new folder, or --force" in _one_line_error(capsys)
    assert (full / "old.txt").exists()


def test_an_unreachable_dask_address_is_one_line(tmp_path, capsys):
    scenario = _cli_scenario(tmp_path)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["run", str(scenario), "--out", str(tmp_path / "out"), "--dask", f"tcp://127.0.0.1:{port}"]) == 2
    assert f"--dask tcp://127.0.0.1:{port}: no Dask scheduler answers there" in _one_line_error(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, message", [
    (["--workers", "0"], "--workers 0: give 1 or more"),
    (["--until-se", "0"], "--until-se 0.0: give a standard error between 0 and 0.5"),
    (["--until-se", "0.01", "--max-replicates", "-5"], "--max-replicates -5: give 1 or more"),
])
def test_run_options_out_of_range_are_one_line(tmp_path, capsys, option, message):
    assert main(["run", str(_cli_scenario(tmp_path)), "--out", str(tmp_path / "out"), *option]) == 2
    assert message in _one_line_error(capsys)
