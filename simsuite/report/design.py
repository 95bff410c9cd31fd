"""What a rule design search hands a policy office: the Pareto front as a
table and a chart, every front member as a ready variant file, the baseline
beside the recommended designs, and one HTML page, written into a folder
atomically (as a run's results are)."""

from __future__ import annotations

import base64
import html
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ..design import OBJECTIVES, DesignResult
from ..engine.rulebook import Rulebook
from ..engine.variant_file import write_variant
from ..plots.charts import figure_png_bytes
from ..plots.design import design_front_chart
from ..runs.run import _move_into_place, refuse_output
from ..version import VERSION
from .html import STYLE

STUDY_FILE = "study.journal"


def changes_text(rulebook: Rulebook, baseline: Rulebook) -> str:
    """A candidate's changes from the baseline in one line: path old → new; components added and removed."""
    parts = []
    for path, p in rulebook.parameters.leaves.items():
        old = baseline.parameters[path] if path in baseline.parameters else None
        if old is None:  # a parameter of an added component
            parts.append(f"{path} = {_show(p.value)}")
        elif p.value != old:
            parts.append(f"{path}: {_show(old)} → {_show(p.value)}")
    added = [c for c in rulebook.component_names if c not in baseline.component_names]
    removed = [c for c in baseline.component_names if c not in rulebook.component_names]
    parts += [f"+ {c}" for c in added] + [f"− {c}" for c in removed]
    return "; ".join(parts) or "无改动 no change"


