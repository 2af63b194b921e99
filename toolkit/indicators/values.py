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

VERDICT_SMALLER = "Abstand verringert"
VERDICT_LARGER = "Abstand vergrößert"
VERDICT_SAME = "unverändert"
SYMBOLS = {VERDICT_SMALLER: "↘", VERDICT_LARGER: "↗", VERDICT_SAME: "→"}


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
    """How the gap developed between ``base_year`` and ``year``; verdict None means 'no verdict'."""

    verdict: str | None
    base_year: int | None
    year: int
    delta: float | None  # change of the absolute gap
    reason: str = ""  # why there is no verdict

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.verdict or "", "")

    @property
    def words(self) -> str:
        if self.verdict is None:
            return self.reason
        return f"{self.verdict} (seit {self.base_year})" if self.base_year else self.verdict


def trend_verdict(gaps: pd.Series, year: int, richtung: str, threshold: float,
                  break_years: Iterable[int] = ()) -> Verdict:
    """Verdict on the gap (year -> target minus reference) between ``year`` and 5 years (else 1 year) earlier.

    - richtung neutral/deuten (context indicators): no verdict, only the development is described;
    - no comparison across a series break: the base year must lie at or after the latest break;
    - |change of the absolute gap| below ``threshold`` -> 'unverändert'.
    """
    breaks = list(break_years)
    if richtung not in (Direction.PLUS, Direction.MINUS):
        return Verdict(None, None, year, None, "keine Bewertung (Kontextkennzahl)")
    if year not in gaps.index or pd.isna(gaps.get(year)):
        return Verdict(None, None, year, None, "kein Abstand für das Berichtsjahr")
    for back in (5, 1):
        base = year - back
        if base in gaps.index and not pd.isna(gaps[base]) and not spans_break(base, year, breaks):
            delta = abs(float(gaps[year])) - abs(float(gaps[base]))
            if abs(delta) < threshold:
                verdict = VERDICT_SAME
            else:
                verdict = VERDICT_SMALLER if delta < 0 else VERDICT_LARGER
            return Verdict(verdict, base, year, delta)
    if any(spans_break(year - back, year, breaks) for back in (5, 1)):
        return Verdict(None, None, year, None, "keine Bewertung wegen eines Zeitreihenbruchs")
    return Verdict(None, None, year, None, "zu kurze Zeitreihe für eine Bewertung")


def disadvantaged(gap: float, richtung: str) -> bool | None:
    """True if the target group is worse off (plus: lower is worse; minus: higher is worse)."""
    if richtung == Direction.PLUS:
        return gap < 0
    if richtung == Direction.MINUS:
        return gap > 0
    return None


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
