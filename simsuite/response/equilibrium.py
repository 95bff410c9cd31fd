"""Best responses and an approximate equilibrium, on common random numbers.

Every candidate's history set is drawn and point-scored once; each round,
every unit's expected payoff for each candidate, the others playing the
current profile, comes from gathered worlds (``worlds.play``) over all
replicates at once. Units whose best response gains more than the
tolerance move to it, the largest gains first (damping: a share of them per
round), until no unit can gain more than the tolerance (ε) or the rounds
run out. All of them move at once (damping 1) until a profile comes back;
then half as many each time it does.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..engine.outcome import Outcome
from ..engine.rulebook import Rulebook
from ..params.tree import suggest
from ..synthetic import Behaviour
from .params import ResponseModel
from .payoff import TOP, Payoff, top_award
from .strategy import STEADY, Strategy, default_candidates
from .worlds import Histories, WorldContext, draw_sets, play

#: worlds × units per call of the steps: small enough that the ranks' pairwise
#: comparisons (worlds × n² per group) stay in the processor's cache — measured
#: twice as fast as 3,000,000 on Jiande's 60 units
WORLD_CELLS = 150_000
#: fewest replicates the coarse rounds use
BLOCK_R = 32


@dataclass
class Equilibrium:
    rulebook: Rulebook
    units: pd.DataFrame
    candidates: list[Strategy]
    choice: np.ndarray        # (U,) each unit's candidate at the end
    epsilon: list[float]      # the largest gain any unit could still make, each round
    converged: bool
    values: np.ndarray        # (U, K) expected payoff (after cost) of each candidate against the final profile
    sets: Histories
    payoff: Payoff
    model: ResponseModel
    top_award: str
    tolerance: float
    scoring_group: np.ndarray  # (U,) the group each unit is ranked in
    seconds: dict = field(default_factory=dict)

    @property
    def eps(self) -> float:
        return self.epsilon[-1]

    @property
    def steady(self) -> int:
        return next(i for i, s in enumerate(self.candidates) if is_steady(s))

    @property
    def fixed(self) -> np.ndarray:
        """The profile of fixed behaviour: every unit steady."""
        return np.full(len(self.units), self.steady)

    def outcome(self, profile: np.ndarray) -> Outcome:
        """Every replicate year under ``profile`` (R, U)."""
        R = self.sets.shape[1]
        return play(self.sets, np.broadcast_to(profile, (R, len(profile))).copy(), np.arange(R))

    def strategy_names(self) -> list[str]:
        return [self.candidates[k].name for k in self.choice]


def is_steady(s: Strategy) -> bool:
    return not s.used and s.monthly_stop is None and s.yearly_stop is None


def solve(rulebook: Rulebook, units: pd.DataFrame, year: int, candidates: list[Strategy] | None = None,
          payoff: Payoff | None = None, model: ResponseModel | None = None, behaviour: Behaviour | None = None,
          replicates: int = 64, seed: int = 0, executor=None, chunk: int = 64, tolerance: float = 0.02,
          max_rounds: int = 20, damping: float = 1.0, coarse: int = 8, sets: Histories | None = None) -> Equilibrium:
    """Iterated best responses from fixed behaviour (every unit steady):
    first on 1/``coarse`` of the replicates (at least 32), then on all.
    ``sets``: the candidates' history sets already drawn and scored under
    ``rulebook`` (in the candidates' order, steady among them), so that
    several rules can be solved on the same draws."""
    payoff, model = payoff or Payoff(), model or ResponseModel.make()
    candidates = list(candidates or default_candidates(rulebook, units))
    if not any(is_steady(s) for s in candidates):
        if sets is not None:
            raise ValueError("history sets given without a steady candidate among the candidates")
        candidates.insert(0, STEADY)
    names = [s.name for s in candidates]
    if len(set(names)) != len(names):
        raise ValueError(f"candidate strategies need distinct names: {names}")
    if not 0 < damping <= 1:
        raise ValueError(f"damping must be in (0, 1], not {damping}")
    seconds = {}
    t = time.perf_counter()
    if sets is None:
        efforts = [None if is_steady(s) else s.effort(rulebook, units, model) for s in candidates]
        sets = draw_sets(rulebook, units, year, efforts, replicates, seed, behaviour, executor, chunk)
    elif sets.shape[0] != len(candidates):
        raise ValueError(f"{sets.shape[0]} history sets for {len(candidates)} candidates")
    seconds["generation and point scoring"] = time.perf_counter() - t
    t = time.perf_counter()
    K, R, U = sets.shape
    steady = next(i for i, s in enumerate(candidates) if is_steady(s))
    scoring_group = WorldContext(sets, np.zeros((1, U), np.int64), np.zeros(1, np.int64)).scoring_group
    group_size = np.bincount(scoring_group)[scoring_group]
    fixed = play(sets, np.full((R, U), steady), np.arange(R))
    top = top_award(fixed)
    for name in payoff.awards:
        if name != TOP and name not in fixed.award_names:
            raise ValueError(f"payoff: {rulebook.name!r} gives no award {name!r}"
                             f"{suggest(name, [a for a in fixed.award_names if a] + [TOP])}")
    effort_cost = model.effort_cost * model.budget * np.array([s.used for s in candidates])

    groups = [np.flatnonzero(scoring_group == g) for g in np.unique(scoring_group)]

    def values_against(profile: np.ndarray, R: int) -> np.ndarray:
        """(U, K) each unit's expected payoff for each candidate over the first
        R replicates, the others playing ``profile``. Steps act within
        scoring groups, so a unit's worlds hold its group only."""
        out = np.empty((U, K))
        for members in groups:
            n = len(members)
            block = max(1, WORLD_CELLS // (K * R * n))
            for lo in range(0, n, block):
                at = np.arange(lo, min(lo + block, n))  # positions in the group
                B, W = len(at), len(at) * K * R
                cand = np.broadcast_to(profile[members], (W, n)).copy()
                who = np.repeat(at, K * R)
                cand[np.arange(W), who] = np.tile(np.repeat(np.arange(K), R), B)
                o = play(sets, cand, np.tile(np.arange(R), B * K), members)
                pay = payoff.of(o, top, group_size[members])[np.arange(W), who]
                out[members[at]] = pay.reshape(B, K, R).mean(axis=2)
        return out - cost_over(R)

    def cost_over(R: int) -> np.ndarray:
        return effort_cost[None, :] + model.item_cost * sets.filed[:, :R].mean(axis=1).T  # (U, K)

    # coarse to fine: rounds on a quarter of the replicates first (far from
    # equilibrium their noise does not matter), then on all of them
    profile = np.full(U, steady)
    epsilon, rounds, evaluated = [], 0, None  # evaluated: (profile, replicates) of the last values
    for R_used in ([max(BLOCK_R, R // coarse)] if coarse > 1 and R >= 2 * BLOCK_R else []) + [R]:
        # a coarse round's noise is larger: its tolerance grows as 1 / √replicates
        tol = tolerance * math.sqrt(R / R_used)
        seen = {profile.tobytes()}
        while rounds < max_rounds:
            rounds += 1
            values = values_against(profile, R_used)
            evaluated = (profile.tobytes(), R_used)
            gain = values.max(axis=1) - values[np.arange(U), profile]
            epsilon.append(float(gain.max()))
            if epsilon[-1] <= tol:
                break
            movers = np.flatnonzero(gain > tol)
            movers = movers[np.argsort(-gain[movers], kind="stable")][: math.ceil(damping * len(movers))]
            nxt = profile.copy()
            nxt[movers] = values[movers].argmax(axis=1)
            if nxt.tobytes() in seen:  # a cycle: fewer units move at once from here
                if len(movers) == 1:
                    break  # one unit at a time cycles too: stop where we are
                damping /= 2
                continue
            seen.add(nxt.tobytes())
            profile = nxt
    if evaluated != (profile.tobytes(), R):  # ε of the final profile on every replicate
        values = values_against(profile, R)
        epsilon.append(float((values.max(axis=1) - values[np.arange(U), profile]).max()))
    converged = epsilon[-1] <= tolerance
    seconds["best-response rounds"] = time.perf_counter() - t
    return Equilibrium(rulebook, sets.units, candidates, profile, epsilon, converged, values, sets, payoff, model,
                       top, tolerance, scoring_group, seconds)
