"""The numbers behind an indicator's text, its row in the Zusammenfassung and its chapter's overview.

Everything here is computed from the published values AS PRINTED (rounded to the decimals the tables show): the
gap between two groups is the difference of the two printed values, a change over time the difference of two
printed values, so a reader who subtracts the numbers on the page gets the number the text states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from toolkit.catalogue.model import Indicator
from toolkit.core.settings import Settings
from toolkit.indicators.values import (
    RELATIVE_THRESHOLD,
    Verdict,
    as_shown,
    development,
    gap_series,
    trend_verdict,
    value_verdict,
)
from toolkit.report.tables import decimals_of


@dataclass
class Analysis:
    """The numbers behind the drafted text, the summary row and the chart's alt text (all published, as printed)."""

    latest_year: int | None
    values: dict[str, float]  # group -> latest published value, rounded as printed
    target: str | None = None
    reference: str | None = None
    gap: float | None = None  # target minus reference, of the printed values
    verdict: Verdict | None = None  # how the distance between target and reference developed
    base_gap: float | None = None
    development: dict = field(default_factory=dict)  # main group: change against the previous year, five years
    trend: Verdict | None = None  # how the main group's value developed (the same vocabulary as the gap)
    main_group: str = ""
    unit: str = ""
    decimals: int = 1
    limited: frozenset = frozenset()  # groups whose latest value has limited reliability (in brackets)
    base_values: dict = field(default_factory=dict)  # group -> printed value in the trend's base year


def group_series(totals: pd.DataFrame, area: str) -> dict[str, pd.Series]:
    """Per group the published time series (year -> value) of one area (sex insgesamt rows only)."""
    rows = totals[totals["area"] == area]
    result = {}
    for group, block in rows.groupby("group", sort=False):
        values = pd.Series(block["published"].to_numpy(dtype=float), index=block["year"].astype(int).to_numpy())
        result[group] = values.dropna().sort_index()
    return result


def analyse(indicator: Indicator, totals: pd.DataFrame, pairs: list[tuple[str, str]], area: str, year: int,
            settings: Settings, break_years: list[int]) -> Analysis:
    """Latest printed values per group, the first comparable pair's gap and how it developed, the main group's
    development; thresholds from ``settings.trend_schwelle_pp`` (shares) or RELATIVE_THRESHOLD (other units)."""
    decimals = decimals_of(indicator)
    per_group = {g: as_shown(s[s.index <= year], decimals) for g, s in group_series(totals, area).items()
                 if g in indicator.gruppen}
    per_group = {g: s for g, s in per_group.items() if not s.empty}
    years = [int(s.index.max()) for s in per_group.values()]
    latest = year if year in {y for s in per_group.values() for y in s.index} else (max(years) if years else None)
    values = {g: float(s[latest]) for g, s in per_group.items() if latest in s.index}
    main_group = next((g for g in ("insgesamt", *indicator.gruppen) if g in per_group), "")
    analysis = Analysis(latest, values, main_group=main_group, unit=indicator.einheit, decimals=decimals,
                        limited=_limited_groups(totals, area, latest))
    share = indicator.einheit == "%"
    threshold = settings.trend_schwelle_pp if share else RELATIVE_THRESHOLD
    if main_group and latest is not None:
        analysis.development = development(per_group[main_group], latest, break_years)
        analysis.trend = value_verdict(per_group[main_group], latest, indicator.richtung, threshold, break_years,
                                       relative=not share)
    if latest is None:
        return analysis
    if indicator.typ != "anzahl":
        for target, reference in pairs:
            if target in values and reference in values:
                gaps = as_shown(gap_series(per_group[target], per_group[reference])["gap"], decimals)
                analysis.target, analysis.reference = target, reference
                analysis.gap = float(gaps.loc[latest])
                analysis.verdict = trend_verdict(gaps, latest, indicator.richtung, settings.trend_schwelle_pp,
                                                 break_years)
                base = analysis.verdict.base_year
                analysis.base_gap = float(gaps.loc[base]) if base in gaps.index else None
                break
        if analysis.target is None and pairs:
            analysis.target, analysis.reference = pairs[0]
    base = (analysis.verdict or analysis.trend).base_year if (analysis.verdict or analysis.trend) else None
    analysis.base_values = {g: float(s[base]) for g, s in per_group.items() if base in s.index}
    return analysis


def _limited_groups(totals: pd.DataFrame, area: str, year: int | None) -> frozenset:
    if year is None or "limited" not in totals:
        return frozenset()
    rows = totals[(totals["area"] == area) & (totals["year"] == year) & totals["limited"].astype(bool)]
    return frozenset(rows["group"])
