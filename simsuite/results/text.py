"""Tables and paragraphs that fit a terminal: cells wrap (never cut), and
Chinese characters count as the two columns they take on screen."""

from __future__ import annotations

import os
import shutil
import unicodedata

import pandas as pd

#: narrowest a wrapped column gets, in screen columns
MIN_COLUMN = 8
GAP = "  "


def terminal_width(default: int = 100) -> int:
    """The terminal's width (``COLUMNS`` wins), or ``default`` when output is not a terminal."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    return shutil.get_terminal_size((default, 24)).columns


def display_width(text: str) -> int:
    """Screen columns of ``text``: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


#: punctuation a Chinese line never starts with: it takes the previous character along
CLOSING = set("。，、；：？！）】》」』”’%")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` screen columns, broken at spaces where one
    is near, else between characters (Chinese has no spaces); a line never
    starts with closing punctuation such as 。 or ）."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line: list[str] = []
        for word in _words(paragraph):
            if display_width("".join(line) + word) <= width:
                line.append(word)
                continue
            carry: list[str] = []
            if word in CLOSING:  # keep 。 (and any closing marks before it) with the character before them
                k = len(line) - 1
                while k > 0 and line[k] in CLOSING:
                    k -= 1
                if k > 0 and display_width("".join(line[k:]) + word) <= width:
                    carry, line = line[k:], line[:k]
            if "".join(line).strip():
                lines.append("".join(line).rstrip())
            word = ("".join(carry) + word).lstrip()
            while display_width(word) > width:  # a word longer than the line: cut it
                cut = _cut(word, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = [word.lstrip()] if word.strip() else []
        lines.append("".join(line).rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Words with the space before them; every CJK character is a word of its own."""
    out, current = [], ""
    for ch in text:
        if ch == " " or unicodedata.east_asian_width(ch) in "WF":
            if current:
                out.append(current)
            current = ch
            if ch != " ":
                out.append(current)
                current = ""
        else:
            current += ch
    if current:
        out.append(current)
    return out


def _cut(word: str, width: int) -> int:
    used = 0
    for i, ch in enumerate(word):
        used += display_width(ch)
        if used > width:
            return max(i, 1)
    return len(word)


def fit_table(frame: pd.DataFrame, width: int | None = None, *, wide: bool = False) -> str:
    """``frame`` as a plain-text table no wider than ``width`` (default: the
    terminal's): the widest columns wrap onto several lines. ``wide`` gives
    every cell on one line whatever the width."""
    width = terminal_width() if width is None else width
    header = [str(c) for c in frame.columns]
    cells = [["" if pd.isna(v) else _cell(v) for v in row] for row in frame.itertuples(index=False)]
    natural = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    budget = width - len(GAP) * (len(header) - 1)
    if wide:
        widths = natural
    elif len(natural) > 1:  # the key column (a path, an id) stays whole where it can
        first = min(natural[0], max(budget * 2 // 5, MIN_COLUMN))
        widths = [first] + _water_level(natural[1:], budget - first)
    else:
        widths = _water_level(natural, budget)
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    lines = _row(header, widths, numeric, wide)
    lines.append(GAP.join("-" * w for w in widths).rstrip())
    for row in cells:
        lines += _row(row, widths, numeric, wide)
    return "\n".join(lines)


def _water_level(natural: list[int], budget: int) -> list[int]:
    """Column widths within ``budget``: narrow columns keep their width, the
    wide ones share what is left equally (never below ``MIN_COLUMN``)."""
    if sum(natural) <= budget:
        return list(natural)
    level = max(budget // len(natural), MIN_COLUMN)
    for _ in range(len(natural)):  # raise the level while narrow columns leave room
        spare = budget - sum(min(w, level) for w in natural)
        wide = sum(w > level for w in natural)
        if wide == 0 or spare < wide:
            break
        level += spare // wide
    return [min(w, max(level, MIN_COLUMN)) for w in natural]


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def _row(values: list[str], widths: list[int], numeric: list[bool], wide: bool) -> list[str]:
    parts = [[v] if wide else wrap(v, w) or [""] for v, w in zip(values, widths)]
    height = max(len(p) for p in parts)
    out = []
    for k in range(height):
        pieces = []
        for p, w, right in zip(parts, widths, numeric):
            text = p[k] if k < len(p) else ""
            pad = " " * max(w - display_width(text), 0)
            pieces.append(pad + text if right else text + pad)
        out.append(GAP.join(pieces).rstrip())
    return out
