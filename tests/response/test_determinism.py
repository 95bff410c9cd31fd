"""An equilibrium depends on the seed only: not on the executor, nor on the
chunk size histories are drawn in."""

from concurrent.futures import ProcessPoolExecutor

import numpy as np

import simsuite
from simsuite.response import solve
from simsuite.synthetic import real_units


def test_the_equilibrium_does_not_depend_on_executor_or_chunk_size():
    rb = simsuite.rulebook("jiande-2018")
    units = real_units(rb)
    kw = dict(replicates=64, seed=7, max_rounds=4)
    here = solve(rb, units, 2018, chunk=32, **kw)
    small = solve(rb, units, 2018, chunk=16, **kw)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = solve(rb, units, 2018, chunk=16, executor=pool, **kw)
    assert len(set(here.strategy_names())) > 1  # units did move
    for other in (small, pooled):
        np.testing.assert_array_equal(other.choice, here.choice)
        assert other.epsilon == here.epsilon
        np.testing.assert_array_equal(other.values, here.values)
