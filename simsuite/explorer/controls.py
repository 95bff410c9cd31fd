"""A control for every parameter, generated from the parameter's own metadata.

Nothing here lists parameters by name: a parameter added to a rulebook file
gets a control the next time the explorer starts. The rules:

- ``number`` with both ``min`` and ``max`` (a span of at most 1000): a slider
  across them; otherwise a number box checked by the parameter on change;
- ``integer``: the same with whole numbers;
- ``bool``: a toggle; ``choice``: a drop-down of its choices;
- ``set``: a multiple selection of its choices;
- ``grouping.merge`` of a rulebook with more than one group: split (each group
  ranked on its own) or pooled (every group ranked with the first);
- other ``list`` and ``mapping`` values: a text box holding the value as TOML
  or JSON (``[0, 3, 6, 9]``, ``{"2" = "1"}``), checked on change;
- a table (two or more leaves under one prefix sharing one description, such
  as a point table by outlet and section): one grid of small boxes with the
  table's keys as row and column headers.

Every control is labelled with the Chinese description, carries the path,
the English description and the citation as its tooltip, and the CSS class
``simsuite-p-<path>`` (dots as ``--``) so it can be found on the page.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import ipywidgets as w

from ..params import Param, Parameters

#: widest min–max span still shown as a slider; wider ranges get a number box
SLIDER_SPAN = 1000

#: Chinese headings of the top-level sections (a new section shows its key)
SECTION_NAMES = {
    "calendar": "考核年度 calendar", "grouping": "分组 groups", "quota": "报送数量 quota",
    "zero_month": "零报送 zero months", "item_points": "信息计分 item points", "items": "计数范围 items",
    "adoption": "采用计分 adoptions", "instruction": "批示计分 instructions",
    "co_submission": "联合报送 co-submission", "normalise": "季度换算 normalisation",
    "final": "年度得分 final score", "checklist": "考核清单 checklists", "events": "加减分 events",
    "veto": "否决 vetoes", "direct_report": "直报任务 direct reports", "rank_points": "排名赋分 rank points",
    "override": "特殊情形 override", "award": "评先 awards", "bonus": "加分 bonuses",
}

POOLED, SPLIT = "pooled", "split"


def css_name(path: str) -> str:
    """The CSS class of a parameter's control: ``simsuite-p-normalise--enabled``."""
    return "simsuite-p-" + re.sub(r"[^A-Za-z0-9_-]", "_", path.replace(".", "--"))


def find_tables(parameters: Parameters) -> dict[str, list[str]]:
    """Tables folded into grids: prefix → leaf paths. A table is two or more
    leaves with the same description, type, unit and range that are exactly
    the leaves under their common prefix."""
    by_meta: dict[tuple, list[str]] = {}
    for p in parameters:
        by_meta.setdefault((p.zh, p.en, p.type, p.unit, p.min, p.max, p.choices), []).append(p.path)
    tables = {}
    for paths in by_meta.values():
        if len(paths) < 2:
            continue
        parts = [path.split(".") for path in paths]
        common = []
        for segments in zip(*parts):
            if len(set(segments)) != 1:
                break
            common.append(segments[0])
        prefix = ".".join(common)
        if not prefix or prefix in parameters.leaves or any(len(s) == len(common) for s in parts):
            continue
        under = [k for k in parameters.leaves if k.startswith(prefix + ".")]
        if sorted(under) == sorted(paths):
            tables[prefix] = paths
    return tables


def pooled_value(groups: tuple[str, ...]) -> dict[str, str]:
    """``grouping.merge`` that ranks every group together with the first."""
    return {g: groups[0] for g in groups[1:]}


def parse_text(param: Param, text: str) -> Any:
    """A text box's value for ``param``: JSON or a TOML value, checked by the
    parameter. Raises ValueError naming the parameter."""
    text = text.strip()
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            raise ValueError(f"{param.path}: {text!r} is neither JSON nor a TOML value "
                             f"(e.g. {format_value(param.value)})") from None
    return param.check(value)


def format_value(value: Any) -> str:
    """A list or mapping as the text a box shows (TOML inline syntax)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {json.dumps(v, ensure_ascii=False)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f"{v:g}" if isinstance(v, float) else json.dumps(v, ensure_ascii=False)
                               for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def tooltip(param: Param) -> str:
    unit = f" [{param.unit}]" if param.unit else ""
    return f"{param.path}{unit}\n{param.zh}\n{param.en}\n{param.cite}".strip()


def _step(p: Param) -> float:
    """A slider step that keeps the baseline value on the grid: a hundredth of
    the span, rounded down to a power of ten, finer if the value needs it."""
    span = float(p.max) - float(p.min)
    step = 10.0 ** math.floor(math.log10(span / 100)) if span > 0 else 1.0
    for candidate in (step, step / 10, step / 100, step / 1000):
        if abs(round(float(p.value) / candidate) * candidate - float(p.value)) < 1e-9:
            return candidate
    return step / 1000


@dataclass
class Control:
    """One parameter's widget and how to read it back as a parameter value."""

    param: Param
    widget: w.DOMWidget
    read: Callable[[], Any]  # the widget's value as the parameter's value (raises ValueError if bad)
    write: Callable[[Any], None]  # show a parameter value
    error: w.HTML = field(default_factory=lambda: w.HTML(""))


