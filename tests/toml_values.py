"""Random TOML values for fuzzing files users write (scenarios, design
specifications): anything a TOML file can hold, nested a little."""

from hypothesis import strategies as st


def any_toml(text: int = 12, keys: int = 8, leaves: int = 8):
    """None (a key left out), booleans, integers, floats, text, and lists
    and tables of them; ``text``, ``keys`` and ``leaves`` bound their size."""
    return st.recursive(
        st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=text),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=keys), inner, max_size=3),
        max_leaves=leaves)


def strip_none(value):
    """``value`` without the Nones TOML cannot write (inside lists and tables)."""
    if isinstance(value, dict):
        return {k: strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_none(v) for v in value if v is not None]
    return value