def _show(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def objective_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Each objective as "mean ± SE", rounded to its digits, under its Chinese and English label."""
    out = pd.DataFrame(index=frame.index)
    for name, o in OBJECTIVES.items():
        if name not in frame:
            continue
        mean, se = frame[name], frame[f"{name}_se"]
        out[o.label] = [("—" if pd.isna(m) else f"{m:.{o.digits}f}" if pd.isna(s) or s == 0
                         else f"{m:.{o.digits}f} ± {s:.{max(o.digits, 1) + 1}f}") for m, s in zip(mean, se)]
    return out


def design_tables(result: DesignResult) -> dict[str, pd.DataFrame]:
    """front (one row per front member, numbers), trials (every trial with
    its searched values as columns) and designs (the baseline beside the
    recommended designs: objectives and how the ranking moves)."""
    spec, base = result.spec, result.spec.baseline
    front = result.front.copy()
    front.insert(1, "changes", [changes_text(result.candidate(int(n)), base) for n in front["number"]])
    front.insert(2, "variant_file", [f"variants/design-{int(n):03d}.toml" if result.candidate(int(n)) is not base
                                     else "" for n in front["number"]])  # today's rule needs no file
    front = front.drop(columns=["values"])
    values = pd.DataFrame([json.loads(v) for v in result.trials["values"]], index=result.trials.index)
    trials = pd.concat([result.trials.drop(columns=["values"]), values], axis=1)
    at_eq = {k: bool(v) if k == "converged" else v for k, v in result.baseline.response.items()}
    rows = [{"design": "现行规则 baseline", "number": None, "changes": "无改动 no change",
             **_flat(result.baseline.values), **at_eq, "mean_abs_shift": 0.0, "share_award_changed": 0.0}]
    for label, (number, c) in result.comparisons().items():
        g = c.groups
        w = g["n_units"] / g["n_units"].sum()
        row = result.trials.loc[result.trials["number"] == number].iloc[0]
        rows.append({"design": _RECOMMENDED[label], "number": number,
                     "changes": changes_text(result.candidate(number), base),
                     **{k: row[k] for k in result.trials.columns if k in _objective_keys() or k in at_eq},
                     "mean_abs_shift": float((g["mean_abs_shift"] * w).sum()),
                     "share_award_changed": float((g["share_award_changed"] * w).sum())})
    designs = pd.DataFrame(rows)
    designs["number"] = designs["number"].astype("Int64")  # the baseline is no trial
    return {"front": front, "trials": trials, "designs": designs}


_RECOMMENDED = {"best weighted": "加权最优 best by the weighted objectives",
                "closest better fidelity": "改动最小且更贴近质量 closest to today's rule with better fidelity"}


def _objective_keys() -> set[str]:
    return {c for n in OBJECTIVES for c in (n, f"{n}_se")}


def _flat(values) -> dict[str, float]:
    return {k: v for n, (m, s) in values.items() for k, v in ((n, m), (f"{n}_se", s))}


def write_design(result: DesignResult, out: str | Path, *, force: bool = False,
                 study_file: str | Path | None = None, x: str | None = None, y: str | None = None) -> Path:
    """front.csv, trials.csv, designs.csv, variants/*.toml, figures/front.png
    (and its data), report.html, the specification and the study's journal,
    written into a staging folder beside ``out`` and moved into place when
    complete. A non-empty ``out`` is refused unless ``force``."""
    out = Path(out)
    refuse_output(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.writing-", dir=out.parent))
    try:
        tables = design_tables(result)
        for name, frame in tables.items():
            frame.to_csv(staging / f"{name}.csv", index=False, encoding="utf-8-sig")  # opens in Excel as UTF-8
        (staging / "variants").mkdir()
        for number in tables["front"]["number"]:
            rb = result.candidate(int(number))
            if rb.baseline is not None:
                _variant(result, int(number), rb, staging / "variants" / f"design-{int(number):03d}.toml")
        x, y = _axes(result, x, y)
        figure = design_front_chart(result.trials, result.front, result.baseline.values, x, y)
        png = figure_png_bytes(figure)
        (staging / "figures").mkdir()
        (staging / "figures" / "front.png").write_bytes(png)
        result.trials[["number", "feasible", x, f"{x}_se", y, f"{y}_se"]].to_csv(
            staging / "figures" / "front.csv", index=False, encoding="utf-8-sig")
        (staging / "design.toml").write_text(result.spec.text, encoding="utf-8")
        if study_file is not None and Path(study_file).exists():
            shutil.copyfile(study_file, staging / STUDY_FILE)
        (staging / "report.html").write_text(render_design_html(result, tables, png, x, y), encoding="utf-8")
        _move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _axes(result: DesignResult, x: str | None, y: str | None) -> tuple[str, str]:
    """The chart's two objectives: given, else fidelity against the first other searched one."""
    searched = list(result.spec.search)
    x = x or ("change_size" if "change_size" in searched else searched[-1])
    y = y or ("tau_b" if x != "tau_b" else next((s for s in searched if s != x), "rank_shift"))
    if x == y:
        y = next(n for n in OBJECTIVES if n != x)
    return x, y


def _variant(result: DesignResult, number: int, rb: Rulebook, path: Path) -> None:
    """The design as a variant file, titled and described with its objective values."""
    from dataclasses import replace

    row = result.trials.loc[result.trials["number"] == number].iloc[0]
    summary = "; ".join(f"{n} = {row[n]:.{OBJECTIVES[n].digits}f}"
                        + (f" ± {row[f'{n}_se']:.{OBJECTIVES[n].digits + 1}f}" if row[f"{n}_se"] > 0 else "")
                        for n in OBJECTIVES if pd.notna(row[n]))
    judged = (f", judged at the units' equilibrium, ε = {row['eps']:.3f}" if result.spec.response else "")
    write_variant(replace(rb, title=f"设计方案 {number} design {number}: {result.spec.title}",
                          description=f"Found by a rule design search (seed {result.spec.seed}, "
                                      f"{_years(result.spec)} replicate years{judged}): {summary}"), path)


def _years(spec) -> int:
    """Replicate years each design is scored on (the response's, at equilibrium)."""
    return spec.response.replicates if spec.response else spec.replicates


def equilibrium_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """At equilibrium: each design's ε, whether it converged, and what units then file, labelled."""
    out = pd.DataFrame(index=frame.index)
    if "eps" not in frame:
        return out
    out["均衡误差 ε (equilibrium gap)"] = [f"{v:.3f}" + ("" if c else " 未收敛 not converged")
                                        for v, c in zip(frame["eps"], frame["converged"])]
    out["每单位年报送条数 items a unit files a year"] = frame["items_a_year"].map("{:.1f}".format)
    out["改变做法的单位 units that change what they do"] = frame["moved"].map("{:.0%}".format)
    return out


# ---- the page -----------------------------------------------------------------------------------

def render_design_html(result: DesignResult, tables: dict[str, pd.DataFrame], png: bytes, x: str, y: str) -> str:
    spec = result.spec
    e = _e
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{e(spec.title)}</title>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{STYLE}</style></head><body>",
             f"<h1>{e(spec.title)}</h1>"]
    if spec.description:
        parts.append(f"<p class='lead'>{e(spec.description)}</p>")
    parts.append(_summary(result, tables))
    parts.append("<h2>最优权衡 <span class='en'>The best trade-offs</span></h2>"
                 f"<figure><img alt='front' src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}'>"
                 f"<figcaption>每个点是一个候选规则，在同一批 {_years(spec)} 个模拟年度上评分"
                 f"{'（按各单位在该规则下的均衡做法）' if spec.response else ''}；蓝线为没有其他方案"
                 f"在所有目标上都更好的方案（误差线为 ±1 标准误），红星为现行规则。<span class='en'> Each dot is a candidate "
                 f"rule scored on the same {_years(spec)} simulated years"
                 f"{' (with every unit doing what it would do under that rule)' if spec.response else ''}; "
                 f"blue: the designs no other beats on "
                 f"every objective (bars ±1 SE); red star: today's rule.</span> "
                 f"<span class='note'>数据 Data: <code>figures/front.csv</code></span></figcaption></figure>")
    front = tables["front"]
    shown = pd.concat([front[["number", "changes", "variant_file"]].rename(columns={
        "number": "方案 design", "changes": "改动 changes", "variant_file": "方案文件 variant file"}),
        objective_columns(front), equilibrium_columns(front)], axis=1)
    parts.append("<h3>前沿上的方案 <span class='en'>Designs on the front</span></h3>"
                 "<p class='note'>每个方案的改动已写成可直接使用的方案文件（variants/），可用 simsuite score --variant "
                 "或放进情景文件的 [[compare]]。<span class='en'> Each design's changes are written as a ready variant "
                 "file (variants/), for simsuite score --variant or a scenario's [[compare]].</span></p>"
                 + _table(shown))
    parts.append(_side_by_side(result, tables["designs"]))
    parts.append(_glossary())
    parts.append(_details(result))
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary(result: DesignResult, tables) -> str:
    spec, base = result.spec, result.baseline.values
    n, feasible = len(result.trials), int(result.trials["feasible"].sum())
    out = ["<section class='summary'><h2>要点 <span class='en'>Summary</span></h2><ul>"]
    if spec.response:
        converged = int(result.trials["converged"].sum())
        out.append(f"<li><b>按单位的应对评估：</b>每个方案都在各单位对它的均衡做法下评分（每个单位从 "
                   f"{len(spec.strategies)} 种做法中选对自己最有利的），而不是假定单位照旧报送；{converged}/{n} 个方案的均衡"
                   f"已收敛（ε ≤ {spec.response.tolerance:g}）。<span class='en'> <b>Judged at the units' "
                   f"equilibrium:</b> every design is scored with each unit doing what pays it best under that rule "
                   f"(one of {len(spec.strategies)} strategies), not with behaviour fixed; the equilibrium of "
                   f"{converged} of {n} designs converged (ε ≤ {spec.response.tolerance:g}, the largest gain any "
                   f"unit could still make by changing what it does).</span></li>")
    out += [
           f"<li>试了 {n} 个候选规则（{feasible} 个满足约束），前沿上有 {len(result.front)} 个。"
           f"<span class='en'> {n} candidate rules tried ({feasible} meet the constraints); "
           f"{len(result.front)} are on the front.</span></li>",
           f"<li>现行规则：排名与质量一致度 τ-b = {base['tau_b'][0]:.3f}，年际名次变动 {base['rank_shift'][0]:.2f} 名。"
           f"<span class='en'> Today's rule: tau-b with quality {base['tau_b'][0]:.3f}, a unit moves "
           f"{base['rank_shift'][0]:.2f} places between two years.</span></li>"]
    for _, row in tables["designs"].iloc[1:].iterrows():
        out.append(f"<li><b>{_e(row['design'])}</b>（方案 design {int(row['number'])}）: {_e(row['changes'])} — "
                   f"τ-b {row['tau_b']:.3f} ± {row['tau_b_se']:.4f}, 名次变动 rank shift {row['rank_shift']:.2f}; "
                   f"与现行规则相比平均移动 {row['mean_abs_shift']:.2f} 名 "
                   f"<span class='en'>(units move {row['mean_abs_shift']:.2f} places from today's ranking on "
                   f"average)</span></li>")
    if len(tables["designs"]) == 1:
        out.append("<li>没有方案在满足约束的同时明显提高一致度。<span class='en'> No design meets the constraints "
                   "and clearly improves fidelity.</span></li>")
    out.append("</ul></section>")
    return "\n".join(out)


def _side_by_side(result: DesignResult, designs: pd.DataFrame) -> str:
    shown = pd.concat([designs[["design", "changes"]].rename(columns={"design": "方案 design",
                                                                      "changes": "改动 changes"}),
                       objective_columns(designs), equilibrium_columns(designs)], axis=1)
    shown["与现行规则的平均名次差 mean rank shift from today's"] = designs["mean_abs_shift"].map("{:.2f}".format)
    shown["奖项变化的比例 share of awards that change"] = designs["share_award_changed"].map("{:.1%}".format)
    parts = ["<h2>现行规则与推荐方案 <span class='en'>Today's rule beside the recommended designs</span></h2>",
             "<p class='note'>在同一批模拟年度上比较：名次和奖项的变化全来自规则。<span class='en'> Compared on the same "
             "simulated years: every change of rank or award is the rule's doing.</span></p>", _table(shown)]
    for label, (number, c) in result.comparisons().items():
        movers = c.movers(10)[["name", "group", "rank_base", "rank_variant", "mean_shift", "p_award_changed",
                               "award_base", "award_variant"]].rename(columns={
            "name": "单位 unit", "group": "组 group", "rank_base": "现行平均名次 mean rank today",
            "rank_variant": "方案平均名次 mean rank under the design", "mean_shift": "平均变动 mean shift",
            "p_award_changed": "奖项改变概率 chance the award changes", "award_base": "现行常见奖项 usual award today",
            "award_variant": "方案常见奖项 usual award under the design"})
        parts.append(f"<h3>{_e(_RECOMMENDED[label])}（方案 design {number}）：名次变动最大的单位 "
                     f"<span class='en'>the units that move most</span></h3>" + _table(movers.round(2)))
    return "\n".join(parts)


def _glossary() -> str:
    items = "".join(f"<dt>{_e(o.label)} — {'越大越好 higher is better' if o.sign > 0 else '越小越好 lower is better'}"
                    f"</dt><dd>{_e(o.meaning_zh)}<br><span class='en'>{_e(o.meaning)}</span></dd>"
                    for o in OBJECTIVES.values())
    items += "".join(f"<dt>{_e(term)}</dt><dd>{_e(zh)}<br><span class='en'>{_e(en)}</span></dd>" for term, zh, en in (
        ("与现行规则的平均名次差 mean rank shift from today's",
         "同一模拟年度里, 单位在方案下与在现行规则下名次之差的绝对值, 对单位和年度取平均",
         "how many places a unit's rank differs from its rank under today's rule in the same simulated year, "
         "averaged over units and years"),
        ("奖项变化的比例 share of awards that change",
         "同一模拟年度里, 单位所得奖项(或扣分档)与现行规则下不同的比例",
         "share of units and years whose award (or deduction tier) differs from today's rule's"),
        ("± 标准误 standard error",
         "模拟年度有限带来的不确定性; 两个方案相差小于标准误时, 分不出高下",
         "the uncertainty from a finite number of simulated years; two designs closer than it are not really "
         "different")))
    return ("<h2 id='glossary'>目标的含义 <span class='en'>What the objectives mean</span></h2>"
            f"<dl class='glossary'>{items}</dl>")


def _details(result: DesignResult) -> str:
    spec = result.spec
    rows = {"基准规则 baseline": spec.baseline.name, "评估年度 assessment year": spec.year,
            "模拟年度数 simulated years": _years(spec), "随机种子 seed": spec.seed,
            "候选规则数 trials": len(result.trials), "每代候选数 candidates a generation": spec.generation,
            "搜索的目标 objectives searched": ", ".join(spec.search),
            "搜索的参数 parameters searched": "; ".join(f"{d.path} {d.describe()}" for d in spec.dimensions),
            "可增删的组件 components": "; ".join([f"+ {c}" for c in spec.add] + [f"− {c}" for c in spec.remove]) or "—"}
    if spec.response:
        rows["评估方式 judged"] = ("单位的均衡做法 at the units' equilibrium: "
                                 f"{_years(spec)} 个模拟年度 simulated years, 容差 tolerance ε ≤ {spec.response.tolerance:g}, "
                                 f"至多 at most {spec.response.max_rounds} 轮 rounds")
        rows["候选做法 candidate strategies"] = "; ".join(d.strategy.name for d in spec.strategies)
    else:
        rows["评估方式 judged"] = "单位照旧报送 with the units' behaviour fixed"
    rows["simsuite"] = VERSION
    body = "".join(f"<tr><th class='text'>{_e(k)}</th><td class='text'>{_e(v)}</td></tr>" for k, v in rows.items())
    return (f"<h2>搜索信息 <span class='en'>About this search</span></h2><table>{body}</table>"
            f"<p class='note'>全部候选见 trials.csv，前沿见 front.csv；{STUDY_FILE} 保存了搜索，simsuite design --resume "
            f"可接着搜索。<span class='en'> Every candidate is in trials.csv, the front in front.csv; {STUDY_FILE} "
            f"keeps the search, which simsuite design --resume continues.</span></p>")


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th class='text'>{_e(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td class='text'>{_e('' if pd.isna(v) else v)}</td>" for v in r) + "</tr>"
                   for r in frame.itertuples(index=False))
    return f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"


def _e(text) -> str:
    return html.escape(str(text))
