"""Disclosure control and audit over the age groups of two Verwendungen (issue #20, scope 2).

DEM-01 is collected by the 5-year groups of the Pyramide and by the Lebensphasen (0-7, 7-18, 18-45, 45-65, 65+).
Both sum to all ages, and between the limits both have (45, 65) they also sum to each other: 65+ = 65-70 + … + 90+,
45-65 = 45-50 + … + 60-65, 0-7 + 7-18 + 18-45 = 0-5 + … + 40-45. A reader who has both tables uses those sums.
"""

from __future__ import annotations

import pandas as pd
from test_audit import _published_rows

from toolkit.catalogue.breakdowns import equal_age_sums
from toolkit.catalogue.model import Catalogue
from toolkit.indicators.audit import audit, unjustified
from toolkit.indicators.confidentiality import PRIMARY, SECONDARY, protect, relations
from toolkit.indicators.values import value_frame

# Nichtdeutsche of one Stadtteil: the 85-89 year olds are 2 (primary); the smallest other 5-year group is 0-5 (4).
PYRAMIDE = {"0-5": 4, "5-10": 80, "10-15": 70, "15-20": 90, "20-25": 100, "25-30": 110, "30-35": 120, "35-40": 96,
            "40-45": 80, "45-50": 60, "50-55": 55, "55-60": 45, "60-65": 40, "65-70": 20, "70-75": 15, "75-80": 8,
            "80-85": 5, "85-90": 2, "90+": 0}
LEBENSPHASEN = {"0-7": 100, "7-18": 150, "18-45": 500, "45-65": 200, "65+": 50}


def _frame(catalogue: Catalogue, ages: dict[str, int]) -> pd.DataFrame:
    cells = {"alle": sum(PYRAMIDE.values()), **ages}
    obs = pd.DataFrame([{"indicator": "DEM-01", "year": 2025, "area": "st01", "group": "nichtdeutsch",
                         "sex": "insgesamt", "measure": "wert", "age": age, "nationality": "alle", "value": value,
                         "flag": "", "note": ""} for age, value in cells.items()])
    return protect(value_frame(obs, catalogue), catalogue)


def _state(frame: pd.DataFrame, age: str) -> str:
    return frame.loc[frame["age"] == age, "suppressed"].item()


def test_the_age_groups_of_two_verwendungen_sum_to_each_other_between_their_common_limits(catalogue):
    partitions = catalogue.partitions(catalogue.indicators["DEM-01"])
    blocks = equal_age_sums([catalogue.age_group[code] for code in codes] for codes in partitions.values())
    assert sum(LEBENSPHASEN.values()) == sum(PYRAMIDE.values())  # the table is consistent
    assert blocks == [(("0-7", "7-18", "18-45"), tuple(PYRAMIDE)[:9]), (("45-65",), tuple(PYRAMIDE)[9:13]),
                      (("65+",), tuple(PYRAMIDE)[13:])]


def test_a_suppressed_5_year_group_is_not_given_back_by_the_lebensphasen(catalogue):
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN})
    assert _state(frame, "85-90") == PRIMARY
    # Over all ages alone the smallest other count, 0-5, was the partner; but 65+ = 65-70 + … + 90+ then gave 85-90
    # back, and 0-7 + 7-18 + 18-45 = 0-5 + … + 40-45 gave 0-5. The partner is one of 65 and older now.
    assert _state(frame, "80-85") == SECONDARY
    assert _state(frame, "0-5") == ""
    hidden = set(frame.index[frame["suppressed"] != ""])
    frame["count"] = frame["wert"]
    for relation in relations(frame, catalogue):
        assert len(hidden & set(relation.cells)) != 1, frame.loc[list(relation.cells), ["age", "suppressed"]]
    result = audit(_published_rows(frame, catalogue), catalogue)
    assert result.ok and result.suppressed == len(hidden) == 2, result.lines(catalogue)
    assert unjustified(frame, catalogue) == []


def test_the_audit_adds_the_age_groups_of_two_verwendungen_over_the_same_ages(catalogue):
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN})
    frame.loc[frame["age"] == "0-5", "suppressed"] = SECONDARY  # as the suppression chose without those sums
    frame.loc[~frame["age"].isin(["85-90", "0-5"]), "suppressed"] = ""
    frame.loc[frame["suppressed"] == "", "published"] = frame["value"]
    result = audit(_published_rows(frame, catalogue), catalogue)
    found = {(r.key.age, r.value) for r in result.recovered}
    assert found == {("85-90", 2), ("0-5", 4)}  # 50 - (20 + 15 + 8 + 5 + 0); 750 - (80 + 70 + … + 80)
    assert "85 bis unter 90 Jahre" in " ".join(result.lines(catalogue))


def test_without_all_ages_the_two_verwendungen_still_sum_to_each_other(catalogue):
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN})
    frame = frame[frame["age"] != "alle"]
    frame.loc[frame["age"] != "85-90", "suppressed"] = ""
    frame.loc[frame["suppressed"] == "", "published"] = frame["value"]
    found = {(r.key.age, r.value) for r in audit(_published_rows(frame, catalogue), catalogue).recovered}
    assert found == {("85-90", 2)}
