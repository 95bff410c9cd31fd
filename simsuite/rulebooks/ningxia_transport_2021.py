"""宁夏回族自治区交通运输厅 (2021): 第十一条 points, 第十二条 efficiency score."""

from ..rules.adoptions import adoption_points
from ..rules.instructions import instruction_points
from ..rules.items import monthly_quota, per_item_points, zero_months
from ..rules.quarters import combine_quarters, normalise_quarters
from ..rules.standing import rank_units

POINTS = (monthly_quota, zero_months, per_item_points, adoption_points, instruction_points)
STEPS = (normalise_quarters, combine_quarters, rank_units)
