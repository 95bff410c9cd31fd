"""The fixed codes a ledger uses, and the Chinese a bureau may type for them.

The order of each tuple is part of the interface: other stages use a code's
index as its integer code. Each alias table maps a code to the other spellings
accepted for it in a cell; the first spelling is the one shown in messages.
"""

ITEM_KINDS = ("dynamic", "comprehensive", "research", "commissioned", "emergency")
INSTRUCTION_LEVELS = ("bureau", "county", "city", "province", "ministry", "national")
INSTRUCTION_KINDS = ("read", "affirm", "reference", "decision")
EVENT_KINDS = (
    "emergency_failure",
    "commission_missed",
    "commission_upper_penalty",
    "false_report",
    "late_submission",
    "duplicate_channel",
    "absence",
    "leak",
    "plagiarism",
    "secondment",
)

ITEM_KIND_ALIASES = {
    "dynamic": ("动态", "动态信息", "一般信息"),
    "comprehensive": ("综合", "综合信息", "典型经验", "贯彻落实", "综合类", "经验类"),
    "research": ("调研", "调研信息", "调研文章", "调研报告"),
    "commissioned": ("约稿", "约稿信息", "约稿任务"),
    "emergency": ("突发", "应急", "突发信息", "应急信息"),
}

INSTRUCTION_LEVEL_ALIASES = {
    "bureau": ("局", "本级", "局领导", "本级领导"),
    "county": ("县", "县级", "县领导", "县级领导", "县(市、区)", "县（市、区）"),
    "city": ("市", "市级", "市领导", "市级领导"),
    "province": ("省", "省级", "省领导", "省级领导", "自治区", "自治区领导"),
    "ministry": ("部", "部委", "部领导", "部委领导"),
    "national": ("国家", "中央", "中央领导", "国家领导", "国家级"),
}

INSTRUCTION_KIND_ALIASES = {
    "read": ("阅研", "一般性", "圈阅", "阅示"),
    "affirm": ("肯定", "重要性", "肯定性"),
    "reference": ("借鉴", "借鉴性"),
    "decision": ("决策", "决策性"),
}

EVENT_KIND_ALIASES = {
    "emergency_failure": ("应急信息迟报漏报", "紧急/重要/应急信息迟报、漏报、错报、瞒报"),
    "commission_missed": ("约稿未完成", "约稿/调研任务未按时按要求完成"),
    "commission_upper_penalty": ("致上级扣分", "应报未报、迟报致上级扣分"),
    "false_report": ("内容失真", "严重失实", "内容失真/严重失实"),
    "late_submission": ("报送不及时",),
    "duplicate_channel": ("多头报送", "重复报送", "多头报送/重复报送"),
    "absence": ("无故缺席", "无故缺席会议、培训"),
    "leak": ("泄密",),
    "plagiarism": ("抄袭", "明显抄袭"),
    "secondment": ("挂职", "信息员挂职满三个月并完成任务"),
}

BOOLEAN_ALIASES = {
    True: ("true", "1", "是", "yes", "y", "√", "t", "达标", "完成", "已完成", "✓"),
    False: ("false", "0", "否", "no", "n", "×", "f", "未达标", "未完成", "✗"),
}
