"""Worlds gathered from history sets score exactly as a real batch holding
the same histories would."""

import numpy as np
import pandas as pd
import pytest

import simsuite
from simsuite.ledger import history_from_records
from simsuite.response.worlds import draw_sets, play
from simsuite.synthetic import Behaviour, generate, real_units, to_history
from simsuite.synthetic.effort import Effort
from random_histories import YEARS

# co-submission credits a partner within the set an item was drawn in, the one
# thing a gathered world does not reproduce: every rulebook has the
# co_submission component, so these histories are drawn without co-submissions
NO_CO = Behaviour.make({"co_submission.chance": 0.0})
EFFORT = Effort(volume=1.0, polish=1.0, direct=1.0, timing=0.5)


def _mixed(rb, a, b, r, unit_ids):
    """Replicate r with the units in ``unit_ids`` from synthetic ``a`` and the
    rest from ``b``: a real ledger, item ids kept apart."""
    ha, hb = to_history(a, rb, r), to_history(b, rb, r)
    tables = {}
    for name in ("items", "adoptions", "instructions"):
        parts = []
        for h, tag, mine in ((ha, "a", True), (hb, "b", False)):
            t = getattr(h, name).copy()
            t["item_id"] = tag + t["item_id"].astype(str)
            if name == "items":
                keep = t["unit_id"].isin(unit_ids) == mine
            else:
                lead = getattr(h, "items").set_index("item_id")["unit_id"]
                keep = t["item_id"].str[1:].map(lead).isin(unit_ids) == mine
            parts.append(t[keep])
        tables[name] = pd.concat(parts, ignore_index=True)
    for name in ("unit_events", "checklist"):
        ta, tb = getattr(ha, name), getattr(hb, name)
        tables[name] = pd.concat([ta[ta["unit_id"].isin(unit_ids)], tb[~tb["unit_id"].isin(unit_ids)]], ignore_index=True)
    return history_from_records(units=ha.units, vocabulary=rb.vocabulary, source="mixed", **tables)


@pytest.mark.parametrize("rulebook_id", list(YEARS))
def test_a_gathered_world_scores_as_the_batch_of_its_histories(rulebook_id):
    rb = simsuite.rulebook(rulebook_id)
    units, year, R, seed = real_units(rb), YEARS[rulebook_id], 2, 11
    sets = draw_sets(rb, units, year, [None, EFFORT], R, seed=seed, behaviour=NO_CO, chunk=16)
    steady = generate(rb, units, year, NO_CO, R, seed)
    moved = generate(rb, units, year, NO_CO, R, seed, effort=EFFORT)
    U = len(units)
    for u in (0, U - 1):
        cand = np.zeros((R, U), np.int64)
        cand[:, u] = 1
        world = play(sets, cand, np.arange(R))
        fixed = play(sets, np.zeros((R, U), np.int64), np.arange(R))
        assert not np.array_equal(world.points[:, u], fixed.points[:, u])  # unit u's move shows in the world
        for r in range(R):
            ids = [units["unit_id"].iloc[u]]
            table = simsuite.score(rb, _mixed(rb, moved, steady, r, ids), year=year).table
            np.testing.assert_allclose(world.final[r], table["final"].to_numpy(), atol=1e-9)
            np.testing.assert_array_equal(world.rank[r], table["rank"].to_numpy())
            names = np.array(world.award_names, dtype=object)[world.award[r]]
            np.testing.assert_array_equal(names, table["award"].fillna("").to_numpy())
