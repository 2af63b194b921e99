"""Rates, gaps, changes and trend verdicts on small hand-computed tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from toolkit.indicators.values import (
    FALLEN,
    FAVOURABLE,
    NOT_ASSESSED,
    RISEN,
    UNCHANGED,
    UNFAVOURABLE,
    as_shown,
    comparison_pairs,
    compute_rates,
    development,
    footnotes_for,
    gap_series,
    series,
    trend_verdict,
    value_frame,
    value_verdict,
)


def observations(rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator, year, group, measure, value[, flag])"""
    records = []
    for row in rows:
        indicator, year, group, measure, value, *flag = row
        records.append({"indicator": indicator, "year": year, "area": "gesamtstadt", "group": group,
                        "sex": "insgesamt", "measure": measure, "value": value, "flag": flag[0] if flag else "",
                        "note": ""})
    return pd.DataFrame(records)


def test_rate_is_zaehler_over_nenner_times_faktor_and_nan_for_zero_nenner():
    rates = compute_rates(pd.Series([30, 5, 1]), pd.Series([120, 0, None]), 100)
    assert rates[0] == pytest.approx(25.0)
    assert math.isnan(rates[1]) and math.isnan(rates[2])


def test_value_frame_computes_rates_and_keeps_counts_and_flags(catalogue):
    obs = observations([
        ("BIL-06", 2024, "deutsch", "zaehler", 90), ("BIL-06", 2024, "deutsch", "nenner", 1500),
        ("BIL-06", 2024, "nichtdeutsch", "zaehler", 45, "vorläufig"), ("BIL-06", 2024, "nichtdeutsch", "nenner", 300),
        ("DEM-01", 2024, "insgesamt", "wert", 240000),
    ])
    frame = value_frame(obs, catalogue)
    row = frame[(frame.indicator == "BIL-06") & (frame.group == "nichtdeutsch")].iloc[0]
    assert row.value == pytest.approx(15.0)  # 45 / 300 * 100
    assert row.zaehler == 45 and row.nenner == 300 and row.flag == "vorläufig"
    assert frame[(frame.indicator == "BIL-06") & (frame.group == "deutsch")].iloc[0].value == pytest.approx(6.0)
    assert frame[frame.indicator == "DEM-01"].iloc[0].value == 240000


def test_gap_in_points_and_ratio():
    target = pd.Series({2020: 15.0, 2021: 14.0})
    reference = pd.Series({2020: 6.0, 2021: 7.0, 2022: 6.5})
    gaps = gap_series(target, reference)
    assert list(gaps.index) == [2020, 2021]
    assert gaps.loc[2020, "gap"] == pytest.approx(9.0)
    assert gaps.loc[2021, "ratio"] == pytest.approx(2.0)


def test_development_against_previous_year_and_five_years_earlier():
    values = pd.Series({2019: 10.0, 2023: 11.0, 2024: 12.5})
    assert development(values, 2024) == {"vorjahr": pytest.approx(1.5), "fuenf_jahre": pytest.approx(2.5)}
    assert development(values, 2024, break_years=[2022]) == {"vorjahr": pytest.approx(1.5), "fuenf_jahre": None}


@pytest.mark.parametrize(("gaps", "expected", "assessment", "base"), [
    ({2019: 9.0, 2024: 6.0}, FALLEN, FAVOURABLE, 2019),      # |gap| 9 -> 6: the distance fell
    ({2019: 6.0, 2024: 9.0}, RISEN, UNFAVOURABLE, 2019),
    ({2019: 6.0, 2024: 6.3}, UNCHANGED, NOT_ASSESSED, 2019),  # below the 0.5 pp threshold
    ({2019: 6.0, 2024: 6.5}, RISEN, UNFAVOURABLE, 2019),      # exactly the threshold: no longer unverändert
    ({2019: 3.6, 2024: 3.1}, FALLEN, FAVOURABLE, 2019),       # 0.5 from printed values (binary 0.4999…)
    ({2019: -4.0, 2024: 2.0}, FALLEN, FAVOURABLE, 2019),      # sign change: distance 4 -> 2
    ({2023: 8.0, 2024: 6.0}, FALLEN, FAVOURABLE, 2023),      # no value five years back: previous year
])
def test_trend_verdict(gaps, expected, assessment, base):
    verdict = trend_verdict(pd.Series(gaps), 2024, "minus", 0.5)
    assert (verdict.trend, verdict.assessment, verdict.base_year) == (expected, assessment, base)


