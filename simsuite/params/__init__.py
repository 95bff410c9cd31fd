"""Parameters as data: rulebook files, the parameter tree, and variants."""

from .rulebook_file import OUTLET_LEVELS, ChecklistLine, Group, Outlet, RulebookFile, read_rulebook_file
from .tree import Param, Parameters, suggest

__all__ = [
    "OUTLET_LEVELS", "ChecklistLine", "Group", "Outlet", "RulebookFile", "read_rulebook_file",
    "Param", "Parameters", "suggest",
]
