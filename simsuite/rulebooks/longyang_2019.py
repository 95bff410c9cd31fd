"""隆阳区工业和科技信息化局 (2019): 六 base, bonus and deductions; 七 awards."""

from ..rules.adoptions import adoption_points, first_adoption_bonus
from ..rules.events import event_points
from ..rules.instructions import instruction_points
from ..rules.items import per_item_points
from ..rules.standing import award_top_and_bottom, rank_units

POINTS = (per_item_points, adoption_points, first_adoption_bonus, instruction_points, event_points)
STEPS = (rank_units, award_top_and_bottom)
