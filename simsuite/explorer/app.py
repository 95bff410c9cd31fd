"""The what-if explorer: change a rule, see who moves.

One screen: pick a rulebook and a population; every parameter of the
rulebook is a control (see :mod:`.controls`); each change re-scores the
variant on the same replicate histories as the baseline and redraws the
rank-shift chart, the rank intervals, the ranking and the award changes.
Buttons save the variant as an overlay file and export the comparison to
Excel; a panel shows the Python lines and the overlay file that reproduce
the screen.
"""

from __future__ import annotations

import base64
import html
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from ..report.headline import degenerate_groups
from ..report.labels import SIMULATED_TRAITS, readable
from .controls import ControlPanel
from .svg import rank_intervals_svg, rank_shift_svg
from .whatif import BASE_NAME, VARIANT_NAME, WhatIf, WhatIfResult, free_path, ranking_table, safe_name

#: populations offered besides the real units: a common synthetic population
SYNTHETIC = "synthetic"


#: the first entry of the "add a rule" list
ADD_RULE = "添加规则 add a rule …"

class Explorer(w.VBox):
    """The explorer as one ipywidgets box (display it in a notebook, or serve
    the notebook with Voilà: ``simsuite explore``).

    ``variants_dir``: where "save" writes overlay files (default
    ``./scenarios/variants``); ``exports_dir``: where "export" writes Excel
    workbooks (default the current folder).
    """

    def __init__(self, rulebook: str = "ningxia-transport-2021", population: Any = "real",
                 replicates: int = 300, seed: int = 0, year: int | None = None,
                 variants_dir: str | Path | None = None, exports_dir: str | Path | None = None):
        from .. import list_rulebooks
        from .. import rulebook as load_rulebook

        opened = load_rulebook(rulebook)  # a mistyped id fails here, with a did-you-mean
        # a built-in by its id, a rulebook file by its full path
        rulebook = opened.id if opened.id in set(list_rulebooks()["id"]) else str(Path(rulebook).resolve())
        if population != "real" and (isinstance(population, bool) or not isinstance(population, int)
                                     or not 2 <= population <= 2000):
            raise ValueError(f"population={population!r}: the explorer takes 'real' (the jurisdiction's units) or "
                             f"a number of synthetic units from 2 to 2000; for group sizes or a unit table use WhatIf")
        if isinstance(replicates, bool) or not isinstance(replicates, int) or not 16 <= replicates <= 5000:
            raise ValueError(f"replicates={replicates!r}: the explorer scores 16 to 5000 replicate years")
        super().__init__()
        self.add_class("simsuite-explorer")
        self.variants_dir = Path(variants_dir) if variants_dir is not None else Path.cwd() / "scenarios" / "variants"
        self.exports_dir = Path(exports_dir) if exports_dir is not None else Path.cwd()
        self.year = year
        self.updates = 0
        self.result: WhatIfResult | None = None
        self.timings: dict[str, float] = {}

        ids = list(list_rulebooks()["id"])
        names = dict(zip(list_rulebooks()["id"], list_rulebooks()["name"]))
        options = [(f"{names[i]} ({i})", i) for i in ids]
        if rulebook not in ids:
            options.append((f"{opened.file.meta['name']} ({Path(rulebook).name})", rulebook))
        self.rulebook_box = _classed(w.Dropdown(options=options,
                                                value=rulebook,
                                                description="考核办法", layout=w.Layout(width="420px")),
                                     "simsuite-rulebook")
        self.rule_box = _classed(w.Dropdown(options=[(ADD_RULE, "")], value="", description="规则",
                                            layout=w.Layout(width="320px")), "simsuite-add-rule")
        synthetic_n = population if isinstance(population, int) else 60
        self.population_box = _classed(w.Dropdown(
            options=[("真实单位 real units", "real"), ("合成单位 synthetic population", SYNTHETIC)],
            value="real" if population == "real" else SYNTHETIC, description="单位",
            layout=w.Layout(width="300px")), "simsuite-population")
        self.units_box = _classed(w.BoundedIntText(value=synthetic_n, min=2, max=2000, description="单位数",
                                                   disabled=population == "real", continuous_update=False,
                                                   layout=w.Layout(width="160px")), "simsuite-units")
        self.replicates_box = _classed(w.BoundedIntText(value=replicates, min=16, max=5000, step=16,
                                                        description="重复年数", continuous_update=False,
                                                        tooltip="replicate years scored for both sides",
                                                        layout=w.Layout(width="170px")), "simsuite-replicates")
        self.seed_box = _classed(w.IntText(value=seed, description="随机种子", continuous_update=False,
                                           layout=w.Layout(width="160px")), "simsuite-seed")
        self.status = _classed(w.HTML(), "simsuite-status")
        self.shift_chart = _classed(w.HTML(layout=w.Layout(max_width="100%")), "simsuite-shift-chart")
        self.interval_chart = _classed(w.HTML(layout=w.Layout(max_width="100%")), "simsuite-intervals-chart")
        self.ranking = _classed(w.HTML(), "simsuite-ranking")
        self.awards = _classed(w.HTML(), "simsuite-awards")
        self.agreement = _classed(w.HTML(), "simsuite-agreement")
        self.diagnostics = _classed(w.HTML(), "simsuite-diagnostics")
        self.name_box = _classed(w.Text(description="变体名称", layout=w.Layout(width="360px"),
                                        tooltip="title and file name of the saved overlay"), "simsuite-variant-name")
        self.save_button = _classed(w.Button(description="保存变体 save overlay",
                                             layout=w.Layout(width="180px")), "simsuite-save")
        self.export_button = _classed(w.Button(description="导出 Excel export",
                                               layout=w.Layout(width="170px")), "simsuite-export")
        self.reset_button = _classed(w.Button(description="全部复原 reset",
                                              layout=w.Layout(width="150px")), "simsuite-reset")
        self.response_button = _classed(w.Button(description="单位会如何应对 what will units do?",
                                                 layout=w.Layout(width="280px"),
                                                 tooltip="best responses to this variant (takes seconds)"),
                                        "simsuite-response")
        self.response = _classed(w.HTML(), "simsuite-response-table")
        self.files = _classed(w.HTML(), "simsuite-files")
        self.code = _classed(w.Textarea(layout=w.Layout(width="100%", height="200px")), "simsuite-code")
        self.overlay = _classed(w.Textarea(layout=w.Layout(width="100%", height="200px")), "simsuite-overlay")
        self.controls_box = _classed(w.VBox(layout=w.Layout(width="46%", min_width="420px")), "simsuite-controls-box")

        code_tabs = w.Tab([self.code, self.overlay], titles=("Python", "变体文件 overlay (TOML)"))
        results = w.VBox([
            self.status,
            w.HTML("<b>名次变化 rank shifts</b> (mean rank over the replicate years)"), self.shift_chart,
            w.HTML("<b>名次区间 rank intervals</b> (median and 5–95 %)"), self.interval_chart,
            w.HTML("<b>组内一致性 agreement by group</b>"), self.agreement,
            w.HTML("<b>评先变化 award changes</b>"), self.awards,
            w.HTML("<b>排名 ranking</b> (by mean rank under the variant)"), self.ranking,
            w.HTML("<b>模拟诊断 diagnostics</b> (can each group's ranking tell units apart?)"), self.diagnostics,
            w.HTML("<b>策略应对 strategic response</b> (on request: units choose how to spend extra effort)"),
            self.response_button, self.response,
        ], layout=w.Layout(width="52%"))
        self.children = [
            w.HTML("<h3 style='margin:4px 0'>政务信息考核办法: 如果改规则 — what if the rules changed?</h3>"),
            w.HBox([self.rulebook_box, self.population_box, self.units_box, self.replicates_box, self.seed_box,
                    self.rule_box],
                   layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.name_box, self.save_button, self.export_button, self.reset_button]),
            self.files,
            w.HBox([self.controls_box, results], layout=w.Layout(align_items="flex-start")),
            w.HTML("<b>重现本页 reproduce this screen</b>"), code_tabs,
        ]
        # every handler is guarded: a failure shows as one line on the page, never as a traceback
        self.rulebook_box.observe(self._safely(lambda _: self._load(keep_changes=False)), "value")
        self.rule_box.observe(self._safely(lambda change: change["new"] and self.add_rule(change["new"])), "value")
        for box in (self.units_box, self.replicates_box, self.seed_box):
            box.observe(self._safely(lambda _: self._load(keep_changes=True)), "value")
        self.population_box.observe(self._safely(self._population_changed), "value")
        self.name_box.observe(self._safely(lambda _: self._show_overlay()), "value")
        self.save_button.on_click(self._safely(lambda _: self.save()))
        self.export_button.on_click(self._safely(lambda _: self.export()))
        self.reset_button.on_click(self._safely(lambda _: self.reset()))
        self.response_button.on_click(self._safely(lambda _: self.respond()))
        self._load(keep_changes=False)

    def _safely(self, handler):
        """``handler`` for a widget event: an unexpected error is logged in the
        server's terminal and shown on the page as one line, without a traceback."""
        def guarded(*args):
            try:
                return handler(*args)
            except Exception as exc:  # noqa: BLE001 - the page must stay usable whatever went wrong
                import logging

                logging.getLogger("simsuite.explorer").exception("explorer event failed")
                self._status(f"出错了 something went wrong ({type(exc).__name__}: {exc}); "
                             f"the last good result is still shown", error=True)
                return None

        return guarded

    # ---- state ---------------------------------------------------------------------
    @property
    def population(self) -> Any:
        return "real" if self.population_box.value == "real" else int(self.units_box.value)

    def changes(self) -> dict[str, Any]:
        """The changes the controls hold (ValueError if one is bad)."""
        return self.panel.changes()

    def set(self, path: str, value: Any) -> None:
        """Set a parameter's control, as a user would; the screen redraws."""
        self.panel.set(path, value)

    def add_rule(self, name: str) -> None:
        """Add a rule component from the catalogue, as a user picks it: the
        controls gain its parameters at their documented defaults, the
        changes made so far stay, and the code panel adds the rule too."""
        try:
            kept = self.panel.changes()
            start = self.whatif.add_rule(name)
        except ValueError as exc:
            self._status(f"无法添加规则 cannot add the rule: {exc}", error=True)
            return
        self._build_panel(start)
        with self.panel_silenced():
            self.panel.apply(kept)
        self._rule_options()
        self.refresh()

    def _build_panel(self, rb) -> None:
        self.panel = ControlPanel(rb)
        self.panel.observe(self._safely(lambda _path: self.refresh()))
        self.controls_box.children = [self.panel.widget]

    def _rule_options(self) -> None:
        from ..rules.registry import catalogue

        cat = catalogue()
        self.rule_box.options = [(ADD_RULE, "")] + [(f"{cat[n].zh} {n}", n) for n in self.whatif.addable()]
        self.rule_box.value = ""

    def reset(self) -> None:
        """Every control back at the baseline, with one redraw."""
        with self.panel_silenced():
            self.panel.reset()
        self.refresh()

    @property
    def status_text(self) -> str:
        """The status line as plain text."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.status.value))

    def _population_changed(self, _) -> None:
        self.units_box.disabled = self.population_box.value == "real"
        self._load(keep_changes=True)

    def _load(self, keep_changes: bool) -> None:
        try:
            kept = self.panel.changes() if keep_changes and hasattr(self, "panel") else {}
        except ValueError as exc:
            self._status(f"未重新生成 not regenerated, fix this value first: {exc}", error=True)
            return
        self._status("生成重复年份 generating replicate years …", busy=True)
        added = self.whatif.added if keep_changes and hasattr(self, "whatif") else ()
        try:
            self.whatif = WhatIf(self.rulebook_box.value, population=self.population,
                                 replicates=self.replicates_box.value, seed=self.seed_box.value, year=self.year)
        except (ValueError, FileNotFoundError) as exc:
            self._status(f"无法生成 cannot generate: {exc}", error=True)
            return
        for name in added:  # rules added from the catalogue stay with a new population
            self.whatif.add_rule(name)
        same_rulebook = hasattr(self, "panel") and self.panel.parameters is self.whatif.rulebook.parameters
        if added:
            self._build_panel(self.whatif.start)
        elif not (keep_changes and same_rulebook):
            self._build_panel(self.whatif.rulebook)
            self.name_box.value = f"{self.whatif.rulebook.id}-variant"
        self._rule_options()
        with self.panel_silenced():
            self.panel.apply(kept)
        self.refresh()

    @contextmanager
    def panel_silenced(self):
        """Apply several control values with one redraw at the end."""
        self._silent = True
        try:
            yield
        finally:
            self._silent = False

    # ---- redraw ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-score the variant the controls describe and redraw everything."""
        if getattr(self, "_silent", False):
            return
        started = time.perf_counter()
        try:
            changes = self.panel.changes()
        except ValueError as exc:
            self._status(f"未重算 not recomputed: {exc}", error=True)
            return
        try:
            result = self.whatif.run(changes)
        except ValueError as exc:  # a VariantError, or a calendar the drawn histories cannot serve
            self._status(f"未重算 not recomputed: {exc}", error=True)
            return
        scored = time.perf_counter()
        self.result = result
        self.response.value = ""  # it answered for the previous variant
        self.ranking.value = ranking_html(result.comparison)  # the numbers first, the charts after them
        self.awards.value = awards_html(result.comparison)
        self.agreement.value = agreement_html(result.comparison)
        self.diagnostics.value = diagnostics_html(result.diagnostics, self.whatif.rulebook)
        self.code.value = self.whatif.code(changes)
        self._show_overlay(changes)
        tabled = time.perf_counter()
        self._status(f"名次已重算 ranks recomputed in {tabled - started:.2f} s · "
                     "图表重绘中 redrawing the charts …", busy=True)
        self.shift_chart.value, self.interval_chart.value = self._charts(result)
        self.timings = {"scoring": scored - started, "tables": tabled - scored,
                        "charts": time.perf_counter() - tabled, "total": time.perf_counter() - started}
        self.updates += 1
        n = len(result.changes)
        note = ""
        if not n:
            note = " · 所有参数均为基准值 every parameter is at its baseline value"
        elif result.comparison.identical:
            note = (" · <span style='color:#b00'>变体与基准结果完全相同: 这些改动不影响任何得分 "
                    "— the variant changes no score, rank or award</span>")
        hopeless = [g for g, _, _ in degenerate_groups(self.whatif.base_panel)]
        if hopeless:  # the same test as the report's: most finals 0, or all tied in most years
            note += (f" · <span style='color:#b00'>排名无效的组 degenerate groups: {html.escape(', '.join(hopeless))}"
                     f" — 多数单位得 0 分或并列 most units score 0 or tie (docs/calibration.md)</span>")
        self._status(f"名次已重算 ranks recomputed in {self.timings['scoring'] + self.timings['tables']:.2f} s, "
                     f"charts in {self.timings['charts']:.2f} s · "
                     f"{n} change(s) · {self.whatif.replicates} replicate years × {len(self.whatif.units)} units"
                     f"{note}")

    def respond(self) -> None:
        """What units would do under the variant on screen: best responses to
        an approximate equilibrium on the screen's units, year and seed, over
        at most :data:`RESPONSE_REPLICATES` replicate years (on request only,
        so that changing a rule stays quick)."""
        from ..response import answers, solve

        try:
            rb = self.whatif.variant(self.panel.changes())
        except ValueError as exc:
            self._status(f"未计算 not computed: {exc}", error=True)
            return
        started = time.perf_counter()
        eq = solve(rb, self.whatif.units, self.whatif.year, behaviour=self.whatif.behaviour,
                   replicates=min(RESPONSE_REPLICATES, self.whatif.replicates), seed=self.whatif.seed, max_rounds=8)
        self.response.value = response_html(answers.summary(eq), answers.effort_shares(eq), eq,
                                            time.perf_counter() - started)

    def _show_overlay(self, changes: dict[str, Any] | None = None) -> None:
        """The overlay panel: the file "save" would write, titled by the name box."""
        if not hasattr(self, "whatif"):
            return
        try:
            changes = self.panel.changes() if changes is None else changes
            self.overlay.value = self.whatif.overlay(changes, title=self.name_box.value)
        except ValueError as exc:
            self.overlay.value = f"# {exc}"

    def _charts(self, result: WhatIfResult) -> tuple[str, str]:
        """Both charts as inline SVG (see :mod:`simsuite.explorer.svg` for why not matplotlib)."""
        names = {g.id: g.name for g in self.whatif.rulebook.file.groups.values()}
        return (rank_shift_svg(result.comparison.units, names=("基准", "变体"), group_names=names),
                rank_intervals_svg(result.distributions, by="comparison", group_names=names))

    def _status(self, text: str, error: bool = False, busy: bool = False) -> None:
        colour = "#b00" if error else ("#666" if busy else "#064")
        self.status.value = (f"<div class='simsuite-status-text' data-update='{self.updates}' "
                             f"data-state='{'error' if error else 'busy' if busy else 'ready'}' "
                             f"style='color:{colour}; white-space:pre-wrap'>"
                             f"{text if not error else html.escape(text)}</div>")

    # ---- files -----------------------------------------------------------------------
    def save(self) -> Path | None:
        """Write the variant as an overlay file (never over an existing one)."""
        try:
            path = self.whatif.save(self.panel.changes(), self.name_box.value, self.variants_dir,
                                    title=self.name_box.value)
        except (ValueError, OSError) as exc:
            self.files.value = f"<span style='color:#b00'>未保存 not saved: {html.escape(str(exc))}</span>"
            return None
        self.files.value = f"已保存 saved <code>{html.escape(str(path))}</code>"
        return path

    def export(self) -> Path | None:
        """Write the comparison to Excel (units, groups, awards) and offer it for download."""
        try:
            changes = self.panel.changes()
            path = free_path(self.exports_dir, safe_name(self.name_box.value), ".xlsx")
            self.whatif.export(changes, path)
        except (ValueError, OSError) as exc:
            self.files.value = f"<span style='color:#b00'>未导出 not exported: {html.escape(str(exc))}</span>"
            return None
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.files.value = (f"已导出 exported <code>{html.escape(str(path))}</code> · "
                            f"<a download='{html.escape(path.name)}' href='data:{mime};base64,{data}'>下载 download</a>")
        return path


