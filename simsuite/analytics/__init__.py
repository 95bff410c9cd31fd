"""Analytics over Monte Carlo runs."""
