import openpyxl
import pytest

from simsuite.ledger import Vocabulary


@pytest.fixture
def vocabulary():
    return Vocabulary(
        rulebook_id="test-book",
        groups={"township": "乡镇街道", "A": "A类部门"},
        outlets={
            "jd-dynamic": {"item": "信息", "brief": "简讯"},
            "jd-hangzhou": {"key": "要情", "special": "专报"},
        },
        outlet_names={"jd-dynamic": "《建德政务·动态》", "jd-hangzhou": "《杭州政务》"},
        checklist_items=("basic-1", "basic-2"),
    )


@pytest.fixture
def records():
    """A small valid ledger with the awkward values a real one has."""
    return dict(
        units=[
            {"unit_id": "007", "name": "新安江街道", "group": "township"},
            {"unit_id": "010", "name": "市发改局(物价局)", "group": "A"},
            {"unit_id": "11", "name": "=公积金分中心", "group": "A"},
        ],
        items=[
            {"item_id": "0001", "unit_id": "007", "date": "2018-01-15", "kind": "dynamic",
             "co_units": ["010", "11"], "sent_to": "jd-hangzhou:key;jd-hangzhou:special"},
            {"item_id": "0002", "unit_id": "010", "date": "2018-02-28", "kind": "commissioned",
             "quality": 7.25, "brief": True, "in_scope": False},
            {"item_id": "0003", "unit_id": "11", "date": "2017-12-31", "kind": "emergency"},
        ],
        adoptions=[
            {"item_id": "0001", "outlet": "jd-hangzhou", "section": "key", "date": "2018-04-02"},
            {"item_id": "0002", "outlet": "jd-dynamic", "section": "brief"},
        ],
        instructions=[{"item_id": "0001", "level": "city", "kind": "affirm", "date": "2018-05-01"}],
        unit_events=[{"unit_id": "010", "date": "2018-06-30", "kind": "secondment", "count": 2}],
        checklist=[{"unit_id": "007", "item": "basic-1", "met": False, "period": "2018"}],
    )



def _workbook(path, sheets):
    """Write {sheet name: [header, row, row, ...]} to an .xlsx file; None leaves a cell blank."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


@pytest.fixture
def make_workbook():
    """Write {sheet name: [header, row, ...]} to an .xlsx file, as a clerk would type it."""
    return _workbook
