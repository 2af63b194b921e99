"""The demo's values by age group and by single nationality, made from its totals so that every sum holds.

Every total of an indicator collected by age (Deutsche and Nichtdeutsche, each sex) is split over the age groups of
each Verwendung by Magdeburg's age structure at the end of 2025 (``age_table``: all inhabitants by single year of age
as published in KISS-MD K3_T1, the foreigners in K3_T39's five age groups, younger than the Deutschen); Insgesamt and
the sex Insgesamt are the sums. The Nichtdeutschen of an indicator collected by nationality are split over the
nationalities its workbook asks for: a group whose members are all asked (the eight Asylherkunftsländer, Ukraine)
exactly, the others (EU, übrige Drittstaaten) for the most part, the rest standing for the nationalities not asked.

Per Stadtteil, an indicator collected by age and by Stadtteil gets the age groups whose bounds are those of KISS-MD's
K3_T34/K3_T39 (the Lebensphasen 0-7, 7-18, 18-45, 45-65, 65+) for Deutsche and Nichtdeutsche (``_district_ages``):
each Stadtteil's shape from those tables (``DISTRICT_AGES``), fitted so that the age groups of a Stadtteil add up
to its total and the Stadtteile of an age group to the city's cell, in whole persons; Insgesamt is the sum. A sparsely
populated Stadtteil gets no age groups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache

from toolkit.catalogue.model import CITY, Catalogue, Indicator, district_area
from toolkit.core.keys import ALL, ObservationKey
from toolkit.demo.params import (
    AGE_BOUNDS,
    DISTRICT_AGES,
    FOREIGN_FEMALE_GAP,
    FOREIGNERS_2025,
    MEN_2025,
    WOMEN_2025,
)
from toolkit.demo.population import allocate
from toolkit.indicators.confidentiality import DEFAULT_MIN_POPULATION

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
    """Add to ``values`` the cells by age group and by nationality of every indicator collected so; then make every
    count the catalogue declares a sum of age groups that sum (``_age_links``)."""
    years = list(years)
    for indicator in catalogue.indicators.values():
        for year in years:
            if catalogue.ages_of(indicator):
                _ages(catalogue, indicator, year, values)
                _district_ages(catalogue, indicator, year, values)
            if catalogue.nationalities_of(indicator, collected=True):
                _nationalities(catalogue, indicator, year, values)
    _age_links(catalogue, values)


def _age_links(catalogue: Catalogue, values: dict[ObservationKey, float]) -> None:
    """A count declared the sum of another indicator's age groups (Gleiche Zahlen, gleich_alter: DEM-05's Zähler of
    Insgesamt, Deutsche and Nichtdeutsche) becomes that sum, in every year and area where the parts are there. The
    groups by Migrationshintergrund of the same count (no age cells) are set to fit it: the Deutschen mit
    Migrationshintergrund keep their share among the Deutschen of the count, mit_mh = Nichtdeutsche + those, ohne_mh =
    Deutsche - those; the city's are the sums of the Stadtteile."""
    links = [link for link in catalogue.links if link.gleich_alter]
    wanted = {(link.indikator, link.messgroesse) for link in links}
    candidates = [k for k in values if (k.indicator, k.measure) in wanted and k.age == ALL and k.nationality == ALL]
    changed: set[tuple[str, int, str, str, str]] = set()  # (indicator, year, area, sex, measure)
    for link in links:
        summed: set[ObservationKey] = set()
        for key in [k for k in candidates if k.indicator == link.indikator and k.measure == link.messgroesse
                    and (not link.gruppe or k.group == link.gruppe)]:
            parts = [values.get(ObservationKey(link.gleich_indikator, key.year, key.area, link.gleich_gruppe or key.group,
                                               key.sex, link.gleich_messgroesse, code)) for code in link.gleich_alter]
            if all(part is not None for part in parts):
                changed.add((key.indicator, key.year, key.area, key.sex, key.measure))
                values[key] = float(sum(parts))
                summed.add(key)
        _rest_to_sparse(values, catalogue, summed, changed)
    for indicator, year, area, sex, measure in changed:  # Insgesamt = Deutsche + Nichtdeutsche where shared out
        whole = ObservationKey(indicator, year, area, "insgesamt", sex, measure)
        parts = [whole._replace(group=group) for group in ("deutsch", "nichtdeutsch")]
        if whole in values and all(part in values for part in parts):
            values[whole] = values[parts[0]] + values[parts[1]]
    districts = [d.area for d in catalogue.districts]
    for indicator, year, area, sex, measure in sorted(changed, key=lambda c: c[2] == CITY):  # the city last
        _fit_migration_groups(values, ObservationKey(indicator, year, area, "", sex, measure), districts)


