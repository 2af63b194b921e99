"""Editions that cannot be combined: a year's suppression does not depend on the edition, and the publication ledger
carries what earlier editions made public into every later one."""

from __future__ import annotations

import pandas as pd

from toolkit.core.keys import ALL
from toolkit.indicators.confidentiality import EARLIER, PRIMARY, SECONDARY, protect
from toolkit.indicators.editions import (
    Edition,
    audit_editions,
    audit_frame,
    earlier_of,
    ledger_cells,
    revision_rows,
)
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


# Stadtteile of one year, insgesamt only: the city total is the sum of the three. The first edition withholds st01
# (2, primary) and st02 (5, the smallest other part). Then st04 is revised from 40 to 1.
FIRST = {"st01": 2, "st02": 5, "st04": 40}
REVISED = {**FIRST, "st04": 1}
PUBLISHED_AT = "2025-03-12T10:00:00"


def _districts(values: dict[str, int]) -> pd.DataFrame:
    rows = [*values.items(), ("gesamtstadt", sum(values.values()))]
    return pd.DataFrame([{"indicator": "DEM-01", "year": 2022, "area": area, "group": "insgesamt", "sex": "insgesamt",
                          "measure": "wert", "value": value, "flag": "", "note": ""} for area, value in rows])


def _edition(catalogue, values, earlier=None) -> pd.DataFrame:
    return protect(value_frame(_districts(values), catalogue), catalogue, earlier=earlier)


def _first_edition_as_earlier(catalogue):
    first = _edition(catalogue, FIRST)
    edition = Edition(1, 2022, PUBLISHED_AT, "outbox/2022/Veroeffentlichung", "Integrationsbericht_2022.docx")
    return first, earlier_of([edition], [(1, *row) for row in ledger_cells(first)])


def _state(frame, area) -> str:
    return frame.loc[frame["area"] == area, "suppressed"].iloc[0]


def test_without_the_ledger_a_revision_gives_away_what_the_first_edition_withheld(catalogue):
    first = _edition(catalogue, FIRST)
    assert [_state(first, a) for a in ("st01", "st02", "st04", "gesamtstadt")] == [PRIMARY, SECONDARY, "", ""]
    blind = _edition(catalogue, REVISED)  # st01 and st04 small now: st02 is no longer needed, and shown
    assert _state(blind, "st02") == ""
    result = audit_editions([audit_frame(first, catalogue), audit_frame(blind, catalogue)], catalogue)
    assert [(r.key.area, r.value) for r in result.recovered] == [("st01", 2)]  # 47 - 40 - 5, from both editions


def test_with_the_ledger_what_an_edition_withheld_stays_withheld(catalogue):
    first, earlier = _first_edition_as_earlier(catalogue)
    assert earlier.withheld == {("DEM-01", 2022, "st01", "insgesamt", "insgesamt", ALL, ALL),
                                ("DEM-01", 2022, "st02", "insgesamt", "insgesamt", ALL, ALL)}
    assert earlier.shown[("DEM-01", 2022, "gesamtstadt", "insgesamt", "insgesamt", ALL, ALL)] == 47
    second = _edition(catalogue, REVISED, earlier)
    assert [_state(second, a) for a in ("st01", "st02", "st04")] == [PRIMARY, EARLIER, PRIMARY]
    result = audit_editions([audit_frame(first, catalogue), audit_frame(second, catalogue)], catalogue)
    assert result.ok and result.editions == 2
    assert result.lines(catalogue)[0].startswith("Prüfung der Geheimhaltung in 2 Ausgaben zusammen: ")


def test_a_changed_value_is_a_revision_with_the_earlier_value(catalogue):
    _first, earlier = _first_edition_as_earlier(catalogue)
    second = _edition(catalogue, REVISED, earlier)
    revised = second[second["revised"]]
    assert sorted(zip(revised["area"], revised["earlier"], revised["shown"].fillna(-1), strict=True)) == [
        ("gesamtstadt", 47.0, 8.0), ("st04", 40.0, -1.0)]
    assert set(revised["earlier_edition"]) == {"Ausgabe 2022 vom 12.03.2025"}
    rows = revision_rows(second, catalogue)
    assert [(r[3], r[4], r[9], r[10], r[11], r[12]) for r in rows] == [
        ("Gesamtstadt", "15003000", "47", "Ausgabe 2022 vom 12.03.2025", "8", ""),
        ("Alte Neustadt", "04", "40", "Ausgabe 2022 vom 12.03.2025", "", "gesperrt (.)")]


def test_unchanged_data_gives_the_same_edition_with_or_without_the_ledger(catalogue):
    first, earlier = _first_edition_as_earlier(catalogue)
    again = _edition(catalogue, FIRST, earlier)
    columns = ["area", "suppressed", "shown"]
    assert again[columns].fillna(-1).equals(first[columns].fillna(-1))
    assert not again["revised"].any()
