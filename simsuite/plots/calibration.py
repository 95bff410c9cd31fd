"""The predictive check of a calibration as a figure: for each check, the
real ledger's value against the band of simulated years."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .charts import _plain_axes

TITLES = {
    "items_per_unit_month": ("单位月报送条数 items in a unit-month", "单位月占比 share of unit-months"),
    "adoptions_per_level": ("各级采用条数 adoptions by outlet level", "条数 adoptions"),
    "points_by_group": ("分组得分 points by group", "得分 points"),
}
LEVELS = {"own": "本级 own", "up1": "上一级 up 1", "up2": "上二级 up 2", "national": "全国 national"}
STATS = {"mean": "均值 mean", "median": "中位数 median", "max": "最高 max", "share_zero": "零分占比 share at 0"}


def check_data(check: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """What each panel draws: x labels, observed value, simulated mean and
    90 % band (the share at 0 of points is left out: it is on another scale)."""
    out = {}
    for key, frame in check.items():
        f = frame[~frame["value"].str.endswith("share_zero")].copy()
        if key == "adoptions_per_level":
            f["label"] = f["value"].map(LEVELS)
        elif key == "points_by_group":
            group, stat = f["value"].str.split(":", n=1).str[0], f["value"].str.split(":", n=1).str[1]
            f["label"] = "组 " + group + " " + stat.map(STATS)
        else:
            f["label"] = f["value"]
        out[key] = f[["label", "observed", "simulated_mean", "simulated_p05", "simulated_p95"]].reset_index(drop=True)
    return out


def predictive_check_chart(check: Mapping[str, pd.DataFrame]) -> Figure:
    """One panel per check: simulated mean with its 90 % band (bars and
    whiskers), the real ledger as dots. Dots outside the whiskers are where
    the calibrated units do not behave like the ledger."""
    data = check_data(check)
    figure = Figure(figsize=(5.0 * len(data), 4.2), layout="constrained")
    axes = figure.subplots(1, len(data), squeeze=False)[0]
    for ax, (key, f) in zip(axes, data.items()):
        x = np.arange(len(f))
        mean = f["simulated_mean"].to_numpy(float)
        err = np.vstack([mean - f["simulated_p05"].to_numpy(float), f["simulated_p95"].to_numpy(float) - mean])
        ax.bar(x, mean, color="#9ecae1", label="模拟 simulated (90% 区间 band)")
        ax.errorbar(x, mean, yerr=np.clip(err, 0, None), fmt="none", ecolor="#3182bd", capsize=3)
        ax.plot(x, f["observed"].to_numpy(float), "o", color="#d62728", label="台账 ledger")
        ax.set_xticks(x, f["label"], rotation=45 if len(f) > 6 else 0, ha="right" if len(f) > 6 else "center")
        title, ylabel = TITLES[key]
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        _plain_axes(ax)
    axes[0].legend(loc="upper right", fontsize=8)
    figure.suptitle("校准检验:模拟与台账对比 predictive check: simulated against the ledger")
    return figure
