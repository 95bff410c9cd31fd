"""Scenario files and Monte Carlo runs over synthetic histories."""

from .run import RunResult, run, summarise
from .scenario import Scenario, ScenarioError, parse_scenario, read_scenario

__all__ = ["RunResult", "Scenario", "ScenarioError", "parse_scenario", "read_scenario", "run", "summarise"]
