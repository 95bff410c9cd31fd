import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simsuite.ledger import (
    EVENT_KINDS, INSTRUCTION_KINDS, INSTRUCTION_LEVELS, ITEM_KINDS, SHEETS,
    History, history_from_records, read_history, write_history,
)


@pytest.fixture(params=["book.xlsx", "folder"])
def target(request, tmp_path):
    return tmp_path / request.param


def test_round_trip_keeps_every_value(records, target):
    h = history_from_records(**records)
    back = read_history(write_history(h, target))
    assert back.equals(h)
    assert back.source == str(target)
    assert back.units["unit_id"].tolist() == ["007", "010", "11"]
    assert back.units["name"].tolist()[2] == "=公积金分中心"
    assert back.items["co_units"].tolist()[0] == ("010", "11")
    assert back.items["sent_to"].tolist()[0] == ("jd-hangzhou:key", "jd-hangzhou:special")
    assert back.items["quality"].tolist()[1] == 7.25
    assert back.items["in_scope"].tolist() == [True, False, True]


def test_empty_optional_sheets_round_trip(target):
    h = history_from_records(units=[{"unit_id": "001", "name": "办公室", "group": "office"}])
    back = read_history(write_history(h, target))
    assert back.equals(h)
    for name in SHEETS[1:]:
        assert len(getattr(back, name)) == 0
    assert back.items["date"].dtype == "datetime64[ns]"


def test_equals_notices_a_change(records):
    h = history_from_records(**records)
    other = h.copy()
    assert other.equals(h)
    other.items.loc[2, "co_units"] = ("010",)
    assert not other.equals(h)
    other = h.copy()
    other.units.loc[2, "unit_id"] = "7"
    assert not other.equals(h)


def test_canonical_dtypes_and_row_index(records):
    h = history_from_records(**records)
    assert list(h.items.index) == [2, 3, 4]
    assert h.items["date"].dtype == "datetime64[ns]"
    assert h.items["brief"].dtype == bool
    assert h.items["quality"].dtype == "float64"
    assert h.unit_events["count"].dtype == "int64"
    assert h.checklist["met"].dtype == bool
    assert isinstance(h.items["co_units"].iloc[1], tuple)
    assert list(h.adoptions.columns) == ["item_id", "outlet", "section", "date"]


def test_csv_with_bom_and_blank_lines(tmp_path):
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "units.csv").write_bytes("\ufeffunit_id,name,group\n007,新安江街道,township\n".encode("utf-8"))
    (folder / "items.csv").write_text(
        "item_id,unit_id,date,kind\n\n1,007,2018-01-02,dynamic\n", encoding="utf-8")
    (folder / "README.txt").write_text("not a sheet", encoding="utf-8")
    h = read_history(folder)
    assert h.units["unit_id"].tolist() == ["007"]
    # row numbers count the blank line, as Excel would show it
    assert list(h.items.index) == [3]


def test_written_csv_has_bom_when_asked(records, tmp_path):
    h = history_from_records(**records)
    write_history(h, tmp_path / "f", bom=True)
    assert (tmp_path / "f" / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_history(tmp_path / "f").equals(h)


def test_write_refuses_a_csv_path(records, tmp_path):
    with pytest.raises(ValueError):
        write_history(history_from_records(**records), tmp_path / "ledger.csv")


# ---------------------------------------------------------------------------
# property: any small valid history survives both formats

_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters=";；,，、:："),
    min_size=1, max_size=6,
).map(str.strip).filter(bool)
_dates = st.dates(dt.date(2015, 1, 1), dt.date(2021, 12, 31))


@st.composite
def histories(draw):
    unit_ids = draw(st.lists(_text, min_size=1, max_size=4, unique=True))
    units = [{"unit_id": u, "name": draw(_text), "group": draw(_text)} for u in unit_ids]
    item_ids = draw(st.lists(_text, max_size=5, unique=True))
    items = []
    for i in item_ids:
        lead = draw(st.sampled_from(unit_ids))
        others = [u for u in unit_ids if u != lead]
        items.append({
            "item_id": i, "unit_id": lead, "date": draw(_dates), "kind": draw(st.sampled_from(ITEM_KINDS)),
            "co_units": draw(st.lists(st.sampled_from(others), unique=True)) if others else [],
            "brief": draw(st.booleans()),
            "quality": draw(st.floats(0, 10, allow_nan=False)),
            "in_scope": draw(st.booleans()),
            "sent_to": [f"{a}:{b}" for a, b in draw(st.lists(st.tuples(_text, _text), max_size=2))],
        })
    adoptions, instructions = [], []
    item_date = {it["item_id"]: it["date"] for it in items}
    later = st.none() | st.integers(0, 90).map(dt.timedelta)  # never before the item: that is an error

    def on_or_after(item):
        delay = draw(later)
        return None if delay is None else item_date[item] + delay

    if item_ids:
        for _ in range(draw(st.integers(0, 3))):
            item = draw(st.sampled_from(item_ids))
            adoptions.append({"item_id": item, "outlet": draw(_text), "section": draw(_text), "date": on_or_after(item)})
        for _ in range(draw(st.integers(0, 3))):
            item = draw(st.sampled_from(item_ids))
            instructions.append({"item_id": item, "level": draw(st.sampled_from(INSTRUCTION_LEVELS)),
                                 "kind": draw(st.sampled_from(INSTRUCTION_KINDS)), "date": on_or_after(item)})
    seen = set()  # a repeated adoption or instruction is an error too
    adoptions = [a for a in adoptions
                 if (k := (a["item_id"], a["outlet"], a["section"], a["date"] or item_date[a["item_id"]])) not in seen
                 and not seen.add(k)]
    instructions = [a for a in instructions
                    if (k := (a["item_id"], a["level"], a["kind"], a["date"] or item_date[a["item_id"]])) not in seen
                    and not seen.add(k)]
    events = [{"unit_id": draw(st.sampled_from(unit_ids)), "date": draw(_dates),
               "kind": draw(st.sampled_from(EVENT_KINDS)), "count": draw(st.integers(1, 5))}
              for _ in range(draw(st.integers(0, 3)))]
    lines = draw(st.lists(st.tuples(st.sampled_from(unit_ids), _text, st.sampled_from(["", "2018", "2019"])),
                          max_size=3, unique=True))
    checklist = [{"unit_id": u, "item": it, "met": draw(st.booleans()), "period": p} for u, it, p in lines]
    return history_from_records(units, items, adoptions, instructions, events, checklist)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(h=histories())
def test_any_history_round_trips(h, tmp_path_factory):
    base = tmp_path_factory.mktemp("rt")
    for target in (base / "h.xlsx", base / "h"):
        back = read_history(write_history(h, target))
        assert back.equals(h), target


def test_records_accept_dataframes_and_python_values():
    units = pd.DataFrame({"unit_id": ["001"], "name": ["办公室"], "group": ["office"]})
    items = pd.DataFrame({
        "item_id": ["a"], "unit_id": ["001"], "date": [pd.Timestamp("2018-03-04 15:30")],
        "kind": ["research"], "brief": [1], "quality": [8],
    })
    h = history_from_records(units, items, adoptions=[{"item_id": "a", "outlet": "x", "section": "y", "date": dt.date(2018, 5, 6)}])
    assert h.items["date"].tolist() == [pd.Timestamp("2018-03-04")]
    assert h.items["brief"].tolist() == [True]
    assert h.items["quality"].tolist() == [8.0]
    assert h.adoptions["date"].tolist() == [pd.Timestamp("2018-05-06")]
    assert isinstance(h, History)