#: replicate years the explorer's strategic response uses at most
RESPONSE_REPLICATES = 64


def response_html(summary: pd.DataFrame, shares: pd.DataFrame, eq, seconds: float) -> str:
    """The response table: each statistic under fixed behaviour and under response."""
    rows = "".join(f"<tr><td>{html.escape(r.zh)}<br><small>{html.escape(r.en)}</small></td><td>{_cell(r.fixed)}</td>"
                   f"<td>{_cell(r.response)}</td><td>{_cell(r.change)}</td></tr>" for r in summary.itertuples())
    effort = " · ".join(f"{html.escape(r.zh)} {r.share:.0%}" for r in shares.itertuples() if r.share)
    return (f"<table class='simsuite-response-table'><tr><th></th><th>行为不变 fixed</th><th>策略应对 response</th>"
            f"<th>变化 change</th></tr>{rows}</table>"
            f"<p>努力投向 effort: {effort or '无 none'}</p>"
            f"<p><small>ε = {eq.eps:.3f}(任一单位改变策略最多还能提高的收益 the largest gain any unit could still "
            f"make; {'converged' if eq.converged else 'not converged'}) · {seconds:.1f} s</small></p>")


def _classed(widget: w.DOMWidget, name: str) -> w.DOMWidget:
    widget.add_class(name)
    return widget


