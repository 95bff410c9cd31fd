"""Calibration from a real ledger: each unit's behaviour fitted from its own
history and shrunk toward the jurisdiction's mean (empirical Bayes), so that
simulated replicates are "next year for these units" rather than strangers
with random traits.

Every trait is one of two conjugate models, fitted for all units at once:

* counts over an exposure (items a month, events a year): gamma–Poisson.
  The jurisdiction's rate m and the gamma shape a (how unequal units really
  are, once Poisson noise is taken out) come from the method of moments; a
  unit's rate is (a + y) / (a / m + e).
* shares of categories (kinds, calendar months, adopted or not, sent up or
  not): Dirichlet–multinomial (beta–binomial for two). The jurisdiction's
  shares p and the concentration α come from the method of moments; a unit's
  shares are (c + α p) / (n + α).

So a unit with three items gets nearly the jurisdiction's mean, and a unit
with three hundred mostly its own record. A ledger of several assessment
years is calibrated on all of them (exposure counts every year).
"""

from __future__ import annotations

import datetime as _dt
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..engine.rulebook import Rulebook
from ..ledger import EVENT_KINDS, ITEM_KINDS, History, LedgerWarning
from ..params import OUTLET_LEVELS
from .behaviour import Behaviour

#: a concentration or shape this large means the units cannot be told apart: complete pooling
POOLED = 1e6


