"""Classes of a choropleth: quantiles of the published values as the tables round them, contiguous limits in round
numbers ("unter 10 %", "10 bis unter 15 %", …, "25 % und mehr"), the palette and the legend words.

- At most five classes by quantiles: each class holds about as many Stadtteile as the next. Chosen over natural
  breaks (Jenks) because the map stands beside the ranked bars and its classes are their fifths ("the fifth of the
  Stadtteile with the highest rates"), because Jenks breaks jump with single values from year to year and are hard
  to explain in a legend, and because one outlier cannot squeeze all other Stadtteile into one colour. Equal values
  are never split; fewer distinct values give fewer classes.
- The limits are contiguous, as the Amt für Statistik writes them. Between two classes the limit is the roundest
  number that keeps every Stadtteil in its quantile class (``class_limits``), so the legend reads in round numbers
  without moving a Stadtteil.
- ColorBrewer YlGnBu, colour-blind safe, lightness falling monotonically (CIE L* 99 to 27, at least 14 per step),
  so the classes stay apart in grey print.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from toolkit.core.cells import format_number

PALETTE = ("#FFFFCC", "#A1DAB4", "#41B6C4", "#2C7FB8", "#253494")  # ColorBrewer YlGnBu, light to dark
DARK = frozenset(PALETTE[3:])  # keys on these are written white


def rounded(value: float, decimals: int) -> float:
    """The value as the tables show it (the same rounding as format_number)."""
    return float(f"{value:.{decimals}f}")


def quantile_classes(values: Sequence[float], decimals: int, most: int = 5) -> tuple[tuple[float, float], ...]:
    """(lowest, highest) of each class: about equally many values per class, equal values in the same class."""
    ordered = sorted(rounded(v, decimals) for v in values if not math.isnan(v))
    if not ordered:
        return ()
    k = min(most, len(set(ordered)))
    classes, start = [], 0
    for i in range(1, k + 1):
        end = len(ordered) if i == k else max(start + 1, round(i * len(ordered) / k))
        while end < len(ordered) and ordered[end] == ordered[end - 1]:
            end += 1
        if start < min(end, len(ordered)):
            classes.append((ordered[start], ordered[min(end, len(ordered)) - 1]))
        start = end
    return tuple(classes)


def class_limits(classes: Sequence[tuple[float, float]], decimals: int) -> tuple[float, ...]:
    """The lower limit of every class after the first: the roundest number above the previous class's highest
    value and not above this class's lowest (10 before 5 before 2 before 1, down to the shown decimals)."""
    limits = []
    for (_low, high), (low, _high) in zip(classes, classes[1:], strict=False):
        limits.append(_roundest(high, low, decimals))
    return tuple(limits)


def _roundest(above: float, upto: float, decimals: int) -> float:
    exponent = math.floor(math.log10(abs(upto))) if upto else 0
    steps = [f * 10.0 ** e for e in range(exponent, -decimals - 1, -1) for f in (1, 5, 2)
             if f * 10.0 ** e >= 10.0 ** -decimals - 1e-12 and (f == 1 or e > -decimals)]
    for step in sorted(set(steps), reverse=True):
        limit = round(math.floor(upto / step + 1e-9) * step, decimals)
        if limit > above + 1e-9:
            return limit
    return upto


def class_of(value: float, limits: Sequence[float], decimals: int) -> int:
    """The class of a value (as the tables round it) given the lower limits of classes 2, 3, …"""
    shown_value = rounded(value, decimals)
    return sum(1 for limit in limits if shown_value >= limit - 1e-9)


def class_colours(n: int) -> tuple[str, ...]:
    """n colours of the palette, spread over its whole lightness range."""
    if n <= 1:
        return PALETTE[2:3] * n
    return tuple(PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n))


def class_labels(classes: Sequence[tuple[float, float]], limits: Sequence[float], unit: str) -> list[str]:
    """'unter 10 %', '10 bis unter 15 %', '15 % und mehr'; one class: its range."""
    def number(value: float) -> str:
        return format_number(value, 0 if float(value).is_integer() else _decimals_of(value))

    def value_text(value: float) -> str:
        return f"{number(value)} {unit}" if unit not in ("", "Anzahl") else number(value)

    if len(classes) == 1:
        low, high = classes[0]
        return [value_text(low) if low == high else f"{number(low)} bis {value_text(high)}"]
    labels = [f"unter {value_text(limits[0])}"]
    labels += [f"{number(a)} bis unter {value_text(b)}" for a, b in zip(limits, limits[1:], strict=False)]
    labels.append(f"{value_text(limits[-1])} und mehr")
    return labels


def _decimals_of(value: float) -> int:
    return next((d for d in range(1, 4) if abs(value - round(value, d)) < 1e-9), 3)
