"""The demo's values by age group and by single nationality, made from its totals so that every sum holds.

Every total of an indicator collected by age (Deutsche and Nichtdeutsche, each sex) is split over the age groups of
each Verwendung by Magdeburg's age structure at the end of 2025 (``age_table``: all inhabitants by single year of age
as published in KISS-MD K3_T1, the foreigners in K3_T39's five age groups, younger than the Deutschen); Insgesamt and
the sex Insgesamt are the sums. The Nichtdeutschen of an indicator collected by nationality are split over the
nationalities its workbook asks for: a group whose members are all asked (the eight Asylherkunftsländer, Ukraine)
exactly, the others (EU, übrige Drittstaaten) for the most part, the rest standing for the nationalities not asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from toolkit.catalogue.model import CITY, Catalogue, Indicator
from toolkit.core.keys import ALL, ObservationKey
from toolkit.demo.params import FOREIGN_FEMALE_GAP, FOREIGNERS_2025, MEN_2025, WOMEN_2025
from toolkit.demo.population import allocate

OLDEST = len(MEN_2025)  # ages 0 … 89 and "90 und älter"; an open group takes every age from its start
SEXES = ("weiblich", "maennlich")
NATIONALITY_WEIGHT = {  # how the Nichtdeutschen of a group split over the nationalities asked one by one:
    # key -> (weight in 2025, yearly change of the weight): Afghanistan, Rumänien and Indien grow, Polen, Vietnam and
    # the Russische Föderation shrink relative to their group; Libanon and the Staatenlosen stay small (below the
    # threshold of "übrige Staatsangehörigkeiten" in some or all years)
    "475": (30, 0.0), "423": (12, 0.08), "438": (6, -0.03), "439": (4, 0.03), "224": (3, -0.02), "273": (2, -0.04),
    "232": (2, 0.02), "461": (2, 0.03),
    "154": (10, 0.05), "152": (9, -0.03), "125": (6, 0.04), "165": (3, 0.0), "137": (3, -0.02), "161": (2, -0.03),
    "134": (2, -0.02), "130": (2, 0.06),
    "160": (8, -0.02), "432": (8, -0.03), "436": (10, 0.15), "163": (6, 0.02), "479": (5, 0.0), "121": (1, 0.05),
    "169": (1, 0.03), "252": (1, 0.04), "285": (1, 0.05), "287": (1, 0.06), "430": (1, 0.08), "444": (1, -0.02),
    "451": (0.3, 0.08), "997": (0.2, 0.0), "998": (1, 0.05),
}
WEIGHT_YEAR = 2025  # the year the weights are those of NATIONALITY_WEIGHT
ASKED_SHARE = 0.8  # of a group not all of whose nationalities are asked, the part the asked ones make


def nationality_weight(code: str, year: int) -> float:
    """The weight of a nationality within its group in ``year`` (NATIONALITY_WEIGHT; 1 for one it does not name)."""
    weight, change = NATIONALITY_WEIGHT.get(code, (1, 0.0))
    return weight * (1 + change) ** (year - WEIGHT_YEAR)


def _foreign_shape(age: int) -> float:
    """Relative number of foreigners among all inhabitants of one year of age: many between 18 and 40, few old."""
    steps = ((18, 1.0), (40, 2.2), (55, 1.2), (65, 0.5))
    return next((w for limit, w in steps if age < limit), 0.25)


@cache
def age_table() -> dict[tuple[str, str], tuple[float, ...]]:
    """Persons by single year of age (index 0 … 90, the last 90 and older) for (group, sex): group insgesamt,
    deutsch or nichtdeutsch, sex weiblich, maennlich or insgesamt. The foreigners of each K3_T39 age group are spread
    over its years by ``_foreign_shape`` and split by sex; the Deutschen are the rest of each year of age."""
    foreign = [0.0] * OLDEST
    limits = [start for start, _ in FOREIGNERS_2025[1:]] + [OLDEST]
    for (start, persons), end in zip(FOREIGNERS_2025, limits, strict=True):
        weights = [(MEN_2025[a] + WOMEN_2025[a]) * _foreign_shape(a) for a in range(start, end)]
        for age, weight in zip(range(start, end), weights, strict=True):
            foreign[age] = persons * weight / sum(weights)
    table: dict[tuple[str, str], tuple[float, ...]] = {("insgesamt", "weiblich"): WOMEN_2025,
                                                        ("insgesamt", "maennlich"): MEN_2025}
    women = [f * max(0.0, w / (w + m) - FOREIGN_FEMALE_GAP)
             for f, w, m in zip(foreign, WOMEN_2025, MEN_2025, strict=True)]
    table[("nichtdeutsch", "weiblich")] = tuple(women)
    table[("nichtdeutsch", "maennlich")] = tuple(f - w for f, w in zip(foreign, women, strict=True))
    for sex in SEXES:
        table[("deutsch", sex)] = tuple(max(0.0, t - n) for t, n in zip(table[("insgesamt", sex)],
                                                                        table[("nichtdeutsch", sex)], strict=True))
    for group in ("insgesamt", "deutsch", "nichtdeutsch"):
        table[(group, "insgesamt")] = tuple(map(sum, zip(*(table[(group, sex)] for sex in SEXES), strict=True)))
    return table


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
                persons = age_table()[(leaf if leaf in ("deutsch", "nichtdeutsch") else "insgesamt", sex)]
                for codes in catalogue.partitions(indicator).values():
                    weights = [sum(persons[group.von:min(group.bis or OLDEST, OLDEST)])
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
                parts = allocate(round(total * share), [nationality_weight(code, year) for code in codes])
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
