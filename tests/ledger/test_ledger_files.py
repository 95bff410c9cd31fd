"""The files Chinese offices actually produce: GBK and UTF-16 CSV, numbers
that were ids, title rows and merged headers."""

import shutil
from pathlib import Path

import openpyxl
import pytest

import simsuite
from simsuite.ledger import LedgerError, LedgerWarning, read_history, write_history

ROOT = Path(__file__).parents[2]
NINGXIA = ROOT / "data" / "examples" / "ningxia-transport-2021"
UNITS = "unit_id,name,group\n001,银川市交通运输局,1\n008,石嘴山市交通运输局,1\n"
ITEMS = "item_id,unit_id,date,kind\na01,001,2021-01-05,动态信息\na02,008,2021-02-08,调研\n"


def folder_in(tmp_path: Path, encoding: str, sep: str = ",", bom: bytes = b"") -> Path:
    folder = tmp_path / encoding
    folder.mkdir()
    for name, text in (("units", UNITS), ("items", ITEMS)):
        (folder / f"{name}.csv").write_bytes(bom + text.replace(",", sep).encode(encoding))
    return folder


@pytest.mark.parametrize("encoding, reported", [("gbk", "GB18030 (GBK)"), ("gb18030", "GB18030 (GBK)")])
def test_csv_saved_by_chinese_excel_is_read_and_its_encoding_reported(tmp_path, encoding, reported):
    folder = folder_in(tmp_path, encoding)
    with pytest.warns(LedgerWarning, match=r"read as items.csv: GB18030 \(GBK\), units.csv: GB18030 \(GBK\)"):
        h = read_history(folder)
    assert h.units["name"].tolist() == ["银川市交通运输局", "石嘴山市交通运输局"]
    assert h.items["kind"].tolist() == ["dynamic", "research"]
    assert set(h.encodings.values()) == {reported}


def test_unicode_text_is_utf16_and_tab_separated(tmp_path):
    # Excel's "Unicode text": UTF-16 little-endian with its mark, tabs between cells
    folder = folder_in(tmp_path, "utf-16-le", sep="\t", bom=b"\xff\xfe")
    for csv in folder.glob("*.csv"):
        csv.rename(csv.with_suffix(".txt"))
    (folder / "readme.txt").write_text("not a sheet", encoding="utf-8")  # ignored: not a sheet name
    with pytest.warns(LedgerWarning, match="UTF-16, tab-separated"):
        h = read_history(folder)
    assert h.units["unit_id"].tolist() == ["001", "008"] and len(h.items) == 2


def test_utf8_is_read_without_a_warning(tmp_path, recwarn):
    h = read_history(folder_in(tmp_path, "utf-8"))
    assert set(h.encodings.values()) == {"UTF-8"} and not recwarn.list


def test_gbk_ledger_scores_like_the_utf8_one(tmp_path):
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    for csv in NINGXIA.glob("*.csv"):
        (gbk / csv.name).write_bytes(csv.read_text(encoding="utf-8").encode("gbk"))
    with pytest.warns(LedgerWarning):
        table = simsuite.score("ningxia-transport-2021", gbk).table
    assert table.equals(simsuite.score("ningxia-transport-2021", NINGXIA).table)


def _numeric_id_book(tmp_path, number_format):
    path = tmp_path / f"ids-{number_format.replace('0', 'z')}.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "units"
    ws.append(["unit_id", "name", "group"])
    for n, name in ((1, "甲"), (8, "乙"), (32, "丙")):
        ws.append([n, name, "1"])
        ws.cell(row=ws.max_row, column=1).number_format = number_format
    items = book.create_sheet("items")
    items.append(["item_id", "unit_id", "date", "kind"])
    items.append(["a", "001", "2021-01-05", "dynamic"])
    book.save(path)
    return path


def test_ids_typed_as_numbers_keep_the_zeros_their_format_shows(tmp_path, recwarn):
    # the cells hold 1, 8 and 32 shown as 001, 008 and 032 by the format 000
    h = read_history(_numeric_id_book(tmp_path, "000"))
    assert h.units["unit_id"].tolist() == ["001", "008", "032"]
    assert h.items["unit_id"].tolist() == ["001"]  # and they match the items typed as text
    assert not [w for w in recwarn.list if issubclass(w.category, LedgerWarning)]


def test_ids_typed_as_numbers_without_a_format_get_a_warning_naming_sheet_and_column(tmp_path):
    path = _numeric_id_book(tmp_path, "General")
    with pytest.warns(LedgerWarning, match=r"units › column unit_id: ids stored as numbers in rows 2, 3, 4"):
        with pytest.raises(LedgerError, match="unknown unit '001'"):  # 1 ≠ 001: the lost zeros show
            read_history(path)


