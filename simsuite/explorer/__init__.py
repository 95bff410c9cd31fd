"""The what-if explorer: change a rulebook's parameters and see who moves.

:class:`WhatIf` is the engine (no widgets): baseline and variants scored on
the same replicate histories. :class:`Explorer` is the ipywidgets screen over
it, with a control generated for every parameter (:class:`ControlPanel`).
``simsuite explore`` serves the screen as a web page with Voilà.
"""

from .controls import ControlPanel, find_tables, make_control
from .whatif import (BASE_NAME, VARIANT_NAME, WhatIf, WhatIfResult, group_sizes, population_units,
                     ranking_table)

__all__ = [
    "BASE_NAME", "VARIANT_NAME", "ControlPanel", "Explorer", "WhatIf", "WhatIfResult",
    "explore", "find_tables", "group_sizes", "make_control", "population_units", "ranking_table",
]


def __getattr__(name):
    # the screen pulls in matplotlib and the plots only when it is asked for
    if name in ("Explorer", "explore"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
