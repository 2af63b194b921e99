"""The header of an imported table: which name each column has, and which names it has more than once.

A header is one row, or several rows read as one (a statistics office's table with "Deutsche" over C:E and
"insgesamt, männlich, weiblich" below): the names are then joined from top to bottom, "Deutsche insgesamt". An empty
cell of an upper row beside a filled one is taken as part of a merged cell and repeats the name to its left, as long
as the row below names the column; above a column whose lower rows are empty (a "Jahr" merged over two rows) nothing
repeats.

Names are compared loosely (``column_key``: case, blanks at the ends and ä/ae do not matter). A name the reader needs
that stands in two cells is never resolved by taking one of them: ``doubled`` names both cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.core.cells import cell_name, column_index, column_letter

TIMES = {2: "zweimal", 3: "dreimal", 4: "viermal"}


def column_key(text: object) -> str:
    """A column name compared loosely: 'Messgröße' = 'messgroesse' = ' MESSGRÖSSE '."""
    return str(text or "").strip().casefold().replace("ö", "oe").replace("ä", "ae").replace("ü", "ue") \
        .replace("ß", "ss")


def _text(row: list[object], index: int) -> str:
    value = row[index] if index < len(row) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value if value is not None else "").split())


@dataclass(frozen=True)
class Header:
    """The column names of a table and the (0-based) row they stand in; for several rows, the last one."""

    names: tuple[str, ...]
    row: int
    rows: int = 1  # how many rows make the names

    def positions(self, name: str) -> list[int]:
        """The 0-based columns called ``name``."""
        key = column_key(name)
        return [i for i, n in enumerate(self.names) if n and column_key(n) == key]

    def cell(self, index: int) -> str:
        """The header cell of column ``index``: 'C2'."""
        return cell_name(self.row, index)

    def present(self) -> str:
        """The names, for a message: 'Jahr, Stadtteil, Einwohner'."""
        return ", ".join(n for n in self.names if n)

    def doubled(self, name: str) -> dict[str, str] | None:
        """The details of a problem naming the cells of ``name`` if it stands more than once (its first cell as the
        problem's cell), else None."""
        found = self.positions(name)
        if len(found) < 2:
            return None
        cells = [self.cell(i) for i in found]
        return {"column": self.names[found[0]], "times": TIMES.get(len(found), f"{len(found)}-mal"),
                "cells": ", ".join(cells[:-1]) + " und " + cells[-1], "cell": cells[0],
                "letter": column_letter(found[0])}

    def name_at(self, letter: str) -> str:
        """The name of the column with these letters ('F'), '' if there is none."""
        index = column_index(letter)
        return self.names[index] if 0 <= index < len(self.names) else ""


def header_of(table: list[list[object]], first: int, last: int) -> Header:
    """The header in the (0-based) rows ``first`` to ``last`` of ``table`` (see the module docstring)."""
    width = max((len(table[r]) for r in range(first, last + 1)), default=0)
    names = [_text(table[first], i) for i in range(width)]
    for lower_row in range(first + 1, last + 1):
        lower = [_text(table[lower_row], i) for i in range(width)]
        carried = ""
        for i in range(width):
            if names[i]:
                carried = names[i] if lower[i] else ""
            elif not lower[i]:
                carried = ""
            names[i] = " ".join(part for part in (names[i] or carried, lower[i]) if part)
    return Header(tuple(names), last, last - first + 1)


__all__ = ["Header", "column_key", "header_of"]