def test_no_assessment_for_context_indicators_and_no_trend_across_breaks():
    gaps = pd.Series({2019: 9.0, 2023: 8.0, 2024: 6.0})
    for richtung in ("neutral", "deuten"):  # the development is described, not assessed
        verdict = trend_verdict(gaps, 2024, richtung, 0.5)
        assert (verdict.trend, verdict.assessment) == (FALLEN, NOT_ASSESSED)
    across = trend_verdict(gaps, 2024, "plus", 0.5, break_years=[2024])
    assert across.trend is None and "Zeitreihenbruch" in across.reason
    # a break in 2021 excludes 2019 but not 2023
    assert trend_verdict(gaps, 2024, "plus", 0.5, break_years=[2021]).base_year == 2023


@pytest.mark.parametrize(("richtung", "values", "relative", "expected"), [
    ("plus", {2019: 10.0, 2024: 12.0}, False, (RISEN, FAVOURABLE)),
    ("minus", {2019: 10.0, 2024: 12.0}, False, (RISEN, UNFAVOURABLE)),
    ("minus", {2019: 12.0, 2024: 10.0}, False, (FALLEN, FAVOURABLE)),
    ("plus", {2019: 10.0, 2024: 10.4}, False, (UNCHANGED, NOT_ASSESSED)),     # below 0.5 Prozentpunkte
    ("neutral", {2019: 10.0, 2024: 12.0}, False, (RISEN, NOT_ASSESSED)),
    ("plus", {2019: 1000.0, 2024: 1009.0}, True, (UNCHANGED, NOT_ASSESSED)),  # below 1 % of 1.000
    ("plus", {2019: 1000.0, 2024: 1010.0}, True, (RISEN, FAVOURABLE)),
])
def test_value_verdict_in_the_same_vocabulary(richtung, values, relative, expected):
    verdict = value_verdict(pd.Series(values), 2024, richtung, 0.01 if relative else 0.5, relative=relative)
    assert (verdict.trend, verdict.assessment) == expected


def test_values_as_shown_round_like_the_printed_text():
    shown = as_shown(pd.Series([61.96, 17.14, 2.675, -0.04]), 1)
    assert list(shown) == [62.0, 17.1, 2.7, -0.0]
    gap = as_shown(pd.Series([61.96 - 17.14]), 1)[0]
    assert gap == 44.8 and round(shown[0] - shown[1], 1) == 44.9  # the gap of the printed values differs


def test_footnotes_for_flags():
    assert footnotes_for(["", "vorläufig", "geschätzt; vorläufig"]) == ["vorläufiger Wert", "geschätzter Wert"]


def test_comparison_pairs_follow_the_catalogue(catalogue):
    assert comparison_pairs(catalogue.indicators["BIL-06"], catalogue) == [("nichtdeutsch", "deutsch")]
    assert ("mit_mh", "ohne_mh") in comparison_pairs(catalogue.indicators["DEM-01"], catalogue)
    assert comparison_pairs(catalogue.indicators["DEM-02"], catalogue) == []


def test_series_picks_one_group(catalogue):
    obs = observations([("DEM-01", 2023, "deutsch", "wert", 200), ("DEM-01", 2024, "deutsch", "wert", 210),
                        ("DEM-01", 2024, "nichtdeutsch", "wert", 30)])
    values = series(value_frame(obs, catalogue), "DEM-01", "deutsch")
    assert values.to_dict() == {2023: 200.0, 2024: 210.0}
