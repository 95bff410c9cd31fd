"""Searching rule designs: which parameters and components make a ranking
faithful to quality, stable, fair and close to today's rule."""

from .evaluate import Bench, Evaluation
from .objectives import OBJECTIVES, Objective
from .search import DesignResult, pareto_front, search
from .spec import DesignError, DesignSpec, parse_design, read_design

__all__ = ["OBJECTIVES", "Bench", "DesignError", "DesignResult", "DesignSpec", "Evaluation", "Objective",
           "pareto_front", "parse_design", "read_design", "search"]
