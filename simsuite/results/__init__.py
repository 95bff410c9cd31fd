"""What a scoring run returns: the score table, its stamp, and explanations."""

from .explain import Explanation
from .scores import Scores

__all__ = ["Explanation", "Scores"]
