"""建德市 (2018): 三、计分办法 raw points, 四、考核结果 rank points and tiers."""

from ..rules.adoptions import adoption_points
from ..rules.events import event_points
from ..rules.instructions import instruction_points
from ..rules.items import per_item_points, zero_months
from ..rules.quarters import combine_quarters, rank_point_quarters
from ..rules.standing import award_tiers, rank_units, year_vetoes

POINTS = (per_item_points, adoption_points, instruction_points, zero_months, event_points)
STEPS = (rank_point_quarters, combine_quarters, year_vetoes, rank_units, award_tiers)
