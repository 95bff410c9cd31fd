import datetime as dt

import pytest

from simsuite.ledger import LedgerError, Problem, history_from_records, read_history, write_history

# (sheet, row, column, words the message must contain) for every planted mistake
PLANTED = [
    ("units", None, "colour", "unknown column"),
    ("units", 4, "unit_id", "duplicate unit_id '002' (first at row 3)"),
    ("units", 5, "name", "empty cell"),
    ("items", 2, "date", "no such day"),
    ("items", 3, "kind", "did you mean 'dynamic'"),
    ("items", 4, "unit_id", "unknown unit '099'"),
    ("items", 5, "co_units", "'001' is the lead unit itself"),
    ("items", 6, "quality", "out of range"),
    ("items", 7, "item_id", "duplicate item_id 'i1' (first at row 2)"),
    ("items", 8, "sent_to", "not of the form outlet:section"),
    ("items", 9, "in_scope", "not a yes/no value"),
    ("items", 10, "co_units", "unknown unit 'zzz'"),
    ("adoptions", 2, "item_id", "unknown item 'i9'"),
    ("adoptions", 3, "date", "not a date"),
    ("adoptions", 4, "section", "empty cell"),
    ("instructions", 2, "level", "unknown instruction level"),
    ("instructions", 3, "kind", "unknown instruction kind"),
    ("unit_events", 2, "count", "below 1"),
    ("unit_events", 3, "count", "not a whole number"),
    ("unit_events", 4, "kind", "unknown event kind"),
    ("unit_events", 5, "unit_id", "unknown unit '404'"),
    ("checklist", 2, "met", "not a yes/no value"),
    ("checklist", 3, "unit_id", "unknown unit"),
]

BAD_SHEETS = {
    "units": [
        ["unit_id", "name", "group", "colour"],
        ["001", "甲", "g", "red"],
        ["002", "乙", "g", None],
        ["002", "丙", "g", None],
        ["003", None, "g", None],
    ],
    "items": [
        ["item_id", "unit_id", "date", "kind", "co_units", "quality", "sent_to", "in_scope"],
        ["i1", "001", "2018-02-30", "dynamic", None, None, None, None],
        ["i2", "001", "2018-02-01", "dynamc", None, None, None, None],
        ["i3", "099", "2018-02-01", "dynamic", None, None, None, None],
        ["i4", "001", "2018-02-01", "dynamic", "002;001", None, None, None],
        ["i5", "001", "2018-02-01", "dynamic", None, 12, None, None],
        ["i1", "002", "2018-02-01", "dynamic", None, None, None, None],
        ["i6", "002", "2018-02-01", "dynamic", None, None, "jd-hangzhou", None],
        ["i7", "002", "2018-02-01", "dynamic", None, None, None, "perhaps"],
        ["i8", "002", "2018-02-01", "dynamic", "zzz", None, None, None],
    ],
    "adoptions": [
        ["item_id", "outlet", "section", "date"],
        ["i9", "o", "s", None],
        ["i2", "o", "s", "next week"],
        ["i2", "o", None, None],
    ],
    "instructions": [
        ["item_id", "level", "kind"],
        ["i2", "galactic", "read"],
        ["i2", "city", "praise"],
    ],
    "unit_events": [
        ["unit_id", "date", "kind", "count"],
        ["001", "2018-01-01", "leak", 0],
        ["001", "2018-01-01", "leak", 1.5],
        ["001", "2018-01-01", "vacation", None],
        ["404", "2018-01-01", "leak", None],
    ],
    "checklist": [
        ["unit_id", "item", "met"],
        ["001", "basic-1", "maybe"],
        ["777", "basic-1", "yes"],
    ],
}


def test_one_error_lists_every_bad_row(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "bad.xlsx", BAD_SHEETS)
    with pytest.raises(LedgerError) as info:
        read_history(path)
    err = info.value
    lines = str(err).splitlines()
    assert lines[0] == f"{path}: {len(err.problems)} problems"
    for sheet, row, column, words in PLANTED:
        hits = [p for p in err.problems if (p.sheet, p.row, p.column) == (sheet, row, column) and words in p.message]
        assert hits, f"missing: {sheet} row {row} column {column}: {words}"
        text = str(hits[0])
        assert text.startswith(f"{path} › {sheet}")
        if row is not None:
            assert f"› row {row} › column {column}: " in text
    # nothing reported that was not planted (the one planted mistake per row)
    assert len(err.problems) == len(PLANTED)


