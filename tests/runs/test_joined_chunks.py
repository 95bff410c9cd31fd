"""Chunks are kept with their text columns as categories (a third of the
memory); joined, they must be exactly what joining them as text and making
categories of the whole gives."""

import pandas as pd

from simsuite.runs.run import TEXT_COLUMNS, _compact, _joined


def _chunk(comparison, units, awards, replicate):
    n = len(units)
    return pd.DataFrame({
        "comparison": [comparison] * n, "rulebook": ["rb"] * n, "replicate": [replicate] * n,
        "unit_id": units, "name": [f"单位{u}" for u in units], "group": ["1"] * n,
        "ranking_group": ["1"] * n, "award": awards, "final": [float(i) for i in range(n)]})


def test_joined_chunks_equal_the_text_joined():
    # the second chunk holds an award and a unit the first does not: each
    # chunk's own categories differ, the joined table's are their sorted union
    chunks = [_chunk("b", ["002", "001"], ["", ""], 0), _chunk("a", ["003", "001"], ["优秀", ""], 1)]
    names = ["b", "a"]  # the scenario's order, not the alphabet's
    expected = pd.concat([c.copy() for c in chunks], ignore_index=True)
    expected["comparison"] = pd.Categorical(expected["comparison"], categories=names)
    for col in TEXT_COLUMNS[1:]:
        expected[col] = expected[col].astype("category")
    got = _joined([_compact(c, names) for c in chunks])
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got["award"].cat.categories) == ["", "优秀"]
    assert list(got["unit_id"].cat.categories) == ["001", "002", "003"]
    assert list(got["comparison"].cat.categories) == ["b", "a"]
