"""Writing many cells with xlsxwriter quickly, and sizing rows for wrapped text.

Used by the collection workbook writer, where most of the 700,000 cells of a large round are plain
numbers, texts and empty formatted input cells.
"""

from __future__ import annotations

import functools
from collections import defaultdict

import xlsxwriter


def cell_writers(ws) -> tuple:
    """(write_string, write_number, write_blank) of a worksheet for cells given as row and column numbers.

    xlsxwriter's public methods first test whether the cell is given in A1 notation; the writer always
    passes numbers, so it uses the undecorated methods behind them (same checks, same cells) when the
    installed xlsxwriter has them, else the public ones.
    """
    try:
        return ws._write_string, ws._write_number, ws._write_blank
    except AttributeError:  # another xlsxwriter version: the public API
        return ws.write_string, ws.write_number, ws.write_blank


def write_blanks(ws, cells: list[tuple[int, int, object]]) -> None:
    """Write formatted blank cells (row, column, format), the same as ``ws.write_blank`` for each.

    Most cells of a large workbook are empty input cells. With xlsxwriter 3.x they go straight into the
    worksheet's cell table, one shared (immutable) blank cell per format, and the sheet's dimensions are
    checked and extended once for the whole block instead of once per cell. Any other xlsxwriter layout
    (or constant_memory mode, which writes rows as it goes) takes the public method.
    """
    table = getattr(ws, "table", None)
    if _BLANK_CELL is None or ws.constant_memory or not isinstance(table, defaultdict) or not cells:
        for row, col, cell_format in cells:
            ws.write_blank(row, col, None, cell_format)
        return
    rows = [row for row, _, _ in cells]
    cols = [col for _, col, _ in cells]
    first_row, first_col, last_row, last_col = min(rows), min(cols), max(rows), max(cols)
    if ws._check_dimensions(first_row, first_col) or ws._check_dimensions(last_row, last_col):
        raise ValueError(f"Zellbereich außerhalb des Tabellenblatts {ws.name}")  # the layout never does this
    shared: dict[int, object] = {}
    for row, col, cell_format in cells:
        cell = shared.get(id(cell_format))
        if cell is None:
            cell = shared[id(cell_format)] = _BLANK_CELL(cell_format)
        table[row][col] = cell


_BLANK_CELL = getattr(xlsxwriter.worksheet, "CellBlankTuple", None)  # xlsxwriter 3.x: namedtuple("Blank", "format")


def row_height(cells: list[tuple[str, float]]) -> float:
    """Row height in points that shows every (text, column width) wrapped in Arial 10.

    Neither Excel nor LibreOffice fits the height of wrapped rows when opening a generated file, so the
    writer sets it from a greedy word wrap; about one character fits into one unit of column width.
    """
    lines = max((_wrapped_lines(text, max(4, int(width) - 1)) for text, width in cells if text), default=1)
    return 13.0 * lines + 3


@functools.lru_cache(maxsize=4096)
def _wrapped_lines(text: str, capacity: int) -> int:
    lines, used = 1, 0
    for word in text.split():
        size = len(word)
        if used and used + 1 + size > capacity:
            lines, used = lines + 1, 0
        lines += max(0, (size - 1) // capacity) if not used else 0
        used = (used + 1 + size if used else size) if size <= capacity else size % capacity
    return lines
