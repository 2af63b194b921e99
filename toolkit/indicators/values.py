"""Indicators: rates, gaps between groups, changes over time and trend verdicts.

Pure functions on pandas DataFrames and Series; no file access. The report, the Tabellenanhang and the
export build on ``value_frame`` (one value per indicator x year x area x group x sex x age group x nationality)
after the confidentiality rules (confidentiality.py) have been applied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.catalogue.model import Catalogue, Direction, Indicator, IndicatorType
from toolkit.core.keys import ALL

KEY = ["indicator", "year", "area", "group", "sex", "age", "nationality"]
NO_VALUE_FLAG = "kein Wert verfügbar"
FOOTNOTE_FLAGS = {
    "vorläufig": "vorläufiger Wert",
    "geschätzt": "geschätzter Wert",
    "gerundet": "von der liefernden Stelle gerundeter Wert",
}

# The one trend vocabulary of the report (text, Zusammenfassung, chapter overviews): how a value or the distance
# between two groups developed, and whether that is favourable by the indicator's Richtung.
RISEN, FALLEN, UNCHANGED = "gestiegen", "gesunken", "unverändert"
FAVOURABLE, UNFAVOURABLE, NOT_ASSESSED = "günstig", "ungünstig", "ohne Bewertung"
RELATIVE_THRESHOLD = 0.01  # a value other than a share counts as unverändert below 1 % of its earlier value


def compute_rates(zaehler: pd.Series, nenner: pd.Series, faktor: float | pd.Series) -> pd.Series:
    """Zähler / Nenner x Faktor; NaN where the Nenner is 0 or missing."""
    nenner = nenner.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = zaehler.astype(float) / nenner.where(nenner > 0) * faktor
    return rate


def value_frame(observations: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per indicator x year x area x group x sex x age group x nationality with zaehler, nenner, wert, value,
    flag, note.

    ``value`` is the rate (Zähler/Nenner x Faktor) for typ=quote, the delivered value otherwise.
    ``flag`` joins the flags of the measures behind the value (e.g. 'vorläufig').
    """
    columns = [*KEY, "zaehler", "nenner", "wert", "value", "flag", "note", "typ"]
    if observations.empty:
        return pd.DataFrame(columns=columns)
    obs = observations[observations["indicator"].isin(catalogue.indicators)]
    obs = obs.assign(**{column: ALL for column in ("age", "nationality") if column not in obs})  # a frame of before 0.4
    obs = obs.drop_duplicates(subset=[*KEY, "measure"], keep="last")
    wide = obs.pivot(index=KEY, columns="measure", values="value")
    wide = wide.reindex(columns=["zaehler", "nenner", "wert"])
    wide.columns.name = None
    frame = wide.join(_joined(obs, "flag")).join(_joined(obs, "note")).reset_index()
    meta = pd.DataFrame(
        [(i.id, i.typ, i.faktor) for i in catalogue.indicators.values()], columns=["indicator", "typ", "faktor"]
    )
    frame = frame.merge(meta, on="indicator", how="left")
    is_rate = frame["typ"] == IndicatorType.QUOTE
    frame["value"] = np.where(is_rate, compute_rates(frame["zaehler"], frame["nenner"], frame["faktor"]), frame["wert"])
    frame["flag"] = frame["flag"].fillna("")
    frame["note"] = frame["note"].fillna("")
    frame["year"] = frame["year"].astype(int)
    return frame[columns].sort_values(KEY, ignore_index=True)


def _joined(obs: pd.DataFrame, column: str) -> pd.Series:
    """Per key the distinct non-empty texts of ``column`` joined with '; ' (only rows that have one)."""
    texts = obs[column].fillna("").astype(str)
    marked = obs[texts != ""]
    if marked.empty:
        return pd.Series(dtype=object, name=column, index=pd.MultiIndex.from_arrays([[]] * len(KEY), names=KEY))
    return marked.groupby(KEY, sort=False)[column].agg(_join_unique)


def _join_unique(values: Iterable[str]) -> str:
    seen: list[str] = []
    for value in values:
        if isinstance(value, str) and value and value not in seen:
            seen.append(value)
    return "; ".join(seen)


def as_shown(values: pd.Series, decimals: int) -> pd.Series:
    """The values as the report prints them, rounded to ``decimals``: gaps and changes are computed from these, so a
    printed difference always equals the difference of the printed values. Python's round, like the formatting,
    rounds the exact binary value (numpy's round can differ by one in the last place)."""
    return values.map(lambda v: round(float(v), decimals))


def series(values: pd.DataFrame, indicator: str, group: str, *, area: str = "gesamtstadt", sex: str = "insgesamt",
           age: str = ALL, nationality: str = ALL, column: str = "value") -> pd.Series:
    """The time series (year -> value) of one group (of all ages and nationalities unless given); missing years are
    absent."""
    rows = values[(values["indicator"] == indicator) & (values["area"] == area) & (values["group"] == group)
                  & (values["sex"] == sex)]
    if "age" in values:
        rows = rows[(rows["age"] == age) & (rows["nationality"] == nationality)]
    result = rows.set_index("year")[column].astype(float).dropna().sort_index()
    result.index = result.index.astype(int)
    return result


@dataclass(frozen=True)
class Gap:
    """Target group minus reference group: in Prozentpunkte (or the unit) and as a ratio."""

    target: float
    reference: float

    @property
    def points(self) -> float:
        return self.target - self.reference

    @property
    def ratio(self) -> float:
        return self.target / self.reference if self.reference else math.nan


