"""Synthetic submission histories: a behaviour model of units, drawn straight
into scoring arrays, many replicates at once."""

from .behaviour import Behaviour
from .generate import BLOCK, Synthetic, generate, to_history
from .population import real_units, synthetic_units

__all__ = ["BLOCK", "Behaviour", "Synthetic", "generate", "real_units", "synthetic_units", "to_history"]
