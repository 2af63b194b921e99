"""Row heights of the collection workbook for wrapped text: neither Excel nor LibreOffice fits the height of wrapped
rows when opening a generated file, so the writer sets it (the workbook itself: core/xlsxwriter_adapter.new_workbook).
"""

from __future__ import annotations

import functools


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
