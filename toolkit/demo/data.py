"""Synthetic but plausible Magdeburg data for ``toolkit demo`` (parameters in demo/params.py).

Every value is built bottom-up from small "leaves" (Stadtteil x group leaf x sex) and then summed, so the
sum rules hold exactly: Deutsche + Nichtdeutsche = Insgesamt, weiblich + männlich = Insgesamt, the
Stadtteile add up to the Gesamtstadt. Zähler never exceed their Nenner (except the Kita quotas, which the
catalogue allows over 100 %). The series move slowly (seeded noise of about 1.5 %), so the change limits
of the catalogue hold; the one intended break is the arrival of Ukrainians in 2022. Years and groups the catalogue
rules out (Erhebungsjahre, Gültig ab) get no value.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable

from toolkit.catalogue.model import CITY, Catalogue, Indicator, IndicatorType, district_area
from toolkit.core.keys import ObservationKey
from toolkit.demo.breakdowns import add_breakdowns
from toolkit.demo.params import (
    CARE_CENTRE,
    COMPARISON_QUOTE,
    COMPARISON_WERT,
    DISTRICTS,
    FOREIGN_LEAVES,
    GAP_WEIGHT,
    GERMAN_LEAVES,
    LONG_SERIES,
    LONG_SERIES_START,
    NATURALISATION,
    PROFILE_WEIGHT,
    SPECS,
    STAAT_LEAVES,
    Spec,
)
from toolkit.demo.population import BASE_YEAR, city_population, population

SEED = 2025
SEX_LEAVES = ("weiblich", "maennlich")
ALL = "alle"  # the sex leaf of indicators that are not collected by sex
GROUP_LEAVES = {
    "insgesamt": STAAT_LEAVES + ("insgesamt", "bildungsauslaender", "bildungsinlaender"),
    "deutsch": GERMAN_LEAVES,
    "nichtdeutsch": FOREIGN_LEAVES + ("bildungsauslaender", "bildungsinlaender"),
    "drittstaaten": ("asylherkunft", "ukraine", "sonstige_drittstaaten"),
    "mit_mh": FOREIGN_LEAVES + ("deutsch_mit_mh",),
}
STAAT_GROUPS = {"deutsch", "nichtdeutsch", "eu", "drittstaaten", "asylherkunft", "ukraine",
                "sonstige_drittstaaten", "mit_mh", "ohne_mh", "deutsch_mit_mh"}
GERMAN_GROUPS = {"insgesamt", "deutsch", "mit_mh", "ohne_mh", "deutsch_mit_mh"}
SECOND_PARTITIONS = (("mit_mh_kita", "ohne_mh_kita"), ("mit_eg", "ohne_eg"),
                     ("familiensprache_nichtdeutsch", "familiensprache_deutsch"))

def spec_for(indicator: Indicator) -> Spec:
    """The generation parameters of an indicator; a modest default for ids the demo does not know."""
    if indicator.id in SPECS:
        return SPECS[indicator.id]
    if indicator.typ == IndicatorType.QUOTE:
        return Spec(0.3, frac=0.01, gap=1.5)
    return Spec(100.0, base="const", trend=0.02)


class Generator:
    """Generates all values of the catalogue for the given years (deterministic for a seed)."""

    def __init__(self, catalogue: Catalogue, years: Iterable[int], seed: int = SEED,
                 only: Iterable[str] | None = None) -> None:
        self.catalogue = catalogue
        self.years = list(years)
        self.seed = seed
        self.only = None if only is None else set(only)  # the indicators to generate (None: all)
        self.pop = {y: population(y) for y in range(min(*self.years, BASE_YEAR) - 1, max(self.years) + 1)}
        self.values: dict[ObservationKey, float] = {}

    # ---- entry point ------------------------------------------------------------------------------

    def run(self) -> dict[ObservationKey, float]:
        for indicator in self.catalogue.indicators.values():
            if not indicator.collected_in_city or (self.only is not None and indicator.id not in self.only):
                continue
            for year in self.years:
                if indicator.id == "DEM-06":
                    self._migration(indicator, year)
                elif indicator.id == "STT-02":
                    self._segregation(indicator, year)
                elif indicator.id == "STT-03":
                    self._put(indicator, year, CITY, "insgesamt", "insgesamt", "wert", self.high_share_districts(year))
                elif indicator.typ == IndicatorType.WERT:
                    self._wert(indicator, spec_for(indicator), year)
                else:
                    self._counts(indicator, spec_for(indicator), year)
        if self.only is None:
            self._comparisons()
        # no value for a year the indicator or group cannot have (TEI-02 outside Wahljahre, Einwanderungsgeschichte
        # before 2021): the checks of returns and imports would refuse it
        self.values = {key: value for key, value in self.values.items()
                       if not self.catalogue.impossible(key.indicator, key.year, key.group)}
        return self.values

    # ---- helpers ----------------------------------------------------------------------------------

    def _put(self, ind: Indicator, year: int, area: str, group: str, sex: str, measure: str, value: float) -> None:
        self.values[ObservationKey(ind.id, year, area, group, sex, measure)] = float(value)

    def _rng(self, ind: Indicator, year: int, area: str) -> random.Random:
        return random.Random(f"{self.seed}|{ind.id}|{year}|{area}")

    def _persons(self, year: int, area: str | None, leaves: Iterable[str], sex: str) -> int:
        """Inhabitants of an area (None = city) for the leaves and a sex leaf (ALL = both)."""
        sexes = SEX_LEAVES if sex == ALL else (sex,)
        leaves = STAAT_LEAVES if tuple(leaves) == ("insgesamt",) else tuple(leaves)
        pop = self.pop[year]
        areas = [area] if area else [district_area(n) for n in DISTRICTS]
        return sum(pop[(a, leaf, s)] for a in areas for leaf in leaves for s in sexes)

    @staticmethod
    def leaves_of(ind: Indicator, spec: Spec) -> tuple[str, ...]:
        groups = set(ind.gruppen)
        if groups & {"bildungsauslaender", "bildungsinlaender"}:
            return ("bildungsauslaender", "bildungsinlaender")
        if spec.all_leaves or groups & STAAT_GROUPS:
            return STAAT_LEAVES if spec.all_leaves or groups & GERMAN_GROUPS else FOREIGN_LEAVES
        return ("insgesamt",)

    @staticmethod
    def gap_factor(spec: Spec, leaf: str, year: int) -> float:
        start = spec.leaf.get(leaf, 1 + (spec.gap - 1) * GAP_WEIGHT.get(leaf, 0.0))
        return max(0.0, 1 + (start - 1) * (1 + spec.gap_trend) ** (year - BASE_YEAR))

    @staticmethod
    def rate_cap(ind: Indicator) -> float:
        if ind.typ != IndicatorType.QUOTE:
            return math.inf
        if ind.allows_over_100:
            return ind.max_wert / ind.faktor * 0.95
        return 1.0 if ind.max_wert is None else min(1.0, ind.max_wert / ind.faktor)

    @staticmethod
    def _area_factor(ind: Indicator, spec: Spec, area: str | None) -> float:
        if area is None:
            return 1.0
        key = area[2:]
        _, concentration, burden = DISTRICTS[key]
        factor = (1 + spec.social * burden) * (1 + spec.concentration * (concentration - 1))
        if key == CARE_CENTRE and ind.allows_over_100:
            factor *= 1.25  # children from other Stadtteile are cared for here
        return max(0.05, factor)

    # ---- quote and anzahl -------------------------------------------------------------------------

    def _counts(self, ind: Indicator, spec: Spec, year: int) -> None:
        leaves = self.leaves_of(ind, spec)
        sexes = SEX_LEAVES if ind.geschlecht else (ALL,)
        areas: list[str | None] = [d.area for d in self.catalogue.districts] if ind.stadtteile else [None]
        cap = self.rate_cap(ind)
        trend = (1 + spec.trend) ** (year - BASE_YEAR)
        # cells[(area, group, sex)][measure] for the leaves and the second partition
        cells: dict[tuple[str | None, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for area in areas:
            rng = self._rng(ind, year, area or CITY)
            area_factor = self._area_factor(ind, spec, area)
            for sex in sexes:
                sex_factor = spec.female if sex == "weiblich" else 1.0
                for leaf in leaves:
                    noise = 1 + rng.uniform(-spec.noise, spec.noise)
                    rate = spec.rate * self.gap_factor(spec, leaf, year) * trend * noise * area_factor
                    cell = cells[(area, leaf, sex)]
                    if ind.typ == IndicatorType.QUOTE:
                        cell["nenner"] = self._denominator(spec, year, area, leaf, sex)
                        wanted = round(cell["nenner"] * min(rate * sex_factor, cap))
                        cell["zaehler"] = min(wanted, math.floor(cell["nenner"] * cap))
                    else:
                        cell["wert"] = self._count(spec, year, area, leaf, sex, rate * sex_factor)
                self._second_partition(ind, spec, year, cells, area, sex, leaves, cap)
        self._emit(ind, year, cells, leaves, sexes, areas)

    def _base_persons(self, spec: Spec, year: int, area: str | None, leaf: str, sex: str) -> int:
        if spec.women:
            sex = "weiblich" if sex == ALL else sex
        if leaf == "insgesamt" and spec.base == "foreign":
            return self._persons(year, area, FOREIGN_LEAVES, sex)
        return self._persons(year, area, (leaf,), sex)

    def _denominator(self, spec: Spec, year: int, area: str | None, leaf: str, sex: str) -> int:
        if spec.base == "const":
            size = spec.size * 1.01 ** (year - BASE_YEAR)
            return round(size * (0.5 if sex != ALL else 1.0))
        profile = 1 + (spec.profile - 1) * PROFILE_WEIGHT.get(leaf, 0.0 if leaf == "insgesamt" else 1.0)
        return round(self._base_persons(spec, year, area, leaf, sex) * spec.frac * profile)

    def _count(self, spec: Spec, year: int, area: str | None, leaf: str, sex: str, rate: float) -> int:
        if spec.base == "const":  # rate is the whole count (x the leaf's share); spec.female the share of women
            if sex != ALL:
                rate = rate / (spec.female if sex == "weiblich" else 1.0)
                rate *= spec.female if sex == "weiblich" else 1 - spec.female
            return round(rate)
        return round(self._base_persons(spec, year, area, leaf, sex) * rate)

    def _second_partition(self, ind: Indicator, spec: Spec, year: int, cells, area: str | None, sex: str,
                          leaves: tuple[str, ...], cap: float) -> None:
        parts = next((p for p in SECOND_PARTITIONS if set(p) & set(ind.gruppen)), None)
        if parts is None or ind.typ != IndicatorType.QUOTE:
            return
        total_n = sum(cells[(area, leaf, sex)]["nenner"] for leaf in leaves)
        total_z = sum(cells[(area, leaf, sex)]["zaehler"] for leaf in leaves)
        growth = self._persons(year, None, FOREIGN_LEAVES, ALL) / self._persons(BASE_YEAR, None, FOREIGN_LEAVES, ALL)
        share, factor = spec.split
        n_a = round(total_n * min(0.6, share * growth))
        n_b = total_n - n_a
        wanted = round(n_a * (total_z / total_n if total_n else 0) * factor)
        z_a = max(total_z - math.floor(n_b * cap), min(wanted, math.floor(n_a * cap), total_z), 0)
        cells[(area, parts[0], sex)].update(nenner=n_a, zaehler=z_a)
        cells[(area, parts[1], sex)].update(nenner=n_b, zaehler=total_z - z_a)

    def _emit(self, ind: Indicator, year: int, cells, leaves: tuple[str, ...], sexes: tuple[str, ...],
              areas: list[str | None]) -> None:
        measures = ind.measures
        for group in ind.gruppen:
            members = GROUP_LEAVES.get(group, (group,))
            members = [m for m in members if m in leaves] or [group]
            for measure in measures:
                by_area_sex = {
                    (area, sex): sum(cells[(area, m, sex)].get(measure, 0) for m in members)
                    for area in areas for sex in sexes
                }
                for sex in sexes:
                    total = sum(by_area_sex[(area, sex)] for area in areas)
                    if sex != ALL:
                        self._put(ind, year, CITY, group, sex, measure, total)
                self._put(ind, year, CITY, group, "insgesamt", measure, sum(by_area_sex.values()))
                if ind.stadtteile:
                    for area in areas:
                        self._put(ind, year, area, group, "insgesamt", measure,
                                  sum(by_area_sex[(area, sex)] for sex in sexes))

    # ---- wert and derived indicators --------------------------------------------------------------

    def _wert(self, ind: Indicator, spec: Spec, year: int) -> None:
        trend = (1 + spec.trend) ** (year - BASE_YEAR)
        rng = self._rng(ind, year, CITY)
        digits = 0 if ind.einheit == "Tage" else 1
        leaves = self.leaves_of(ind, spec)
        sexes = SEX_LEAVES if ind.geschlecht else (ALL,)
        leaf_values = {}
        for leaf in leaves:
            for sex in SEX_LEAVES:
                noise = 1 + rng.uniform(-spec.noise, spec.noise)
                value = spec.rate * self.gap_factor(spec, leaf, year) * trend * noise
                leaf_values[(leaf, sex)] = value * (spec.female if sex == "weiblich" else 1.0)
        for group in ind.gruppen:
            members = [m for m in GROUP_LEAVES.get(group, (group,)) if m in leaves] or [group]
            for sex in (*sexes, "insgesamt") if sexes != (ALL,) else ("insgesamt",):
                use = SEX_LEAVES if sex in ("insgesamt", ALL) else (sex,)
                weights = {(m, s): self._persons(year, None, (m,), s) if m != "insgesamt" else 1
                           for m in members for s in use}
                total = sum(weights.values())
                value = sum(leaf_values[k] * w for k, w in weights.items()) / total
                self._put(ind, year, CITY, group, sex, "wert", round(min(value, ind.max_wert or value), digits))

    def _migration(self, ind: Indicator, year: int) -> None:
        """Außenwanderungssaldo: growth of the population plus the naturalised (who left the group)."""
        before, now = city_population(year - 1), city_population(year)
        for group in ind.gruppen:
            members = [m for m in GROUP_LEAVES.get(group, (group,)) if m in FOREIGN_LEAVES] or [group]
            per_sex = {sex: sum(now[(m, sex)] - before[(m, sex)] + round(before[(m, sex)] * 0.012 * NATURALISATION[m])
                                for m in members) for sex in SEX_LEAVES}
            for sex, value in per_sex.items():
                self._put(ind, year, CITY, group, sex, "wert", value)
            self._put(ind, year, CITY, group, "insgesamt", "wert", sum(per_sex.values()))

    def _segregation(self, ind: Indicator, year: int) -> None:
        """Dissimilarity index of each group against the rest of the population over the Stadtteile."""
        for group in ind.gruppen:
            members = [m for m in GROUP_LEAVES.get(group, (group,)) if m in STAAT_LEAVES] or [group]
            rest = [leaf for leaf in STAAT_LEAVES if leaf not in members]
            areas = [district_area(n) for n in DISTRICTS]
            group_n = [self._persons(year, a, members, ALL) for a in areas]
            rest_n = [self._persons(year, a, rest, ALL) for a in areas]
            total_g, total_r = sum(group_n), sum(rest_n)
            index = 0.5 * sum(abs(g / total_g - r / total_r) for g, r in zip(group_n, rest_n, strict=True))
            self._put(ind, year, CITY, group, "insgesamt", "wert", round(index, 3))

    def high_share_districts(self, year: int) -> int:
        """Stadtteile with at least 500 inhabitants and at least twice the city's foreign share."""
        city_share = self._persons(year, None, FOREIGN_LEAVES, ALL) / self._persons(year, None, STAAT_LEAVES, ALL)
        count = 0
        for key in DISTRICTS:
            area = district_area(key)
            persons = self._persons(year, area, STAAT_LEAVES, ALL)
            if persons >= 500 and self._persons(year, area, FOREIGN_LEAVES, ALL) / persons >= 2 * city_share:
                count += 1
        return count

    def _comparisons(self) -> None:
        """Values for Sachsen-Anhalt and Deutschland (comparison only), for the years before 2025."""
        years = [y for y in self.years if y < max(self.years)]
        for (indicator, area), (levels, trend) in COMPARISON_WERT.items():
            for year in years:
                for group, level in levels.items():
                    value = round(level * (1 + trend) ** (year - BASE_YEAR), 1)
                    self.values[ObservationKey(indicator, year, area, group, "insgesamt", "wert")] = value
        for (indicator, area), (size, rate, trend) in COMPARISON_QUOTE.items():
            for year in years:
                nenner = round(size * 1.002 ** (year - BASE_YEAR))
                zaehler = round(nenner * rate * (1 + trend) ** (year - BASE_YEAR))
                for measure, value in (("zaehler", zaehler), ("nenner", nenner)):
                    self.values[ObservationKey(indicator, year, area, "insgesamt", "insgesamt", measure)] = float(value)


def generate(catalogue: Catalogue, years: Iterable[int], seed: int = SEED) -> dict[ObservationKey, float]:
    """All synthetic values for ``years``: city, Stadtteile and comparison areas (LAND, GERMANY); the indicators of
    LONG_SERIES (inhabitants, Nichtdeutsche by nationality) also for every year from LONG_SERIES_START on."""
    years = list(years)
    values = Generator(catalogue, years, seed).run()
    add_breakdowns(catalogue, values, years)
    earlier = list(range(LONG_SERIES_START, min(years)))
    if earlier:
        long = Generator(catalogue, earlier, seed, only=LONG_SERIES).run()
        add_breakdowns(catalogue, long, earlier)
        values.update(long)
    return values

