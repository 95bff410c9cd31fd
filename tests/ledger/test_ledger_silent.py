"""Nothing silent: each mistake that used to change a score quietly is now a
located error, or a warning that lists the rows.

The score changes quoted are those the mistake made before it was caught;
each test shows the change on a History built around the loader, then that
the loader refuses the same ledger.
"""

import re
import shutil
import zipfile
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import simsuite
from simsuite.ledger import LedgerError, LedgerWarning, history_from_records, read_history, write_history

ROOT = Path(__file__).parents[2]
NINGXIA = ROOT / "data" / "examples" / "ningxia-transport-2021"
RB = "ningxia-transport-2021"


@pytest.fixture
def ledger(tmp_path):
    """A copy of the Ningxia example ledger to spoil."""
    return Path(shutil.copytree(NINGXIA, tmp_path / "ningxia"))


def points(history) -> dict[str, float]:
    return simsuite.score(RB, history).table.set_index("unit_id")["points"].to_dict()


def ranks(history) -> dict[str, int]:
    return simsuite.score(RB, history).table.set_index("unit_id")["rank"].to_dict()


def with_copied_row(history, sheet: str, row: int):
    """The history with one row of a sheet pasted again below the last row (as the loader used to let through)."""
    h = history.copy()
    table = getattr(h, sheet)
    copy = table.loc[[row]].copy()
    copy.index = pd.Index([int(table.index.max()) + 1], name="row")
    setattr(h, sheet, pd.concat([table, copy]))
    return h


def append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_a_copied_instruction_row_is_refused(ledger):
    # instructions.csv row 2: a07 (unit 001's item, co-submitted by 008), province, affirm, 2021-05-10.
    # Counted twice it gave 001 36 → 46 points and 008 1 → 6 (its co-submitter's share), which
    # moved 008 from second to third in group 1.
    h = read_history(NINGXIA)
    before, after = points(h), points(with_copied_row(h, "instructions", 2))
    assert (before["001"], after["001"]) == (36.0, 46.0)
    assert (before["008"], after["008"]) == (1.0, 6.0)
    assert (ranks(h)["008"], ranks(with_copied_row(h, "instructions", 2))["008"]) == (2, 3)

    append_line(ledger / "instructions.csv", "a07,province,affirm,2021-05-10")
    with pytest.raises(LedgerError) as info:
        simsuite.score(RB, ledger)
    [p] = info.value.problems
    assert (p.sheet, p.row) == ("instructions", 7)
    assert "the same instruction as row 2" in p.message and "count twice" in p.message


def test_a_copied_adoption_row_is_refused(ledger):
    append_line(ledger / "adoptions.csv", "a05,nx-central,item,2021-07-08")
    with pytest.raises(LedgerError) as info:
        read_history(ledger)
    [p] = info.value.problems
    assert (p.sheet, p.row) == ("adoptions", 13) and "the same adoption as row 5" in p.message


def test_the_same_adoption_spelt_differently_is_still_a_copy(ledger):
    # the date parsed and the outlet resolved from its Chinese name: still the row-5 adoption
    name = simsuite.rulebook(RB).vocabulary.outlet_names["nx-central"]
    append_line(ledger / "adoptions.csv", f"a05,{name},item,2021/7/8")
    with pytest.raises(LedgerError, match="the same adoption as row 5"):
        read_history(ledger, simsuite.rulebook(RB).vocabulary)


def test_a_repeated_event_row_is_counted_with_a_warning_listing_it():
    units = [{"unit_id": "1", "name": "甲", "group": "g"}]
    items = [{"item_id": "a", "unit_id": "1", "date": "2021-01-05", "kind": "dynamic"}]
    late = {"unit_id": "1", "date": "2021-03-01", "kind": "late_submission"}
    with pytest.warns(LedgerWarning, match=r"1 row repeat an earlier row exactly \(row 3 = row 2; .*each is counted"):
        h = history_from_records(units, items, unit_events=[late, late])
    assert len(h.unit_events) == 2


@pytest.mark.parametrize("sheet, line, item_date", [
    ("adoptions", "a05,nx-info,item,2021-01-20", "2021-03-03"),
    ("instructions", "a05,city,read,2021-03-02", "2021-03-03"),
])
def test_dated_before_its_item_is_refused(ledger, sheet, line, item_date):
    # item a05 was submitted on 2021-03-03 (items row 6)
    append_line(ledger / f"{sheet}.csv", line)
    with pytest.raises(LedgerError) as info:
        read_history(ledger)
    [p] = info.value.problems
    assert p.sheet == sheet and p.column == "date"
    assert f"before item 'a05' was submitted ({item_date}, items row 6)" in p.message


