"""One HTML page a staff member can open offline, e-mail or print to A4: a
one-screen summary, then one section per question, a glossary of every
statistic, and the run's details. Every figure is an embedded PNG, every
table inline, nothing fetched from anywhere."""

from __future__ import annotations

import base64
import html

import pandas as pd

from ..plots.charts import mover_threshold
from .labels import GLOSSARY, column_label, readable, traits_note

STYLE = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.55; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.3em; margin-top: 2.2em;
     border-bottom: 2px solid #2a7ab0; padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin: 1.6em 0 0.4em; }
.en { color: #555; } .lead { color: #444; margin-top: 0; }
.summary { background: #f4f8fb; border: 1px solid #c9dbe8; border-radius: 6px; padding: 0.8em 1.2em; }
.summary h2 { margin-top: 0.2em; border: none; }
.summary h3 { margin: 0.8em 0 0.2em; } .summary ul { margin: 0.2em 0 0.6em; padding-left: 1.2em; }
.summary li { margin: 0.15em 0; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.2em; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; } td.text, th.text { text-align: left; }
.warning { background: #fff3cd; border: 1px solid #e0b000; padding: 0.6em 1em; margin: 1em 0; }
.note { color: #555; font-size: 0.92em; }
figure { margin: 1em 0 2em; } figcaption { color: #444; font-size: 0.92em; }
img { max-width: 100%; } .wide { overflow-x: auto; }
dl.glossary dt { font-weight: 600; margin-top: 0.6em; } dl.glossary dd { margin: 0.1em 0 0 1.2em; }
nav ol { margin: 0.3em 0; } nav a { color: #2a7ab0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; line-height: 1.4; }
  nav, .screen-only { display: none; }
  h2 { break-before: page; break-after: avoid; } .summary h2 { break-before: auto; }
  h3, figcaption { break-after: avoid; }
  figure, table, tr, .summary li, dl.glossary dd { break-inside: avoid; }
  img { max-height: 240mm; object-fit: contain; }
  .wide { overflow: visible; } table { font-size: 8pt; }
  .summary { border: none; background: none; padding: 0; }
}
"""

#: the report's questions, each with the tables and figures that answer it
SECTIONS = [
    ("fit", "模拟能否区分单位？", "Can the simulation tell the units apart?"),
    ("moves", "谁的名次变了？", "Who moves when the rules change?"),
    ("awards", "奖项与扣分有何变化？", "How do awards and deductions change?"),
    ("sure", "名次有多确定？", "How sure are the ranks?"),
    ("merit", "排名是否反映真实水平？", "Does the ranking follow merit?"),
    ("sources", "得分从哪里来？", "Where do the points come from?"),
    ("jurisdictions", "各地办法对比", "The rulebooks side by side"),
]
#: award changes smaller than this are left out of the page (all are in analysis.xlsx)
AWARD_SHOWN = 0.05


def render_html(result, analysis) -> str:
    m = result.manifest
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{_e(m['scenario'])}</title>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{_e(m['scenario'])}</h1>"]
    if result.scenario.description:
        parts.append(f"<p class='lead'>{_e(result.scenario.description)}</p>")
    parts.append(_summary(result, analysis))
    sections = {key: body for key, body in _sections(result, analysis).items() if body}
    parts.append("<nav><b>目录 Contents</b><ol>" + "".join(
        f"<li><a href='#{key}'>{zh} <span class='en'>{en}</span></a></li>" for key, zh, en in SECTIONS
        if key in sections) + "<li><a href='#glossary'>术语 <span class='en'>Glossary</span></a></li>"
        "<li><a href='#run'>运行信息 <span class='en'>About this run</span></a></li></ol></nav>")
    for key, zh, en in SECTIONS:
        if key in sections:
            parts.append(f"<h2 id='{key}'>{zh} <span class='en'>{en}</span></h2>" + sections[key])
    parts.append(_glossary())
    parts.append(_run_details(m))
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary(result, analysis) -> str:
    """The answer on one screen: the headline sentences of every comparison."""
    m = result.manifest
    out = ["<section class='summary'><h2>要点 <span class='en'>Summary</span></h2>",
           f"<p class='note'>{m['replicates']} 个模拟年度 simulated years · {m['year']} 年 · "
           f"{len(m['comparisons'])} 个方案 comparisons</p>",
           "<p class='note'>{}<span class='en'> {}</span></p>".format(*map(_e, traits_note(m)))]
    for w in analysis.warnings:
        out.append(f"<div class='warning'><b>请检查 Check this variant:</b> {_e(w)}</div>")
    for h in analysis.headlines:
        title = f"{_e(h.base)} → {_e(h.variant)}" if h.base else _e(h.variant)
        out.append(f"<h3>{title}</h3><ul>" + "".join(f"<li>{_e(s)}</li>" for s in h.zh) + "</ul>"
                   "<ul class='en'>" + "".join(f"<li>{_e(s)}</li>" for s in h.en) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def _sections(result, analysis) -> dict[str, str]:
    t, figs = analysis.tables, {f.key: f for f in analysis.figures}
    names = analysis.group_names  # per comparison: one rulebook's "office" is not another's
    out = {key: "" for key, _, _ in SECTIONS}
    if "diagnostics" in t:
        out["fit"] = ("<p class='note'>每个方案、每个排名组的模拟诊断；标为“排名无效”的组，比较结果不说明规则。"
                      "<span class='en'> Diagnostics per comparison and ranking group; where a group is marked "
                      "degenerate, its comparison says nothing about the rule.</span></p>"
                      + _table(t["diagnostics"], names))
    moves, awards = [], []
    for i, c in enumerate(analysis.comparisons, 1):
        head = f"<h3>{_e(c.base)} → {_e(c.variant)}</h3>"
        agreement = c.groups.drop(columns=[x for x in c.groups.columns if x.startswith("spearman")])
        moved = c.units.assign(threshold=c.units["group"].map(c.units["group"].value_counts()).map(mover_threshold))
        moved = moved[(moved["rank_variant"] - moved["rank_base"]).abs() >= moved["threshold"]]
        moved = moved.reindex(moved["mean_shift"].abs().sort_values(ascending=False).index)
        movers = (_table(moved[["name", "group", "rank_base", "rank_variant", "mean_shift", "mean_shift_se",
                                "p_rank_changed", "award_base", "award_variant"]].head(15), names)
                  if len(moved) else "<p>没有单位的平均名次变动达到本组规模的十分之一（至少 1 名）。"
                  "<span class='en'> No unit moves, on average, by a tenth of its group (at least one place).</span></p>")
        moves.append(head + "<p class='note'>名次均在单位所在本组内计；合并分组只改变名次范围，不算变动。"
                     "<span class='en'> Ranks are counted within each unit's own group: pooling groups widens the "
                     "scale of ranks, which is not movement.</span></p>"
                     + "<p>两种排名的一致程度（按组） <span class='en'>How far the two rankings agree, per "
                       "group</span></p>" + _table(agreement, names)
                     + "<p>名次变动较大的单位 <span class='en'>Units that move</span></p>" + movers
                     + _figure(figs.get(f"shift-{i}")))
        aw = c.awards.assign(change=c.awards["p_variant"] - c.awards["p_base"])
        aw = aw[aw["change"].abs() >= AWARD_SHOWN].sort_values("change", key=abs, ascending=False)
        awards.append(head + (_table(aw[["award", "name", "group", "p_base", "p_variant", "p_enter", "p_leave"]],
                                     names) if len(aw) else
                              f"<p>没有单位获得任何奖项的概率变动 {AWARD_SHOWN:.0%} 以上。<span class='en'> No unit's "
                              f"chance of any award changes by {AWARD_SHOWN:.0%} or more.</span></p>"))
    out["moves"] = "\n".join(moves)
    out["awards"] = ("<p class='note'>获得各奖项（或扣分档）的概率在两种规则下的变化，变动 5% 以上者列出；全部见 "
                     "analysis.xlsx。<span class='en'> Each unit's chance of each award or deduction tier under both "
                     "rulebooks, where it changes by 5 points or more; all of them are in analysis.xlsx.</span></p>"
                     + "\n".join(awards)) if awards else ""
    sure = [_table(t["stability"], names)]
    merit = [_table(t["fidelity"], names)] if "fidelity" in t else []
    # per group: points and quality, and the chances of the top three or an award where they
    # are findings; a chance fixed by the group's size (ranked alone) is left blank and named
    groups = t["groups"]
    shown = [c for c in groups.columns if not (c.startswith("p_") and groups[c].isna().all())]
    if "fixed" in groups:  # name what is left out in words staff read
        groups = groups.assign(fixed=groups["fixed"].map(
            lambda v: "; ".join(column_label(c) for c in str(v).split(", ") if c)))
    sources = [_table(groups[shown], names)]
    for k in range(1, len(result.manifest["comparisons"]) + 1):
        sure.append(_figure(figs.get(f"intervals-{k}")) + _figure(figs.get(f"heatmap-{k}")))
        sources.append(_figure(figs.get(f"sources-{k}")))
    sources += [f"<p class='note'>{_e(n)}</p>" for n in analysis.notes]
    out["sure"] = "\n".join(sure)
    out["merit"] = ("<p class='note'>仅模拟数据：把排名与每个单位的潜在质量相比。<span class='en'> Synthetic runs only: "
                    "the ranking set against each unit's latent quality.</span></p>" + "\n".join(merit)) if merit else ""
    out["sources"] = "\n".join(sources)
    if "jurisdictions" in t:
        out["jurisdictions"] = _table(t["jurisdictions"], names) + _figure(figs.get("jurisdictions"))
    return out


def _figure(fig) -> str:
    if fig is None:
        return ""
    data = base64.b64encode(fig.png).decode("ascii")
    return (f"<figure><img alt='{_e(fig.title)}' src='data:image/png;base64,{data}'>"
            f"<figcaption><b>{_e(fig.title)}</b>. {_e(fig.caption)} "
            f"<span class='note'>数据 Data: <code>figures/{fig.key}.csv</code></span></figcaption></figure>")


def _glossary() -> str:
    items = "".join(f"<dt>{_e(term)}</dt><dd>{_e(zh)}<br><span class='en'>{_e(en)}</span></dd>"
                    for term, zh, en in GLOSSARY)
    return f"<h2 id='glossary'>术语 <span class='en'>Glossary</span></h2><dl class='glossary'>{items}</dl>"


def _run_details(m: dict) -> str:
    rows = {"评估年度 assessment year": m["year"], "模拟年度数 simulated years": m["replicates"],
            "随机种子 seed": m["seed"], "simsuite": m["simsuite"], "运行时间 run at": m["finished"],
            "方案 comparisons": "; ".join(f"{k} ({v['rulebook']}, 参数 parameters {v['parameters']})"
                                        for k, v in m["comparisons"].items())}
    if m.get("calibration"):
        c = m["calibration"]
        rows["单位标定 calibrated units"] = f"{c['file']} ({c['ledger']}, {c['years']}; {c['date']})"
    body = "".join(f"<tr><th class='text'>{_e(k)}</th><td class='text'>{_e(v)}</td></tr>" for k, v in rows.items())
    return (f"<h2 id='run'>运行信息 <span class='en'>About this run</span></h2><table>{body}</table>"
            "<p class='note'>每张表的全部数据（含标准误）见 analysis.xlsx，每张图的数据见 figures/。"
            "<span class='en'> Every table in full, with standard errors, is in analysis.xlsx; the data of each "
            "figure is in figures/.</span></p>")


def _table(frame: pd.DataFrame, groups: dict[str, str]) -> str:
    hidden = [c for c in ("base", "variant", "rulebook", "unit_id", "n_replicates") if c in frame.columns]
    shown = readable(frame, groups).drop(columns=[column_label(c) for c in hidden])
    head = "".join(f"<th class='{_kind(shown[c])}'>{_e(c)}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td class='{_kind(shown[c])}'>{_e(v)}</td>" for c, v in zip(shown.columns, r))
                   + "</tr>" for r in shown.itertuples(index=False))
    return f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"


def _kind(column: pd.Series) -> str:
    """Numbers (also when formatted, e.g. "42% ± 1.2%") align right; words left."""
    sample = str(column.iloc[0]) if len(column) else ""
    return "num" if sample[:1].isdigit() or sample[:1] in "-−—" else "text"


def _e(text) -> str:
    return html.escape(str(text))