def _rest_to_sparse(values: dict[ObservationKey, float], catalogue: Catalogue, summed: set[ObservationKey],
                    changed: set[tuple[str, int, str, str, str]]) -> None:
    """The Stadtteile without age groups (sparsely populated) share what the city's summed count leaves, by their
    inhabitants (the count's Nenner), so that the Stadtteile still add up to the city."""
    for city in [key for key in summed if key.area == CITY]:
        keys = [city._replace(area=d.area) for d in catalogue.districts if city._replace(area=d.area) in values]
        rest = [key for key in keys if key not in summed]
        left = int(values[city] - sum(values[key] for key in keys if key in summed))
        weights = [values.get(key._replace(measure="nenner"), 0.0) for key in rest]
        for key, part in zip(rest, allocate(left, weights if sum(weights) else [1.0] * len(rest)), strict=True):
            values[key] = float(part)
            changed.add((key.indicator, key.year, key.area, key.sex, key.measure))


def _fit_migration_groups(values: dict[ObservationKey, float], at: ObservationKey, districts: list[str]) -> None:
    """mit_mh and ohne_mh of the count at ``at`` (its group left empty) made to fit its new Deutsche and
    Nichtdeutsche; the city's as the sums of its Stadtteile."""
    cells = {group: at._replace(group=group) for group in ("deutsch", "nichtdeutsch", "mit_mh", "ohne_mh")}
    if not all(key in values for key in cells.values()):
        return
    parts = [d for d in districts if at._replace(area=d, group="mit_mh") in values]
    if at.area == CITY and parts:
        for group in ("mit_mh", "ohne_mh"):
            values[cells[group]] = float(sum(values[at._replace(area=d, group=group)] for d in parts))
        return
    german_mh = max(0.0, values[cells["mit_mh"]] - values[cells["nichtdeutsch"]])
    german_before = german_mh + values[cells["ohne_mh"]]
    german_mh = round(german_mh * values[cells["deutsch"]] / german_before) if german_before else 0
    values[cells["mit_mh"]] = values[cells["nichtdeutsch"]] + german_mh
    values[cells["ohne_mh"]] = values[cells["deutsch"]] - german_mh


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
                # whole persons per year of age first, then every group their sum: the Verwendungen agree wherever
                # they share a bound (65 und älter = 65-70 + … + 90+), as the Amt's tables do
                by_age = allocate(int(total), list(persons))
                for code in catalogue.ages_of(indicator):
                    group = catalogue.age_group[code]
                    values[ObservationKey(indicator.id, year, CITY, leaf, sex, measure, code)] = float(
                        sum(by_age[group.von:min(group.bis or OLDEST, OLDEST)]))
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


FIRST_DISTRICT_AGES = 2021  # the Amt publishes age groups by Stadtteil (K3_T34, K3_T39) from 2021


