"""The age structure of one population from its published cells by age group: the persons of an age span, their
share, the age group that holds the median, and the short labels of a pyramid's rows.

The catalogue's Altersgruppen come in several partitions (Verwendung "Pyramide": 5-year groups, "Lebensphasen":
0-7, 7-18, 18-45, 45-65, 65+); an age span is counted from whichever partition has a bound at both its ends
("unter 18" only from the Lebensphasen, "65 und älter" from either). A span is a sum of published cells only: if one
of them is suppressed (NaN), another partition may still give it; if none does, the span is unknown (NaN) and is
said to be, never estimated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from toolkit.catalogue.breakdowns import AgeGroup

ADULT = 18
OLD = 65


def span_count(counts: Mapping[str, float], partitions: Iterable[Sequence[AgeGroup]], low: int,
               high: int | None) -> float:
    """The persons aged ``low`` to below ``high`` (None: open): the sum of the published cells (``counts``, code ->
    count, NaN where suppressed) of the first partition whose groups meet both bounds and are all published."""
    for groups in partitions:
        inside = [g for g in groups if g.von >= low and (high is None or (g.bis is not None and g.bis <= high))]
        if not inside or not _covers(inside, low, high):
            continue
        values = [counts.get(g.code, math.nan) for g in inside]
        if not any(math.isnan(v) for v in values):
            return float(sum(values))
    return math.nan


def _covers(groups: Sequence[AgeGroup], low: int, high: int | None) -> bool:
    """Whether the groups, in order of their lower bound, run without a gap from ``low`` up to ``high``."""
    at = low
    for group in sorted(groups, key=lambda g: g.von):
        if group.von != at:
            return False
        if group.bis is None:
            return high is None
        at = group.bis
    return at == high


def span_share(counts: Mapping[str, float], partitions: Iterable[Sequence[AgeGroup]], low: int, high: int | None,
               total: float) -> float:
    """The share in % of the persons aged ``low`` to below ``high`` in ``total`` (NaN if either is unknown or the
    total is not positive)."""
    persons = span_count(counts, partitions, low, high)
    if math.isnan(persons) or not total or math.isnan(total) or total <= 0:
        return math.nan
    return 100.0 * persons / total


def median_group(counts: Sequence[float], total: float) -> int | None:
    """The index of the group (youngest first) in which half of ``total`` is reached; None if a cell before it is
    unknown (NaN) or the total is not positive."""
    if not total or math.isnan(total) or total <= 0:
        return None
    reached = 0.0
    for index, count in enumerate(counts):
        if math.isnan(count):
            return None
        reached += count
        if reached >= total / 2:
            return index
    return None


def short_label(group: AgeGroup) -> str:
    """A pyramid row's label: '0–4', '85–89', '90+' (years of age, both bounds included)."""
    if group.bis is None:
        return f"{group.von}+"
    return f"{group.von}–{group.bis - 1}" if group.bis - 1 > group.von else str(group.von)
