"""Award codes as the rulebooks name them in Chinese: the rule functions
write codes (``deduction-1``), staff read 扣分第一档."""

from __future__ import annotations

import re

#: award codes of the rule functions → the names the rulebooks give them
AWARDS = {
    "model": "标兵单位",
    "advanced": "先进单位",
    "criticised": "通报批评",
    "no-deduction": "不扣分",
    "": "无",
}
_NUMERALS = "一二三四五六七八九十"


def award_name(code: str) -> str:
    """Chinese name of an award code: ``deduction-2`` → 扣分第二档."""
    code = str(code)
    if code in AWARDS:
        return AWARDS[code]
    tier = re.fullmatch(r"deduction-(\d+)", code)
    if tier:
        i = int(tier.group(1))
        return f"扣分第{_NUMERALS[i - 1] if 1 <= i <= 10 else i}档"
    return code


def award_label(code: str) -> str:
    """Chinese name with the code after it, as a column header: 先进单位 advanced."""
    return f"{award_name(code)} {code}" if str(code) else award_name(code)
