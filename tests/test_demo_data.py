"""The synthetic demo data is complete, consistent and plausible (without running the whole round)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from toolkit.catalogue.model import CITY, GERMANY, LAND, Catalogue
from toolkit.collect.layout import plan_workbook
from toolkit.core.keys import ObservationKey
from toolkit.demo.breakdowns import age_table
from toolkit.demo.data import generate
from toolkit.demo.params import (
    FOREIGN_LEAVES,
    FOREIGNERS_2025,
    JUMP_GROUPS,
    JUMP_INDICATORS,
    JUMP_YEAR,
    LONG_SERIES,
    LONG_SERIES_START,
    MEN_2025,
    WOMEN_2025,
)
from toolkit.demo.population import allocate, population

YEARS = range(2020, 2026)


@pytest.fixture(scope="module")
def values(catalogue: Catalogue) -> dict[ObservationKey, float]:
    return generate(catalogue, YEARS)


def _value(values, indicator, year, area, group, sex, measure) -> float:
    return values[ObservationKey(indicator, year, area, group, sex, measure)]


def test_allocate_keeps_the_total() -> None:
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(allocate(239_600, [0.3, 5.5, 1e-6, 12.0])) == 239_600
    assert allocate(0, [1, 2]) == [0, 0]


def _city_column(file: str, column: int) -> dict[int, float]:
    """A column of the Gesamtstadt (15003) by year from a real KISS-MD table in tests/data/kiss-md."""
    book = CalamineWorkbook.from_path(str(Path(__file__).parent / "data" / "kiss-md" / file))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()[1:]
    return {int(r[0]): float(r[column]) for r in rows if str(r[1]).split(".")[0] == "15003"}


def test_population_and_foreigners_are_the_published_ones() -> None:
    """2021–2025: inhabitants as in K3_T35 and foreigners as in K3_T39 (the Amt's tables)."""
    inhabitants = _city_column("entwicklung-der-hauptwohnsitzbevoelkerung.xlsx", 2)
    foreigners = _city_column("auslaendische-hauptwohnsitzbevoelkerung-nach-altersgruppen.xlsx", 7)
    for year in range(2021, 2026):
        pop = population(year)
        assert sum(pop.values()) == inhabitants[year], year
        assert sum(v for (_, leaf, _), v in pop.items() if leaf in FOREIGN_LEAVES) == foreigners[year], year
    ukraine = {y: sum(v for (_, leaf, _), v in population(y).items() if leaf == "ukraine") for y in (2021, 2022)}
    assert ukraine[2022] > 5 * ukraine[2021]


def test_the_age_structure_is_magdeburgs_and_foreigners_are_younger(catalogue: Catalogue, values) -> None:
    """The age table adds up to the published inhabitants and foreigners of 2025 (K3_T1, K3_T39); in the demo's
    values the Nichtdeutschen have a larger share under 18 and a much smaller share of 65 and older."""
    table = age_table()
    assert round(sum(table[("insgesamt", "insgesamt")])) == sum(MEN_2025) + sum(WOMEN_2025)
    assert round(sum(table[("nichtdeutsch", "insgesamt")])) == sum(persons for _, persons in FOREIGNERS_2025)
    dem01 = catalogue.indicators["DEM-01"]
    shares = {}
    for group in ("deutsch", "nichtdeutsch"):
        key = ObservationKey("DEM-01", 2025, CITY, group, "insgesamt", "wert")
        ages = {code: values[key._replace(age=code)] for code in catalogue.partitions(dem01)["Lebensphasen"]}
        total = sum(ages.values())
        assert total == values[key]
        shares[group] = (sum(v for c, v in ages.items() if catalogue.age_group[c].bis and catalogue.age_group[c].bis <= 18)
                         / total, sum(v for c, v in ages.items() if catalogue.age_group[c].von >= 65) / total)
    assert shares["nichtdeutsch"][0] > shares["deutsch"][0]
    assert shares["nichtdeutsch"][1] < shares["deutsch"][1] / 4


def test_every_input_cell_of_every_office_has_a_value(catalogue: Catalogue, values) -> None:
    for office in catalogue.offices_with_indicators():
        for slot in plan_workbook(catalogue, office.code, 2025).input_slots():
            assert slot.key in values, slot.address
            if slot.kind == "count":
                assert values[slot.key] == int(values[slot.key]) and values[slot.key] >= 0, slot.key


def test_history_years_and_comparison_values(catalogue: Catalogue, values) -> None:
    assert {k.year for k in values if k.indicator not in LONG_SERIES} == set(YEARS)
    for indicator in LONG_SERIES:  # inhabitants and nationalities: the report's ten-year table
        assert {k.year for k in values if k.indicator == indicator} == set(range(LONG_SERIES_START, max(YEARS) + 1))
    for indicator, year in (("ARB-12", 2024), ("STT-06", 2022), ("DEM-02", 2024), ("ARB-05", 2024)):
        for area in (LAND, GERMANY):
            assert any(k.indicator == indicator and k.area == area and k.year == year for k in values), (indicator, area)
    assert not any(k.area == CITY and not catalogue.indicators[k.indicator].collected_in_city for k in values)


def test_no_value_for_a_year_the_indicator_or_group_cannot_have(catalogue: Catalogue, values) -> None:
    assert [k for k in values if catalogue.impossible(k.indicator, k.year, k.group)] == []
    assert {k.year for k in values if k.indicator == "TEI-02"} == {2024}  # the Stadtrat election in the years
    assert {k.year for k in values if k.indicator == "STT-06"} == {2022}  # the Mikrozensus housing survey
    assert {k.year for k in values if k.group == "mit_eg"} == set(range(2021, 2026))  # Einwanderungsgeschichte


def test_sum_rules_hold(catalogue: Catalogue, values) -> None:
    checked = 0
    for key, value in values.items():
        indicator = catalogue.indicators[key.indicator]
        if indicator.typ == "wert" or key.indicator == "STT-03" or key.area in (LAND, GERMANY) or \
                key.nationality != "alle":  # single nationalities stand in the group nichtdeutsch only
            continue
        for rule in catalogue.sum_rules:
            if rule.dimension != "gruppe" or key.group != rule.gesamt or \
                    not set(rule.teile) <= set(catalogue.groups_in(indicator, key.year)):
                continue
            if key.age != "alle" and not set(rule.teile) <= set(catalogue.groups_by_age(indicator)):
                continue
            parts = sum(values[key._replace(group=part)] for part in rule.teile)
            assert parts == value, (key, rule.teile)
            checked += 1
    assert checked > 1000


def test_sexes_and_stadtteile_add_up(catalogue: Catalogue, values) -> None:
    for key, value in values.items():
        indicator = catalogue.indicators[key.indicator]
        if indicator.typ == "wert" or key.area != CITY or key.sex != "insgesamt":
            continue
        if indicator.geschlecht:
            parts = [values[key._replace(sex=sex)] for sex in ("weiblich", "maennlich")]
            assert sum(parts) == value, key
        if indicator.stadtteile and (key.age, key.nationality) == ("alle", "alle"):
            districts = [_value(values, key.indicator, key.year, d.area, key.group, "insgesamt", key.measure)
                         for d in catalogue.districts]
            assert sum(districts) == value, key


def test_rates_and_values_stay_in_bounds(catalogue: Catalogue, values) -> None:
    for key, value in values.items():
        indicator = catalogue.indicators[key.indicator]
        if indicator.typ == "quote":
            if key.measure != "zaehler":
                continue
            nenner = values[key._replace(measure="nenner")]
            assert value <= nenner or indicator.allows_over_100, key  # none in the default catalogue (issue #19)
            if nenner == 0:
                continue
            value = value / nenner * indicator.faktor
        assert value >= (indicator.min_wert if indicator.min_wert is not None else -1e9), key
        assert value <= (indicator.max_wert if indicator.max_wert is not None else 1e12), key


def test_a_rate_allowed_over_100_goes_over_it_where_the_kitas_are(catalogue: Catalogue) -> None:
    """A catalogue that counts Kita children where they are cared for (Höchstwert 150) gets the Altstadt over 100 %."""
    by_care_place = dataclasses.replace(catalogue.indicators["BIL-02"], max_wert=150)
    values = generate(dataclasses.replace(catalogue, indicators={"BIL-02": by_care_place}), [2025])
    over = [k.area for k in values if k.measure == "zaehler" and values[k] > values[k._replace(measure="nenner")]]
    assert over == ["st01"]


def _city_level(catalogue: Catalogue, values, key: ObservationKey) -> float | None:
    indicator = catalogue.indicators[key.indicator]
    if indicator.typ != "quote":
        return values.get(key)
    nenner = values.get(ObservationKey(key.indicator, key.year, key.area, key.group, key.sex, "nenner"))
    zaehler = values.get(ObservationKey(key.indicator, key.year, key.area, key.group, key.sex, "zaehler"))
    if not nenner or zaehler is None or nenner < 100:
        return None  # too few cases for a stable rate
    return zaehler / nenner * indicator.faktor


def test_year_to_year_changes_stay_below_the_limits(catalogue: Catalogue, values) -> None:
    compared = 0
    failures = []
    for key in values:
        indicator = catalogue.indicators[key.indicator]
        limit = indicator.max_aenderung_prozent
        if key.area != CITY or key.year == min(YEARS) or key.measure == "nenner" or limit is None:
            continue
        if key.year == JUMP_YEAR and (key.group in JUMP_GROUPS or key.indicator in JUMP_INDICATORS):
            continue  # the documented break: Ukrainians arriving in 2022
        now = _city_level(catalogue, values, key)
        before = _city_level(catalogue, values, key._replace(year=key.year - 1))
        if now is None or not before:
            continue
        if abs(now - before) / abs(before) * 100 >= limit:
            failures.append((key, before, now))
        compared += 1
    assert failures == []
    assert compared > 1000


def test_realistic_gaps(values) -> None:
    def rate(indicator: str, group: str, year: int = 2024) -> float:
        z = _value(values, indicator, year, CITY, group, "insgesamt", "zaehler")
        return z / _value(values, indicator, year, CITY, group, "insgesamt", "nenner")

    assert 2.0 < _value(values, "ARB-05", 2024, CITY, "nichtdeutsch", "insgesamt", "wert") / \
        _value(values, "ARB-05", 2024, CITY, "deutsch", "insgesamt", "wert") < 4.0
    assert rate("BIL-07", "nichtdeutsch") < rate("BIL-07", "deutsch")
    assert rate("BIL-06", "nichtdeutsch") > 2 * rate("BIL-06", "deutsch")
    gap = {y: rate("ARB-01", "deutsch", y) - rate("ARB-01", "nichtdeutsch", y) for y in (2020, 2025)}
    assert gap[2025] < gap[2020]  # the employment gap narrows slowly


def test_generation_is_deterministic(catalogue: Catalogue, values) -> None:
    assert generate(catalogue, YEARS) == values
    other = generate(catalogue, YEARS, seed=7)
    assert other.keys() == values.keys() and other != values


def test_an_indicator_unknown_to_the_demo_still_gets_values(catalogue: Catalogue) -> None:
    base = catalogue.indicators["BIL-06"]
    extra = dataclasses.replace(base, id="NEU-01", stadtteile=True)
    bigger = dataclasses.replace(catalogue, indicators={**catalogue.indicators, "NEU-01": extra})
    values = generate(bigger, [2024, 2025])
    key = ObservationKey("NEU-01", 2025, CITY, "nichtdeutsch", "weiblich", "zaehler")
    assert 0 < values[key] <= values[key._replace(measure="nenner")]
    assert ObservationKey("NEU-01", 2025, "st01", "insgesamt", "insgesamt", "nenner") in values


def test_age_groups_and_nationalities_add_up_to_their_totals(catalogue: Catalogue, values) -> None:
    """Every Verwendung's age groups give the value of all ages; the nationalities of a group whose members are all
    asked give the group, the others at most it."""
    dem01, dem04 = catalogue.indicators["DEM-01"], catalogue.indicators["DEM-04"]
    checked = 0
    for key, value in values.items():
        if key.indicator == "DEM-01" and key.age == "alle" and key.group in catalogue.groups_by_age(dem01) \
                and key.area == CITY and key.nationality == "alle":
            for codes in catalogue.partitions(dem01).values():
                assert sum(values[key._replace(age=code)] for code in codes) == value, key
                checked += 1
        if key.indicator == "DEM-04" and key.nationality == "alle" and key.area == CITY and key.group != "nichtdeutsch":
            members = catalogue.members(key.group)
            asked = [c for c in catalogue.nationalities_of(dem04, collected=True) if c in members]
            total = sum(values[key._replace(group="nichtdeutsch", nationality=code)] for code in asked)
            assert total == value if len(asked) == len(members) else total <= value, key
            checked += 1
    assert checked > 100


def test_ten_years_of_nationalities_add_up_to_the_published_foreigners(catalogue: Catalogue, values) -> None:
    """DEM-04 has every asked nationality in every year 2016–2025; DEM-01's and DEM-04's Nichtdeutsche are the
    foreigners KISS-MD K3_T41 publishes (39,404 in 2025 from K3_T39), and the nationalities stay within them."""
    foreigners = {2016: 18_735, 2019: 23_338, 2022: 31_779, 2024: 37_454, 2025: 39_404}
    asked = catalogue.nationalities_of(catalogue.indicators["DEM-04"], collected=True)
    for year in range(LONG_SERIES_START, 2026):
        total = ObservationKey("DEM-04", year, CITY, "nichtdeutsch", "insgesamt", "wert")
        assert values[total._replace(indicator="DEM-01")] == values[total]
        if year in foreigners:
            assert values[total] == foreigners[year]
        parts = [values[total._replace(nationality=code)] for code in asked]
        assert sum(parts) <= values[total] and min(parts) >= 0, year
        for code in asked:
            by_sex = [values[total._replace(sex=sex, nationality=code)] for sex in ("weiblich", "maennlich")]
            assert sum(by_sex) == values[total._replace(nationality=code)], (year, code)
    syria, ukraine = (ObservationKey("DEM-04", 0, CITY, "nichtdeutsch", "insgesamt", "wert", "alle", code)
                      for code in ("475", "166"))
    assert values[syria._replace(year=2025)] > 1.5 * values[syria._replace(year=2016)]  # grew after 2015
    assert values[ukraine._replace(year=2022)] > 5 * values[ukraine._replace(year=2021)]  # arrived in 2022

