"""One HTML page a staff member can open offline or e-mail: every figure is
an embedded PNG, every table inline, nothing fetched from anywhere."""

from __future__ import annotations

import base64
import html

import pandas as pd

STYLE = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.warning { background: #fff3cd; border: 1px solid #e0b000; padding: 0.6em 1em; margin: 1em 0; }
figure { margin: 1em 0 2em; } figcaption { color: #444; font-size: 0.95em; }
img { max-width: 100%; } .meta td { text-align: left; } .wide { overflow-x: auto; }
"""

#: the tables shown in the page (all tables are in analysis.xlsx)
SHOWN = {
    "agreement": "排名一致性 agreement between rankings (per group, mean ± SE over replicate years)",
    "jurisdictions": "五地办法对比 the rulebooks side by side",
    "stability": "稳定性 stability from year to year",
    "fidelity": "与潜在质量的一致性 fidelity to latent quality",
    "groups": "组别差异 points and awards by group",
}


def render_html(result, analysis) -> str:
    m = result.manifest
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{_e(m['scenario'])}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{_e(m['scenario'])}</h1>"]
    if result.scenario.description:
        parts.append(f"<p>{_e(result.scenario.description)}</p>")
    meta = {"year": m["year"], "replicate years": m["replicates"], "seed": m["seed"],
            "simsuite": m["simsuite"], "run at": m["finished"],
            "comparisons": ", ".join(f"{k} ({v['rulebook']})" for k, v in m["comparisons"].items())}
    parts.append("<table class='meta'>" + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>"
                                                  for k, v in meta.items()) + "</table>")
    for w in analysis.warnings:
        parts.append(f"<div class='warning'><b>Check this variant:</b> {_e(w)}</div>")
    for key, title in SHOWN.items():
        if key in analysis.tables:
            parts.append(f"<h2>{_e(title)}</h2>" + _table(analysis.tables[key]))
    for fig in analysis.figures:
        parts.append(f"<h2>{_e(fig.title)}</h2><figure><img alt='{_e(fig.title)}' "
                     f"src='data:image/png;base64,{base64.b64encode(fig.png).decode('ascii')}'><figcaption>{_e(fig.caption)} "
                     f"Data: <code>figures/{fig.key}.csv</code>.</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(frame: pd.DataFrame) -> str:
    # a blank cell is a figure left out (fixed by construction, see analytics.fixed)
    return ("<div class='wide'>" + frame.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0, escape=True,
                                                 na_rep="")
            + "</div>")


def _e(text) -> str:
    return html.escape(str(text))