def _cell(value: Any, fmt: str = "{:.2f}") -> str:
    if isinstance(value, float):
        return fmt.format(value)
    return html.escape(str(value))


def ranking_html(comparison) -> str:
    """The ranking as the explorer shows it: one row per unit, ``data-unit`` set."""
    table = ranking_table(comparison)
    head = ("<tr><th>单位 unit</th><th>组 group</th><th>基准名次 baseline</th><th>变体名次 variant</th>"
            "<th>变化 shift</th><th>评先 award</th></tr>")
    rows = []
    for r in table.itertuples():
        shift = r.mean_shift
        colour = "#064" if shift < -0.05 else "#b00" if shift > 0.05 else "#444"
        award = r.award_base if r.award_base == r.award_variant else f"{r.award_base or '—'} → {r.award_variant or '—'}"
        rows.append(f"<tr data-unit='{html.escape(str(r.unit_id))}'><td class='name'>{html.escape(str(r.name))}</td>"
                    f"<td>{html.escape(str(r.group))}</td><td class='rank-base'>{r.rank_base:.2f}</td>"
                    f"<td class='rank-variant'>{r.rank_variant:.2f}</td>"
                    f"<td style='color:{colour}'>{shift:+.2f}</td><td>{html.escape(str(award))}</td></tr>")
    return (f"<div style='max-height:420px; overflow-y:auto'><table class='simsuite-ranking-table'>"
            f"{head}{''.join(rows)}</table></div>"
            f"<p style='font-size:85%; color:#555'>{html.escape(SIMULATED_TRAITS[0])}<br>"
            f"{html.escape(SIMULATED_TRAITS[1])}</p>")


