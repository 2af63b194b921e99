"""The demo's values by age group and by single nationality, made from its totals so that every sum holds.

A first, simple structure (the demo helper of issue #20 refines it): every total of an indicator collected by age
(Deutsche and Nichtdeutsche, each sex) is split over the age groups of each Verwendung by a profile of single years
(Nichtdeutsche younger than Deutsche); Insgesamt and the sex Insgesamt are the sums. The Nichtdeutschen of an
indicator collected by nationality are split over the nationalities its workbook asks for: a group whose members are
all asked (the eight Asylherkunftsländer, Ukraine) exactly, the others (EU, übrige Drittstaaten) for the most part,
the rest standing for the nationalities not asked one by one.
"""

from __future__ import annotations

from collections.abc import Iterable

from toolkit.catalogue.model import CITY, Catalogue, Indicator
from toolkit.core.keys import ALL, ObservationKey
from toolkit.demo.population import allocate

OLDEST = 100  # ages 0 … 99 make the profiles; an open group takes every age from its start
SEXES = ("weiblich", "maennlich")
NATIONALITY_WEIGHT = {  # how the Nichtdeutschen of a group split over the nationalities asked one by one
    "475": 30, "423": 12, "438": 6, "439": 4, "224": 3, "273": 2, "232": 2, "461": 2, "154": 10, "152": 9, "125": 6,
    "165": 3, "137": 3, "161": 2, "134": 2, "130": 2, "160": 8, "432": 8, "436": 10, "163": 6, "479": 5,
}
ASKED_SHARE = 0.8  # of a group not all of whose nationalities are asked, the part the asked ones make


def _profile(group: str, age: int) -> float:
    """Relative number of persons of one year of age: Nichtdeutsche many between 18 and 40, few old; Deutsche older."""
    if group == "nichtdeutsch":
        steps = ((18, 1.0), (40, 2.2), (55, 1.2), (65, 0.5))
        return next((w for limit, w in steps if age < limit), 0.15 * max(0.0, 1 - (age - 65) / 30))
    steps = ((20, 0.8), (55, 1.0), (70, 1.25))
    return next((w for limit, w in steps if age < limit), 1.1 * max(0.0, 1 - (age - 70) / 30))


def add_breakdowns(catalogue: Catalogue, values: dict[ObservationKey, float], years: Iterable[int]) -> None:
    """Add to ``values`` the Gesamtstadt's cells by age group and by nationality of every indicator collected so."""
    for indicator in catalogue.indicators.values():
        for year in years:
            if catalogue.ages_of(indicator):
                _ages(catalogue, indicator, year, values)
            if catalogue.nationalities_of(indicator, collected=True):
                _nationalities(catalogue, indicator, year, values)


def _ages(catalogue: Catalogue, indicator: Indicator, year: int, values: dict[ObservationKey, float]) -> None:
    sexes = SEXES if indicator.geschlecht else ("insgesamt",)
    groups = catalogue.groups_by_age(indicator)
    leaves = [g for g in ("deutsch", "nichtdeutsch") if g in groups] or list(groups)
    for measure in indicator.measures:
        for leaf in leaves:
            for sex in sexes:
                total = values.get(ObservationKey(indicator.id, year, CITY, leaf, sex, measure))
                if total is None:
                    continue
                for codes in catalogue.partitions(indicator).values():
                    weights = [sum(_profile(leaf, age) for age in range(group.von, group.bis or OLDEST))
                               for group in (catalogue.age_group[code] for code in codes)]
                    for code, part in zip(codes, allocate(int(total), weights), strict=True):
                        values[ObservationKey(indicator.id, year, CITY, leaf, sex, measure, code)] = float(part)
        _sum_up(values, indicator, year, measure, groups, leaves, sexes, catalogue.ages_of(indicator))


def _nationalities(catalogue: Catalogue, indicator: Indicator, year: int, values: dict[ObservationKey, float]) -> None:
    asked = set(catalogue.nationalities_of(indicator, collected=True))
    sexes = SEXES if indicator.geschlecht else ("insgesamt",)
    leaves = [g for g in ("eu", "asylherkunft", "ukraine", "sonstige_drittstaaten") if g in indicator.gruppen]
    for measure in indicator.measures:
        for leaf in leaves:
            members = catalogue.members(leaf)
            codes = [code for code in members if code in asked]
            for sex in sexes:
                total = values.get(ObservationKey(indicator.id, year, CITY, leaf, sex, measure))
                if total is None or not codes:
                    continue
                share = 1.0 if set(members) <= asked else ASKED_SHARE
                parts = allocate(round(total * share), [NATIONALITY_WEIGHT.get(code, 1) for code in codes])
                for code, part in zip(codes, parts, strict=True):
                    values[ObservationKey(indicator.id, year, CITY, "nichtdeutsch", sex, measure, ALL, code)] = part
        if indicator.geschlecht:
            for code in asked:
                cells = [values.get(ObservationKey(indicator.id, year, CITY, "nichtdeutsch", sex, measure, ALL, code))
                         for sex in SEXES]
                if all(cell is not None for cell in cells):
                    values[ObservationKey(indicator.id, year, CITY, "nichtdeutsch", "insgesamt", measure, ALL,
                                          code)] = float(sum(cells))


def _sum_up(values: dict[ObservationKey, float], indicator: Indicator, year: int, measure: str,
            groups: tuple[str, ...], leaves: list[str], sexes: tuple[str, ...], codes: tuple[str, ...]) -> None:
    """Insgesamt (of the groups and of the sexes) as the sums of the leaves, for each age group."""
    for code in codes:
        def cell(group: str, sex: str, code: str = code) -> float | None:
            return values.get(ObservationKey(indicator.id, year, CITY, group, sex, measure, code))

        for leaf in leaves:
            if "insgesamt" not in sexes and indicator.geschlecht:
                parts = [cell(leaf, sex) for sex in sexes]
                if all(p is not None for p in parts):
                    values[ObservationKey(indicator.id, year, CITY, leaf, "insgesamt", measure, code)] = sum(parts)
        if "insgesamt" in groups and "insgesamt" not in leaves:
            for sex in (*sexes, "insgesamt") if indicator.geschlecht else sexes:
                parts = [cell(leaf, sex) for leaf in leaves]
                if all(p is not None for p in parts):
                    values[ObservationKey(indicator.id, year, CITY, "insgesamt", sex, measure, code)] = sum(parts)
