"""Build the CJK font that simsuite's charts bring with them.

Charts label units with Chinese names (银川市交通运输局, 兴庆区, …), and a
bare ``pip install`` on a machine without a CJK font would draw empty boxes.
So the package ships a subset of Noto Sans CJK SC (SIL Open Font License 1.1)
that covers the characters charts need, renamed to "Simsuite Sans CJK SC" as
the licence requires of a modified font and so that it never clashes with a
system copy of Noto.

Run by hand (not at install) whenever the covered ranges change; Debian's
``fonts-noto-cjk`` package provides the source collection::

    apt-get install fonts-noto-cjk
    .venv/bin/python tools/make_font_subset.py \
        --source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
        --licence /usr/share/doc/fonts-noto-cjk/copyright \
        --out simsuite/plots/fonts/SimsuiteSansCJKsc-Regular.ttf

It writes the font and, beside it, ``OFL.txt``: the font's copyright notice
followed by the SIL Open Font License 1.1 text taken from Debian's copyright
file, which the licence requires to travel with every copy.

What is kept: the glyphs of the ranges in ``COVERED_RANGES`` (CJK Unified
Ideographs, CJK punctuation, full-width forms, Latin, digits and the symbols
tables and axes use), their outlines and horizontal metrics. What is dropped:
hinting (charts are rendered at 100+ dpi, where FreeType's autohinter or no
hinting look the same), OpenType layout features and vertical metrics (the
charts lay text out horizontally, glyph by glyph), and the names of the
original font.

The cubic (CFF) outlines are converted to quadratic TrueType outlines. PNG,
SVG and Type 3 PDF/PS output draw either kind, but matplotlib embeds a Type 42
font in PDF as a TrueType font file (FontFile2) and in PostScript as a Type 42
font: with CFF outlines the PDF breaks the format (readers warn or refuse) and
Ghostscript rejects the PostScript with /invalidfont. TrueType outlines make
every backend and ``pdf.fonttype``/``ps.fonttype`` setting valid, at about
2 MB more than the CFF subset. Glyph names are kept ('post' format 2) because
PostScript Type 42 fonts look glyphs up by name.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

FAMILY = "Simsuite Sans CJK SC"
POSTSCRIPT_NAME = "SimsuiteSansCJKsc-Regular"
SOURCE_FAMILY = "Noto Sans CJK SC"

# Largest distance, in font units (1000 per em), between a cubic curve and
# the quadratic curves replacing it: invisible at any chart size.
QUADRATIC_MAX_ERROR = 1.0

# (first, last) code points, inclusive, each with why it is there.
COVERED_RANGES: list[tuple[int, int, str]] = [
    (0x0020, 0x007E, "Basic Latin: rulebook ids, digits, axis numbers"),
    (0x00A0, 0x00FF, "Latin-1: ° ± × ÷ · and accented Latin"),
    (0x2010, 0x2027, "dashes, quotes, bullet, ellipsis"),
    (0x2030, 0x2030, "per mille ‰"),
    (0x2103, 0x2103, "degree Celsius ℃"),
    (0x2160, 0x216B, "Roman numerals Ⅰ–Ⅻ used for group and quarter names"),
    (0x2190, 0x2193, "arrows ← ↑ → ↓"),
    (0x2212, 0x2212, "minus sign"),
    (0x2460, 0x2473, "circled numbers ①–⑳"),
    (0x25A0, 0x25CF, "squares, triangles, circles ■ □ ▲ △ ○ ●"),
    (0x2605, 0x2606, "stars ★ ☆"),
    (0x3000, 0x303F, "CJK symbols and punctuation: 、。《》「」【】〔〕"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xFF00, 0xFFEF, "half-width and full-width forms: （）：，％"),
]


def covered_code_points() -> list[int]:
    """Every code point the bundled font is meant to draw."""
    return [cp for first, last, _ in COVERED_RANGES for cp in range(first, last + 1)]


def open_simplified_chinese_face(source: Path) -> TTFont:
    """The SC face of a Noto CJK collection (.ttc), or the font itself (.otf)."""
    if source.suffix.lower() in {".ttc", ".otc"}:
        collection = TTCollection(str(source), recalcTimestamp=False)  # same input, same bytes
        for face in collection.fonts:
            if face["name"].getDebugName(1) == SOURCE_FAMILY:
                return face
        found = [face["name"].getDebugName(1) for face in collection.fonts]
        raise SystemExit(f"{source} has no face named {SOURCE_FAMILY!r}; it has {found}")
    font = TTFont(str(source), recalcTimestamp=False)
    if font["name"].getDebugName(1) != SOURCE_FAMILY:
        raise SystemExit(f"{source} is {font['name'].getDebugName(1)!r}, not {SOURCE_FAMILY!r}")
    return font


def subset_options() -> subset.Options:
    options = subset.Options()
    options.layout_features = []  # no GSUB/GPOS features: matplotlib lays out glyph by glyph
    options.hinting = False
    options.glyph_names = True  # PostScript Type 42 output looks glyphs up by name
    options.notdef_outline = True  # a visible box, not nothing, for a character outside the ranges
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB", "VORG", "vhea", "vmtx"]
    return options


def rename(font: TTFont, source_version: str) -> None:
    """Give the subset a family name of its own (SIL OFL 1.1, condition 3).

    The name table keeps the copyright (0), the designers and vendor (8–12)
    and the licence (13, 14) of the original; every name a user sees as the
    font's name is replaced (the TrueType outlines carry no names of their own).
    """
    name_table = font["name"]
    kept = {
        record.nameID: record.toUnicode()
        for record in name_table.names
        if record.platformID == 3 and record.langID == 0x409 and record.nameID in {0, 8, 9, 10, 11, 12, 13, 14}
    }
    names = {
        **kept,
        1: FAMILY,
        2: "Regular",
        3: f"{source_version};{POSTSCRIPT_NAME}",
        4: FAMILY,
        5: f"Version {source_version}; subset of {SOURCE_FAMILY} for simsuite charts",
        6: POSTSCRIPT_NAME,
        10: (
            f"A subset of {SOURCE_FAMILY} (CJK Unified Ideographs, CJK punctuation, "
            "full-width forms and Latin) renamed for bundling with simsuite."
        ),
        16: FAMILY,
        17: "Regular",
    }
    name_table.names = []
    for name_id, text in sorted(names.items()):
        name_table.setName(text, name_id, 3, 1, 0x409)


def convert_to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with TrueType ('glyf') outlines in place."""
    glyph_order = font.getGlyphOrder()
    cubic_glyphs = font.getGlyphSet()
    quadratic_glyphs = {}
    for glyph_name in glyph_order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        cubic_glyphs[glyph_name].draw(Cu2QuPen(pen, QUADRATIC_MAX_ERROR, reverse_direction=True))
        quadratic_glyphs[glyph_name] = pen.glyph()

    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = quadratic_glyphs
    del font["CFF "]
    glyf.compile(font)  # computes each glyph's bounding box

    # TrueType positions an outline by its left side bearing, which must
    # equal the glyph's xMin; the quadratic control points can move it.
    hmtx = font["hmtx"]
    for glyph_name in glyph_order:
        advance, _ = hmtx[glyph_name]
        hmtx[glyph_name] = (advance, getattr(glyf[glyph_name], "xMin", 0))

    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)  # no hinting programs, no composite glyphs

    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"


