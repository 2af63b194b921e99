"""Column widths of the report's tables, measured from their text: no number and no word broken.

The widths are computed from the advance widths of Calibri (its metric-compatible twin Carlito in LibreOffice),
not from Word: a table gets a fixed layout whose columns are as wide as its longest word needs, and the rest of
the text width goes where it saves most lines. Tables with the same header row (the overview of every chapter,
the time series of the same years) share their widths, so that they line up from one table to the next. A
smaller font is used only for a table that does not fit otherwise. The Word side (reading the cells' text,
writing w:tblW, w:gridCol and w:tcW) is in report/word.py.
"""

from __future__ import annotations

import re

PAGE_WIDTH_TWIPS = 9412  # 16.6 cm text width of the template
CELL_MARGIN_TWIPS = 57  # 0.1 cm left and right in every table cell
SAFETY_TWIPS = 40  # per column, for rounding in Word and LibreOffice
TABLE_SIZES = (9.0, 8.0, 7.0)  # pt: the cell style's size, then smaller only if the columns do not fit
KEEP_TOGETHER_ROWS = 16  # a table with up to this many rows is kept on one page (with caption and chart)
PAGE_ROWS = 45  # a longer table up to this many rows (a Stadtteil table) starts a page, so that it is never split

# Advance widths (1/1000 em) of Calibri, taken from its metric-compatible twin Carlito; others count as 1 em.
_CHARS = (" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
          "ÄÖÜäöüß–—…„“”‚‘’·×°²³¹€§\u00a0")
_REGULAR = (
    226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386, 507, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 268, 268, 498, 498, 498, 463, 894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520, 420, 855,
    646, 662, 517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498, 291, 479, 525, 423, 525,
    498, 305, 471, 525, 230, 239, 455, 230, 799, 525, 527, 525, 525, 349, 391, 335, 525, 452, 715, 433, 453, 395, 314,
    460, 314, 498, 579, 662, 642, 479, 527, 525, 527, 498, 905, 690, 418, 418, 418, 250, 250, 250, 252, 498, 339, 336,
    334, 246, 507, 498, 226)
_BOLD = (
    226, 326, 438, 498, 507, 729, 705, 233, 312, 312, 498, 498, 258, 306, 267, 430, 507, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 276, 276, 498, 498, 498, 463, 898, 606, 561, 529, 630, 488, 459, 637, 631, 267, 331, 547, 423, 874,
    659, 676, 532, 686, 563, 473, 495, 653, 591, 906, 551, 520, 478, 325, 430, 325, 498, 498, 300, 494, 537, 418, 537,
    503, 316, 474, 537, 246, 255, 480, 246, 813, 537, 538, 537, 537, 355, 399, 347, 537, 473, 745, 459, 474, 397, 344,
    475, 344, 498, 606, 676, 653, 494, 538, 537, 555, 498, 905, 711, 435, 435, 435, 258, 258, 258, 268, 498, 342, 338,
    336, 252, 507, 498, 226)
WIDTHS = {False: dict(zip(_CHARS, _REGULAR, strict=True)), True: dict(zip(_CHARS, _BOLD, strict=True))}
_BREAKS = re.compile(r"[ \t\n]+|(?<=[A-Za-zÄÖÜäöüß]-)(?=[A-Za-zÄÖÜäöüß])")  # spaces, and after a hyphen in a word

Cells = list[list[tuple[list[str], bool]]]  # per row, per column: the lines of the cell and whether it is bold


def shared_widths(tables: list[Cells | None]) -> list[tuple[list[int], float] | None]:
    """Per table its column widths (twips) and font size (pt); None for a table given as None (merged cells: its
    widths are left as they are). Tables with the same header row get the same widths, measured over all their
    rows."""
    groups: dict[tuple, list[int]] = {}
    for index, cells in enumerate(tables):
        if cells:
            groups.setdefault(tuple(tuple(lines) for lines, _bold in cells[0]), []).append(index)
    result: list[tuple[list[int], float] | None] = [None] * len(tables)
    for members in groups.values():
        first = tables[members[0]]
        fitted = fitting_widths(first[:1] + [row for index in members for row in tables[index][1:]])
        for index in members:
            result[index] = fitted
    return result


