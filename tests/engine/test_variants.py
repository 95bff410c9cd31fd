"""Variants: overlays on a baseline, from Python and from files."""

from pathlib import Path

import pytest

import simsuite
from simsuite.engine.rulebook import RedundantChange, VariantError
from simsuite.engine.variant_file import read_variant, write_variant
from random_histories import random_history

ROOT = Path(__file__).parents[2]
VARIANTS = sorted((ROOT / "scenarios" / "variants").glob("*.toml"))


def test_vary_changes_only_what_it_names_and_never_copies():
    base = simsuite.rulebook("ningxia-transport-2021")
    v = base.vary({"normalise.enabled": False}, title="no normalisation")
    assert v.parameters["normalise.enabled"] is False
    assert base.parameters["normalise.enabled"] is True
    assert v.file is base.file and v.baseline is base
    assert v.changes == {"normalise.enabled": False}
    assert v.parameters.digest() != base.parameters.digest()
    assert list(v.diff()["path"]) == ["normalise.enabled"]


def test_nested_tables_and_dotted_paths_are_the_same_change():
    base = simsuite.rulebook("jiande-2018")
    a = base.vary({"rank_points": {"target": {"A": 25}}})
    b = base.vary({"rank_points.target.A": 25})
    assert a.parameters.digest() == b.parameters.digest()


def test_unknown_key_names_it_with_a_suggestion():
    with pytest.raises(VariantError, match=r"normalise\.enable'.*did you mean 'normalise\.enabled'"):
        simsuite.rulebook("ningxia-transport-2021").vary({"normalise.enable": False})


def test_bad_values_name_the_key_and_what_is_allowed():
    rb = simsuite.rulebook("ningxia-transport-2021")
    with pytest.raises(VariantError, match=r"adoption\.combine.*one of \['sum', 'highest'\].*did you mean 'highest'"):
        rb.vary({"adoption.combine": "highst"})
    with pytest.raises(VariantError, match=r"co_submission\.share.*≤ 1"):
        rb.vary({"co_submission.share": 1.5})
    with pytest.raises(VariantError, match=r"normalise\.enabled.*true or false"):
        rb.vary({"normalise.enabled": "no"})
    with pytest.raises(VariantError, match=r"grouping\.merge.*no group '3'"):
        rb.vary({"grouping.merge": {"3": "1"}})


def test_every_problem_is_reported_at_once():
    with pytest.raises(VariantError) as err:
        simsuite.rulebook("longyang-2019").vary({"item_points.capp": 40, "award.advanced_top": -1})
    assert "item_points.capp" in str(err.value) and "award.advanced_top" in str(err.value)


def test_a_change_to_the_current_value_is_reported():
    rb = simsuite.rulebook("longyang-2019")
    with pytest.warns(RedundantChange, match=r"item_points\.cap is already 60"):
        v = rb.vary({"item_points.cap": 60, "item_points.points": 3})
    assert v.notes and "item_points.cap" in v.notes[0]
    assert v.all_changes() == {"item_points.points": 3}


def test_variants_stack_and_any_variant_can_be_a_baseline():
    base = simsuite.rulebook("ningxia-transport-2021")
    pooled = base.vary({"grouping.merge": {"2": "1"}}, title="pooled")
    both = pooled.vary({"normalise.enabled": False}, title="pooled, raw")
    assert both.lineage == [base.name, "pooled", "pooled, raw"]
    assert both.all_changes() == {"grouping.merge": {"2": "1"}, "normalise.enabled": False}
    assert list(both.diff(pooled)["path"]) == ["normalise.enabled"]


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_shipped_variant_files_load_and_score(path):
    v = read_variant(path)
    assert v.baseline is not None and v.all_changes()
    from random_histories import YEARS

    scores = v.score(random_history(v.id, 3), year=YEARS[v.id])
    assert scores.stamp["variant"] == v.name


def test_variant_file_errors_name_the_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[variant]\ntitle = "x"\nbaseline = "longyang-2019"\n[changes]\nitem_points.cpa = 3\n', encoding="utf-8")
    with pytest.raises(VariantError, match=r"(?s)bad\.toml.*item_points\.cpa.*did you mean 'item_points\.cap'"):
        read_variant(bad)
    bad.write_text('[variant]\ntitle = "x"\nbaseline = "longyang"\n', encoding="utf-8")
    with pytest.raises(VariantError, match=r"baseline 'longyang'.*did you mean 'longyang-2019'"):
        read_variant(bad)
    bad.write_text('[varient]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(VariantError, match=r"unknown table"):
        read_variant(bad)


def test_write_variant_round_trips_as_an_overlay(tmp_path):
    v = simsuite.rulebook("harbin-2008").vary({"award.top.model.bureau": 5}, title="five models")
    path = write_variant(v, tmp_path / "five.toml")
    text = path.read_text(encoding="utf-8")
    assert "award.top.model.bureau" in text and "adoption" not in text  # only what changes
    again = read_variant(path)
    assert again.parameters.digest() == v.parameters.digest()


def test_pooling_groups_ranks_across_them():
    h = random_history("ningxia-transport-2021", 11, n_units=8)
    pooled = simsuite.score("ningxia-transport-2021", h, year=2021, variant={"grouping.merge": {"2": "1"}}).table
    assert sorted(pooled["rank"]) == sorted(pooled["final"].rank(method="min", ascending=False).astype(int))


def test_scoring_with_a_variant_file_from_the_top_level_call():
    h = random_history("longyang-2019", 5, n_items=200)
    capped = simsuite.score("longyang-2019", h, year=2019, variant=ROOT / "scenarios/variants/longyang-cap-40.toml")
    assert capped.table["from_items"].max() <= 40
    with pytest.raises(ValueError, match="is of longyang-2019, not jiande-2018"):
        simsuite.score("jiande-2018", random_history("jiande-2018", 1), year=2018,
                       variant=ROOT / "scenarios/variants/longyang-cap-40.toml")