def gap_series(target: pd.Series, reference: pd.Series) -> pd.DataFrame:
    """Per year: target, reference, gap (target - reference) and ratio (target / reference)."""
    frame = pd.concat({"target": target, "reference": reference}, axis=1).dropna()
    frame["gap"] = frame["target"] - frame["reference"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = frame["target"] / frame["reference"].where(frame["reference"] != 0)
    return frame


def change(values: pd.Series, year: int, years_back: int) -> float | None:
    """Change of a series against ``years_back`` years earlier (None if either value is missing)."""
    if year not in values.index or (year - years_back) not in values.index:
        return None
    return float(values[year] - values[year - years_back])


def spans_break(start: int, end: int, break_years: Iterable[int]) -> bool:
    """True if a series break (first year of the new concept) lies in (start, end]."""
    return any(start < b <= end for b in break_years)


@dataclass(frozen=True)
class Verdict:
    """How a value or the distance between two groups developed between ``base_year`` and ``year``.

    ``trend`` is RISEN, FALLEN or UNCHANGED (None: no comparison, ``reason`` says why); ``assessment`` FAVOURABLE,
    UNFAVOURABLE or NOT_ASSESSED by the indicator's Richtung; ``delta`` the change (of the absolute gap for a gap).
    """

    trend: str | None
    base_year: int | None
    year: int
    delta: float | None
    assessment: str = NOT_ASSESSED
    reason: str = ""


def trend_word(delta: float, threshold: float) -> str:
    """RISEN, FALLEN, or UNCHANGED when the change is smaller than ``threshold`` (compared without the binary noise of
    a difference of rounded values: 0.49999999999999 is 0.5)."""
    if round(abs(delta), 9) < threshold:
        return UNCHANGED
    return RISEN if delta > 0 else FALLEN


def assess(trend: str | None, richtung: str, *, of_gap: bool) -> str:
    """Favourable or not: for a gap a smaller distance is favourable (if the indicator has a Richtung); for a value
    rising is favourable with Richtung plus, falling with minus. Context indicators and unchanged ones: NOT_ASSESSED."""
    if trend not in (RISEN, FALLEN) or richtung not in (Direction.PLUS, Direction.MINUS):
        return NOT_ASSESSED
    good = FALLEN if of_gap or richtung == Direction.MINUS else RISEN
    return FAVOURABLE if trend == good else UNFAVOURABLE


def _base_year(values: pd.Series, year: int, breaks: list[int], missing: str) -> int | Verdict:
    """Five years before ``year``, else the previous year: the first with a value and no series break in between; or
    the Verdict without a trend that says why there is none (``missing``: no value for ``year``)."""
    if year not in values.index or pd.isna(values.get(year)):
        return Verdict(None, None, year, None, reason=missing)
    for back in (5, 1):
        base = year - back
        if base in values.index and not pd.isna(values[base]) and not spans_break(base, year, breaks):
            return base
    if any(spans_break(year - back, year, breaks) and (year - back) in values.index for back in (5, 1)):
        return Verdict(None, None, year, None, reason="keine Bewertung wegen eines Zeitreihenbruchs")
    return Verdict(None, None, year, None, reason="zu kurze Zeitreihe für eine Bewertung")


def trend_verdict(gaps: pd.Series, year: int, richtung: str, threshold: float,
                  break_years: Iterable[int] = ()) -> Verdict:
    """How the distance (absolute gap, year -> target minus reference) developed against 5 years (else 1 year)
    earlier, never across a series break: below ``threshold`` UNCHANGED. Context indicators (Richtung neutral or
    deuten) get the trend without an assessment."""
    base = _base_year(gaps, year, list(break_years), "kein Abstand für das Berichtsjahr")
    if isinstance(base, Verdict):
        return base
    delta = abs(float(gaps[year])) - abs(float(gaps[base]))
    trend = trend_word(delta, threshold)
    return Verdict(trend, base, year, delta, assess(trend, richtung, of_gap=True))


def value_verdict(values: pd.Series, year: int, richtung: str, threshold: float, break_years: Iterable[int] = (), *,
                  relative: bool = False) -> Verdict:
    """How a value developed against 5 years (else 1 year) earlier, never across a series break. ``threshold`` is
    absolute (Prozentpunkte for shares) or, with ``relative``, a share of the earlier value (RELATIVE_THRESHOLD)."""
    base = _base_year(values, year, list(break_years), "kein Wert für das Berichtsjahr")
    if isinstance(base, Verdict):
        return base
    delta = float(values[year]) - float(values[base])
    limit = threshold * abs(float(values[base])) if relative else threshold
    trend = UNCHANGED if delta == 0 else trend_word(delta, limit)
    return Verdict(trend, base, year, delta, assess(trend, richtung, of_gap=False))


def development(values: pd.Series, year: int, break_years: Iterable[int] = ()) -> dict[str, float | None]:
    """Change against the previous year and against five years earlier (None across a series break)."""
    breaks = list(break_years)
    result: dict[str, float | None] = {}
    for key, back in (("vorjahr", 1), ("fuenf_jahre", 5)):
        result[key] = None if spans_break(year - back, year, breaks) else change(values, year, back)
    return result


def footnotes_for(flags: Iterable[str]) -> list[str]:
    """German footnote texts for the flags (vorläufig, geschätzt, gerundet) found in a table."""
    found: list[str] = []
    for flag in flags:
        for part in str(flag).split("; "):
            if part in FOOTNOTE_FLAGS and FOOTNOTE_FLAGS[part] not in found:
                found.append(FOOTNOTE_FLAGS[part])
    return found


def comparison_pairs(indicator: Indicator, catalogue: Catalogue) -> list[tuple[str, str]]:
    """(target group, reference group) pairs the indicator's groups allow, in catalogue order."""
    groups = catalogue.groups
    pairs = []
    for code in indicator.gruppen:
        reference = groups[code].vergleichsgruppe if code in groups else ""
        if reference and reference in indicator.gruppen:
            pairs.append((code, reference))
    return pairs
