"""Editions that cannot be combined: a year's suppression does not depend on the edition, and the publication ledger
carries what earlier editions made public into every later one."""

from __future__ import annotations

import pandas as pd

from toolkit.indicators.confidentiality import protect
from toolkit.indicators.values import value_frame

# (deutsch, nichtdeutsch) per Stadtteil and year: hand-made counts where, before the fix, the secondary cells chosen
# for 2022 differed between the edition 2022 (years up to 2022) and the edition 2023 (one more year in the frame)
COUNTS = {
    2021: {"st01": (18, 6), "st02": (37, 2), "st04": (26, 6), "st05": (33, 8)},
    2022: {"st01": (40, 1), "st02": (3, 12), "st04": (33, 4), "st05": (38, 2)},
    2023: {"st01": (15, 8), "st02": (33, 6), "st04": (38, 5), "st05": (28, 8)},
}


def _observations(years) -> pd.DataFrame:
    """DEM-01 counts (insgesamt, deutsch, nichtdeutsch) by Stadtteil and for the city, and DEM-02 (Ausländeranteil),
    whose Zähler and Nenner the catalogue declares equal to DEM-01's counts."""
    rows = []
    for year in years:
        totals = {"deutsch": 0, "nichtdeutsch": 0}
        for area, (de, nd) in [*COUNTS[year].items(), ("gesamtstadt", (None, None))]:
            if de is None:
                de, nd = totals["deutsch"], totals["nichtdeutsch"]
            else:
                totals["deutsch"] += de
                totals["nichtdeutsch"] += nd
            rows += [("DEM-01", year, area, "insgesamt", "wert", de + nd), ("DEM-01", year, area, "deutsch", "wert", de),
                     ("DEM-01", year, area, "nichtdeutsch", "wert", nd),
                     ("DEM-02", year, area, "insgesamt", "zaehler", nd), ("DEM-02", year, area, "insgesamt", "nenner", de + nd)]
    return pd.DataFrame([{"indicator": i, "year": y, "area": a, "group": g, "sex": "insgesamt", "measure": m,
                          "value": v, "flag": "", "note": ""} for i, y, a, g, m, v in rows])


def _states(catalogue, years, year) -> dict[tuple, str]:
    frame = protect(value_frame(_observations(years), catalogue), catalogue)
    frame = frame[frame["year"] == year]
    return {(r.indicator, r.area, r.group): r.suppressed for r in frame.itertuples()}


def test_a_years_suppression_does_not_depend_on_the_edition(catalogue):
    edition_2022 = _states(catalogue, (2021, 2022), 2022)
    edition_2023 = _states(catalogue, (2021, 2022, 2023), 2022)
    assert sum(1 for state in edition_2022.values() if state) >= 4  # there is something to protect in 2022
    assert edition_2023 == edition_2022
    assert _states(catalogue, (2022,), 2022) == edition_2022  # and the years before do not matter either
