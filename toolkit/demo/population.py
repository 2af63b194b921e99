"""The synthetic population of the demo: inhabitants of Magdeburg by Stadtteil, leaf group and sex (demo/params.py:
POPULATION, FEMALE_SHARE, DISTRICTS), made so that the Stadtteile add up to the city exactly (``allocate``)."""

from __future__ import annotations

import math

from toolkit.catalogue.model import district_area
from toolkit.demo.params import DISTRICTS, FEMALE_SHARE, POPULATION, UKRAINE_FEMALE_SHARE_FROM_2022

BASE_YEAR = 2020


Population = dict[tuple[str, str, str], int]  # (area, leaf, sex) -> persons; area "stNN"


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split a whole number by weights so that the parts add up exactly (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def city_population(year: int) -> dict[tuple[str, str], int]:
    """Inhabitants of the whole city by (leaf, sex) at 31.12. of ``year``."""
    total, dmh, eu, asyl, ukr, rest = POPULATION[year]
    counts = {"deutsch_mit_mh": dmh, "eu": eu, "asylherkunft": asyl, "ukraine": ukr, "sonstige_drittstaaten": rest}
    counts["ohne_mh"] = total - sum(counts.values())
    result = {}
    for leaf, count in counts.items():
        share = FEMALE_SHARE[leaf]
        if leaf == "ukraine" and year >= 2022:
            share = UKRAINE_FEMALE_SHARE_FROM_2022
        women = round(count * share)
        result[(leaf, "weiblich")] = women
        result[(leaf, "maennlich")] = count - women
    return result


def district_weight(key: str, leaf: str, year: int) -> float:
    persons, concentration, _ = DISTRICTS[key]
    concentration = 1 + (concentration - 1) * (1 - 0.005 * (year - BASE_YEAR))  # slowly less segregated
    if leaf == "ohne_mh":
        return persons * max(0.3, 1 - 0.12 * (concentration - 1))
    if leaf == "deutsch_mit_mh":
        return persons * (1 + (concentration - 1) * 0.5)
    if leaf == "ukraine":
        return persons * (1 + (concentration - 1) * 0.6)
    return persons * concentration


def population(year: int) -> Population:
    """Inhabitants by Stadtteil, leaf and sex; the Stadtteile add up to the city exactly."""
    keys = sorted(DISTRICTS)
    result: Population = {}
    for (leaf, sex), count in city_population(year).items():
        parts = allocate(count, [district_weight(k, leaf, year) for k in keys])
        for key, part in zip(keys, parts, strict=True):
            result[(district_area(key), leaf, sex)] = part
    return result