def test_workbook_and_csv_folder_read_alike(tmp_path):
    h = read_history(NINGXIA)
    write_history(h, tmp_path / "n.xlsx")
    assert read_history(tmp_path / "n.xlsx").equals(h)


def test_a_title_row_above_the_header_is_named(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "t.xlsx", {
        "units": [["2021年度信息工作考核单位名单"], ["unit_id", "name", "group"], ["001", "甲", "1"]],
        "items": [["item_id", "unit_id", "date", "kind"], ["a", "001", "2021-01-05", "dynamic"]],
    })
    with pytest.raises(LedgerError) as info:
        read_history(path)
    [p] = info.value.problems  # and nothing else: the header below it was used
    assert (p.sheet, p.row) == ("units", 1)
    assert "row 1 holds a title ('2021年度信息工作考核单位名单') above the header in row 2" in p.message
    assert "delete the title row" in p.message


def test_a_title_row_in_a_csv_is_named(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "units.csv").write_text("单位名单,,\n" + UNITS, encoding="utf-8")
    (folder / "items.csv").write_text(ITEMS, encoding="utf-8")
    with pytest.raises(LedgerError, match=r"units › row 1: row 1 holds a title \('单位名单'\)"):
        read_history(folder)


def test_a_merged_two_row_header_is_named(tmp_path):
    path = tmp_path / "m.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "adoptions"
    ws.append(["信息编号", "采用情况", None, "采用日期"])
    ws.append([None, "刊物", "栏目", None])
    ws.append(["a01", "nx-info", "item", "2021-01-10"])
    ws.merge_cells("B1:C1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("D1:D2")
    units = book.create_sheet("units")
    units.append(["unit_id", "name", "group"])
    units.append(["001", "甲", "1"])
    items = book.create_sheet("items")
    items.append(["item_id", "unit_id", "date", "kind"])
    items.append(["a01", "001", "2021-01-05", "dynamic"])
    book.save(path)
    with pytest.raises(LedgerError) as info:
        read_history(path)
    [p] = info.value.problems  # the names of both rows were used, so the data row checks clean
    assert str(p).endswith("adoptions › row 1: the header spans rows 1, 2 (a merged or two-row header): give each "
                           "column one header cell, all in one row (expected one header row of column names, "
                           "no merged cells)")


def test_merged_cells_in_a_one_row_header_are_named(tmp_path):
    path = tmp_path / "m1.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "units"
    ws.append(["unit_id", "name", None, "group"])
    ws.append(["001", "甲", None, "1"])
    ws.merge_cells("B1:C1")
    items = book.create_sheet("items")
    items.append(["item_id", "unit_id", "date", "kind"])
    book.save(path)
    with pytest.raises(LedgerError, match=r"units › row 1: merged header cells B1:C1"):
        read_history(path)


def test_a_damaged_workbook_is_one_clean_error(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(LedgerError) as info:
        read_history(path)
    [p] = info.value.problems
    assert "cannot be opened as a workbook" in p.message


def test_a_folder_copy_with_other_files_still_reads(tmp_path):
    folder = Path(shutil.copytree(NINGXIA, tmp_path / "n"))
    (folder / "notes.txt").write_text("备注", encoding="utf-8")
    assert read_history(folder).equals(read_history(NINGXIA))


@pytest.mark.parametrize("data, text, encoding", [
    ("单位".encode("utf-8"), "单位", "UTF-8"),
    (b"\xef\xbb\xbf" + "单位".encode("utf-8"), "单位", "UTF-8"),  # Excel's "CSV UTF-8"
    ("单位".encode("gbk"), "单位", "GB18030 (GBK)"),
    ("𠀀".encode("gb18030"), "𠀀", "GB18030 (GBK)"),  # beyond GBK: four bytes in GB18030
    ("单位\tA".encode("utf-16"), "单位\tA", "UTF-16"),  # with its byte-order mark
    ("unit_id\tname".encode("utf-16-le"), "unit_id\tname", "UTF-16"),  # without: found by its zero bytes
])
def test_decode_names_the_encoding(data, text, encoding):
    from simsuite.ledger.read import decode

    assert decode(data) == (text, encoding)


def test_a_quote_left_open_is_explained_on_one_line(tmp_path):
    # a stray " before the header makes the rest of the file one cell, line breaks and all
    folder = Path(shutil.copytree(NINGXIA, tmp_path / "n"))
    (folder / "adoptions.csv").write_text('"' + (NINGXIA / "adoptions.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        read_history(folder)
    first = str(info.value).splitlines()[1]
    assert "the header cell holds line breaks, as when a quote (\") is opened and never closed" in first
    assert str(info.value).count("\n") == len(info.value.problems)  # one line a problem
