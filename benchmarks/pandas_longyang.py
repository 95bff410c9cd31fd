"""The Longyang 2019 rulebook written as an analyst would in plain pandas:
one groupby pass per replicate. The benchmark's point of comparison; it
must agree with the engine (the benchmark checks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

ADOPTION = {("ly-district", "regular"): 5, ("ly-district", "special"): 10, ("ly-province", "item"): 20,
            ("ly-state-council", "item"): 20}
DEDUCTION = {"commission_missed": 15, "emergency_failure": 15, "leak": 20, "plagiarism": 20, "false_report": 20}


def score_replicate(units: pd.DataFrame, items: pd.DataFrame, adoptions: pd.DataFrame,
                    events: pd.DataFrame, start, end) -> pd.DataFrame:
    """Final score and rank of every unit for one replicate year."""
    items = items[items["in_scope"]]
    in_year = items[(items["date"] >= start) & (items["date"] <= end)]
    base = in_year.groupby("unit_id").size().mul(2).clip(upper=60)
    ad = adoptions.merge(items[["item_id", "unit_id", "kind"]], on="item_id")
    ad_year = ad[(ad["date"] >= start) & (ad["date"] <= end)]
    bonus = ad_year.apply(lambda r: ADOPTION[(r["outlet"], r["section"])], axis=1).groupby(ad_year["unit_id"]).sum() \
        if len(ad_year) else pd.Series(dtype=float)
    first = ad.sort_values("date").groupby("item_id").first()
    first = first[first["kind"].isin(["research", "commissioned"]) & (first["date"] >= start) & (first["date"] <= end)]
    extra = first.groupby("unit_id").size().mul(15)
    ev = events[(events["date"] >= start) & (events["date"] <= end) & events["kind"].isin(list(DEDUCTION))]
    minus = ev["kind"].map(DEDUCTION).astype(float).mul(ev["count"]).groupby(ev["unit_id"]).sum()
    out = units[["unit_id"]].set_index("unit_id")
    out["final"] = (base.reindex(out.index, fill_value=0) + bonus.reindex(out.index, fill_value=0)
                    + extra.reindex(out.index, fill_value=0) - minus.reindex(out.index, fill_value=0)).astype(float)
    out["rank"] = out["final"].round(6).rank(method="min", ascending=False).astype(int)
    return out.reset_index()


def score_all(units, items, adoptions, events, start, end) -> pd.DataFrame:
    frames = []
    for r, it in items.groupby("replicate"):  # as an analyst would: one replicate at a time
        frames.append(score_replicate(units, it, adoptions[adoptions["replicate"] == r],
                                      events[events["replicate"] == r], start, end).assign(replicate=r))
    return pd.concat(frames, ignore_index=True)


def frames_of(batch, rulebook):
    """The batch as the long tables an analyst would start from."""
    unit_ids = batch.units["unit_id"].to_numpy(object)
    day = lambda d: pd.to_datetime(np.asarray(d, dtype="int64").astype("datetime64[D]"))  # noqa: E731
    kinds = np.array(["dynamic", "comprehensive", "research", "commissioned", "emergency"], dtype=object)
    items = pd.DataFrame({"replicate": batch.item_rep, "item_id": np.arange(len(batch.item_rep)),
                          "unit_id": unit_ids[batch.item_unit], "date": day(batch.item_day),
                          "kind": kinds[batch.item_kind], "in_scope": batch.item_in_scope})
    pairs = np.array(rulebook.pairs, dtype=object)
    adoptions = pd.DataFrame({"replicate": batch.item_rep[batch.ad_item], "item_id": batch.ad_item,
                              "outlet": pairs[batch.ad_pair][:, 0] if len(batch.ad_pair) else [],
                              "section": pairs[batch.ad_pair][:, 1] if len(batch.ad_pair) else [],
                              "date": day(batch.ad_day)})
    from simsuite.ledger import EVENT_KINDS

    events = pd.DataFrame({"replicate": batch.ev_rep, "unit_id": unit_ids[batch.ev_unit], "date": day(batch.ev_day),
                           "kind": np.array(EVENT_KINDS, dtype=object)[batch.ev_kind], "count": batch.ev_count})
    return batch.units, items, adoptions, events
