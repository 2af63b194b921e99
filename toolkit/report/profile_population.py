"""Who lives in a Stadtteil, for its profile: the age structure against the city and the Nichtdeutschen by group of
nationalities.

- Age: the share under 18 and the share 65 and older of all inhabitants of the Stadtteil and of the city, from the
  published cells by age group of the population count (DEM-01: the Lebensphasen 0-7 and 7-18 make "unter 18";
  report/age_structure.py takes the partition whose bounds fit). A share is computed only from published cells; if
  one is suppressed, the share is not shown: the cell's symbol stands in its place.
- Nationality groups: the count's groups of nationalities (EU, Drittstaaten, Asylherkunftsländer, Ukraine), the
  largest first; a group whose nationalities all belong to another shown group is named after it ("darunter"), so no
  person is counted twice in one list. A suppressed group shows its symbol, never a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from toolkit.catalogue.model import CITY, Catalogue, Indicator, IndicatorType
from toolkit.core.cells import format_percent
from toolkit.core.keys import ALL
from toolkit.indicators.confidentiality import MISSING_SYMBOL
from toolkit.report.age_structure import ADULT, OLD, span_share
from toolkit.report.tables import published_number, table_cell

SPANS = ((0, ADULT, "unter 18 Jahre"), (OLD, None, "65 Jahre und älter"))
NATIONALITY_GROUPS = ("eu", "drittstaaten", "asylherkunft", "ukraine")


@dataclass(frozen=True)
class AgeShare:
    """A share of the Stadtteil and of the city in % (NaN where not published), with the symbol shown instead ('.
    (gesperrt)' where a cell it needs is suppressed, '…' where one is missing)."""

    label: str
    value: float
    symbol: str
    city: float


def population_indicator(catalogue: Catalogue) -> Indicator | None:
    """The count of inhabitants by Stadtteil that is collected by age for all inhabitants (DEM-01 in the default
    catalogue), or None."""
    return next((i for i in catalogue.indicators.values() if i.typ == IndicatorType.ANZAHL and i.stadtteile
                 and catalogue.ages_of(i) and "insgesamt" in catalogue.groups_by_age(i)), None)


def age_shares(frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, year: int,
               area: str) -> list[AgeShare]:
    """Under 18 and 65 and older: the Stadtteil's share and the city's, from the published cells of ``frame``."""
    rows = frame[(frame["indicator"] == indicator.id) & (frame["year"] == year) & frame["area"].isin([area, CITY])
                 & (frame["group"] == "insgesamt") & (frame["sex"] == "insgesamt") & (frame["nationality"] == ALL)]
    records = {(r.area, r.age): r for r in rows.itertuples(index=False)}
    partitions = [[catalogue.age_group[c] for c in codes] for codes in catalogue.partitions(indicator).values()]
    shares = []
    for low, high, label in SPANS:
        values = []
        for place in (area, CITY):
            counts = {age: published_number(records.get((place, age))) for age in catalogue.ages_of(indicator)}
            values.append(span_share(counts, partitions, low, high, published_number(records.get((place, ALL)))))
        hidden = [r for (place, _age), r in records.items() if place == area and math.isnan(published_number(r))]
        symbol = "" if not math.isnan(values[0]) else next((f"{r.symbol or '.'} (gesperrt)" for r in hidden
                                                            if r.suppressed), MISSING_SYMBOL)
        shares.append(AgeShare(label, values[0], symbol, values[1]))
    return shares


def age_sentence(shares: list[AgeShare], year: int) -> str:
    """'Alter 2025: unter 18 Jahre 12,3 % (Gesamtstadt 14,8 %), 65 Jahre und älter 30,1 % (Gesamtstadt 27,0 %).'"""
    parts = []
    for s in shares:
        value = s.symbol if math.isnan(s.value) else format_percent(s.value, 1)
        city = "" if math.isnan(s.city) else f" (Gesamtstadt {format_percent(s.city, 1)})"
        parts.append(f"{s.label} {value}{city}")
    return f"Alter der Einwohnerinnen und Einwohner {year}: {', '.join(parts)}."


def nationality_sentence(frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, year: int,
                         area: str) -> str:
    """'Nichtdeutsche 2025 nach Staatengruppen: Drittstaatsangehörige 1.234 (darunter …); …'; '' if the indicator has
    none of the groups in the Stadtteil."""
    rows = frame[(frame["indicator"] == indicator.id) & (frame["year"] == year) & (frame["area"] == area)
                 & (frame["sex"] == "insgesamt") & (frame["age"] == ALL) & (frame["nationality"] == ALL)]
    records = {r.group: r for r in rows.itertuples(index=False) if r.group in NATIONALITY_GROUPS}
    if not records:
        return ""
    members = {g: set(catalogue.members(g)) for g in records}
    parent = {g: next((p for p in records if p != g and members[g] and members[g] < members[p]), None)
              for g in records}

    def ranked(groups: list[str]) -> list[str]:  # largest first, hidden ones last (in catalogue order)
        numbers = {g: published_number(records[g]) for g in groups}
        return sorted(groups, key=lambda g: (math.isnan(numbers[g]), 0.0 if math.isnan(numbers[g]) else -numbers[g]))

    def text(group: str) -> str:  # a suppressed group: its symbol, and the word for it (the sentence ends with '.')
        cell = table_cell(records[group], 0, {})
        return f"{catalogue.label('gruppe', group)} {cell.text}" + (" (gesperrt)" if cell.state else "")

    parts = []
    for group in ranked([g for g in records if parent[g] is None]):
        children = ranked([g for g in records if parent[g] == group])
        parts.append(text(group) + (f" (darunter {', '.join(text(c) for c in children)})" if children else ""))
    return f"Nichtdeutsche {year} nach Staatengruppen: {'; '.join(parts)}."