def make_control(param: Param, groups: tuple[str, ...] = (), compact: bool = False) -> Control:
    """The widget for one parameter (``compact``: a grid cell, without slider)."""
    p, v = param, param.value
    layout = w.Layout(width=_cell_width(p) if compact else "320px")
    common = dict(tooltip=tooltip(p), layout=layout)
    bounded = p.min is not None and p.max is not None
    if p.type in ("number", "integer"):
        integer = p.type == "integer"
        if bounded and not compact and float(p.max) - float(p.min) <= SLIDER_SPAN:
            if integer:
                widget = w.IntSlider(value=int(v), min=int(p.min), max=int(p.max), step=1,
                                     continuous_update=False, **common)
            else:
                widget = w.FloatSlider(value=float(v), min=float(p.min), max=float(p.max), step=_step(p),
                                       readout_format=".4g", continuous_update=False, **common)
        elif bounded:
            cls = w.BoundedIntText if integer else w.BoundedFloatText
            widget = cls(value=v, min=p.min, max=p.max, continuous_update=False, **common)
        else:
            widget = (w.IntText if integer else w.FloatText)(value=v, continuous_update=False, **common)
        cast = int if integer else float
        return Control(p, widget, lambda: p.check(cast(round(widget.value, 10))), lambda x: setattr(widget, "value", x))
    if p.type == "bool":
        widget = w.Checkbox(value=bool(v), indent=False, **common) if compact else w.ToggleButton(
            value=bool(v), description="是 on" if v else "否 off", **common)
        if not compact:
            def relabel(change):
                widget.description = "是 on" if change["new"] else "否 off"
            widget.observe(relabel, "value")
        return Control(p, widget, lambda: p.check(bool(widget.value)), lambda x: setattr(widget, "value", bool(x)))
    if p.type == "choice":
        widget = w.Dropdown(options=list(p.choices or ()), value=v, **common)
        return Control(p, widget, lambda: p.check(widget.value), lambda x: setattr(widget, "value", x))
    if p.type == "set" and p.choices is not None and not compact:
        widget = w.SelectMultiple(options=list(p.choices), value=tuple(v), rows=min(len(p.choices), 6), **common)
        return Control(p, widget, lambda: p.check(tuple(widget.value)), lambda x: setattr(widget, "value", tuple(x)))
    if p.type == "mapping" and p.path == "grouping.merge" and len(groups) > 1:
        pooled = pooled_value(groups)
        widget = w.ToggleButtons(options=[("分组排名 split", SPLIT), ("合并排名 pooled", POOLED)],
                                 value=POOLED if v == pooled else SPLIT, tooltip=tooltip(p),
                                 style={"button_width": "130px"})
        if v not in ({}, pooled):  # a custom merge: keep it reachable as text
            return _text_control(p, common)
        return Control(p, widget, lambda: p.check(pooled if widget.value == POOLED else {}),
                       lambda x: setattr(widget, "value", POOLED if x == pooled else SPLIT))
    return _text_control(p, common)


def _text_control(p: Param, common: dict) -> Control:
    widget = w.Text(value=format_value(p.value), continuous_update=False, **common)
    return Control(p, widget, lambda: parse_text(p, widget.value), lambda x: setattr(widget, "value", format_value(x)))


