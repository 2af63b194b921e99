"""Rows by single year of age summed into the catalogue's age groups: `toolkit import` with a mapping section [alter].

A table such as KISS-MD K3_T1 has one row per year and age ("1" … "90", "90 und älter") and a row of all ages
("Einwohner insgesamt"). ``age_span`` reads what a row's age text means (mapping.AgeColumn: a number plus ``versatz``
is one year of age; "90 und älter" counts from 90 up, as written; a text of ``insgesamt`` is all ages). ``AgeSums``
collects the value cells of the age rows by the age group of each Verwendung they fall into and, when the table is
read, adds one value per group: the sum of its rows, with the cell of its first row as the place, or the Kennzeichen
"gesperrt (Quelle)" (no value) when the source withheld one of them. A group whose ages are not all there exactly
once, or an age no group of a Verwendung holds, is a Fehler naming the cells: a sum is never formed from part of a
group.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from toolkit.catalogue.model import AgeGroup, Catalogue, name_key
from toolkit.collect.layout import FLAG_NO_VALUE, FLAG_WITHHELD
from toolkit.core.keys import ALL
from toolkit.merge.mapping import AgeColumn, Target

Span = tuple[int, int | None]  # ages from .. up to below (None: open)
_NUMBER = re.compile(r"(\d{1,3})(?:\.0)?")
_OPEN = re.compile(r"(\d{1,3})\s*(?:\+|(?:jahre\s+)?und\s+(?:älter|aelter|mehr|darüber))")


def age_span(raw: object, ages: AgeColumn) -> Span | str | None:
    """What the age cell of a row says: ALL for a row of all ages, (low, high) for one year of age or (low, None) for
    "low und älter"; None if it is none of these."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = " ".join(str(raw if raw is not None else "").split())
    if text and name_key(text) in ages.totals:
        return ALL
    if found := _NUMBER.fullmatch(text):
        age = int(found.group(1)) + ages.offset
        return (age, age + 1) if age >= 0 else None
    if found := _OPEN.fullmatch(text.casefold()):
        return int(found.group(1)), None
    return None


def span_text(span: Span) -> str:
    low, high = span
    return f"{low} Jahre und älter" if high is None else f"{low} Jahre" if high == low + 1 else f"{low} bis unter {high}"


@dataclass
class _Group:
    """The rows of one year and area that fall into one age group: their ages and their value cells."""

    spans: list[tuple[Span, int]] = field(default_factory=list)  # (span, row number)
    cells: dict[int, list[tuple[float | None, str]]] = field(default_factory=lambda: defaultdict(list))  # column ->


@dataclass(frozen=True)
class GroupSum:
    """One value of an age group: what ``AgeSums.sums`` gives for each value column."""

    year: int
    area: str
    age: str  # the age group's code
    row: int  # the table row of its youngest age (1-based), the value's place
    column: int  # 0-based
    value: float | None
    flag: str


@dataclass(frozen=True)
class Gap:
    """A group whose ages are not all there exactly once: what ``AgeSums.gaps`` reports."""

    year: int
    area: str
    use: str
    group: AgeGroup
    row: int  # a row of the group, to name (1-based)
    what: str  # German: "es fehlt das Alter 12", "das Alter 89 steht zweimal"


class AgeSums:
    """Age rows collected by (year, area) and the age group of each Verwendung (see the module docstring)."""

    def __init__(self, catalogue: Catalogue, ages: AgeColumn) -> None:
        self.uses = {use: [a for a in catalogue.age_groups if use in a.verwendung] for use in ages.uses}
        self.groups: dict[tuple[int, str, str, str], _Group] = defaultdict(_Group)  # (year, area, use, code) ->

    def add(self, year: int, area: str, number: int, span: Span,
            cells: list[tuple[int, list[Target], float | None, str]]) -> str:
        """Take the value cells of one age row; returns '' or the Verwendung none of whose groups holds its ages (the
        row is then not taken)."""
        found = {}
        for use, groups in self.uses.items():
            group = next((g for g in groups if g.holds(*span)), None)
            if group is None:
                return use
            found[use] = group
        for use, group in found.items():
            collected = self.groups[(year, area, use, group.code)]
            collected.spans.append((span, number))
            for index, _targets, value, flag in cells:
                collected.cells[index].append((value, flag))
        return ""

    def gaps(self) -> list[Gap]:
        """The groups whose ages are not all there exactly once."""
        found = []
        for (year, area, use, code), collected in self.groups.items():
            group = next(g for g in self.uses[use] if g.code == code)
            what = _coverage(group, sorted(collected.spans, key=lambda item: item[0][0]))
            if what:
                found.append(Gap(year, area, use, group, min(n for _span, n in collected.spans), what))
        return found

    def sums(self) -> list[GroupSum]:
        """One value per group and value column: the sum, or no value with the Kennzeichen of a part without one."""
        found = []
        for (year, area, _use, code), collected in self.groups.items():
            first = min(collected.spans, key=lambda item: item[0][0])[1]
            for index, parts in collected.cells.items():
                flags = {flag for _value, flag in parts if flag}
                missing = any(value is None for value, _flag in parts)
                if flags or missing:
                    flag = FLAG_WITHHELD if FLAG_WITHHELD in flags else FLAG_NO_VALUE
                    found.append(GroupSum(year, area, code, first, index, None, flag))
                else:
                    found.append(GroupSum(year, area, code, first, index, sum(v for v, _f in parts), ""))
        return found


def _coverage(group: AgeGroup, spans: list[tuple[Span, int]]) -> str:
    """'' if ``spans`` (sorted by their start) cover the ages of ``group`` exactly once, else what is wrong."""
    start: int | None = group.von
    for (low, high), _number in spans:
        if start is None or low < start:
            return f"das Alter {span_text((low, high))} kommt mehrfach vor"
        if low > start:
            return f"es fehlt das Alter {span_text((start, low))}"
        start = high
    if start != group.bis:
        return f"es fehlt das Alter {span_text((start, group.bis))}" if start is not None else \
            "das Alter reicht über die Gruppe hinaus"
    return ""


__all__ = ["AgeSums", "Gap", "GroupSum", "age_span", "span_text"]
