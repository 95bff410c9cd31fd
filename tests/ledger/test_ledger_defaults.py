from pathlib import Path

import pandas as pd
import pytest

from simsuite.ledger import SHEETS, LedgerError, empty_table, history_from_records, read_history
from simsuite.ledger import codes, schema

UNITS = [{"unit_id": "1", "name": "甲", "group": "g"}, {"unit_id": "2", "name": "乙", "group": "g"}]
ITEM = {"item_id": "a", "unit_id": "1", "date": "2018-03-31", "kind": "commissioned"}


def test_optional_columns_take_their_defaults():
    h = history_from_records(
        UNITS, [ITEM],
        adoptions=[{"item_id": "a", "outlet": "o", "section": "s"},
                   {"item_id": "a", "outlet": "o", "section": "s", "date": "2018-04-01"}],
        instructions=[{"item_id": "a", "level": "city", "kind": "read"}],
        unit_events=[{"unit_id": "2", "date": "2018-01-01", "kind": "absence"}],
        checklist=[{"unit_id": "2", "item": "basic-1", "met": "是"}],
    )
    assert h.items["co_units"].tolist() == [()]
    assert h.items["sent_to"].tolist() == [()]
    assert h.items["brief"].tolist() == [False]
    assert h.items["quality"].tolist() == [10.0]
    assert h.items["in_scope"].tolist() == [True]
    # an adoption (or instruction) with no date happened on the item's date
    assert h.adoptions["date"].tolist() == [pd.Timestamp("2018-03-31"), pd.Timestamp("2018-04-01")]
    assert h.instructions["date"].tolist() == [pd.Timestamp("2018-03-31")]
    assert h.unit_events["count"].tolist() == [1]
    assert h.checklist["period"].tolist() == [""]
    assert h.checklist["met"].tolist() == [True]


def test_blank_optional_cells_in_a_file_take_defaults(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "d.xlsx", {
        "units": [["unit_id", "name", "group"], ["1", "甲", "g"]],
        "items": [["item_id", "unit_id", "date", "kind", "quality", "in_scope"], ["a", "1", "2018-01-05", "dynamic", None, None]],
        "adoptions": [["item_id", "outlet", "section", "date"], ["a", "o", "s", None]],
        "unit_events": [["unit_id", "date", "kind", "count"], ["1", "2018-01-01", "leak", None]],
    })
    h = read_history(path)
    assert h.items["quality"].tolist() == [10.0]
    assert h.items["in_scope"].tolist() == [True]
    assert h.adoptions["date"].tolist() == [pd.Timestamp("2018-01-05")]
    assert h.unit_events["count"].tolist() == [1]


@pytest.mark.parametrize("text, expected", [
    ("2018-01-02", "2018-01-02"), ("2018/1/2", "2018-01-02"), ("2018.01.02", "2018-01-02"),
    ("2018年1月2日", "2018-01-02"), ("2018-01-02 00:00:00", "2018-01-02"), ("2018-01-02T13:45", "2018-01-02"),
    # full-width digits and dashes, as a Chinese input method types them
    ("２０１８－０１－０２", "2018-01-02"), ("2018—1—2", "2018-01-02"), ("２０１８年１月２日", "2018-01-02"),
    # Excel's day number of a date cell that lost its format: 2018-01-01 is day 43101
    ("43102", "2018-01-02"), ("43102.75", "2018-01-02"), (43102, "2018-01-02"), (43102.0, "2018-01-02"),
])
def test_date_spellings(text, expected):
    h = history_from_records(UNITS, [dict(ITEM, date=text)])
    assert h.items["date"].tolist() == [pd.Timestamp(expected)]


@pytest.mark.parametrize("text", ["02/01/2018", "20180102", "2018-1", "0218-01-02", "60", "109573", "２０１８－１"])
def test_not_dates(text):
    with pytest.raises(LedgerError) as info:
        history_from_records(UNITS, [dict(ITEM, date=text)])
    assert [(p.sheet, p.row, p.column) for p in info.value.problems] == [("items", 2, "date")]