def _district_ages(catalogue: Catalogue, indicator: Indicator, year: int, values: dict[ObservationKey, float]) -> None:
    """The age groups with K3_T34's bounds per Stadtteil (sex insgesamt, as the Stadtteil totals are collected), from
    the first year the Amt publishes them."""
    codes = next((codes for codes in catalogue.partitions(indicator).values()
                  if tuple(catalogue.age_group[c].von for c in codes) == AGE_BOUNDS), None)
    if not indicator.stadtteile or codes is None or year < FIRST_DISTRICT_AGES:
        return
    areas = [d.area for d in catalogue.districts]
    # a sparsely populated Stadtteil gets none: a handful of persons in five age groups would be all small counts
    # (the Amt's K3_T34/K3_T39 show "." there), and the disclosure control cannot keep such a block secret
    sparse = {d.area for d in catalogue.districts if d.sparse(DEFAULT_MIN_POPULATION)}
    for measure in indicator.measures:
        for leaf, side in (("deutsch", 0), ("nichtdeutsch", 1)):
            rows = [int(values.get(ObservationKey(indicator.id, year, area, leaf, "insgesamt", measure), 0))
                    for area in areas]
            columns = [values.get(ObservationKey(indicator.id, year, CITY, leaf, "insgesamt", measure, code))
                       for code in codes]
            if any(c is None for c in columns) or sum(rows) != sum(columns):
                continue
            seed = [[_shape(area, side, k) + 0.5 for k in range(len(codes))] for area in areas]
            for area, parts in zip(areas, fitted(seed, rows, [int(c) for c in columns]), strict=True):
                if area in sparse:
                    continue
                for code, part in zip(codes, parts, strict=True):
                    values[ObservationKey(indicator.id, year, area, leaf, "insgesamt", measure, code)] = float(part)
                    whole = ObservationKey(indicator.id, year, area, "insgesamt", "insgesamt", measure, code)
                    values[whole] = values.get(whole, 0.0) + part


def _shape(area: str, side: int, k: int) -> float:
    """Persons of age group ``k`` in the Stadtteil: Deutsche (side 0: all less foreigners) or foreigners (1)."""
    key = next((key for key in DISTRICT_AGES if district_area(key) == area), None)
    if key is None:
        return 0.0
    everyone, foreign = DISTRICT_AGES[key]
    return float(foreign[k]) if side else float(max(0, everyone[k] - foreign[k]))


def fitted(seed: Sequence[Sequence[float]], rows: Sequence[int], columns: Sequence[int],
           rounds: int = 60) -> list[list[int]]:
    """Whole numbers shaped like ``seed`` whose rows add up to ``rows`` and columns to ``columns`` exactly (equal
    totals): iterative proportional fitting, then the floors raised one by one where both a row and a column still
    lack persons, largest remainder first."""
    matrix = [list(row) for row in seed]
    for _ in range(rounds):
        for j, total in enumerate(columns):
            column = sum(row[j] for row in matrix)
            for row in matrix:
                row[j] = row[j] * total / column if column else 0.0
        for i, total in enumerate(rows):
            row_sum = sum(matrix[i])
            matrix[i] = [v * total / row_sum if row_sum else 0.0 for v in matrix[i]]
    whole = [[math.floor(v) for v in row] for row in matrix]
    lack_row = [total - sum(row) for total, row in zip(rows, whole, strict=True)]
    lack_column = [total - sum(row[j] for row in whole) for j, total in enumerate(columns)]
    cells = sorted(((matrix[i][j] - whole[i][j], i, j) for i in range(len(rows)) for j in range(len(columns))),
                   reverse=True)
    for _fraction, i, j in cells:
        if lack_row[i] > 0 and lack_column[j] > 0:
            whole[i][j] += 1
            lack_row[i] -= 1
            lack_column[j] -= 1
    for i, j in ((i, j) for i in range(len(rows)) for j in range(len(columns))):  # what is left, corner by corner
        extra = min(lack_row[i], lack_column[j])
        if extra > 0:
            whole[i][j] += extra
            lack_row[i] -= extra
            lack_column[j] -= extra
    return whole


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