def gamma_poisson(counts: np.ndarray, exposure: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean rates of counts ``(U, K)`` over exposures ``(U,)``,
    column by column: (rates (U, K), pooled rate (K,), gamma shape (K,)).

    Method of moments: Var y = e m + e² m² / a, so
    a = m² Σ e² / Σ [(y − e m)² − e m]; a variance no larger than Poisson's
    means no real spread between units (a = POOLED)."""
    y = np.asarray(counts, float).reshape(len(counts), -1)
    e = np.asarray(exposure, float)[:, None]
    m = y.sum(axis=0) / max(e.sum(), 1e-12)
    excess = ((y - e * m) ** 2 - e * m).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(excess > 0, m ** 2 * (e ** 2).sum() / excess, POOLED)
    a = np.clip(np.nan_to_num(a, nan=POOLED), 1e-3, POOLED)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(m > 0, (a + y) / (a / np.where(m > 0, m, 1) + e), 0.0)
    return rate, m, a


def dirichlet_multinomial(counts: np.ndarray, prior: np.ndarray | None = None,
                          noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, float]:
    """Posterior mean shares of category counts ``(U, K)``: (shares (U, K),
    pooled shares (K,), concentration α).

    With pooled shares p, E Σ_k (c_k − n p_k)² / (n p_k) = (K − 1)(1 + (n − 1)/(α + 1))
    for a unit of n items, so summing over units with n ≥ 2 gives α + 1.
    ``prior`` replaces the pooled shares (e.g. months weighted by exposure);
    ``noise`` is χ² expected from passing chance beyond the multinomial's (a
    month's over-dispersion), taken out before the units' real differences."""
    c = np.asarray(counts, float)
    n = c.sum(axis=1)
    p = prior if prior is not None else c.sum(axis=0) / max(c.sum(), 1e-12)
    live = p > 0
    K = int(live.sum())
    several = n >= 2
    if K < 2 or not several.any():
        alpha = POOLED
    else:
        cc, nn = c[several][:, live], n[several]
        chi = ((cc - nn[:, None] * p[live]) ** 2 / (nn[:, None] * p[live])).sum()
        excess = chi - (K - 1) * several.sum() - noise
        alpha = float(np.clip((K - 1) * (nn - 1).sum() / excess - 1, 1e-3, POOLED)) if excess > 0 else POOLED
    shares = (c + alpha * p) / (n + alpha)[:, None]
    return shares, p, alpha


@dataclass
class Calibration:
    """Each unit's fitted behaviour and the pooling that shrank it."""

    rulebook_id: str
    source: str
    date: str
    years: tuple[int, ...]
    units: pd.DataFrame  # unit_id, name, group, items, months
    #: behaviour path → (U, K) per-unit values, K in the order of the behaviour table's keys (1 for a number)
    values: Mapping[str, np.ndarray]
    #: jurisdiction-wide values: month_shape (over-dispersion of a unit's months)
    shared: Mapping[str, float] = field(default_factory=dict)
    #: strength of each trait's prior (gamma shape or Dirichlet concentration), for the record
    pooling: Mapping[str, float] = field(default_factory=dict)

    def behaviour(self, base: Behaviour | None = None) -> Behaviour:
        """``base`` (default: the defaults) with these units' fitted values;
        units not in the calibration keep ``base``'s behaviour."""
        import dataclasses

        # the jurisdiction's defaults go underneath what the ledger does not tell
        base = (base or Behaviour.make()).for_rulebook(self.rulebook_id)
        ids = self.units["unit_id"].tolist()
        per_unit = {path: dict(zip(ids, (row if row.size > 1 else float(row[0]) for row in v)))
                    for path, v in self.values.items()}
        shared = {"activity.month_shape": self.shared["month_shape"]}
        return dataclasses.replace(base, parameters=base.parameters.updated(shared),
                                   groups={g: p.updated(shared) for g, p in base.groups.items()},
                                   changes={**base.changes, **shared}, units=per_unit)

    def summary(self) -> str:
        """A few lines for the terminal: what was fitted and how much it was pooled."""
        act = self.values["activity.mean"][:, 0]
        own = self.values["adoption.chance"][:, 0]
        years = ", ".join(str(y) for y in self.years)
        return (f"calibrated {len(self.units)} units of {self.rulebook_id} from {self.source} ({years}; {self.date})\n"
                f"  单位月均报送条数 items a unit submits a month: mean {act.mean():.1f}, "
                f"from {act.min():.1f} to {act.max():.1f}\n"
                f"  本级采用概率 chance an item is adopted by the own outlet: mean {own.mean():.2f}, "
                f"from {own.min():.2f} to {own.max():.2f}\n"
                f"  收缩强度 pooling: a unit's own record outweighs the jurisdiction's mean once it has about "
                f"{self.pooling['activity.mean']:.1f} items' worth of evidence for activity and "
                f"{min(self.pooling['adoption.chance.own'], POOLED):.0f} items for the own-level adoption chance "
                f"(a large number means the units' differences are within chance, so all get the mean)\n"
                f"  月度波动 month-to-month shape: {self.shared['month_shape']:.1f} (smaller = more irregular months)")

    def to_toml(self) -> str:
        """The calibrated population file: a header, then one table per unit."""
        def num(x):
            return f"{float(x):.6g}"

        lines = ["# A calibrated population: each unit's behaviour fitted from its ledger,",
                 "# shrunk toward the jurisdiction's mean. Written by `simsuite calibrate`.",
                 "[calibration]",
                 f"rulebook = {_quote(self.rulebook_id)}",
                 f"ledger = {_quote(self.source)}",
                 f"date = {_quote(self.date)}",
                 f"years = [{', '.join(str(y) for y in self.years)}]",
                 f"month_shape = {num(self.shared['month_shape'])}",
                 "", "[calibration.pooling]"]
        lines += [f"{_quote(k)} = {num(v)}" for k, v in self.pooling.items()]
        for i, row in enumerate(self.units.itertuples(index=False)):
            lines += ["", f"[units.{_quote(row.unit_id)}]", f"name = {_quote(row.name)}",
                      f"group = {_quote(row.group)}", f"items = {int(row.items)}", f"months = {int(row.months)}"]
            for path, v in self.values.items():
                keys = _KEYS.get(path)
                if keys is None:
                    lines.append(f"{_quote(path)} = {num(v[i, 0])}")
                else:
                    lines.append(f"{_quote(path)} = {{ " + ", ".join(f"{k} = {num(x)}" for k, x in zip(keys, v[i]))
                                 + " }")
        return "\n".join(lines) + "\n"

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.to_toml(), encoding="utf-8")


