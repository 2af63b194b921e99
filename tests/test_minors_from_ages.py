"""DEM-05 (Anteil Minderjähriger) from the age dimension: the catalogue declares its Zähler the sum of DEM-01's age
groups under 7 and 7 to under 18 (sheet Gleiche Zahlen, column gleich_alter); a return that disagrees is a Fehler,
disclosure control keeps the sum from giving a suppressed age group away, and the demo's numbers agree."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from workbook_edit import filled_cells, generate, set_cells

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.links import summed_counts
from toolkit.catalogue.model import CITY, load_catalogue
from toolkit.catalogue.sheets import default_links, default_rows
from toolkit.collect.layout import plan_workbook
from toolkit.core.errors import CatalogueError
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.store import Store
from toolkit.demo import data as demo_data
from toolkit.demo.breakdowns import FIRST_DISTRICT_AGES
from toolkit.indicators.audit import audit_cells
from toolkit.indicators.confidentiality import PRIMARY, protect
from toolkit.indicators.editions import audit_frame
from toolkit.indicators.values import value_frame
from toolkit.returns.checks import check_files

MINORS = ("0-7", "7-18")


def test_the_default_catalogue_declares_dem_05s_zaehler_the_sum_of_dem_01_under_18(catalogue):
    links = {(link.gruppe, link.gleich_alter) for link in catalogue.links if link.indikator == "DEM-05"
             and link.messgroesse == "zaehler"}
    assert links == {("insgesamt", MINORS), ("deutsch", MINORS), ("nichtdeutsch", MINORS)}  # not mit_mh, ohne_mh


def _frame(catalogue, rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator, area, group, measure, age, value), 2025, sex insgesamt, all nationalities."""
    obs = pd.DataFrame([{"indicator": i, "year": 2025, "area": a, "group": g, "sex": "insgesamt", "measure": m,
                         "age": age, "nationality": ALL, "value": float(v), "flag": "", "note": ""}
                        for i, a, g, m, age, v in rows])
    return protect(value_frame(obs, catalogue), catalogue)


def test_a_suppressed_age_group_is_not_given_away_by_dem_05s_zaehler(catalogue):
    ages = {"0-7": 2, "7-18": 20, "18-45": 50, "45-65": 20, "65+": 8}
    rows = [("DEM-01", "st01", "nichtdeutsch", "wert", ALL, 100)]
    rows += [("DEM-01", "st01", "nichtdeutsch", "wert", age, n) for age, n in ages.items()]
    rows += [("DEM-05", "st01", "nichtdeutsch", "zaehler", ALL, 22), ("DEM-05", "st01", "nichtdeutsch", "nenner", ALL, 100)]
    frame = _frame(catalogue, rows)
    keys = [(r.indicator, 2025, "st01", "nichtdeutsch", "insgesamt", r.age, ALL,
             "wert" if r.indicator == "DEM-01" else "zaehler") for r in frame.itertuples()]
    assert list(summed_counts(keys, catalogue.links)) == [
        (("DEM-05", 2025, "st01", "nichtdeutsch", "insgesamt", ALL, ALL, "zaehler"),
         tuple(("DEM-01", 2025, "st01", "nichtdeutsch", "insgesamt", age, ALL, "wert") for age in MINORS))]
    state = {r.age if r.indicator == "DEM-01" else "DEM-05": r.suppressed for r in frame.itertuples()}
    assert state["0-7"] == PRIMARY
    # 22 published and 20 published would give 2: one of them is hidden too
    assert state["7-18"] != "" or state["DEM-05"] != ""
    assert audit_cells(audit_frame(frame, catalogue), catalogue).ok
    # without the declaration, the same table gives the 2 away: the relation is what protects it
    plain = dataclasses.replace(catalogue, links=tuple(link for link in catalogue.links if not link.gleich_alter))
    unprotected = _frame(plain, rows)
    assert audit_cells(audit_frame(unprotected, catalogue), catalogue).recovered


@pytest.fixture(scope="module")
def demo_values(catalogue):
    return demo_data.generate(catalogue, [2025])


def _stat_return(tmp_path, catalogue, values, change: dict[ObservationKey, float]):
    plan = plan_workbook(catalogue, "STAT", 2025)
    cells = filled_cells(plan, lambda key: change.get(key, values.get(key)))
    return set_cells(generate(tmp_path / "blank.xlsx", catalogue, "STAT", 2025), tmp_path / "Erhebung_2025_STAT.xlsx",
                     cells), plan


