"""Scenario files and Monte Carlo runs over synthetic histories."""

from .resources import Estimate, ResourceError, estimate
from .run import RunResult, repeat_manifest, run, summarise
from .scenario import Scenario, ScenarioError, parse_scenario, read_scenario

__all__ = ["Estimate", "ResourceError", "RunResult", "estimate", "repeat_manifest", "Scenario", "ScenarioError", "parse_scenario", "read_scenario", "run", "summarise"]
