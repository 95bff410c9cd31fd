"""Parameters as data: every number a rule reads, with its meaning and its source.

A rulebook file declares parameters as TOML tables that hold a ``value`` key.
A value that is itself a table (a point table by outlet, a quota by group) is
unfolded into one leaf per cell, each inheriting the node's citation and
metadata, so ``adoption.points.nx-info.item`` is as addressable as
``normalise.enabled``: by a variant, a sensitivity sweep or a generated widget.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Mapping

#: value types a parameter may have; the widget, the validation and the
#: sensitivity ranges all follow from it.
TYPES = ("number", "integer", "bool", "choice", "list", "set", "mapping")

META_KEYS = {"value", "type", "unit", "min", "max", "choices", "cite", "zh", "en", "cites"}


@dataclass(frozen=True)
class Param:
    """One leaf parameter: its value and everything needed to explain or vary it."""

    path: str
    value: Any
    type: str
    cite: str
    zh: str
    en: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ValueError."""
        where = f"parameter {self.path!r}"
        if self.type == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{where} takes true or false, not {value!r}")
            return value
        if self.type in ("number", "integer"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{where} takes a number, not {value!r}")
            if self.type == "integer" and float(value) != int(value):
                raise ValueError(f"{where} takes a whole number, not {value!r}")
            if not math.isfinite(float(value)):
                raise ValueError(f"{where} takes a finite number, not {value!r}")
            self._check_range(value)
            return int(value) if self.type == "integer" else float(value)
        if self.type == "choice":
            if value not in (self.choices or ()):
                raise ValueError(f"{where} takes one of {list(self.choices or ())}, not {value!r}{_suggest(value, self.choices)}")
            return value
        if self.type == "list":
            if not isinstance(value, (list, tuple)) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
                raise ValueError(f"{where} takes a list of numbers, not {value!r}")
            for v in value:
                self._check_range(v)
            return tuple(float(v) for v in value)
        if self.type == "set":
            if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
                raise ValueError(f"{where} takes a list of {list(self.choices or ())}, not {value!r}")
            bad = [v for v in value if v not in (self.choices or ())]
            if bad:
                raise ValueError(f"{where}: {bad} not among {list(self.choices or ())}{_suggest(bad[0], self.choices)}")
            return tuple(sorted(set(value), key=list(self.choices or ()).index))
        if self.type == "mapping":
            if not isinstance(value, Mapping):
                raise ValueError(f"{where} takes a table of key = value, not {value!r}")
            if self.choices is not None:
                bad = [v for v in value.values() if v not in self.choices]
                if bad:
                    raise ValueError(f"{where}: {bad} not among {list(self.choices)}{_suggest(bad[0], self.choices)}")
            return dict(sorted((str(k), v) for k, v in value.items()))
        raise ValueError(f"{where} has unknown type {self.type!r}")

    def _check_range(self, v: float) -> None:
        if self.min is not None and v < self.min:
            raise ValueError(f"parameter {self.path!r} must be ≥ {self.min}, not {v!r}")
        if self.max is not None and v > self.max:
            raise ValueError(f"parameter {self.path!r} must be ≤ {self.max}, not {v!r}")


def _suggest(word: Any, options: Any) -> str:
    import difflib

    if not isinstance(word, str) or not options:
        return ""
    close = difflib.get_close_matches(word, [str(o) for o in options], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def suggest(word: str, options: Any) -> str:
    """A ' (did you mean …?)' hint, or '' when nothing is close."""
    return _suggest(word, options)


def unfold(prefix: str, node: Mapping[str, Any]) -> Iterator[Param]:
    """Turn one TOML parameter node into its leaf parameters."""
    meta = {k: v for k, v in node.items() if k in META_KEYS and k != "value"}
    unknown = set(node) - META_KEYS
    if unknown:
        raise ValueError(f"parameter {prefix!r}: unknown keys {sorted(unknown)}; allowed {sorted(META_KEYS)}")
    value = node["value"]
    ptype = meta.get("type") or _infer_type(value)
    if ptype not in TYPES:
        raise ValueError(f"parameter {prefix!r}: type {ptype!r} not among {TYPES}")
    if isinstance(value, Mapping) and ptype != "mapping":
        cites = meta.get("cites", {})
        for key, sub in value.items():
            sub_meta = dict(meta, value=sub)
            sub_meta.pop("cites", None)
            if key in cites:
                sub_meta["cite"] = cites[key]
            yield from unfold(f"{prefix}.{key}", sub_meta)
        return
    choices = meta.get("choices")
    param = Param(
        path=prefix,
        value=None,
        type=ptype,
        cite=str(meta.get("cite", "")).strip(),
        zh=str(meta.get("zh", "")).strip(),
        en=str(meta.get("en", "")).strip(),
        unit=str(meta.get("unit", "")),
        min=meta.get("min"),
        max=meta.get("max"),
        choices=tuple(choices) if choices is not None else None,
    )
    yield replace(param, value=param.check(value))


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "number"  # a table of numbers; leaves say their own type
    if isinstance(value, str):
        return "choice"
    raise ValueError(f"cannot infer a parameter type for {value!r}")


@dataclass(frozen=True)
class Parameters:
    """An immutable set of leaf parameters, addressed by dotted path."""

    leaves: Mapping[str, Param] = field(default_factory=dict)

    def __getitem__(self, path: str) -> Any:
        return self.param(path).value

    def __contains__(self, path: str) -> bool:
        return path in self.leaves

    def __iter__(self) -> Iterator[Param]:
        return iter(self.leaves.values())

    def __len__(self) -> int:
        return len(self.leaves)

    def has(self, path: str) -> bool:
        """Whether ``path`` names a parameter or a table of them."""
        return path in self.leaves or any(k.startswith(path + ".") for k in self.leaves)

    def get(self, path: str, default: Any = None) -> Any:
        return self.leaves[path].value if path in self.leaves else default

    def param(self, path: str) -> Param:
        try:
            return self.leaves[path]
        except KeyError:
            raise KeyError(f"no parameter {path!r}{suggest(path, self.leaves)}") from None

    def table(self, prefix: str) -> dict[str, Any]:
        """The leaves under ``prefix`` as a nested dict (e.g. a point table)."""
        out: dict[str, Any] = {}
        head = prefix + "."
        for path, p in self.leaves.items():
            if path.startswith(head):
                keys = path[len(head):].split(".")
                node = out
                for k in keys[:-1]:
                    node = node.setdefault(k, {})
                node[keys[-1]] = p.value
        if not out and prefix not in self.leaves:
            raise KeyError(f"no parameter table {prefix!r}{suggest(prefix, {p.rsplit('.', 1)[0] for p in self.leaves})}")
        return out

    def cite(self, *paths: str) -> str:
        """The citations of ``paths`` (parameters or tables), joined without repeats."""
        seen: list[str] = []
        for path in paths:
            cites = [self.leaves[path].cite] if path in self.leaves else [
                p.cite for k, p in self.leaves.items() if k.startswith(path + ".")
            ]
            for c in cites:
                for part in c.split(";"):
                    part = part.strip()
                    if part and part not in seen:
                        seen.append(part)
        return "; ".join(seen)

    def label(self, path: str) -> str:
        """A short bilingual label of a parameter or table."""
        p = self.leaves.get(path) or next(
            (q for k, q in self.leaves.items() if k.startswith(path + ".")), None
        )
        if p is None:
            return path
        return f"{p.zh} / {p.en}" if p.zh and p.en else (p.zh or p.en or path)

    def updated(self, changes: Mapping[str, Any]) -> "Parameters":
        """A new set with ``changes`` applied; each path must name a parameter."""
        leaves = dict(self.leaves)
        for path, value in changes.items():
            p = self.param(path)
            leaves[path] = replace(p, value=p.check(value))
        return Parameters(leaves)

    def uncited(self) -> list[str]:
        """Paths of parameters without a citation (an article or a decision id)."""
        return [path for path, p in self.leaves.items() if not _is_citation(p.cite)]

    def values(self) -> dict[str, Any]:
        return {k: p.value for k, p in self.leaves.items()}

    def digest(self) -> str:
        """A short hash of every effective value: equal digests, equal rules."""
        canon = json.dumps(self.values(), sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:12]

    def frame(self):
        """The parameters as a table: path, value, unit, range, description, citation."""
        import pandas as pd

        rows = [
            {
                "path": p.path,
                "value": p.value,
                "type": p.type,
                "unit": p.unit,
                "range": _range_text(p),
                "zh": p.zh,
                "en": p.en,
                "cite": p.cite,
            }
            for p in self.leaves.values()
        ]
        return pd.DataFrame(rows)


def _is_citation(text: str) -> bool:
    """An article of the source (第…条, 一、, (二), 附件 …), a numbered
    decision (C-3, NX-5 …; see docs/decisions.md), or a rule component's
    documented default ("default: …")."""
    import re

    return bool(re.search(r"第.+[条项]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|附件|通知"
                          r"|\b(?:C|NX|JD|JL|HRB|LY)-\d|^default\b", text or ""))


def _range_text(p: Param) -> str:
    if p.choices is not None:
        return " | ".join(p.choices)
    if p.min is None and p.max is None:
        return ""
    lo = "" if p.min is None else f"{p.min:g}"
    hi = "" if p.max is None else f"{p.max:g}"
    return f"[{lo}, {hi}]"