def build(source: Path, out: Path) -> TTFont:
    font = open_simplified_chinese_face(source)
    source_version = f"{font['head'].fontRevision:.3f}"
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=covered_code_points())
    subsetter.subset(font)
    convert_to_truetype(font)
    rename(font, source_version)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return font


def licence_text(font: TTFont, debian_copyright: Path) -> str:
    """The copyright notice and the OFL 1.1 text, as OFL.txt carries them.

    Debian's machine-readable copyright file holds the licence as an indented
    paragraph after ``License: SIL-1.1``, with " ." for blank lines.
    """
    lines = debian_copyright.read_text(encoding="utf-8").splitlines()
    # The paragraph with the text, not a "Files:" stanza's one-line "License: SIL-1.1".
    starts = [
        i
        for i, line in enumerate(lines[:-1])
        if line.strip() == "License: SIL-1.1" and lines[i + 1].startswith(" ")
    ]
    if not starts:
        raise SystemExit(f"{debian_copyright} has no 'License: SIL-1.1' paragraph")
    start = starts[0]
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    if not any("SIL OPEN FONT LICENSE Version 1.1" in line for line in body):
        raise SystemExit(f"the SIL-1.1 paragraph of {debian_copyright} is not the OFL 1.1 text")
    copyright_notice = font["name"].getDebugName(0)
    header = [
        f"{FAMILY} is a modified version (a subset, with TrueType outlines) of {SOURCE_FAMILY}.",
        f"{SOURCE_FAMILY}: {copyright_notice}",
        f"Modifications: the simsuite authors. {FAMILY} is distributed under the same licence:",
        "",
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        "",
    ]
    return "\n".join(header + body).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        help="Noto Sans CJK collection (.ttc) or the SC face (.otf)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "simsuite/plots/fonts/SimsuiteSansCJKsc-Regular.ttf",
    )
    parser.add_argument(
        "--licence",
        type=Path,
        default=Path("/usr/share/doc/fonts-noto-cjk/copyright"),
        help="Debian's copyright file of fonts-noto-cjk, which holds the OFL 1.1 text",
    )
    arguments = parser.parse_args()
    font = build(arguments.source, arguments.out)
    (arguments.out.parent / "OFL.txt").write_text(licence_text(font, arguments.licence), encoding="utf-8")
    cmap = font.getBestCmap()
    missing = [cp for cp in covered_code_points() if cp not in cmap]
    size_mb = arguments.out.stat().st_size / 1e6
    print(
        f"wrote {arguments.out} ({size_mb:.1f} MB, {len(font.getGlyphOrder())} glyphs, "
        f"{len(cmap)} characters; {len(missing)} code points in the ranges have no glyph in the source)"
    )


if __name__ == "__main__":
    main()