def test_every_alias_of_every_code_is_accepted():
    for kind, aliases in codes.ITEM_KIND_ALIASES.items():
        for alias in aliases:
            h = history_from_records(UNITS, [dict(ITEM, kind=alias)])
            assert h.items["kind"].tolist() == [kind]
    for level, aliases in codes.INSTRUCTION_LEVEL_ALIASES.items():
        # one day apart: the same instruction twice is refused as a copied row
        rows = [{"item_id": "a", "level": a, "kind": "read", "date": f"2018-04-{i + 1:02d}"} for i, a in enumerate(aliases)]
        h = history_from_records(UNITS, [ITEM], instructions=rows)
        assert set(h.instructions["level"]) == {level}
    for kind, aliases in codes.INSTRUCTION_KIND_ALIASES.items():
        rows = [{"item_id": "a", "level": "city", "kind": a, "date": f"2018-04-{i + 1:02d}"} for i, a in enumerate(aliases)]
        assert set(history_from_records(UNITS, [ITEM], instructions=rows).instructions["kind"]) == {kind}
    for kind, aliases in codes.EVENT_KIND_ALIASES.items():
        rows = [{"unit_id": "1", "date": "2018-01-01", "kind": a} for a in aliases]
        assert set(history_from_records(UNITS, unit_events=rows).unit_events["kind"]) == {kind}
    for value, aliases in codes.BOOLEAN_ALIASES.items():
        rows = [dict(ITEM, item_id=str(i), brief=a) for i, a in enumerate(aliases)]
        assert set(history_from_records(UNITS, rows).items["brief"]) == {value}


def test_no_alias_means_two_things():
    """A spelling shared by two codes would be read as whichever came first."""
    for table in (codes.ITEM_KIND_ALIASES, codes.INSTRUCTION_LEVEL_ALIASES, codes.INSTRUCTION_KIND_ALIASES,
                  codes.EVENT_KIND_ALIASES, codes.BOOLEAN_ALIASES):
        spellings = [a for aliases in table.values() for a in aliases]
        assert len(spellings) == len(set(spellings))
    for sheet in schema.SHEET_SPECS:
        spellings = [schema.normalise_name(a) for c in sheet.columns for a in (c.name, *c.aliases)]
        assert len(spellings) == len(set(spellings)), sheet.name
    spellings = [schema.normalise_name(a) for s in schema.SHEET_SPECS for a in (s.name, *s.aliases)]
    assert len(spellings) == len(set(spellings))


def test_code_tuples_keep_their_order():
    assert codes.ITEM_KINDS[0] == "dynamic" and codes.EVENT_KINDS[-1] == "secondment"
    assert SHEETS == ("units", "items", "adoptions", "instructions", "unit_events", "checklist")


def test_empty_tables_have_canonical_columns():
    for name in SHEETS:
        assert list(empty_table(name).columns) == list(schema.SPEC[name].column_names)


def test_docs_list_every_alias():
    """The user-facing alias tables (module doc and docs/) cover what the loader accepts."""
    doc_file = Path(__file__).resolve().parents[2] / "docs" / "ledger-format.md"
    for text in (schema.__doc__, doc_file.read_text(encoding="utf-8")):
        for sheet in schema.SHEET_SPECS:
            for alias in (sheet.name, *sheet.aliases):
                assert alias in text, alias
            for col in sheet.columns:
                for alias in (col.name, *col.aliases):
                    assert alias in text, (sheet.name, alias)
    doc = doc_file.read_text(encoding="utf-8")
    for table in (codes.ITEM_KIND_ALIASES, codes.INSTRUCTION_LEVEL_ALIASES, codes.INSTRUCTION_KIND_ALIASES,
                  codes.EVENT_KIND_ALIASES):
        for code, aliases in table.items():
            for alias in (code, *aliases):
                assert alias in doc, alias
