"""吉林市交通运输局 (2015): checklists, adoption and instruction tables, the zero rule."""

from ..rules.adoptions import adoption_points
from ..rules.checklist import checklist_points
from ..rules.instructions import instruction_points
from ..rules.standing import rank_units, year_vetoes

POINTS = (checklist_points, adoption_points, instruction_points)
STEPS = (year_vetoes, rank_units)
