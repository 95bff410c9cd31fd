"""On toy rules whose best responses can be worked out by hand, the solver
finds them: stop at the quota, file nothing beyond the cap, polish for a
rule that rewards only adoptions."""

import numpy as np
import pytest

import simsuite
from simsuite.response import answers, Payoff, ResponseModel, Strategy, solve
from simsuite.synthetic import Behaviour, real_units

ALL_KINDS = ["dynamic", "comprehensive", "research", "commissioned", "emergency"]
# units with ample, steady activity, every item in scope and none co-submitted
AMPLE = {"activity.mean": 40.0, "activity.unit_shape": 1000.0, "activity.month_shape": 1000.0,
         "activity.month_profile": [1.0] * 12, "in_scope.chance": 1.0, "co_submission.chance": 0.0}
POINTS = Payoff(final=1.0, awards={}, bottom_three=0.0)  # a unit wants expected points, nothing else
ITEM_COST = ResponseModel.make({"cost.item": 0.5, "cost.effort": 0.0})


def test_a_monthly_quota_worth_fixed_points_with_a_cost_per_item_is_met_exactly():
    # 5 points a month with 2 items; each item costs 0.5. Per year:
    #   stop at 1: 0 − 12 × 0.5 = −6;  stop at 2: 60 − 24 × 0.5 = 48;  stop at 3: 60 − 36 × 0.5 = 42;
    #   no stop (≈ 40 items a month): 60 − 480 × 0.5 = −180 → every unit stops at 2, the quota
    rb = simsuite.rulebook("ningxia-transport-2021").vary(
        {"quota.items": {"1": 2, "2": 2}, "quota.kinds": ALL_KINDS},
        remove=["zero_months", "per_item_points", "adoption_points", "instruction_points", "co_submission",
                "normalise_quarters", "combine_quarters", "award_top_and_bottom"])
    candidates = [Strategy("steady", "照常"), Strategy("stop-1", "1条即停", monthly_stop=1),
                  Strategy("stop-at-quota", "够数即停", monthly_stop="quota"),
                  Strategy("stop-3", "3条即停", monthly_stop=3), Strategy("volume", "多报", {"volume": 1})]
    units = real_units(rb)
    eq = solve(rb, units, 2021, candidates, POINTS, ITEM_COST, Behaviour.make(AMPLE), replicates=32, seed=3)
    assert eq.converged
    assert set(eq.strategy_names()) == {"stop-at-quota"}
    months = eq.sets.months[2]  # (R, U, 12) under the quota strategy
    assert (months == 2).all()
    np.testing.assert_allclose(eq.values[:, 2], 60 - 24 * 0.5)
    hist = answers.month_histogram(eq).set_index("items_in_month")
    assert hist.loc[2, "share_response"] == 1.0 and hist.loc[2, "share_fixed"] < 0.01  # all bunched at the quota


def test_a_yearly_cap_on_per_item_points_is_not_filed_beyond():
    # 2 points an item up to 60 (30 items); each item costs 0.5. Per year:
    #   stop at 25: 50 − 12.5 = 37.5;  at 30: 60 − 15 = 45;  at 35: 60 − 17.5 = 42.5;
    #   no stop (≈ 120 items): 60 − 60 = 0 → every unit stops at the cap's 30 items
    rb = simsuite.rulebook("longyang-2019").vary(remove=[
        "adoption_points", "first_adoption_bonus", "instruction_points", "event_points", "co_submission",
        "award_top_and_bottom"])
    candidates = [Strategy("steady", "照常"), Strategy("stop-25", "25条即停", yearly_stop=25),
                  Strategy("stop-at-cap", "到顶即停", yearly_stop="cap"),
                  Strategy("stop-35", "35条即停", yearly_stop=35), Strategy("volume", "多报", {"volume": 1})]
    behaviour = Behaviour.make({**AMPLE, "activity.mean": 10.0})
    eq = solve(rb, real_units(rb), 2019, candidates, POINTS, ITEM_COST, behaviour, replicates=32, seed=3)
    assert eq.converged and set(eq.strategy_names()) == {"stop-at-cap"}
    filed = eq.sets.filed[2]
    assert filed.max() == 30 and (filed == 30).all()  # ample activity: exactly the cap, never beyond
    np.testing.assert_allclose(eq.values[:, 2], 60 - 30 * 0.5)


def test_a_rule_that_rewards_only_adoptions_draws_effort_to_polishing():
    # Longyang's outlets are all above a section's own level, where polishing
    # adds 1 to the log-odds: the first step's chance 0.2 (odds 0.25) becomes
    # odds 0.68, chance 0.40, so adoptions per item about double (more at the
    # higher steps) on 0.8 of the items: ≈ 1.6× the adoption points. Volume
    # gives 1.5× on 1.5× the items (each costing 0.05), research +1 log-odds
    # on the half of the items it moves (≈ 1.5× at most), timing and direct
    # reports nothing an adoption rule counts → polish
    rb = simsuite.rulebook("longyang-2019").vary(remove=[
        "per_item_points", "first_adoption_bonus", "instruction_points", "event_points", "co_submission",
        "award_top_and_bottom"])
    model = ResponseModel.make({"cost.item": 0.05, "cost.effort": 0.0})
    candidates = [Strategy("steady", "照常")] + [Strategy(a, a, {a: 1.0}) for a in
                                                 ("volume", "research", "polish", "timing", "direct")]
    behaviour = Behaviour.make({"co_submission.chance": 0.0, "activity.unit_shape": 1000.0})
    eq = solve(rb, real_units(rb), 2019, candidates, POINTS, model, behaviour, replicates=64, seed=3)
    assert eq.converged and set(eq.strategy_names()) == {"polish"}
    steady, polish = eq.values[:, 0], eq.values[:, 3]
    assert (polish > 1.3 * steady).all()


@pytest.mark.parametrize("bad, message", [
    ({"shares": {"volumes": 1}}, "unknown action 'volumes'"),
    ({"shares": {"volume": 0.7, "polish": 0.5}}, "sum to at most 1"),
    ({"monthly_stop": "cap"}, "monthly_stop must be"),
])
def test_a_bad_strategy_is_refused_by_name(bad, message):
    with pytest.raises(ValueError, match=message):
        Strategy("mine", "我的", **bad)