def awards_html(comparison, n: int = 15) -> str:
    """The units whose award is likeliest to change, with the chances."""
    a = comparison.awards
    if a.empty:
        return "<i>这套办法不评奖 this rulebook names no awards</i>"
    moved = a[(a["p_enter"] > 0) | (a["p_leave"] > 0)].copy()
    if moved.empty:
        return "<i>评先结果不变 no award changes in any replicate year</i>"
    moved["p_change"] = moved[["p_enter", "p_leave"]].max(axis=1)
    moved = moved.sort_values(["p_change", "award", "unit_id"], ascending=[False, True, True]).head(n)
    shown = moved[["award", "name", "group", "p_base", "p_variant", "p_enter", "p_leave"]].rename(columns={
        "award": "奖项 award", "name": "单位 unit", "group": "组 group", "p_base": "基准 baseline",
        "p_variant": "变体 variant", "p_enter": "进入 enter", "p_leave": "退出 leave"})
    return shown.to_html(index=False, float_format="{:.0%}".format, classes="simsuite-awards-table", border=0)


def agreement_html(comparison) -> str:
    g = comparison.groups
    shown = pd.DataFrame({
        "组 group": g["group"], "单位数 units": g["n_units"],
        "Kendall τb": g["kendall_tau_b"], "加权 weighted τ": g["weighted_tau"],
        "平均名次变化 mean |shift|": g["mean_abs_shift"], "评先改变 award changed": g["share_award_changed"],
    })
    return shown.to_html(index=False, float_format="{:.3f}".format, border=0)


def diagnostics_html(table: pd.DataFrame, rulebook) -> str:
    """The diagnostics of both sides, labelled and rounded as in the report,
    with the warning of each degenerate group."""
    from ..analytics.diagnostics import warnings_of

    names = {g.id: g.name for g in rulebook.file.groups.values()}
    warnings = "".join(f"<p style='color:#b00'>{html.escape(zh)}<br>{html.escape(en)}</p>"
                       for zh, en in warnings_of(table))
    table = table.assign(degenerate=table["degenerate"].map({True: "是 yes", False: ""}))
    shown = readable(table.drop(columns=["rulebook", "warning_zh", "warning_en"], errors="ignore"), names)
    return shown.to_html(index=False, border=0, classes="simsuite-diagnostics-table") + warnings


def explore(rulebook: str = "ningxia-transport-2021", **options: Any) -> Explorer:
    """Display the explorer (in a notebook) and return it."""
    from IPython.display import display

    explorer = Explorer(rulebook, **options)
    display(explorer)
    return explorer


__all__ = ["BASE_NAME", "VARIANT_NAME", "Explorer", "explore", "ranking_html"]
