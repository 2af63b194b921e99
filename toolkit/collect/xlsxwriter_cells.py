"""The collection workbook's use of xlsxwriter: the workbook it is written into, and row heights for wrapped text.

The cells are written with xlsxwriter's public ``write_*`` methods. Writing them through xlsxwriter's
undecorated ``_write_*`` methods and putting blank cells straight into its cell table saved about 3 % and 6 %
of ``toolkit distribute`` (benchmarks/distribute.py), too little for private API.

One internal stays, as it saves more than a tenth of a serial ``toolkit distribute`` (benchmarks/distribute.py,
50 offices: 5.6-5.8 against 6.5-6.8 CPU seconds, interleaved): ``Worksheet._prepare_formula``, which xlsxwriter
runs for every formula (29 regular expressions that give Excel's new functions their prefix, about 30 µs a
formula, while writing a cell takes 1.5 µs). The Stadtteil and breakdown sheets hold about 390 formulas per
office, but a round has only a few hundred different ones (213 of 19,350 in the benchmark: the same sums under
the same columns in every sheet and every office), so the worksheets of ``new_workbook`` keep what xlsxwriter
made of each formula text for the next one (``_PREPARED``, per process). xlsxwriter's own method still prepares every text once, and its result depends only on the text,
its argument and the workbook's option ``use_future_functions``, which are the key: the files stay the same
byte for byte (tests/test_collection_workbook.py writes a workbook both ways). Fallback: an xlsxwriter without
that method (``FORMULA_MEMO`` is False) gets a plain ``xlsxwriter.Workbook``. pyproject.toml caps xlsxwriter.
"""

from __future__ import annotations

import functools

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

PREPARED_LIMIT = 20_000  # formula texts kept; more are forgotten all at once (a round has a few hundred)
_PREPARED: dict[tuple[str, bool, bool], str] = {}


def _has_formula_memo() -> bool:
    return callable(getattr(Worksheet, "_prepare_formula", None))


FORMULA_MEMO = _has_formula_memo()


class _FormulaMemoWorksheet(Worksheet):
    """A worksheet that prepares each formula text once per process (see module docstring)."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        key = (formula, expand_future_functions, getattr(self, "use_future_functions", False))
        prepared = _PREPARED.get(key)
        if prepared is None:
            if len(_PREPARED) >= PREPARED_LIMIT:
                _PREPARED.clear()
            prepared = _PREPARED[key] = super()._prepare_formula(formula, expand_future_functions)
        return prepared


class _FormulaMemoWorkbook(xlsxwriter.Workbook):
    worksheet_class = _FormulaMemoWorksheet  # xlsxwriter's hook for its own subclasses of Worksheet


def new_workbook(path: str, options: dict[str, object]) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook for ``path`` with ``options``; its worksheets keep prepared formulas when they can."""
    return (_FormulaMemoWorkbook if FORMULA_MEMO else xlsxwriter.Workbook)(path, options)


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
