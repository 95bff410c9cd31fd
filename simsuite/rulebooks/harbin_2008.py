"""哈尔滨市政府系统 (2008): 第七至九条 points, 第十条 award bands."""

from ..rules.adoptions import adoption_points
from ..rules.checklist import checklist_points
from ..rules.instructions import instruction_points
from ..rules.standing import award_bands, rank_units

POINTS = (checklist_points, adoption_points, instruction_points)
STEPS = (rank_units, award_bands)