def test_problem_text_shows_the_headers_as_written(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "cn.xlsx", {
        "单位": [["单位编号", "单位名称", "分组"], ["1", "甲", "g"]],
        "信息": [["信息编号", "单位编号", "报送日期", "类型"], ["a", "1", "昨天", "动态"]],
    })
    with pytest.raises(LedgerError) as info:
        read_history(path)
    (problem,) = info.value.problems
    assert str(problem) == (
        f"{path} › 信息 (items) › row 2 › column 报送日期 (date): not a date: '昨天' (expected a date YYYY-MM-DD)"
    )


def test_records_report_like_files(tmp_path):
    units = [{"unit_id": "1", "name": "甲", "group": "g"}]
    items = [{"item_id": "a", "unit_id": "1", "date": "2018-01-01", "kind": "dynamic"},
             {"item_id": "b", "unit_id": "2", "date": "2018-01-01", "kind": "dynamic"}]
    with pytest.raises(LedgerError) as info:
        history_from_records(units, items)
    (problem,) = info.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("<records>", "items", 3, "unit_id")
    assert str(info.value).splitlines()[0] == "<records>: 1 problem"


def test_missing_sheets_and_columns(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "m.xlsx", {
        "units": [["unit_id", "name"], ["1", "甲"]],
        "采用": [["item_id", "outlet", "section"]],
        "notes": [["anything"], ["at all"]],
        "Sheet": [],
    })
    with pytest.raises(LedgerError) as info:
        read_history(path)
    found = {(p.sheet, p.column, p.message) for p in info.value.problems}
    assert ("units", "group", "required column is missing") in found
    assert ("items", None, "required sheet is missing") in found
    assert any(s == "notes" and m.startswith("unknown sheet") for s, _, m in found)
    assert len(found) == 3  # the blank default "Sheet" is not a problem


def test_headerless_values_and_repeated_columns(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "h.xlsx", {
        "units": [["unit_id", "name", "group", None], ["1", "甲", "g", "stray"]],
        "items": [["item_id", "unit_id", "date", "日期", "kind"]],
    })
    with pytest.raises(LedgerError) as info:
        read_history(path)
    messages = [str(p) for p in info.value.problems]
    assert any("column D has values (rows 2) but no header" in m for m in messages)
    assert any("column given twice" in m for m in messages)


@pytest.mark.parametrize("name, content", [
    ("missing.xlsx", None),
    ("broken.xlsx", b"this is not a zip file"),
    ("ledger.csv", b"unit_id,name,group\n"),
    ("ledger.xls", b"\xd0\xcf\x11\xe0"),
])
def test_malformed_files_raise_ledger_error(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LedgerError) as info:
        read_history(path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].file == str(path)


def test_csv_in_no_known_encoding(tmp_path):
    # 0xFF 0xFF is neither UTF-8 nor GB18030, and there is no UTF-16 mark
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "units.csv").write_bytes(b"unit_id,name,group\n1,\xff\xff,g\n")
    (folder / "items.csv").write_text("item_id,unit_id,date,kind\n", encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        read_history(folder)
    [problem] = info.value.problems  # and no misleading "required sheet is missing"
    assert problem.file.endswith("units.csv") and problem.row == 2
    assert "not text in a known encoding (byte 22 of the file" in problem.message  # 19 + len("1,") + 1


def test_dates_outside_any_year_are_not_errors():
    h = history_from_records(
        [{"unit_id": "1", "name": "甲", "group": "g"}],
        [{"item_id": "a", "unit_id": "1", "date": "1999-12-31", "kind": "dynamic"}],
        adoptions=[{"item_id": "a", "outlet": "o", "section": "s", "date": dt.date(2030, 1, 1)}],
    )
    assert len(h.items) == len(h.adoptions) == 1


def test_problem_is_plain_data():
    p = Problem("f.xlsx", "items", 3, "date", "not a date: 'x'")
    assert str(p) == "f.xlsx › items › row 3 › column date: not a date: 'x'"
    assert isinstance(LedgerError("f.xlsx", [p]), ValueError)


def test_checklist_line_given_twice():
    with pytest.raises(LedgerError, match="already given at row 2"):
        history_from_records(
            [{"unit_id": "1", "name": "甲", "group": "g"}],
            checklist=[{"unit_id": "1", "item": "basic-1", "met": True},
                       {"unit_id": "1", "item": "basic-1", "met": False}],
        )


def test_written_file_of_a_valid_history_reads_back(tmp_path, records):
    # the writer never produces a file the reader rejects
    write_history(history_from_records(**records), tmp_path / "ok.xlsx")
    read_history(tmp_path / "ok.xlsx")
