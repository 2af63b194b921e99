"""Who lives in a Stadtteil, on its profile: the shares under 18 and 65 and older against the city from DEM-01's
published age cells, and the Nichtdeutschen by nationality group; a suppressed cell shows its symbol, never a number."""

from __future__ import annotations

import math
import re

import pandas as pd
from docx import Document

from toolkit.catalogue.model import CITY
from toolkit.core.keys import ALL
from toolkit.report.profile_population import (
    age_sentence,
    age_shares,
    nationality_sentence,
    population_indicator,
)

YEAR = 2025
# both sexes, group insgesamt, by Lebensphase: a young Stadtteil and the city
AGES = {"st01": {"0-7": 100, "7-18": 150, "18-45": 450, "45-65": 200, "65+": 100},  # 1000: 25,0 % under 18, 10,0 % 65+
        CITY: {"0-7": 600, "7-18": 900, "18-45": 3500, "45-65": 2500, "65+": 2500}}  # 10000: 15,0 %, 25,0 %
GROUPS = {"eu": 30, "drittstaaten": 100, "asylherkunft": 40, "ukraine": 50}


def _row(area: str, group: str, age: str, value: float, suppressed: bool = False) -> dict:
    return {"indicator": "DEM-01", "year": YEAR, "area": area, "group": group, "sex": "insgesamt", "age": age,
            "nationality": ALL, "published": math.nan if suppressed else float(value), "value": float(value),
            "suppressed": "primär" if suppressed else "", "symbol": "." if suppressed else "", "limited": False,
            "flag": ""}


def frame(hidden: set[tuple[str, str]] = frozenset()) -> pd.DataFrame:
    rows = []
    for area, ages in AGES.items():
        rows.append(_row(area, "insgesamt", ALL, sum(ages.values())))
        rows += [_row(area, "insgesamt", age, n, (area, age) in hidden) for age, n in ages.items()]
    rows += [_row("st01", group, ALL, n, ("st01", group) in hidden) for group, n in GROUPS.items()]
    return pd.DataFrame(rows)


def test_the_age_shares_of_a_stadtteil_against_the_city(catalogue):
    indicator = population_indicator(catalogue)
    assert indicator.id == "DEM-01"
    shares = age_shares(frame(), catalogue, indicator, YEAR, "st01")
    assert [(s.label, s.value, s.city) for s in shares] == [("unter 18 Jahre", 25.0, 15.0),
                                                            ("65 Jahre und älter", 10.0, 25.0)]
    assert age_sentence(shares, YEAR) == ("Alter der Einwohnerinnen und Einwohner 2025: unter 18 Jahre 25,0 % "
                                          "(Gesamtstadt 15,0 %), 65 Jahre und älter 10,0 % (Gesamtstadt 25,0 %).")


def test_a_suppressed_age_group_shows_its_symbol_not_a_share(catalogue):
    indicator = population_indicator(catalogue)
    shares = age_shares(frame({("st01", "0-7")}), catalogue, indicator, YEAR, "st01")
    assert math.isnan(shares[0].value) and shares[0].city == 15.0
    assert shares[1].value == 10.0  # 65+ needs no hidden cell
    assert age_sentence(shares, YEAR) == ("Alter der Einwohnerinnen und Einwohner 2025: unter 18 Jahre . (gesperrt) "
                                          "(Gesamtstadt 15,0 %), 65 Jahre und älter 10,0 % (Gesamtstadt 25,0 %).")


def test_nationality_groups_largest_first_with_their_subgroups(catalogue):
    indicator = population_indicator(catalogue)
    assert nationality_sentence(frame(), catalogue, indicator, YEAR, "st01") == (
        "Nichtdeutsche 2025 nach Staatengruppen: Drittstaatsangehörige 100 (darunter Ukrainische Staatsangehörige 50, "
        "Staatsangehörige der acht Asylherkunftsländer 40); Staatsangehörige anderer EU-Staaten 30.")
    hidden = nationality_sentence(frame({("st01", "eu"), ("st01", "ukraine")}), catalogue, indicator, YEAR, "st01")
    assert hidden == (
        "Nichtdeutsche 2025 nach Staatengruppen: Drittstaatsangehörige 100 (darunter Staatsangehörige der acht "
        "Asylherkunftsländer 40, Ukrainische Staatsangehörige . (gesperrt)); Staatsangehörige anderer EU-Staaten . "
        "(gesperrt).")
    assert nationality_sentence(frame(), catalogue, indicator, YEAR, "st02") == ""


def test_the_demo_profiles_say_the_same_minors_share_as_dem_05(demo_workspace):
    """The profile's sentence and DEM-05's row come from the same cells now (DEM-05's Zähler is DEM-01 under 18)."""
    document = Document(str(demo_workspace.profiles_file(2025)))
    sentences = [p.text for p in document.paragraphs if "Alter der Einwohnerinnen und Einwohner 2025:" in p.text]
    assert len(sentences) >= 30
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows
            if row.cells[0].text.startswith("DEM-05")]
    assert len(rows) == len(sentences)
    for sentence, row in zip(sentences, rows, strict=True):
        found = re.search(r"unter 18 Jahre ([\d,]+) % \(Gesamtstadt ([\d,]+) %\)", sentence)
        assert found is not None, sentence
        assert (found.group(1), found.group(2)) == (row[2], row[4].rstrip("¹²³"))
