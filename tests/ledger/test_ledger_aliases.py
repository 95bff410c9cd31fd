import datetime as dt

import pandas as pd

from simsuite.ledger import history_from_records, read_history


def test_chinese_workbook_reads_like_the_english_one(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "台账.xlsx", {
        "单位名单": [
            ["单位编号", "单位名称", "分组"],
            ["007", "新安江街道", "township"],
            ["010", "发改局", "A"],
        ],
        "信息报送": [
            ["信息编号", "单位编号", "报送日期", "类型", "联合报送单位", "简讯", "质量", "是否计分", "报送去向"],
            ["X1", "007", dt.datetime(2018, 3, 5), "动态", "010", "是", 8.5, "否", "jd-hangzhou：key；jd-hangzhou:special"],
            ["X2", "010", "2018/04/06", "调研", None, "否", None, None, None],
            ["X3", "010", "2018年5月7日", "约稿", None, False, 10, True, None],
        ],
        "采用情况": [
            ["信息编号", "刊物", "栏目", "采用日期"],
            ["X1", "jd-hangzhou", "key", dt.date(2018, 4, 1)],
        ],
        "领导批示": [
            ["信息编号", "批示级别", "批示类型", "批示日期"],
            ["X2", "省", "肯定", None],
            ["X2", "中央领导", "决策性", "2018-06-01"],
        ],
        "扣分加分事项": [
            ["单位编号", "日期", "事项", "次数"],
            ["007", "2018-07-01", "泄密", None],
            ["010", "2018-08-01", "挂职", 2],
        ],
        "考核清单": [
            ["单位编号", "考核项目", "是否达标", "期间"],
            ["007", "basic-1", "未达标", 2018],
        ],
    })
    h = read_history(path)
    english = history_from_records(
        units=[{"unit_id": "007", "name": "新安江街道", "group": "township"},
               {"unit_id": "010", "name": "发改局", "group": "A"}],
        items=[
            {"item_id": "X1", "unit_id": "007", "date": "2018-03-05", "kind": "dynamic", "co_units": "010",
             "brief": True, "quality": 8.5, "in_scope": False, "sent_to": "jd-hangzhou:key;jd-hangzhou:special"},
            {"item_id": "X2", "unit_id": "010", "date": "2018-04-06", "kind": "research"},
            {"item_id": "X3", "unit_id": "010", "date": "2018-05-07", "kind": "commissioned"},
        ],
        adoptions=[{"item_id": "X1", "outlet": "jd-hangzhou", "section": "key", "date": "2018-04-01"}],
        instructions=[{"item_id": "X2", "level": "province", "kind": "affirm"},
                      {"item_id": "X2", "level": "national", "kind": "decision", "date": "2018-06-01"}],
        unit_events=[{"unit_id": "007", "date": "2018-07-01", "kind": "leak"},
                     {"unit_id": "010", "date": "2018-08-01", "kind": "secondment", "count": 2}],
        checklist=[{"unit_id": "007", "item": "basic-1", "met": False, "period": "2018"}],
    )
    assert h.equals(english)
    assert h.instructions["date"].tolist()[0] == pd.Timestamp("2018-04-06")


def test_header_spelling_is_forgiving(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "l.xlsx", {
        "Units": [[" Unit ID ", "NAME", "group*"], ["1", "a", "g"]],
        "Items": [["item-id", "unit_id", "日期(YYYY-MM-DD)", "Kind"], ["i", "1", "2018-01-01", "Dynamic"]],
        "Unit Events": [["unit_id", "date", "kind"], ["1", "2018-01-01", "emergency-failure"]],
    })
    h = read_history(path)
    assert h.items["kind"].tolist() == ["dynamic"]
    assert h.unit_events["kind"].tolist() == ["emergency_failure"]


def test_chinese_csv_file_names(tmp_path, make_workbook):
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "单位.csv").write_text("单位编号,单位名称,分组\n001,办公室,office\n", encoding="utf-8-sig")
    (folder / "信息.csv").write_text("信息编号,单位编号,日期,类型\n1,001,2018-01-01,综合\n", encoding="utf-8-sig")
    (folder / "采用.csv").write_text("信息编号,刊物,栏目\n1,jl-city,general\n", encoding="utf-8-sig")
    h = read_history(folder)
    assert h.items["kind"].tolist() == ["comprehensive"]
    assert h.adoptions["date"].tolist() == [pd.Timestamp("2018-01-01")]


def test_numeric_cells_become_plain_ids(tmp_path, make_workbook):
    path = make_workbook(tmp_path / "n.xlsx", {
        "units": [["unit_id", "name", "group"], [7, "a", 1], [8.0, "b", 2]],
        "items": [["item_id", "unit_id", "date", "kind"]],
    })
    h = read_history(path)
    assert h.units["unit_id"].tolist() == ["7", "8"]
    assert h.units["group"].tolist() == ["1", "2"]
