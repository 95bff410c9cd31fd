"""What a scoring run returns: the score table, its stamp, and explanations."""

from ..engine import score as _score
from .explain import Explanation
from .scores import Scores

if Scores not in _score.PRESENT:  # scoring returns score tables from here on
    _score.PRESENT.append(Scores)

__all__ = ["Explanation", "Scores"]