def test_a_formula_with_no_saved_value_is_refused(tmp_path):
    # Item e02 (unit 041) is marked out of scope. A formula there that Excel never
    # calculated has no value; taken as the default (in scope) it gave 041 16 → 28 points.
    h = read_history(NINGXIA)
    assert h.items.loc[44, ["item_id", "in_scope"]].tolist() == ["e02", False]
    counted = h.copy()
    counted.items.loc[44, "in_scope"] = True
    assert (points(h)["041"], points(counted)["041"]) == (16.0, 28.0)

    book = tmp_path / "ningxia.xlsx"
    write_history(h, book)
    wb = openpyxl.load_workbook(book)
    ws = wb["items"]
    column = [c.value for c in ws[1]].index("in_scope") + 1
    ws.cell(row=44, column=column, value="=1=0")  # openpyxl saves a formula without a value, as Excel never ran
    wb.save(book)
    with pytest.raises(LedgerError) as info:
        read_history(book)
    [p] = info.value.problems
    assert (p.sheet, p.row, p.column) == ("items", 44, "in_scope")
    assert "a formula with no saved value" in p.message


def test_a_formula_with_its_saved_value_is_read_as_that_value(tmp_path, make_workbook):
    # Excel stores a formula's result beside it; that is what the user sees, so it is read.
    path = make_workbook(tmp_path / "f.xlsx", {
        "units": [["unit_id", "name", "group"], ["001", "甲", "g"]],
        "items": [["item_id", "unit_id", "date", "kind", "in_scope"], ["a", "001", "2021-01-05", "dynamic", "=1=0"]],
    })
    saved = tmp_path / "saved.xlsx"  # the same file as Excel would save it: the formula with its value FALSE
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data, n = re.subn(rb'<c r="E2"([^>]*)><f>1=0</f><v\s*/?>(?:</v>)?</c>',
                                  rb'<c r="E2" t="b"><f>1=0</f><v>0</v></c>', data)
                assert n == 1, data
            dst.writestr(info, data)
    assert read_history(saved).items["in_scope"].tolist() == [False]
    with pytest.raises(LedgerError, match="a formula with no saved value"):
        read_history(path)


@pytest.mark.parametrize("count, message", [
    ("1000000", "count 1,000,000 is implausible for one row"),
    ("101", "count 101 is implausible for one row"),
])
def test_an_implausible_count_is_refused(count, message):
    units = [{"unit_id": "1", "name": "甲", "group": "g"}]
    with pytest.raises(LedgerError) as info:
        history_from_records(units, unit_events=[{"unit_id": "1", "date": "2021-03-01", "kind": "leak", "count": count}])
    [p] = info.value.problems
    assert (p.sheet, p.row, p.column) == ("unit_events", 2, "count") and message in p.message
    assert "from 1 to 100" in p.expected


def test_a_count_of_100_is_accepted():
    units = [{"unit_id": "1", "name": "甲", "group": "g"}]
    h = history_from_records(units, unit_events=[{"unit_id": "1", "date": "2021-03-01", "kind": "secondment", "count": 100}])
    assert h.unit_events["count"].tolist() == [100]


def test_a_ledger_with_no_units_is_refused(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "units.csv").write_text("unit_id,name,group\n", encoding="utf-8")
    (folder / "items.csv").write_text("item_id,unit_id,date,kind\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="the ledger lists no units"):
        read_history(folder)


def test_a_ledger_with_units_but_nothing_else_is_scored_with_a_warning(tmp_path, recwarn):
    folder = tmp_path / "no-items"
    folder.mkdir()
    (folder / "units.csv").write_text("unit_id,name,group\n001,甲,1\n", encoding="utf-8")
    (folder / "items.csv").write_text("item_id,unit_id,date,kind\n", encoding="utf-8")
    read_history(folder)  # a template with its units is a valid ledger …
    with pytest.warns(LedgerWarning, match="the ledger has units but no items, adoptions, instructions, events or "
                                           "checklist rows: every unit gets the points of an empty year"):
        simsuite.score(RB, folder, year=2021)  # … whose scores say nothing
    (folder / "unit_events.csv").write_text("unit_id,date,kind\n001,2021-03-01,late_submission\n", encoding="utf-8")
    recwarn.clear()
    assert len(simsuite.score(RB, folder, year=2021).table) == 1  # an event alone is something to score
    assert not [w for w in recwarn.list if "empty year" in str(w.message)]


def test_a_clean_example_loads_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for folder in sorted((ROOT / "data" / "examples").iterdir()):
            if folder.is_dir():
                read_history(folder)


def test_scoring_a_ledger_checks_it_against_the_rulebook_once(monkeypatch):
    from simsuite.ledger import parse

    calls = []
    check = parse._vocabulary_check
    monkeypatch.setattr(parse, "_vocabulary_check", lambda *a: calls.append(1) or check(*a))
    simsuite.score(RB, NINGXIA)
    assert len(calls) == 1  # while reading; scoring the checked history does not check it again
    h = read_history(NINGXIA)  # read without a rulebook: checked when first scored, then never again
    simsuite.score(RB, h)
    simsuite.score(RB, h)
    assert len(calls) == 2
