"""Primary and secondary suppression and rounding on small hand-made tables with known answers."""

from __future__ import annotations

import copy
import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.indicators.confidentiality import (
    BRACKETS,
    NO_BASE,
    PRIMARY,
    SECONDARY,
    ZERO_SYMBOL,
    protect,
    symbol_legend,
)
from toolkit.indicators.values import value_frame
from toolkit.report.charts import BarChart, ranked
from toolkit.report.tables import Cell, Table, footnotes, table_cell


def frame_of(catalogue, rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator, year, area, group, sex, measure, value)"""
    obs = pd.DataFrame(
        [dict(zip(("indicator", "year", "area", "group", "sex", "measure", "value"), r, strict=True)) | {"flag": "", "note": ""}
         for r in rows])
    return protect(value_frame(obs, catalogue), catalogue)


def cell(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_small_count_is_suppressed_and_secondary_protects_the_group_total(catalogue):
    # insgesamt = deutsch + nichtdeutsch: hiding only 2 would let anyone compute 100 - 98.
    frame = frame_of(catalogue, [
        ("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert", 100),
        ("DEM-01", 2024, "gesamtstadt", "deutsch", "insgesamt", "wert", 98),
        ("DEM-01", 2024, "gesamtstadt", "nichtdeutsch", "insgesamt", "wert", 2),
    ])
    assert cell(frame, group="nichtdeutsch").suppressed == PRIMARY
    assert cell(frame, group="deutsch").suppressed == SECONDARY
    assert cell(frame, group="insgesamt").suppressed == ""
    assert cell(frame, group="insgesamt").published == 100
    assert math.isnan(cell(frame, group="deutsch").published)
    assert cell(frame, group="nichtdeutsch").symbol == "."


def test_secondary_suppression_across_stadtteile_picks_the_smallest_other_district(catalogue):
    frame = frame_of(catalogue, [
        ("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert", 50),
        ("DEM-01", 2024, "st01", "insgesamt", "insgesamt", "wert", 20),
        ("DEM-01", 2024, "st02", "insgesamt", "insgesamt", "wert", 28),
        ("DEM-01", 2024, "st04", "insgesamt", "insgesamt", "wert", 2),
    ])
    assert cell(frame, area="st04").suppressed == PRIMARY
    assert cell(frame, area="st01").suppressed == SECONDARY
    assert cell(frame, area="st02").suppressed == ""
    assert cell(frame, area="gesamtstadt").published == 50


def test_no_relation_keeps_a_single_suppressed_cell(catalogue):
    # Stadtteile and groups at once: every relation must have 0 or >= 2 hidden cells.
    rows = []
    values = {"st01": (40, 37, 3), "st02": (30, 29, 1), "st03": (25, 20, 5)}
    for area, (total, de, nd) in values.items():
        rows += [("DEM-01", 2024, area, "insgesamt", "insgesamt", "wert", total),
                 ("DEM-01", 2024, area, "deutsch", "insgesamt", "wert", de),
                 ("DEM-01", 2024, area, "nichtdeutsch", "insgesamt", "wert", nd)]
    for group, index in (("insgesamt", 0), ("deutsch", 1), ("nichtdeutsch", 2)):
        rows.append(("DEM-01", 2024, "gesamtstadt", group, "insgesamt", "wert", sum(v[index] for v in values.values())))
    frame = frame_of(catalogue, rows)
    hidden = frame[frame.suppressed != ""]
    assert cell(frame, area="st02", group="nichtdeutsch").suppressed == PRIMARY
    for area in ("st01", "st02", "st03", "gesamtstadt"):
        group_cells = frame[frame.area == area]
        assert (group_cells.suppressed != "").sum() in (0, 2, 3), area
    for group in ("insgesamt", "deutsch", "nichtdeutsch"):
        area_cells = frame[frame.group == group]
        assert (area_cells.suppressed != "").sum() != 1, group
    assert len(hidden) >= 4


def test_true_zero_is_shown_as_dash_not_suppressed(catalogue):
    frame = frame_of(catalogue, [("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert", 0)])
    row = cell(frame, group="insgesamt")
    assert row.suppressed == "" and row.published == 0 and row.symbol == ZERO_SYMBOL


def test_rate_suppressed_for_small_nenner_or_small_zaehler(catalogue):
    # BIL-06, profile schule3: min_fallzahl 3, min_nenner 30
    frame = frame_of(catalogue, [
        ("BIL-06", 2024, "gesamtstadt", "insgesamt", "insgesamt", "zaehler", 100),
        ("BIL-06", 2024, "gesamtstadt", "insgesamt", "insgesamt", "nenner", 1100),
        ("BIL-06", 2024, "gesamtstadt", "deutsch", "insgesamt", "zaehler", 90),
        ("BIL-06", 2024, "gesamtstadt", "deutsch", "insgesamt", "nenner", 1000),
        ("BIL-06", 2024, "gesamtstadt", "nichtdeutsch", "insgesamt", "zaehler", 10),
        ("BIL-06", 2024, "gesamtstadt", "nichtdeutsch", "insgesamt", "nenner", 100),
        ("BIL-06", 2024, "st01", "insgesamt", "insgesamt", "zaehler", 5),
        ("BIL-06", 2024, "st01", "insgesamt", "insgesamt", "nenner", 20),     # Nenner < 30
        ("BIL-06", 2024, "st02", "insgesamt", "insgesamt", "zaehler", 2),
        ("BIL-06", 2024, "st02", "insgesamt", "insgesamt", "nenner", 400),    # Zähler < 3
        ("BIL-06", 2024, "st03", "insgesamt", "insgesamt", "zaehler", 93),
        ("BIL-06", 2024, "st03", "insgesamt", "insgesamt", "nenner", 680),
    ])
    assert cell(frame, area="st01").suppressed == PRIMARY
    assert cell(frame, area="st02").suppressed == PRIMARY
    assert cell(frame, area="gesamtstadt", group="nichtdeutsch").published == 10.0
    assert cell(frame, area="st03").suppressed == ""  # two hidden already: nothing to add


def test_standard_profile_blocks_counts_1_to_3_as_the_amt_fuer_statistik_does(catalogue):
    assert (catalogue.profiles["standard"].min_fallzahl, catalogue.profiles["standard"].min_nenner) == (4, 10)
    frame = frame_of(catalogue, [
        ("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert", 107),
        ("DEM-01", 2024, "st01", "insgesamt", "insgesamt", "wert", 3),
        ("DEM-01", 2024, "st02", "insgesamt", "insgesamt", "wert", 4),
        ("DEM-01", 2024, "st03", "insgesamt", "insgesamt", "wert", 100),
    ])
    assert cell(frame, area="st01").suppressed == PRIMARY  # 3: blocked
    assert cell(frame, area="st02").suppressed == SECONDARY  # 4 would give 3 back from the city total
    assert cell(frame, area="st03").published == 100


def test_a_share_of_3_of_19_is_not_published_but_4_of_19_is(catalogue):
    # DEM-02 (standard): a Stadtteil of 19 inhabitants with 3 foreigners (15,8 %) appeared in the demo report
    frame = frame_of(catalogue, [
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "zaehler", 3),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "nenner", 19),
        ("DEM-02", 2024, "st02", "insgesamt", "insgesamt", "zaehler", 4),
        ("DEM-02", 2024, "st02", "insgesamt", "insgesamt", "nenner", 19),
    ])
    assert cell(frame, area="st01").suppressed == PRIMARY and math.isnan(cell(frame, area="st01").published)
    assert cell(frame, area="st02").suppressed == ""
    assert cell(frame, area="st02").published == pytest.approx(400 / 19, abs=0.05)


def test_a_sparsely_populated_stadtteil_gets_no_rate_of_its_own(catalogue):
    sparse = next(d for d in catalogue.districts if d.name == "Industriehafen")
    assert sparse.einwohner == 286 and sparse.sparse(500) and not sparse.sparse(200)
    frame = frame_of(catalogue, [
        ("DEM-02", 2024, sparse.area, "insgesamt", "insgesamt", "zaehler", 237),
        ("DEM-02", 2024, sparse.area, "insgesamt", "insgesamt", "nenner", 286),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "zaehler", 237),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "nenner", 2860),
        ("DEM-01", 2024, sparse.area, "insgesamt", "insgesamt", "wert", 286),
    ])
    rate = cell(frame, indicator="DEM-02", area=sparse.area)
    assert rate.suppressed == "gering besiedelt" and rate.symbol == "x" and math.isnan(rate.published)
    assert cell(frame, indicator="DEM-02", area="st01").published == pytest.approx(8.3, abs=0.05)
    assert cell(frame, indicator="DEM-01", area=sparse.area).published == 286  # its count stays
    rows = [[Cell(r.area), table_cell(r, 1, {})] for r in frame[frame["indicator"] == "DEM-02"].itertuples()]
    notes = footnotes(catalogue.indicators["DEM-02"], catalogue, [Table("DEM-02", ["Stadtteil", "2024"], rows)], {}, [])
    assert "Für gering besiedelte Stadtteile wird kein eigener Anteil gezeigt (x)." in notes
    assert not any("Geheimhaltung gesperrt" in note for note in notes)  # no "." in the table: no note about it


@pytest.mark.parametrize(("name", "inhabitants", "foreigners"), [("Industriehafen", 286, 237),
                                                                  ("Gewerbegebiet Nord", 15, 4)])
def test_a_sparsely_populated_stadtteil_never_leads_the_ranking_chart(catalogue, name, inhabitants, foreigners):
    sparse = next(d for d in catalogue.districts if d.name == name)
    assert sparse.einwohner == inhabitants  # the catalogue's population (KISS-MD, 31.12.2025)
    frame = frame_of(catalogue, [
        ("DEM-02", 2024, sparse.area, "insgesamt", "insgesamt", "zaehler", foreigners),
        ("DEM-02", 2024, sparse.area, "insgesamt", "insgesamt", "nenner", inhabitants),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "zaehler", 237),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "nenner", 2860),
    ])
    rows = frame[frame["indicator"] == "DEM-02"].sort_values("area")
    assert cell(frame, indicator="DEM-02", area=sparse.area).symbol == "x"  # no rate of its own (26,7 % of 15)
    spec = BarChart("Ausländeranteil", "%", "Quelle", tuple(rows["area"]), tuple(rows["published"]),
                    tuple(rows["symbol"]), year=2024)
    assert spec.labels[ranked(spec)[0]] == "st01"


def test_rounding_by_profile(catalogue):
    # DEM-08 uses profile azr5: counts rounded to multiples of 5
    frame = frame_of(catalogue, [("DEM-08", 2024, "gesamtstadt", "nichtdeutsch", "insgesamt", "wert", 123)])
    row = cell(frame, group="nichtdeutsch")
    assert row.published == 125 and row.rounded == 5
    assert row.value == 123  # the true value stays in the frame for the master matrix


def test_symbol_legend_explains_every_symbol(catalogue):
    legend = dict(symbol_legend(catalogue))
    assert "." in legend and "/" in legend and ZERO_SYMBOL in legend and "gering besiedelt" in legend["x"]
    assert "eingeschränkt" in legend[BRACKETS]


def survey_frame(catalogue) -> pd.DataFrame:
    """DIS-03, profile befragung: min_nenner 30, klammer_unter 50; Nenner 25, 40 and 60 in three years."""
    rows = []
    for year, zaehler, nenner in ((2020, 6, 25), (2022, 10, 40), (2024, 15, 60)):
        rows += [("DIS-03", year, "gesamtstadt", "nichtdeutsch", "insgesamt", "zaehler", zaehler),
                 ("DIS-03", year, "gesamtstadt", "nichtdeutsch", "insgesamt", "nenner", nenner)]
    return frame_of(catalogue, rows)


def test_survey_values_below_klammer_unter_are_bracketed_not_suppressed(catalogue):
    frame = survey_frame(catalogue)
    small, middle, plain = (cell(frame, year=y) for y in (2020, 2022, 2024))
    assert small.suppressed == PRIMARY and small.symbol == "/" and math.isnan(small.published)
    assert not small.limited
    assert middle.suppressed == "" and middle.limited and middle.published == 25.0
    assert plain.suppressed == "" and not plain.limited and plain.published == 25.0


def test_counts_are_never_bracketed_rates_below_klammer_unter_are(catalogue):
    """A count is exact however small; a rate from fewer cases in its Nenner than the profile's klammer_unter is
    bracketed (standard: from 10 to 49, as the Zeichenerklärung says)."""
    assert catalogue.profiles["standard"].klammer_unter == 50
    frame = frame_of(catalogue, [
        ("DEM-01", 2024, "st01", "insgesamt", "insgesamt", "wert", 14),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "zaehler", 14),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "nenner", 14),
        ("DEM-02", 2024, "st02", "insgesamt", "insgesamt", "zaehler", 14),
        ("DEM-02", 2024, "st02", "insgesamt", "insgesamt", "nenner", 50),
    ])
    assert not cell(frame, indicator="DEM-01", area="st01").limited
    small = cell(frame, indicator="DEM-02", area="st01")  # 14 of 14, like Pechau's Betreuungsquote
    assert small.limited and small.published == 100.0 and table_cell(small, 1, {}).text == "(100,0)"
    assert not cell(frame, indicator="DEM-02", area="st02").limited
    rows = [[Cell("Stadtteil"), table_cell(small, 1, {})]]
    notes = footnotes(catalogue.indicators["DEM-02"], catalogue, [Table("DEM-02", ["", "2024"], rows)], {}, [])
    assert "Werte in Klammern: Aussagewert ist eingeschränkt, da der Zahlenwert statistisch relativ unsicher ist " \
           "(weniger als 50 Fälle im Nenner)." in notes
    unbracketing = copy.deepcopy(catalogue)
    unbracketing.profiles["standard"] = dataclasses.replace(catalogue.profiles["standard"], klammer_unter=None)
    rows = [("DEM-02", 2024, "st01", "insgesamt", "insgesamt", measure, 14) for measure in ("zaehler", "nenner")]
    assert not frame_of(unbracketing, rows)["limited"].any()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)), min_size=2, max_size=5))
def test_property_no_relation_is_left_with_a_single_hidden_cell(catalogue, districts):
    """For any small table: every relation (groups, Stadtteile) has 0 or at least 2 suppressed cells."""
    from toolkit.catalogue.model import district_area
    from toolkit.indicators.confidentiality import relations

    rows = []
    for n, (de, nd) in enumerate(districts, start=1):
        area = district_area(catalogue.districts[n - 1].schluessel)
        rows += [("DEM-01", 2024, area, "insgesamt", "insgesamt", "wert", de + nd),
                 ("DEM-01", 2024, area, "deutsch", "insgesamt", "wert", de),
                 ("DEM-01", 2024, area, "nichtdeutsch", "insgesamt", "wert", nd)]
    for group, index in (("deutsch", 0), ("nichtdeutsch", 1)):
        rows.append(("DEM-01", 2024, "gesamtstadt", group, "insgesamt", "wert", sum(d[index] for d in districts)))
    rows.append(("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert", sum(a + b for a, b in districts)))
    frame = frame_of(catalogue, rows)
    hidden = set(frame.index[frame.suppressed != ""])
    small = frame[(frame.value > 0) & (frame.value < 3)]
    assert set(small.index) <= hidden  # every small count is hidden
    frame["count"] = frame["wert"]
    for relation in relations(frame, catalogue):
        assert len(hidden & set(relation.cells)) != 1, relation


def test_a_stadtteil_without_inhabitants_shows_nothing_there_not_missing(catalogue):
    empty = next(d for d in catalogue.districts if d.name == "Kreuzhorst")
    assert empty.einwohner == 0 and empty.empty
    frame = frame_of(catalogue, [
        ("DEM-02", 2024, empty.area, "insgesamt", "insgesamt", "zaehler", 0),
        ("DEM-02", 2024, empty.area, "insgesamt", "insgesamt", "nenner", 0),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "zaehler", 237),
        ("DEM-02", 2024, "st01", "insgesamt", "insgesamt", "nenner", 2860),
    ])
    rate = cell(frame, indicator="DEM-02", area=empty.area)
    assert math.isnan(rate.published) and rate.symbol == "x"  # a rate without a Nenner: "x", never "–" or "…"
    shown = table_cell(rate, 1, {})
    assert shown.text == "x" and shown.state == NO_BASE
    rows = [[Cell(empty.name), shown]]
    notes = footnotes(catalogue.indicators["DEM-02"], catalogue, [Table("DEM-02", ["", "2024"], rows)], {}, [])
    assert notes == ["Ohne Fälle im Nenner gibt es keinen Anteil (x)."]


def test_the_legend_explains_x_for_rates_without_nenner_and_sparse_stadtteile(catalogue):
    legend = dict(symbol_legend(catalogue, 500))  # 8 Stadtteile have fewer than 500 inhabitants
    assert "ohne Fälle im Nenner" in legend["x"] and "gering besiedelt" in legend["x"]
    smallest_populated = min(d.einwohner for d in catalogue.districts if d.einwohner)
    counts_only = {k: i for k, i in catalogue.indicators.items() if i.typ != "quote"}
    without = dataclasses.replace(catalogue, districts=tuple(d for d in catalogue.districts if d.einwohner),
                                  indicators=counts_only)
    assert "x" not in dict(symbol_legend(without, smallest_populated))  # no rate, no sparse Stadtteil: no "x"
