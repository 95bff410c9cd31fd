"""The unit lists in data/units: every unit in a group its rulebook knows,
in the numbers the source documents (and the public administrative divisions) give."""

from pathlib import Path

import pandas as pd
import pytest

import simsuite
from simsuite.ledger import history_from_records

UNITS = Path(__file__).parents[1] / "data" / "units"

COUNTS = {
    # 第十一条(一): group 1 = 5 cities + 22 county-level divisions + 9 named units; group 2 = 15 named
    "ningxia-transport-2021": {"1": 36, "2": 15},
    # 附件 分类名单
    "jiande-2018": {"township": 16, "A": 23, "B": 10, "C": 7},
    # 二、组织机构: eleven sections
    "longyang-2019": {"section": 11},
    # 9 districts; 7 counties + 2 county-level cities; illustrative bureaus and offices
    "harbin-2008": {"district": 9, "county": 9, "bureau": 41, "office": 6},
    # illustrative
    "jilin-transport-2015": {"office": 8, "affiliate": 8, "project": 3},
}


def read_units(rulebook_id: str) -> pd.DataFrame:
    return pd.read_csv(UNITS / f"{rulebook_id}.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("rulebook_id", list(COUNTS))
def test_unit_list_has_the_groups_and_sizes_of_the_rulebook(rulebook_id):
    units = read_units(rulebook_id)
    assert units["unit_id"].is_unique and units["name"].is_unique
    assert set(units["group"]) <= set(simsuite.rulebook(rulebook_id).groups)
    assert units["group"].value_counts().to_dict() == COUNTS[rulebook_id]
    assert set(units["source"]) <= {"document", "divisions", "illustrative"}


@pytest.mark.parametrize("rulebook_id", list(COUNTS))
def test_unit_list_serves_as_a_units_sheet(rulebook_id):
    units = read_units(rulebook_id)[["unit_id", "name", "group"]]
    h = history_from_records(units=units)
    t = simsuite.score(rulebook_id, h, year=2020).table
    assert len(t) == len(units) and (t["rank"] >= 1).all()


def test_ningxia_expands_the_prefecture_cities_and_their_divisions():
    names = set(read_units("ningxia-transport-2021")["name"])
    for city in ("银川市", "石嘴山市", "吴忠市", "固原市", "中卫市"):
        assert f"{city}交通运输局" in names
    assert "灵武市交通运输局" in names and "银川市兴庆区交通运输局" in names
