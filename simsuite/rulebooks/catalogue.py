"""The component catalogue as a reader sees it: generated from the registry,
for ``docs/authoring.md`` and ``simsuite components``."""

from __future__ import annotations

from ..ledger import EVENT_KINDS
from ..rules.registry import BASE, PHASES, REQUIRED, Spec, catalogue

VOCABULARY_TEXT = {
    "groups": "the rulebook's group ids", "lines": "the rulebook's checklist line ids",
    "outlets": "the rulebook's outlet ids", "sections": "that outlet's section ids",
    "pairs": "`outlet:section` of the catalogue",
    "item_kinds": "item kinds (dynamic, comprehensive, research, commissioned, emergency)",
    "event_kinds": "event kinds (" + ", ".join(EVENT_KINDS) + ")",
    "levels": "instruction levels (bureau, county, city, province, ministry, national)",
    "instruction_kinds": "instruction kinds (read, affirm, reference, decision)",
    "checklist_rules": "given, items_per_week, items_per_month, items_every_week, no_commission_missed, "
    "no_emergency_failure, research_every_quarter", "awards": "award names of your choosing",
}


def _default(spec: Spec) -> str:
    if spec.default is REQUIRED:
        return "**required**" + (f" when `{spec.when[0]} = {_value(spec.when[1])}`" if spec.when else "")
    return f"`{_value(spec.default)}` ({spec.cite})"


def _value(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def _kind(spec: Spec) -> str:
    text = spec.type
    if spec.choices is not None:
        choices = VOCABULARY_TEXT.get(spec.choices, spec.choices) if isinstance(spec.choices, str) else \
            " \\| ".join(spec.choices)
        text += f": {choices}"
    if spec.min is not None or spec.max is not None:
        text += f" in [{'' if spec.min is None else _value(spec.min)}, {'' if spec.max is None else _value(spec.max)}]"
    if spec.unit:
        text += f" ({spec.unit})"
    if spec.keys:
        levels = [VOCABULARY_TEXT.get(v, v) for v in (spec.keys, *spec.below)]
        shallowest = min(spec.depths or (len(levels),))
        text = f"table by {', then '.join(levels[:shallowest])} of {text}"
        if shallowest < len(levels):
            text += f", each one value or a table by {', then '.join(levels[shallowest:])}"
    return text


def _rows(specs) -> list[str]:
    rows = ["| parameter | type | default | meaning |", "|---|---|---|---|"]
    for s in specs:
        rows.append(f"| `{s.path}` | {_kind(s)} | {_default(s)} | {s.zh} / {s.en} |")
    return rows


def catalogue_markdown() -> str:
    """Every component, in pipeline order, with the parameters it reads."""
    out = ["### Every rulebook", "", "Read by the calendar and the ranking, whatever the components:", ""]
    out += _rows(BASE)
    for c in sorted(catalogue().values(), key=lambda c: (PHASES[c.phase], c.name)):
        out += ["", f"### `{c.name}` — {c.zh} ({c.kind}, phase {c.phase})", "", c.doc or c.en, ""]
        if c.credits:
            out += ["Credits the score-table column(s) " + ", ".join(f"`from_{k}`" for k in c.credits) + ".", ""]
        out += _rows(c.params) if c.params else ["No parameters."]
    return "\n".join(out) + "\n"
