"""The threshold of "übrige Staatsangehörigkeiten": single nationalities too small to be published on their own.

A nationality with fewer persons than [geheimhaltung] staatsangehoerigkeit_mindestzahl (a count's value, a rate's
Nenner; all ages, both sexes) in any year of the table (the last [bericht] jahre_im_bericht years) is withheld in every
year of every published output, as FOLDED: in one year shown and in the next not, its series would not be
comparable. It counts only in the line "übrige Staatsangehörigkeiten" of a table (the total minus the nationalities
shown, report/nationalities.py). confidentiality.protect folds before the secondary suppression, which protects a
folded cell like a small count (so the rest of a group whose nationalities are all asked is never a single one). The
internal edition passes a threshold of 0 and shows them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.catalogue.model import NATIONALITY_GROUP, IndicatorType
from toolkit.core.keys import ALL

FOLDED = "übrige Staatsangehörigkeiten"  # the suppression state of a folded cell
DEFAULT_MIN_NATIONALITY = 50  # toolkit.toml [geheimhaltung] staatsangehoerigkeit_mindestzahl
DEFAULT_YEARS = 10  # toolkit.toml [bericht] jahre_im_bericht: the years of a table


def small_nationalities(frame: pd.DataFrame, threshold: int, years: int) -> set[tuple[str, str, str]]:
    """(indicator, area, nationality) of the single nationalities with fewer than ``threshold`` persons (a count's
    value, a rate's Nenner; all ages, both sexes) in any of the last ``years`` years of ``frame`` (a value frame)."""
    if threshold <= 0 or frame.empty:
        return set()
    persons = frame["wert"].where(frame["typ"] == IndicatorType.ANZAHL, frame["nenner"]).astype(float)
    basis = ((frame["nationality"] != ALL) & (frame["group"] == NATIONALITY_GROUP) & (frame["sex"] == "insgesamt")
             & (frame["age"] == ALL) & (frame["year"] > frame["year"].max() - years) & persons.notna()
             & frame["typ"].isin((IndicatorType.ANZAHL, IndicatorType.QUOTE)))
    small = frame[basis & (persons < threshold)]
    return set(zip(small["indicator"], small["area"], small["nationality"], strict=True))


def fold_small_nationalities(frame: pd.DataFrame, threshold: int, years: int) -> None:
    """Every cell of a nationality below the threshold (small_nationalities), in every year, sex and age group:
    withheld as FOLDED in the column ``suppressed`` unless already suppressed for another reason."""
    folded = small_nationalities(frame, threshold, years)
    if not folded:
        return
    keys = zip(frame["indicator"].to_numpy(), frame["area"].to_numpy(), frame["nationality"].to_numpy(), strict=True)
    rows = np.fromiter((key in folded for key in keys), bool, len(frame))
    frame.loc[rows & (frame["suppressed"] == "").to_numpy(), "suppressed"] = FOLDED
