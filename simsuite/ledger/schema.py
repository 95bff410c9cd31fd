"""The sheets and columns of a ledger, and the Chinese a bureau may type.

A ledger (报送台账) is one ``.xlsx`` workbook with one sheet per table, or a
folder with one ``NAME.csv`` per table. Sheet names and column headers may
be the English ids or any alias below; matching ignores case, surrounding
spaces, spaces inside the name, ``-`` versus ``_`` and a trailing note in
brackets, so ``Unit ID``, ``unit-id`` and ``日期(YYYY-MM-DD)`` all work.

Sheets (``*`` = required sheet):

============  =====================================================================
sheet         also accepted as
============  =====================================================================
units*        单位, 单位名单, 考核单位, 被考核单位, 单位表
items*        信息, 信息报送, 报送信息, 报送台账, 信息台账, 报送情况
adoptions     采用, 采用情况, 录用, 录用情况, 信息采用
instructions  批示, 领导批示, 批示情况
unit_events   事项, 扣分加分事项, 加分扣分事项, 加减分事项, 扣分事项, 奖惩事项, events
checklist     考核清单, 清单, 基础工作, 报送工作, 工作清单, 考核项目清单
============  =====================================================================

Columns (``*`` = required column; the default fills an empty optional cell):

=============  ============  =========  ==============================================
sheet          column        default    also accepted as
=============  ============  =========  ==============================================
units          unit_id*                 单位编号, 单位代码, 编号
units          name*                    单位名称, 名称
units          group*                   分组, 组别, 序列
items          item_id*                 信息编号, 编号
items          unit_id*                 单位编号, 单位代码, 主报单位编号, 主报单位, 首报单位
items          date*                    报送日期, 日期, 报送时间
items          kind*                    类型, 信息类型, 信息类别
items          co_units      (none)     联合报送单位, 联报单位, 共同报送单位
items          brief         false      简讯, 是否简讯
items          quality       10         质量, 质量分, 质量评分
items          in_scope      true       是否计分, 在考核范围, 在考核范围内, 计分
items          sent_to       (none)     报送去向, 上报去向, 直报去向
adoptions      item_id*                 信息编号, 编号
adoptions      outlet*                  刊物, 采用刊物, 载体, 信息载体
adoptions      section*                 栏目, 采用栏目
adoptions      date          item date  采用日期, 录用日期, 日期
instructions   item_id*                 信息编号, 编号
instructions   level*                   批示级别, 领导级别, 级别
instructions   kind*                    批示类型, 批示性质, 类型
instructions   date          item date  批示日期, 日期
unit_events    unit_id*                 单位编号, 单位代码
unit_events    date*                    日期, 发生日期
unit_events    kind*                    事项, 事项类型, 类型
unit_events    count         1          次数, 人数, 数量
checklist      unit_id*                 单位编号, 单位代码
checklist      item*                    考核项目, 清单项目, 项目
checklist      met*                     是否达标, 是否完成, 达标, 完成
checklist      period        (year)     期间, 考核期间, 年度
=============  ============  =========  ==============================================

Cell values: dates are ``YYYY-MM-DD`` (also ``YYYY/MM/DD``, ``YYYY.MM.DD``,
``YYYY年M月D日`` and Excel date cells; a time of day is ignored). Booleans are
true/false, 1/0, 是/否 (see :data:`codes.BOOLEAN_ALIASES`). Kinds, levels and
event kinds take the English code or a Chinese alias from :mod:`codes`.
``co_units`` and ``sent_to`` list entries separated by ``;`` (also ``；``,
``,``, ``，`` or ``、``); a ``sent_to`` entry is ``outlet:section`` (``：``
too). Where the rulebook is known, an outlet, section or group may also be
given by its Chinese name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: Column value types; each has a parser in :mod:`parse`.
TEXT, DATE, ITEM_KIND, LEVEL, INSTRUCTION_KIND, EVENT_KIND = (
    "text", "date", "item_kind", "level", "instruction_kind", "event_kind",
)
BOOL, QUALITY, COUNT, UNIT_LIST, PAIR_LIST = "bool", "quality", "count", "unit_list", "pair_list"

#: Marker default: the adoption's / instruction's item date.
ITEM_DATE = "<item date>"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    aliases: tuple[str, ...] = ()
    default: Any = None


@dataclass(frozen=True)
class Sheet:
    name: str
    required: bool
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_UNIT_ID = ("单位编号", "单位代码")
_ITEM_ID = ("信息编号", "编号")

SHEET_SPECS: tuple[Sheet, ...] = (
    Sheet(
        "units",
        True,
        (
            Column("unit_id", TEXT, True, (*_UNIT_ID, "编号")),
            Column("name", TEXT, True, ("单位名称", "名称")),
            Column("group", TEXT, True, ("分组", "组别", "序列")),
        ),
        ("单位", "单位名单", "考核单位", "被考核单位", "单位表"),
    ),
    Sheet(
        "items",
        True,
        (
            Column("item_id", TEXT, True, _ITEM_ID),
            Column("unit_id", TEXT, True, (*_UNIT_ID, "主报单位编号", "主报单位", "首报单位")),
            Column("date", DATE, True, ("报送日期", "日期", "报送时间")),
            Column("kind", ITEM_KIND, True, ("类型", "信息类型", "信息类别")),
            Column("co_units", UNIT_LIST, False, ("联合报送单位", "联报单位", "共同报送单位"), ()),
            Column("brief", BOOL, False, ("简讯", "是否简讯"), False),
            Column("quality", QUALITY, False, ("质量", "质量分", "质量评分"), 10.0),
            Column("in_scope", BOOL, False, ("是否计分", "在考核范围", "在考核范围内", "计分"), True),
            Column("sent_to", PAIR_LIST, False, ("报送去向", "上报去向", "直报去向"), ()),
        ),
        ("信息", "信息报送", "报送信息", "报送台账", "信息台账", "报送情况"),
    ),
    Sheet(
        "adoptions",
        False,
        (
            Column("item_id", TEXT, True, _ITEM_ID),
            Column("outlet", TEXT, True, ("刊物", "采用刊物", "载体", "信息载体")),
            Column("section", TEXT, True, ("栏目", "采用栏目")),
            Column("date", DATE, False, ("采用日期", "录用日期", "日期"), ITEM_DATE),
        ),
        ("采用", "采用情况", "录用", "录用情况", "信息采用"),
    ),
    Sheet(
        "instructions",
        False,
        (
            Column("item_id", TEXT, True, _ITEM_ID),
            Column("level", LEVEL, True, ("批示级别", "领导级别", "级别")),
            Column("kind", INSTRUCTION_KIND, True, ("批示类型", "批示性质", "类型")),
            Column("date", DATE, False, ("批示日期", "日期"), ITEM_DATE),
        ),
        ("批示", "领导批示", "批示情况"),
    ),
    Sheet(
        "unit_events",
        False,
        (
            Column("unit_id", TEXT, True, _UNIT_ID),
            Column("date", DATE, True, ("日期", "发生日期")),
            Column("kind", EVENT_KIND, True, ("事项", "事项类型", "类型")),
            Column("count", COUNT, False, ("次数", "人数", "数量"), 1),
        ),
        ("事项", "扣分加分事项", "加分扣分事项", "加减分事项", "扣分事项", "奖惩事项", "events"),
    ),
    Sheet(
        "checklist",
        False,
        (
            Column("unit_id", TEXT, True, _UNIT_ID),
            Column("item", TEXT, True, ("考核项目", "清单项目", "项目")),
            Column("met", BOOL, True, ("是否达标", "是否完成", "达标", "完成")),
            Column("period", TEXT, False, ("期间", "考核期间", "年度"), ""),
        ),
        ("考核清单", "清单", "基础工作", "报送工作", "工作清单", "考核项目清单"),
    ),
)

#: The six sheets, in the order they are written and reported.
SHEETS: tuple[str, ...] = tuple(s.name for s in SHEET_SPECS)
SPEC: dict[str, Sheet] = {s.name: s for s in SHEET_SPECS}

#: Canonical pandas dtypes of each column type (strings use pandas' str dtype).
DTYPES = {
    TEXT: str,
    ITEM_KIND: str,
    LEVEL: str,
    INSTRUCTION_KIND: str,
    EVENT_KIND: str,
    DATE: "datetime64[ns]",
    BOOL: bool,
    QUALITY: "float64",
    COUNT: "int64",
    UNIT_LIST: object,
    PAIR_LIST: object,
}

_NOTE = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]$")


def normalise_name(text: str) -> str:
    """The form sheet names and headers are matched in (see module doc)."""
    text = str(text).replace("\ufeff", "").strip().rstrip("*＊").strip()
    stripped = _NOTE.sub("", text).strip()
    if stripped:
        text = stripped
    return re.sub(r"[\s\-]+", "_", text.lower()).strip("_")


def _table(pairs) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in pairs:
        for spelling in (canonical, *aliases):
            table.setdefault(normalise_name(spelling), canonical)
    return table


SHEET_BY_NAME: dict[str, str] = _table((s.name, s.aliases) for s in SHEET_SPECS)
COLUMN_BY_NAME: dict[str, dict[str, str]] = {
    s.name: _table((c.name, c.aliases) for c in s.columns) for s in SHEET_SPECS
}