class ControlPanel:
    """Every parameter of a rulebook as a control, grouped by section.

    ``controls`` maps every leaf path to its control (grid cells included);
    ``tables`` maps each table folded into a grid to its leaf paths;
    ``changes()`` is what differs from the baseline, ready for ``rb.vary``.
    """

    def __init__(self, source, labels: Mapping[str, str] | None = None):
        parameters: Parameters = getattr(source, "parameters", source)
        groups = tuple(getattr(source, "groups", ()))
        self.parameters = parameters
        self.labels = dict(labels) if labels is not None else _labels(source)
        self.tables = find_tables(parameters)
        in_table = {path: prefix for prefix, paths in self.tables.items() for path in paths}
        self.controls: dict[str, Control] = {}
        self.rows: dict[str, w.Widget] = {}  # standalone path or table prefix → its row on screen
        sections: dict[str, list[w.Widget]] = {}
        for p in parameters:
            if p.path in in_table:
                prefix = in_table[p.path]
                if prefix not in self.rows:
                    self.rows[prefix] = self._grid(prefix, groups)
                    sections.setdefault(prefix.split(".")[0], []).append(self.rows[prefix])
                continue
            control = make_control(p, groups)
            control.widget.add_class(css_name(p.path))
            control.widget.add_class("simsuite-param")
            self.controls[p.path] = control
            self.rows[p.path] = self._row(control)
            sections.setdefault(p.path.split(".")[0], []).append(self.rows[p.path])
        self.sections = list(sections)
        self.widget = w.Accordion(
            children=[w.VBox(children) for children in sections.values()],
            titles=tuple(SECTION_NAMES.get(s, s) for s in sections))
        self.widget.add_class("simsuite-controls")
        self._callbacks: list[Callable[[str], None]] = []
        for path, control in self.controls.items():
            control.widget.observe(lambda change, path=path: self._changed(path), "value")

    # ---- layout ------------------------------------------------------------------
    def _row(self, control: Control) -> w.Widget:
        p = control.param
        unit = f" <span style='color:#888'>({p.unit})</span>" if p.unit else ""
        label = w.HTML(f"<span title='{_attr(tooltip(p))}'>{_html(p.zh or p.en or p.path)}{unit}</span>",
                       layout=w.Layout(width="300px"))
        return w.HBox([label, control.widget, control.error])

    def _grid(self, prefix: str, groups: tuple[str, ...]) -> w.Widget:
        paths = self.tables[prefix]
        rel = [path[len(prefix) + 1:].split(".") for path in paths]
        two_d = all(len(r) >= 2 for r in rel)
        row_keys = list(dict.fromkeys(".".join(r[:-1]) if two_d else ".".join(r) for r in rel))
        col_keys = list(dict.fromkeys(r[-1] for r in rel)) if two_d else [""]
        cells: dict[tuple[str, str], w.Widget] = {}
        for path, r in zip(paths, rel):
            control = make_control(self.parameters.param(path), groups, compact=True)
            control.widget.add_class(css_name(path))
            control.widget.add_class("simsuite-param")
            self.controls[path] = control
            cells[(".".join(r[:-1]), r[-1]) if two_d else (".".join(r), "")] = control.widget
        first = self.parameters.param(paths[0])
        children: list[w.Widget] = [w.HTML("")] + [w.HTML(f"<b>{_html(self._label(c))}</b>") for c in col_keys]
        for rk in row_keys:
            children.append(w.HTML(_html(self._label(rk))))
            children += [cells.get((rk, ck), w.HTML("")) for ck in col_keys]
        cell_width = _cell_width(first)
        grid = w.GridBox(children, layout=w.Layout(
            grid_template_columns=f"minmax(120px, max-content) repeat({len(col_keys)}, {cell_width})",
            grid_gap="2px 6px"))
        grid.add_class("simsuite-grid")
        grid.add_class(css_name(prefix))
        unit = f" <span style='color:#888'>({first.unit})</span>" if first.unit else ""
        title = w.HTML(f"<span title='{_attr(prefix + chr(10) + first.en + chr(10) + first.cite)}'>"
                       f"{_html(first.zh or first.en or prefix)}{unit}</span>")
        return w.VBox([title, grid], layout=w.Layout(margin="4px 0 8px 0"))

    def _label(self, key: str) -> str:
        return " · ".join(self.labels.get(part, part) for part in key.split("."))

    # ---- values ----------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """Every control whose value differs from the baseline, as path → value.
        A control holding a bad value raises ValueError naming it."""
        out = {}
        for path, control in self.controls.items():
            value = control.read()
            if value != control.param.value:
                out[path] = value
        return out

    def problems(self) -> dict[str, str]:
        """Controls whose value the parameter rejects, with the reason."""
        out = {}
        for path, control in self.controls.items():
            try:
                control.read()
            except ValueError as exc:
                out[path] = str(exc)
        return out

    def set(self, path: str, value: Any) -> None:
        """Show ``value`` in a parameter's control (as a user would set it)."""
        self.parameters.param(path)  # a clear error for an unknown path
        self.controls[path].write(value)

    def apply(self, changes: Mapping[str, Any]) -> None:
        for path, value in changes.items():
            self.set(path, value)

    def reset(self) -> None:
        """Every control back at its baseline value."""
        for control in self.controls.values():
            control.write(control.param.value)

    def observe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(path)`` after any control changes."""
        self._callbacks.append(callback)

    def _changed(self, path: str) -> None:
        control = self.controls[path]
        try:
            control.read()
            control.error.value = ""
        except ValueError as exc:
            control.error.value = f"<span class='simsuite-error' style='color:#b00'>{_html(str(exc))}</span>"
        for callback in self._callbacks:
            callback(path)


def _cell_width(p: Param) -> str:
    return {"number": "84px", "integer": "84px", "bool": "40px", "choice": "150px"}.get(p.type, "320px")


def _labels(source) -> dict[str, str]:
    """Chinese names of the keys tables are indexed by: outlets, groups, checklist lines."""
    f = getattr(source, "file", None)
    if f is None:
        return {}
    labels = {o.id: o.name for o in f.outlets.values()}
    labels.update({g.id: g.name for g in f.groups.values()})
    labels.update({c.id: c.name for c in f.checklist.values()})
    return labels


def _html(text: str) -> str:
    import html

    return html.escape(str(text))


def _attr(text: str) -> str:
    import html

    return html.escape(str(text), quote=True)
