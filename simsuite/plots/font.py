"""A CJK font for every chart, on any machine.

Unit names are Chinese, and matplotlib's default font (DejaVu Sans) has no
Chinese glyphs: it draws empty boxes and warns once per character. A system
CJK font is used where one is installed (it matches the reader's other
documents); otherwise the package's own font, a subset of Noto Sans CJK SC
renamed "Simsuite Sans CJK SC" (SIL Open Font License 1.1, see fonts/OFL.txt),
so a bare ``pip install`` draws Chinese on every operating system.

matplotlib falls back from font to font per character only along the list in
``rcParams["font.family"]``, so that list names the CJK font first, then the
bundled font (for a character a system font lacks), then DejaVu Sans for the
symbols CJK fonts do not carry.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
from matplotlib import font_manager

BUNDLED_FAMILY = "Simsuite Sans CJK SC"
BUNDLED_FONT_FILE = Path(__file__).resolve().parent / "fonts" / "SimsuiteSansCJKsc-Regular.ttf"

# Simplified Chinese sans-serif faces, in order of preference: the Windows,
# macOS and Linux defaults, then the two names of the Adobe/Google design.
SYSTEM_CJK_FAMILIES = (
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)

# Carries the symbols (Greek, maths, arrows) that CJK fonts leave out.
LATIN_FALLBACK_FAMILY = "DejaVu Sans"


def register_bundled_font() -> str:
    """Make the bundled font known to matplotlib; returns its family name."""
    if not BUNDLED_FONT_FILE.is_file():
        raise FileNotFoundError(
            f"the bundled CJK font {BUNDLED_FONT_FILE} is missing: the package was installed "
            'without its data files (package-data "simsuite.plots" = ["fonts/*"])'
        )
    registered = {Path(entry.fname).resolve() for entry in font_manager.fontManager.ttflist}
    if BUNDLED_FONT_FILE not in registered:
        font_manager.fontManager.addfont(str(BUNDLED_FONT_FILE))
    return BUNDLED_FAMILY


def system_cjk_family() -> str | None:
    """The first of SYSTEM_CJK_FAMILIES installed on this machine, if any."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in SYSTEM_CJK_FAMILIES if family in installed), None)


@functools.cache
def _family_list(prefer_system: bool) -> tuple[str, ...]:
    bundled = register_bundled_font()
    system = system_cjk_family() if prefer_system else None
    return tuple(family for family in (system, bundled, LATIN_FALLBACK_FAMILY) if family)


def use_chinese_font(*, prefer_system: bool = True) -> list[str]:
    """Point matplotlib at a CJK font; returns the ``font.family`` list set.

    Called when ``simsuite.plots`` is imported. ``prefer_system=False`` uses
    the bundled font even where a system CJK font exists, so that figures
    come out the same on every machine. Repeat calls only set rcParams again.
    ``axes.unicode_minus`` is turned off because several system CJK fonts
    (SimHei among them) have no U+2212 minus sign.
    """
    families = list(_family_list(prefer_system))
    matplotlib.rcParams["font.family"] = families
    matplotlib.rcParams["axes.unicode_minus"] = False
    return families
