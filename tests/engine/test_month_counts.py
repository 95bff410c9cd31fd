"""Counted items by unit-month (C-5, C-9), for any set of kinds, against
counting them one by one."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import simsuite
from simsuite.engine.context import Context
from simsuite.ledger import ITEM_KINDS
from simsuite.synthetic import generate, real_units

RB = simsuite.rulebook("jiande-2018")
BATCH = generate(RB, real_units(RB), 2018, replicates=3, seed=5).batch


@settings(max_examples=30, deadline=None)
@given(st.none() | st.sets(st.sampled_from(ITEM_KINDS)))
def test_month_counts_count_each_counted_item_once(kinds):
    b = BATCH
    ctx = Context(b, RB.parameters, RB.groups, RB.pairs, RB.checklist_lines)
    expected = np.zeros((b.n_reps, b.n_units, 12), np.int64)
    month = b.calendar.month_index(b.item_day)
    for i in range(len(b.item_rep)):
        if b.item_in_scope[i] and 0 <= month[i] < 12 and (kinds is None or ITEM_KINDS[b.item_kind[i]] in kinds):
            expected[b.item_rep[i], b.item_unit[i], month[i]] += 1
    got = ctx.month_counts(None if kinds is None else sorted(kinds))
    assert (got == expected).all()
