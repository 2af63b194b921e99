"""The population pyramid: shares of each population's own total, the alt text stating the difference in age
structure in numbers, a suppressed cell drawn as no bar and named, and its place in the demo report."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib.patches import Rectangle

from toolkit.catalogue.model import CITY
from toolkit.core.keys import ALL
from toolkit.report.age_structure import median_group, short_label, span_count
from toolkit.report.chart_layout import text_problems
from toolkit.report.group_styles import GROUP_STYLES
from toolkit.report.pyramid import population_pyramid, pyramid_table

YEAR = 2025
SOURCE = "Quelle: Melderegister; Stand: 07.12.2026. Stichtag: 31.12.2025."
PYRAMID = [f"{a}-{a + 5}" for a in range(0, 90, 5)] + ["90+"]
# per sex and 5-year group: Deutsche 50 in every group; Nichtdeutsche 40 under 20, 60 from 20 to 40, 20 from 40 to
# 65, 5 from 65 on (younger)
PER_GROUP = {"deutsch": [50] * 19,
             "nichtdeutsch": [40] * 4 + [60] * 4 + [20] * 5 + [5] * 6}
# both sexes by Lebensphase, from the same shape spread evenly over each 5-year group (years per group: 5, 90+ as 5)
PHASES = {"deutsch": {"0-7": 140, "7-18": 220, "18-45": 540, "45-65": 400, "65+": 600},  # 1900
          "nichtdeutsch": {"0-7": 112, "7-18": 176, "18-45": 552, "45-65": 160, "65+": 60}}  # 1060


def _row(group: str, sex: str, age: str, value: float, suppressed: str = "") -> dict:
    return {"indicator": "DEM-01", "year": YEAR, "area": CITY, "group": group, "sex": sex, "age": age,
            "nationality": ALL, "published": math.nan if suppressed else float(value), "value": float(value),
            "suppressed": suppressed, "symbol": "." if suppressed else "", "limited": False, "flag": ""}


def frame(suppress: tuple[str, str, str] | None = None) -> pd.DataFrame:
    rows = []
    for group, counts in PER_GROUP.items():
        for sex in ("maennlich", "weiblich"):
            rows += [_row(group, sex, age, n, "primär" if (group, sex, age) == suppress else "")
                     for age, n in zip(PYRAMID, counts, strict=True)]
            rows.append(_row(group, sex, ALL, sum(counts)))
        rows += [_row(group, "insgesamt", age, 2 * n) for age, n in zip(PYRAMID, counts, strict=True)]
        rows += [_row(group, "insgesamt", age, n) for age, n in PHASES[group].items()]
        rows.append(_row(group, "insgesamt", ALL, 2 * sum(counts)))
    return pd.DataFrame(rows)


@pytest.fixture
def spec(catalogue):
    return population_pyramid(frame(), catalogue, catalogue.indicators["DEM-01"], YEAR, SOURCE, GROUP_STYLES)


def test_each_bar_is_a_share_of_its_own_population(spec):
    german, foreign = spec.populations
    assert (german.label, german.total, foreign.label, foreign.total) == ("Deutsche", 1900, "Nichtdeutsche", 1060)
    assert german.shares[0] == pytest.approx([100 * 50 / 1900] * 19)
    assert foreign.shares[1][4] == pytest.approx(100 * 60 / 1060)  # women 20 to 25
    assert spec.ages[0] == "0–4" and spec.ages[-1] == "90+"


def test_the_alt_text_states_the_difference_in_age_structure_in_numbers(spec):
    alt = spec.alt_text()
    # Deutsche: under 18 (140 + 220) / 1900 = 18,9 %, 65+ 600 / 1900 = 31,6 %, half of 1900 reached in 45-50;
    # Nichtdeutsche: (112 + 176) / 1060 = 27,2 %, 60 / 1060 = 5,7 %, half of 1060 reached in 25-30
    assert ("Deutsche: 1.900 Personen, unter 18 Jahre 18,9 %, 65 Jahre und älter 31,6 %, mittleres Alter (Median) in "
            "der Altersgruppe 45 bis unter 50 Jahre.") in alt
    assert ("Nichtdeutsche: 1.060 Personen, unter 18 Jahre 27,2 %, 65 Jahre und älter 5,7 %, mittleres Alter (Median) "
            "in der Altersgruppe 25 bis unter 30 Jahre.") in alt
    assert ("Die Nichtdeutschen sind jünger: Ihr Anteil unter 18 Jahren ist um 8,2 Prozentpunkte höher, ihr Anteil "
            "ab 65 Jahren um 25,9 Prozentpunkte niedriger als bei den Deutschen.") in alt
    assert "Ohne Balken" not in alt


def test_every_bar_carries_its_share_and_the_texts_fit(spec):
    figure = spec.figure()
    left, right = figure.axes
    assert sum(isinstance(p, Rectangle) and p.get_width() != 0 for p in left.patches) == 38
    assert [t.get_text() for t in left.texts].count("2,6") == 38  # 50 / 1900
    assert text_problems(figure) == []
    assert "Lesehilfe" in " ".join(t.get_text() for t in figure.texts)
    assert SOURCE in " ".join(t.get_text() for t in figure.texts)


def test_a_suppressed_cell_gets_no_bar_its_symbol_and_a_note(catalogue):
    spec = population_pyramid(frame(("nichtdeutsch", "maennlich", "90+")), catalogue,
                              catalogue.indicators["DEM-01"], YEAR, SOURCE, GROUP_STYLES)
    figure = spec.figure()
    right = figure.axes[1]
    bars = [p for p in right.patches if isinstance(p, Rectangle) and p.get_width() != 0]
    assert len(bars) == 37
    assert not any(p.get_width() < 0 and p.get_y() > 17.5 for p in bars)  # no men's bar in the top row (90+)
    top_left = [t.get_text() for t in right.texts if t.get_position()[1] == 18 and t.get_position()[0] <= 0]
    assert top_left == ["."]
    note = "Nichtdeutsche, Männer 90+ (. gesperrt (Geheimhaltung))"
    assert note in " ".join(t.get_text().replace("\n", " ") for t in figure.texts)
    assert f"Ohne Balken, weil nicht veröffentlicht: {note}." in spec.alt_text()
    assert text_problems(figure) == []
    # the share 65+ still comes from the published Lebensphasen cell, the median is unaffected
    assert "65 Jahre und älter 5,7 %" in spec.alt_text()


def test_no_pyramid_without_a_published_total(catalogue):
    data = frame()
    data.loc[(data["group"] == "deutsch") & (data["sex"] == "insgesamt") & (data["age"] == ALL),
             ["published", "suppressed"]] = (math.nan, "primär")
    assert population_pyramid(data, catalogue, catalogue.indicators["DEM-01"], YEAR, SOURCE, GROUP_STYLES) is None
    assert population_pyramid(frame(), catalogue, catalogue.indicators["DEM-02"], YEAR, SOURCE, GROUP_STYLES) is None


def test_the_table_gives_the_persons_with_symbols_where_suppressed(catalogue):
    table = pyramid_table(frame(("nichtdeutsch", "maennlich", "90+")), catalogue, catalogue.indicators["DEM-01"],
                          YEAR, {}, "DEM")
    assert table.kopf == ["Altersgruppe", "Deutsche, männlich", "Deutsche, weiblich", "Nichtdeutsche, männlich",
                          "Nichtdeutsche, weiblich"]
    assert [c.text for c in table.zeilen[0]] == ["unter 5 Jahre", "50", "50", "40", "40"]
    assert [c.text for c in table.zeilen[-2]] == ["90 Jahre und älter", "50", "50", ".", "5"]
    assert [c.text for c in table.zeilen[-1]] == ["Insgesamt", "950", "950", "530", "530"]


def test_an_age_span_is_summed_only_from_groups_that_meet_its_bounds(catalogue):
    indicator = catalogue.indicators["DEM-01"]
    partitions = [[catalogue.age_group[c] for c in codes] for codes in catalogue.partitions(indicator).values()]
    counts = {"0-5": 10.0, "5-10": 10.0, "10-15": 10.0, "15-20": 10.0, "0-7": 14.0, "7-18": math.nan}
    assert span_count(counts, partitions, 0, 15) == 30  # from the 5-year groups
    assert math.isnan(span_count(counts, partitions, 0, 18))  # only the Lebensphasen meet 18, and 7-18 is hidden
    assert median_group([10, 10, 10, 10], 40) == 1
    assert median_group([10, math.nan, 10, 10], 40) is None
    assert short_label(catalogue.age_group["90+"]) == "90+" and short_label(catalogue.age_group["0-7"]) == "0–6"


def test_the_demo_report_shows_the_pyramid_after_the_population_series_with_its_alt_text(demo_workspace):
    document = Document(str(demo_workspace.report_file(2025)))
    texts = [p.text for p in document.paragraphs]
    caption = ("Abbildung: DEM-01 Bevölkerungspyramide 2025: Deutsche und Nichtdeutsche nach Altersgruppen und "
               "Geschlecht")
    at = texts.index(caption)
    series = texts.index("Abbildung: DEM-01 Einwohnerinnen und Einwohner nach Gruppen")
    series_table = next(n for n, t in enumerate(texts) if t.startswith("Tabelle: DEM-01 Einwohnerinnen und Einwohner, "))
    districts = texts.index("Abbildung: DEM-01 Einwohnerinnen und Einwohner, Insgesamt, nach Stadtteilen 2025")
    assert series < series_table < at < districts  # below the series and its table, before the Stadtteile
    assert texts[at + 1] == ("Tabelle: DEM-01 Einwohnerinnen und Einwohner nach Altersgruppen und Geschlecht, 2025 "
                             "(Anzahl)")  # its numbers right below it
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    alt = next(a for a in alts if a.startswith("Bevölkerungspyramide 2025"))
    assert "Die Nichtdeutschen sind jünger" in alt
    assert "Die Nichtdeutschen sind jünger" in next(t for t in texts if t.startswith("2025 lag der Wert insgesamt"))