def _quote(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


MONTHS = tuple(f"m{m:02d}" for m in range(1, 13))
#: the keys of every table the calibration writes, in the order the generator reads them
_KEYS = {
    "activity.month_profile": MONTHS,
    "kinds.share": ITEM_KINDS,
    "adoption.chance": OUTLET_LEVELS,
    "instruction.chance": OUTLET_LEVELS,
    "events.rate": EVENT_KINDS,
}
#: paths fitted only where the rulebook has what they describe (basic-work checklist lines)
OPTIONAL = ("checklist.basic_met",)
#: paths set to a constant for calibrated units: their chances are fitted as observed, so the latent
#: quality and the research boost add nothing on top
FIXED = {"adoption.quality_effect": 0.0, "adoption.research_boost": 0.0}


def calibrate(rulebook: Rulebook, history: History, date: str | None = None,
              years: Sequence[int] | None = None) -> Calibration:
    """Fit every unit's behaviour from ``history`` (one or several assessment
    years of ``rulebook``'s jurisdiction). ``years`` are the assessment years
    to fit on; by default every year holding at least a quarter of the
    busiest year's items (a few stray rows of another year would otherwise
    count as a whole year without items), with a warning naming any left out."""
    units = history.units[["unit_id", "name", "group"]].reset_index(drop=True).astype(str)
    U = len(units)
    if U == 0:
        raise ValueError(f"{history.source}: the ledger lists no units to calibrate")
    code = pd.Index(units["unit_id"])
    items = history.items
    if items.empty:
        raise ValueError(f"{history.source}: the ledger has no items, so there is nothing to calibrate on")
    # assessment year Y starts in month (Y − 1970) × 12 + offset (months since 1970-01)
    offset = rulebook.calendar(2000).start_month - (2000 - 1970) * 12
    month_all = pd.to_datetime(items["date"]).to_numpy("datetime64[M]").astype(np.int64)
    year_all = (month_all - offset) // 12 + 1970
    held = pd.Series(year_all).value_counts().sort_index()
    covers = ", ".join(f"{y} ({n} items)" for y, n in held.items())
    if years is None:
        keep = held[held >= held.max() / 4]
        dropped = held.drop(keep.index)
        if len(dropped):
            left = ", ".join(f"{y} ({n} {'items' if n > 1 else 'item'})" for y, n in dropped.items())
            warnings.warn(LedgerWarning(
                f"{history.source}: calibrated on {', '.join(str(y) for y in keep.index)}; left out {left}, "
                f"too few items to be a year of the ledger (give the years to calibrate on to include them)"))
        years = keep.index.tolist()
    missing = sorted(set(int(y) for y in years) - set(held.index))
    if missing:
        raise ValueError(f"{history.source}: no items in {missing[0]}; the ledger covers {covers}")
    inside = np.isin(year_all, np.asarray(years, dtype=np.int64))
    items = items[inside]
    iu = code.get_indexer(items["unit_id"].astype(str))
    month_no = month_all[inside]
    year_no = year_all[inside] - 1970  # assessment years since the one named 1970
    years = np.unique(year_no)
    n_years = len(years)
    exposure = np.full(U, 12.0 * n_years)
    cal_month = month_no % 12  # 0 = January

    values: dict[str, np.ndarray] = {}
    pooling: dict[str, float] = {}
    # activity: items a month
    n_items = np.bincount(iu, minlength=U).astype(float)
    rate, _, a = gamma_poisson(n_items[:, None], exposure)
    values["activity.mean"], pooling["activity.mean"] = rate, float(a[0])
    # each unit-month's items, by assessment year and calendar month
    unit_months = np.zeros((U, n_years, 12))
    np.add.at(unit_months, (iu, np.searchsorted(years, year_no), cal_month), 1)
    by_month = unit_months.sum(axis=1)
    pooled = _normalise(by_month.sum(axis=0))  # every assessment year holds each calendar month once
    # month-to-month over-dispersion (Var = μ + μ² / k, jurisdiction-wide). With several years,
    # from each (unit, calendar month)'s spread across years, which a unit's own profile does
    # not touch; with one year, around rate × the jurisdiction's profile
    if n_years >= 2:
        ybar, s2 = unit_months.mean(axis=1), unit_months.var(axis=1, ddof=1)
        num, excess = (ybar ** 2 - s2 / n_years).sum(), (s2 - ybar).sum()
    else:
        mu = (rate * pooled * 12)[:, None, :]
        num, excess = (mu ** 2).sum(), ((unit_months - mu) ** 2 - mu).sum()
    month_shape = float(np.clip(num / excess, 0.1, 1000)) if excess > 0 and num > 0 else 1000.0
    # month profile by calendar month. In one year a unit's own profile cannot be told from
    # month-to-month chance, so it is the jurisdiction's; with several years each unit's shares
    # are shrunk toward it, the chance spread of k-shaped months taken out first
    if n_years >= 2:
        noise = float((by_month.sum(axis=1) * (1 - (pooled ** 2).sum())).sum() / (n_years * month_shape))
        shares, _, alpha = dirichlet_multinomial(by_month, pooled, noise)
    else:
        shares, alpha = np.broadcast_to(pooled, (U, 12)), POOLED
    profile = shares * 12
    values["activity.month_profile"], pooling["activity.month_profile"] = profile, alpha
    # quality as the item marks show it (0–10 → 0–1): normal means shrunk by their precision
    values["quality.mean"], pooling["quality.mean"] = _quality(items, iu, U)
    # kinds
    kind = pd.Categorical(items["kind"], categories=ITEM_KINDS).codes
    counts = np.bincount(iu * len(ITEM_KINDS) + kind, minlength=U * len(ITEM_KINDS)).reshape(U, -1)
    values["kinds.share"], _, pooling["kinds.share"] = dirichlet_multinomial(counts)
    # adoption: a chance per level given the level below, as the generator climbs. An item can
    # reach a higher outlet without the one below (sent there directly), so a level's chance is its
    # adoptions over the level below's, which keeps the number of adoptions at every level
    level = _adoption_levels(rulebook, history, items)  # (N, 4) adopted at each level
    chance = np.zeros((U, len(OUTLET_LEVELS)))
    below = n_items
    for lv in range(len(OUTLET_LEVELS)):
        if not _pairs(rulebook, lv):  # a level without outlets is skipped in the climb
            continue
        took = np.bincount(iu[level[:, lv]], minlength=U).astype(float)
        tried = np.maximum(below, took)
        s, _, alpha = dirichlet_multinomial(np.stack([took, tried - took], axis=1))
        chance[:, lv], pooling[f"adoption.chance.{OUTLET_LEVELS[lv]}"] = s[:, 0], alpha
        below = took
    values["adoption.chance"] = chance
    # instructions: a chance per adoption by its level
    values["instruction.chance"] = _instruction_chance(rulebook, history, items, iu, level, U, pooling)
    # events a year (a mean-reliability unit: calibrated units have reliability 0.5, so a multiplier of 1)
    ev = history.unit_events
    ev_year = (pd.to_datetime(ev["date"]).to_numpy("datetime64[M]").astype(np.int64) - offset) // 12
    ev = ev[np.isin(ev_year, years)]
    eu = code.get_indexer(ev["unit_id"].astype(str))
    ek = pd.Categorical(ev["kind"], categories=EVENT_KINDS).codes
    ok = (eu >= 0) & (ek >= 0)
    ev_counts = np.zeros((U, len(EVENT_KINDS)))
    np.add.at(ev_counts, (eu[ok], ek[ok]), pd.to_numeric(ev["count"]).to_numpy(float)[ok])
    ev_rate, _, ev_a = gamma_poisson(ev_counts, np.full(U, float(n_years)))
    values["events.rate"] = ev_rate
    pooling.update({f"events.rate.{k}": float(x) for k, x in zip(EVENT_KINDS, ev_a)})
    # co-submission and direct-report habits
    for path, column in (("co_submission.chance", "co_units"), ("direct_report.chance", "sent_to"),
                         ("in_scope.chance", "in_scope")):
        if column == "in_scope":
            has = items[column].fillna(True).to_numpy(bool)
        else:  # lists of unit ids or outlet sections, empty when none
            has = items[column].str.len().fillna(0).to_numpy() > 0
        yes = np.bincount(iu[has], minlength=U)
        s, _, alpha = dirichlet_multinomial(np.stack([yes, n_items - yes], axis=1))
        values[path], pooling[path] = s[:, 0], alpha
    # basic-work checklist: the share of basic lines met (a line not listed is met)
    basic = [line for line in rulebook.checklist_lines if line.startswith("basic")]
    if basic:
        ck = history.checklist
        unmet = ~ck["met"].to_numpy(bool) & ck["item"].astype(str).isin(basic).to_numpy()
        missed = np.bincount(code.get_indexer(ck["unit_id"].astype(str))[unmet].clip(0), minlength=U)
        lines = np.full(U, len(basic) * n_years, float)
        s, _, alpha = dirichlet_multinomial(np.stack([lines - np.minimum(missed, lines), np.minimum(missed, lines)],
                                                     axis=1))
        values["checklist.basic_met"], pooling["checklist.basic_met"] = s[:, 0], alpha
    values = {k: np.asarray(v, float).reshape(U, -1) for k, v in values.items()}
    for path, x in FIXED.items():
        values[path] = np.full((U, 1), x)
    out_units = units.assign(items=n_items.astype(int), months=exposure.astype(int))
    named = [int(y) + 1970 for y in years]
    return Calibration(rulebook.id, history.source, date or _dt.date.today().isoformat(), tuple(named), out_units,
                       values, {"month_shape": month_shape}, pooling)


def _normalise(p: np.ndarray) -> np.ndarray:
    total = p.sum()
    return p / total if total > 0 else np.full(len(p), 1 / len(p))


def _quality(items: pd.DataFrame, iu: np.ndarray, U: int) -> tuple[np.ndarray, float]:
    """Each unit's mean mark / 10, shrunk toward the jurisdiction's by the
    share of its variance that is between units (τ² / (τ² + σ² / n))."""
    mark = pd.to_numeric(items.get("quality", pd.Series(np.nan, index=items.index)), errors="coerce").to_numpy(float)
    ok = np.isfinite(mark)
    if not ok.any():
        return np.full(U, 0.5), POOLED
    x = np.clip(mark[ok] / 10, 0, 1)
    n = np.bincount(iu[ok], minlength=U).astype(float)
    total = np.bincount(iu[ok], x, minlength=U)
    mean_u = np.divide(total, n, out=np.zeros(U), where=n > 0)
    mu = x.mean()
    within = ((x - mean_u[iu[ok]]) ** 2).sum() / max(ok.sum() - (n > 0).sum(), 1)
    seen = n > 0
    between = max(((mean_u[seen] - mu) ** 2).mean() - (within / n[seen]).mean(), 1e-6) if seen.sum() > 1 else 1e-6
    w = np.where(seen, between / (between + within / np.maximum(n, 1)), 0.0)
    return np.clip(w * mean_u + (1 - w) * mu, 0.01, 0.99), float(within / between)


def _pairs(rulebook: Rulebook, lv: int) -> list[int]:
    return [i for i, (o, _) in enumerate(rulebook.pairs) if rulebook.file.outlets[o].level == OUTLET_LEVELS[lv]]


def _adoption_levels(rulebook: Rulebook, history: History, items: pd.DataFrame) -> np.ndarray:
    """(items, levels): whether each item was adopted at each outlet level."""
    ad = history.adoptions
    row = pd.Index(items["item_id"].astype(str)).get_indexer(ad["item_id"].astype(str))
    outlet_level = {o: OUTLET_LEVELS.index(out.level) for o, out in rulebook.file.outlets.items()}
    lv = ad["outlet"].astype(str).map(outlet_level).fillna(-1).to_numpy(int)
    ok = (row >= 0) & (lv >= 0)
    out = np.zeros((len(items), len(OUTLET_LEVELS)), bool)
    out[row[ok], lv[ok]] = True
    return out


def _instruction_chance(rulebook, history, items, iu, level, U, pooling) -> np.ndarray:
    """Instructions per adoption at each outlet level: an instruction's level
    names the outlet level it came from (the rulebook maps them one to one)."""
    names = rulebook.file.meta.get("instruction_levels", {})
    back = {names.get(lv, "national"): i for i, lv in enumerate(OUTLET_LEVELS)}
    ins = history.instructions
    row = pd.Index(items["item_id"].astype(str)).get_indexer(ins["item_id"].astype(str))
    lv = ins["level"].astype(str).map(back).fillna(-1).to_numpy(int)
    ok = (row >= 0) & (lv >= 0)
    L = len(OUTLET_LEVELS)
    drew = np.bincount(iu[row[ok]] * L + lv[ok], minlength=U * L).reshape(U, L)
    adopted = np.zeros((U, L))
    np.add.at(adopted, iu, level.astype(float))
    chance = np.zeros((U, L))
    for j in range(L):
        took = np.minimum(drew[:, j], adopted[:, j])
        s, _, alpha = dirichlet_multinomial(np.stack([took, adopted[:, j] - took], axis=1))
        chance[:, j], pooling[f"instruction.chance.{OUTLET_LEVELS[j]}"] = s[:, 0], alpha
    return chance


def read_calibration(text: str, name: str = "<calibration>") -> Calibration:
    """A calibrated population from its file's text (read with tomllib only:
    nothing in it is executed). Errors name the file, the unit and the key."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not a calibrated population file ({exc})") from None
    head, table = doc.get("calibration"), doc.get("units")
    if not isinstance(head, Mapping) or not isinstance(table, Mapping) or not table:
        raise ValueError(f"{name}: a calibrated population needs a [calibration] table and [units.\"<id>\"] tables "
                         f"(write one with `simsuite calibrate`)")
    for key in ("rulebook", "date", "month_shape"):
        if key not in head:
            raise ValueError(f"{name}: [calibration] needs {key!r}")
    rows, values = [], {}
    paths = ["activity.mean", "quality.mean", *_KEYS, "co_submission.chance", "direct_report.chance", "in_scope.chance",
             *FIXED]
    for uid, u in table.items():
        where = f"{name}: [units.{uid!r}]"
        if not isinstance(u, Mapping):
            raise ValueError(f"{where}: expected a table")
        for key in ("name", "group", *paths):
            if key not in u:
                raise ValueError(f"{where}: missing {key!r}")
        rows.append({"unit_id": str(uid), "name": str(u["name"]), "group": str(u["group"]),
                     "items": int(u.get("items", 0)), "months": int(u.get("months", 0))})
        for path in paths + [p for p in OPTIONAL if p in u]:
            keys = _KEYS.get(path)
            v = u[path]
            try:
                vec = [float(v[k]) for k in keys] if keys else [float(v)]
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{where} {path} = {v!r}: expected "
                                 f"{'a table of ' + ', '.join(keys) if keys else 'a number'}") from None
            if not all(np.isfinite(vec)) or min(vec) < (-10 if path in FIXED else 0):
                raise ValueError(f"{where} {path} = {v!r}: values must be finite and not negative")
            if path.endswith(".chance") and max(vec) > 1:
                raise ValueError(f"{where} {path} = {v!r}: a chance must be at most 1")
            values.setdefault(path, []).append(vec)
    pooling = {str(k): float(v) for k, v in head.get("pooling", {}).items()}
    return Calibration(str(head["rulebook"]), str(head.get("ledger", "")), str(head["date"]),
                       tuple(int(y) for y in head.get("years", ())), pd.DataFrame(rows),
                       {k: np.array(v, float) for k, v in values.items()},
                       {"month_shape": float(head["month_shape"])}, pooling)


def predictive_check(calibration: Calibration, rulebook: Rulebook, history: History, year: int,
                     replicates: int = 200, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Posterior predictive check: ``replicates`` years simulated from the
    calibration beside the ledger's own ``year``. Returns tidy tables
    (statistic, value, observed, simulated mean, 5 % and 95 % of the
    simulated) for items per unit-month, adoptions per level and points by
    group."""
    from ..engine.score import score_batch
    from .generate import generate

    units = calibration.units[["unit_id", "name", "group"]]
    s = generate(rulebook, units, year, calibration.behaviour(), replicates, seed)
    b = s.batch
    U = len(units)
    # items per unit-month: the distribution of counts 0, 1, …, 9, 10+
    top = 10
    cells = np.bincount(b.item_rep.astype(np.int64) * U * 12 + b.item_unit * 12 + b.item_month,
                        minlength=replicates * U * 12).reshape(replicates, U * 12)
    sim_hist = np.stack([np.bincount(np.minimum(r, top), minlength=top + 1) / (U * 12) for r in cells])
    cal = rulebook.calendar(year)
    obs_items = history.items
    d = pd.to_datetime(obs_items["date"]).to_numpy("datetime64[M]").astype(np.int64) - cal.start_month
    inside = (d >= 0) & (d < 12)
    iu = pd.Index(units["unit_id"]).get_indexer(obs_items["unit_id"].astype(str))
    obs_cells = np.bincount(iu[inside] * 12 + d[inside], minlength=U * 12)
    obs_hist = np.bincount(np.minimum(obs_cells, top), minlength=top + 1) / (U * 12)
    labels = [str(k) for k in range(top)] + [f"{top}+"]
    month_table = _band("items_per_unit_month", labels, obs_hist, sim_hist)
    # adoptions per outlet level
    level_of = np.array([OUTLET_LEVELS.index(rulebook.file.outlets[o].level) for o, _ in rulebook.pairs])
    L = len(OUTLET_LEVELS)
    sim_ad = np.bincount(b.item_rep[b.ad_item].astype(np.int64) * L + level_of[b.ad_pair],
                         minlength=replicates * L).reshape(replicates, L)
    ad = history.adoptions
    ad_in = pd.to_datetime(ad["date"]).to_numpy("datetime64[M]").astype(np.int64) - cal.start_month
    ad_in = (ad_in >= 0) & (ad_in < 12)
    outlet_level = {o: OUTLET_LEVELS.index(out.level) for o, out in rulebook.file.outlets.items()}
    obs_lv = ad["outlet"].astype(str).map(outlet_level).fillna(-1).to_numpy(int)[ad_in]
    obs_ad = np.bincount(obs_lv[obs_lv >= 0], minlength=L)
    level_table = _band("adoptions_per_level", list(OUTLET_LEVELS), obs_ad, sim_ad)
    # points by group: mean and spread of units' points
    _, o, _ = score_batch(rulebook, b.under(cal))
    with warnings.catch_warnings():  # one year of a ledger of several is scored on purpose
        warnings.simplefilter("ignore", LedgerWarning)
        scored = rulebook.score(history, year)
    observed = scored.table.set_index("unit_id").reindex(units["unit_id"])
    rows = []
    for g in rulebook.groups:
        mask = (units["group"] == g).to_numpy()
        if not mask.any():
            continue
        pts = o.points[:, mask]
        obs = observed["points"].to_numpy(float)[mask]
        for stat, f in (("mean", np.mean), ("median", np.median), ("max", np.max), ("share_zero", _zero_share)):
            rows.append(_row("points_by_group", f"{g}:{stat}", f(obs), f(pts, axis=1)))
    points_table = pd.DataFrame(rows)
    return {"items_per_unit_month": month_table, "adoptions_per_level": level_table, "points_by_group": points_table}


def _zero_share(x, axis=None):
    return np.mean(np.asarray(x) == 0, axis=axis)


def _row(statistic: str, value: str, observed: float, simulated: np.ndarray) -> dict[str, Any]:
    return {"statistic": statistic, "value": value, "observed": float(observed),
            "simulated_mean": float(np.mean(simulated)), "simulated_p05": float(np.quantile(simulated, 0.05)),
            "simulated_p95": float(np.quantile(simulated, 0.95))}


def _band(statistic: str, labels: list[str], observed: np.ndarray, simulated: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame([_row(statistic, lab, observed[k], simulated[:, k]) for k, lab in enumerate(labels)])


#: what each check shows, in Chinese and English, and what it means
CHECKS = {
    "items_per_unit_month": ("单位月报送条数分布", "unit-months with this many items (share)",
                             "how often a unit files 0, 1, 2 … items in a month: real ledger against simulated years"),
    "adoptions_per_level": ("各级采用条数", "adoptions at each outlet level in the year",
                            "how many items the outlets of each level took: real ledger against simulated years"),
    "points_by_group": ("分组得分", "units' points in each group",
                        "the mean, median, highest and share at 0 of units' points: real against simulated"),
}


def check_table(check: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The predictive check as one table for staff: labels in Chinese and
    English, what it means, the observed value, the simulated mean and 90 %
    band, and whether the observed value lies inside it. Shares are rounded
    to 3 decimals, counts and points to 1."""
    numbers = ["observed", "simulated_mean", "simulated_p05", "simulated_p95"]
    frames = []
    for key, frame in check.items():
        zh, en, meaning = CHECKS[key]
        f = frame.copy()
        f["inside"] = (f["observed"] >= f["simulated_p05"]) & (f["observed"] <= f["simulated_p95"])
        share = np.full(len(f), key == "items_per_unit_month") | f["value"].str.endswith("share_zero").to_numpy()
        f[numbers] = np.where(share[:, None], f[numbers].round(3), f[numbers].round(1))
        f.insert(0, "meaning", meaning)
        f.insert(0, "label_en", en)
        f.insert(0, "label_zh", zh)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
