"""Units that respond to the rule: effort allocation, best responses and an
approximate equilibrium, and what a rule really rewards (docs/response.md)."""

from .equilibrium import Equilibrium, solve
from .params import ResponseModel
from .payoff import Payoff
from .strategy import ACTIONS, STEADY, Strategy, default_candidates

__all__ = ["ACTIONS", "STEADY", "Equilibrium", "Payoff", "ResponseModel", "Strategy", "default_candidates", "solve"]
