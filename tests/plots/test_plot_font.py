"""The CJK font: chosen, registered, bundled, and valid in every output format."""

import re
import warnings
import zlib
from io import BytesIO

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure

from simsuite.plots import font as plot_font
from simsuite.plots.font import (
    BUNDLED_FAMILY,
    BUNDLED_FONT_FILE,
    LATIN_FALLBACK_FAMILY,
    system_cjk_family,
    use_chinese_font,
)

CHINESE = "银川市交通运输局 兴庆区 第一组 建德市新安江街道 名次（基准→变体）：奖惩、采用。"


def draw_png(text: str) -> bytes:
    figure = Figure(figsize=(4, 1.5))
    axes = figure.add_subplot()
    axes.set_title(text)
    axes.set_xlabel("名次 rank -3")
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


@pytest.fixture
def bundled_cmap():
    with TTFont(str(BUNDLED_FONT_FILE), lazy=True) as font:
        return dict(font.getBestCmap())


def test_family_list_puts_a_cjk_font_first_and_latin_last():
    families = use_chinese_font()
    assert matplotlib.rcParams["font.family"] == families
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert families[-1] == LATIN_FALLBACK_FAMILY
    assert BUNDLED_FAMILY in families
    expected_first = system_cjk_family() or BUNDLED_FAMILY
    assert families[0] == expected_first
    assert use_chinese_font(prefer_system=False) == [BUNDLED_FAMILY, LATIN_FALLBACK_FAMILY]
    use_chinese_font()


def test_repeat_calls_reuse_the_font_lookup_and_register_the_file_once():
    use_chinese_font()
    hits_before = plot_font._family_list.cache_info().hits
    assert use_chinese_font() == use_chinese_font()
    assert plot_font._family_list.cache_info().hits == hits_before + 2
    plot_font.register_bundled_font()
    copies = [e for e in font_manager.fontManager.ttflist if e.name == BUNDLED_FAMILY]
    assert len(copies) == 1


def test_detector_catches_missing_glyphs_with_matplotlibs_default_font():
    """The warning the other tests turn into errors does fire without a CJK font."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="missing from font"):
            draw_png("银川市")


def test_bundled_font_alone_draws_chinese_without_warnings(bundled_cmap):
    with matplotlib.rc_context({"font.family": [BUNDLED_FAMILY], "axes.unicode_minus": False}):
        chosen = font_manager.findfont(font_manager.FontProperties(family=[BUNDLED_FAMILY]), fallback_to_default=False)
        assert chosen == str(BUNDLED_FONT_FILE)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            png = draw_png(CHINESE)
    assert png.startswith(b"\x89PNG") and len(png) > 3000
    assert all(ord(character) in bundled_cmap for character in CHINESE.replace(" ", ""))


def test_bundled_font_is_renamed_and_covers_the_cjk_block(bundled_cmap):
    with TTFont(str(BUNDLED_FONT_FILE), lazy=True) as font:
        names = {record.nameID: record.toUnicode() for record in font["name"].names}
        tables = set(font.keys())
        post_format = font["post"].formatType
    for name_id in (1, 4, 6, 16):
        assert "Noto" not in names[name_id] and "Source" not in names[name_id]
    assert names[1] == BUNDLED_FAMILY
    assert "SIL Open Font License" in names[13]
    # Every assigned ideograph of the CJK Unified Ideographs block the source has (U+4E00–U+9FEF).
    assert all(code_point in bundled_cmap for code_point in range(0x4E00, 0x9FF0))
    assert all(ord(c) in bundled_cmap for c in "0123456789AZaz%（），。、：—·×")
    assert "glyf" in tables and "CFF " not in tables  # TrueType outlines: valid Type 42 embedding
    assert post_format == 2.0  # glyph names, which PostScript Type 42 output needs
    licence = (BUNDLED_FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_pdf_with_type_42_embeds_a_truetype_font_file():
    """pdf.fonttype 42 puts the font into the PDF as FontFile2, which must hold TrueType data."""
    settings = {"font.family": [BUNDLED_FAMILY], "pdf.fonttype": 42, "axes.unicode_minus": False}
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = Figure(figsize=(3, 1))
        figure.text(0.1, 0.5, "银川市交通运输局")
        buffer = BytesIO()
        figure.savefig(buffer, format="pdf")
    pdf = buffer.getvalue()
    assert b"SimsuiteSansCJKsc-Regular" in pdf
    font_file_object = re.search(rb"/FontFile2 (\d+) 0 R", pdf).group(1)
    stream = re.search(rb"\n" + font_file_object + rb" 0 obj\n<<(.*?)>>\nstream\n", pdf, re.DOTALL)
    body = pdf[stream.end():]
    font_data = zlib.decompressobj().decompress(body)
    assert font_data[:4] == b"\x00\x01\x00\x00"  # a TrueType sfnt, not CFF ('OTTO')


@pytest.mark.parametrize("fmt", ["svg", "pdf", "ps"])
def test_vector_formats_draw_chinese_without_warnings(fmt):
    with matplotlib.rc_context({"font.family": [BUNDLED_FAMILY]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = Figure(figsize=(3, 1))
        figure.text(0.1, 0.5, "兴庆区 第一组")
        buffer = BytesIO()
        figure.savefig(buffer, format=fmt)
    assert len(buffer.getvalue()) > 2000