def test_a_return_whose_minors_disagree_with_its_age_groups_is_a_fehler(tmp_path, catalogue, workspace, demo_values):
    key = ObservationKey("DEM-05", 2025, CITY, "deutsch", "insgesamt", "zaehler")
    parts = [demo_values[ObservationKey("DEM-01", 2025, CITY, "deutsch", "insgesamt", "wert", age)] for age in MINORS]
    assert demo_values[key] == sum(parts)  # the demo's numbers agree
    good, _plan = _stat_return(tmp_path, catalogue, demo_values, {})
    assert not [p for p in check_files(workspace, [good])[0].problems if p.code == "gleiche-zahl-abweichend"]
    bad, plan = _stat_return(tmp_path, catalogue, demo_values, {key: sum(parts) + 100})
    slot = next(s for s in plan.slots if s.role == "input" and s.key == key)
    report = check_files(workspace, [bad])[0]
    found = [p for p in report.problems if p.code == "gleiche-zahl-abweichend"]
    total = f"{int(sum(parts)):,}".replace(",", ".")
    wrong = f"{int(sum(parts)) + 100:,}".replace(",", ".")
    assert [p.message for p in found] == [
        f"{slot.sheet}!{slot.cell}: DEM-05, Zähler „Deutsche“ ist {wrong}. Laut Katalog (Blatt Gleiche Zahlen) ist das "
        f"die Summe von DEM-01 in den Altersgruppen unter 7 Jahre, 7 bis unter 18 Jahre (in diesem Bogen): {total}. "
        "Bitte beide Werte prüfen."]
    assert not report.ok  # a Fehler: the file is not merged


def test_a_stadtteils_minors_are_checked_against_the_age_groups_in_the_store(tmp_path, catalogue, workspace,
                                                                           demo_values):
    area = catalogue.districts[0].area
    key = ObservationKey("DEM-05", 2025, area, "nichtdeutsch", "insgesamt", "zaehler")
    stored = {ObservationKey("DEM-01", 2025, area, "nichtdeutsch", "insgesamt", "wert", age): 10.0 for age in MINORS}
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2025, file_name="K3_T39", sha256="x" * 64)
        store.put_many(((k, v, "", "", "") for k, v in stored.items()), delivery)
    path, plan = _stat_return(tmp_path, catalogue, demo_values, {key: 25.0})
    slot = next(s for s in plan.slots if s.role == "input" and s.key == key)
    found = [p for p in check_files(workspace, [path])[0].problems if p.code == "gleiche-zahl-abweichend"]
    assert [(p.sheet, p.cell, p.found, p.expected) for p in found] == [(slot.sheet, slot.cell, "25", "20")]
    assert "(aus dem Datenbestand)" in found[0].message


def test_the_demo_store_has_dem_05s_zaehler_as_the_sum_of_dem_01s_age_groups(demo_workspace):
    with Store.read_only(demo_workspace.store_file) as store:
        values = {key: stored.value for key, stored in store.values().items()}
    checked = 0
    for key, value in values.items():
        if key.indicator != "DEM-05" or key.measure != "zaehler" or key.group not in ("insgesamt", "deutsch",
                                                                                      "nichtdeutsch"):
            continue
        parts = [values.get(ObservationKey("DEM-01", key.year, key.area, key.group, key.sex, "wert", age))
                 for age in MINORS]
        if None in parts:
            continue
        assert value == sum(parts), key
        checked += 1
    # three groups, the years with age groups by Stadtteil (2021-2025, as the Amt publishes them), the city and the
    # populated Stadtteile
    assert checked >= 3 * len(range(FIRST_DISTRICT_AGES, 2026)) * 30
    assert any(k.indicator == "DEM-05" and k.group == "mit_mh" for k in values)  # collected as before


def test_a_catalogue_before_the_sheet_gets_the_age_sum_only_if_dem_01_is_collected_by_age():
    rows = default_rows()
    with_ages = default_links(rows["Indikatoren"])
    for row in rows["Indikatoren"]:
        if row.values["id"] == "DEM-01":
            row.values["altersgruppen"] = ""
    without = default_links(rows["Indikatoren"])
    assert [r.values["gruppe"] for r in with_ages if r.values["gleich_alter"]] == ["insgesamt", "deutsch",
                                                                                  "nichtdeutsch"]
    assert [r for r in without if r.values["gleich_alter"]] == []
    assert len(without) == len(with_ages) - 3


def test_an_age_group_the_partner_is_not_collected_by_is_a_catalogue_error(tmp_path):
    rows = default_rows()
    link = next(r for r in rows["Gleiche Zahlen"] if r.values["gleich_alter"])
    link.values["gleich_alter"] = "0-7;0-6"
    path = tmp_path / "Indikatorenmatrix.xlsx"
    write_catalogue_workbook(path, rows)
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert "DEM-01 wird nicht nach der Altersgruppe „0-6“ erhoben; erlaubt: 0-5" in str(error.value)