def fitting_widths(cells: Cells) -> tuple[list[int], float]:
    """Widths at the largest of TABLE_SIZES that fits the text width; else the smallest size, the minimum widths
    scaled down to the text width (then breaks are unavoidable)."""
    for size in TABLE_SIZES:
        widths = column_widths(cells, PAGE_WIDTH_TWIPS, size)
        if widths is not None:
            return widths, size
    minimum = column_widths(cells, 10 ** 9, TABLE_SIZES[-1], minimum_only=True)
    return [PAGE_WIDTH_TWIPS * w // sum(minimum) for w in minimum], TABLE_SIZES[-1]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in twips at ``size`` pt (Calibri/Carlito)."""
    widths = WIDTHS[bold]
    return sum(widths.get(char, 1000) for char in text) * size * 20 / 1000


def column_widths(cells: Cells, total: int, size: float, minimum_only: bool = False) -> list[int] | None:
    """Column widths (twips) that break no word and no number: None if they do not fit into ``total``.

    ``cells``: per row, per column the lines of the cell and whether it is bold. A column is at least as wide
    as its longest word (a number with its unit joined by a no-break space counts as one word); the rest
    of the width goes to the columns in proportion to how much wider their longest line is.
    """
    pad = 2 * CELL_MARGIN_TWIPS + SAFETY_TWIPS
    space = text_width(" ", size)
    n = len(cells[0])
    least = [0.0] * n
    words: list[list[list[list[float]]]] = []  # per row, per column, per line of the cell: its words' widths
    for row in cells:
        words.append([[[text_width(w, size, bold) for w in _BREAKS.split(text) if w] for text in texts]
                      for texts, bold in row])
        least = [max(m, *(w for line in cell for w in line), 0.0) for m, cell in zip(least, words[-1], strict=True)]
    least = [w + pad for w in least]
    if minimum_only:
        return [int(w) for w in least]
    if sum(least) > total:
        return None
    natural = [max([m, *(sum(line) + space * (len(line) - 1) + pad for row in words for line in row[c])])
               for c, m in enumerate(least)]
    if sum(natural) <= total:  # room to spare: a narrow table (two short columns) is not stretched across the page
        width = min(total, max(sum(natural) * 1.5, total * 0.6))
        widths = [w * width / sum(natural) for w in natural]
    else:
        widths = _shortest_rows(words, least, total, pad + 1, space)
    result = [int(w) for w in widths]
    result[0] += int(sum(widths)) - sum(result)
    return result


def _shortest_rows(words: list, least: list[float], total: int, pad: float, space: float) -> list[float]:
    """Share the width above the minimum in steps, each to the column that saves most lines of the table (the
    height of a row is the height of its tallest cell; lines are filled word by word as Word does)."""
    def height(c: int, width: float) -> list[int]:  # lines of each row's cell in column c at this width
        return [sum(_wrapped(line, width - pad, space) for line in row[c]) for row in words]

    widths = list(least)
    heights = [height(c, w) for c, w in enumerate(widths)]
    steps = 20
    step = (total - sum(least)) / steps
    for _ in range(steps):
        tallest = [max(column[r] for column in heights) for r in range(len(words))]
        # no single step saves a line: widen the column that most often makes a row tall
        best = max(range(len(widths)),
                   key=lambda c: sum(h > 1 and h == t for h, t in zip(heights[c], tallest, strict=True)))
        best_rows = sum(tallest)
        for c in range(len(widths)):
            wider = height(c, widths[c] + step)
            others = [max((h[r] for k, h in enumerate(heights) if k != c), default=0) for r in range(len(words))]
            rows = sum(map(max, wider, others))
            if rows < best_rows:
                best, best_rows = c, rows
        widths[best] += step
        heights[best] = height(best, widths[best])
    return widths


def _wrapped(line: list[float], width: float, space: float) -> int:
    """How many lines the words (their widths) of one paragraph take in ``width``."""
    count, used = 1, -space
    for word in line:
        if used + space + word > width and used > 0:
            count, used = count + 1, word
        else:
            used += space + word
    return count
