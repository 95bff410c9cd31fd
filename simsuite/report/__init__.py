"""What a run answers, as tables, figures and one self-contained HTML page."""

from .analysis import Analysis, Figure, analyse
from .html import render_html

__all__ = ["Analysis", "Figure", "analyse", "render_html"]
