"""What the runs answer: variant against variant, uncertainty over replicate
years, fidelity to latent quality and fairness between groups, incentives,
sensitivity to parameters, and jurisdictions side by side.

Every function returns tidy pandas DataFrames (or a small object holding
them); Monte Carlo estimates carry their standard errors.
"""

from .agreement import kendall_tau_b, spearman_rho, weighted_tau
from .compare import VariantComparison, compare_panels, compare_variants
from .diagnostics import diagnostics
from .fidelity import fidelity, group_bias, point_sources, source_shares
from .incentives import effort_reward, effort_reward_curves, incentive_summary, marginal_points
from .jurisdictions import jurisdiction_table, top_share
from .panel import Panel, panels
from .sensitivity import SensitivityError, SobolResult, Sweep, sobol, sobol_indices, sweep, tornado
from .uncertainty import rank_distribution, rank_probabilities, stability

__all__ = [
    "Panel", "SensitivityError", "SobolResult", "Sweep", "VariantComparison", "compare_panels",
    "compare_variants", "diagnostics", "effort_reward", "effort_reward_curves", "fidelity", "group_bias",
    "incentive_summary", "jurisdiction_table", "kendall_tau_b", "marginal_points", "panels", "point_sources",
    "rank_distribution", "rank_probabilities", "sobol", "sobol_indices", "source_shares", "spearman_rho",
    "stability", "sweep", "top_share", "tornado", "weighted_tau",
]
